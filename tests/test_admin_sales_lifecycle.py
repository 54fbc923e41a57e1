"""One order from the storefront through the back office: placed by a guest (stock taken from two
sources), invoiced in two parts, shipped from two sources, partly refunded with the stock returned,
then refunded in full and closed. Amounts, quantities, stock and states are asserted at every step,
over REST and GraphQL."""
from decimal import Decimal

from storage.admin_sales_models import OrderTransaction
from storage.db import database
from storage.sales_models import Order, OrderItem
from tests.admin_fixtures import admin_client, super_admin  # noqa: F401 (fixtures)
from tests.settings_snapshot import settings_restored  # noqa: F401 (the warehouses these tests add go again)
from tests.checkout_fixtures import default_source, guest_cart, place, ready_for_order, source, stock, stocked_product


def money(value) -> Decimal:
    return Decimal(str(value))


def test_an_order_through_invoices_shipments_refunds_and_closing(client, admin_client):
    main, warehouse = default_source(), source("lifecycle-warehouse", 50)
    watch = stocked_product({main: 3, warehouse: 5})
    strap = stocked_product({main: 10})
    headers = guest_cart((watch, 5), (strap, 2))
    ready_for_order(client, headers)  # California: 8.25 % tax, flat rate 10 per unit
    placed = place(client, headers)
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["data"]["order"]["id"]
    assert stock(watch) == {main: 0, warehouse: 3} and stock(strap) == {main: 8}

    def gql(query, variables):
        response = admin_client.post("/api/admin/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200 and "errors" not in response.json(), response.text
        return response.json()["data"]

    order = admin_client.get(f"/api/admin/orders/{order_id}").json()
    assert order["status"] == "pending" and order["totalDue"] == order["grandTotal"]
    lines = {line["sku"]: line for line in order["items"]}
    with database.connection_context():
        items = {item.product_id: item for item in OrderItem.select().where(OrderItem.order == order_id)}
    watch_item, strap_item = items[watch].id, items[strap].id

    # 1. two invoices: 2 watches (REST), then the rest (GraphQL)
    first = admin_client.post(f"/api/admin/orders/{order_id}/invoices",
                              json={"items": [{"orderItemId": watch_item, "quantity": 2}]}).json()
    assert first["totalQty"] == 2 and first["shippingAmount"] == order["shippingAmount"]
    assert admin_client.get(f"/api/admin/orders/{order_id}").json()["status"] == "processing"
    second = gql("mutation($input: createAdminInvoiceInput!) { createAdminInvoice(input: $input) { adminInvoice { "
                 "_id totalQty grandTotal baseGrandTotal taxAmount } } }",
                 {"input": {"orderId": order_id, "items": [{"orderItemId": watch_item, "quantity": 3},
                                                           {"orderItemId": strap_item, "quantity": 2}]}}
                 )["createAdminInvoice"]["adminInvoice"]
    assert second["totalQty"] == 5
    assert money(first["grandTotal"]) + money(second["grandTotal"]) == money(order["grandTotal"])
    assert money(first["taxAmount"]) + money(second["taxAmount"]) == money(order["taxAmount"])
    with database.connection_context():
        captured = [row.amount for row in OrderTransaction.select().where(OrderTransaction.order == order_id)]
    assert sorted(captured) == sorted([money(first["baseGrandTotal"]), money(second["baseGrandTotal"])])
    after_invoices = admin_client.get(f"/api/admin/orders/{order_id}").json()
    assert after_invoices["totalDue"] == 0 and after_invoices["status"] == "processing"

    # 2. two shipments, each from the source that holds the units: main (REST), warehouse (GraphQL)
    shipped = admin_client.post(f"/api/admin/orders/{order_id}/shipments", json={
        "source": main, "carrierTitle": "UPS", "trackNumber": "1Z1",
        "items": [{"orderItemId": watch_item, "inventorySourceId": main, "quantity": 3},
                  {"orderItemId": strap_item, "inventorySourceId": main, "quantity": 2}]})
    assert shipped.status_code == 201, shipped.text
    assert admin_client.get(f"/api/admin/orders/{order_id}").json()["status"] == "processing"
    second_shipment = gql("mutation($input: createAdminShipmentInput!) { createAdminShipment(input: $input) { "
                          "adminShipment { totalQty inventorySourceId } } }",
                          {"input": {"orderId": order_id, "source": warehouse,
                                     "items": [{"orderItemId": watch_item, "inventorySourceId": warehouse,
                                                "quantity": 2}]}})["createAdminShipment"]["adminShipment"]
    assert second_shipment == {"totalQty": 2, "inventorySourceId": warehouse}
    assert stock(watch) == {main: 0, warehouse: 3} and stock(strap) == {main: 8}  # shipped as held
    completed = admin_client.get(f"/api/admin/orders/{order_id}").json()
    assert completed["status"] == "completed"
    assert {line["sku"]: (line["qtyShipped"], line["qtyToShip"]) for line in completed["items"]} == {
        lines[sku]["sku"]: (lines[sku]["qtyOrdered"], 0) for sku in lines}

    # 3. a partial refund of 2 watches with their stock returned
    watch_line = lines[next(sku for sku in lines if lines[sku]["id"] == watch_item)]
    preview = admin_client.post(f"/api/admin/orders/{order_id}/refunds/preview",
                                json={"items": [{"orderItemId": watch_item, "quantity": 2}]}).json()
    refund = admin_client.post(f"/api/admin/orders/{order_id}/refunds", json={
        "items": [{"orderItemId": watch_item, "quantity": 2}], "returnToStock": True}).json()
    assert refund["grandTotal"] == preview["grandTotal"]
    assert money(refund["subTotal"]) == money(watch_line["price"]) * 2
    assert money(refund["taxAmount"]) == (money(watch_line["taxAmount"]) * 2 / 5).quantize(Decimal("0.01"))
    assert stock(watch) == {main: 0, warehouse: 5}  # back to the source that held the last units
    partly = admin_client.get(f"/api/admin/orders/{order_id}").json()
    assert partly["status"] == "completed" and partly["grandTotalRefunded"] == refund["grandTotal"]

    # 4. the rest refunded (GraphQL) with the shipping: the order is closed, to the cent
    rest = gql("mutation($input: createAdminRefundInput!) { createAdminRefund(input: $input) { adminRefund { "
               "grandTotal baseGrandTotal taxAmount orderStatus } } }",
               {"input": {"orderId": order_id, "shipping": order["shippingAmount"],
                          "items": [{"orderItemId": watch_item, "quantity": 3},
                                    {"orderItemId": strap_item, "quantity": 2}]}})["createAdminRefund"]["adminRefund"]
    assert rest["orderStatus"] == "closed"
    assert money(refund["grandTotal"]) + money(rest["grandTotal"]) == money(order["grandTotal"])
    assert money(refund["taxAmount"]) + money(rest["taxAmount"]) == money(order["taxAmount"])
    assert stock(watch) == {main: 0, warehouse: 5} and stock(strap) == {main: 8}  # not asked to return these
    closed = admin_client.get(f"/api/admin/orders/{order_id}").json()
    assert closed["status"] == "closed" and closed["grandTotalRefunded"] == closed["grandTotalInvoiced"]
    assert [entry["status"] for entry in closed["statusHistory"]][-1] == "closed"
    refused = admin_client.post(f"/api/admin/orders/{order_id}/cancel")
    assert refused.json()["message"] == "Closed orders cannot be canceled."
    with database.connection_context():
        assert Order.get_by_id(order_id).status == "closed"
