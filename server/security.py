"""Storefront keys: issued once, stored as SHA-256 hashes, checked on every shop call.

Keys carry 190 bits of randomness, so a fast hash is safe here (unlike passwords).
Lookups are kept per worker under the settings version (domain/settings_cache.py): a key
created, rotated, deactivated or deleted is seen by every worker on its next request.
"""
from starlette.concurrency import run_in_threadpool

from domain.storefront_keys import find_key, hash_key, record_use
from storage.db import database
from storage.models import utcnow
from server.errors import InvalidStorefrontKey

# scope["state"] key: the credentials this request presented that turned out invalid (counted per
# client address by the rate-limit middleware, INVALID_CREDENTIALS_PER_MINUTE).
CREDENTIAL_REJECTED = "credentials_rejected"
# scope["state"] key: (raw storefront key, its claims or None), as the rate-limit middleware found them.
STOREFRONT_CLAIMS = "storefront_claims"


def lookup_key(raw_key: str) -> dict | None:
    """The key's claims if it exists, is active and has not expired."""
    with database.connection_context():
        found = find_key(hash_key(raw_key))
        if found is None or (found["expires_at"] is not None and found["expires_at"] <= utcnow()):
            return None
        record_use(found["claims"]["key_id"])
    return dict(found["claims"])


def looked_up_key(scope, raw_key: str):
    """The rate-limit middleware's lookup of `raw_key` in this request: (True, claims or None), or
    (False, None) when it did not look this key up."""
    checked = (scope.get("state") or {}).get(STOREFRONT_CLAIMS)
    return (True, checked[1]) if checked and checked[0] == raw_key else (False, None)


async def check_storefront_key(api_key: str, required_scopes=None, request=None) -> dict:
    """connexion x-apikeyInfoFunc: claims for a valid key, else 403 invalid_key."""
    known, claims = looked_up_key(request.scope, api_key) if request is not None and api_key else (False, None)
    if not known:
        claims = await run_in_threadpool(lookup_key, api_key) if api_key else None
    if claims is None:
        raise InvalidStorefrontKey()
    return dict(claims)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header."""
    if authorization and authorization[:7].lower() == "bearer ":
        return authorization[7:].strip() or None
    return None


def customer_claims(raw_token: str) -> dict | None:
    from domain.customers import authenticate_customer_token
    with database.connection_context():
        return authenticate_customer_token(raw_token)


def cart_claims(raw_token: str) -> dict | None:
    """Claims of the bearer of a cart operation: a customer token (the customer's cart) or a guest
    cart token (`{"cart_id", "cart_token"}`); None when it is neither."""
    from domain.sales.cart import authenticate_guest_cart_token
    from domain.customers import authenticate_customer_token
    with database.connection_context():
        return authenticate_customer_token(raw_token) or authenticate_guest_cart_token(raw_token)


def guest_cart_claims(raw_token: str) -> dict | None:
    from domain.sales.cart import authenticate_guest_cart_token
    with database.connection_context():
        return authenticate_guest_cart_token(raw_token)


def admin_claims(raw_token: str, client_ip: str | None) -> dict | None:
    from domain.access import authenticate_admin_token
    with database.connection_context():
        return authenticate_admin_token(raw_token, client_ip)


def note_rejected(request, what: str):
    """Record an invalid credential on the request for the invalid-credential limit (server/middleware.py)."""
    if request is not None:
        request.scope.setdefault("state", {}).setdefault(CREDENTIAL_REJECTED, []).append(what)


async def check_customer_token(token: str, required_scopes=None, request=None) -> dict | None:
    """connexion x-bearerInfoFunc for customer-scoped shop operations (None -> 401)."""
    claims = await run_in_threadpool(customer_claims, token)
    if claims is None:
        note_rejected(request, "customer token")
    return claims


async def check_cart_token(token: str, required_scopes=None, request=None) -> dict | None:
    """connexion x-bearerInfoFunc for cart operations: a guest cart token or a customer token (None -> 401)."""
    claims = await run_in_threadpool(cart_claims, token)
    if claims is None:
        note_rejected(request, "cart token")
    return claims


async def check_admin_token(token: str, required_scopes=None, request=None) -> dict | None:
    """connexion x-bearerInfoFunc for the admin API (None -> 401 unauthenticated)."""
    checked = request.scope.get("state", {}).get("admin_claims") if request is not None else None
    if checked and checked[0] == token:  # already authenticated by the rate-limit middleware
        return checked[1]
    client_ip = request.client.host if request is not None and request.client else None
    return await run_in_threadpool(admin_claims, token, client_ip)
