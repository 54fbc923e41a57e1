"""Integration tokens (authentication, expiry, revocation, IP allowlist, scoping) and storefront keys."""
import datetime

import pytest
from starlette.testclient import TestClient

from domain.access import authenticate_admin_token, create_admin_with_token, issue_token
from storage.admin_models import AdminToken
from storage.db import database
from storage.models import StorefrontKey, utcnow
from tests.admin_fixtures import (  # noqa: F401 (fixtures)
    FORBIDDEN, UNAUTHENTICATED, admin_client, admin_graphql, bearer, make_admin, super_admin, unique_email,
)
from tests.conftest import TEST_KEY
from tests.helpers import count_queries


def claims_for(raw: str, ip: str | None = "203.0.113.9"):
    with database.connection_context():
        return authenticate_admin_token(raw, ip)


# --- authentication --------------------------------------------------------------

def test_claims_of_a_valid_token(super_admin):
    admin, raw = super_admin
    claims = claims_for(raw)
    assert claims["admin_id"] == admin.id and claims["permissions"] == "all"
    assert claims["token_id"] == int(raw.split("|")[0])
    assert (claims["rate_limit_per_minute"], claims["rate_limit_per_day"]) == (None, None)


def test_custom_token_claims_are_the_sorted_subset():
    _, raw = make_admin("all", permission_mode="custom", permissions=["settings.users.view", "settings.roles.view"])
    assert claims_for(raw)["permissions"] == ["settings.roles.view", "settings.users.view"]


@pytest.mark.parametrize("raw", ["", "abc", "1|", "|secret-secret-secret", "x|aaaaaaaaaaaaaaaaaaaaaaaa",
                                 "99999999|aaaaaaaaaaaaaaaaaaaaaaaa", "1|has spaces in the secret!!"])
def test_malformed_or_unknown_tokens(raw):
    assert claims_for(raw) is None


def test_wrong_secret_is_rejected(super_admin):
    token_id = super_admin[1].split("|")[0]
    assert claims_for(f"{token_id}|{'A' * 43}") is None


def test_missing_and_bad_tokens_answer_401(anonymous):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"},
                    {"Authorization": "Bearer 1|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}):
        response = anonymous.get("/api/admin/settings/users", headers=headers)
        assert response.status_code == 401 and response.json() == UNAUTHENTICATED, headers


def test_defaults_of_a_new_token():
    admin, _ = make_admin()
    with database.connection_context():
        token, raw = issue_token(admin)
    assert token.rate_limit_per_minute == 60 and token.rate_limit_per_day == 10000
    assert abs((token.expires_at - utcnow()) - datetime.timedelta(days=365)) < datetime.timedelta(minutes=1)
    assert claims_for(raw)["rate_limit_per_minute"] == 60


def test_expired_token_is_401(anonymous):
    _, raw = make_admin(expires_at=utcnow() - datetime.timedelta(seconds=1))
    response = anonymous.get("/api/admin/get", headers=bearer(raw))
    assert response.status_code == 401 and response.json() == UNAUTHENTICATED
    _, forever = make_admin(expires_at=None)
    assert anonymous.get("/api/admin/get", headers=bearer(forever)).status_code == 200


def test_ip_allowlist(app):
    _, raw = make_admin(allowed_ips=["10.0.0.0/8", "2001:db8::/32", "198.51.100.7"])
    for ip, status in (("10.1.2.3", 200), ("198.51.100.7", 200), ("2001:db8::5", 200), ("127.0.0.1", 401),
                       ("::ffff:10.9.9.9", 200), ("192.168.1.1", 401), ("198.51.100.8", 401), ("2001:db9::1", 401)):
        response = TestClient(app, client=(ip, 50000)).get("/api/admin/get", headers=bearer(raw))
        assert response.status_code == status, ip
        if status == 401:
            assert response.json() == UNAUTHENTICATED


def test_empty_allowlist_allows_any_ip(app):
    _, raw = make_admin(allowed_ips=[])
    assert TestClient(app, client=("192.0.2.44", 1)).get("/api/admin/get", headers=bearer(raw)).status_code == 200


def test_last_used_at_is_recorded(admin_client):
    admin, raw = make_admin()
    admin_client.get("/api/admin/get", headers=bearer(raw))
    with database.connection_context():
        assert AdminToken.get(AdminToken.admin == admin.id).last_used_at is not None


def test_create_admin_with_token_for_the_cli(admin_client):
    email = unique_email("cli")
    with database.connection_context():
        admin, raw = create_admin_with_token("CLI Admin", email, "cli-secret-1")
    profile = admin_client.get("/api/admin/get", headers=bearer(raw)).json()[0]
    assert profile["email"] == email and profile["roleName"] == "Administrator"
    assert claims_for(raw)["permissions"] == "all"


def test_admin_token_is_rejected_on_shop_graphql(anonymous, super_admin):
    query = {"query": "{ locales { totalCount } }"}
    without_key = anonymous.post("/api/graphql", json=query, headers=bearer(super_admin[1]))
    assert without_key.status_code == 401 and without_key.json()["error"] == "missing_key"
    with_key = anonymous.post("/api/graphql", json=query,
                              headers={**bearer(super_admin[1]), "X-STOREFRONT-KEY": TEST_KEY})
    assert with_key.status_code == 401 and with_key.json() == UNAUTHENTICATED


def test_admin_token_is_not_a_storefront_key(anonymous, super_admin):
    response = anonymous.get("/api/shop/locales", headers=bearer(super_admin[1]))
    assert response.status_code == 401 and response.json()["error"] == "missing_key"


def test_storefront_key_is_rejected_on_admin_endpoints(anonymous):
    for headers in ({"X-STOREFRONT-KEY": TEST_KEY}, bearer(TEST_KEY)):
        rest = anonymous.get("/api/admin/settings/users", headers=headers)
        assert rest.status_code == 401 and rest.json() == UNAUTHENTICATED
        graphql = anonymous.post("/api/admin/graphql", json={"query": "{ readAdminProfile { id } }"}, headers=headers)
        assert graphql.status_code == 401 and graphql.json() == UNAUTHENTICATED


# --- integration tokens over REST ---------------------------------------------------

def test_create_token_shows_the_secret_once(admin_client, super_admin):
    response = admin_client.post("/api/admin/settings/integration-tokens", json={
        "name": "ERP sync", "permission_mode": "custom", "permissions": ["settings.users.view"],
        "allowed_ips": ["203.0.113.0/24", "2001:db8::1"], "rate_limit_per_minute": 120, "rate_limit_per_day": None})
    assert response.status_code == 201
    token = response.json()
    raw = token.pop("token")
    assert raw.startswith(f"{token['id']}|") and token["tokenPrefix"] == raw[:len(str(token["id"])) + 9]
    assert token == {**token, "name": "ERP sync", "adminId": super_admin[0].id, "permissionMode": "custom",
                     "permissions": ["settings.users.view"], "allowedIps": ["203.0.113.0/24", "2001:db8::1"],
                     "rateLimitPerMinute": 120, "rateLimitPerDay": None, "status": "active", "revokedAt": None,
                     "lastUsedAt": None}
    assert token["expiresAt"][:4] == str(utcnow().year + 1)
    detail = admin_client.get(f"/api/admin/settings/integration-tokens/{token['id']}").json()
    assert "token" not in detail and detail["name"] == "ERP sync"
    scoped = TestClient(admin_client.app, client=("203.0.113.5", 1), headers=bearer(raw))
    assert scoped.get("/api/admin/settings/users").status_code == 200
    assert scoped.get("/api/admin/settings/roles").json() == FORBIDDEN


def test_create_token_defaults_and_never_expiring(admin_client):
    token = admin_client.post("/api/admin/settings/integration-tokens",
                              json={"name": "Forever", "expires_at": None}).json()
    assert token["permissionMode"] == "all" and token["permissions"] is None and token["allowedIps"] == []
    assert (token["rateLimitPerMinute"], token["rateLimitPerDay"], token["expiresAt"]) == (60, 10000, None)
    explicit = admin_client.post("/api/admin/settings/integration-tokens",
                                 json={"name": "Dated", "expires_at": "2099-01-02T03:04:05Z"}).json()
    assert explicit["expiresAt"] == "2099-01-02T03:04:05+00:00"


def test_create_token_validation(admin_client):
    response = admin_client.post("/api/admin/settings/integration-tokens", json={
        "name": "Bad", "permission_mode": "custom", "allowed_ips": ["10.0.0.0/33", "not-an-ip", "10.0.0.1"],
        "expires_at": "2001-01-01T00:00:00Z", "admin_id": 999999})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "admin_id": ["The selected admin id is invalid."],
        "permissions": ["The permissions field is required when permission mode is custom."],
        "allowed_ips": ["'10.0.0.0/33' is not an IPv4/IPv6 address or CIDR range.",
                        "'not-an-ip' is not an IPv4/IPv6 address or CIDR range."],
        "expires_at": ["The expires at field must be a date after now."]}
    schema = admin_client.post("/api/admin/settings/integration-tokens",
                               json={"name": "", "permission_mode": "root", "rate_limit_per_minute": 0})
    assert schema.status_code == 422
    assert {"name", "permission_mode", "rate_limit_per_minute"} <= set(schema.json()["errors"])


def test_custom_permissions_must_come_from_the_owners_role(admin_client):
    owner, _ = make_admin(["settings.users.view"], label="owner")
    response = admin_client.post("/api/admin/settings/integration-tokens", json={
        "name": "Too wide", "admin_id": owner.id, "permission_mode": "custom",
        "permissions": ["settings.users.view", "settings.roles.delete"]})
    assert response.status_code == 422
    assert response.json()["errors"] == {"permissions": ["Not granted by the admin's role: settings.roles.delete."]}
    ok = admin_client.post("/api/admin/settings/integration-tokens", json={
        "name": "Narrow", "admin_id": owner.id, "permission_mode": "custom", "permissions": ["settings.users.view"]})
    assert ok.status_code == 201 and ok.json()["adminId"] == owner.id


def test_a_narrow_token_cannot_mint_a_wider_one(admin_client):
    _, narrow = make_admin("all", label="narrow", permission_mode="custom",
                           permissions=["settings.integration_tokens.create", "settings.users.view"])
    wider = admin_client.post("/api/admin/settings/integration-tokens", json={"name": "Escalate"},
                              headers=bearer(narrow))
    assert wider.status_code == 422
    assert wider.json()["errors"] == {"permission_mode": ["A token cannot grant more than the calling token may do."]}
    custom = admin_client.post("/api/admin/settings/integration-tokens", headers=bearer(narrow), json={
        "name": "Escalate", "permission_mode": "custom", "permissions": ["settings.users.view", "settings.roles.view"]})
    assert custom.json()["errors"] == {"permissions": ["A token cannot grant more than the calling token may do."]}
    same = admin_client.post("/api/admin/settings/integration-tokens", headers=bearer(narrow), json={
        "name": "Subset", "permission_mode": "custom", "permissions": ["settings.users.view"]})
    assert same.status_code == 201


def test_revoke_token(admin_client, anonymous):
    created = admin_client.post("/api/admin/settings/integration-tokens", json={"name": "Short lived"}).json()
    assert anonymous.get("/api/admin/get", headers=bearer(created["token"])).status_code == 200
    revoked = admin_client.post(f"/api/admin/settings/integration-tokens/{created['id']}/revoke")
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked" and revoked.json()["revokedAt"] is not None
    response = anonymous.get("/api/admin/get", headers=bearer(created["token"]))
    assert response.status_code == 401 and response.json() == UNAUTHENTICATED
    again = admin_client.post(f"/api/admin/settings/integration-tokens/{created['id']}/revoke").json()
    assert again["revokedAt"] == revoked.json()["revokedAt"]


def test_delete_token(admin_client, anonymous):
    created = admin_client.post("/api/admin/settings/integration-tokens", json={"name": "Doomed"}).json()
    response = admin_client.delete(f"/api/admin/settings/integration-tokens/{created['id']}")
    assert response.status_code == 200 and response.json() == {"message": "Integration token deleted."}
    assert anonymous.get("/api/admin/get", headers=bearer(created["token"])).status_code == 401
    missing = admin_client.get(f"/api/admin/settings/integration-tokens/{created['id']}")
    assert missing.status_code == 404
    assert missing.json() == {"message": "Integration token not found", "error": "not_found"}


def test_list_tokens_newest_first_without_secrets(admin_client):
    names = [admin_client.post("/api/admin/settings/integration-tokens", json={"name": f"List {i}"}).json()["name"]
             for i in range(2)]
    body = admin_client.get("/api/admin/settings/integration-tokens", params={"per_page": 2}).json()
    assert [token["name"] for token in body["data"]] == names[::-1]
    assert all("token" not in token for token in body["data"])
    with database.connection_context():
        assert body["meta"]["total"] == AdminToken.select().count()


def test_list_tokens_query_count_is_constant(admin_client):
    with count_queries() as small:
        admin_client.get("/api/admin/settings/integration-tokens", params={"per_page": 1})
    with count_queries() as large:
        large_page = admin_client.get("/api/admin/settings/integration-tokens", params={"per_page": 50})
        assert len(large_page.json()["data"]) > 2
    assert len(small) == len(large)


def test_graphql_integration_tokens(admin_graphql, anonymous):
    created = admin_graphql(
        "mutation Create($input: createAdminSettingsIntegrationTokenInput!) { "
        "createAdminSettingsIntegrationToken(input: $input) { adminSettingsIntegrationToken { id _id name "
        "permissionMode permissions rateLimitPerMinute rateLimitPerDay expiresAt status token } } }",
        {"input": {"name": "GraphQL token", "permissionMode": "custom", "permissions": ["settings.roles.view"],
                   "rateLimitPerMinute": None, "expiresAt": None}})
    token = created["data"]["createAdminSettingsIntegrationToken"]["adminSettingsIntegrationToken"]
    assert token["id"] == f"/api/admin/settings/integration-tokens/{token['_id']}"
    assert (token["permissions"], token["rateLimitPerMinute"], token["rateLimitPerDay"], token["expiresAt"]) == (
        ["settings.roles.view"], None, 10000, None)
    assert anonymous.get("/api/admin/settings/roles", headers=bearer(token["token"])).status_code == 200
    listed = admin_graphql("query { adminSettingsIntegrationTokens(first: 1) { edges { node { _id token } } } }")
    assert listed["data"]["adminSettingsIntegrationTokens"]["edges"][0]["node"] == {"_id": token["_id"], "token": None}
    revoked = admin_graphql(
        "mutation R($input: revokeAdminSettingsIntegrationTokenInput!) { revokeAdminSettingsIntegrationToken("
        "input: $input) { adminSettingsIntegrationToken { status } } }", {"input": {"id": token["id"]}})
    payload = revoked["data"]["revokeAdminSettingsIntegrationToken"]
    assert payload["adminSettingsIntegrationToken"]["status"] == "revoked"
    assert anonymous.get("/api/admin/settings/roles", headers=bearer(token["token"])).status_code == 401
    deleted = admin_graphql(
        "mutation D($input: deleteAdminSettingsIntegrationTokenInput!) { deleteAdminSettingsIntegrationToken("
        "input: $input) { adminSettingsIntegrationToken { id } } }", {"input": {"id": token["id"]}})
    assert deleted["data"]["deleteAdminSettingsIntegrationToken"] == {"adminSettingsIntegrationToken": None}


def test_graphql_token_validation(admin_graphql):
    result = admin_graphql('mutation { createAdminSettingsIntegrationToken(input: {name: "Bad", '
                           'allowedIps: ["300.1.1.1"], rateLimitPerDay: 0}) { adminSettingsIntegrationToken { id } } }')
    errors = result["errors"][0]["extensions"]["errors"]
    assert set(errors) == {"rateLimitPerDay"}
    bad_ip = admin_graphql('mutation { createAdminSettingsIntegrationToken(input: {name: "Bad", '
                           'allowedIps: ["300.1.1.1"]}) { adminSettingsIntegrationToken { id } } }')
    assert bad_ip["errors"][0]["extensions"]["errors"] == {
        "allowedIps": ["'300.1.1.1' is not an IPv4/IPv6 address or CIDR range."]}


# --- storefront keys ---------------------------------------------------------------

def shop_status(anonymous, raw_key: str) -> int:
    return anonymous.get("/api/shop/locales", headers={"X-STOREFRONT-KEY": raw_key}).status_code


def create_key(admin_client, **fields) -> dict:
    response = admin_client.post("/api/admin/settings/storefront-keys", json={"name": "Mobile app", **fields})
    assert response.status_code == 201, response.text
    return response.json()


def test_create_storefront_key(admin_client, anonymous):
    key = create_key(admin_client, rate_limit_per_minute=300)
    raw = key.pop("key")
    assert raw.startswith("pk_storefront_") and key["keyPrefix"] == raw[:18]
    assert key == {**key, "name": "Mobile app", "rateLimitPerMinute": 300, "status": 1, "expiresAt": None,
                   "lastUsedAt": None}
    assert shop_status(anonymous, raw) == 200
    with database.connection_context():
        record = StorefrontKey.get_by_id(key["id"])
    assert record.rate_limit == 300 and raw not in (record.key_hash, record.key_prefix)
    detail = admin_client.get(f"/api/admin/settings/storefront-keys/{key['id']}").json()
    assert "key" not in detail and detail["name"] == "Mobile app"


def test_storefront_key_default_rate_limit_and_validation(admin_client):
    assert create_key(admin_client)["rateLimitPerMinute"] == 100
    bad = admin_client.post("/api/admin/settings/storefront-keys", json={"name": "", "rate_limit_per_minute": 0})
    assert bad.status_code == 422 and {"name", "rate_limit_per_minute"} <= set(bad.json()["errors"])
    past = admin_client.post("/api/admin/settings/storefront-keys",
                             json={"name": "Past", "expires_at": "2000-01-01T00:00:00Z"})
    assert past.status_code == 422 and past.json()["errors"] == {
        "expires_at": ["The expires at field must be a date after now."]}


def test_rotate_storefront_key(admin_client, anonymous):
    key = create_key(admin_client)
    assert shop_status(anonymous, key["key"]) == 200
    rotated = admin_client.post(f"/api/admin/settings/storefront-keys/{key['id']}/rotate")
    assert rotated.status_code == 200
    new_raw = rotated.json()["key"]
    assert new_raw != key["key"] and rotated.json()["keyPrefix"] == new_raw[:18]
    old = anonymous.get("/api/shop/locales", headers={"X-STOREFRONT-KEY": key["key"]})
    assert old.status_code == 403 and old.json()["error"] == "invalid_key"
    assert shop_status(anonymous, new_raw) == 200


def test_deactivate_and_activate_storefront_key(admin_client, anonymous):
    key = create_key(admin_client)
    assert shop_status(anonymous, key["key"]) == 200
    off = admin_client.post(f"/api/admin/settings/storefront-keys/{key['id']}/deactivate")
    assert off.json()["status"] == 0
    assert shop_status(anonymous, key["key"]) == 403
    on = admin_client.post(f"/api/admin/settings/storefront-keys/{key['id']}/activate")
    assert on.json()["status"] == 1
    assert shop_status(anonymous, key["key"]) == 200


def test_update_storefront_key(admin_client):
    key = create_key(admin_client)
    updated = admin_client.put(f"/api/admin/settings/storefront-keys/{key['id']}",
                               json={"name": "Renamed", "rate_limit_per_minute": 600,
                                     "expires_at": "2099-06-01T00:00:00+02:00"})
    assert updated.status_code == 200
    assert (updated.json()["name"], updated.json()["rateLimitPerMinute"], updated.json()["expiresAt"]) == (
        "Renamed", 600, "2099-05-31T22:00:00+00:00")


def test_delete_storefront_key(admin_client, anonymous):
    key = create_key(admin_client)
    response = admin_client.delete(f"/api/admin/settings/storefront-keys/{key['id']}")
    assert response.status_code == 200 and response.json() == {"message": "Storefront key deleted."}
    assert shop_status(anonymous, key["key"]) == 403
    missing = admin_client.delete(f"/api/admin/settings/storefront-keys/{key['id']}")
    assert missing.status_code == 404
    assert missing.json() == {"message": "Storefront key not found", "error": "not_found"}


def test_list_storefront_keys(admin_client):
    create_key(admin_client)
    with database.connection_context():
        total = StorefrontKey.select().count()
        first = StorefrontKey.select().order_by(StorefrontKey.id).first()
    body = admin_client.get("/api/admin/settings/storefront-keys", params={"per_page": 1}).json()
    assert body["meta"]["total"] == total
    assert body["data"] == [{**body["data"][0], "id": first.id, "name": first.name, "keyPrefix": first.key_prefix}]
    assert "key" not in body["data"][0]


def test_list_storefront_keys_query_count_is_constant(admin_client):
    create_key(admin_client)
    admin_client.get("/api/admin/settings/storefront-keys", params={"per_page": 1})  # warm: a key write refills the cache
    with count_queries() as small:
        admin_client.get("/api/admin/settings/storefront-keys", params={"per_page": 1})
    with count_queries() as large:
        assert len(admin_client.get("/api/admin/settings/storefront-keys", params={"per_page": 50}).json()["data"]) > 2
    assert len(small) == len(large)


def test_graphql_storefront_keys(admin_graphql, anonymous):
    created = admin_graphql(
        'mutation { createAdminSettingsStorefrontKey(input: {name: "Kiosk", rateLimitPerMinute: 50}) '
        "{ adminSettingsStorefrontKey { id _id name rateLimitPerMinute status key } } }")
    key = created["data"]["createAdminSettingsStorefrontKey"]["adminSettingsStorefrontKey"]
    assert key["id"] == f"/api/admin/settings/storefront-keys/{key['_id']}"
    assert (key["name"], key["rateLimitPerMinute"], key["status"]) == ("Kiosk", 50, 1)
    assert shop_status(anonymous, key["key"]) == 200
    rotated = admin_graphql(
        "mutation R($input: storefrontKeyIdInput!) { rotateAdminSettingsStorefrontKey(input: $input) "
        "{ adminSettingsStorefrontKey { key } } }", {"input": {"id": key["id"]}})
    new_raw = rotated["data"]["rotateAdminSettingsStorefrontKey"]["adminSettingsStorefrontKey"]["key"]
    assert shop_status(anonymous, key["key"]) == 403 and shop_status(anonymous, new_raw) == 200
    admin_graphql("mutation R($input: storefrontKeyIdInput!) { deactivateAdminSettingsStorefrontKey(input: $input) "
                  "{ adminSettingsStorefrontKey { status } } }", {"input": {"id": key["id"]}})
    assert shop_status(anonymous, new_raw) == 403
    detail = admin_graphql(f'query {{ adminSettingsStorefrontKey(id: "{key["id"]}") {{ name status key }} }}')
    assert detail["data"]["adminSettingsStorefrontKey"] == {"name": "Kiosk", "status": 0, "key": None}
    with database.connection_context():
        assert not StorefrontKey.get_by_id(key["_id"]).status
