"""Storefront keys: issued once, stored as SHA-256 hashes (keys carry 190 bits of randomness, so a fast
hash is safe here, unlike passwords), rotated in place."""
import datetime
import hashlib
import secrets

from storage.models import StorefrontKey, utcnow

KEY_PREFIX = "pk_storefront_"
# Lookups cached per worker for KEY_CACHE_SECONDS: raw-key digest -> (expiry, claims or None).
cache: dict[str, tuple[float, dict | None]] = {}


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def new_raw_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(24)


def create_key(name: str, rate_limit: int = 100, expires_at: datetime.datetime | None = None) -> tuple[StorefrontKey, str]:
    """Create a key; the raw value is returned once and never stored."""
    raw_key = new_raw_key()
    record = StorefrontKey.create(name=name, key_prefix=raw_key[:len(KEY_PREFIX) + 4], key_hash=hash_key(raw_key),
                                  rate_limit=rate_limit, expires_at=expires_at)
    return record, raw_key


def rotate_key(record: StorefrontKey) -> str:
    """Give the key a new secret; the previous one stops working (after the short lookup cache)."""
    raw_key = new_raw_key()
    StorefrontKey.update(key_hash=hash_key(raw_key), key_prefix=raw_key[:len(KEY_PREFIX) + 4],
                         updated_at=utcnow()).where(StorefrontKey.id == record.id).execute()
    forget_cached_keys()
    return raw_key


def forget_cached_keys():
    cache.clear()
