"""Admin bookings (rest-api/admin/sales/bookings/*.md, graphql-api/admin/sales/bookings/*.md): booking
orders placed through the shop, then listed, filtered, sorted, exported and read one by one over REST
and GraphQL with their slot, quantity, order and product; refused without `sales.bookings.view`.

Dates: the demo event takes place 2031-05-01 18:00-23:00 UTC; 2030-06-17 is a Monday (appointments
every day at 10:00, 11:00, 12:00, 14:00 and 15:00, 45 minutes each).
"""
import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient

from domain.booking import tickets_of
from storage.booking_models import BookingProduct
from storage.db import database
from storage.models import Product
from storage.sales_models import Order
from tests.admin_fixtures import FORBIDDEN, admin_client, admin_graphql, bearer, make_admin, super_admin  # noqa: F401
from tests.cart_fixtures import add, new_guest_cart
from tests.checkout_fixtures import place, ready_for_order

UTC = ZoneInfo("UTC")
LIST = """query($first: Int, $orderId: String, $productId: Int, $sort: String, $order: String) {
  adminBookings(first: $first, order_id: $orderId, product_id: $productId, sort: $sort, order: $order) {
    totalCount edges { node { id _id orderId orderIncrementId productId productSku bookingType qty from to
      fromFormatted toFormatted bookingProductEventTicketId order orderItem createdAt } } } }"""
DETAIL = """query($id: ID!) { adminBooking(id: $id) { _id qty from to bookingType paymentMethod paymentTitle
  shippingMethod billingAddress shippingAddress invoices shipments refunds order } }"""


def unix(*parts) -> int:
    return int(datetime.datetime(*parts, tzinfo=UTC).timestamp())


def booking_product(sku: str) -> tuple[int, BookingProduct]:
    with database.connection_context():
        row = (BookingProduct.select(BookingProduct, Product.id).join(Product, on=(BookingProduct.product == Product.id))
               .where(Product.sku == sku).get())
        return row.product.id, row


def booked(client, product_id: int, booking: dict, quantity: int = 1) -> Order:
    """A guest order of one booking line, placed through the shop."""
    headers = new_guest_cart(client)["headers"]
    added = add(client, headers, productId=product_id, quantity=quantity, booking=booking)
    assert added.status_code == 200, added.text
    ready_for_order(client, headers, shipping=None)
    placed = place(client, headers)
    assert placed.status_code == 201, placed.text
    with database.connection_context():
        return Order.get_by_id(placed.json()["data"]["order"]["id"])


@pytest.fixture(scope="module")
def orders(client):
    """(event order: 2 standard tickets, appointment order: 2030-06-17 10:00-10:45) with their products."""
    event_id, event = booking_product("BOOK-EVENT")
    with database.connection_context():
        standard = tickets_of([event.id])[0].id
    concert = booked(client, event_id, {"type": "event", "qty": {str(standard): 2}})
    appointment_id, _row = booking_product("BOOK-APPOINTMENT")
    haircut = booked(client, appointment_id, {"date": "2030-06-17", "slot": "10:00 AM - 10:45 AM"})
    return {"event": (concert, event_id, standard), "appointment": (haircut, appointment_id)}


def rows(admin_client, **params) -> list[dict]:
    answer = admin_client.get("/api/admin/bookings", params={"per_page": 50, **params})
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def test_list_rows_carry_the_slot_order_and_product(admin_client, orders):
    concert, event_id, ticket = orders["event"]
    [row] = rows(admin_client, order_id=concert.increment_id)
    assert row["orderId"] == concert.id and row["orderIncrementId"] == concert.increment_id
    assert (row["productId"], row["productSku"], row["productName"]) == (event_id, "BOOK-EVENT",
                                                                        "Live Music Concert Ticket")
    assert (row["bookingType"], row["qty"], row["bookingProductEventTicketId"]) == ("event", 2, ticket)
    assert (row["from"], row["to"]) == (unix(2031, 5, 1, 18), unix(2031, 5, 1, 23))
    assert (row["fromFormatted"], row["toFormatted"]) == ("01 May, 2031 18:00PM", "01 May, 2031 23:00PM")
    assert row["order"] == {"id": concert.id, "incrementId": concert.increment_id, "status": "pending",
                            "customerName": "Jane Doe", "customerEmail": concert.customer_email,
                            "grandTotal": float(concert.grand_total), "orderCurrencyCode": "USD"}
    assert row["orderItem"]["sku"] == "BOOK-EVENT" and row["orderItem"]["qtyOrdered"] == 2
    assert row["orderItem"]["id"] == row["orderItemId"]
    assert row["createdAt"] == concert.created_at.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def test_filters_and_sorting(admin_client, orders):
    concert, event_id, _ticket = orders["event"]
    haircut, appointment_id = orders["appointment"]
    ours = {concert.id, haircut.id}

    def order_ids(**params):
        return [row["orderId"] for row in rows(admin_client, **params) if row["orderId"] in ours]

    assert order_ids(product_id=appointment_id) == [haircut.id]
    assert order_ids(product_id=event_id) == [concert.id]
    assert order_ids(qty=2) == [concert.id]
    assert order_ids(from_from="2031-05-01", from_to="2031-05-01") == [concert.id]
    assert order_ids(to_from="2030-06-17", to_to="2030-06-17") == [haircut.id]
    assert order_ids(from_to="2020-01-01") == []
    today = datetime.datetime.utcnow().date().isoformat()
    assert sorted(order_ids(created_at_from=today)) == sorted(ours)
    assert order_ids(created_at_to="2020-01-01") == []
    ids = [row["id"] for row in rows(admin_client, product_id=event_id) + rows(admin_client, product_id=appointment_id)
           if row["orderId"] in ours]
    listed = rows(admin_client, id=",".join(map(str, ids)), sort="from", order="asc")
    assert [row["orderId"] for row in listed] == [haircut.id, concert.id]  # 2030 before 2031
    assert [row["orderId"] for row in rows(admin_client, id=",".join(map(str, ids)), sort="from")] == [
        concert.id, haircut.id]
    page = admin_client.get("/api/admin/bookings", params={"id": ",".join(map(str, ids)), "per_page": 1}).json()
    assert page["meta"]["total"] == 2 and len(page["data"]) == 1 and page["meta"]["lastPage"] == 2
    bad = admin_client.get("/api/admin/bookings", params={"id": "1,x"})
    assert bad.status_code == 400 and "id" in bad.json()["errors"]
    assert admin_client.get("/api/admin/bookings", params={"from_from": "May 1"}).status_code == 400
    assert admin_client.get("/api/admin/bookings", params={"sort": "price"}).status_code == 400


def test_detail_embeds_the_order_and_its_documents(admin_client, orders):
    haircut, appointment_id = orders["appointment"]
    [row] = rows(admin_client, order_id=haircut.increment_id)
    answer = admin_client.get(f"/api/admin/bookings/{row['id']}")
    assert answer.status_code == 200, answer.text
    detail = answer.json()
    assert {key: detail[key] for key in row} == row
    assert (detail["bookingType"], detail["qty"], detail["productId"]) == ("appointment", 1, appointment_id)
    assert (detail["from"], detail["to"]) == (unix(2030, 6, 17, 10), unix(2030, 6, 17, 10, 45))
    assert (detail["fromFormatted"], detail["bookingProductEventTicketId"]) == ("17 Jun, 2030 10:00AM", None)
    assert (detail["paymentMethod"], detail["paymentTitle"]) == ("moneytransfer", "Money Transfer")
    assert (detail["shippingMethod"], detail["shippingTitle"]) == (None, None)
    billing = detail["billingAddress"]
    assert (billing["addressType"], billing["firstName"], billing["country"]) == ("order_billing", "Jane", "US")
    assert (detail["invoices"], detail["shipments"], detail["refunds"]) == ([], [], [])
    invoiced = admin_client.post(f"/api/admin/orders/{haircut.id}/invoices",
                                 json={"items": [{"orderItemId": row["orderItemId"], "quantity": 1}]})
    assert invoiced.status_code == 201, invoiced.text
    [invoice] = admin_client.get(f"/api/admin/bookings/{row['id']}").json()["invoices"]
    assert invoice["id"] == invoiced.json()["id"] and invoice["state"] == "paid"
    assert invoice["baseGrandTotal"] == float(haircut.base_grand_total)
    assert invoice["formattedBaseGrandTotal"] == f"${haircut.base_grand_total:,.2f}"
    missing = admin_client.get("/api/admin/bookings/999999")
    assert missing.status_code == 404 and missing.json()["message"] == "Booking not found"


def test_csv_export_follows_the_filters(admin_client, orders):
    concert, event_id, _ticket = orders["event"]
    answer = admin_client.get("/api/admin/bookings/export", params={"format": "csv", "order_id": concert.increment_id})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == 'attachment; filename="bookings.csv"'
    header, *lines = list(csv.reader(io.StringIO(answer.text)))
    assert header == ["ID", "Order ID", "Qty", "From", "To", "Booking Date"]
    [row] = rows(admin_client, order_id=concert.increment_id)
    assert lines == [[str(row["id"]), concert.increment_id, "2", "01 May, 2031 18:00PM", "01 May, 2031 23:00PM",
                      concert.created_at.strftime("%Y-%m-%d %H:%M:%S")]]
    none = admin_client.get("/api/admin/bookings/export", params={"from_to": "2020-01-01"})
    assert none.status_code == 200 and none.text.strip() == "ID,Order ID,Qty,From,To,Booking Date"
    wrong = admin_client.get("/api/admin/bookings/export", params={"format": "xlsx"})
    assert wrong.status_code == 400 and "format" in wrong.json()["errors"]


def test_graphql_list_and_detail(admin_graphql, admin_client, orders):
    concert, event_id, ticket = orders["event"]
    answer = admin_graphql(LIST, {"first": 10, "orderId": concert.increment_id})
    assert "errors" not in answer, answer
    connection = answer["data"]["adminBookings"]
    assert connection["totalCount"] == 1
    node = connection["edges"][0]["node"]
    assert node["id"] == f"/api/admin/bookings/{node['_id']}"
    assert (node["orderId"], node["productId"], node["productSku"], node["bookingType"], node["qty"]) == (
        concert.id, event_id, "BOOK-EVENT", "event", 2)
    assert (node["from"], node["to"], node["bookingProductEventTicketId"]) == (
        unix(2031, 5, 1, 18), unix(2031, 5, 1, 23), ticket)
    assert node["order"]["incrementId"] == concert.increment_id and node["orderItem"]["qtyOrdered"] == 2
    detail = admin_graphql(DETAIL, {"id": node["id"]})["data"]["adminBooking"]
    assert (detail["_id"], detail["qty"], detail["from"], detail["bookingType"]) == (
        node["_id"], 2, unix(2031, 5, 1, 18), "event")
    assert (detail["paymentMethod"], detail["paymentTitle"], detail["shippingMethod"]) == (
        "moneytransfer", "Money Transfer", None)
    assert detail["billingAddress"]["firstName"] == "Jane" and detail["invoices"] == []
    assert detail["order"]["id"] == concert.id
    haircut, appointment_id = orders["appointment"]
    sorted_nodes = admin_graphql(LIST, {"first": 50, "productId": appointment_id, "sort": "id", "order": "desc"})
    assert haircut.id in [edge["node"]["orderId"] for edge in sorted_nodes["data"]["adminBookings"]["edges"]]
    missing = admin_graphql(DETAIL, {"id": "/api/admin/bookings/999999"})
    assert missing["data"]["adminBooking"] is None and missing["errors"][0]["extensions"]["status"] == 404


def test_bookings_need_their_permission(app, orders):
    _viewer, viewer = make_admin(["sales.bookings.view"], label="bookings")
    _other, other = make_admin(["sales.orders.view"], label="no-bookings")
    with TestClient(app) as client:
        for path in ("/api/admin/bookings", "/api/admin/bookings/export"):
            assert client.get(path, headers=bearer(viewer)).status_code == 200
            refused = client.get(path, headers=bearer(other))
            assert (refused.status_code, refused.json()) == (403, FORBIDDEN)
        booking_id = client.get("/api/admin/bookings", headers=bearer(viewer)).json()["data"][0]["id"]
        assert client.get(f"/api/admin/bookings/{booking_id}", headers=bearer(viewer)).status_code == 200
        refused = client.get(f"/api/admin/bookings/{booking_id}", headers=bearer(other))
        assert (refused.status_code, refused.json()) == (403, FORBIDDEN)
        query = {"query": "{ adminBookings(first: 10) { totalCount } }"}
        answer = client.post("/api/admin/graphql", json=query, headers=bearer(viewer)).json()
        assert answer["data"]["adminBookings"]["totalCount"] >= 2
        answer = client.post("/api/admin/graphql", json=query, headers=bearer(other)).json()
        assert {error["extensions"]["code"] for error in answer["errors"]} == {"FORBIDDEN"}
