"""Admin shipments (rest-api/admin/sales/orders/create-shipment.md, get-shipment.md;
rest-api/admin/sales/shipments/*.md): quantities left to ship, the chosen source's stock bookkeeping,
the documented refusals, list/export/detail; GraphQL twins."""
import csv
import io
import threading
from decimal import Decimal

from domain.errors import ApiError
from domain.sales import back_office
from storage.db import database
from storage.sales_models import Order, OrderItem, OrderItemInventory
from tests.admin_fixtures import admin_client, super_admin  # noqa: F401 (fixtures)
from tests.settings_snapshot import settings_restored  # noqa: F401 (the warehouses these tests add go again)
from tests.order_fixtures import Line, create_order, default_source, make_product, source, stock_of


def placed(qty=4, stock=None) -> tuple[Order, int, int]:
    product = make_product("12.00", stock=stock or {default_source(): 20})
    order = create_order(None, [Line(product, qty, Decimal("12.00"))], payment="moneytransfer")
    with database.connection_context():
        item_id = OrderItem.select(OrderItem.id).where(OrderItem.order == order.id).scalar()
    return order, item_id, product


def ship(client, order_id, item_id, qty, source_id, **extra):
    return client.post(f"/api/admin/orders/{order_id}/shipments",
                       json={"source": source_id, "items": [{"orderItemId": item_id, "inventorySourceId": source_id,
                                                             "quantity": qty}], **extra})


def held(item_id) -> dict[int, int]:
    with database.connection_context():
        totals = {}
        for row in OrderItemInventory.select().where(OrderItemInventory.order_item == item_id):
            totals[row.inventory_source_id] = totals.get(row.inventory_source_id, 0) + row.qty
        return {key: value for key, value in totals.items() if value}


def test_ship_from_the_source_that_holds_the_units(admin_client):
    order, item_id, product = placed(qty=4)
    assert stock_of(product) == {default_source(): 16}
    response = ship(admin_client, order.id, item_id, 3, default_source(), carrierTitle="UPS", trackNumber="1Z999AA1")
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["totalQty"], body["carrierTitle"], body["trackNumber"]) == (3, "UPS", "1Z999AA1")
    assert body["inventorySourceId"] == default_source() and body["inventorySourceName"] == "Default"
    assert body["items"][0]["qty"] == 3 and body["shippedTo"] == "Jane Doe"
    assert stock_of(product) == {default_source(): 16}  # taken at placement, not again
    detail = admin_client.get(f"/api/admin/orders/{order.id}").json()
    assert detail["items"][0]["qtyShipped"] == 3 and detail["items"][0]["qtyToShip"] == 1
    too_many = ship(admin_client, order.id, item_id, 2, default_source())
    assert too_many.status_code == 422 and "exceeds available quantity (1)" in too_many.json()["message"]
    ship(admin_client, order.id, item_id, 1, default_source())
    nothing = ship(admin_client, order.id, item_id, 1, default_source())
    assert nothing.json()["message"] == "There is nothing to ship on this order."


def test_ship_from_another_source_moves_the_units(admin_client):
    warehouse = source("warehouse-b", priority=5)
    order, item_id, product = placed(qty=4, stock={default_source(): 10, warehouse: 3})
    assert stock_of(product) == {default_source(): 6, warehouse: 3}
    response = ship(admin_client, order.id, item_id, 2, warehouse)
    assert response.status_code == 201, response.text
    # two units now leave the warehouse; the two held at the default source go back to its stock
    assert stock_of(product) == {default_source(): 8, warehouse: 1}
    assert held(item_id) == {default_source(): 2, warehouse: 2}
    short = ship(admin_client, order.id, item_id, 2, warehouse)
    assert short.status_code == 422
    assert short.json()["error"] == "inventory_insufficient"
    with database.connection_context():
        sku = OrderItem.get_by_id(item_id).sku
    assert short.json()["message"] == f"Inventory at the selected source is insufficient for SKU {sku}."
    assert stock_of(product) == {default_source(): 8, warehouse: 1}  # nothing written by the refusal
    assert admin_client.get(f"/api/admin/orders/{order.id}").json()["items"][0]["qtyShipped"] == 2
    ship(admin_client, order.id, item_id, 2, default_source())
    assert stock_of(product) == {default_source(): 8, warehouse: 1}
    assert held(item_id) == {default_source(): 2, warehouse: 2}


def test_source_required_and_unknown_order(admin_client):
    order, item_id, _ = placed()
    response = admin_client.post(f"/api/admin/orders/{order.id}/shipments",
                                 json={"items": [{"orderItemId": item_id, "quantity": 1}]})
    assert (response.status_code, response.json()["message"]) == (422, "Inventory source is required.")
    assert ship(admin_client, 999999, item_id, 1, default_source()).status_code == 404


def test_concurrent_shipments_never_ship_more_than_ordered():
    order, item_id, _ = placed(qty=3)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        with database.connection_context():
            barrier.wait()
            try:
                back_office.create_shipment(Order.get_by_id(order.id), default_source(),
                                            [{"orderItemId": item_id, "quantity": 2}], None, None)
                outcomes.append("shipped")
            except ApiError as error:
                outcomes.append(error.status)

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [422, "shipped"]
    with database.connection_context():
        assert OrderItem.get_by_id(item_id).qty_shipped == 2


def test_list_export_and_graphql(admin_client):
    order, item_id, _ = placed(qty=2)
    created = ship(admin_client, order.id, item_id, 2, default_source(), carrierTitle="DHL").json()
    listed = admin_client.get("/api/admin/shipments", params={"order_id": order.increment_id,
                                                              "inventory_source_name": "Defa"}).json()
    row = next(row for row in listed["data"] if row["id"] == created["id"])
    assert row["items"] == [] and row["carrierTitle"] == "DHL" and row["shippingAddress"]["city"] == "Los Angeles"
    export = admin_client.get("/api/admin/shipments/export", params={"id": str(created["id"])})
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows[1][:4] == [str(created["id"]), order.increment_id, "2", "Default"]
    detail = admin_client.get(f"/api/admin/shipments/{created['id']}").json()
    assert detail["items"][0]["orderItemId"] == item_id and detail["paymentTitle"] == "Money Transfer"

    def run(query, variables=None):
        return admin_client.post("/api/admin/graphql", json={"query": query, "variables": variables or {}}).json()

    other, other_item, _ = placed(qty=1)
    made = run("mutation($input: createAdminShipmentInput!) { createAdminShipment(input: $input) { adminShipment { "
               "id _id totalQty items } } }",
               {"input": {"orderId": other.id, "source": default_source(), "trackNumber": "T1",
                          "items": [{"orderItemId": other_item, "inventorySourceId": default_source(), "quantity": 1}]}})
    node = made["data"]["createAdminShipment"]["adminShipment"]
    assert node["totalQty"] == 1 and node["id"] == f"/api/admin/shipments/{node['_id']}"
    one = run("query($id: ID!) { adminShipment(id: $id) { trackNumber inventorySourceName } }", {"id": node["id"]})
    assert one["data"]["adminShipment"] == {"trackNumber": "T1", "inventorySourceName": "Default"}
    many = run("query($o: String) { adminShipments(first: 5, order_id: $o) { totalCount } }", {"o": other.increment_id})
    assert many["data"]["adminShipments"]["totalCount"] >= 1
