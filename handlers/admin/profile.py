"""The authenticated admin's profile: GET /api/admin/get (an array of one), GraphQL readAdminProfile."""
from domain.access import caller_id
from domain.common import RequestContext
from domain.errors import ApiError
from storage.admin_models import AdminRole, AdminUser


def profile_document(context: RequestContext) -> dict:
    admin = (AdminUser.select(AdminUser, AdminRole).join(AdminRole)
             .where(AdminUser.id == caller_id(context)).first())
    if admin is None:
        raise ApiError(401, "Unauthenticated.", "unauthenticated")
    return {"id": str(admin.id), "name": admin.name, "email": admin.email, "image": context.media(admin.image),
            "status": str(int(admin.status)), "roleId": admin.role.id, "roleName": admin.role.name,
            "success": True, "message": None}


def get_admin_profile(context: RequestContext) -> list[dict]:
    return [profile_document(context)]


def read_admin_profile(context: RequestContext) -> dict:
    return profile_document(context)
