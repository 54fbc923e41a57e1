"""Admin access: integration tokens (`<id>|<secret>`), their effective permissions, passwords,
and the helpers the admin handlers share (caller, GraphQL input → REST body, business-rule errors).

A token inherits its admin's role and can never do more: mode `all` and `same_as_web` follow the
role as it is now; `custom` is a frozen subset, intersected with the role at every request.

Role and user hierarchy (docs/security.md): a caller cannot change a role it holds itself or a role
that grants anything its token lacks, nor change, deactivate or delete an admin whose role does
(403 `role_hierarchy`); the last active full administrator (a role with permission type `all`)
cannot be demoted, deactivated or deleted (400 `last_full_admin`).
"""
import datetime
import hashlib
import hmac
import ipaddress
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.common import RequestContext
from domain.errors import ApiError, Unprocessable
from storage.admin_models import AdminRole, AdminToken, AdminUser, one_year_from_now
from storage.db import database
from storage.models import utcnow

PERMISSION_MODES = ("all", "custom", "same_as_web")
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
UNSET = object()

_hasher = PasswordHasher()


# --- passwords ---------------------------------------------------------------

def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# --- tokens ------------------------------------------------------------------

def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def issue_token(admin: AdminUser, name: str = "Integration", permission_mode: str = "all",
                permissions: list[str] | None = None, allowed_ips: list[str] | None = None,
                expires_at=UNSET, rate_limit_per_minute: int | None = 60,
                rate_limit_per_day: int | None = 10000) -> tuple[AdminToken, str]:
    """Create a token for `admin`; the raw `<id>|<secret>` is returned once and never stored.
    `expires_at` defaults to one year from now; None means it never expires."""
    secret = new_secret()
    token = AdminToken.create(
        admin=admin, name=name, token_prefix=secret[:8], token_hash=hash_secret(secret),
        permission_mode=permission_mode,
        permissions=sorted(set(permissions or [])) if permission_mode == "custom" else None,
        allowed_ips=list(allowed_ips or []), expires_at=one_year_from_now() if expires_at is UNSET else expires_at,
        rate_limit_per_minute=rate_limit_per_minute, rate_limit_per_day=rate_limit_per_day)
    return token, f"{token.id}|{secret}"


def full_access_role(role_name: str = "Administrator") -> tuple[AdminRole, str | None]:
    """The all-permissions role named `role_name`: created when missing, restored to full access when
    it was narrowed (through the API or otherwise). Returns (role, what was done or None)."""
    role = AdminRole.select().where(AdminRole.name == role_name).order_by(AdminRole.id).first()
    if role is None:
        return AdminRole.create(name=role_name, description="Full access", permission_type="all"), "created"
    if role.permission_type != "all":
        (AdminRole.update(permission_type="all", permissions=None, updated_at=utcnow())
         .where(AdminRole.id == role.id).execute())
        return AdminRole.get_by_id(role.id), "restored"
    return role, None


def create_admin_with_token(name: str, email: str, password: str,
                            role_name: str = "Administrator") -> tuple[AdminUser, str]:
    """A full administrator (the named role, created or restored to permission type `all`, see
    full_access_role) and one integration token; used by `specshop admin create` and `make run`."""
    with database.atomic():
        role, _change = full_access_role(role_name)
        admin = AdminUser.create(name=name, email=email.strip().lower(), password=hash_password(password), role=role)
        _token, raw = issue_token(admin, name="CLI")
    return admin, raw


def parse_raw_token(raw_token: str | None) -> tuple[int, str] | None:
    match = re.fullmatch(r"(\d{1,10})\|([A-Za-z0-9_-]{16,128})", (raw_token or "").strip())
    if not match or int(match.group(1)) > 2**31 - 1:
        return None
    return int(match.group(1)), match.group(2)


def authenticate_admin_token(raw_token: str | None, client_ip: str | None) -> dict | None:
    """Claims for a live token from an allowed IP whose admin is active, else None (→ 401)."""
    parsed = parse_raw_token(raw_token)
    if parsed is None:
        return None
    token_id, secret = parsed
    token = (AdminToken.select(AdminToken, AdminUser, AdminRole).join(AdminUser).join(AdminRole)
             .where(AdminToken.id == token_id).first())
    now = utcnow()
    if (token is None or not hmac.compare_digest(token.token_hash, hash_secret(secret))
            or token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now)
            or not token.admin.status or not ip_allowed(token.allowed_ips, client_ip)):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        AdminToken.update(last_used_at=now).where(AdminToken.id == token.id).execute()
    return {
        "sub": f"admin-token:{token.id}",
        "admin_id": token.admin.id,
        "token_id": token.id,
        "permissions": effective_permissions(token.admin.role, token.permission_mode, token.permissions),
        "rate_limit_per_minute": token.rate_limit_per_minute,
        "rate_limit_per_day": token.rate_limit_per_day,
    }


def role_permissions(role: AdminRole):
    return "all" if role.permission_type == "all" else sorted(set(role.permissions or ()))


def effective_permissions(role: AdminRole, mode: str, token_permissions: list[str] | None):
    """"all" or a sorted list of keys: the role's, narrowed to the token's frozen subset in custom mode."""
    granted = role_permissions(role)
    if mode != "custom":
        return granted
    frozen = set(token_permissions or ())
    return sorted(frozen if granted == "all" else frozen & set(granted))


def ip_allowed(allowed_ips: list[str] | None, client_ip: str | None) -> bool:
    if not allowed_ips:
        return True
    address = parse_ip(client_ip)
    if address is None:
        return False
    for entry in allowed_ips:
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def parse_ip(value: str | None):
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def invalid_ip_entries(entries: list[str]) -> list[str]:
    bad = []
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            bad.append(f"'{entry}' is not an IPv4/IPv6 address or CIDR range.")
    return bad


# --- shared by the admin handlers ------------------------------------------------

def caller_id(context: RequestContext) -> int:
    if not context.admin:
        raise ApiError(401, "Unauthenticated.", "unauthenticated")
    return context.admin["admin_id"]


def caller_permissions(context: RequestContext):
    return (context.admin or {}).get("permissions") or []


def covers(granted, wanted) -> bool:
    """Whether permissions `granted` ("all" or keys) include every permission in `wanted`."""
    if granted == "all":
        return True
    return wanted != "all" and set(wanted) <= set(granted)


def ensure_within_caller(context: RequestContext, wanted, field: str, what: str):
    """No escalation: a caller cannot grant (through a role, a role assignment or a token) more than
    its own token may do."""
    if not covers(caller_permissions(context), wanted):
        raise invalid(field, f"{what} cannot grant more than the calling token may do.")


HIERARCHY_OWN_ROLE = "You cannot change a role you hold yourself."
HIERARCHY_WIDER_ROLE = "You cannot change a role that grants permissions you lack."
HIERARCHY_WIDER_ADMIN = "You cannot change an admin whose role grants permissions you lack."
LAST_FULL_ADMIN = "The last full administrator cannot be demoted, deactivated or deleted."


def hierarchy_refusal(message: str) -> ApiError:
    return ApiError(403, message, "role_hierarchy")


def caller_role_id(context: RequestContext) -> int | None:
    return (AdminUser.select(AdminUser.role).where(AdminUser.id == caller_id(context)).scalar())


def ensure_may_change_role(context: RequestContext, role: AdminRole):
    """Role hierarchy: not the caller's own role, and nothing the role grants beyond the caller's token."""
    if role.id == caller_role_id(context):
        raise hierarchy_refusal(HIERARCHY_OWN_ROLE)
    if not covers(caller_permissions(context), role_permissions(role)):
        raise hierarchy_refusal(HIERARCHY_WIDER_ROLE)


def ensure_may_manage_admin(context: RequestContext, admin: AdminUser):
    """User hierarchy: the admin's role grants nothing beyond the caller's token."""
    if not covers(caller_permissions(context), role_permissions(admin.role)):
        raise hierarchy_refusal(HIERARCHY_WIDER_ADMIN)


def is_full_admin(admin: AdminUser) -> bool:
    return bool(admin.status) and admin.role.permission_type == "all"


def guard_last_full_admin(leaving_admin: int | None = None, leaving_role: int | None = None):
    """Inside the write's transaction: refuse (400 last_full_admin) when no active admin with an
    `all` role would remain beside `leaving_admin` (demoted, deactivated or deleted) and the holders of
    `leaving_role` (narrowed). The no-op UPDATE of the `all` roles makes such writes queue on
    PostgreSQL (row locks until commit) as they do on SQLite (BEGIN IMMEDIATE), so two concurrent
    demotions cannot both pass the count."""
    AdminRole.update(updated_at=AdminRole.updated_at).where(AdminRole.permission_type == "all").execute()
    remaining = (AdminUser.select(AdminUser.id).join(AdminRole)
                 .where(AdminUser.status == True, AdminRole.permission_type == "all"))  # noqa: E712
    if leaving_admin is not None:
        remaining = remaining.where(AdminUser.id != leaving_admin)
    if leaving_role is not None:
        remaining = remaining.where(AdminUser.role != leaving_role)
    if not remaining.exists():
        raise ApiError(400, LAST_FULL_ADMIN, "last_full_admin")


def invalid(field: str, message: str) -> ApiError:
    return Unprocessable({field: [message]})


def created(document: dict) -> tuple[dict, int]:
    """A REST 201 answer; GraphQL mutations unwrap it."""
    return document, 201


def has_permission(admin_claims: dict | None, permission: str) -> bool:
    """Whether the admin behind `admin_claims` may use an operation that requires `permission`."""
    if not admin_claims:
        return False
    granted = admin_claims.get("permissions")
    return granted == "all" or permission in (granted or ())
