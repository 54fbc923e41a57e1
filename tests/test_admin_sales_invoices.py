"""Admin invoices (rest-api/admin/sales/orders/create-invoice.md, get-invoice.md, print-invoice.md,
send-duplicate-invoice.md; rest-api/admin/sales/invoices/*.md): partial invoices that add up to the
order, the documented refusals, list/export/state override, PDF, duplicate mail, transactions, two
admins invoicing the same units at once; GraphQL twins."""
import csv
import io
import threading
from decimal import Decimal

from domain.errors import ApiError
from domain.sales import back_office
from storage.db import database
from storage.sales_models import Order, OrderItem
from tests.admin_fixtures import admin_client, super_admin  # noqa: F401 (fixtures)
from tests.order_fixtures import Line, create_order, default_source, make_product


def placed(qty=3, price="19.99", tax="8.25", rate="1", currency="USD") -> tuple[Order, int]:
    product = make_product(price, stock={default_source(): 50})
    order = create_order(None, [Line(product, qty, Decimal(price), tax_percent=Decimal(tax))], payment="moneytransfer",
                         email="buyer@example.com", rate=rate, currency=currency)
    with database.connection_context():
        item_id = OrderItem.select(OrderItem.id).where(OrderItem.order == order.id).scalar()
    return order, item_id


def invoice(client, order_id, item_id, qty):
    return client.post(f"/api/admin/orders/{order_id}/invoices", json={"items": [{"orderItemId": item_id,
                                                                                 "quantity": qty}]})


def test_two_partial_invoices_add_up_to_the_order(admin_client):
    order, item_id = placed(qty=3)  # 3 × 19.99 = 59.97, tax 4.95, shipping 10
    first = invoice(admin_client, order.id, item_id, 1)
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["state"], body["totalQty"], body["subTotal"], body["taxAmount"]) == ("paid", 1, 19.99, 1.65)
    assert body["shippingAmount"] == 10 and body["grandTotal"] == 31.64
    assert body["items"][0]["qty"] == 1 and body["transactionId"]
    assert admin_client.get(f"/api/admin/orders/{order.id}").json()["status"] == "processing"
    second = invoice(admin_client, order.id, item_id, 2).json()
    assert (second["subTotal"], second["taxAmount"], second["shippingAmount"]) == (39.98, 3.3, 0)
    assert Decimal(str(body["grandTotal"])) + Decimal(str(second["grandTotal"])) == Decimal("74.92")  # the order total
    detail = admin_client.get(f"/api/admin/orders/{order.id}").json()
    assert detail["grandTotalInvoiced"] == 74.92 and detail["totalDue"] == 0
    assert detail["items"][0]["qtyInvoiced"] == 3 and detail["items"][0]["qtyToInvoice"] == 0
    nothing = invoice(admin_client, order.id, item_id, 1)
    assert nothing.status_code == 422
    assert nothing.json()["message"] == "There is nothing to invoice on this order."


def test_quantity_and_item_refusals(admin_client):
    order, item_id = placed(qty=3)
    with database.connection_context():
        sku = OrderItem.get_by_id(item_id).sku
    too_many = invoice(admin_client, order.id, item_id, 5)
    assert too_many.status_code == 422
    assert too_many.json()["message"] == f"Requested quantity (5) exceeds available quantity (3) for SKU {sku}."
    assert too_many.json()["error"] == "quantity_exceeds"
    zero = invoice(admin_client, order.id, item_id, 0)
    assert (zero.status_code, zero.json()["error"]) == (422, "items_required")
    empty = admin_client.post(f"/api/admin/orders/{order.id}/invoices", json={"items": []})
    assert empty.json()["message"] == "At least one item with a positive quantity is required."
    assert admin_client.post("/api/admin/orders/999999/invoices", json={"items": []}).status_code == 404
    assert admin_client.get(f"/api/admin/orders/{order.id}").json()["items"][0]["qtyInvoiced"] == 0


def test_two_admins_invoicing_the_same_units_at_once():
    order, item_id = placed(qty=2)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        with database.connection_context():
            barrier.wait()
            try:
                back_office.create_invoice(Order.get_by_id(order.id), [{"orderItemId": item_id, "quantity": 2}])
                outcomes.append("invoiced")
            except ApiError as error:
                outcomes.append(error.status)

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [422, "invoiced"]
    with database.connection_context():
        assert OrderItem.get_by_id(item_id).qty_invoiced == 2


def test_list_filters_export_and_state_override(admin_client):
    order, item_id = placed(qty=2)
    created = invoice(admin_client, order.id, item_id, 2).json()
    listed = admin_client.get("/api/admin/invoices", params={"order_id": order.increment_id, "state": "paid"}).json()
    row = next(row for row in listed["data"] if row["id"] == created["id"])
    assert row["items"] == [] and row["orderIncrementId"] == order.increment_id
    assert row["billingAddress"]["city"] == "Los Angeles" and row["customerEmail"] == "buyer@example.com"
    by_id = admin_client.get("/api/admin/invoices", params={"id": f"{created['id']},999999"}).json()
    assert [row["id"] for row in by_id["data"]] == [created["id"]]
    export = admin_client.get("/api/admin/invoices/export", params={"id": str(created["id"])})
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows[0] == ["ID", "Order ID", "Status", "Grand Total", "Invoice Date"]
    assert rows[1][:4] == [created["incrementId"], order.increment_id, "paid", "$53.28"]
    update = admin_client.post("/api/admin/invoices/mass-update-status",
                               json={"indices": [created["id"], 999999], "value": "overdue"})
    assert update.json() == {"updated": [created["id"]], "message": "Invoice status updated successfully."}
    assert admin_client.get(f"/api/admin/invoices/{created['id']}").json()["state"] == "overdue"
    bad = admin_client.post("/api/admin/invoices/mass-update-status", json={"indices": [1], "value": "refunded"})
    assert bad.status_code == 422


def test_detail_pdf_and_duplicate_mail(admin_client, tmp_path, monkeypatch):
    monkeypatch.setenv("MAIL_OUTBOX", str(tmp_path))
    order, item_id = placed(qty=1)
    created = invoice(admin_client, order.id, item_id, 1).json()
    detail = admin_client.get(f"/api/admin/invoices/{created['id']}").json()
    assert detail["items"][0]["orderItemId"] == item_id and detail["emailSent"] is False
    assert (detail["orderStatus"], detail["orderStatusLabel"]) == ("processing", "Processing")  # not shipped yet
    pdf = admin_client.get(f"/api/admin/invoices/{created['id']}/print")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"] == f'attachment; filename="invoice-{created["id"]}.pdf"'
    sent = admin_client.post(f"/api/admin/invoices/{created['id']}/send-duplicate", json={"email": "copy@example.com"})
    assert sent.json() == {"id": created["id"], "email": "copy@example.com", "success": True,
                           "message": "Invoice email sent to copy@example.com."}
    default = admin_client.post(f"/api/admin/invoices/{created['id']}/send-duplicate", json={})
    assert default.json()["email"] == "buyer@example.com"
    assert len(list(tmp_path.glob("*.eml"))) == 2
    assert admin_client.get(f"/api/admin/invoices/{created['id']}").json()["emailSent"] is True
    assert admin_client.get("/api/admin/invoices/999999/print").status_code == 404


def test_display_currency_shares(admin_client):
    order, item_id = placed(qty=3, price="19.99", tax="0", rate="0.92", currency="EUR")
    first = invoice(admin_client, order.id, item_id, 1).json()
    second = invoice(admin_client, order.id, item_id, 2).json()
    with database.connection_context():
        stored = Order.get_by_id(order.id)
    assert Decimal(str(first["grandTotal"])) + Decimal(str(second["grandTotal"])) == stored.grand_total
    assert Decimal(str(first["baseGrandTotal"])) + Decimal(str(second["baseGrandTotal"])) == stored.base_grand_total


def test_graphql_create_get_list_duplicate_and_override(admin_client):
    order, item_id = placed(qty=2)

    def run(query, variables=None):
        response = admin_client.post("/api/admin/graphql", json={"query": query, "variables": variables or {}})
        assert response.status_code == 200, response.text
        return response.json()

    created = run("mutation($input: createAdminInvoiceInput!) { createAdminInvoice(input: $input) { adminInvoice { "
                  "id _id totalQty grandTotal items } } }",
                  {"input": {"orderId": order.id, "items": [{"orderItemId": item_id, "quantity": 1}]}})
    node = created["data"]["createAdminInvoice"]["adminInvoice"]
    assert node["id"] == f"/api/admin/invoices/{node['_id']}" and node["totalQty"] == 1
    assert node["items"][0]["qty"] == 1
    fetched = run("query($id: ID!) { adminInvoice(id: $id) { incrementId state billingAddress } }", {"id": node["id"]})
    assert fetched["data"]["adminInvoice"]["billingAddress"]["city"] == "Los Angeles"
    listed = run("query($o: String) { adminInvoices(first: 5, order_id: $o) { totalCount edges { node { _id } } } }",
                 {"o": order.increment_id})
    assert node["_id"] in [edge["node"]["_id"] for edge in listed["data"]["adminInvoices"]["edges"]]
    sent = run("mutation($input: createAdminInvoiceSendDuplicateInput!) { createAdminInvoiceSendDuplicate(input: $input) "
               "{ adminInvoiceSendDuplicate { id email success } } }",
               {"input": {"invoiceId": node["_id"], "email": "copy@example.com"}})
    assert sent["data"]["createAdminInvoiceSendDuplicate"]["adminInvoiceSendDuplicate"]["success"] is True
    updated = run("mutation($input: createAdminInvoiceMassUpdateStatusInput!) { createAdminInvoiceMassUpdateStatus("
                  "input: $input) { adminInvoiceMassUpdateStatus { updated message } } }",
                  {"input": {"indices": [node["_id"]], "value": "pending"}})
    assert updated["data"]["createAdminInvoiceMassUpdateStatus"]["adminInvoiceMassUpdateStatus"]["updated"] == [node["_id"]]
    refused = run("mutation($input: createAdminInvoiceInput!) { createAdminInvoice(input: $input) { adminInvoice { id } } }",
                  {"input": {"orderId": order.id, "items": [{"orderItemId": item_id, "quantity": 9}]}})
    assert "exceeds available quantity (1)" in refused["errors"][0]["message"]
