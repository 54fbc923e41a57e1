"""Admin impersonation over REST and GraphQL: refused (403) without the permission, a one-hour customer
token with it that works on the shop API as the customer, recorded with the admin, the customer and
the token; unknown and inactive customers refused."""
import datetime

from storage.customer_care_models import CustomerImpersonation
from storage.customer_models import CustomerToken
from storage.db import database
from storage.models import utcnow
from tests.admin_fixtures import FORBIDDEN, admin_client, admin_graphql, bearer, make_admin, super_admin  # noqa: F401
from tests.customer_fixtures import register


def path(customer_id: int) -> str:
    return f"/api/admin/customers/{customer_id}/impersonate"


def test_refused_without_the_permission(admin_client, client):
    shopper = register(client, "impersonated")
    _, raw = make_admin(["customers.customers.view", "customers.customers.create"], label="noimp")
    refused = admin_client.post(path(shopper["id"]), headers=bearer(raw))
    assert refused.status_code == 403 and refused.json() == FORBIDDEN
    graphql = admin_client.post("/api/admin/graphql", headers=bearer(raw), json={
        "query": "mutation { createAdminCustomerImpersonate(input: {customerId: %d}) { adminCustomerImpersonate { token } } }"
                 % shopper["id"]})
    assert graphql.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    with database.connection_context():
        assert not CustomerImpersonation.select().where(CustomerImpersonation.customer_id == shopper["id"]).exists()


def test_the_token_acts_as_the_customer_for_an_hour(admin_client, client):
    shopper = register(client, "impersonated")
    admin, raw = make_admin(["customers.customers.edit"], label="imp")
    response = admin_client.post(path(shopper["id"]), headers=bearer(raw))
    assert response.status_code == 201, response.text
    issued = response.json()
    assert (issued["customerId"], issued["customerEmail"], issued["customerName"], issued["impersonatedByAdminId"]) == (
        shopper["id"], shopper["email"], "Impersonated Tester", admin.id)
    profile = client.get("/api/shop/customer-profile", headers=bearer(issued["token"]))
    assert profile.status_code == 200 and profile.json()["data"]["customer"]["email"] == shopper["email"]
    token_id = int(issued["token"].split("|")[0])
    with database.connection_context():
        token = CustomerToken.get_by_id(token_id)
        assert token.name == f"admin-impersonate:{admin.id}" and token.customer_id == shopper["id"]
        lifetime = token.expires_at - utcnow()
        assert datetime.timedelta(minutes=59) < lifetime <= datetime.timedelta(hours=1)
        record = CustomerImpersonation.get(CustomerImpersonation.token_id == token_id)
        assert (record.admin_id, record.customer_id, record.expires_at) == (admin.id, shopper["id"], token.expires_at)
        CustomerToken.update(expires_at=utcnow() - datetime.timedelta(seconds=1)).where(
            CustomerToken.id == token_id).execute()
    assert client.get("/api/shop/customer-profile", headers=bearer(issued["token"])).status_code == 401


def test_unknown_and_inactive_customers(admin_client, client):
    assert admin_client.post(path(999999)).json() == {"message": "Customer not found", "error": "not_found"}
    shopper = register(client, "inactiveimp")
    admin_client.put(f"/api/admin/customers/{shopper['id']}", json={"status": 0})
    refused = admin_client.post(path(shopper["id"]))
    assert refused.status_code == 400 and refused.json()["error"] == "customer_inactive"


def test_graphql_impersonation(admin_graphql, client):
    shopper = register(client, "gqlimp")
    issued = admin_graphql("""mutation($input: createAdminCustomerImpersonateInput!) {
        createAdminCustomerImpersonate(input: $input) { adminCustomerImpersonate { token customerId customerEmail
        impersonatedByAdminId expiresAt } } }""", {"input": {"customerId": shopper["id"]}})["data"]
    node = issued["createAdminCustomerImpersonate"]["adminCustomerImpersonate"]
    assert node["customerId"] == shopper["id"] and node["customerEmail"] == shopper["email"]
    cart = client.get("/api/shop/customer-profile", headers=bearer(node["token"]))
    assert cart.status_code == 200 and cart.json()["data"]["customer"]["id"] == shopper["id"]
