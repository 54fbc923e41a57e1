"""Invoices: the automatic invoice of the payment configuration, partial invoices that add up to the
order to the cent, the customer's REST and GraphQL reads, isolation, and the PDF."""
from decimal import Decimal

import pytest

from domain.sales import documents as sales_documents
from storage.admin_sales_models import OrderTransaction
from storage.db import database
from storage.sales_models import Invoice, InvoiceItem, Order, OrderItem, OrderStatusHistory
from tests.customer_fixtures import customer, other_customer  # noqa: F401 (fixtures)
from tests.helpers import count_queries
from tests.order_fixtures import Line, create_order, default_source, graphql_error, make_product, payment_config

D = Decimal


def invoice_not_found(invoice_id) -> dict:
    return {"message": f'Customer invoice with ID "{invoice_id}" not found.', "error": "not_found"}


def invoiced_order(customer, price="19.99", qty=2, state="paid", **options) -> tuple[Order, Invoice]:
    product = make_product(price, {default_source(): 50}, name="Order Test Lamp")
    with payment_config("cashondelivery", generate_invoice=True, invoice_status=state):
        order = create_order(customer["id"], [Line(product, qty, D(price))], **options)
    with database.connection_context():
        return order, Invoice.get(Invoice.order == order.id)


def history(order_id: int) -> list[tuple[str, str]]:
    with database.connection_context():
        return [(row.status, row.comment) for row in OrderStatusHistory.select()
                .where(OrderStatusHistory.order == order_id).order_by(OrderStatusHistory.id)]


def test_automatic_invoice_follows_the_payment_configuration(customer):
    order, invoice = invoiced_order(customer, "19.99", 2, state="pending")
    assert (invoice.increment_id, invoice.state, invoice.total_qty) == (f"INV-{invoice.id:03d}", "pending", 2)
    assert (invoice.sub_total, invoice.shipping_amount, invoice.tax_amount, invoice.grand_total) == (
        D("39.98"), D("10.00"), D("0.00"), D("49.98"))
    assert invoice.base_grand_total == order.base_grand_total == D("49.98")
    # invoiced: processing; paying the invoice is recorded, the goods still wait for shipping
    with database.connection_context():
        assert Order.get_by_id(order.id).status == "processing"
        paid = sales_documents.mark_invoice_paid(invoice)
        assert (paid.state, Order.get_by_id(order.id).status) == ("paid", "processing")
    assert history(order.id) == [("pending", "Order placed"),
                                 ("processing", f"Invoice {invoice.increment_id} created (pending)"),
                                 ("processing", f"Invoice {invoice.increment_id} paid")]

    with payment_config("cashondelivery", generate_invoice=False):
        uninvoiced = create_order(customer["id"], [Line(make_product("5.00", {default_source(): 5}), 1, D("5.00"))])
    with database.connection_context():
        assert not Invoice.select().where(Invoice.order == uninvoiced.id).exists()


def test_partial_invoices_add_up_to_the_order_to_the_cent(customer):
    product = make_product("10.00", {default_source(): 10})
    with payment_config("cashondelivery", generate_invoice=False):
        order = create_order(customer["id"], [Line(product, 3, D("10.00"), tax_percent=D("8.25"))])
    # 30.00 + tax 2.48 (8.25 % of 30.00 = 2.475, half up) + shipping 10.00
    assert order.grand_total == D("42.48")
    with database.connection_context():
        item_id = OrderItem.get(OrderItem.order == order.id).id
        first = sales_documents.create_invoice(order, {item_id: 1}, state="paid")
        assert (first.sub_total, first.tax_amount, first.shipping_amount, first.grand_total) == (
            D("10.00"), D("0.83"), D("10.00"), D("20.83"))
        assert Order.get_by_id(order.id).status == "processing"
        second = sales_documents.create_invoice(order, state="paid")
        assert (second.total_qty, second.sub_total, second.tax_amount, second.shipping_amount, second.grand_total) == (
            2, D("20.00"), D("1.65"), D("0.00"), D("21.65"))
        assert first.grand_total + second.grand_total == order.grand_total
        assert first.base_tax_amount + second.base_tax_amount == D("2.48")
        assert OrderItem.get_by_id(item_id).qty_invoiced == 3
        with pytest.raises(sales_documents.SalesActionRefused) as refused:
            sales_documents.create_invoice(order)
        assert (refused.value.status, refused.value.error) == (422, "nothing_to_invoice")


def test_first_invoice_carries_shipping_tax(client, customer):
    product = make_product("50.00", {default_source(): 10})
    with payment_config("cashondelivery", generate_invoice=False):
        order = create_order(customer["id"], [Line(product, 2, D("50.00"), tax_percent=D("10"))])
    with database.connection_context():
        # tax on shipping: 10 % of 10.00, on the order but on no item
        Order.update(tax_amount=Order.tax_amount + D("1.00"), base_tax_amount=Order.base_tax_amount + D("1.00"),
                     grand_total=Order.grand_total + D("1.00"), base_grand_total=Order.base_grand_total + D("1.00"),
                     ).where(Order.id == order.id).execute()
        invoice = sales_documents.create_invoice(Order.get_by_id(order.id), state="paid")
    document = client.get(f"/api/shop/customer-invoices/{invoice.id}", headers=customer["headers"]).json()
    assert (document["subTotal"], document["taxAmount"], document["shippingAmount"], document["grandTotal"]) == (
        100, 11, 10, 121)
    assert (document["shippingTaxAmount"], document["subTotalInclTax"],
            document["shippingAmountInclTax"]) == (1, 110, 11)


def test_rest_invoice_document_and_list(client, customer, other_customer):
    order, invoice = invoiced_order(customer, "19.99", 2)
    second_order, second = invoiced_order(customer, "5.00", 1, state="pending")
    invoiced_order(other_customer, "7.00", 1)

    response = client.get(f"/api/shop/customer-invoices/{invoice.id}", headers=customer["headers"])
    assert response.status_code == 200, response.text
    with database.connection_context():
        line_ids = [row.id for row in InvoiceItem.select().where(InvoiceItem.invoice == invoice.id)]
        captured = OrderTransaction.get(OrderTransaction.invoice == invoice.id).transaction_id  # the paid capture
    document = response.json()
    assert document == {
        "id": invoice.id, "incrementId": f"INV-{invoice.id:03d}", "state": "paid", "totalQty": 2, "emailSent": False,
        "subTotal": 39.98, "baseSubTotal": 39.98, "grandTotal": 49.98, "baseGrandTotal": 49.98,
        "shippingAmount": 10, "baseShippingAmount": 10, "taxAmount": 0, "baseTaxAmount": 0, "discountAmount": 0,
        "baseDiscountAmount": 0, "shippingTaxAmount": 0, "baseShippingTaxAmount": 0, "subTotalInclTax": 39.98,
        "baseSubTotalInclTax": 39.98, "shippingAmountInclTax": 10, "baseShippingAmountInclTax": 10,
        "formattedSubTotal": "$39.98", "formattedGrandTotal": "$49.98", "formattedShippingAmount": "$10.00",
        "formattedTaxAmount": "$0.00", "formattedDiscountAmount": "$0.00", "baseCurrencyCode": "USD",
        "channelCurrencyCode": "USD", "orderCurrencyCode": "USD", "transactionId": captured, "reminders": 0,
        "nextReminderAt": None, "order": f"/api/shop/customer-orders/{order.id}", "orderId": order.id,
        "items": [f"/api/shop/invoice-items/{line_id}" for line_id in line_ids],
        "downloadUrl": f"http://127.0.0.1:8000/api/shop/customer-invoices/{invoice.id}/pdf",
        "createdAt": document["createdAt"], "updatedAt": document["updatedAt"],
    }

    listed = client.get("/api/shop/customer-invoices", headers=customer["headers"])
    assert [(row["id"], row["transactionId"]) for row in listed.json()] == [(second.id, None), (invoice.id, captured)]
    assert listed.headers["X-Total-Count"] == "2"
    paid = client.get("/api/shop/customer-invoices", params={"state": "paid"}, headers=customer["headers"])
    assert [row["id"] for row in paid.json()] == [invoice.id]
    by_order = client.get("/api/shop/customer-invoices", params={"order_id": second_order.id},
                          headers=customer["headers"])
    assert [row["id"] for row in by_order.json()] == [second.id]

    order_detail = client.get(f"/api/shop/customer-orders/{order.id}", headers=customer["headers"]).json()
    assert order_detail["grandTotalInvoiced"] == 49.98
    assert order_detail["invoices"] == [{
        "id": invoice.id, "incrementId": invoice.increment_id, "state": "paid", "totalQty": 2, "grandTotal": 49.98,
        "baseGrandTotal": 49.98, "formattedGrandTotal": "$49.98", "downloadUrl": document["downloadUrl"],
        "createdAt": document["createdAt"]}]


def test_another_customers_invoice_is_404(client, graphql, customer, other_customer):
    order, invoice = invoiced_order(other_customer)
    for path in (f"/api/shop/customer-invoices/{invoice.id}", f"/api/shop/customer-invoices/{invoice.id}/pdf"):
        response = client.get(path, headers=customer["headers"])
        assert (response.status_code, response.json()) == (404, invoice_not_found(invoice.id))
    foreign_order = client.get("/api/shop/customer-invoices", params={"order_id": order.id},
                               headers=customer["headers"])
    assert (foreign_order.status_code, foreign_order.json()["message"]) == (
        404, f'Customer order with ID "{order.id}" not found.')
    assert client.get("/api/shop/customer-invoices", headers=customer["headers"]).json() == []
    result = graphql('query($id: ID!) { customerInvoice(id: $id) { incrementId } }',
                     {"id": f"/api/shop/customer-invoices/{invoice.id}"}, customer["headers"])
    assert result["data"]["customerInvoice"] is None
    assert result["errors"][0]["message"] == invoice_not_found(invoice.id)["message"]
    assert client.get(f"/api/shop/customer-invoices/{invoice.id}").status_code == 401


def test_invoice_pdf(client, customer):
    order, invoice = invoiced_order(customer, "1234.50", 2, currency="EUR", rate="0.92")
    response = client.get(f"/api/shop/customer-invoices/{invoice.id}/pdf", headers=customer["headers"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == f'attachment; filename="invoice-{invoice.id}.pdf"'
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert f"Invoice: {invoice.increment_id}".encode() in pdf
    assert f"Order: #{order.increment_id}".encode() in pdf
    # 2 x 1,234.50 USD = 2,469.00 USD -> 2,271.48 EUR, plus 9.20 EUR shipping; the euro sign is cp1252 0x80
    assert b"2.280,68 \x80" in pdf and b"Order Test Lamp" in pdf and b"Jane Doe" in pdf


def test_graphql_invoices_with_lines(client, graphql, customer, other_customer):
    order, invoice = invoiced_order(customer, "12.00", 3)
    query = """query($orderId: Int, $state: String) {
      customerInvoices(first: 10, orderId: $orderId, state: $state) { totalCount
        edges { node { id _id incrementId state grandTotal orderCurrencyCode downloadUrl
          items { edges { node { id _id sku name qty price total priceInclTax totalInclTax productType
            orderItemId invoiceId } } } } } } }"""
    result = graphql(query, {"orderId": order.id}, customer["headers"])
    assert "errors" not in result, result
    node = result["data"]["customerInvoices"]["edges"][0]["node"]
    assert (node["id"], node["_id"], node["incrementId"], node["grandTotal"], node["downloadUrl"]) == (
        f"/api/shop/customer-invoices/{invoice.id}", invoice.id, invoice.increment_id, 46.0,
        f"http://127.0.0.1:8000/api/shop/customer-invoices/{invoice.id}/pdf")
    line = node["items"]["edges"][0]["node"]
    assert (line["name"], line["qty"], line["price"], line["total"], line["priceInclTax"], line["totalInclTax"],
            line["productType"], line["invoiceId"]) == ("Order Test Lamp", 3, 12.0, 36.0, "12.0000", "36.0000",
                                                        "simple", invoice.id)
    assert line["id"] == f"/api/shop/invoice-items/{line['_id']}"
    assert graphql(query, {"state": "pending"}, customer["headers"])["data"]["customerInvoices"]["totalCount"] == 0
    foreign = graphql_error(client, query, {"orderId": order.id}, other_customer["headers"])
    assert (foreign["message"], foreign["extensions"]["code"]) == (
        f'Customer order with ID "{order.id}" not found.', "NOT_FOUND")
    single = graphql('query($id: ID!) { customerInvoice(id: $id) { _id totalQty subTotal items { totalCount } } }',
                     {"id": f"/api/shop/customer-invoices/{invoice.id}"}, customer["headers"])
    assert single["data"]["customerInvoice"] == {"_id": invoice.id, "totalQty": 3, "subTotal": 36.0,
                                                 "items": {"totalCount": 1}}


def test_invoice_list_statements_do_not_grow_with_the_page(client, customer):
    for _ in range(3):
        invoiced_order(customer, "4.00", 1)
    counts = []
    client.get("/api/shop/customer-orders", headers=customer["headers"])  # the token's last use is recorded once
    for per_page in (1, 3):
        with count_queries() as statements:
            assert client.get("/api/shop/customer-invoices", params={"per_page": per_page},
                              headers=customer["headers"]).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
