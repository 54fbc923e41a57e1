"""Admin orders: list, CSV export, detail, cancel, comments (rest-api/admin/sales/orders/*.md,
graphql-api/admin/sales/orders/*.md). The admin Create Order flow (place an order from a draft
cart, reorder into one) belongs to the admin carts and is planned there.

The detail embeds every relation (items with their children, addresses, customer and group,
invoices, shipments, refunds, comments newest first, status history), one query per relation.
"""
from collections import defaultdict
from datetime import datetime

from peewee import JOIN

from domain.access import created
from domain.common import Page, RequestContext, Window, iso, json_number
from domain.errors import NotFound
from domain.ids import parse_id
from domain.sales import back_office
from domain.sales.documents import SalesActionRefused
from domain.sales.refunds import summed
from handlers.admin.sales.documents import (
    OrderContext, csv_export, date_bounds, image_urls, preset_days, sort_column, status_label,
)
from storage.admin_sales_models import OrderComment, Refund
from storage.customer_models import Customer, CustomerGroup
from storage.models import Channel
from storage.sales_models import Invoice, Order, OrderItem, OrderStatusHistory, Shipment

SORTS = {"id": Order.id, "increment_id": Order.id, "status": Order.status, "grand_total": Order.base_grand_total,
         "base_grand_total": Order.base_grand_total, "customer_email": Order.customer_email,
         "created_at": Order.created_at}


def find_order(order_id: int) -> Order:
    order = Order.get_or_none(Order.id == order_id)
    if order is None:
        raise NotFound("Order")
    return order


def filtered_orders(order_id=None, status=None, grand_total=None, grand_total_from=None, grand_total_to=None,
                    channel=None, customer=None, email=None, date_range=None, date_from=None, date_to=None):
    query = Order.select()
    if order_id:
        query = query.where(Order.increment_id.contains(str(order_id).strip().lstrip("#")))
    if status:  # GraphQL `filters: {status: [...]}` names several
        query = query.where(Order.status.in_(status) if isinstance(status, list) else Order.status == status)
    if grand_total is not None:
        query = query.where(Order.base_grand_total == grand_total)
    if grand_total_from is not None:
        query = query.where(Order.base_grand_total >= grand_total_from)
    if grand_total_to is not None:
        query = query.where(Order.base_grand_total <= grand_total_to)
    if channel:
        channel = str(channel).strip()
        query = query.join(Channel, on=(Order.channel == Channel.id)).where(
            (Channel.id == int(channel)) if channel.isdigit() and len(channel) <= 10 else (Channel.code == channel))
    if customer:
        name = (Order.customer_first_name.concat(" ").concat(Order.customer_last_name))
        query = query.where(name.contains(customer))
    if email:
        query = query.where(Order.customer_email.contains(email))
    if date_from or date_to:
        query = date_bounds(query, Order.created_at, date_from, date_to, "date_from", "date_to")
    elif date_range:
        first, last = preset_days(date_range, datetime.utcnow().date())
        query = date_bounds(query, Order.created_at, first, last, "date_range", "date_range")
    return query


def order_rows(context: RequestContext, orders: list[Order]) -> list[dict]:
    info = OrderContext(context, [order.id for order in orders])
    previews = defaultdict(list)
    if orders:
        items = list(OrderItem.select().where(OrderItem.order.in_([o.id for o in orders]), OrderItem.parent.is_null())
                     .order_by(OrderItem.id))
        images = image_urls(context, [item.product_id for item in items])
        for item in items:
            previews[item.order_id].append({"id": item.id, "sku": item.sku, "name": item.name,
                                            "qtyOrdered": item.qty_ordered, "productImage": images.get(item.product_id)})
    customers = order_customers([order.customer_id for order in orders if order.customer_id])
    rows = []
    for order in orders:
        fields = info.fields(order.id)
        shipping = info.addresses[order.id].get("shipping") or info.addresses[order.id].get("billing")
        rows.append({
            "id": order.id, "incrementId": order.increment_id, "status": order.status,
            "statusLabel": status_label(order.status), "channelName": fields["channelName"],
            "isGuest": order.is_guest, "customerEmail": order.customer_email, "customerName": fields["customerName"],
            "paymentTitle": fields["paymentTitle"], "totalItemCount": order.total_item_count,
            "totalQtyOrdered": order.total_qty_ordered, "grandTotal": json_number(order.grand_total),
            "formattedGrandTotal": info.sales.format(order.order_currency_code, order.grand_total),
            "baseGrandTotal": json_number(order.base_grand_total),
            "formattedBaseGrandTotal": info.sales.format(order.base_currency_code, order.base_grand_total),
            "location": ", ".join(part for part in (shipping.city, shipping.state, shipping.country) if part)
            if shipping else None,
            "createdAt": iso(order.created_at), "items": previews[order.id],
            "customer": customers.get(order.customer_id)})
    return rows


def order_customers(customer_ids: list[int]) -> dict[int, dict]:
    """{customer id: the order's customer block} for a page of orders, in one query."""
    rows = (Customer.select(Customer, CustomerGroup).join(CustomerGroup, join_type=JOIN.LEFT_OUTER,
                                                          on=(Customer.customer_group == CustomerGroup.id))
            .where(Customer.id.in_(sorted(set(customer_ids))))) if customer_ids else []
    return {row.id: customer_block(row) for row in rows}


def customer_block(row: Customer) -> dict:
    group = row.customer_group if row.customer_group_id else None
    return {"id": row.id, "email": row.email, "name": f"{row.first_name} {row.last_name}".strip(),
            "firstName": row.first_name, "lastName": row.last_name,
            "group": {"id": group.id, "code": group.code, "name": group.name} if group else None}


def requested_channel(context: RequestContext) -> str | None:
    """The `channel` filter (an id or a code). The transports take `channel` as the request's scope, so
    the REST list reads it from the query string; over GraphQL `channel` scopes the request alone."""
    return (getattr(context, "query_params", None) or {}).get("channel")


def list_admin_orders(context: RequestContext, window: Window, sort: str | None = None, order: str | None = None,
                      **filters) -> Page:
    query = filtered_orders(channel=requested_channel(context), **filters)
    column = sort_column(SORTS, sort, "created_at")
    ordering = (column.asc(), Order.id.asc()) if order == "asc" else (column.desc(), Order.id.desc())
    orders = list(query.order_by(*ordering).offset(window.offset).limit(window.limit))
    return Page(order_rows(context, orders), query.count())


def export_admin_orders(context: RequestContext, format: str | None = None, **filters):
    orders = list(filtered_orders(channel=requested_channel(context), **filters)
                  .order_by(Order.created_at.desc(), Order.id.desc()))
    info = OrderContext(context, [order.id for order in orders])
    rows = [[order.increment_id, order.status, info.sales.format(order.base_currency_code, order.base_grand_total),
             info.fields(order.id)["paymentTitle"] or "", info.fields(order.id)["channelName"],
             info.fields(order.id)["customerName"], order.customer_email,
             order.created_at.strftime("%Y-%m-%d %H:%M:%S")] for order in orders]
    return csv_export(format, "orders.csv", ["ID", "Status", "Grand Total", "Payment Method", "Channel", "Customer",
                                             "Email", "Order Date"], rows)


def get_admin_order(context: RequestContext, id: int) -> dict:
    return order_detail(context, find_order(id))


def item_additional(item: OrderItem) -> dict:
    """What was added to the cart: quantity and product (as the pages show), then the stored selection."""
    return {"quantity": item.qty_ordered, "product_id": str(item.product_id) if item.product_id else None,
            **(item.additional or {})}


def line_document(item: OrderItem, children: list[OrderItem], sales, code: str) -> dict:
    def amounts(row):
        return {"price": json_number(row.price), "formattedPrice": sales.format(code, row.price),
                "basePrice": json_number(row.base_price), "total": json_number(row.total),
                "formattedTotal": sales.format(code, row.total), "baseTotal": json_number(row.base_total)}

    open_qty = item.qty_ordered - item.qty_canceled
    document = {
        "id": item.id, "sku": item.sku, "type": item.product_type, "name": item.name, "productId": item.product_id,
        "qtyOrdered": item.qty_ordered, "qtyInvoiced": item.qty_invoiced, "qtyShipped": item.qty_shipped,
        "qtyRefunded": item.qty_refunded, "qtyCanceled": item.qty_canceled,
        "qtyToInvoice": max(open_qty - item.qty_invoiced, 0),
        "qtyToShip": max(open_qty - item.qty_shipped, 0) if item.product_type not in ("virtual", "downloadable") else 0,
        "qtyToRefund": max(item.qty_invoiced - item.qty_refunded, 0),
        **amounts(item), "taxPercent": json_number(item.tax_percent), "taxAmount": json_number(item.tax_amount),
        "baseTaxAmount": json_number(item.base_tax_amount), "discountAmount": json_number(item.discount_amount),
        "baseDiscountAmount": json_number(item.base_discount_amount),
        "additional": item_additional(item), "child": None, "children": [], "downloadableLinks": []}
    kids = [{"id": child.id, "sku": child.sku, "name": child.name, "type": child.product_type,
             "productId": child.product_id, "qtyOrdered": child.qty_ordered, **amounts(child)} for child in children]
    if item.product_type == "configurable":
        document["child"] = kids[0] if kids else None
    else:
        document["children"] = kids
    if item.product_type == "downloadable":
        document["downloadableLinks"] = [{"id": link} for link in (item.additional or {}).get("links") or []]
    return document


def order_detail(context: RequestContext, order: Order) -> dict:
    info = OrderContext(context, [order.id])
    sales, code, base = info.sales, order.order_currency_code, order.base_currency_code
    fields = info.fields(order.id)
    items = list(OrderItem.select().where(OrderItem.order == order.id).order_by(OrderItem.id))
    children = defaultdict(list)
    for item in items:
        if item.parent_id:
            children[item.parent_id].append(item)
    invoices = list(Invoice.select().where(Invoice.order == order.id).order_by(Invoice.id))
    shipments = list(Shipment.select().where(Shipment.order == order.id).order_by(Shipment.id))
    refunds = list(Refund.select().where(Refund.order == order.id).order_by(Refund.id))
    comments = list(OrderComment.select().where(OrderComment.order == order.id)
                    .order_by(OrderComment.created_at.desc(), OrderComment.id.desc()))
    history = list(OrderStatusHistory.select().where(OrderStatusHistory.order == order.id)
                   .order_by(OrderStatusHistory.id))
    customer = None
    if order.customer_id:
        row = (Customer.select(Customer, CustomerGroup).join(CustomerGroup, join_type=JOIN.LEFT_OUTER,
                                                             on=(Customer.customer_group == CustomerGroup.id))
               .where(Customer.id == order.customer_id).first())
        if row is not None:
            customer = customer_block(row)
    paid = sum((i.grand_total for i in invoices if i.state == "paid"), summed(0))
    invoiced = sum((i.grand_total for i in invoices), summed(0))
    base_invoiced = sum((i.base_grand_total for i in invoices), summed(0))
    refunded = sum((r.grand_total for r in refunds), summed(0))
    base_refunded = sum((r.base_grand_total for r in refunds), summed(0))
    document = {
        "id": order.id, "incrementId": order.increment_id, "status": order.status,
        "statusLabel": status_label(order.status), "channelId": order.channel_id, "channelName": fields["channelName"],
        "isGuest": order.is_guest, "customerEmail": order.customer_email, "customerName": fields["customerName"],
        "customerFirstName": order.customer_first_name, "customerLastName": order.customer_last_name,
        "paymentMethod": fields["paymentMethod"], "paymentTitle": fields["paymentTitle"],
        "shippingMethod": order.shipping_method, "shippingTitle": order.shipping_title,
        "couponCode": order.coupon_code, "baseCurrencyCode": base, "orderCurrencyCode": code,
        "totalItemCount": order.total_item_count, "totalQtyOrdered": order.total_qty_ordered,
        "createdAt": iso(order.created_at), "updatedAt": iso(order.updated_at),
        "customer": customer, "billingAddress": fields["billingAddress"], "shippingAddress": fields["shippingAddress"],
    }
    for name, column in (("grandTotal", "grand_total"), ("subTotal", "sub_total"), ("taxAmount", "tax_amount"),
                         ("discountAmount", "discount_amount"), ("shippingAmount", "shipping_amount")):
        document[name] = json_number(getattr(order, column))
        document[f"formatted{name[0].upper()}{name[1:]}"] = sales.format(code, getattr(order, column))
        document[f"base{name[0].upper()}{name[1:]}"] = json_number(getattr(order, f"base_{column}"))
    for name, amount, base_amount in (("grandTotalInvoiced", invoiced, base_invoiced),
                                      ("grandTotalRefunded", refunded, base_refunded)):
        document[name] = json_number(amount)
        document[f"formatted{name[0].upper()}{name[1:]}"] = sales.format(code, amount)
        document[f"base{name[0].upper()}{name[1:]}"] = json_number(base_amount)
    due = max(order.grand_total - paid, summed(0)) if order.status not in ("canceled", "closed") else summed(0)
    document["totalDue"] = json_number(due)
    document["formattedTotalDue"] = sales.format(code, due)
    document["items"] = [line_document(item, children[item.id], sales, code) for item in items if not item.parent_id]
    document["invoices"] = [{"id": i.id, "incrementId": i.increment_id, "state": i.state, "totalQty": i.total_qty,
                             "grandTotal": json_number(i.grand_total), "baseGrandTotal": json_number(i.base_grand_total),
                             "formattedGrandTotal": sales.format(code, i.grand_total), "createdAt": iso(i.created_at)}
                            for i in invoices]
    document["shipments"] = [{"id": s.id, "status": s.status, "totalQty": s.total_qty, "carrierTitle": s.carrier_title,
                              "trackNumber": s.track_number, "inventorySourceId": s.inventory_source_id,
                              "createdAt": iso(s.created_at)} for s in shipments]
    document["refunds"] = [{"id": r.id, "state": r.state, "totalQty": r.total_qty,
                            "grandTotal": json_number(r.grand_total), "baseGrandTotal": json_number(r.base_grand_total),
                            "formattedGrandTotal": sales.format(code, r.grand_total), "createdAt": iso(r.created_at)}
                           for r in refunds]
    document["comments"] = [comment_document(comment) for comment in comments]
    document["statusHistory"] = [{"status": h.status, "comment": h.comment, "createdAt": iso(h.created_at)}
                                 for h in history]
    return document


def cancel_admin_order(context: RequestContext, id: int) -> dict:
    return order_detail(context, back_office.cancel(find_order(id)))


def requested_status(fields: dict) -> dict:
    """`updateOrderStatus`: the status follows the order's documents, so `canceled` (a cancel) is the only
    one a caller may ask for."""
    status = fields.pop("status", None)
    if status != "canceled":
        raise SalesActionRefused(f"The status {status!r} cannot be set: it follows the order's invoices, shipments"
                                 " and refunds. Only canceled can be requested.", "status_not_requestable",
                                 {"status": ["Only canceled can be requested."]})
    return fields


def comment_document(comment: OrderComment) -> dict:
    return {"id": comment.id, "orderId": comment.order_id, "comment": comment.comment,
            "customerNotified": comment.customer_notified, "createdAt": iso(comment.created_at),
            "updatedAt": iso(comment.updated_at)}


def list_admin_order_comments(context: RequestContext, order_id: int, window: Window) -> Page:
    find_order(order_id)
    return comments_page(window, order_id)


def comments_page(window: Window, order_id: int | None) -> Page:
    query = OrderComment.select()
    if order_id is not None:
        query = query.where(OrderComment.order == order_id)
    rows = list(query.order_by(OrderComment.created_at.desc(), OrderComment.id.desc())
                .offset(window.offset).limit(window.limit))
    return Page([comment_document(row) for row in rows], query.count())


def list_admin_all_order_comments(context: RequestContext, window: Window, order_id=None) -> Page:
    """Every order's comments, or one order's (an id, or over GraphQL an IRI; an unknown order is 404),
    newest first."""
    if order_id is not None:
        order_id = find_order(parse_id(order_id, "order_id")).id
    return comments_page(window, order_id)


def create_admin_order_comment(context: RequestContext, order_id: int, body: dict):
    comment = back_office.add_comment(find_order(order_id), body.get("comment") or "",
                                      bool(body.get("customer_notified", body.get("customerNotified"))))
    return created(comment_document(comment))


graphql_resolvers = {"AdminOrder": {"itemsCount": "totalItemCount"},
                     "AdminOrderRow": {"itemsCount": "totalItemCount"}}
