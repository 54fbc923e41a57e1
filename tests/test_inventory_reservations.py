"""Inventory reservations: a cart holds its stock for a while when the channel says so.

Reserve, release and expire with real stock numbers; stock another cart holds refused with 422;
expiry (the expiry set in the past) counted once even when two sweeps race a placement; placement
converting the reservation (stock taken once); the setting off = no reservation at all; and 50 carts
at once reserving from the last 10 units through a real server (each request its own connection):
exactly 10 hold. Runs on the suite's database: SQLite by default, PostgreSQL when DATABASE_URL says so.
"""
import datetime
import threading

import httpx
import pytest

from domain.sales import reservations
from domain.sales.store_config import set_config
from storage.db import database
from storage.models import CoreConfig, utcnow
from storage.reservation_models import InventoryReservation
from storage.sales_models import OrderItemInventory
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.checkout_fixtures import (
    CA_ADDRESS, bearer, cart_of, default_source, guest_cart, new_key, place, product_facts, ready_for_order, stock,
    stocked_product,
)
from tests.conftest import TEST_KEY
from tests.test_oversell import start_server

CARTS = 50
UNITS = 10


@pytest.fixture
def reserving():
    """Reservations on in the default channel for the test (10 minutes), off again after it."""
    with database.connection_context():
        set_config(reservations.ENABLED, "1", "default")
        set_config(reservations.MINUTES, "10", "default")
    yield
    with database.connection_context():
        CoreConfig.delete().where(CoreConfig.code.startswith(reservations.PREFIX)).execute()


def new_cart(client) -> dict:
    response = client.post("/api/shop/cart", json={})
    assert response.status_code == 201, response.text
    return bearer(response.json()["cartToken"])


def add(client, headers: dict, product_id: int, quantity: int):
    return client.post("/api/shop/add-product-in-cart", json={"productId": product_id, "quantity": quantity},
                       headers=headers)


def line_id(client, headers: dict) -> int:
    return client.get("/api/shop/cart", headers=headers).json()["data"]["items"][0]["id"]


def held(product_id: int) -> list[tuple[int, str]]:
    """(qty, state) of the product's reservations, oldest first."""
    with database.connection_context():
        return [(row.qty, row.state) for row in InventoryReservation.select()
                .where(InventoryReservation.product == product_id).order_by(InventoryReservation.id)]


def sellable(product_id: int) -> int:
    with database.connection_context():
        return reservations.stock_of([product_id])[product_id].sellable


def move_expiry(headers: dict, minutes: int):
    with database.connection_context():
        (InventoryReservation.update(expires_at=utcnow() + datetime.timedelta(minutes=minutes))
         .where(InventoryReservation.cart == cart_of(headers).id).execute())


def test_reserve_raise_lower_and_remove(client, graphql, reserving):
    product = stocked_product({default_source(): 10})
    headers = new_cart(client)
    response = add(client, headers, product, 4)
    assert response.status_code == 200, response.text
    assert held(product) == [(4, "active")] and sellable(product) == 6 and stock(product) == {default_source(): 10}
    expires = response.json()["reservationExpiresAt"]
    assert expires is not None
    left = datetime.datetime.fromisoformat(expires) - datetime.datetime.now(datetime.timezone.utc)
    assert datetime.timedelta(minutes=9) < left <= datetime.timedelta(minutes=10)

    item = line_id(client, headers)
    assert client.put(f"/api/shop/update-cart-item/{item}", json={"quantity": 7}, headers=headers).status_code == 200
    assert held(product) == [(7, "active")] and sellable(product) == 3
    assert client.put(f"/api/shop/update-cart-item/{item}", json={"quantity": 2}, headers=headers).status_code == 200
    assert held(product) == [(2, "active")] and sellable(product) == 8
    shown = client.get("/api/shop/cart", headers=headers).json()["data"]["reservationExpiresAt"]
    assert shown >= expires  # each change starts a new period
    assert graphql("{ cart { reservationExpiresAt } }", headers=headers)["data"]["cart"] == {
        "reservationExpiresAt": shown}
    assert client.delete(f"/api/shop/remove-cart-item/{item}", headers=headers).status_code == 200
    assert held(product) == [(2, "released")] and sellable(product) == 10
    assert client.get("/api/shop/cart", headers=headers).json()["data"]["reservationExpiresAt"] is None
    assert stock(product) == {default_source(): 10}


def test_stock_another_cart_holds_is_refused(client, reserving):
    product = stocked_product({default_source(): 10})
    name, _sku, _price = product_facts(product)
    first, second = new_cart(client), new_cart(client)
    assert add(client, first, product, 8).status_code == 200
    response = add(client, second, product, 3)
    message = f'Not enough stock for "{name}": 2 available, 3 requested (8 held in other carts).'
    assert response.status_code == 422
    assert response.json() == {"message": message, "error": "out_of_stock", "errors": {"quantity": [message]}}
    assert client.get("/api/shop/cart", headers=second).json()["data"]["items"] == []  # nothing written
    assert add(client, second, product, 2).status_code == 200
    assert held(product) == [(8, "active"), (2, "active")] and sellable(product) == 0


def test_expired_reservation_stops_counting_before_any_sweep_and_is_swept_once(client, reserving):
    product = stocked_product({default_source(): 10})
    first, second = new_cart(client), new_cart(client)
    assert add(client, first, product, 8).status_code == 200
    move_expiry(first, -1)
    assert sellable(product) == 10
    assert add(client, second, product, 10).status_code == 200  # the lapsed hold is not "active" any more
    with database.connection_context():
        assert reservations.expire_due() == 1
        assert reservations.expire_due() == 0
    assert held(product) == [(8, "expired"), (10, "active")] and stock(product) == {default_source(): 10}
    # The first cart changing again needs a new hold, which the second cart's leaves no room for.
    item = line_id(client, first)
    response = client.put(f"/api/shop/update-cart-item/{item}", json={"quantity": 1}, headers=first)
    assert response.status_code == 422 and response.json()["error"] == "out_of_stock"


def test_placement_converts_the_reservation_and_takes_the_stock_once(client, reserving):
    product = stocked_product({default_source(): 10})
    headers = new_cart(client)
    assert add(client, headers, product, 3).status_code == 200
    ready_for_order(client, headers, CA_ADDRESS)
    response = place(client, headers, new_key())
    assert response.status_code == 201, response.text
    order_id = response.json()["data"]["order"]["id"]
    assert stock(product) == {default_source(): 7} and sellable(product) == 7
    with database.connection_context():
        row = InventoryReservation.get(InventoryReservation.product == product)
        taken = [r.qty for r in OrderItemInventory.select().where(OrderItemInventory.product == product)]
    assert (row.state, row.order_id, row.qty) == ("converted", order_id, 3) and taken == [3]


def test_placement_refuses_units_other_carts_hold(client, reserving):
    product = stocked_product({default_source(): 10})
    name, sku, _price = product_facts(product)
    holder = new_cart(client)
    assert add(client, holder, product, 8).status_code == 200
    buyer = guest_cart((product, 3))  # lines written before the hold: the placement still checks
    ready_for_order(client, buyer, CA_ADDRESS)
    response = place(client, buyer, new_key())
    assert response.status_code == 422
    assert response.json() == {"message": "Insufficient stock for one or more items.", "error": "insufficient_stock",
                               "errors": {"inventory": [f'Not enough stock for "{name}" (SKU {sku}): 3 requested.']}}
    assert stock(product) == {default_source(): 10} and held(product) == [(8, "active")]
    assert cart_of(buyer).is_active  # the whole placement rolled back


def test_expiry_racing_a_placement_releases_once(client, reserving):
    product = stocked_product({default_source(): 5})
    headers = new_cart(client)
    assert add(client, headers, product, 5).status_code == 200
    ready_for_order(client, headers, CA_ADDRESS)
    move_expiry(headers, -1)
    barrier = threading.Barrier(3)
    expired, placed = [], []

    def sweep():
        with database.connection_context():
            barrier.wait()
            expired.append(reservations.expire_due())

    def buy():
        barrier.wait()
        placed.append(place(client, headers, new_key()))

    threads = [threading.Thread(target=sweep), threading.Thread(target=sweep), threading.Thread(target=buy)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert placed[0].status_code == 201, placed[0].text
    (state,) = {row[1] for row in held(product)}
    assert len(held(product)) == 1 and state in ("expired", "converted")
    assert sum(expired) == (1 if state == "expired" else 0)
    assert stock(product) == {default_source(): 0} and sellable(product) == 0
    with database.connection_context():
        assert sum(r.qty for r in OrderItemInventory.select().where(OrderItemInventory.product == product)) == 5


def test_setting_off_holds_nothing(client):
    product = stocked_product({default_source(): 10})
    first, second = new_cart(client), new_cart(client)
    response = add(client, first, product, 8)
    assert response.status_code == 200 and response.json()["reservationExpiresAt"] is None
    assert add(client, second, product, 8).status_code == 200  # today: a cart line holds nothing
    assert held(product) == [] and sellable(product) == 10
    ready_for_order(client, first, CA_ADDRESS)
    assert place(client, first, new_key()).status_code == 201
    assert stock(product) == {default_source(): 2} and held(product) == []


def test_merging_a_guest_cart_moves_its_hold(client, reserving):
    from tests.customer_fixtures import register
    product = stocked_product({default_source(): 10})
    customer = register(client, "reserving")
    assert add(client, customer["headers"], product, 2).status_code == 200
    guest = new_cart(client)
    assert add(client, guest, product, 3).status_code == 200
    token = guest["Authorization"].split(" ", 1)[1]
    response = client.post("/api/shop/merge-carts", json={"guestCartToken": token}, headers=customer["headers"])
    assert response.status_code == 200, response.text
    assert held(product) == [(5, "active"), (3, "released")] and sellable(product) == 5


def test_fifty_carts_reserving_the_last_ten_units(client, reserving):
    product = stocked_product({default_source(): UNITS})
    carts = [new_cart(client) for _ in range(CARTS)]
    server, port = start_server()
    try:
        barrier = threading.Barrier(CARTS)
        responses: list = [None] * CARTS

        def reserve(index: int):
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120,
                              headers={"X-STOREFRONT-KEY": TEST_KEY, **carts[index]}) as http:
                barrier.wait()
                responses[index] = http.post("/api/shop/add-product-in-cart",
                                             json={"productId": product, "quantity": 1})

        threads = [threading.Thread(target=reserve, args=(index,)) for index in range(CARTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait()
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * UNITS + [422] * (CARTS - UNITS), [r.text for r in responses if r.status_code >= 500]
    assert all(r.json()["error"] == "out_of_stock" for r in responses if r.status_code == 422)
    assert held(product) == [(1, "active")] * UNITS and sellable(product) == 0
    assert stock(product) == {default_source(): UNITS}
    winners = sorted(cart_of(carts[i]).id for i, r in enumerate(responses) if r.status_code == 200)
    with database.connection_context():
        holders = sorted(row.cart_id for row in InventoryReservation.select()
                         .where(InventoryReservation.product == product))
    assert holders == winners


# --- the shop's availability and the admin's reservations ------------------------------------------

def availability(client, product_id: int, qty: int | None = None):
    params = {"productId": product_id, **({"qty": qty} if qty is not None else {})}
    return client.get("/api/shop/inventory/availability", params=params)


def test_availability_shows_what_other_carts_leave(client, graphql, reserving):
    product = stocked_product({default_source(): 10})
    response = availability(client, product, 10)
    assert response.status_code == 200
    assert response.json() == {"productId": product, "qty": 10, "isAvailable": True, "manageStock": True,
                               "sellableQty": 10, "reservations": True}
    assert add(client, new_cart(client), product, 7).status_code == 200
    assert availability(client, product, 4).json()["isAvailable"] is False
    assert availability(client, product).json() == {"productId": product, "qty": 1, "isAvailable": True,
                                                     "manageStock": True, "sellableQty": 3, "reservations": True}
    answer = graphql("query($id: ID!) { inventoryAvailability(productId: $id, qty: 3) "
                     "{ productId qty isAvailable sellableQty reservations } }", {"id": str(product)})
    assert answer["data"] == {"inventoryAvailability": {"productId": product, "qty": 3, "isAvailable": True,
                                                        "sellableQty": 3, "reservations": True}}


def test_availability_refusals(client):
    from tests.cart_fixtures import configurable
    assert availability(client, 999999999).json() == {"message": "Product not found", "error": "product_not_found"}
    parent, variants = configurable(variant_stock=(4, 0))
    response = availability(client, parent.id)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "productId": ["A configurable product has no stock of its own: ask for one of its variants."]}
    assert availability(client, variants[0].id, 5).json()["sellableQty"] == 4
    assert availability(client, variants[1].id).json()["isAvailable"] is False
    assert availability(client, 0).status_code == 400


def test_admin_lists_filters_and_releases(client, admin_client, admin_graphql, reserving):
    product = stocked_product({default_source(): 10})
    first, second = new_cart(client), new_cart(client)
    assert add(client, first, product, 6).status_code == 200
    assert add(client, second, product, 4).status_code == 200
    move_expiry(second, -1)
    listed = admin_client.get("/api/admin/platform/inventory-reservations", params={"product_id": product})
    assert listed.status_code == 200
    body = listed.json()
    assert [(row["qty"], row["state"]) for row in body["data"]] == [(4, "expired"), (6, "active")]
    assert body["meta"]["total"] == 2
    active = body["data"][1]
    assert active["cartId"] == cart_of(first).id and active["orderId"] is None and active["endedAt"] is None
    only = admin_client.get("/api/admin/platform/inventory-reservations",
                            params={"product_id": product, "state": "active"}).json()["data"]
    assert [row["id"] for row in only] == [active["id"]]

    released = admin_client.post(f"/api/admin/platform/inventory-reservations/{active['id']}/release")
    assert released.status_code == 200
    assert released.json()["state"] == "released" and released.json()["endedAt"] is not None
    assert sellable(product) == 10
    again = admin_client.post(f"/api/admin/platform/inventory-reservations/{active['id']}/release")
    assert again.json()["state"] == "released" and again.json()["endedAt"] == released.json()["endedAt"]
    missing = admin_client.post("/api/admin/platform/inventory-reservations/999999999/release")
    assert missing.status_code == 404

    answer = admin_graphql("query($p: Int) { adminPlatformInventoryReservations(productId: $p, state: \"released\") "
                           "{ totalCount edges { node { id _id qty state cartId } } } }", {"p": product})
    nodes = answer["data"]["adminPlatformInventoryReservations"]["edges"]
    assert [edge["node"] for edge in nodes] == [{
        "id": f"/api/admin/platform/inventory-reservations/{active['id']}", "_id": active["id"], "qty": 6,
        "state": "released", "cartId": active["cartId"]}]


def test_admin_release_over_graphql(client, admin_graphql, reserving):
    product = stocked_product({default_source(): 5})
    headers = new_cart(client)
    assert add(client, headers, product, 5).status_code == 200
    with database.connection_context():
        row = InventoryReservation.get(InventoryReservation.product == product)
    answer = admin_graphql("mutation($id: ID!) { releaseAdminPlatformInventoryReservation(input: {id: $id}) "
                           "{ adminPlatformInventoryReservation { _id state qty } } }",
                           {"id": f"/api/admin/platform/inventory-reservations/{row.id}"})
    assert answer["data"] == {"releaseAdminPlatformInventoryReservation": {
        "adminPlatformInventoryReservation": {"_id": row.id, "state": "released", "qty": 5}}}
    assert sellable(product) == 5 and held(product) == [(5, "released")]


def test_reservations_need_their_permissions(client, admin_client, reserving):
    from starlette.testclient import TestClient
    from tests.admin_fixtures import bearer as admin_bearer, make_admin
    product = stocked_product({default_source(): 5})
    assert add(client, new_cart(client), product, 1).status_code == 200
    with database.connection_context():
        row_id = InventoryReservation.get(InventoryReservation.product == product).id
    _admin, viewer_token = make_admin(["platform.inventory_reservations.view"], label="reservation-viewer")
    with TestClient(client.app, headers=admin_bearer(viewer_token)) as viewer:
        assert viewer.get("/api/admin/platform/inventory-reservations").status_code == 200
        refused = viewer.post(f"/api/admin/platform/inventory-reservations/{row_id}/release")
        assert refused.status_code == 403
    assert held(product) == [(1, "active")]


def test_the_periodic_job_expires_lapsed_reservations(client, reserving):
    from domain.sales.tasks import expire_reservations
    product = stocked_product({default_source(): 5})
    headers = new_cart(client)
    assert add(client, headers, product, 2).status_code == 200
    move_expiry(headers, -1)
    assert expire_reservations.call_local() == 1
    assert held(product) == [(2, "expired")]


def test_changing_one_line_holds_the_others_as_far_as_they_are_sellable(client, reserving):
    lamp, desk = stocked_product({default_source(): 10}), stocked_product({default_source(): 4})
    headers = new_cart(client)
    assert add(client, headers, lamp, 2).status_code == 200
    assert add(client, headers, desk, 3).status_code == 200
    move_expiry(headers, -1)  # the hold lapses and another cart takes 2 of the 4 desks
    assert add(client, new_cart(client), desk, 2).status_code == 200
    lamp_line = next(line["id"] for line in client.get("/api/shop/cart", headers=headers).json()["data"]["items"]
                     if line["productId"] == lamp)
    response = client.put(f"/api/shop/update-cart-item/{lamp_line}", json={"quantity": 1}, headers=headers)
    assert response.status_code == 200  # lowering the lamps is never refused for the desks
    with database.connection_context():
        mine = {(row.product_id, row.qty) for row in InventoryReservation.select()
                .where(InventoryReservation.cart == cart_of(headers).id, InventoryReservation.state == "active")}
    assert mine == {(lamp, 1), (desk, 2)} and sellable(desk) == 0
