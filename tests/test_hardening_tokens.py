"""A password change (REST and GraphQL profile update) revokes the customer's other tokens and keeps the
one in use; a completed password reset revokes them all (docs/security.md, "Tokens on password change",
REVOKE_TOKENS_ON_PASSWORD_CHANGE)."""
import datetime
import secrets

from domain.customers import digest, reset_password
from storage.customer_models import CustomerPasswordReset, CustomerToken
from storage.db import database
from storage.models import utcnow
from tests.customer_fixtures import (  # noqa: F401 (fixtures)
    PASSWORD, UNAUTHENTICATED, bearer, customer, login,
)

NEW_PASSWORD = "NewPass456!"
PROFILE_UPDATE = """mutation update($input: createCustomerProfileUpdateInput!) {
  createCustomerProfileUpdate(input: $input) { customerProfileUpdate { success message } } }"""


def tokens_of(client, account: dict) -> list[str]:
    """The registration token and two more sessions."""
    return [account["token"]] + [login(client, account["email"]).json()["token"] for _ in range(2)]


def verify(client, token: str) -> int:
    return client.get("/api/shop/verify-tokens", headers=bearer(token)).status_code


def test_a_rest_password_change_revokes_the_other_tokens(client, customer):
    current, other, another = tokens_of(client, customer)
    changed = client.put(f"/api/shop/customer-profile-updates/{customer['id']}", headers=bearer(current), json={
        "currentPassword": PASSWORD, "password": NEW_PASSWORD, "confirmPassword": NEW_PASSWORD})
    assert changed.status_code == 200
    assert verify(client, current) == 200
    for token in (other, another):
        refused = client.get("/api/shop/customer-profile", headers=bearer(token))
        assert refused.status_code == 401 and refused.json() == UNAUTHENTICATED
    with database.connection_context():
        live = [row.id for row in CustomerToken.select().where(CustomerToken.customer == customer["id"],
                                                                CustomerToken.revoked_at.is_null())]
    assert live == [int(current.split("|")[0])]
    assert login(client, customer["email"], NEW_PASSWORD).status_code == 201


def test_a_graphql_password_change_revokes_the_other_tokens(client, graphql, customer):
    current, other, _ = tokens_of(client, customer)
    result = graphql(PROFILE_UPDATE, {"input": {"currentPassword": PASSWORD, "password": NEW_PASSWORD,
                                                "confirmPassword": NEW_PASSWORD}}, headers=bearer(current))
    assert result["data"]["createCustomerProfileUpdate"]["customerProfileUpdate"] == {
        "success": True, "message": "Password updated successfully"}
    assert verify(client, current) == 200 and verify(client, other) == 401
    stale = client.post("/api/graphql", json={"query": "{ readCustomerProfile { id } }"}, headers=bearer(other))
    assert stale.status_code == 401 and stale.json() == UNAUTHENTICATED


def test_a_profile_change_without_a_new_password_keeps_the_other_tokens(client, customer):
    current, other, _ = tokens_of(client, customer)
    renamed = client.put(f"/api/shop/customer-profile-updates/{customer['id']}", headers=bearer(current),
                         json={"firstName": "Renamed"})
    assert renamed.status_code == 200 and verify(client, other) == 200


def test_a_password_reset_revokes_every_token(client, customer):
    tokens = tokens_of(client, customer)
    secret = secrets.token_hex(32)
    with database.connection_context():
        CustomerPasswordReset.create(customer=customer["id"], token_hash=digest(secret),
                                     expires_at=utcnow() + datetime.timedelta(hours=1))
        assert reset_password(secret, "Reset@Pass789") is True
    assert [verify(client, token) for token in tokens] == [401, 401, 401]


def test_revocation_can_be_turned_off(client, customer, monkeypatch):
    monkeypatch.setenv("REVOKE_TOKENS_ON_PASSWORD_CHANGE", "0")
    current, other, _ = tokens_of(client, customer)
    changed = client.put(f"/api/shop/customer-profile-updates/{customer['id']}", headers=bearer(current), json={
        "currentPassword": PASSWORD, "password": NEW_PASSWORD, "confirmPassword": NEW_PASSWORD})
    assert changed.status_code == 200 and verify(client, other) == 200
    secret = secrets.token_hex(32)
    with database.connection_context():
        CustomerPasswordReset.create(customer=customer["id"], token_hash=digest(secret),
                                     expires_at=utcnow() + datetime.timedelta(hours=1))
        assert reset_password(secret, "Reset@Pass789") is True
    assert verify(client, current) == 200 and verify(client, other) == 200
