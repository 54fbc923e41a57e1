"""Admin orders (rest-api/admin/sales/orders/*.md): list filters, export, detail, cancel with stock
returned, comments with the customer's mail, the refusals of closed and fraud orders; GraphQL twins."""
import csv
import io
from decimal import Decimal

from storage.db import database
from storage.sales_models import Order, OrderItem
from tests.admin_fixtures import admin_client, bearer, make_admin, super_admin  # noqa: F401 (fixtures)
from tests.helpers import list_statement_counts
from tests.order_fixtures import Line, create_order, default_source, make_product, stock_of


def placed(qty=3, price="20.00", stock=10, **options) -> tuple[Order, int]:
    product = make_product(price, stock={default_source(): stock})
    options.setdefault("payment", "moneytransfer")  # no automatic invoice
    return create_order(None, [Line(product, qty, Decimal(price))], email="buyer@example.com", **options), product


def set_status(order_id: int, status: str):
    with database.connection_context():
        Order.update(status=status).where(Order.id == order_id).execute()


def test_list_filters_and_rows(admin_client):
    order, _ = placed(qty=2, price="31.50")
    response = admin_client.get("/api/admin/orders", params={"order_id": order.increment_id, "status": "pending"})
    assert response.status_code == 200, response.text
    body = response.json()
    row = next(row for row in body["data"] if row["id"] == order.id)
    assert row["grandTotal"] == 73  # 2 × 31.50 + 10 shipping
    assert row["formattedGrandTotal"] == "$73.00"
    assert (row["status"], row["statusLabel"], row["totalQtyOrdered"]) == ("pending", "Pending", 2)
    assert row["items"][0]["qtyOrdered"] == 2 and row["location"] == "Los Angeles, CA, US"
    ranged = admin_client.get("/api/admin/orders", params={"grand_total_from": 73, "grand_total_to": 73,
                                                            "email": "buyer@", "per_page": 50}).json()
    assert order.id in [row["id"] for row in ranged["data"]]
    assert all(row["grandTotal"] == 73 for row in ranged["data"])
    none = admin_client.get("/api/admin/orders", params={"order_id": order.increment_id, "status": "closed"}).json()
    assert none["data"] == [] and none["meta"]["total"] == 0
    today = admin_client.get("/api/admin/orders", params={"date_range": "today", "order_id": order.increment_id})
    assert [row["id"] for row in today.json()["data"]] == [order.id]
    for channel, found in ((1, True), ("default", True), (999, False)):
        rows = admin_client.get("/api/admin/orders", params={"channel": channel, "order_id": order.increment_id}).json()
        assert (order.id in [row["id"] for row in rows["data"]]) is found
    assert admin_client.get("/api/admin/orders", params={"status": "lost"}).status_code == 400


def test_export_is_csv_with_the_list_filters(admin_client):
    order, _ = placed()
    response = admin_client.get("/api/admin/orders/export", params={"order_id": order.increment_id})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="orders.csv"' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["ID", "Status", "Grand Total", "Payment Method", "Channel", "Customer", "Email", "Order Date"]
    mine = [row for row in rows[1:] if row[0] == order.increment_id]
    assert mine and mine[0][1:3] == ["pending", "$70.00"] and mine[0][3] == "Money Transfer"
    assert admin_client.get("/api/admin/orders/export", params={"format": "xlsx"}).status_code == 400


def test_detail_embeds_every_relation(admin_client):
    order, _ = placed(qty=3)
    admin_client.post(f"/api/admin/orders/{order.id}/comments", json={"comment": "First"})
    admin_client.post(f"/api/admin/orders/{order.id}/comments", json={"comment": "Second"})
    detail = admin_client.get(f"/api/admin/orders/{order.id}").json()
    assert (detail["id"], detail["status"], detail["subTotal"], detail["shippingAmount"]) == (order.id, "pending", 60, 10)
    assert detail["totalDue"] == 70 and detail["formattedTotalDue"] == "$70.00"
    assert detail["billingAddress"]["addressType"] == "order_billing"
    assert detail["items"][0]["qtyToInvoice"] == 3 and detail["items"][0]["type"] == "simple"
    assert [c["comment"] for c in detail["comments"]] == ["Second", "First"]
    assert detail["invoices"] == [] and detail["statusHistory"][0]["status"] == "pending"
    assert admin_client.get("/api/admin/orders/999999").json() == {"message": "Order not found", "error": "not_found"}


def test_cancel_returns_stock_and_refuses_twice(admin_client):
    order, product = placed(qty=4, stock=10)
    assert stock_of(product) == {default_source(): 6}
    response = admin_client.post(f"/api/admin/orders/{order.id}/cancel")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "canceled" and response.json()["items"][0]["qtyCanceled"] == 4
    assert stock_of(product) == {default_source(): 10}
    again = admin_client.post(f"/api/admin/orders/{order.id}/cancel")
    assert again.status_code == 422
    assert again.json() == {"message": "There is nothing to cancel on this order.", "error": "nothing_to_cancel"}


def test_closed_and_fraud_orders_refuse_actions(admin_client):
    order, _ = placed()
    set_status(order.id, "fraud")
    response = admin_client.post(f"/api/admin/orders/{order.id}/cancel")
    assert (response.status_code, response.json()["message"]) == (422, "Fraud orders cannot be canceled.")
    invoice = admin_client.post(f"/api/admin/orders/{order.id}/invoices",
                                json={"items": [{"orderItemId": 1, "quantity": 1}]})
    assert (invoice.status_code, invoice.json()["message"]) == (422, "Fraud orders cannot be invoiced.")
    set_status(order.id, "closed")
    response = admin_client.post(f"/api/admin/orders/{order.id}/cancel")
    assert (response.status_code, response.json()["error"]) == (422, "order_closed")
    assert response.json()["message"] == "Closed orders cannot be canceled."


def test_comments_notify_the_customer(admin_client, tmp_path, monkeypatch):
    monkeypatch.setenv("MAIL_OUTBOX", str(tmp_path))
    order, _ = placed()
    response = admin_client.post(f"/api/admin/orders/{order.id}/comments",
                                 json={"comment": "Packed and ready.", "customerNotified": True})
    assert response.status_code == 201, response.text
    assert response.json()["customerNotified"] is True and response.json()["orderId"] == order.id
    mails = list(tmp_path.glob("*.eml"))
    assert len(mails) == 1 and "buyer@example.com" in mails[0].read_text() and "Packed and ready." in mails[0].read_text()
    admin_client.post(f"/api/admin/orders/{order.id}/comments", json={"comment": "Internal note"})
    assert len(list(tmp_path.glob("*.eml"))) == 1
    listed = admin_client.get(f"/api/admin/orders/{order.id}/comments").json()
    assert [c["comment"] for c in listed["data"]] == ["Internal note", "Packed and ready."]
    assert listed["meta"]["total"] == 2
    blank = admin_client.post(f"/api/admin/orders/{order.id}/comments", json={"comment": "  "})
    assert (blank.status_code, blank.json()["message"]) == (422, "Comment is required.")


def test_permissions(app):
    from starlette.testclient import TestClient
    order, _ = placed()
    _, viewer = make_admin(["sales.orders.view"], label="viewer")
    with TestClient(app, headers=bearer(viewer)) as client:
        assert client.get(f"/api/admin/orders/{order.id}").status_code == 200
        assert client.post(f"/api/admin/orders/{order.id}/cancel").json()["error"] == "forbidden"
        assert client.post(f"/api/admin/orders/{order.id}/comments", json={"comment": "ok"}).status_code == 201


def test_graphql_list_detail_cancel_and_comments(admin_client):
    order, product = placed(qty=2)

    def run(query, variables=None):
        response = admin_client.post("/api/admin/graphql", json={"query": query, "variables": variables or {}})
        assert response.status_code == 200, response.text
        return response.json()

    listed = run("query($id: String) { adminOrders(first: 5, order_id: $id) { totalCount edges { node { "
                 "id _id incrementId status grandTotal formattedGrandTotal } } } }", {"id": order.increment_id})
    node = listed["data"]["adminOrders"]["edges"][0]["node"]
    assert node["id"] == node["_id"] == order.id and node["grandTotal"] == 50  # a row: the number (the detail: the IRI)
    detail = run("query($id: ID!) { adminOrderDetail(id: $id) { id incrementId items { id _id sku qtyOrdered price } "
                 "billingAddress { city } comments { comment } } }", {"id": f"/api/admin/orders/{order.id}"})
    assert detail["data"]["adminOrderDetail"]["id"] == f"/api/admin/orders/{order.id}"
    line = detail["data"]["adminOrderDetail"]["items"][0]
    assert line["qtyOrdered"] == 2 and line["id"] == f"/api/order_detail_items/{line['_id']}"
    assert detail["data"]["adminOrderDetail"]["billingAddress"]["city"] == "Los Angeles"
    comment = run("mutation($input: createAdminOrderCommentInput!) { createAdminOrderComment(input: $input) { "
                  "adminOrderComment { id orderId comment customerNotified } } }",
                  {"input": {"orderId": order.id, "comment": "Via GraphQL"}})
    assert comment["data"]["createAdminOrderComment"]["adminOrderComment"]["comment"] == "Via GraphQL"
    comments = run("query($o: ID) { adminOrderComments(first: 10, order_id: $o) { totalCount edges { node { comment } } } }",
                   {"o": str(order.id)})
    assert comments["data"]["adminOrderComments"]["totalCount"] == 1
    canceled = run("mutation($input: createAdminCancelOrderInput!) { createAdminCancelOrder(input: $input) { "
                   "adminCancelOrder { id orderId status statusLabel success message } } }",
                   {"input": {"orderId": order.id}})
    payload = canceled["data"]["createAdminCancelOrder"]["adminCancelOrder"]
    assert payload["status"] == "canceled" and payload["success"] is True
    assert payload["id"] == f"/api/admin/admin_cancel_orders/{order.id}"
    assert stock_of(product) == {default_source(): 10}
    again = run("mutation($input: createAdminCancelOrderInput!) { createAdminCancelOrder(input: $input) { "
                "adminCancelOrder { status } } }", {"input": {"orderId": order.id}})
    assert again["errors"][0]["message"] == "There is nothing to cancel on this order."


def test_cancel_after_a_partial_invoice_cancels_the_rest(admin_client):
    order, product = placed(qty=5, stock=10)
    with database.connection_context():
        item_id = OrderItem.select(OrderItem.id).where(OrderItem.order == order.id).scalar()
    admin_client.post(f"/api/admin/orders/{order.id}/invoices", json={"items": [{"orderItemId": item_id, "quantity": 2}]})
    canceled = admin_client.post(f"/api/admin/orders/{order.id}/cancel").json()
    line = canceled["items"][0]
    assert (line["qtyInvoiced"], line["qtyCanceled"], line["qtyToInvoice"], line["qtyToShip"]) == (2, 3, 0, 2)
    assert canceled["status"] == "processing"  # the invoiced units still wait for their shipment
    assert stock_of(product) == {default_source(): 8}  # the 3 canceled units are back
    shipped = admin_client.post(f"/api/admin/orders/{order.id}/shipments", json={
        "source": default_source(), "items": [{"orderItemId": item_id, "quantity": 2}]})
    assert shipped.status_code == 201
    assert admin_client.get(f"/api/admin/orders/{order.id}").json()["status"] == "completed"


def test_lists_batch_their_relations(admin_client):
    for _ in range(3):
        order, _ = placed(qty=2)
        with database.connection_context():
            item_id = OrderItem.select(OrderItem.id).where(OrderItem.order == order.id).scalar()
        admin_client.post(f"/api/admin/orders/{order.id}/invoices", json={"items": [{"orderItemId": item_id,
                                                                                    "quantity": 2}]})
    for path in ("/api/admin/orders", "/api/admin/invoices", "/api/admin/transactions"):
        first, second = list_statement_counts(admin_client, path, sizes=(1, 3))
        assert first == second, path



def test_graphql_lists_refuse_an_unknown_sort_naming_it(admin_client):
    """GraphQL passes `sort` as any string (REST checks it against its enum): a 400 naming it, never a 500."""
    for field in ("adminOrders", "adminInvoices", "adminShipments", "adminRefunds", "adminTransactions",
                  "adminBookings"):
        response = admin_client.post("/api/admin/graphql", json={
            "query": f'{{ {field}(first: 1, sort: "nope") {{ totalCount }} }}'})
        [error] = response.json()["errors"]
        assert (error["extensions"]["code"], error["extensions"]["status"]) == ("VALIDATION_FAILED", 400), error
        assert error["extensions"]["errors"]["sort"][0].startswith("Sort by one of: id"), error
