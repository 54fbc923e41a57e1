"""The signed-in customer's invoices over REST and GraphQL, and the invoice PDF.

rest-api/shop/customer-invoices/*.md; graphql-api/shop/queries/get-customer-invoice(s).md,
download-invoice.md. Invoices are reached through their order: only invoices of the caller's own
orders exist for them (anything else is the documented 404). Lists are newest first. REST lists
`items` as IRIs as documented; GraphQL (`fields` given) returns the line items themselves.
"""
from collections import defaultdict
from decimal import Decimal

from starlette.responses import Response

from domain.sales import documents as sales_documents
from domain.common import Page, RequestContext, Window, iso, json_number
from handlers.shop.orders import SalesContext, own_order, sales_context
from domain.customers import current_customer_id
from domain.errors import ApiError, InvalidRequest
from domain.sales.invoice_pdf import render_invoice_pdf
from storage.sales_models import Invoice, InvoiceItem, Order, OrderAddress, OrderItem, OrderPayment
from storage.admin_sales_models import OrderTransaction


class InvoiceNotFound(ApiError):
    def __init__(self, invoice_id: int):
        super().__init__(404, f'Customer invoice with ID "{invoice_id}" not found.', "not_found")


def own_invoices(context: RequestContext):
    return Invoice.select(Invoice, Order).join(Order).where(Order.customer == current_customer_id(context))


def own_invoice(context: RequestContext, invoice_id: int) -> Invoice:
    invoice = own_invoices(context).where(Invoice.id == invoice_id).first()
    if invoice is None:
        raise InvoiceNotFound(invoice_id)
    return invoice


def list_customer_invoices(context: RequestContext, window: Window, order_id: int | None = None,
                           state: str | None = None, fields: frozenset | None = None) -> Page:
    if state is not None and state not in sales_documents.INVOICE_STATES:
        raise InvalidRequest({"state": [f"Must be one of {', '.join(sales_documents.INVOICE_STATES)}."]})
    query = own_invoices(context)
    if order_id is not None:
        query = query.where(Invoice.order == own_order(context, order_id).id)
    if state:
        query = query.where(Invoice.state == state)
    invoices = list(query.order_by(Invoice.created_at.desc(), Invoice.id.desc())
                    .offset(window.offset).limit(window.limit))
    return Page(invoice_documents(context, invoices, fields), query.count())


def get_customer_invoice(context: RequestContext, id: int, fields: frozenset | None = None) -> dict:
    return invoice_documents(context, [own_invoice(context, id)], fields)[0]


def invoice_documents(context: RequestContext, invoices: list[Invoice], fields: frozenset | None) -> list[dict]:
    if not invoices:
        return []
    sales = sales_context(context, [invoice.order for invoice in invoices])
    ids = [invoice.id for invoice in invoices]
    items = defaultdict(list)
    for item in (InvoiceItem.select(InvoiceItem, OrderItem).join(OrderItem)
                 .where(InvoiceItem.invoice.in_(ids)).order_by(InvoiceItem.id)):
        items[item.invoice_id].append(item)
    # the capture that paid the invoice, else the gateway's id kept with the order's payment
    gateway_ids = {}
    for payment in OrderPayment.select().where(OrderPayment.order.in_([i.order_id for i in invoices])):
        gateway_ids[payment.order_id] = (payment.additional or {}).get("transaction_id")
    captures = dict(OrderTransaction.select(OrderTransaction.invoice, OrderTransaction.transaction_id)
                    .where(OrderTransaction.invoice.in_(ids), OrderTransaction.type == "capture")
                    .order_by(OrderTransaction.id).tuples())
    documents = []
    for invoice in invoices:
        transaction_id = captures.get(invoice.id) or gateway_ids.get(invoice.order_id)
        document = invoice_document(invoice, items[invoice.id], sales, transaction_id)
        if fields is None:
            document["items"] = [f"/api/shop/invoice-items/{item.id}" for item in items[invoice.id]]
        elif "items" in fields:
            document["items"] = [line_document(item, invoice) for item in items[invoice.id]]
        documents.append(document)
    return documents


def invoice_document(invoice: Invoice, items: list[InvoiceItem], sales: SalesContext,
                     transaction_id: str | None) -> dict:
    order = invoice.order
    code = order.order_currency_code
    document = {"id": invoice.id, "incrementId": invoice.increment_id, "state": invoice.state,
                "totalQty": invoice.total_qty, "emailSent": invoice.email_sent}
    for name, column in (("subTotal", "sub_total"), ("grandTotal", "grand_total"),
                         ("shippingAmount", "shipping_amount"), ("taxAmount", "tax_amount"),
                         ("discountAmount", "discount_amount")):
        document[name] = json_number(getattr(invoice, column))
        document["base" + name[0].upper() + name[1:]] = json_number(getattr(invoice, "base_" + column))
        document["formatted" + name[0].upper() + name[1:]] = sales.format(code, getattr(invoice, column))
    shipping_tax_amount, base_shipping_tax = shipping_tax(invoice, items), shipping_tax(invoice, items, "base_")
    document.update({
        "shippingTaxAmount": json_number(shipping_tax_amount), "baseShippingTaxAmount": json_number(base_shipping_tax),
        "subTotalInclTax": json_number(invoice.sub_total + invoice.tax_amount - shipping_tax_amount),
        "baseSubTotalInclTax": json_number(invoice.base_sub_total + invoice.base_tax_amount - base_shipping_tax),
        "shippingAmountInclTax": json_number(invoice.shipping_amount + shipping_tax_amount),
        "baseShippingAmountInclTax": json_number(invoice.base_shipping_amount + base_shipping_tax),
        "baseCurrencyCode": order.base_currency_code,
        "channelCurrencyCode": sales.channel(order.channel_id).base_currency_code or order.base_currency_code,
        "orderCurrencyCode": code, "transactionId": transaction_id, "reminders": 0, "nextReminderAt": None,
        "order": f"/api/shop/customer-orders/{order.id}", "orderId": order.id,
        "downloadUrl": sales.url(order.channel_id, f"/api/shop/customer-invoices/{invoice.id}/pdf"),
        "createdAt": iso(invoice.created_at), "updatedAt": iso(invoice.updated_at),
    })
    return document


def shipping_tax(invoice: Invoice, items: list[InvoiceItem], prefix: str = ""):
    """The tax an invoice carries beyond its lines' tax: the order's shipping tax, on the first invoice."""
    return getattr(invoice, f"{prefix}tax_amount") - sum((getattr(i, f"{prefix}tax_amount") for i in items),
                                                          Decimal(0))


def line_document(item: InvoiceItem, invoice: Invoice) -> dict:
    def text(amount):
        return f"{amount:.4f}"

    order_item = item.order_item
    return {
        "id": item.id, "sku": item.sku, "parentId": None, "name": item.name, "price": json_number(item.price),
        "qty": item.qty, "total": json_number(item.total), "basePrice": json_number(item.base_price),
        "description": None,
        "baseTotal": json_number(item.base_total), "taxAmount": json_number(item.tax_amount),
        "baseTaxAmount": json_number(item.base_tax_amount), "discountPercent": 0,
        "discountAmount": json_number(item.discount_amount),
        "baseDiscountAmount": json_number(item.base_discount_amount),
        "priceInclTax": text(item.price + (item.tax_amount / item.qty if item.qty else 0)),
        "basePriceInclTax": text(item.base_price + (item.base_tax_amount / item.qty if item.qty else 0)),
        "totalInclTax": text(item.total + item.tax_amount),
        "baseTotalInclTax": text(item.base_total + item.base_tax_amount),
        "productId": str(order_item.product_id) if order_item.product_id else None,
        "productType": order_item.product_type, "orderItemId": item.order_item_id, "invoiceId": invoice.id,
        "createdAt": iso(invoice.created_at), "updatedAt": iso(invoice.updated_at),
    }


def download_customer_invoice_pdf(context: RequestContext, id: int) -> Response:
    invoice = own_invoice(context, id)
    order = invoice.order
    sales = sales_context(context, [order])
    items = list(InvoiceItem.select().where(InvoiceItem.invoice == invoice.id).order_by(InvoiceItem.id))
    addresses = list(OrderAddress.select().where(OrderAddress.order == order.id).order_by(OrderAddress.id))
    pdf = render_invoice_pdf(invoice, order, items, addresses, sales)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="invoice-{invoice.id}.pdf"'})
