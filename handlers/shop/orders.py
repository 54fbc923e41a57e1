"""The signed-in customer's orders over REST and GraphQL: list, detail, shipments, cancel, reorder.

rest-api/shop/customer-orders/*.md; graphql-api/shop/queries/get-customer-order(s).md,
get-customer-order-shipment(s).md; mutations/cancel-customer-order.md, reorder-customer-order.md.

A customer only ever reaches their own orders on the request's channel: every lookup is filtered
by both, and anything else answers the documented 404 (`Customer order with ID "5" not found.`).
Lists are newest first. Relations (items with their children, addresses, payment, status history,
invoices, shipments) are loaded once per page, one statement per relation: REST lists are flat as
documented, the REST detail carries every relation, GraphQL loads the relations it selects.
Amounts are numbers in the order's currency (`grandTotal`) and the base currency
(`baseGrandTotal`); `formatted*` render the order-currency amounts.
"""
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from peewee import fn

from domain.sales import cart as carts
from domain.sales import documents as sales_documents
from domain.common import CurrencyFormat, Page, RequestContext, Window, iso, json_number
from domain.customers import current_customer_id
from domain.errors import ApiError, InvalidRequest
from storage.db import database
from storage.fields import MONEY_SCALE
from storage.models import Channel, ChannelTranslation, Currency
from storage.sales_models import (
    Invoice, Order, OrderAddress, OrderItem, OrderPayment, OrderStatusHistory, Shipment, ShipmentItem,
)

RELATIONS = ("items", "addresses", "payment", "statusHistory", "invoices", "shipments")
SORT_COLUMNS = {"createdAt": Order.created_at, "updatedAt": Order.updated_at, "grandTotal": Order.base_grand_total}
SELECTION_KEYS = (  # add-to-cart fields kept in an order item's `additional`, in either spelling
    ("selectedConfigurableOption", "selected_configurable_option"), ("superAttribute", "super_attribute"),
    ("bundleOptions", "bundle_options"), ("bundleOptionQty", "bundle_option_qty"),
    ("groupedQty", "grouped_qty"), ("links", "links"),
)
CANCELED = "Order has been canceled successfully"
NOTHING_REORDERED = "No items were added to cart. All items are out of stock or unavailable."


class OrderNotFound(ApiError):
    def __init__(self, order_id: int):
        super().__init__(404, f'Customer order with ID "{order_id}" not found.', "not_found")


class ShipmentNotFound(ApiError):
    def __init__(self, shipment_id: int):
        super().__init__(404, f'Customer shipment with ID "{shipment_id}" not found.', "not_found")


# --- shared by orders, invoices and downloads ---------------------------------------------------------

def summed_money(value) -> Decimal:
    """A SUM over a MoneyField column arrives as the stored integer of 1/10000."""
    return Decimal(int(value or 0)) / MONEY_SCALE


@dataclass
class ChannelInfo:
    name: str
    base_currency_code: str
    hostname: str


@dataclass
class SalesContext:
    """What documents of sales rows need beyond the rows: channel names and currency formats."""
    channels: dict[int, ChannelInfo]
    formats: dict[str, CurrencyFormat]

    def channel(self, channel_id: int) -> ChannelInfo:
        return self.channels.get(channel_id) or ChannelInfo("", "", "")

    def format(self, code: str, amount: Decimal | None) -> str | None:
        currency = self.formats.get(code)
        if currency is None or amount is None:
            return None if amount is None else f"{amount:.2f} {code}"
        return currency.format(amount)

    def url(self, channel_id: int, path: str) -> str:
        return self.channel(channel_id).hostname.rstrip("/") + path


def sales_context(context: RequestContext, orders) -> SalesContext:
    """Three statements whatever the number of orders."""
    channel_ids = {order.channel_id for order in orders}
    codes = {order.order_currency_code for order in orders} | {order.base_currency_code for order in orders}
    channels = {}
    if channel_ids:
        names = defaultdict(dict)
        for row in ChannelTranslation.select().where(ChannelTranslation.channel.in_(channel_ids),
                                                     ChannelTranslation.locale.in_(context.locales)):
            names[row.channel_id][row.locale] = row.name
        query = (Channel.select(Channel.id, Channel.code, Channel.hostname, Currency.code.alias("currency_code"))
                 .join(Currency, on=(Channel.base_currency == Currency.id))
                 .where(Channel.id.in_(channel_ids)).objects())
        for channel in query:
            by_locale = names[channel.id]
            name = next((by_locale[locale] for locale in context.locales if locale in by_locale), channel.code)
            channels[channel.id] = ChannelInfo(name, channel.currency_code, channel.hostname or "")
    formats = {}
    if codes:
        for currency in Currency.select().where(Currency.code.in_(codes)):
            formats[currency.code] = CurrencyFormat(
                code=currency.code, symbol=currency.symbol, decimals=currency.decimal,
                group_separator=currency.group_separator, decimal_separator=currency.decimal_separator,
                position=currency.currency_position, rate=Decimal(1))
    return SalesContext(channels, formats)


def own_orders(context: RequestContext):
    return Order.select().where(Order.customer == current_customer_id(context), Order.channel == context.channel_id)


def own_order(context: RequestContext, order_id: int) -> Order:
    order = own_orders(context).where(Order.id == order_id).first()
    if order is None:
        raise OrderNotFound(order_id)
    return order


# GraphQL fields of the overview pages (orders.md, shop-api.md) read from a relation
RELATION_OF_ALIAS = {"billingAddress": "addresses", "shippingAddress": "addresses", "paymentMethod": "payment"}


def relations_in(fields: frozenset | None, everything: bool) -> set[str]:
    """REST detail: every relation; REST list: none; GraphQL: the relations it selected."""
    if fields is None:
        return set(RELATIONS) if everything else set()
    return {name for name in RELATIONS if name in fields} | {
        relation for alias, relation in RELATION_OF_ALIAS.items() if alias in fields}


# --- orders ----------------------------------------------------------------------------------------------

def list_customer_orders(context: RequestContext, window: Window, status: str | None = None,
                         date_from: str | None = None, date_to: str | None = None, increment_id: str | None = None,
                         sort: str | None = None, fields: frozenset | None = None) -> Page:
    query = filtered(own_orders(context), status, date_from, date_to, increment_id)
    column, descending = sort_order(sort or "-createdAt")
    ordering = (column.desc(), Order.id.desc()) if descending else (column.asc(), Order.id.asc())
    orders = list(query.order_by(*ordering).offset(window.offset).limit(window.limit))
    return Page(order_documents(context, orders, relations_in(fields, everything=False)), query.count())


def get_customer_order(context: RequestContext, id: int, fields: frozenset | None = None) -> dict:
    return order_documents(context, [own_order(context, id)], relations_in(fields, everything=True))[0]


def graphql_order(context: RequestContext, id: int | None = None, increment_id: str | None = None,
                  fields: frozenset | None = None) -> dict:
    """`order(id:)` or `order(incrementId:)` of the overview pages: one of the signed-in customer's
    orders, as customerOrder answers it (an increment id may carry the leading # the pages show)."""
    if id is None and not increment_id:
        raise InvalidRequest({"id": ["Give the order's id or its incrementId."]})
    query = own_orders(context)
    if id is not None:
        query = query.where(Order.id == id)
    if increment_id:
        query = query.where(Order.increment_id == str(increment_id).strip().lstrip("#"))
    order = query.first()
    if order is None:
        raise OrderNotFound(id if id is not None else increment_id)
    return order_documents(context, [order], relations_in(fields, everything=True))[0]


def filtered(query, status, date_from, date_to, increment_id):
    errors = {}
    if status is not None and status not in sales_documents.ORDER_STATUSES:
        errors["status"] = [f"Must be one of {', '.join(sales_documents.ORDER_STATUSES)}."]
    start, end = day(date_from, "date_from", errors), day(date_to, "date_to", errors)
    if errors:
        raise InvalidRequest(errors)
    if status:
        query = query.where(Order.status == status)
    if start:
        query = query.where(Order.created_at >= datetime.combine(start, datetime.min.time()))
    if end:
        query = query.where(Order.created_at < datetime.combine(end + timedelta(days=1), datetime.min.time()))
    if increment_id:
        query = query.where(Order.increment_id.contains(str(increment_id).strip().lstrip("#")))
    return query


def day(value: str | None, name: str, errors: dict) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = ["Must be a date as YYYY-MM-DD."]
        return None


def sort_order(sort: str):
    column = SORT_COLUMNS.get(sort.lstrip("-"))
    if column is None:
        choices = ", ".join(f"{prefix}{name}" for name in SORT_COLUMNS for prefix in ("", "-"))
        raise InvalidRequest({"sort": [f"Must be one of {choices}."]})
    return column, sort.startswith("-")


def order_documents(context: RequestContext, orders: list[Order], relations: set[str]) -> list[dict]:
    if not orders:
        return []
    sales = sales_context(context, orders)
    ids = [order.id for order in orders]
    invoiced = invoiced_totals(ids)
    documents = [order_document(order, sales, invoiced.get(order.id, (Decimal(0), Decimal(0)))) for order in orders]
    by_id = {document["id"]: document for document in documents}
    loaders = {"items": add_items, "addresses": add_addresses, "payment": add_payments,
               "statusHistory": add_history, "invoices": add_invoices, "shipments": add_shipments}
    for name in RELATIONS:
        if name in relations:
            loaders[name](by_id, {order.id: order for order in orders}, sales)
    return documents


def invoiced_totals(order_ids: list[int]) -> dict[int, tuple[Decimal, Decimal]]:
    rows = (Invoice.select(Invoice.order, fn.SUM(Invoice.grand_total).coerce(False).alias("total"),
                           fn.SUM(Invoice.base_grand_total).coerce(False).alias("base_total"))
            .where(Invoice.order.in_(order_ids), Invoice.state != "refunded").group_by(Invoice.order).dicts())
    return {row["order"]: (summed_money(row["total"]), summed_money(row["base_total"])) for row in rows}


def order_document(order: Order, sales: SalesContext, invoiced: tuple[Decimal, Decimal]) -> dict:
    channel = sales.channel(order.channel_id)
    code = order.order_currency_code
    document = {
        "id": order.id, "incrementId": order.increment_id, "status": order.status, "channelName": channel.name,
        "isGuest": int(order.is_guest), "customerEmail": order.customer_email,
        "customerFirstName": order.customer_first_name, "customerLastName": order.customer_last_name,
        "shippingMethod": order.shipping_method, "shippingTitle": order.shipping_title,
        "couponCode": order.coupon_code, "isGift": 0, "totalItemCount": order.total_item_count,
        "itemsCount": order.total_item_count,
        "totalQtyOrdered": order.total_qty_ordered, "baseCurrencyCode": order.base_currency_code,
        "channelCurrencyCode": channel.base_currency_code or order.base_currency_code, "orderCurrencyCode": code,
        "grandTotalInvoiced": json_number(invoiced[0]), "baseGrandTotalInvoiced": json_number(invoiced[1]),
        "grandTotalRefunded": 0, "baseGrandTotalRefunded": 0,
    }
    for name, column in (("grandTotal", "grand_total"), ("subTotal", "sub_total"), ("taxAmount", "tax_amount"),
                         ("discountAmount", "discount_amount"), ("shippingAmount", "shipping_amount")):
        amount = getattr(order, column)
        document[name] = json_number(amount)
        document["base" + name[0].upper() + name[1:]] = json_number(getattr(order, "base_" + column))
        document["formatted" + name[0].upper() + name[1:]] = sales.format(code, amount)
    document["createdAt"], document["updatedAt"] = iso(order.created_at), iso(order.updated_at)
    return document


def item_document(item: OrderItem, code: str, sales: SalesContext) -> dict:
    return {
        "id": item.id, "productId": item.product_id, "sku": item.sku, "name": item.name, "type": item.product_type,
        "qtyOrdered": item.qty_ordered, "qtyShipped": item.qty_shipped, "qtyInvoiced": item.qty_invoiced,
        "qtyCanceled": item.qty_canceled, "qtyRefunded": item.qty_refunded,
        "price": json_number(item.price), "basePrice": json_number(item.base_price), "total": json_number(item.total),
        "baseTotal": json_number(item.base_total), "taxPercent": json_number(item.tax_percent),
        "taxAmount": json_number(item.tax_amount),
        "baseTaxAmount": json_number(item.base_tax_amount), "discountAmount": json_number(item.discount_amount),
        "baseDiscountAmount": json_number(item.base_discount_amount), "formattedPrice": sales.format(code, item.price),
        "formattedTotal": sales.format(code, item.total), "weight": json_number(item.weight),
        "additional": item.additional or {}, "children": [],
    }


def add_items(by_id: dict, orders: dict, sales: SalesContext):
    documents = {}
    items = OrderItem.select().where(OrderItem.order.in_(list(by_id))).order_by(OrderItem.id)
    for item in items:
        documents[item.id] = item_document(item, orders[item.order_id].order_currency_code, sales)
    for document in by_id.values():
        document["items"] = []
    for item in items:
        if item.parent_id is None:
            by_id[item.order_id]["items"].append(documents[item.id])
        elif item.parent_id in documents:
            documents[item.parent_id]["children"].append(documents[item.id])


def address_document(address: OrderAddress, order: Order, use_for_shipping: bool) -> dict:
    return {
        "id": address.id, "addressType": address.address_type, "parentAddressId": None,
        "customerId": order.customer_id, "cartId": order.cart_id, "orderId": order.id,
        "name": f"{address.first_name} {address.last_name}", "firstName": address.first_name,
        "lastName": address.last_name, "companyName": address.company_name,
        "address": ", ".join(part for part in (address.address1, address.address2) if part),
        "address1": address.address1, "address2": address.address2, "city": address.city, "state": address.state,
        "country": address.country, "postcode": address.postcode, "useForShipping": use_for_shipping,
        "email": address.email, "phone": address.phone, "gender": None, "vatId": None, "defaultAddress": False,
        "createdAt": iso(order.created_at), "updatedAt": iso(order.created_at),
    }


ADDRESS_FIELDS = ("company_name", "first_name", "last_name", "email", "phone", "address1", "address2", "city",
                  "state", "country", "postcode")


def add_addresses(by_id: dict, orders: dict, _sales):
    grouped = defaultdict(list)
    for address in (OrderAddress.select().where(OrderAddress.order.in_(list(by_id)))
                    .order_by(OrderAddress.order, OrderAddress.address_type, OrderAddress.id)):
        grouped[address.order_id].append(address)
    for order_id, document in by_id.items():
        addresses = grouped[order_id]
        shipping = [tuple(getattr(a, f) for f in ADDRESS_FIELDS) for a in addresses if a.address_type == "shipping"]
        document["addresses"] = [
            address_document(address, orders[order_id], address.address_type == "billing"
                             and tuple(getattr(address, f) for f in ADDRESS_FIELDS) in shipping)
            for address in addresses]


def add_payments(by_id: dict, _orders, _sales):
    payments = {}
    for payment in OrderPayment.select().where(OrderPayment.order.in_(list(by_id))).order_by(OrderPayment.id.desc()):
        payments[payment.order_id] = {"method": payment.method, "methodTitle": payment.method_title,
                                      "additional": payment.additional or {}}
    for order_id, document in by_id.items():
        document["payment"] = payments.get(order_id)


def add_history(by_id: dict, _orders, _sales):
    for document in by_id.values():
        document["statusHistory"] = []
    for row in (OrderStatusHistory.select().where(OrderStatusHistory.order.in_(list(by_id)))
                .order_by(OrderStatusHistory.id)):
        by_id[row.order_id]["statusHistory"].append(
            {"status": row.status, "comment": row.comment, "createdAt": iso(row.created_at)})


def add_invoices(by_id: dict, orders: dict, sales: SalesContext):
    for document in by_id.values():
        document["invoices"] = []
    for invoice in Invoice.select().where(Invoice.order.in_(list(by_id))).order_by(Invoice.id):
        order = orders[invoice.order_id]
        by_id[invoice.order_id]["invoices"].append({
            "id": invoice.id, "incrementId": invoice.increment_id, "state": invoice.state,
            "totalQty": invoice.total_qty, "grandTotal": json_number(invoice.grand_total),
            "baseGrandTotal": json_number(invoice.base_grand_total),
            "formattedGrandTotal": sales.format(order.order_currency_code, invoice.grand_total),
            "downloadUrl": sales.url(order.channel_id, f"/api/shop/customer-invoices/{invoice.id}/pdf"),
            "createdAt": iso(invoice.created_at)})


def add_shipments(by_id: dict, _orders, _sales):
    for document in by_id.values():
        document["shipments"] = []
    shipments = list(Shipment.select().where(Shipment.order.in_(list(by_id))).order_by(Shipment.id))
    for document in shipment_documents(shipments):
        by_id[document.pop("orderId")]["shipments"].append(document)


# --- shipments -------------------------------------------------------------------------------------------

def shipment_documents(shipments: list[Shipment]) -> list[dict]:
    items = defaultdict(list)
    if shipments:
        for item in (ShipmentItem.select().where(ShipmentItem.shipment.in_([s.id for s in shipments]))
                     .order_by(ShipmentItem.id)):
            items[item.shipment_id].append({
                "id": item.id, "orderItemId": item.order_item_id, "sku": item.sku, "name": item.name,
                "qty": item.qty, "weight": json_number(item.weight)})
    return [{
        "id": shipment.id, "orderId": shipment.order_id, "status": shipment.status, "totalQty": shipment.total_qty,
        "totalWeight": json_number(shipment.total_weight), "carrierCode": shipment.carrier_code,
        "carrierTitle": shipment.carrier_title, "trackNumber": shipment.track_number, "emailSent": False,
        "shippingNumber": sales_documents.shipment_number(shipment.id),
        "inventorySourceId": shipment.inventory_source_id, "createdAt": iso(shipment.created_at),
        "updatedAt": iso(shipment.updated_at), "items": items[shipment.id],
    } for shipment in shipments]


def graphql_customer_order_shipments(context: RequestContext, window: Window, order_id: int | None = None) -> Page:
    """The shipments of one of the customer's orders, or without `orderId` of all their orders in this channel."""
    if order_id is not None:
        query = Shipment.select().where(Shipment.order == own_order(context, order_id).id)
    else:
        query = (Shipment.select().join(Order)
                 .where(Order.customer == current_customer_id(context), Order.channel == context.channel_id))
    shipments = list(query.order_by(Shipment.id).offset(window.offset).limit(window.limit))
    return Page(shipment_documents(shipments), query.count())


def graphql_customer_order_shipment(context: RequestContext, id: int) -> dict:
    shipment = (Shipment.select().join(Order)
                .where(Shipment.id == id, Order.customer == current_customer_id(context),
                       Order.channel == context.channel_id).first())
    if shipment is None:
        raise ShipmentNotFound(id)
    return shipment_documents([shipment])[0]


# --- cancel and reorder ----------------------------------------------------------------------------------

def graphql_cancel_customer_order(context: RequestContext, input: dict) -> dict:
    """createCancelOrder: a pending order with nothing invoiced or shipped is canceled whole and its
    stock returned; otherwise `success: false` with the documented message (no change)."""
    order = own_order(context, input["orderId"])
    try:
        sales_documents.cancel_order(order, "Canceled by the customer", whole_order_only=True)
        success, message = True, CANCELED
    except sales_documents.CannotCancel as refused:
        success, message = False, refused.message
    status = Order.select(Order.status).where(Order.id == order.id).scalar()
    return {"success": success, "message": message, "orderId": order.id, "status": status}


def reorder_requests(order_id: int) -> list[tuple[OrderItem, dict | None]]:
    """The add-to-cart body for every top-level item (None when its product is gone)."""
    items = list(OrderItem.select().where(OrderItem.order == order_id).order_by(OrderItem.id))
    first_child = {}
    for item in items:
        if item.parent_id is not None:
            first_child.setdefault(item.parent_id, item)
    requests = []
    for item in (item for item in items if item.parent_id is None):
        if item.product_id is None:
            requests.append((item, None))
            continue
        additional = item.additional or {}
        body = {"productId": item.product_id, "quantity": item.qty_ordered}
        for camel, snake in SELECTION_KEYS:
            value = additional.get(camel, additional.get(snake))
            if value not in (None, "", [], {}):
                body[camel] = value
        child = first_child.get(item.id)
        if item.product_type == "configurable" and "selectedConfigurableOption" not in body and child:
            body["selectedConfigurableOption"] = child.product_id
        requests.append((item, body))
    return requests


def graphql_reorder_customer_order(context: RequestContext, input: dict) -> dict:
    """createReorderOrder: each item goes into the customer's cart through the add-to-cart rules;
    an item that cannot be added is skipped and listed in `unavailableItems`."""
    order = own_order(context, input["orderId"])
    cart = carts.current_cart(context, create=True)
    added, unavailable = 0, []
    for item, body in reorder_requests(order.id):
        if body is None:
            unavailable.append(unavailable_item(item, "The product is no longer available."))
            continue
        try:
            with database.atomic():
                carts.add_product(context, cart, body)
            added += 1
        except ApiError as refused:
            unavailable.append(unavailable_item(item, refused.message))
    message = f"Items have been added to your cart successfully ({added} items)" if added else NOTHING_REORDERED
    return {"success": added > 0, "message": message, "orderId": order.id, "itemsAddedCount": added,
            "unavailableItems": unavailable}


def unavailable_item(item: OrderItem, reason: str) -> dict:
    return {"productId": item.product_id, "sku": item.sku, "name": item.name, "quantity": item.qty_ordered,
            "message": reason}


def side_address(side: str):
    def resolve(document: dict, _info):
        return next((address for address in document.get("addresses") or () if address["addressType"] == side), None)
    return resolve


graphql_resolvers = {
    "CustomerOrder": {
        "subtotal": lambda document, _info: document["subTotal"],
        "taxTotal": lambda document, _info: document.get("taxAmount"),
        "shippingTotal": lambda document, _info: document.get("shippingAmount"),
        "paymentMethod": lambda document, _info: (document.get("payment") or {}).get("method"),
        "billingAddress": side_address("billing"), "shippingAddress": side_address("shipping"),
    },
    "CustomerOrderAddress": {"zipCode": lambda document, _info: document.get("postcode")},
    "CustomerOrderShipmentItem": {"quantity": lambda document, _info: document["qty"]},
    "CustomerOrderItem": {"additional": lambda document, _info: json.dumps(document.get("additional") or {}),
                          "productName": lambda document, _info: document["name"],
                          "quantity": lambda document, _info: document["qtyOrdered"],
                          "totalPrice": lambda document, _info: document["total"]},
    "CustomerOrderPayment": {"additional": lambda document, _info: json.dumps(document.get("additional") or {})},
}
