"""Admin roles: /api/admin/settings/roles (CRUD); GraphQL adminSettingsRole(s) and mutations.

A role grants every permission (`all`) or a list of permission keys (`custom`). Keys are matched
exactly: `settings.users.view` does not imply `settings.users.edit`. A caller cannot create or
widen a role beyond what its own token may do, nor change or delete its own role or a role that
grants more than its token (the role hierarchy in handlers/admin_access.py); narrowing the role of
the last full administrators is refused.
"""
from domain.access import created, ensure_may_change_role, ensure_within_caller, guard_last_full_admin, invalid
from domain.common import Page, RequestContext, Window, get_or_not_found, paginate
from domain.errors import ApiError
from storage.admin_models import AdminRole, AdminUser
from storage.db import database
from storage.models import utcnow

PERMISSIONS_REQUIRED = "The permissions field is required when permission type is custom."


def role_document(role: AdminRole) -> dict:
    return {"id": role.id, "name": role.name, "description": role.description,
            "permissionType": role.permission_type,
            "permissions": sorted(role.permissions or []) if role.permission_type == "custom" else None}


def list_admin_roles(context: RequestContext, window: Window) -> Page:
    return paginate(AdminRole.select().order_by(AdminRole.id), window, role_document)


def get_admin_role(context: RequestContext, id: int) -> dict:
    return role_document(get_or_not_found(AdminRole, id, "Role"))


def create_admin_role(context: RequestContext, body: dict):
    permissions = stored_permissions(body["permission_type"], body.get("permissions"))
    ensure_within_caller(context, permissions or "all", "permissions", "A role")
    role = AdminRole.create(name=body["name"].strip(), description=body["description"],
                            permission_type=body["permission_type"], permissions=permissions)
    return created(role_document(role))


def update_admin_role(context: RequestContext, id: int, body: dict) -> dict:
    role = get_or_not_found(AdminRole, id, "Role")
    ensure_may_change_role(context, role)
    permission_type = body.get("permission_type", role.permission_type)
    permissions = stored_permissions(permission_type, body.get("permissions", role.permissions))
    ensure_within_caller(context, permissions or "all", "permissions", "A role")
    changes = {"updated_at": utcnow(), "permission_type": permission_type, "permissions": permissions}
    if "name" in body:
        changes["name"] = body["name"].strip()
    if "description" in body:
        changes["description"] = body["description"]
    with database.atomic():
        if role.permission_type == "all" and permission_type != "all":
            guard_last_full_admin(leaving_role=role.id)
        AdminRole.update(changes).where(AdminRole.id == role.id).execute()
    return role_document(AdminRole.get_by_id(role.id))


def stored_permissions(permission_type: str, permissions: list[str] | None) -> list[str] | None:
    """The stored list: required (non-empty) for custom, none for all."""
    if permission_type == "all":
        return None
    if not permissions:
        raise invalid("permissions", PERMISSIONS_REQUIRED)
    return sorted(set(permissions))


def delete_admin_role(context: RequestContext, id: int) -> dict:
    role = get_or_not_found(AdminRole, id, "Role")
    with database.atomic():
        if AdminUser.select().where(AdminUser.role == role.id).exists():
            raise ApiError(400, "This role is assigned to one or more admins and cannot be deleted.", "role_in_use")
        if AdminRole.select().count() <= 1:
            raise ApiError(400, "The last remaining role cannot be deleted.", "last_role")
        ensure_may_change_role(context, role)
        role.delete_instance()
    return {"message": "Role deleted."}
