"""Admin refunds (rest-api/admin/sales/orders/refund-preview.md, create-refund.md, get-refund.md;
rest-api/admin/sales/refunds/*.md): preview = create without writing, tax in proportion, partial
refunds adding up to the cent in both currencies, the maximum refundable, stock returned, the order
closed, concurrent refunds; GraphQL twins."""
import csv
import io
import threading
from decimal import Decimal

from domain.errors import ApiError
from domain.sales import back_office, refunds
from storage.admin_sales_models import Refund
from storage.db import database
from storage.sales_models import Order, OrderItem
from tests.admin_fixtures import admin_client, super_admin  # noqa: F401 (fixtures)
from tests.order_fixtures import Line, create_order, default_source, make_product, stock_of


def invoiced(qty=3, price="19.99", tax="8.25", rate="1", currency="USD", invoice_qty=None):
    product = make_product(price, stock={default_source(): 20})
    order = create_order(None, [Line(product, qty, Decimal(price), tax_percent=Decimal(tax))], payment="moneytransfer",
                         rate=rate, currency=currency)
    with database.connection_context():
        item_id = OrderItem.select(OrderItem.id).where(OrderItem.order == order.id).scalar()
    return order, item_id, product


def invoice_all(client, order_id, item_id, qty):
    response = client.post(f"/api/admin/orders/{order_id}/invoices",
                           json={"items": [{"orderItemId": item_id, "quantity": qty}]})
    assert response.status_code == 201, response.text
    return response.json()


def body(item_id, qty, **extra):
    return {"items": [{"orderItemId": item_id, "quantity": qty}], **extra}


def test_preview_then_refund_with_tax_in_proportion(admin_client):
    order, item_id, _ = invoiced(qty=3)  # 59.97 + tax 4.95 + shipping 10 = 74.92
    invoice_all(admin_client, order.id, item_id, 3)
    preview = admin_client.post(f"/api/admin/orders/{order.id}/refunds/preview", json=body(item_id, 1))
    assert preview.status_code == 200, preview.text
    figures = preview.json()
    assert (figures["subtotal"], figures["tax"], figures["shipping"], figures["grandTotal"]) == (19.99, 1.65, 0, 21.64)
    assert figures["formattedGrandTotal"] == "$21.64"
    with database.connection_context():
        assert not Refund.select().where(Refund.order == order.id).exists()  # nothing written
    created = admin_client.post(f"/api/admin/orders/{order.id}/refunds", json=body(item_id, 1))
    assert created.status_code == 201, created.text
    refund = created.json()
    assert (refund["subTotal"], refund["taxAmount"], refund["grandTotal"], refund["totalQty"]) == (19.99, 1.65, 21.64, 1)
    assert refund["items"][0]["qty"] == 1 and refund["state"] == "refunded"
    detail = admin_client.get(f"/api/admin/orders/{order.id}").json()
    assert detail["items"][0]["qtyRefunded"] == 1 and detail["grandTotalRefunded"] == 21.64
    assert detail["status"] == "processing"  # not shipped, not everything refunded


def test_partial_refunds_add_up_to_the_cent_in_both_currencies(admin_client):
    order, item_id, _ = invoiced(qty=3, price="19.99", tax="8.25", rate="0.92", currency="EUR")
    invoice_all(admin_client, order.id, item_id, 3)
    parts = [admin_client.post(f"/api/admin/orders/{order.id}/refunds", json=body(item_id, 1)).json()
             for _ in range(2)]
    parts.append(admin_client.post(f"/api/admin/orders/{order.id}/refunds",
                                   json=body(item_id, 1, shipping=10)).json())
    with database.connection_context():
        stored = Order.get_by_id(order.id)
    assert sum(Decimal(str(p["grandTotal"])) for p in parts) == stored.grand_total
    assert sum(Decimal(str(p["baseGrandTotal"])) for p in parts) == stored.base_grand_total
    assert sum(Decimal(str(p["taxAmount"])) for p in parts) == stored.tax_amount
    assert stored.status == "closed"
    closed = admin_client.post(f"/api/admin/orders/{order.id}/refunds", json=body(item_id, 1))
    assert (closed.status_code, closed.json()["message"]) == (422, "Closed orders cannot be refunded.")


def test_refusals(admin_client):
    order, item_id, _ = invoiced(qty=2, tax="0")
    nothing = admin_client.post(f"/api/admin/orders/{order.id}/refunds", json=body(item_id, 1))
    assert (nothing.status_code, nothing.json()["error"]) == (422, "nothing_to_refund")
    invoice_all(admin_client, order.id, item_id, 1)
    with database.connection_context():
        sku = OrderItem.get_by_id(item_id).sku
    exceeds = admin_client.post(f"/api/admin/orders/{order.id}/refunds", json=body(item_id, 2))
    assert exceeds.json()["message"] == f"Requested quantity (2) exceeds available quantity (1) for SKU {sku}."
    zero = admin_client.post(f"/api/admin/orders/{order.id}/refunds", json=body(item_id, 0))
    assert zero.json()["error"] == "amount_zero"
    too_much = admin_client.post(f"/api/admin/orders/{order.id}/refunds",
                                 json=body(item_id, 1, shipping=10, adjustmentRefund=5))
    assert too_much.json()["error"] == "amount_exceeds_max"
    assert too_much.json()["message"] == "The refund amount (34.99) exceeds the maximum refundable amount (29.99)."
    fee = admin_client.post(f"/api/admin/orders/{order.id}/refunds",
                            json=body(item_id, 1, shipping=10, adjustmentFee=2.5)).json()
    assert fee["grandTotal"] == 27.49 and fee["adjustmentFee"] == 2.5
    assert admin_client.post("/api/admin/orders/999999/refunds", json=body(item_id, 1)).status_code == 404


def test_refund_returns_stock_when_asked(admin_client):
    order, item_id, product = invoiced(qty=4, tax="0")
    invoice_all(admin_client, order.id, item_id, 4)
    assert stock_of(product) == {default_source(): 16}
    admin_client.post(f"/api/admin/orders/{order.id}/refunds", json=body(item_id, 1))
    assert stock_of(product) == {default_source(): 16}
    admin_client.post(f"/api/admin/orders/{order.id}/refunds", json=body(item_id, 2, returnToStock=True))
    assert stock_of(product) == {default_source(): 18}


def test_concurrent_refunds_of_the_same_units():
    order, item_id, _ = invoiced(qty=2, tax="0")
    with database.connection_context():
        back_office.create_invoice(Order.get_by_id(order.id), [{"orderItemId": item_id, "quantity": 2}])
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        with database.connection_context():
            barrier.wait()
            try:
                refunds.create_refund(Order.get_by_id(order.id), refunds.RefundRequest({item_id: 2}))
                outcomes.append("refunded")
            except ApiError as error:
                outcomes.append(error.status)

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [422, "refunded"]
    with database.connection_context():
        assert OrderItem.get_by_id(item_id).qty_refunded == 2
        assert Refund.select().where(Refund.order == order.id).count() == 1


def test_list_export_detail_and_graphql(admin_client):
    order, item_id, _ = invoiced(qty=2, tax="0")
    invoice_all(admin_client, order.id, item_id, 2)
    made = admin_client.post(f"/api/admin/orders/{order.id}/refunds", json=body(item_id, 1)).json()
    listed = admin_client.get("/api/admin/refunds", params={"order_id": order.increment_id, "billed_to": "Jane"}).json()
    row = next(row for row in listed["data"] if row["id"] == made["id"])
    assert row["items"] == [] and row["billedTo"] == "Jane Doe" and row["grandTotal"] == 19.99
    export = admin_client.get("/api/admin/refunds/export", params={"id": str(made["id"])})
    assert list(csv.reader(io.StringIO(export.text)))[1][:4] == [str(made["id"]), order.increment_id, "$19.99",
                                                                  "refunded"]
    detail = admin_client.get(f"/api/admin/refunds/{made['id']}").json()
    assert detail["items"][0]["orderItemId"] == item_id and detail["paymentTitle"] == "Money Transfer"

    def run(query, variables=None):
        return admin_client.post("/api/admin/graphql", json={"query": query, "variables": variables or {}}).json()

    preview = run("mutation($input: previewAdminRefundInput!) { previewAdminRefund(input: $input) { adminRefund { "
                  "id grandTotal subtotal } } }",
                  {"input": {"orderId": order.id, "items": [{"orderItemId": item_id, "quantity": 1}]}})
    assert preview["data"]["previewAdminRefund"]["adminRefund"]["grandTotal"] == 19.99
    created = run("mutation($input: createAdminRefundInput!) { createAdminRefund(input: $input) { adminRefund { "
                  "id _id grandTotal items } } }",
                  {"input": {"orderId": order.id, "items": [{"orderItemId": item_id, "quantity": 1}], "shipping": 10}})
    node = created["data"]["createAdminRefund"]["adminRefund"]
    assert node["grandTotal"] == 29.99 and node["id"] == f"/api/admin/refunds/{node['_id']}"
    one = run("query($id: ID!) { adminRefund(id: $id) { orderStatus shippingAmount } }", {"id": node["id"]})
    assert one["data"]["adminRefund"] == {"orderStatus": "closed", "shippingAmount": 10}
    many = run("query($o: String) { adminRefunds(first: 5, order_id: $o) { totalCount } }", {"o": order.increment_id})
    assert many["data"]["adminRefunds"]["totalCount"] == 2
