"""Admin refunds: preview, create, list, CSV export, detail (rest-api/admin/sales/orders/refund-preview.md,
create-refund.md, get-refund.md; rest-api/admin/sales/refunds/*.md). The rules: domain/sales/refunds.py."""
from collections import defaultdict
from decimal import Decimal

from peewee import JOIN

from domain.access import created
from domain.common import Page, RequestContext, Window, iso, json_number
from domain.errors import NotFound
from domain.sales import refunds
from handlers.admin.sales.documents import (
    OrderContext, csv_export, date_bounds, id_list, image_urls, line_document, money, sort_column,
)
from handlers.admin.sales.orders import find_order
from handlers.shop.orders import sales_context
from storage.admin_sales_models import Refund, RefundItem
from storage.sales_models import Order, OrderAddress, OrderItem

SORTS = {"id": Refund.id, "order_id": Refund.order, "state": Refund.state, "base_grand_total": Refund.base_grand_total,
         "billed_to": OrderAddress.first_name, "created_at": Refund.created_at}
ZERO = Decimal(0)


def refund_request(body: dict) -> refunds.RefundRequest:
    quantities = {}
    for entry in body.get("items") or []:
        item_id = int(entry["orderItemId"])
        quantities[item_id] = quantities.get(item_id, 0) + int(entry.get("quantity") or 0)
    return refunds.RefundRequest(
        quantities=quantities, shipping=Decimal(str(body.get("shipping") or 0)),
        adjustment_refund=Decimal(str(body.get("adjustmentRefund") or 0)),
        adjustment_fee=Decimal(str(body.get("adjustmentFee") or 0)),
        return_to_stock=bool(body.get("returnToStock")))


def preview_admin_order_refund(context: RequestContext, order_id: int, body: dict) -> dict:
    order = find_order(order_id)
    figures = refunds.preview(order, refund_request(body))
    sales = sales_context(context, [order])
    code, base = order.order_currency_code, order.base_currency_code
    amounts = figures.amounts
    document = {"orderId": order.id}
    for name, column in (("subtotal", "sub_total"), ("discount", "discount_amount"), ("tax", "tax_amount"),
                         ("shipping", "shipping_amount"), ("grandTotal", "grand_total")):
        title = name[0].upper() + name[1:]
        document[name] = json_number(amounts[column])
        document[f"formatted{title}"] = sales.format(code, amounts[column])
        document[f"base{title}"] = json_number(amounts[f"base_{column}"])
    document["formattedBaseGrandTotal"] = sales.format(base, amounts["base_grand_total"])
    for name, column in (("adjustmentRefund", "adjustment_refund"), ("adjustmentFee", "adjustment_fee")):
        document[name] = json_number(amounts[column])
        document[f"base{name[0].upper()}{name[1:]}"] = json_number(amounts[f"base_{column}"])
    document["items"] = [{"orderItemId": line["order_item"], "sku": line["sku"], "name": line["name"],
                          "qty": line["qty"], "total": json_number(line["total"]),
                          "baseTotal": json_number(line["base_total"]), "taxAmount": json_number(line["tax_amount"]),
                          "baseTaxAmount": json_number(line["base_tax_amount"]),
                          "discountAmount": json_number(line["discount_amount"])} for line in figures.lines]
    return document


def create_admin_order_refund(context: RequestContext, order_id: int, body: dict):
    refund = refunds.create_refund(find_order(order_id), refund_request(body))
    return created(refund_documents(context, [refund], with_items=True)[0])


def refund_documents(context: RequestContext, rows: list[Refund], with_items: bool) -> list[dict]:
    info = OrderContext(context, [refund.order_id for refund in rows])
    lines = defaultdict(list)
    ids = [refund.id for refund in rows]
    if ids and with_items:
        for line in (RefundItem.select(RefundItem, OrderItem).join(OrderItem)
                     .where(RefundItem.refund.in_(ids)).order_by(RefundItem.id)):
            lines[line.refund_id].append(line)
    images = image_urls(context, [line.order_item.product_id for rows in lines.values() for line in rows])
    documents = []
    for refund in rows:
        order = info.orders[refund.order_id]
        code, base = order.order_currency_code, order.base_currency_code
        document = {"id": refund.id, "state": refund.state, "emailSent": refund.email_sent,
                    "totalQty": refund.total_qty}
        for name, column in (("subTotal", "sub_total"), ("grandTotal", "grand_total"), ("taxAmount", "tax_amount"),
                             ("discountAmount", "discount_amount"), ("shippingAmount", "shipping_amount"),
                             ("adjustmentRefund", "adjustment_refund"), ("adjustmentFee", "adjustment_fee")):
            money(document, info.sales, code, base, name, getattr(refund, column), getattr(refund, f"base_{column}"))
        money(document, info.sales, code, base, "subTotalInclTax", refund.sub_total + refund.tax_amount,
              refund.base_sub_total + refund.base_tax_amount)
        money(document, info.sales, code, base, "shippingAmountInclTax", refund.shipping_amount,
              refund.base_shipping_amount)
        money(document, info.sales, code, base, "shippingTaxAmount", ZERO, ZERO)
        document.update(info.fields(refund.order_id))
        document.update({"billedTo": info.full_name(order.id, "billing"), "createdAt": iso(refund.created_at),
                         "updatedAt": iso(refund.updated_at),
                         "items": [line_document(line, line.order_item, info, code, images) for line in lines[refund.id]]})
        documents.append(document)
    return documents


def find_refund(refund_id: int) -> Refund:
    refund = Refund.get_or_none(Refund.id == refund_id)
    if refund is None:
        raise NotFound("Refund")
    return refund


def filtered_refunds(id=None, order_id=None, state=None, base_grand_total_from=None, base_grand_total_to=None,
                     billed_to=None, created_at_from=None, created_at_to=None):
    query = (Refund.select().join(Order, on=(Refund.order == Order.id))
             .switch(Refund).join(OrderAddress, join_type=JOIN.LEFT_OUTER,
                                  on=((OrderAddress.order == Refund.order) & (OrderAddress.address_type == "billing"))))
    if id:
        query = query.where(Refund.id.in_(id_list(id)))
    if order_id:
        query = query.where(Order.increment_id.contains(str(order_id).strip().lstrip("#")))
    if state:
        query = query.where(Refund.state == state)
    if base_grand_total_from is not None:
        query = query.where(Refund.base_grand_total >= base_grand_total_from)
    if base_grand_total_to is not None:
        query = query.where(Refund.base_grand_total <= base_grand_total_to)
    if billed_to:
        query = query.where(OrderAddress.first_name.concat(" ").concat(OrderAddress.last_name).contains(billed_to))
    return date_bounds(query, Refund.created_at, created_at_from, created_at_to, "created_at_from", "created_at_to")


def list_admin_refunds(context: RequestContext, window: Window, sort: str | None = None, order: str | None = None,
                       **filters) -> Page:
    query = filtered_refunds(**filters)
    column = sort_column(SORTS, sort, "id")
    ordering = (column.asc(), Refund.id.asc()) if order == "asc" else (column.desc(), Refund.id.desc())
    rows = list(query.order_by(*ordering).offset(window.offset).limit(window.limit))
    return Page(refund_documents(context, rows, with_items=False), query.count())


def export_admin_refunds(context: RequestContext, format: str | None = None, **filters):
    documents = refund_documents(context, list(filtered_refunds(**filters).order_by(Refund.id.desc())), False)
    rows = [[doc["id"], doc["orderIncrementId"], doc["formattedBaseGrandTotal"], doc["state"], doc["billedTo"] or "",
             doc["createdAt"]] for doc in documents]
    return csv_export(format, "refunds.csv", ["ID", "Order ID", "Refunded", "Status", "Billed To", "Refund Date"], rows)


def get_admin_refund(context: RequestContext, id: int) -> dict:
    return refund_documents(context, [find_refund(id)], with_items=True)[0]


graphql_resolvers = {"AdminRefund": {"status": "state"}}
