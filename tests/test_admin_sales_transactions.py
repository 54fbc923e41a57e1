"""Admin payment transactions (rest-api/admin/sales/transactions/*.md): a paid invoice records a
capture of its amount, listed with the order summary, filtered, exported; GraphQL adminTransactions."""
import csv
import io
from decimal import Decimal

from domain.sales import documents as sales_documents
from storage.db import database
from storage.sales_models import Invoice, OrderItem
from tests.admin_fixtures import admin_client, super_admin  # noqa: F401 (fixtures)
from tests.order_fixtures import Line, create_order, default_source, make_product


def placed(payment="moneytransfer"):
    product = make_product("15.00", stock={default_source(): 5})
    order = create_order(None, [Line(product, 2, Decimal("15.00"))], payment=payment)
    with database.connection_context():
        item_id = OrderItem.select(OrderItem.id).where(OrderItem.order == order.id).scalar()
    return order, item_id


def test_a_paid_invoice_records_a_capture(admin_client):
    order, item_id = placed()
    made = admin_client.post(f"/api/admin/orders/{order.id}/invoices",
                             json={"items": [{"orderItemId": item_id, "quantity": 2}]}).json()
    listed = admin_client.get("/api/admin/transactions", params={"invoice_id": made["id"]}).json()
    assert listed["meta"]["total"] == 1
    row = listed["data"][0]
    assert (row["amount"], row["formattedAmount"], row["status"], row["type"]) == (40, "$40.00", "paid", "capture")
    assert row["transactionId"] == made["transactionId"] and row["orderId"] == order.id
    assert row["paymentMethod"] == "moneytransfer" and row["paymentTitle"] == "Money Transfer"
    assert row["order"]["incrementId"] == order.increment_id and row["order"]["grandTotal"] == 40
    assert row["data"]["captured"] is True
    filtered = admin_client.get("/api/admin/transactions", params={"transaction_id": made["transactionId"][:8],
                                                                   "status": "paid"}).json()
    assert row["id"] in [r["id"] for r in filtered["data"]]
    export = admin_client.get("/api/admin/transactions/export", params={"id": str(row["id"])})
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows[0] == ["ID", "Transaction ID", "Invoice ID", "Order ID", "Status", "Date"]
    assert rows[1][:5] == [str(row["id"]), made["transactionId"], str(made["id"]), order.increment_id, "paid"]


def test_a_pending_invoice_records_nothing_until_paid(admin_client):
    order, _ = placed(payment="cashondelivery")  # the demo store invoices cash on delivery as pending
    with database.connection_context():
        invoice = Invoice.get(Invoice.order == order.id)
    assert invoice.state == "pending"
    assert admin_client.get("/api/admin/transactions", params={"invoice_id": invoice.id}).json()["data"] == []
    with database.connection_context():
        sales_documents.mark_invoice_paid(invoice)
    paid = admin_client.get("/api/admin/transactions", params={"invoice_id": invoice.id}).json()["data"]
    assert len(paid) == 1 and paid[0]["amount"] == 40


def test_graphql(admin_client):
    order, item_id = placed()
    admin_client.post(f"/api/admin/orders/{order.id}/invoices", json={"items": [{"orderItemId": item_id, "quantity": 1}]})
    response = admin_client.post("/api/admin/graphql", json={
        "query": "query($o: String) { adminTransactions(first: 5, order_id: $o, status: \"paid\") { totalCount "
                 "edges { node { id _id amount status type data order } } } }",
        "variables": {"o": order.increment_id}}).json()
    connection = response["data"]["adminTransactions"]
    node = connection["edges"][0]["node"]
    assert node["id"] == f"/api/admin/transactions/{node['_id']}" and node["amount"] == 25
    assert node["order"]["id"] == order.id and node["type"] == "capture"
