"""Invalid credentials are rate limited per client address (docs/security.md, "Invalid credentials"):
unknown storefront keys, admin tokens, customer and cart bearer tokens, over REST and GraphQL. Past
the limit an address gets the usual 429 (Retry-After, `rate_limit_exceeded` body) before any lookup."""
import secrets

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.config import Settings
from server.middleware import RateLimitMiddleware
from tests.admin_fixtures import bearer, make_admin
from tests.conftest import TEST_KEY
from tests.helpers import count_queries

LIMIT = 5
INVALID_KEY = {"message": "Invalid storefront key", "error": "invalid_key"}
UNAUTHENTICATED = {"message": "Unauthenticated.", "error": "unauthenticated"}


@pytest.fixture(scope="module")
def limited_app(app):
    return create_app(Settings(validate_responses=True, invalid_credentials_per_minute=LIMIT))


def client_at(limited_app, address: str) -> TestClient:
    return TestClient(limited_app, client=(address, 40000))


def forged_key() -> str:
    return "pk_storefront_" + secrets.token_urlsafe(24)


def forged_token() -> str:
    return f"{secrets.randbelow(10**6) + 1}|{secrets.token_urlsafe(30)}"


def assert_blocked(response):
    assert response.status_code == 429
    body = response.json()
    assert body == {"message": "Rate limit exceeded", "error": "rate_limit_exceeded", "retry_after": body["retry_after"]}
    assert 1 <= body["retry_after"] <= 60 and response.headers["Retry-After"] == str(body["retry_after"])
    assert response.headers["X-RateLimit-Limit"] == str(LIMIT) and response.headers["X-RateLimit-Remaining"] == "0"


def test_default_limit_and_off_switch(monkeypatch):
    monkeypatch.delenv("INVALID_CREDENTIALS_PER_MINUTE", raising=False)
    assert Settings().invalid_credentials_per_minute == 20
    monkeypatch.setenv("INVALID_CREDENTIALS_PER_MINUTE", "0")
    assert Settings().invalid_credentials_per_minute == 0
    assert RateLimitMiddleware(None).invalid_limit is None
    assert RateLimitMiddleware(None, invalid_credentials_per_minute=7).invalid_limit.amount == 7


def test_guessing_storefront_keys_is_cut_off_without_database_work(limited_app):
    guesser = client_at(limited_app, "198.51.100.11")
    for _ in range(LIMIT):
        response = guesser.get("/api/shop/locales", headers={"X-STOREFRONT-KEY": forged_key()})
        assert response.status_code == 403 and response.json() == INVALID_KEY
    with count_queries() as statements:
        blocked = guesser.get("/api/shop/locales", headers={"X-STOREFRONT-KEY": forged_key()})
    assert_blocked(blocked)
    assert statements == []
    # the blocked address is refused even with a valid key; other addresses are not affected
    assert_blocked(guesser.get("/api/shop/locales", headers={"X-STOREFRONT-KEY": TEST_KEY}))
    assert_blocked(guesser.post("/api/graphql", json={"query": "{ locales { totalCount } }"},
                                headers={"X-STOREFRONT-KEY": TEST_KEY}))
    neighbour = client_at(limited_app, "198.51.100.12")
    assert neighbour.get("/api/shop/locales", headers={"X-STOREFRONT-KEY": TEST_KEY}).status_code == 200
    # requests that present no credentials are not what the limit is about
    assert guesser.get("/api/shop/openapi.json").status_code == 200


def test_valid_credentials_do_not_count(limited_app):
    honest = client_at(limited_app, "198.51.100.13")
    for _ in range(LIMIT * 3):
        assert honest.get("/api/shop/locales", headers={"X-STOREFRONT-KEY": TEST_KEY}).status_code == 200


def test_guessing_admin_tokens_is_cut_off(limited_app):
    _, valid = make_admin(["settings.users.view"], label="limited-ip")
    guesser = client_at(limited_app, "198.51.100.21")
    for index in range(LIMIT):
        if index % 2:
            response = guesser.get("/api/admin/get", headers=bearer(forged_token()))
        else:
            response = guesser.post("/api/admin/graphql", json={"query": "{ readAdminProfile { id } }"},
                                    headers=bearer(forged_token()))
        assert response.status_code == 401 and response.json() == UNAUTHENTICATED
    assert_blocked(guesser.get("/api/admin/get", headers=bearer(forged_token())))
    assert_blocked(guesser.get("/api/admin/get", headers=bearer(valid)))
    assert client_at(limited_app, "198.51.100.22").get("/api/admin/get", headers=bearer(valid)).status_code == 200


def test_guessing_customer_and_cart_tokens_is_cut_off(limited_app):
    guesser = client_at(limited_app, "198.51.100.31")
    headers = lambda: {"X-STOREFRONT-KEY": TEST_KEY, **bearer(forged_token())}  # noqa: E731
    profile = guesser.get("/api/shop/customer-profile", headers=headers())
    assert profile.status_code == 401 and profile.json() == UNAUTHENTICATED
    cart = guesser.get("/api/shop/cart", headers=headers())
    assert cart.status_code == 401 and cart.json() == UNAUTHENTICATED
    for _ in range(LIMIT - 2):
        graphql = guesser.post("/api/graphql", json={"query": "{ locales { totalCount } }"}, headers=headers())
        assert graphql.status_code == 401 and graphql.json() == UNAUTHENTICATED
    assert_blocked(guesser.get("/api/shop/customer-profile", headers=headers()))
    assert_blocked(guesser.post("/api/graphql", json={"query": "{ locales { totalCount } }"}, headers=headers()))
