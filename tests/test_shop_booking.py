"""Booking products: slot lists of every booking type on fixed dates (the clock injected), past and
booked slots left out, the channel's timezone, the REST and GraphQL documents, add to cart with the
booking input (price and options per type), and the order line with its booking and capacity taken.

Dates: 2030-06-03 is a Monday, 2030-06-07 a Friday, 2030-06-02 a Sunday (seed_booking's schedules).
"""
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from domain.booking import slots_for_date, tickets_of
from storage.booking_models import Booking, BookingCapacity, BookingProduct
from storage.db import database
from storage.models import Channel, Product
from storage.sales_models import OrderItem
from tests.cart_fixtures import add, new_guest_cart
from tests.checkout_fixtures import place, ready_for_order
from tests.customer_fixtures import register
from tests.helpers import list_statement_counts

UTC = ZoneInfo("UTC")
MONDAY, FRIDAY, SUNDAY = datetime.date(2030, 6, 3), datetime.date(2030, 6, 7), datetime.date(2030, 6, 2)
EARLIER = datetime.datetime(2030, 6, 1, tzinfo=UTC)
SLOTS = """query($id: Int!, $date: String!) { bookingSlots(id: $id, date: $date) { slotId from to timestamp qty time slots } }"""
ADD = """mutation($input: createAddProductInCartInput!) { createAddProductInCart(input: $input) {
    addProductInCart { subtotal items { edges { node { productId quantity price total options } } } } } }"""


def unix(*parts, zone=UTC) -> int:
    return int(datetime.datetime(*parts, tzinfo=zone).timestamp())


@pytest.fixture(scope="module")
def booking(app):
    """{sku: (product id, booking product row)} of the demo booking products."""
    with database.connection_context():
        rows = (BookingProduct.select(BookingProduct, Product.id, Product.sku).join(Product, on=(BookingProduct.product == Product.id))
                .where(Product.sku.startswith("BOOK-")))
        return {row.product.sku: (row.product.id, row) for row in rows}


@pytest.fixture(autouse=True)
def fresh_capacity():
    yield
    with database.connection_context():
        Booking.delete().execute()
        BookingCapacity.delete().execute()


def flat(groups) -> list[tuple[str, str, int]]:
    return [(slot.start.strftime("%H:%M"), slot.end.strftime("%H:%M"), slot.remaining) for group in groups
            for slot in group]


def slots_on(booking, sku, day, now=EARLIER, zone=UTC):
    with database.connection_context():
        return slots_for_date(booking[sku][1], day, zone, now)


# --- slot lists -----------------------------------------------------------------------------------

def test_slot_lists_of_every_type_on_fixed_dates(booking):
    assert flat(slots_on(booking, "BOOK-DEFAULT", MONDAY)) == [("12:00", "18:00", 5)]
    assert slots_on(booking, "BOOK-DEFAULT", SUNDAY) == []
    assert flat(slots_on(booking, "BOOK-APPOINTMENT", MONDAY)) == [
        ("10:00", "10:45", 1), ("11:00", "11:45", 1), ("12:00", "12:45", 1), ("14:00", "14:45", 1),
        ("15:00", "15:45", 1)]
    assert flat(slots_on(booking, "BOOK-APPOINTMENT", SUNDAY)) == flat(slots_on(booking, "BOOK-APPOINTMENT", MONDAY))
    assert slots_on(booking, "BOOK-APPOINTMENT", datetime.date(2036, 1, 7)) == []  # after the booking window
    assert flat(slots_on(booking, "BOOK-TABLE", MONDAY)) == [("12:00", "12:45", 10), ("13:00", "13:45", 10)]
    assert flat(slots_on(booking, "BOOK-TABLE", FRIDAY)) == [
        ("12:00", "12:45", 10), ("13:00", "13:45", 10), ("19:00", "19:45", 10), ("20:00", "20:45", 10)]
    assert slots_on(booking, "BOOK-TABLE", SUNDAY) == []
    hourly = slots_on(booking, "BOOK-RENTAL-HOURLY", MONDAY)
    assert [flat([group]) for group in hourly] == [[("10:00", "11:00", 3), ("11:00", "12:00", 3)],
                                                   [("14:00", "15:00", 3), ("15:00", "16:00", 3)]]
    assert slots_on(booking, "BOOK-RENTAL-DAILY", MONDAY) == []
    assert slots_on(booking, "BOOK-EVENT", MONDAY) == []
    [[slot]] = slots_on(booking, "BOOK-DEFAULT", MONDAY)
    assert (slot.starts_at, slot.ends_at) == (unix(2030, 6, 3, 12), unix(2030, 6, 3, 18))


def test_past_slots_are_left_out(booking):
    late_morning = datetime.datetime(2030, 6, 3, 11, 30, tzinfo=UTC)
    assert flat(slots_on(booking, "BOOK-APPOINTMENT", MONDAY, late_morning)) == [
        ("12:00", "12:45", 1), ("14:00", "14:45", 1), ("15:00", "15:45", 1)]
    # tables take no booking within 60 minutes: 12:00 starts at 11:30 + 30 min
    assert flat(slots_on(booking, "BOOK-TABLE", MONDAY, late_morning)) == [("13:00", "13:45", 10)]
    assert flat(slots_on(booking, "BOOK-RENTAL-HOURLY", MONDAY, late_morning)) == [
        ("14:00", "15:00", 3), ("15:00", "16:00", 3)]
    assert slots_on(booking, "BOOK-DEFAULT", MONDAY, datetime.datetime(2030, 6, 3, 12, tzinfo=UTC)) == []


def test_booked_slots_are_left_out(booking):
    appointment, default = booking["BOOK-APPOINTMENT"][1], booking["BOOK-DEFAULT"][1]
    with database.connection_context():
        BookingCapacity.create(booking_product=appointment.id, ticket=0, starts_at=unix(2030, 6, 3, 10),
                               ends_at=unix(2030, 6, 3, 10, 45), capacity=1, booked=1)
        BookingCapacity.create(booking_product=default.id, ticket=0, starts_at=unix(2030, 6, 3, 12),
                               ends_at=unix(2030, 6, 3, 18), capacity=5, booked=3)
    assert [start for start, _end, _left in flat(slots_on(booking, "BOOK-APPOINTMENT", MONDAY))] == [
        "11:00", "12:00", "14:00", "15:00"]
    assert flat(slots_on(booking, "BOOK-DEFAULT", MONDAY)) == [("12:00", "18:00", 2)]


def test_slots_follow_the_channel_timezone(booking):
    kolkata = ZoneInfo("Asia/Kolkata")
    [[slot]] = slots_on(booking, "BOOK-DEFAULT", MONDAY, zone=kolkata)
    assert (slot.starts_at, slot.ends_at) == (unix(2030, 6, 3, 6, 30), unix(2030, 6, 3, 12, 30))


def test_rest_and_graphql_slots(client, graphql, booking):
    appointment = booking["BOOK-APPOINTMENT"][1].id
    answer = client.get("/api/shop/booking-slots", params={"id": appointment, "date": "2030-06-03"})
    assert answer.status_code == 200, answer.text
    first = answer.json()[0]
    stamp = f"{unix(2030, 6, 3, 10)}-{unix(2030, 6, 3, 10, 45)}"
    assert first == {"slotId": stamp, "from": "10:00 AM", "to": "10:45 AM", "timestamp": stamp, "qty": "1"}
    assert len(answer.json()) == 5
    hourly = client.get("/api/shop/booking-slots", params={"id": booking["BOOK-RENTAL-HOURLY"][1].id,
                                                            "date": "2030-06-03"}).json()
    assert [(group["slotId"], group["time"], len(group["slots"])) for group in hourly] == [
        ("1", "10:00 AM - 12:00 PM", 2), ("2", "02:00 PM - 04:00 PM", 2)]
    assert hourly[0]["slots"][1] == {"from": "11:00 AM", "to": "12:00 PM", "qty": "3",
                                     "timestamp": f"{unix(2030, 6, 3, 11)}-{unix(2030, 6, 3, 12)}"}
    nodes = graphql(SLOTS, {"id": appointment, "date": "2030-06-03"})["data"]["bookingSlots"]
    assert nodes[0]["slotId"] is None and (nodes[0]["from"], nodes[0]["qty"]) == ("10:00 AM", "1")
    past = client.get("/api/shop/booking-slots", params={"id": appointment, "date": "2020-06-01"})
    assert past.status_code == 200 and past.json() == []
    missing = client.get("/api/shop/booking-slots", params={"id": 999999, "date": "2030-06-03"})
    assert missing.status_code == 404 and missing.json()["message"] == "Booking product not found"
    assert client.get("/api/shop/booking-slots", params={"id": appointment}).status_code == 400


def test_slots_in_another_channel_timezone(client, booking):
    with database.connection_context():
        Channel.update(timezone="Asia/Kolkata").where(Channel.id == 1).execute()
    try:
        answer = client.get("/api/shop/booking-slots", params={"id": booking["BOOK-DEFAULT"][1].id,
                                                                "date": "2030-06-03"}).json()
    finally:
        with database.connection_context():
            Channel.update(timezone="UTC").where(Channel.id == 1).execute()
    assert answer[0]["timestamp"] == f"{unix(2030, 6, 3, 6, 30)}-{unix(2030, 6, 3, 12, 30)}"
    assert (answer[0]["from"], answer[0]["to"]) == ("12:00 PM", "06:00 PM")


# --- documents ------------------------------------------------------------------------------------

def test_booking_documents(client, graphql, booking):
    product_id, row = booking["BOOK-RENTAL-HOURLY"]
    [listed] = client.get(f"/api/shop/products/{product_id}/booking-products").json()
    assert (listed["id"], listed["type"], listed["qty"], listed["availableEveryWeek"]) == (row.id, "rental", 3, 0)
    assert (listed["availableFrom"], listed["availableTo"]) == ("2026-01-01T00:00:00+00:00", "2035-12-31T23:59:00+00:00")
    assert listed["rentalSlot"].startswith("/api/shop/booking_product_rental_slots/") and listed["defaultSlot"] is None
    assert client.get(f"/api/shop/booking-products/{row.id}").json() == listed
    config = client.get(listed["rentalSlot"]).json()
    assert (config["rentingType"], config["hourlyPrice"], config["sameSlotAllDays"]) == ("hourly", 20, 1)
    assert config["slots"] == '[{"from": "10:00", "to": "12:00"}, {"from": "14:00", "to": "16:00"}]'
    assert client.get(f"/api/shop/booking_product_default_slots/{config['id']}").status_code == 404
    product = client.get(f"/api/shop/products/{product_id}").json()
    assert product["bookingType"] == "rental" and product["bookingProducts"][0]["rentalSlot"]["hourlyPrice"] == 20

    event_id, event = booking["BOOK-EVENT"]
    [document] = client.get(f"/api/shop/products/{event_id}/booking-products").json()
    tickets = [client.get(iri).json()
               for iri in document["eventTickets"]]
    assert [(t["name"], t["price"], t["specialPrice"], t["qty"], t["formattedSpecialPrice"]) for t in tickets] == [
        ("Standard Ticket", 120, 115, 100, "$115.00"), ("VIP Access Ticket", 240, None, 10, None)]
    listing = client.get("/api/shop/booking_product_event_tickets")
    assert listing.headers["X-Total-Count"] == "2"
    node = graphql("""query($id: ID!) { product(id: $id) { bookingProducts { edges { node {
        _id type qty eventTickets { edges { node { price qty translation { name } } } } } } } } }""",
                   {"id": f"/api/shop/products/{event_id}"})["data"]["product"]
    booked = node["bookingProducts"]["edges"][0]["node"]
    assert booked["_id"] == event.id and booked["type"] == "event" and booked["qty"] == 0
    assert [edge["node"]["translation"]["name"] for edge in booked["eventTickets"]["edges"]] == [
        "Standard Ticket", "VIP Access Ticket"]
    assert client.get("/api/shop/products/1/booking-products").json() == []


def test_booking_documents_cost_the_same_statements_per_page(client, graphql):
    counts = list_statement_counts(client, "/api/shop/products?type=booking", sizes=(1, 6))
    assert counts[0] == counts[1], counts
    page = client.get("/api/shop/products", params={"type": "booking", "per_page": 6}).json()
    assert sorted(product["bookingType"] for product in page) == [
        "appointment", "default", "event", "rental", "rental", "table"]
    query = """{ products(first: %d, filter: "{\\"type\\": \\"booking\\"}") { edges { node { sku
        bookingProducts { edges { node { type defaultSlot { bookingType } tableSlot { guestLimit } } } } } } } }"""
    nodes = [edge["node"] for edge in graphql(query % 6)["data"]["products"]["edges"]]
    table = next(node for node in nodes if node["sku"] == "BOOK-TABLE")
    assert table["bookingProducts"]["edges"][0]["node"]["tableSlot"] == {"guestLimit": 4}


# --- the cart and the order -----------------------------------------------------------------------

def line_of(document, product_id):
    return [line for line in document["items"] if line["productId"] == product_id]


def labels(line) -> dict:
    return {option["attribute_name"]: option["option_label"] for option in line["options"]}


def test_cart_prices_and_options_per_type(client, booking):
    cart = new_guest_cart(client)
    headers = cart["headers"]
    appointment = booking["BOOK-APPOINTMENT"][0]
    answer = add(client, headers, productId=appointment,
                 booking={"type": "appointment", "date": "2030-06-03", "slot": "10:00 AM - 10:45 AM"})
    assert answer.status_code == 200, answer.text
    [line] = line_of(answer.json(), appointment)
    assert (line["price"], line["total"], line["quantity"]) == (55, 55, 1)
    assert labels(line) == {"Booking From": "03 June, 2030 10:00 AM", "Booking Till": "03 June, 2030 10:45 AM"}

    daily = booking["BOOK-RENTAL-DAILY"][0]
    answer = add(client, headers, productId=daily, quantity=2,
                 booking='{"type":"rental","renting_type":"daily","date_from":"2030-06-03","date_to":"2030-06-05"}')
    [line] = line_of(answer.json(), daily)
    assert (line["price"], line["total"]) == (45, 90)  # 3 days x 15.00, 2 chairs
    assert labels(line) == {"Rent Type": "Daily Basis", "Rent From": "03 June, 2030", "Rent Till": "05 June, 2030"}

    hourly = booking["BOOK-RENTAL-HOURLY"][0]
    answer = add(client, headers, productId=hourly,
                 booking={"type": "rental", "renting_type": "hourly", "date": "2030-06-03", "slot": "10:00 AM - 12:00 PM"})
    [line] = line_of(answer.json(), hourly)
    assert (line["price"], line["total"]) == (40, 40)  # 2 hours x 20.00

    event_id = booking["BOOK-EVENT"][0]
    with database.connection_context():
        standard, vip = [ticket.id for ticket in tickets_of([booking["BOOK-EVENT"][1].id])]
    answer = add(client, headers, productId=event_id, booking={"type": "event", "qty": {str(standard): 2, str(vip): 1}})
    lines = line_of(answer.json(), event_id)
    assert [(line["quantity"], line["price"], line["total"], labels(line)["Event Ticket"]) for line in lines] == [
        (2, 115, 230, "Standard Ticket"), (1, 240, 240, "VIP Access Ticket")]

    table = booking["BOOK-TABLE"][0]
    refused = add(client, headers, productId=table, quantity=2, booking={"date": "2030-06-07", "slot": "07:00 PM - 07:45 PM"})
    assert refused.status_code == 422 and "bookingNote" in refused.json()["errors"]
    answer = add(client, headers, productId=table, quantity=2, bookingNote="By the window",
                 booking={"date": "2030-06-07", "slot": "07:00 PM - 07:45 PM"})
    [line] = line_of(answer.json(), table)
    assert (line["price"], line["total"], labels(line)["Special Request/Notes"]) == (195, 390, "By the window")
    assert answer.json()["subtotal"] == 55 + 90 + 40 + 230 + 240 + 390


def test_invalid_booking_input(client, booking):
    headers = new_guest_cart(client)["headers"]
    appointment = booking["BOOK-APPOINTMENT"][0]
    cases = [({}, "invalid_booking"), ({"booking": "{not json"}, "invalid_booking"),
             ({"booking": {"date": "2030-06-03", "slot": "09:00 AM - 09:45 AM"}}, "slot_not_available"),
             ({"booking": {"date": "2020-06-01", "slot": "10:00 AM - 10:45 AM"}}, "slot_not_available"),
             ({"booking": {"date": "June 3", "slot": "10:00 AM - 10:45 AM"}}, "invalid_booking"),
             ({"booking": {"type": "event", "qty": {"1": 1}}}, "invalid_booking"),
             ({"quantity": 2, "booking": {"date": "2030-06-03", "slot": "10:00 AM - 10:45 AM"}}, "slot_not_available")]
    for extra, code in cases:
        answer = add(client, headers, productId=appointment, **extra)
        assert answer.status_code == 422 and answer.json()["error"] == code, (extra, answer.text)
    daily = booking["BOOK-RENTAL-DAILY"][0]
    backwards = add(client, headers, productId=daily,
                    booking={"renting_type": "daily", "date_from": "2030-06-05", "date_to": "2030-06-03"})
    assert backwards.status_code == 422 and backwards.json()["error"] == "invalid_date_range"
    wrong_type = add(client, headers, productId=daily, booking={"renting_type": "hourly", "date": "2030-06-03",
                                                                "slot": "10:00 AM - 11:00 AM"})
    assert wrong_type.status_code == 422
    event = booking["BOOK-EVENT"][0]
    none = add(client, headers, productId=event, booking={"qty": {}})
    assert none.status_code == 422 and none.json()["error"] == "invalid_ticket_qty"
    assert client.get("/api/shop/cart", headers=headers).json()["data"]["itemsCount"] == 0


def test_graphql_add_to_cart_with_booking(graphql, client, booking):
    cart = new_guest_cart(client)
    product_id = booking["BOOK-DEFAULT"][0]
    answer = graphql(ADD, {"input": {"productId": product_id, "quantity": 1,
                                     "booking": '{"type":"default","date":"2030-06-04","slot":"12:00 PM - 06:00 PM"}'}},
                     headers=cart["headers"])
    result = answer["data"]["createAddProductInCart"]["addProductInCart"]
    node = result["items"]["edges"][0]["node"]
    assert (result["subtotal"], node["price"], node["quantity"]) == (100, 100, 1), answer
    assert {edge["node"]["attribute_name"]: edge["node"]["option_label"] for edge in node["options"]["edges"]} == {
        "Booking From": "04 June, 2030 12:00 PM", "Booking Till": "04 June, 2030 06:00 PM"}


def test_order_line_carries_the_booking_and_takes_the_place(client, booking):
    product_id, row = booking["BOOK-APPOINTMENT"]
    cart = new_guest_cart(client)
    added = add(client, cart["headers"], productId=product_id,
                booking={"date": "2030-06-10", "slot": "11:00 AM - 11:45 AM"})
    assert added.status_code == 200, added.text
    ready_for_order(client, cart["headers"], shipping=None)
    placed = place(client, cart["headers"])
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["data"]["order"]["id"]
    start, end = unix(2030, 6, 10, 11), unix(2030, 6, 10, 11, 45)
    with database.connection_context():
        item = OrderItem.get(OrderItem.order == order_id)
        booked = Booking.get(Booking.order == order_id)
        cell = BookingCapacity.get(BookingCapacity.booking_product == row.id)
    assert item.product_type == "booking" and item.price == Decimal("55.0000")
    assert (item.additional["booking"]["from"], item.additional["booking"]["to"]) == (start, end)
    assert {option["attribute_name"] for option in item.additional["options"]} == {"Booking From", "Booking Till"}
    assert (booked.order_item_id, booked.qty, booked.starts_at, booked.ends_at) == (item.id, 1, start, end)
    assert (cell.starts_at, cell.ends_at, cell.capacity, cell.booked) == (start, end, 1, 1)
    left = client.get("/api/shop/booking-slots", params={"id": row.id, "date": "2030-06-10"}).json()
    assert [slot["from"] for slot in left] == ["10:00 AM", "12:00 PM", "02:00 PM", "03:00 PM"]
    again = add(client, new_guest_cart(client)["headers"], productId=product_id,
                booking={"date": "2030-06-10", "slot": "11:00 AM - 11:45 AM"})
    assert again.status_code == 422 and again.json()["error"] == "slot_not_available"


def test_placement_refuses_a_slot_booked_meanwhile(client, booking):
    product_id, row = booking["BOOK-APPOINTMENT"]
    carts = [new_guest_cart(client)["headers"] for _ in range(2)]
    for headers in carts:
        assert add(client, headers, productId=product_id,
                   booking={"date": "2030-06-11", "slot": "02:00 PM - 02:45 PM"}).status_code == 200
        ready_for_order(client, headers, shipping=None)
    assert place(client, carts[0]).status_code == 201
    refused = place(client, carts[1])
    assert refused.status_code == 422 and refused.json()["error"] == "booking_unavailable", refused.text
    with database.connection_context():
        assert BookingCapacity.get(BookingCapacity.booking_product == row.id).booked == 1
        assert Booking.select().count() == 1


def test_canceling_the_order_gives_the_places_back(client, graphql, booking):
    customer = register(client, "booker")
    product_id, row = booking["BOOK-RENTAL-HOURLY"]
    answer = add(client, customer["headers"], productId=product_id, quantity=3,
                 booking={"renting_type": "hourly", "date": "2030-06-12", "slot": "02:00 PM - 04:00 PM"})
    assert answer.status_code == 200, answer.text
    assert line_of(answer.json(), product_id)[0]["total"] == 120  # 2 hours x 20.00, 3 kayaks
    ready_for_order(client, customer["headers"], shipping=None)
    placed = place(client, customer["headers"])
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["data"]["order"]["id"]
    params = {"id": row.id, "date": "2030-06-12"}
    assert [group["time"] for group in client.get("/api/shop/booking-slots", params=params).json()] == [
        "10:00 AM - 12:00 PM"]  # both afternoon hours are fully booked
    result = graphql("""mutation($orderId: Int!) { createCancelOrder(input: {orderId: $orderId}) {
        cancelOrder { success status } } }""", {"orderId": order_id}, customer["headers"])
    assert result["data"]["createCancelOrder"]["cancelOrder"] == {"success": True, "status": "canceled"}
    with database.connection_context():
        cells = sorted((cell.starts_at, cell.booked) for cell in
                       BookingCapacity.select().where(BookingCapacity.booking_product == row.id))
        assert Booking.get(Booking.order == order_id).qty == 0
    assert cells == [(unix(2030, 6, 12, 14), 0), (unix(2030, 6, 12, 15), 0)]
    afternoon = client.get("/api/shop/booking-slots", params=params).json()[1]
    assert [slot["qty"] for slot in afternoon["slots"]] == ["3", "3"]


def test_the_cart_never_asks_for_more_places_than_remain(client, booking):
    cart = new_guest_cart(client)
    product_id = booking["BOOK-RENTAL-HOURLY"][0]
    slot = {"renting_type": "hourly", "date": "2030-06-13", "slot": "10:00 AM - 11:00 AM"}
    assert add(client, cart["headers"], productId=product_id, quantity=2, booking=slot).status_code == 200
    again = add(client, cart["headers"], productId=product_id, quantity=2, booking=slot)  # 4 of 3 kayaks
    assert again.status_code == 422 and again.json()["error"] == "slot_not_available", again.text
    assert again.json()["errors"] == {"quantity": ["Only 3 place(s) left for this booking; the cart asks for 4."]}
    # another line on an overlapping hour counts too
    longer = add(client, cart["headers"], productId=product_id, quantity=2,
                 booking={**slot, "slot": "10:00 AM - 12:00 PM"})
    assert longer.status_code == 422 and longer.json()["error"] == "slot_not_available"
    [line] = line_of(client.get("/api/shop/cart", headers=cart["headers"]).json()["data"], product_id)
    raised = client.put(f"/api/shop/update-cart-item/{line['id']}", json={"quantity": 4}, headers=cart["headers"])
    assert raised.status_code == 422 and raised.json()["error"] == "slot_not_available", raised.text
    assert client.put(f"/api/shop/update-cart-item/{line['id']}", json={"quantity": 3},
                      headers=cart["headers"]).status_code == 200
