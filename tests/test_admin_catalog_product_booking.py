"""Admin product update: the booking settings of a booking product (`booking` in, `bookingProduct` out)."""
import pytest

from storage.booking_models import BookingCapacity, BookingEventTicket, BookingProduct, BookingSlotConfig
from storage.db import database
from storage.models import Product
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)

BASE = "/api/admin/catalog/products"


@pytest.fixture
def booking_product(admin_client):
    response = admin_client.post(BASE, json={"attribute_family_id": 1, "type": "booking", "sku": "t-booking-001"})
    assert response.status_code == 201, response.text
    yield response.json()
    with database.connection_context():
        Product.delete().where(Product.id == response.json()["id"]).execute()


def booking_row(product_id: int) -> BookingProduct:
    with database.connection_context():
        return BookingProduct.get(BookingProduct.product == product_id)


def test_a_new_booking_product_has_no_settings_and_other_types_none(admin_client, booking_product):
    assert booking_product["bookingProduct"] is None
    assert admin_client.get(f"{BASE}/1").json()["bookingProduct"] is None


def test_appointment_settings_are_stored_and_cut_into_shop_slots(admin_client, client, booking_product):
    response = admin_client.put(f"{BASE}/{booking_product['id']}", json={
        "name": "Consultation", "url_key": "t-consultation", "status": 1,
        "booking": {"type": "appointment", "qty": "2", "location": "Main Clinic", "available_every_week": "1",
                    "duration": "30", "break_time": "10", "same_slot_all_days": "1",
                    "slots": [{"from": "09:00", "to": "10:30"}, {"from": "14:00", "to": "15:00"}]}})
    assert response.status_code == 200, response.text
    assert response.json()["_warnings"] == []
    block = response.json()["bookingProduct"]
    assert {key: block[key] for key in ("type", "qty", "location", "availableEveryWeek", "duration", "breakTime",
                                        "sameSlotAllDays", "slots", "tickets", "rentingType")} == {
        "type": "appointment", "qty": 2, "location": "Main Clinic", "availableEveryWeek": True, "duration": 30,
        "breakTime": 10, "sameSlotAllDays": True, "tickets": None, "rentingType": None,
        "slots": [{"from": "09:00", "to": "10:30"}, {"from": "14:00", "to": "15:00"}]}
    row = booking_row(booking_product["id"])
    slots = client.get("/api/shop/booking-slots", params={"id": row.id, "date": "2030-06-03"})
    assert slots.status_code == 200, slots.text
    assert [(slot["from"], slot["to"], slot["qty"]) for slot in slots.json()] == [
        ("09:00 AM", "09:30 AM", "2"), ("09:40 AM", "10:10 AM", "2"), ("02:00 PM", "02:30 PM", "2")]


def test_a_default_many_schedule_as_a_flat_list_holds_every_day(admin_client, booking_product):
    response = admin_client.put(f"{BASE}/{booking_product['id']}", json={"booking": {
        "type": "default", "qty": "1", "booking_type": "many", "duration": "60", "break_time": "10",
        "slots": [{"from": "09:00", "to": "17:00"}]}})
    assert response.status_code == 200, response.text
    block = response.json()["bookingProduct"]
    assert (block["bookingType"], block["sameSlotAllDays"], block["duration"]) == ("many", True, 60)
    per_day = admin_client.put(f"{BASE}/{booking_product['id']}", json={"booking": {
        "type": "table", "qty": "10", "price_type": "guest", "guest_limit": "4", "duration": "60",
        "prevent_scheduling_before": "2", "same_slot_all_days": "0",
        "slots": {"5": [{"from": "19:00", "to": "22:00"}]}}})
    assert per_day.status_code == 200, per_day.text
    block = per_day.json()["bookingProduct"]
    assert (block["type"], block["priceType"], block["guestLimit"], block["sameSlotAllDays"], block["slots"]) == (
        "table", "guest", 4, False, {"5": [{"from": "19:00", "to": "22:00"}]})
    with database.connection_context():
        assert BookingProduct.select().where(BookingProduct.product == booking_product["id"]).count() == 1
        row_id = BookingProduct.get(BookingProduct.product == booking_product["id"]).id
        assert BookingSlotConfig.select().where(BookingSlotConfig.booking_product == row_id).count() == 1


def test_event_tickets_are_added_updated_and_removed(admin_client, booking_product):
    url = f"{BASE}/{booking_product['id']}"
    first = admin_client.put(url, json={"booking": {
        "type": "event", "location": "Grand Arena", "available_from": "2031-08-01 09:00:00",
        "available_to": "2031-08-01 22:00:00",
        "tickets": {"ticket_1": {"en": {"name": "VIP", "description": "Front row"}, "price": "120.00", "qty": "50",
                                 "special_price": "99.00"},
                    "ticket_2": {"name": "Standard", "price": "40", "qty": "500"}}}})
    assert first.status_code == 200, first.text
    block = first.json()["bookingProduct"]
    assert (block["availableFrom"], block["availableTo"], block["slots"]) == (
        "2031-08-01 09:00:00", "2031-08-01 22:00:00", None)
    vip, standard = block["tickets"]
    assert (vip["name"], vip["description"], vip["price"], vip["qty"], vip["specialPrice"]) == (
        "VIP", "Front row", "120.0000", 50, "99.0000")
    second = admin_client.put(url, json={"booking": {
        "type": "event", "tickets": {str(vip["id"]): {"name": "VIP", "price": "150", "qty": "40"}}}})
    assert second.status_code == 200, second.text
    assert [(t["id"], t["price"], t["qty"]) for t in second.json()["bookingProduct"]["tickets"]] == [
        (vip["id"], "150.0000", 40)]
    with database.connection_context():
        assert not BookingEventTicket.select().where(BookingEventTicket.id == standard["id"]).exists()
        BookingCapacity.create(booking_product=booking_row(booking_product["id"]).id, ticket=vip["id"],
                               starts_at=0, ends_at=1, capacity=40, booked=3)
    booked = admin_client.put(url, json={"booking": {"type": "event", "tickets": {"new": {"name": "Late",
                                                                                          "price": "10"}}}})
    assert booked.status_code == 422
    assert booked.json()["errors"] == {"booking.tickets": [f"Ticket {vip['id']} has 3 places booked and cannot be removed."]}
    to_slots = admin_client.put(url, json={"booking": {"type": "default", "booking_type": "many", "duration": "60",
                                                       "slots": [{"from": "09:00", "to": "12:00"}]}})
    assert to_slots.status_code == 422
    assert to_slots.json()["errors"] == {"booking.type": [f"Ticket {vip['id']} has 3 places booked and cannot be removed."]}
    with database.connection_context():
        assert BookingEventTicket.select().where(BookingEventTicket.id == vip["id"]).exists()


def test_booking_input_is_checked_in_full_and_nothing_is_written(admin_client, booking_product):
    url = f"{BASE}/{booking_product['id']}"
    response = admin_client.put(url, json={"name": "Not written", "booking": {
        "type": "rental", "renting_type": "daily_hourly", "daily_price": "40.00",
        "slots": [{"from": "18:00", "to": "09:00"}, {"from": "noon"}]}})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "booking.hourly_price": ["A daily and hourly rental needs its hourly price."],
        "booking.slots.0": ["A slot must end after it starts."],
        "booking.slots.1": ["A slot needs from and to as times of day (HH:MM)."]}
    event = admin_client.put(url, json={"booking": {"type": "event", "tickets": {}}})
    assert event.status_code == 422
    assert set(event.json()["errors"]) == {"booking.available_from", "booking.tickets"}
    schema = admin_client.put(url, json={"booking": {"type": "cinema", "qty": "-1"}})
    assert schema.status_code == 422 and set(schema.json()["errors"]) == {"booking.type", "booking.qty"}
    detail = admin_client.get(url).json()
    assert detail["bookingProduct"] is None and detail["name"] != "Not written"
    simple = admin_client.put(f"{BASE}/1", json={"booking": {"type": "default"}})
    assert simple.status_code == 422
    assert simple.json()["errors"] == {"booking": ["Only booking products take booking."]}


def test_graphql_update_takes_booking_and_the_product_answers_it(admin_graphql, booking_product):
    iri = f"/api/admin/catalog/products/{booking_product['id']}"
    updated = admin_graphql("""mutation($input: updateAdminCatalogProductInput!) {
        updateAdminCatalogProduct(input: $input) { adminCatalogProduct { _id type bookingProduct } } }""",
                            {"input": {"id": iri, "booking": {"type": "rental", "qty": "1", "renting_type": "daily",
                                                              "daily_price": "40.00"}}})
    node = updated["data"]["updateAdminCatalogProduct"]["adminCatalogProduct"]
    assert (node["type"], node["bookingProduct"]["rentingType"], node["bookingProduct"]["dailyPrice"]) == (
        "booking", "daily", "40.0000")
    read = admin_graphql(f'{{ adminCatalogProduct(id: "{iri}") {{ bookingProduct }} }}')
    assert read["data"]["adminCatalogProduct"]["bookingProduct"] == node["bookingProduct"]
