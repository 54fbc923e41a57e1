"""The demo sales documents (storage/seed_sales_documents.py) as the admin sales API answers them: the
shipped order's refund (id 1) carries the order's flat-rate shipping, its shipment the source and track
number, every document line the locale it was sold in."""
from storage.db import database
from storage.sales_models import Order
from tests.admin_fixtures import admin_client, super_admin  # noqa: F401 (fixtures)


def shipped_order_id() -> int:
    with database.connection_context():
        return Order.get(Order.customer_email == "mia.carter@example.com").id


def test_the_shipped_order_is_completed_with_a_partial_refund(admin_client):
    order = admin_client.get(f"/api/admin/orders/{shipped_order_id()}").json()
    assert (order["status"], order["grandTotal"], order["shippingMethod"]) == ("completed", 85, "flatrate_flatrate")
    lines = {line["sku"]: line for line in order["items"]}
    assert (lines["SP-AUDIO-CABLE"]["qtyShipped"], lines["SP-AUDIO-CABLE"]["qtyRefunded"]) == (2, 1)
    assert (lines["SP-AUDIO-CABLE"]["qtyToRefund"], lines["SP-AUDIO-EARBUDS"]["qtyToRefund"]) == (1, 1)
    assert [(shipment["carrierTitle"], shipment["trackNumber"], shipment["inventorySourceId"])
            for shipment in order["shipments"]] == [("UPS", "1Z999AA10123456784", 1)]


def test_refund_one_is_the_shipped_orders_with_its_shipping_method(admin_client):
    refund = admin_client.get("/api/admin/refunds/1").json()
    assert (refund["orderId"], refund["grandTotal"], refund["shippingAmount"]) == (shipped_order_id(), 8, 0)
    assert (refund["shippingMethod"], refund["shippingTitle"]) == ("flatrate_flatrate", "Flat Rate - Flat Rate")
    [line] = refund["items"]
    assert (line["sku"], line["qty"], line["additional"]["locale"], line["additional"]["quantity"]) == \
        ("SP-AUDIO-CABLE", 1, "en", 2)


def test_invoice_and_shipment_lines_carry_the_locale(admin_client):
    order_id = shipped_order_id()
    order = admin_client.get(f"/api/admin/orders/{order_id}").json()
    [invoice] = order["invoices"]
    lines = admin_client.get(f"/api/admin/invoices/{invoice['id']}").json()["items"]
    assert [(line["sku"], line["additional"]["locale"]) for line in lines] == [("SP-AUDIO-EARBUDS", "en"),
                                                                               ("SP-AUDIO-CABLE", "en")]
    [shipment] = order["shipments"]
    shipped = admin_client.get(f"/api/admin/shipments/{shipment['id']}").json()
    assert shipped["trackNumber"] == "1Z999AA10123456784" and shipped["inventorySourceName"]
    assert {line["additional"]["locale"] for line in shipped["items"]} == {"en"}
