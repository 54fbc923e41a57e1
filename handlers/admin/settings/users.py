"""Admin users: /api/admin/settings/users (CRUD and delete-self); GraphQL adminSettingsUser(s) and mutations."""
from peewee import IntegrityError

from domain.access import (
    caller_id, created, ensure_within_caller, hash_password, invalid, role_permissions, verify_password,
)
from domain.common import Page, RequestContext, Window, get_or_not_found, paginate
from domain.errors import ApiError
from storage.admin_models import AdminRole, AdminToken, AdminUser
from storage.db import database
from storage.models import utcnow

EMAIL_TAKEN = "The email has already been taken."


def user_document(user: AdminUser) -> dict:
    return {"id": user.id, "name": user.name, "email": user.email, "roleId": user.role_id, "status": int(user.status)}


def list_admin_users(context: RequestContext, window: Window) -> Page:
    return paginate(AdminUser.select().order_by(AdminUser.id), window, user_document)


def get_admin_user(context: RequestContext, id: int) -> dict:
    return user_document(get_or_not_found(AdminUser, id, "Admin user"))


def create_admin_user(context: RequestContext, body: dict):
    email = body["email"].strip().lower()
    check_user(context, body, email=email, password_required=True)
    try:
        with database.atomic():
            user = AdminUser.create(name=body["name"].strip(), email=email, password=hash_password(body["password"]),
                                    role=body["role_id"], status=bool(body.get("status", 1)))
    except IntegrityError:
        raise invalid("email", EMAIL_TAKEN) from None
    return created(user_document(user))


def update_admin_user(context: RequestContext, id: int, body: dict) -> dict:
    user = get_or_not_found(AdminUser, id, "Admin user")
    email = body["email"].strip().lower() if "email" in body else None
    check_user(context, body, email=email, password_required=False, user_id=user.id)
    changes = {"updated_at": utcnow()}
    if "name" in body:
        changes["name"] = body["name"].strip()
    if email is not None:
        changes["email"] = email
    if "password" in body:
        changes["password"] = hash_password(body["password"])
    if "role_id" in body:
        changes["role"] = body["role_id"]
    if "status" in body:
        changes["status"] = bool(body["status"])
    try:
        AdminUser.update(changes).where(AdminUser.id == user.id).execute()
    except IntegrityError:
        raise invalid("email", EMAIL_TAKEN) from None
    return user_document(AdminUser.get_by_id(user.id))


def check_user(context: RequestContext, body: dict, email: str | None, password_required: bool,
               user_id: int | None = None):
    """Business rules the spec cannot state: unique email, password confirmation, an existing role
    that grants no more than the caller's token."""
    errors = {}
    if email is not None:
        taken = AdminUser.select().where(AdminUser.email == email)
        if user_id is not None:
            taken = taken.where(AdminUser.id != user_id)
        if taken.exists():
            errors["email"] = [EMAIL_TAKEN]
    if (password_required or "password" in body) and body.get("password") != body.get("password_confirmation"):
        errors["password"] = ["The password field confirmation does not match."]
    role = AdminRole.get_or_none(AdminRole.id == body["role_id"]) if "role_id" in body else None
    if "role_id" in body and role is None:
        errors["role_id"] = ["The selected role id is invalid."]
    if errors:
        raise ApiError(422, "The given data was invalid.", "validation_failed", errors)
    if role is not None:
        ensure_within_caller(context, role_permissions(role), "role_id", "The role")


def delete_admin_user(context: RequestContext, id: int) -> dict:
    me = caller_id(context)
    user = get_or_not_found(AdminUser, id, "Admin user")
    if user.id == me:
        raise ApiError(400, "You cannot delete your own account here; use delete-self.", "cannot_delete_self")
    with database.atomic():
        guard_last_admin()
        remove_admin(user.id)
    return {"message": "Admin deleted."}


def delete_admin_self(context: RequestContext, body: dict) -> dict:
    me = AdminUser.get_or_none(AdminUser.id == caller_id(context))
    if me is None:
        raise ApiError(401, "Unauthenticated.", "unauthenticated")
    if not verify_password(me.password, body["password"]):
        raise invalid("password", "The password is incorrect.")
    with database.atomic():
        guard_last_admin()
        remove_admin(me.id)
    return {"success": True, "message": "Your admin account has been deleted."}


def guard_last_admin():
    if AdminUser.select().count() <= 1:
        raise ApiError(400, "The last remaining admin cannot be deleted.", "last_admin")


def remove_admin(admin_id: int):
    AdminToken.delete().where(AdminToken.admin == admin_id).execute()
    AdminUser.delete().where(AdminUser.id == admin_id).execute()


def confirm_password(data: dict) -> dict:
    """GraphQL create takes `password` alone (as the example shows); REST needs the confirmation."""
    return {"passwordConfirmation": data.get("password"), **data}


def confirm_new_password(data: dict) -> dict:
    return confirm_password(data) if "password" in data else data
