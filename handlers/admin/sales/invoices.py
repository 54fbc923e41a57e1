"""Admin invoices: create for an order, list, CSV export, detail, PDF, duplicate mail, state override
(rest-api/admin/sales/orders/create-invoice.md, get-invoice.md, print-invoice.md,
send-duplicate-invoice.md; rest-api/admin/sales/invoices/*.md; GraphQL twins)."""
from collections import defaultdict
from decimal import Decimal

from starlette.responses import Response

from domain.access import created
from domain.common import Page, RequestContext, Window, iso
from domain.errors import NotFound
from domain.sales import back_office
from domain.sales.invoice_pdf import render_invoice_pdf
from handlers.admin.sales.documents import (
    OrderContext, csv_export, date_bounds, id_list, image_urls, line_document, money, sort_column,
)
from handlers.admin.sales.orders import find_order
from storage.admin_sales_models import OrderTransaction
from storage.sales_models import Invoice, InvoiceItem, Order, OrderAddress, OrderItem

SORTS = {"id": Invoice.id, "increment_id": Invoice.increment_id, "order_id": Invoice.order,
         "base_grand_total": Invoice.base_grand_total, "state": Invoice.state, "created_at": Invoice.created_at}
ZERO = Decimal(0)


def find_invoice(invoice_id: int) -> Invoice:
    invoice = Invoice.get_or_none(Invoice.id == invoice_id)
    if invoice is None:
        raise NotFound("Invoice")
    return invoice


def invoice_documents(context: RequestContext, invoices: list[Invoice], with_items: bool) -> list[dict]:
    info = OrderContext(context, [invoice.order_id for invoice in invoices])
    ids = [invoice.id for invoice in invoices]
    lines = defaultdict(list)
    if ids:
        for line in (InvoiceItem.select(InvoiceItem, OrderItem).join(OrderItem)
                     .where(InvoiceItem.invoice.in_(ids)).order_by(InvoiceItem.id)):
            lines[line.invoice_id].append(line)
    transactions = {}
    if ids:
        for row in OrderTransaction.select().where(OrderTransaction.invoice.in_(ids)).order_by(OrderTransaction.id):
            transactions[row.invoice_id] = row.transaction_id
    images = image_urls(context, [line.order_item.product_id for rows in lines.values() for line in rows])
    documents = []
    for invoice in invoices:
        order = info.orders[invoice.order_id]
        code, base = order.order_currency_code, order.base_currency_code
        document = {"id": invoice.id, "incrementId": invoice.increment_id, "state": invoice.state,
                    "emailSent": invoice.email_sent, "totalQty": invoice.total_qty}
        for name, column in (("subTotal", "sub_total"), ("grandTotal", "grand_total"), ("taxAmount", "tax_amount"),
                             ("discountAmount", "discount_amount"), ("shippingAmount", "shipping_amount")):
            money(document, info.sales, code, base, name, getattr(invoice, column), getattr(invoice, f"base_{column}"))
        shipping_tax = invoice.tax_amount - sum((line.tax_amount for line in lines[invoice.id]), ZERO)
        base_shipping_tax = invoice.base_tax_amount - sum((line.base_tax_amount for line in lines[invoice.id]), ZERO)
        money(document, info.sales, code, base, "shippingTaxAmount", shipping_tax, base_shipping_tax)
        money(document, info.sales, code, base, "subTotalInclTax", invoice.sub_total + invoice.tax_amount - shipping_tax,
              invoice.base_sub_total + invoice.base_tax_amount - base_shipping_tax)
        money(document, info.sales, code, base, "shippingAmountInclTax", invoice.shipping_amount + shipping_tax,
              invoice.base_shipping_amount + base_shipping_tax)
        document.update(info.fields(invoice.order_id))
        for key in ("paymentMethod", "paymentTitle", "shippingMethod", "shippingTitle"):
            document.pop(key)
        document.update({"transactionId": transactions.get(invoice.id), "reminders": 0, "nextReminderAt": None,
                         "createdAt": iso(invoice.created_at), "updatedAt": iso(invoice.updated_at),
                         "items": [line_document(line, line.order_item, info, code, images) for line in lines[invoice.id]]
                         if with_items else []})
        documents.append(document)
    return documents


def create_admin_order_invoice(context: RequestContext, order_id: int, body: dict):
    invoice = back_office.create_invoice(find_order(order_id), body.get("items"))
    return created(invoice_documents(context, [invoice], with_items=True)[0])


def filtered_invoices(id=None, order_id=None, state=None, base_grand_total_from=None, base_grand_total_to=None,
                      created_at_from=None, created_at_to=None):
    query = Invoice.select()
    if id:
        query = query.where(Invoice.id.in_(id_list(id)))
    if order_id:
        query = query.join(Order).where(Order.increment_id.contains(str(order_id).strip().lstrip("#")))
    if state:
        query = query.where(Invoice.state == state)
    if base_grand_total_from is not None:
        query = query.where(Invoice.base_grand_total >= base_grand_total_from)
    if base_grand_total_to is not None:
        query = query.where(Invoice.base_grand_total <= base_grand_total_to)
    return date_bounds(query, Invoice.created_at, created_at_from, created_at_to, "created_at_from", "created_at_to")


def list_admin_invoices(context: RequestContext, window: Window, sort: str | None = None, order: str | None = None,
                        **filters) -> Page:
    query = filtered_invoices(**filters)
    column = sort_column(SORTS, sort, "id")
    ordering = (column.asc(), Invoice.id.asc()) if order == "asc" else (column.desc(), Invoice.id.desc())
    invoices = list(query.order_by(*ordering).offset(window.offset).limit(window.limit))
    return Page(invoice_documents(context, invoices, with_items=False), query.count())


def export_admin_invoices(context: RequestContext, format: str | None = None, **filters):
    invoices = list(filtered_invoices(**filters).order_by(Invoice.id.desc()))
    info = OrderContext(context, [invoice.order_id for invoice in invoices])
    rows = [[invoice.increment_id, info.orders[invoice.order_id].increment_id, invoice.state,
             info.sales.format(info.orders[invoice.order_id].base_currency_code, invoice.base_grand_total),
             invoice.created_at.strftime("%Y-%m-%d %H:%M:%S")] for invoice in invoices]
    return csv_export(format, "invoices.csv", ["ID", "Order ID", "Status", "Grand Total", "Invoice Date"], rows)


def get_admin_invoice(context: RequestContext, id: int) -> dict:
    return invoice_documents(context, [find_invoice(id)], with_items=True)[0]


def print_admin_invoice(context: RequestContext, id: int) -> Response:
    invoice = find_invoice(id)
    info = OrderContext(context, [invoice.order_id])
    order = info.orders[invoice.order_id]
    items = list(InvoiceItem.select().where(InvoiceItem.invoice == invoice.id).order_by(InvoiceItem.id))
    addresses = list(OrderAddress.select().where(OrderAddress.order == order.id).order_by(OrderAddress.id))
    pdf = render_invoice_pdf(invoice, order, items, addresses, info.sales)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="invoice-{invoice.id}.pdf"'})


def send_duplicate_admin_invoice(context: RequestContext, invoice_id: int, body: dict | None = None) -> dict:
    invoice = find_invoice(invoice_id)
    recipient = back_office.send_invoice_copy(invoice, (body or {}).get("email"))
    return {"id": invoice.id, "email": recipient, "success": True, "message": f"Invoice email sent to {recipient}."}


def mass_update_admin_invoice_status(context: RequestContext, body: dict) -> dict:
    updated = back_office.override_invoice_states(body["indices"], body["value"])
    return {"updated": updated, "message": "Invoice status updated successfully."}


graphql_resolvers = {"AdminInvoice": {"status": "state"}}
