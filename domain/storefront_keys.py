"""Storefront keys: issued once, stored as SHA-256 hashes (keys carry 190 bits of randomness, so a fast
hash is safe here, unlike passwords), rotated in place."""
import datetime
import hashlib
import secrets
import time

from domain import settings_cache
from storage.models import StorefrontKey, utcnow

KEY_PREFIX = "pk_storefront_"
USE_RECORDED_EVERY = 60  # seconds: a key's last_used_at is written at most this often per worker
_last_marked: dict[int, float] = {}  # key id -> monotonic time this worker last wrote its last_used_at


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
    """Give the key a new secret; the previous one stops working on the next request."""
    raw_key = new_raw_key()
    StorefrontKey.update(key_hash=hash_key(raw_key), key_prefix=raw_key[:len(KEY_PREFIX) + 4],
                         updated_at=utcnow()).where(StorefrontKey.id == record.id).execute()
    forget_cached_keys()
    return raw_key


def find_key(digest: str) -> dict | None:
    """{"claims", "expires_at"} of the key with this digest when it is active, else None; kept per
    worker under the settings version (every write to a key's hash, status, expiry or limit raises it)."""
    def load():
        record = StorefrontKey.get_or_none(StorefrontKey.key_hash == digest)
        if record is None or not record.status:
            return None
        return {"claims": {"sub": f"storefront-key:{record.id}", "key_id": record.id, "rate_limit": record.rate_limit},
                "expires_at": record.expires_at}
    return settings_cache.cached("storefront_key", digest, load)


def record_use(key_id: int):
    """Write a key's last_used_at at most once a minute per key and worker (it raises no version)."""
    now = time.monotonic()
    if now - _last_marked.get(key_id, float("-inf")) < USE_RECORDED_EVERY:
        return
    _last_marked[key_id] = now
    StorefrontKey.update(last_used_at=utcnow()).where(StorefrontKey.id == key_id).execute()


def forget_cached_keys():
    """Drop this worker's cached settings (a key change also raises the settings version for every worker)."""
    settings_cache.forget()
