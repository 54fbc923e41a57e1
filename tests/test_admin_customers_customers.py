"""Admin customers over REST and GraphQL: filters that pick the right rows, create with a mailed or a chosen
password, partial update, status changes that lock the customer out at once, the active-orders guard on
delete (single 400, mass delete skips), orders kept after a delete, notes (mailed on request) and the
Create-Order side panels (cart, wishlist and recent order lines)."""
import datetime
import email
import email.policy
import uuid
from decimal import Decimal

import pytest

from storage.customer_care_models import CustomerNote
from storage.customer_models import Customer
from storage.db import database
from storage.sales_models import Order
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.customer_fixtures import PASSWORD, login, register
from tests.helpers import list_statement_counts
from tests.order_fixtures import Line, create_order, make_product, payment_config

BASE = "/api/admin/customers"


def unique(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}"


def new_customer(admin_client, **fields) -> dict:
    body = {"first_name": "Ada", "last_name": unique("Lovelace"), "email": f"{unique('ada')}@example.com",
            "customer_group_id": 2, "send_password": False, "password": PASSWORD, **fields}
    response = admin_client.post(BASE, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def outbox_texts(outbox, address: str) -> list[str]:
    """The text of every mail to `address` in the outbox folder."""
    messages = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                for path in sorted(outbox.glob("*.eml"))] if outbox.exists() else []
    return [message.get_content() for message in messages if message["To"] == address]


@pytest.fixture
def outbox(tmp_path, monkeypatch):
    monkeypatch.setenv("MAIL_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.delenv("SMTP_HOST", raising=False)
    return tmp_path / "outbox"


def test_create_with_a_chosen_password_and_sign_in(admin_client, client):
    created = new_customer(admin_client, phone="+15551234567", gender="Female", date_of_birth="1990-01-01",
                           customer_group_id=3, subscribed_to_news_letter=True)
    assert created["customerGroupId"] == 3 and created["customerGroupName"] == "Wholesale"
    assert created["status"] == 1 and created["isVerified"] == 1 and created["isSuspended"] == 0
    assert created["dateOfBirth"] == "1990-01-01" and created["subscribedToNewsLetter"] is True
    assert created["name"] == f"Ada {created['lastName']}"
    assert created["totalAddresses"] == 0 and created["totalOrders"] == 0 and created["totalAmountSpent"] == 0
    assert login(client, created["email"]).status_code == 201


def test_create_mails_a_generated_password(admin_client, client, outbox):
    email = f"{unique('mailed')}@example.com"
    response = admin_client.post(BASE, json={"first_name": "Mia", "last_name": "Mail", "email": email,
                                             "customer_group_id": 2})
    assert response.status_code == 201, response.text
    [mail] = outbox_texts(outbox, email)
    password = mail.split("Password: ", 1)[1].split()[0]
    assert login(client, email, password).status_code == 201


def test_create_errors_name_every_field(admin_client):
    taken = new_customer(admin_client)
    response = admin_client.post(BASE, json={"first_name": "X", "last_name": "Y", "email": taken["email"].upper(),
                                             "customer_group_id": 999, "send_password": False})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"email", "customer_group_id", "password"}
    missing = admin_client.post(BASE, json={"first_name": "X"})
    assert missing.status_code == 422
    assert {"last_name", "email", "customer_group_id"} <= set(missing.json()["errors"])


def test_filters_pick_the_right_rows(admin_client):
    tag = unique("filter")
    first = new_customer(admin_client, first_name=tag, customer_group_id=3, phone="+1999000111")
    second = new_customer(admin_client, first_name=tag, customer_group_id=2, status=0)
    rows = admin_client.get(BASE, params={"name": tag}).json()
    assert [row["id"] for row in rows["data"]] == [second["id"], first["id"]]  # newest first
    assert rows["data"][0]["totalOrders"] is None  # detail-only on the list
    by_group = admin_client.get(BASE, params={"name": tag, "customer_group_id": 3}).json()["data"]
    assert [row["id"] for row in by_group] == [first["id"]]
    inactive = admin_client.get(BASE, params={"name": tag, "status": 0}).json()["data"]
    assert [row["id"] for row in inactive] == [second["id"]]
    by_phone = admin_client.get(BASE, params={"phone": "999000111"}).json()["data"]
    assert [row["id"] for row in by_phone] == [first["id"]]
    by_email = admin_client.get(BASE, params={"email": first["email"][:14]}).json()["data"]
    assert [row["id"] for row in by_email] == [first["id"]]
    full_name = admin_client.get(BASE, params={"name": f"{tag} {first['lastName']}"}).json()["data"]
    assert [row["id"] for row in full_name] == [first["id"]]
    ascending = admin_client.get(BASE, params={"name": tag, "order": "asc"}).json()["data"]
    assert [row["id"] for row in ascending] == [first["id"], second["id"]]
    admin_client.put(f"{BASE}/{second['id']}", json={"date_of_birth": "1971-07-07"})
    born = admin_client.get(BASE, params={"name": tag, "date_of_birth_from": "1971-07-07",
                                          "date_of_birth_to": "1971-07-07"}).json()["data"]
    assert [row["id"] for row in born] == [second["id"]]
    today = admin_client.get(BASE, params={"name": tag, "created_at_from": str(datetime.date.today()),
                                           "created_at_to": str(datetime.date.today())}).json()["data"]
    assert len(today) == 2
    assert admin_client.get(BASE, params={"name": tag, "created_at_to": "2000-01-01"}).json()["data"] == []
    bad = admin_client.get(BASE, params={"created_at_from": "yesterday"})
    assert bad.status_code == 400


def test_update_is_partial_and_email_stays_unique(admin_client, client):
    one, other = new_customer(admin_client), new_customer(admin_client)
    response = admin_client.put(f"{BASE}/{one['id']}", json={"first_name": "Janet", "status": 0})
    assert response.status_code == 200
    assert (response.json()["firstName"], response.json()["status"], response.json()["lastName"]) == (
        "Janet", 0, one["lastName"])
    assert login(client, one["email"]).status_code == 403  # an inactive customer cannot sign in
    clash = admin_client.put(f"{BASE}/{one['id']}", json={"email": other["email"]})
    assert clash.status_code == 422 and set(clash.json()["errors"]) == {"email"}
    same = admin_client.put(f"{BASE}/{one['id']}", json={"email": one["email"], "status": 1, "password": "another1"})
    assert same.status_code == 200
    assert login(client, one["email"], "another1").status_code == 201
    assert admin_client.put(f"{BASE}/999999", json={"status": 1}).json() == {
        "message": "Customer not found", "error": "not_found"}


def test_mass_status_changes_states_and_locks_tokens(admin_client, client):
    shopper = register(client, "massstatus")
    other = new_customer(admin_client)
    assert client.get("/api/shop/customer-profile", headers=shopper["headers"]).status_code == 200
    response = admin_client.post(f"{BASE}/mass-update-status", json={"indices": [shopper["id"], other["id"], 999999],
                                                                     "value": 0})
    assert response.json() == {"updated": sorted([shopper["id"], other["id"]]), "value": 0,
                               "message": "Status updated."}
    assert admin_client.get(f"{BASE}/{shopper['id']}").json()["status"] == 0
    assert client.get("/api/shop/customer-profile", headers=shopper["headers"]).status_code == 401
    admin_client.post(f"{BASE}/mass-update-status", json={"indices": [shopper["id"]], "value": 1})
    assert client.get("/api/shop/customer-profile", headers=shopper["headers"]).status_code == 200
    assert admin_client.post(f"{BASE}/mass-update-status", json={"indices": [1], "value": 2}).status_code == 422


def test_delete_guards_active_orders_and_keeps_orders(admin_client):
    product = make_product("12.50", stock={1: 10})
    busy, done = new_customer(admin_client), new_customer(admin_client)
    active = create_order(busy["id"], [Line(product, 1, Decimal("12.50"))])
    finished = create_order(done["id"], [Line(product, 2, Decimal("12.50"))], email=done["email"])
    with database.connection_context():
        Order.update(status="completed").where(Order.id == finished.id).execute()
    refused = admin_client.delete(f"{BASE}/{busy['id']}")
    assert refused.status_code == 400
    assert refused.json() == {"message": "Customer has active orders", "error": "customer_has_active_orders"}
    mass = admin_client.post(f"{BASE}/mass-delete", json={"indices": [busy["id"], done["id"], 999999]}).json()
    assert mass == {"deleted": [done["id"]], "skipped": [{"id": busy["id"], "reason": "Customer has active orders"}],
                    "message": "Customers processed."}
    with database.connection_context():
        kept = Order.get_by_id(finished.id)
        assert kept.customer_id is None and kept.customer_email == done["email"]
        assert kept.grand_total == finished.grand_total and kept.customer_first_name == "Jane"
        assert Order.get_by_id(active.id).customer_id == busy["id"]
        Order.update(status="canceled").where(Order.id == active.id).execute()
    assert admin_client.delete(f"{BASE}/{busy['id']}").json() == {"message": "Customer deleted."}
    assert admin_client.get(f"{BASE}/{busy['id']}").status_code == 404


def test_detail_counters(admin_client):
    product = make_product("20.00", stock={1: 10})
    customer = new_customer(admin_client)
    admin_client.post(f"{BASE}/{customer['id']}/addresses", json={
        "first_name": "Ada", "last_name": "L", "address": "1 Main St", "city": "Austin", "state": "TX",
        "country": "US", "postcode": "73301", "phone": "5550100"})
    with payment_config("cashondelivery", generate_invoice=True):
        create_order(customer["id"], [Line(product, 2, Decimal("20.00"))], shipping="10.00")
    with payment_config("cashondelivery", generate_invoice=False):
        create_order(customer["id"], [Line(product, 1, Decimal("20.00"))], shipping="10.00")
    detail = admin_client.get(f"{BASE}/{customer['id']}").json()
    # only the invoiced order counts: 2 x 20.00 + 10.00 shipping
    assert (detail["totalAddresses"], detail["totalOrders"], detail["totalAmountSpent"]) == (1, 2, 50)


def test_notes_are_appended_and_mailed_on_request(admin_client, outbox):
    customer = new_customer(admin_client)
    quiet = admin_client.post(f"{BASE}/{customer['id']}/notes", json={"note": "Called about RMA-1"})
    assert quiet.status_code == 201
    assert quiet.json()["customerNotified"] is False and quiet.json()["customerId"] == customer["id"]
    loud = admin_client.post(f"{BASE}/{customer['id']}/notes", json={"note": "Refund sent", "customer_notified": True})
    assert loud.json()["note"] == "Refund sent"
    mails = outbox_texts(outbox, customer["email"])
    assert len(mails) == 1 and "Refund sent" in mails[0]
    with database.connection_context():
        assert [note.note for note in CustomerNote.select().where(CustomerNote.customer == customer["id"])
                .order_by(CustomerNote.id)] == ["Called about RMA-1", "Refund sent"]
    assert admin_client.post(f"{BASE}/{customer['id']}/notes", json={"note": "   "}).status_code == 422
    assert admin_client.post(f"{BASE}/999999/notes", json={"note": "x"}).status_code == 404


def test_side_panels(admin_client, client):
    shopper = register(client, "panels")
    cheap, dear = make_product("5.00", stock={1: 50}), make_product("40.00", stock={1: 50})
    added = client.post("/api/shop/cart/items", json={"productId": cheap, "quantity": 3}, headers=shopper["headers"])
    assert added.status_code in (200, 201), added.text
    cart = admin_client.get(f"{BASE}/{shopper['id']}/cart-items").json()
    [line] = cart["data"]
    assert (line["productId"], line["quantity"], line["price"], line["total"]) == (cheap, 3, 5, 15)
    assert line["formattedTotal"] == "$15.00" and cart["meta"]["total"] == 1
    wished = client.post("/api/shop/wishlists", json={"productId": dear}, headers=shopper["headers"])
    assert wished.status_code in (200, 201), wished.text
    [wish] = admin_client.get(f"{BASE}/{shopper['id']}/wishlist-items").json()["data"]
    assert (wish["productId"], wish["price"], wish["formattedPrice"]) == (dear, 40, "$40.00")
    for product in (cheap, dear, cheap):
        create_order(shopper["id"], [Line(product, 1, Decimal("5.00"))])
    recent = admin_client.get(f"{BASE}/{shopper['id']}/recent-order-items").json()["data"]
    assert [row["productId"] for row in recent] == [cheap, dear]
    assert admin_client.get(f"{BASE}/999999/cart-items").status_code == 404


def test_graphql_list_detail_create_update_delete(admin_client, admin_graphql):
    tag = unique("gql")
    created = admin_graphql("""mutation($input: createAdminCustomerInput!) {
        createAdminCustomer(input: $input) { adminCustomer { id _id email customerGroupId status } } }""",
                            {"input": {"firstName": tag, "lastName": "Doe", "email": f"{tag}@example.com",
                                       "customerGroupId": 2, "status": 1, "sendPassword": False,
                                       "password": PASSWORD}})["data"]
    node = created["createAdminCustomer"]["adminCustomer"]
    assert node["id"] == f"/api/admin/customers/{node['_id']}" and node["customerGroupId"] == 2
    listed = admin_graphql("""query($name: String) { adminCustomers(first: 5, name: $name) {
        totalCount edges { node { _id customerGroupName totalOrders } } } }""", {"name": tag})["data"]
    assert listed["adminCustomers"]["totalCount"] == 1
    assert listed["adminCustomers"]["edges"][0]["node"] == {"_id": node["_id"], "customerGroupName": "General",
                                                            "totalOrders": None}
    updated = admin_graphql("""mutation($input: updateAdminCustomerInput!) {
        updateAdminCustomer(input: $input) { adminCustomer { _id firstName status } } }""",
                            {"input": {"id": node["id"], "firstName": "Janet", "status": 0}})["data"]
    assert updated["updateAdminCustomer"]["adminCustomer"] == {"_id": node["_id"], "firstName": "Janet", "status": 0}
    detail = admin_graphql("query($id: ID!) { adminCustomer(id: $id) { firstName totalOrders totalAmountSpent } }",
                           {"id": node["id"]})["data"]
    assert detail["adminCustomer"] == {"firstName": "Janet", "totalOrders": 0, "totalAmountSpent": 0.0}
    note = admin_graphql("""mutation($input: createAdminCustomerNoteInput!) {
        createAdminCustomerNote(input: $input) { adminCustomerNote { id customerId note customerNotified } } }""",
                         {"input": {"customerId": node["_id"], "note": "From GraphQL"}})["data"]
    assert note["createAdminCustomerNote"]["adminCustomerNote"]["id"].startswith("/api/admin/customer_notes/")
    status = admin_graphql("""mutation($input: createAdminCustomerMassUpdateStatusInput!) {
        createAdminCustomerMassUpdateStatus(input: $input) { adminCustomerMassUpdateStatus { updated value message } } }""",
                           {"input": {"indices": [node["_id"]], "value": 1}})["data"]
    assert status["createAdminCustomerMassUpdateStatus"]["adminCustomerMassUpdateStatus"]["updated"] == [node["_id"]]
    deleted = admin_graphql("""mutation($input: deleteAdminCustomerInput!) {
        deleteAdminCustomer(input: $input) { adminCustomer { id } } }""", {"input": {"id": node["id"]}})["data"]
    assert deleted["deleteAdminCustomer"]["adminCustomer"] is None
    with database.connection_context():
        assert not Customer.select().where(Customer.id == node["_id"]).exists()


def test_graphql_mass_delete_skips_active_orders(admin_client, admin_graphql):
    product = make_product("9.00", stock={1: 5})
    busy, free = new_customer(admin_client), new_customer(admin_client)
    create_order(busy["id"], [Line(product, 1, Decimal("9.00"))])
    result = admin_graphql("""mutation($input: createAdminCustomerMassDeleteInput!) {
        createAdminCustomerMassDelete(input: $input) { adminCustomerMassDelete { deleted skipped message } } }""",
                           {"input": {"indices": [busy["id"], free["id"]]}})["data"]
    assert result["createAdminCustomerMassDelete"]["adminCustomerMassDelete"] == {
        "deleted": [free["id"]], "skipped": [{"id": busy["id"], "reason": "Customer has active orders"}],
        "message": "Customers processed."}


def test_list_statement_count_does_not_grow_with_the_page(admin_client):
    new_customer(admin_client, customer_group_id=3)
    counts = list_statement_counts(admin_client, BASE, sizes=(1, 50))
    assert counts[0] == counts[1]
