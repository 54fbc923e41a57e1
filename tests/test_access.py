"""Storefront key checks on REST and GraphQL, with the documented bodies."""
from tests.conftest import INACTIVE_KEY


def test_missing_key_is_401_missing_key(anonymous):
    response = anonymous.get("/api/shop/locales")
    assert response.status_code == 401
    assert response.json() == {"message": "X-STOREFRONT-KEY header is required", "error": "missing_key"}


def test_unknown_key_is_403_invalid_key(anonymous):
    response = anonymous.get("/api/shop/locales", headers={"X-STOREFRONT-KEY": "pk_storefront_nope"})
    assert response.status_code == 403
    assert response.json() == {"message": "Invalid storefront key", "error": "invalid_key"}


def test_inactive_key_is_403_invalid_key(anonymous):
    response = anonymous.get("/api/shop/locales", headers={"X-STOREFRONT-KEY": INACTIVE_KEY})
    assert response.status_code == 403
    assert response.json()["error"] == "invalid_key"


def test_graphql_requires_key(anonymous):
    query = {"query": "{ locales { totalCount } }"}
    missing = anonymous.post("/api/graphql", json=query)
    invalid = anonymous.post("/api/graphql", json=query, headers={"X-STOREFRONT-KEY": "pk_storefront_nope"})
    assert (missing.status_code, missing.json()["error"]) == (401, "missing_key")
    assert (invalid.status_code, invalid.json()["error"]) == (403, "invalid_key")


def test_keys_are_stored_hashed(app):
    from storage.db import database
    from storage.models import StorefrontKey
    from tests.conftest import TEST_KEY
    with database.connection_context():
        stored = [row.key_hash for row in StorefrontKey.select()]
    assert TEST_KEY not in stored
    assert all(len(value) == 64 for value in stored)


def test_expired_key_is_403_invalid_key(anonymous):
    import datetime
    from domain.storefront_keys import create_key
    from storage.db import database
    with database.connection_context():
        _record, raw_key = create_key("expired", expires_at=datetime.datetime(2020, 1, 1))
        _record, live_key = create_key("live", expires_at=datetime.datetime(2999, 1, 1))
    expired = anonymous.get("/api/shop/locales", headers={"X-STOREFRONT-KEY": raw_key})
    assert (expired.status_code, expired.json()) == (403, {"message": "Invalid storefront key", "error": "invalid_key"})
    assert anonymous.get("/api/shop/locales", headers={"X-STOREFRONT-KEY": live_key}).status_code == 200
