"""The last place of a booking slot, twenty buyers at once: exactly one order, the slot's capacity
taken once, every other buyer a 422. And the last five VIP tickets of an event, twenty buyers of one
ticket each: exactly five orders.

The place-order calls go to a real uvicorn server (several worker threads, one pooled database
connection each) released together by a barrier, as in tests/test_oversell.py. Runs on the suite's
database: SQLite by default, PostgreSQL when DATABASE_URL says so.
"""
import calendar

import pytest
from peewee import fn

from storage.booking_models import Booking, BookingCapacity, BookingEventTicket, BookingProduct
from storage.db import database
from storage.models import Product
from storage.sales_models import Order
from tests.cart_fixtures import add, new_guest_cart
from tests.checkout_fixtures import cart_of, new_key, ready_for_order
from tests.test_oversell import place_all_at_once, server_port  # noqa: F401 (fixture)

BUYERS = 20


@pytest.fixture
def booking_rows(app):
    """The two booking products; the places and bookings the test adds go again afterwards (demo ones stay)."""
    with database.connection_context():
        rows = {product.sku: (product.id, BookingProduct.get(BookingProduct.product == product.id))
                for product in Product.select().where(Product.sku.in_(["BOOK-APPOINTMENT", "BOOK-EVENT"]))}
        baseline["cell"] = BookingCapacity.select(fn.MAX(BookingCapacity.id)).scalar() or 0
        baseline["booking"] = Booking.select(fn.MAX(Booking.id)).scalar() or 0
    yield rows
    with database.connection_context():
        Booking.delete().where(Booking.id > baseline["booking"]).execute()
        BookingCapacity.delete().where(BookingCapacity.id > baseline["cell"]).execute()


baseline = {}


def carts_holding(client, product_id: int, booking: dict) -> list[dict]:
    carts = []
    for _ in range(BUYERS):
        headers = new_guest_cart(client)["headers"]
        answer = add(client, headers, productId=product_id, booking=booking)
        assert answer.status_code == 200, answer.text
        ready_for_order(client, headers, shipping=None)
        carts.append(headers)
    return carts


def test_twenty_buyers_for_the_last_place_of_a_slot(client, server_port, booking_rows):  # noqa: F811
    product_id, row = booking_rows["BOOK-APPOINTMENT"]
    carts = carts_holding(client, product_id, {"date": "2030-07-01", "slot": "03:00 PM - 03:45 PM"})
    responses = place_all_at_once(server_port, carts, [new_key() for _ in carts])
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [422] * (BUYERS - 1), [r.text for r in responses if r.status_code >= 500]
    assert all(response.json()["error"] == "booking_unavailable" for response in responses
               if response.status_code == 422)
    with database.connection_context():
        [cell] = BookingCapacity.select().where(BookingCapacity.booking_product == row.id,
                                                BookingCapacity.id > baseline["cell"])
        orders = Order.select().where(Order.cart_id.in_([cart_of(headers).id for headers in carts])).count()
        bookings = Booking.select().where(Booking.booking_product == row.id, Booking.id > baseline["booking"]).count()
    assert (cell.capacity, cell.booked, orders, bookings) == (1, 1, 1, 1)
    assert [cart_of(headers).is_active for headers in carts].count(False) == 1


def test_twenty_buyers_for_the_last_five_tickets(client, server_port, booking_rows):  # noqa: F811
    product_id, row = booking_rows["BOOK-EVENT"]
    with database.connection_context():
        vip = BookingEventTicket.get(BookingEventTicket.booking_product == row.id, BookingEventTicket.qty == 10)
        starts, ends = (calendar.timegm(row.available_from.timetuple()), calendar.timegm(row.available_to.timetuple()))
        BookingCapacity.create(booking_product=row.id, ticket=vip.id, starts_at=starts, ends_at=ends, capacity=10,
                               booked=5)  # five of the ten went to earlier orders
    carts = carts_holding(client, product_id, {"type": "event", "qty": {str(vip.id): 1}})
    responses = place_all_at_once(server_port, carts, [new_key() for _ in carts])
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] * 5 + [422] * (BUYERS - 5), [r.text for r in responses if r.status_code >= 500]
    with database.connection_context():
        cells = [(cell.capacity, cell.booked) for cell in BookingCapacity.select().where(BookingCapacity.ticket == vip.id)]
        bookings = Booking.select().where(Booking.ticket == vip.id, Booking.id > baseline["booking"]).count()
    assert (cells, bookings) == ([(10, 10)], 5)
