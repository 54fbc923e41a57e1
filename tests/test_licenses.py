"""License keys: issued at order placement per the product's setting (count, limit, expiry), listed to the
customer (REST, GraphQL) and the admin (filters, create, update, revoke), and the licensed software's
activate / deactivate / check calls, with the limit held under 20 concurrent activations."""
import datetime
import re
import threading

import pytest
from starlette.testclient import TestClient

from domain import licenses
from server.config import Settings
from storage.db import database
from storage.license_models import License, LicenseActivation, LicenseProduct
from storage.models import utcnow
from storage.sales_models import Order
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.cart_fixtures import add, downloadable, product
from tests.checkout_fixtures import place, ready_for_order, new_key
from tests.customer_fixtures import register

KEY_PATTERN = re.compile(r"^[A-HJ-NP-Z2-9]{5}(-[A-HJ-NP-Z2-9]{5}){3}$")


@pytest.fixture
def licensed(admin_client):  # noqa: F811
    """A virtual product issuing one key per unit (2 seats, 30 days) and a downloadable one issuing one key
    per line (unlimited, lifetime); the settings and keys are deleted afterwards."""
    virtual = product("virtual", price="40.00", stock=100)
    book, links = downloadable(price="15.00", link_prices=("3.00",))
    response = admin_client.put(f"/api/admin/sales/license-products/{virtual.id}",
                                json={"mode": "per_unit", "activation_limit": 2, "validity_days": 30})
    assert response.status_code == 200, response.text
    assert response.json() | {"createdAt": None, "updatedAt": None} == {
        "id": virtual.id, "productId": virtual.id, "enabled": True, "mode": "per_unit", "activationLimit": 2,
        "validityDays": 30, "createdAt": None, "updatedAt": None}
    response = admin_client.put(f"/api/admin/sales/license-products/{book.id}", json={"mode": "per_item"})
    assert response.json()["activationLimit"] is None and response.json()["validityDays"] is None
    yield {"virtual": virtual, "book": book, "link": links[0]}
    with database.connection_context():
        License.delete().where(License.product.in_([virtual.id, book.id])).execute()
        LicenseProduct.delete().where(LicenseProduct.product.in_([virtual.id, book.id])).execute()


def order_with_licenses(client, items: dict, customer: dict) -> int:
    headers = customer["headers"]
    assert add(client, headers, productId=items["virtual"].id, quantity=3).status_code == 200
    assert add(client, headers, productId=items["book"].id, quantity=2, links=[items["link"].id]).status_code == 200
    ready_for_order(client, headers, shipping=None)
    response = place(client, headers, new_key())
    assert response.status_code == 201, response.text
    return response.json()["data"]["order"]["id"]


def keys_of(order_id: int) -> list[License]:
    with database.connection_context():
        return list(License.select().where(License.order == order_id).order_by(License.id))


def call(client, action: str, key: str, instance: str | None = "https://a.example"):
    body = {"licenseKey": key} | ({"instance": instance} if instance is not None else {})
    return client.post(f"/api/licenses/{action}", json=body)


def test_placing_an_order_issues_keys_per_unit_and_per_line(client, licensed):
    customer = register(client, "licensee")
    order_id = order_with_licenses(client, licensed, customer)
    rows = keys_of(order_id)
    with database.connection_context():
        placed_at = Order.get_by_id(order_id).created_at
    per_unit = [row for row in rows if row.product_id == licensed["virtual"].id]
    per_line = [row for row in rows if row.product_id == licensed["book"].id]
    assert len(per_unit) == 3 and len(per_line) == 1
    assert all(row.activation_limit == 2 and row.expires_at == placed_at + datetime.timedelta(days=30)
               for row in per_unit)
    assert per_line[0].activation_limit is None and per_line[0].expires_at is None
    assert len({row.license_key for row in rows}) == 4 and all(KEY_PATTERN.match(row.license_key) for row in rows)
    assert {row.customer_id for row in rows} == {customer["id"]} and {row.status for row in rows} == {"active"}

    listed = client.get("/api/shop/customer-licenses", headers=customer["headers"])
    assert listed.status_code == 200 and listed.headers["X-Total-Count"] == "4"
    first = listed.json()[0]
    assert first == {"id": rows[-1].id, "licenseKey": rows[-1].license_key, "status": "active",
                     "productId": licensed["book"].id, "productName": rows[-1].product_name, "orderId": order_id,
                     "activationLimit": None, "activationCount": 0, "expiresAt": None, "activations": [],
                     "createdAt": first["createdAt"]}
    assert client.get("/api/shop/customer-licenses", params={"order_id": order_id, "status": "expired"},
                      headers=customer["headers"]).json() == []
    other = register(client, "other-licensee")
    assert client.get("/api/shop/customer-licenses", headers=other["headers"]).json() == []
    assert client.get(f"/api/shop/customer-licenses/{rows[0].id}", headers=other["headers"]).status_code == 404
    one = client.get(f"/api/shop/customer-licenses/{rows[0].id}", headers=customer["headers"]).json()
    assert (one["licenseKey"], one["activationLimit"]) == (rows[0].license_key, 2)

    query = "{ customerLicenses(first: 10, order_id: %d) { totalCount edges { node { id _id licenseKey status " \
            "activationLimit } } } }" % order_id
    answer = client.post("/api/graphql", json={"query": query}, headers=customer["headers"]).json()
    connection = answer["data"]["customerLicenses"]
    assert connection["totalCount"] == 4
    assert connection["edges"][-1]["node"] == {"id": f"/api/shop/customer-licenses/{rows[0].id}", "_id": rows[0].id,
                                               "licenseKey": rows[0].license_key, "status": "active",
                                               "activationLimit": 2}


def test_activate_deactivate_and_check(client, anonymous, admin_client, licensed):  # noqa: F811
    customer = register(client, "activator")
    key = next(row for row in keys_of(order_with_licenses(client, licensed, customer))
               if row.activation_limit == 2).license_key

    first = call(anonymous, "activate", key.lower(), "https://a.example")
    assert first.status_code == 200, first.text
    assert first.json() | {"expiresAt": None} == {
        "licenseKey": key, "status": "active", "valid": True, "activationLimit": 2, "activationCount": 1,
        "activationsLeft": 1, "expiresAt": None, "productId": licensed["virtual"].id,
        "productName": first.json()["productName"], "instance": "https://a.example", "activated": True,
        "message": "Activated."}
    again = call(anonymous, "activate", key, "https://a.example")  # the same instance: no second seat
    assert (again.status_code, again.json()["activationCount"], again.json()["message"]) == (
        200, 1, "Already activated.")
    assert call(anonymous, "activate", key, "machine-b").json()["activationCount"] == 2
    full = call(anonymous, "activate", key, "machine-c")
    assert (full.status_code, full.json()["error"]) == (409, "activation_limit_reached")
    assert "@type" not in full.json()  # the plain error body, not hydra

    checked = call(anonymous, "check", key, "machine-c").json()
    assert (checked["status"], checked["valid"], checked["activated"], checked["activationsLeft"]) == (
        "active", True, False, 0)
    freed = call(anonymous, "deactivate", key, "https://a.example")
    assert (freed.status_code, freed.json()["activated"], freed.json()["activationCount"]) == (200, False, 1)
    assert call(anonymous, "deactivate", key, "https://a.example").json()["message"] == "This instance was not activated."
    assert call(anonymous, "activate", key, "machine-c").json()["activationCount"] == 2
    assert call(anonymous, "check", key, "machine-c").json()["activated"] is True

    missing = call(anonymous, "check", "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ")
    assert (missing.status_code, missing.json()) == (404, {"message": "No license has this key.",
                                                           "error": "license_not_found"})
    malformed = anonymous.post("/api/licenses/check", json={"instance": "x"})
    assert (malformed.status_code, list(malformed.json()["errors"]), "@type" in malformed.json()) == (
        422, ["licenseKey"], False)
    blank = call(anonymous, "activate", key, "   ")
    assert (blank.status_code, list(blank.json()["errors"])) == (422, ["instance"])

    with database.connection_context():
        license_id = License.get(License.license_key == key).id
    revoked = admin_client.post(f"/api/admin/sales/licenses/{license_id}/revoke")
    assert (revoked.status_code, revoked.json()["status"]) == (200, "revoked")
    refused = call(anonymous, "activate", key, "machine-d")
    assert (refused.status_code, refused.json()["error"]) == (403, "license_revoked")
    assert call(anonymous, "check", key, None).json() | {"expiresAt": None, "productName": None} == {
        "licenseKey": key, "status": "revoked", "valid": False, "activationLimit": 2, "activationCount": 2,
        "activationsLeft": 0, "expiresAt": None, "productId": licensed["virtual"].id, "productName": None,
        "instance": None, "activated": False, "message": "The license has been revoked."}
    assert call(anonymous, "deactivate", key, "machine-b").json()["activationCount"] == 1  # seats still free up

    past = admin_client.put(f"/api/admin/sales/licenses/{license_id}",
                            json={"status": "active", "expires_at": "2020-01-01T00:00:00Z"})
    assert (past.json()["status"], past.json()["expiresAt"]) == ("expired", "2020-01-01T00:00:00+00:00")
    expired = call(anonymous, "activate", key, "machine-d")
    assert (expired.status_code, expired.json()["error"]) == (403, "license_expired")
    lifetime = admin_client.put(f"/api/admin/sales/licenses/{license_id}", json={"lifetime": True,
                                                                                  "activation_limit": 3})
    assert (lifetime.json()["status"], lifetime.json()["expiresAt"], lifetime.json()["activationLimit"]) == (
        "active", None, 3)
    assert call(anonymous, "activate", key, "machine-d").json()["activationCount"] == 2


def test_unknown_keys_are_rate_limited_per_client_address(licensed):
    app_client = TestClient(__import__("server.app", fromlist=["create_app"]).create_app(
        Settings(invalid_credentials_per_minute=3)))
    with database.connection_context():
        key = licenses.create_license(product=licensed["virtual"].id, activation_limit=1).license_key
    with app_client:
        assert [call(app_client, "check", f"GUESS-{n}").status_code for n in range(3)] == [404, 404, 404]
        blocked = call(app_client, "check", key)
        assert (blocked.status_code, blocked.json()["error"]) == (429, "rate_limit_exceeded")
        assert int(blocked.headers["Retry-After"]) >= 1


def test_twenty_concurrent_activations_take_exactly_the_limit(licensed):
    limit = 5
    with database.connection_context():
        row = licenses.create_license(product=licensed["virtual"].id, activation_limit=limit)
    barrier = threading.Barrier(20)
    outcomes: list = [None] * 20

    def activate(index: int):
        with database.connection_context():
            barrier.wait()
            try:
                outcomes[index] = licenses.activate(row.license_key, f"machine-{index}")["activationCount"]
            except licenses.ApiError as error:
                outcomes[index] = error.error

    threads = [threading.Thread(target=activate, args=(index,)) for index in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(outcome, int) for outcome in outcomes) == limit
    assert outcomes.count("activation_limit_reached") == 20 - limit
    with database.connection_context():
        assert License.get_by_id(row.id).activation_count == limit
        assert LicenseActivation.select().where(LicenseActivation.license == row.id).count() == limit
    # the same instance 20 times at once: one seat
    with database.connection_context():
        other = licenses.create_license(product=licensed["virtual"].id, activation_limit=limit)
    barrier = threading.Barrier(20)

    def same(index: int):
        with database.connection_context():
            barrier.wait()
            outcomes[index] = licenses.activate(other.license_key, "the-one-site")["activationCount"]

    threads = [threading.Thread(target=same, args=(index,)) for index in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(outcomes) == {1}
    with database.connection_context():
        assert License.get_by_id(other.id).activation_count == 1


def test_admin_lists_creates_and_updates_keys(client, admin_client, admin_graphql, licensed):  # noqa: F811
    customer = register(client, "admin-licensee")
    created = admin_client.post("/api/admin/sales/licenses", json={
        "product_id": licensed["book"].id, "customer_id": customer["id"], "activation_limit": 4, "validity_days": 10})
    assert created.status_code == 201, created.text
    document = created.json()
    assert (document["productId"], document["customerId"], document["customerEmail"], document["activationLimit"],
            document["status"], document["orderId"]) == (licensed["book"].id, customer["id"], customer["email"], 4,
                                                         "active", None)
    expires = datetime.datetime.fromisoformat(document["expiresAt"]).replace(tzinfo=None)
    assert abs(expires - (utcnow() + datetime.timedelta(days=10))) < datetime.timedelta(minutes=1)
    key = document["licenseKey"]

    wrong = admin_client.post("/api/admin/sales/licenses", json={"product_id": product("simple").id,
                                                                 "customer_id": 2147483647})
    assert wrong.status_code == 422 and set(wrong.json()["errors"]) == {"product_id", "customer_id"}

    listed = admin_client.get("/api/admin/sales/licenses", params={"key": key[:7].lower()}).json()
    assert [row["id"] for row in listed["data"]] == [document["id"]] and listed["meta"]["total"] == 1
    by_customer = admin_client.get("/api/admin/sales/licenses", params={"customer_id": customer["id"]}).json()
    assert [row["licenseKey"] for row in by_customer["data"]] == [key]
    by_product = admin_client.get("/api/admin/sales/licenses", params={"product_id": licensed["book"].id,
                                                                       "status": "revoked"}).json()
    assert by_product["data"] == []
    admin_client.put(f"/api/admin/sales/licenses/{document['id']}", json={"status": "inactive"})
    assert [row["id"] for row in admin_client.get("/api/admin/sales/licenses", params={
        "product_id": licensed["book"].id, "status": "inactive"}).json()["data"]] == [document["id"]]
    refused = call(client, "activate", key)
    assert (refused.status_code, refused.json()["error"]) == (403, "license_inactive")
    assert admin_client.get("/api/admin/sales/licenses/999999").status_code == 404

    answer = admin_graphql("""mutation($id: ID!) { updateAdminSalesLicense(input: {id: $id, activationLimit: 7,
        status: "active"}) { adminSalesLicense { id _id status activationLimit licenseKey } } }""",
                           {"id": f"/api/admin/sales/licenses/{document['id']}"})
    assert answer["data"]["updateAdminSalesLicense"]["adminSalesLicense"] == {
        "id": f"/api/admin/sales/licenses/{document['id']}", "_id": document["id"], "status": "active",
        "activationLimit": 7, "licenseKey": key}
    listed = admin_graphql('{ adminSalesLicenses(first: 5, key: "%s") { totalCount edges { node { _id } } } }' % key)
    assert listed["data"]["adminSalesLicenses"]["totalCount"] == 1
    setting = admin_graphql('{ adminSalesLicenseProduct(id: "%d") { id mode activationLimit validityDays } }'
                            % licensed["virtual"].id)["data"]["adminSalesLicenseProduct"]
    assert setting == {"id": f"/api/admin/sales/license-products/{licensed['virtual'].id}", "mode": "per_unit",
                       "activationLimit": 2, "validityDays": 30}

    simple = product("simple")
    not_licensable = admin_client.put(f"/api/admin/sales/license-products/{simple.id}", json={"enabled": True})
    assert (not_licensable.status_code, list(not_licensable.json()["errors"])) == (422, ["productId"])
    removed = admin_client.delete(f"/api/admin/sales/license-products/{licensed['book'].id}")
    assert removed.json() == {"message": "License setting deleted."}
    assert admin_client.get(f"/api/admin/sales/license-products/{licensed['book'].id}").status_code == 404


def test_erasing_a_customer_keeps_their_keys_without_their_email(client, admin_client, licensed):  # noqa: F811
    from domain.gdpr import erase_customer
    customer = register(client, "erased-licensee")
    with database.connection_context():
        row = licenses.create_license(product=licensed["virtual"].id, customer=customer["id"],
                                      customer_email=customer["email"])
        with database.atomic():
            erase_customer(customer["id"])
        after = License.get_by_id(row.id)
    assert (after.customer_id, after.license_key, after.status) == (None, row.license_key, "active")
    assert after.customer_email == f"erased-{customer['id']}@erased.invalid"
