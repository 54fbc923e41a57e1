"""Integration tokens: /api/admin/settings/integration-tokens (generate, list, revoke, delete) and GraphQL.

A caller never mints a token broader than its own: the new token's effective permissions must be
covered by the calling token's (422 otherwise).
"""
import datetime

from domain.access import (
    UNSET, caller_id, created, effective_permissions, ensure_within_caller, invalid_ip_entries, issue_token,
)
from domain.common import Page, RequestContext, Window, get_or_not_found, iso, paginate
from domain.errors import ApiError
from storage.admin_models import AdminRole, AdminToken, AdminUser
from storage.models import utcnow


def token_status(token: AdminToken, now: datetime.datetime) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


def token_document(token: AdminToken, raw: str | None = None) -> dict:
    document = {
        "id": token.id, "name": token.name, "adminId": token.admin_id,
        "tokenPrefix": f"{token.id}|{token.token_prefix}", "permissionMode": token.permission_mode,
        "permissions": sorted(token.permissions or []) if token.permission_mode == "custom" else None,
        "allowedIps": list(token.allowed_ips or []), "expiresAt": iso(token.expires_at),
        "rateLimitPerMinute": token.rate_limit_per_minute, "rateLimitPerDay": token.rate_limit_per_day,
        "status": token_status(token, utcnow()), "revokedAt": iso(token.revoked_at),
        "lastUsedAt": iso(token.last_used_at), "createdAt": iso(token.created_at), "updatedAt": iso(token.updated_at),
    }
    if raw is not None:
        document["token"] = raw
    return document


def list_integration_tokens(context: RequestContext, window: Window) -> Page:
    return paginate(AdminToken.select().order_by(AdminToken.id.desc()), window, token_document)


def get_integration_token(context: RequestContext, id: int) -> dict:
    return token_document(get_or_not_found(AdminToken, id, "Integration token"))


def create_integration_token(context: RequestContext, body: dict):
    owner_id = body.get("admin_id", caller_id(context))
    owner = AdminUser.select(AdminUser, AdminRole).join(AdminRole).where(AdminUser.id == owner_id).first()
    mode = body.get("permission_mode", "all")
    permissions = body.get("permissions") or []
    errors = token_errors(owner, mode, permissions, body.get("allowed_ips") or [])
    expires_at = UNSET
    if "expires_at" in body:
        expires_at = parse_expiry(body["expires_at"], errors)
    if errors:
        raise ApiError(422, "The given data was invalid.", "validation_failed", errors)
    ensure_within_caller(context, effective_permissions(owner.role, mode, permissions),
                         "permissions" if mode == "custom" else "permission_mode", "A token")
    token, raw = issue_token(
        owner, name=body["name"].strip(), permission_mode=mode, permissions=permissions,
        allowed_ips=body.get("allowed_ips") or [], expires_at=expires_at,
        rate_limit_per_minute=body.get("rate_limit_per_minute", 60),
        rate_limit_per_day=body.get("rate_limit_per_day", 10000))
    return created(token_document(token, raw))


def token_errors(owner: AdminUser | None, mode: str, permissions: list[str], allowed_ips: list[str]) -> dict:
    errors = {}
    if owner is None:
        errors["admin_id"] = ["The selected admin id is invalid."]
    if mode == "custom" and not permissions:
        errors["permissions"] = ["The permissions field is required when permission mode is custom."]
    elif mode == "custom" and owner is not None:
        granted = effective_permissions(owner.role, "all", None)
        excess = sorted(set(permissions) - set(granted)) if granted != "all" else []
        if excess:
            errors["permissions"] = [f"Not granted by the admin's role: {', '.join(excess)}."]
    bad_ips = invalid_ip_entries(allowed_ips)
    if bad_ips:
        errors["allowed_ips"] = bad_ips
    return errors


def parse_expiry(value: str | None, errors: dict):
    """An ISO 8601 date-time in the future (UTC when no offset is given), or None for never."""
    if value is None:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        errors["expires_at"] = ["The expires at field must be an ISO 8601 date-time."]
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    moment = moment.replace(microsecond=0)
    if moment <= utcnow():
        errors["expires_at"] = ["The expires at field must be a date after now."]
    return moment


def revoke_integration_token(context: RequestContext, id: int) -> dict:
    token = get_or_not_found(AdminToken, id, "Integration token")
    if token.revoked_at is None:
        now = utcnow()
        AdminToken.update(revoked_at=now, updated_at=now).where(AdminToken.id == token.id).execute()
    return token_document(AdminToken.get_by_id(token.id))


def delete_integration_token(context: RequestContext, id: int) -> dict:
    token = get_or_not_found(AdminToken, id, "Integration token")
    token.delete_instance()
    return {"message": "Integration token deleted."}
