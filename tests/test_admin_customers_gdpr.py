"""Admin GDPR requests over REST and GraphQL: list filters, metadata updates, the data export (a JSON
attachment without the password), processing an update request, and erasure: orders and invoices keep
every amount and line, no personal data is left in any row of the customer, nobody can sign in as them,
and a processed request cannot be processed again."""
import json
from decimal import Decimal

import pytest

from storage.content_models import ProductReview
from storage.customer_care_models import CustomerNote, GdprDataRequest
from storage.customer_models import Customer, CustomerAddress, CustomerToken
from storage.db import database
from storage.sales_models import Invoice, InvoiceItem, Order, OrderAddress, OrderItem
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.checkout_fixtures import plain_simple_products
from tests.customer_fixtures import login, register
from tests.order_fixtures import Line, create_order, make_product, payment_config

BASE = "/api/admin/customers/gdpr-requests"


def request_for(customer_id: int, email: str, kind: str = "delete", status: str = "pending") -> int:
    with database.connection_context():
        return GdprDataRequest.create(customer_id=customer_id, email=email, type=kind, status=status,
                                      message="Please act on my data").id


@pytest.fixture
def person(client, admin_client):
    """A customer with an address, a completed invoiced order, a review, a wishlist item and a note."""
    shopper = register(client, "gdpr", phone="5550199")
    admin_client.post(f"/api/admin/customers/{shopper['id']}/addresses", json={
        "first_name": "Gina", "last_name": "Private", "address": "99 Secret Lane", "city": "Los Angeles",
        "state": "CA", "country": "US", "postcode": "90001", "phone": "5550199"})
    product = make_product("30.00", stock={1: 10})
    with payment_config("cashondelivery", generate_invoice=True):
        order = create_order(shopper["id"], [Line(product, 2, Decimal("30.00"), tax_percent=Decimal("10"))],
                             email=shopper["email"])
    with database.connection_context():
        Order.update(status="completed").where(Order.id == order.id).execute()
        OrderAddress.update(first_name="Gina", last_name="Private", email=shopper["email"], phone="5550199",
                            address1="99 Secret Lane").where(OrderAddress.order == order.id).execute()
        Order.update(customer_first_name="Gina", customer_last_name="Private").where(Order.id == order.id).execute()
    review_product = plain_simple_products()[11]
    client.post(f"/api/shop/products/{review_product}/reviews",
                json={"title": "Mine", "comment": "Written by Gina Private herself.", "rating": 4},
                headers=shopper["headers"])
    client.post("/api/shop/wishlists", json={"productId": product}, headers=shopper["headers"])
    admin_client.post(f"/api/admin/customers/{shopper['id']}/notes", json={"note": "Gina called"})
    yield {**shopper, "order": order.id, "product": product, "review_product": review_product}
    with database.connection_context():
        ProductReview.delete().where(ProductReview.product == review_product).execute()


def test_export_holds_everything_but_the_password(admin_client, admin_graphql, person):
    response = admin_client.post(f"/api/admin/customers/{person['id']}/gdpr-download-data")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="customer-{person["id"]}-data.json"'
    export = response.json()
    assert (export["customerId"], export["customerEmail"]) == (person["id"], person["email"])
    data = export["data"]
    assert data["customer"]["email"] == person["email"]
    assert "password" not in data["customer"] and "api_token" not in data["customer"]
    assert [address["address1"] for address in data["addresses"]] == ["99 Secret Lane"]
    [order] = data["orders"]
    assert order["id"] == person["order"] and order["grand_total"] == 76  # 2 x 30 + 10% tax + 10 shipping
    assert [item["qty_ordered"] for item in order["items"]] == [2]
    assert len(order["addresses"]) == 2 and order["payment"]["method"] == "cashondelivery"
    assert [review["title"] for review in data["reviews"]] == ["Mine"]
    assert [item["product_id"] for item in data["wishlist"]] == [person["product"]]
    assert [note["note"] for note in data["notes"]] == ["Gina called"]
    graphql = admin_graphql("""mutation($input: createAdminCustomerGdprDownloadDataInput!) {
        createAdminCustomerGdprDownloadData(input: $input) { adminCustomerGdprDownloadData {
        customerId customerEmail data } } }""", {"input": {"customerId": person["id"]}})["data"]
    exported = graphql["createAdminCustomerGdprDownloadData"]["adminCustomerGdprDownloadData"]
    assert exported["customerEmail"] == person["email"] and len(exported["data"]["orders"]) == 1
    assert admin_client.post("/api/admin/customers/999999/gdpr-download-data").status_code == 404


def test_erasure_keeps_orders_and_removes_the_person(admin_client, client, person):
    request_id = request_for(person["id"], person["email"])
    with database.connection_context():
        before = Order.get_by_id(person["order"])
        lines_before = list(OrderItem.select(OrderItem.sku, OrderItem.qty_ordered, OrderItem.base_total)
                            .where(OrderItem.order == person["order"]).tuples())
        invoices_before = list(Invoice.select(Invoice.id, Invoice.base_grand_total, Invoice.grand_total)
                               .where(Invoice.order == person["order"]).tuples())
    assert invoices_before
    response = admin_client.post(f"{BASE}/{request_id}/process", json={"message": "Approved on customer request"})
    assert response.status_code == 200, response.text
    result = response.json()
    assert {key: result[key] for key in ("requestId", "customerId", "type", "status", "customerDeleted", "message")} == {
        "requestId": request_id, "customerId": person["id"], "type": "delete", "status": "approved",
        "customerDeleted": True, "message": "GDPR request approved and processed."}
    with database.connection_context():
        after = Order.get_by_id(person["order"])
        for column in ("grand_total", "base_grand_total", "sub_total", "tax_amount", "shipping_amount", "status"):
            assert getattr(after, column) == getattr(before, column)
        assert list(OrderItem.select(OrderItem.sku, OrderItem.qty_ordered, OrderItem.base_total)
                    .where(OrderItem.order == person["order"]).tuples()) == lines_before
        assert list(Invoice.select(Invoice.id, Invoice.base_grand_total, Invoice.grand_total)
                    .where(Invoice.order == person["order"]).tuples()) == invoices_before
        assert InvoiceItem.select().join(Invoice).where(Invoice.order == person["order"]).count() == 1
        assert (after.customer_id, after.customer_email, after.customer_first_name) == (
            None, f"erased-{person['id']}@erased.invalid", "Erased")
        personal = ("Gina", "Private", person["email"], "5550199", "Secret Lane")
        rows = [*Order.select().where(Order.id == person["order"]).dicts(),
                *OrderAddress.select().where(OrderAddress.order == person["order"]).dicts(),
                *GdprDataRequest.select().where(GdprDataRequest.id == request_id).dicts()]
        assert len(rows) == 4
        assert not ProductReview.select().where(ProductReview.product == person["review_product"]).exists()
        for row in rows:
            text = json.dumps(row, default=str)
            assert not [value for value in personal if value in text], text
        assert not Customer.select().where(Customer.id == person["id"]).exists()
        for model in (CustomerAddress, CustomerToken, CustomerNote):
            assert not model.select().where(model.customer == person["id"]).exists()
        assert {row.country for row in OrderAddress.select().where(OrderAddress.order == person["order"])} == {"US"}
    assert login(client, person["email"], person["password"]).status_code == 401
    assert client.get("/api/shop/customer-profile", headers=person["headers"]).status_code == 401
    detail = admin_client.get(f"{BASE}/{request_id}").json()
    assert (detail["status"], detail["customerName"], detail["message"]) == (
        "approved", None, "Approved on customer request")
    again = admin_client.post(f"{BASE}/{request_id}/process", json={})
    assert again.status_code == 422 and set(again.json()["errors"]) == {"status"}


def test_erasure_waits_for_active_orders(admin_client, client):
    shopper = register(client, "busygdpr")
    order = create_order(shopper["id"], [Line(make_product("5.00", stock={1: 5}), 1, Decimal("5.00"))])
    request_id = request_for(shopper["id"], shopper["email"])
    refused = admin_client.post(f"{BASE}/{request_id}/process")
    assert refused.status_code == 400
    assert refused.json() == {"message": "Customer has active orders", "error": "customer_has_active_orders"}
    with database.connection_context():
        assert GdprDataRequest.get_by_id(request_id).status == "pending"
        assert Customer.select().where(Customer.id == shopper["id"]).exists()
        assert Order.get_by_id(order.id).customer_email == "customer@example.com"


def test_update_requests_and_list_filters(admin_client, client):
    shopper = register(client, "gdprlist")
    update_id = request_for(shopper["id"], shopper["email"], kind="update")
    delete_id = request_for(shopper["id"], shopper["email"], kind="delete", status="processing")
    listed = admin_client.get(BASE, params={"customer_id": shopper["id"]}).json()
    assert [row["id"] for row in listed["data"]] == [delete_id, update_id]
    assert listed["data"][0]["customerName"] == "Gdprlist Tester"
    assert [row["id"] for row in admin_client.get(BASE, params={"customer_id": shopper["id"], "type": "update"})
            .json()["data"]] == [update_id]
    assert [row["id"] for row in admin_client.get(BASE, params={"customer_name": "gdprlist", "status": "processing"})
            .json()["data"]] == [delete_id]
    assert [row["id"] for row in admin_client.get(BASE, params={"email": shopper["email"], "sort": "id",
                                                                "order": "asc"}).json()["data"]] == [update_id, delete_id]
    revoked = admin_client.put(f"{BASE}/{delete_id}", json={"status": "revoked", "message": "Changed my mind"}).json()
    assert (revoked["status"], revoked["message"]) == ("revoked", "Changed my mind") and revoked["revokedAt"]
    assert admin_client.post(f"{BASE}/{delete_id}/process").status_code == 422
    bad = admin_client.put(f"{BASE}/{update_id}", json={"status": "done"})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"status"}
    processed = admin_client.post(f"{BASE}/{update_id}/process").json()
    assert (processed["type"], processed["status"], processed["customerDeleted"]) == ("update", "approved", False)
    with database.connection_context():
        assert Customer.select().where(Customer.id == shopper["id"]).exists()
    assert admin_client.delete(f"{BASE}/{update_id}").json() == {"message": "GDPR request deleted."}
    assert admin_client.get(f"{BASE}/{update_id}").json() == {"message": "GDPR request not found", "error": "not_found"}


def test_demo_requests_are_listed(admin_client):
    pending = admin_client.get(BASE, params={"status": "pending", "email": "demo.specshop.test"}).json()["data"]
    assert {row["type"] for row in pending} <= {"update", "delete"} and pending


def test_graphql_gdpr(admin_graphql, client):
    shopper = register(client, "gdprgql")
    request_id = request_for(shopper["id"], shopper["email"])
    iri = f"/api/admin/customers/gdpr-requests/{request_id}"
    listed = admin_graphql("""query($customerId: Int) { adminCustomerGdprRequests(first: 5, customer_id: $customerId) {
        totalCount edges { node { id _id customerName email type status } } } }""",
                           {"customerId": shopper["id"]})["data"]
    assert listed["adminCustomerGdprRequests"]["edges"][0]["node"] == {
        "id": iri, "_id": request_id, "customerName": "Gdprgql Tester", "email": shopper["email"], "type": "delete",
        "status": "pending"}
    updated = admin_graphql("""mutation($input: updateAdminCustomerGdprRequestInput!) {
        updateAdminCustomerGdprRequest(input: $input) { adminCustomerGdprRequest { id status } } }""",
                            {"input": {"id": iri, "status": "processing"}})["data"]
    assert updated["updateAdminCustomerGdprRequest"]["adminCustomerGdprRequest"] == {"id": iri, "status": "processing"}
    processed = admin_graphql("""mutation($input: createAdminCustomerGdprProcessInput!) {
        createAdminCustomerGdprProcess(input: $input) { adminCustomerGdprProcess { requestId customerId type status
        customerDeleted message } } }""", {"input": {"requestId": str(request_id), "message": "Done"}})["data"]
    assert processed["createAdminCustomerGdprProcess"]["adminCustomerGdprProcess"] == {
        "requestId": request_id, "customerId": shopper["id"], "type": "delete", "status": "approved",
        "customerDeleted": True, "message": "GDPR request approved and processed."}
    assert login(client, shopper["email"], shopper["password"]).status_code == 401
    deleted = admin_graphql("""mutation($input: deleteAdminCustomerGdprRequestInput!) {
        deleteAdminCustomerGdprRequest(input: $input) { adminCustomerGdprRequest { id } } }""",
                            {"input": {"id": iri}})["data"]
    assert deleted["deleteAdminCustomerGdprRequest"]["adminCustomerGdprRequest"] is None
