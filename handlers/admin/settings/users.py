"""Admin users: /api/admin/settings/users (CRUD and delete-self); GraphQL adminSettingsUser(s) and mutations.

The role hierarchy (handlers/admin_access.py) applies: a caller changes, deactivates, deletes or
re-credentials only admins whose role grants nothing beyond its own token, and the last active full
administrator cannot be demoted, deactivated or deleted (not even by itself).
"""
from peewee import IntegrityError

from domain.access import (
    caller_id, created, ensure_may_manage_admin, ensure_within_caller, guard_last_full_admin, hash_password, invalid,
    is_full_admin, role_permissions, verify_password,
)
from domain.common import Page, RequestContext, Window, get_or_not_found, iso, paginate
from domain.errors import ApiError, NotFound
from storage.admin_models import AdminRole, AdminToken, AdminUser
from storage.db import database
from storage.models import utcnow

EMAIL_TAKEN = "The email has already been taken."


def user_document(user: AdminUser) -> dict:
    return {"id": user.id, "name": user.name, "email": user.email, "roleId": user.role_id, "status": int(user.status),
            "role": {"id": user.role.id, "name": user.role.name}, "createdAt": iso(user.created_at)}


def list_admin_users(context: RequestContext, window: Window) -> Page:
    return paginate(AdminUser.select(AdminUser, AdminRole).join(AdminRole).order_by(AdminUser.id), window,
                    user_document)


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
    user = find_admin(id)
    ensure_may_manage_admin(context, user)
    email = body["email"].strip().lower() if "email" in body else None
    role = check_user(context, body, email=email, password_required=False, user_id=user.id)
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
    stays_full = changes.get("status", user.status) and (role or user.role).permission_type == "all"
    try:
        with database.atomic():
            if is_full_admin(user) and not stays_full:
                guard_last_full_admin(leaving_admin=user.id)
            AdminUser.update(changes).where(AdminUser.id == user.id).execute()
    except IntegrityError:
        raise invalid("email", EMAIL_TAKEN) from None
    return user_document(AdminUser.get_by_id(user.id))


def find_admin(admin_id: int) -> AdminUser:
    """The admin with its role (one query), or 404."""
    user = AdminUser.select(AdminUser, AdminRole).join(AdminRole).where(AdminUser.id == admin_id).first()
    if user is None:
        raise NotFound("Admin user")
    return user


def check_user(context: RequestContext, body: dict, email: str | None, password_required: bool,
               user_id: int | None = None) -> AdminRole | None:
    """Business rules the spec cannot state: unique email, password confirmation, an existing role
    that grants no more than the caller's token. Returns the role `role_id` names, if any."""
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
    return role


def delete_admin_user(context: RequestContext, id: int) -> dict:
    me = caller_id(context)
    user = find_admin(id)
    if user.id == me:
        raise ApiError(400, "You cannot delete your own account here; use delete-self.", "cannot_delete_self")
    ensure_may_manage_admin(context, user)
    with database.atomic():
        guard_last_admin()
        if is_full_admin(user):
            guard_last_full_admin(leaving_admin=user.id)
        remove_admin(user.id)
    return {"message": "Admin deleted."}


def delete_admin_self(context: RequestContext, body: dict) -> dict:
    me = AdminUser.select(AdminUser, AdminRole).join(AdminRole).where(AdminUser.id == caller_id(context)).first()
    if me is None:
        raise ApiError(401, "Unauthenticated.", "unauthenticated")
    if not verify_password(me.password, body["password"]):
        raise invalid("password", "The password is incorrect.")
    with database.atomic():
        guard_last_admin()
        if is_full_admin(me):
            guard_last_full_admin(leaving_admin=me.id)
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
