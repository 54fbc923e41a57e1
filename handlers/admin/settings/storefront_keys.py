"""Storefront keys from the admin API: /api/admin/settings/storefront-keys and GraphQL.

Raw keys are shown once (create, rotate); only their SHA-256 is stored. Every change raises the
settings version, so a rotated, deactivated or deleted key stops working on the next request in
every worker (domain/settings_cache.py).
"""
from domain.access import created
from handlers.admin.settings.integration_tokens import parse_expiry
from domain.common import Page, RequestContext, Window, get_or_not_found, iso, paginate
from domain.errors import ApiError
from domain.storefront_keys import create_key, forget_cached_keys, rotate_key
from storage.models import StorefrontKey, utcnow


def key_document(record: StorefrontKey, raw: str | None = None) -> dict:
    document = {
        "id": record.id, "name": record.name, "keyPrefix": record.key_prefix, "rateLimitPerMinute": record.rate_limit,
        "status": int(record.status), "expiresAt": iso(record.expires_at), "lastUsedAt": iso(record.last_used_at),
        "createdAt": iso(record.created_at), "updatedAt": iso(record.updated_at),
    }
    if raw is not None:
        document["key"] = raw
    return document


def list_storefront_keys(context: RequestContext, window: Window) -> Page:
    return paginate(StorefrontKey.select().order_by(StorefrontKey.id), window, key_document)


def get_storefront_key(context: RequestContext, id: int) -> dict:
    return key_document(get_or_not_found(StorefrontKey, id, "Storefront key"))


def create_storefront_key(context: RequestContext, body: dict):
    expires_at = checked_expiry(body)
    record, raw = create_key(body["name"].strip(), rate_limit=body.get("rate_limit_per_minute", 100),
                             expires_at=expires_at)
    return created(key_document(record, raw))


def update_storefront_key(context: RequestContext, id: int, body: dict) -> dict:
    record = get_or_not_found(StorefrontKey, id, "Storefront key")
    changes = {"updated_at": utcnow()}
    if "name" in body:
        changes["name"] = body["name"].strip()
    if "rate_limit_per_minute" in body:
        changes["rate_limit"] = body["rate_limit_per_minute"]
    if "expires_at" in body:
        changes["expires_at"] = checked_expiry(body)
    return save(record.id, changes)


def checked_expiry(body: dict):
    errors = {}
    expires_at = parse_expiry(body.get("expires_at"), errors)
    if errors:
        raise ApiError(422, "The given data was invalid.", "validation_failed", errors)
    return expires_at


def rotate_storefront_key(context: RequestContext, id: int) -> dict:
    raw = rotate_key(get_or_not_found(StorefrontKey, id, "Storefront key"))
    return key_document(StorefrontKey.get_by_id(id), raw)


def activate_storefront_key(context: RequestContext, id: int) -> dict:
    record = get_or_not_found(StorefrontKey, id, "Storefront key")
    return save(record.id, {"status": True, "updated_at": utcnow()})


def deactivate_storefront_key(context: RequestContext, id: int) -> dict:
    record = get_or_not_found(StorefrontKey, id, "Storefront key")
    return save(record.id, {"status": False, "updated_at": utcnow()})


def delete_storefront_key(context: RequestContext, id: int) -> dict:
    record = get_or_not_found(StorefrontKey, id, "Storefront key")
    record.delete_instance()
    forget_cached_keys()
    return {"message": "Storefront key deleted."}


def save(key_id: int, changes: dict) -> dict:
    StorefrontKey.update(changes).where(StorefrontKey.id == key_id).execute()
    forget_cached_keys()
    return key_document(StorefrontKey.get_by_id(key_id))
