"""Admin draft carts and the Create Order flow over REST and GraphQL (specs: sales_carts): the cart
documents the pages show, over the rules in `domain.sales.admin_carts` (which run the storefront's
cart, totals, checkout steps and order placement)."""
from dataclasses import replace
from decimal import Decimal

from connexion import request

from domain.common import Page, RequestContext, Window, iso, json_number
from domain.sales import admin_carts
from domain.sales.cart_totals import compute_totals
from domain.sales.order_placement import cart_addresses
from domain.sales.payments import payment_methods
from handlers.shop.orders import reorder_requests
from storage.models import Product
from storage.sales_models import Cart, CartAddress

ORDER_PLACED = "Order placed successfully."


# --- documents ---------------------------------------------------------------------------------------

def number(amount: Decimal | None):
    return json_number(amount if amount is not None else Decimal(0))


def address_document(address: CartAddress | None) -> dict | None:
    if address is None:
        return None
    return {"addressType": address.address_type, "companyName": address.company_name,
            "firstName": address.first_name, "lastName": address.last_name, "email": address.email,
            "address": "\n".join(line for line in (address.address1, address.address2) if line),
            "city": address.city, "state": address.state, "country": address.country, "postcode": address.postcode,
            "phone": address.phone}


def child_document(product: Product, name: str, quantity: int | None = None, price=None) -> dict:
    return {"id": product.id, "productId": product.id, "sku": product.sku, "name": name, "type": product.type,
            "quantity": quantity, "price": None if price is None else number(price)}


def item_document(context: RequestContext, cart: Cart, line, products: dict) -> dict:
    money = replace(context.currency, rate=Decimal(1))  # amounts are converted already
    item = line.item
    additional = {**(item.additional or {}), "quantity": line.quantity, "product_id": item.product_id}
    child = None
    if item.child_id:
        additional["selected_configurable_option"] = item.child_id
        child = child_document(products[item.child_id], line.name, line.quantity)
    children = [child_document(products[part["product_id"]], part["name"], part["qty"] * line.quantity,
                               context.currency.convert(part["base_price"]))
                for part in line.children if part["product_id"] in products]
    return {
        "id": item.id, "cartId": cart.id, "productId": item.product_id, "sku": line.sku, "type": line.type,
        "name": line.name, "quantity": line.quantity, "price": number(line.unit_price),
        "basePrice": number(line.base_unit_price), "total": number(line.total), "baseTotal": number(line.base_total),
        "discountAmount": number(line.discount), "taxPercent": number(line.tax_percent), "taxAmount": number(line.tax),
        "formattedPrice": money.format(line.unit_price), "formattedTotal": money.format(line.total),
        "options": [dict(option) for option in line.options], "additional": additional,
        "child": child, "children": children,
    }


def cart_document(context: RequestContext, cart: Cart, message: str | None = None) -> dict:
    """The draft cart as the admin cart pages show it (every cart write answers it whole)."""
    cart = Cart.get_by_id(cart.id)
    context = admin_carts.cart_context(context, cart)
    totals = compute_totals(context, cart)
    money = replace(context.currency, rate=Decimal(1))
    addresses = cart_addresses(cart)
    product_ids = {line.item.child_id for line in totals.lines if line.item.child_id}
    product_ids |= {part["product_id"] for line in totals.lines for part in line.children}
    products = {row.id: row for row in Product.select().where(Product.id.in_(list(product_ids)))} if product_ids else {}
    rate = totals.shipping_rate
    method = next((method for method in payment_methods(context, cart) if method.code == cart.payment_method), None)
    amounts = {"subTotal": totals.sub_total, "discountAmount": totals.discount, "taxTotal": totals.tax,
               "shippingAmount": totals.shipping, "grandTotal": totals.grand_total}
    order = admin_carts.order_of(cart)
    return {
        "id": cart.id, "customerId": cart.customer_id, "customerEmail": cart.customer_email,
        "customerFirstName": cart.customer_first_name, "customerLastName": cart.customer_last_name,
        "channelId": cart.channel_id, "isGuest": cart.customer_id is None, "isActive": False,
        "itemsCount": totals.items_count, "itemsQty": totals.items_qty,
        "currencyCode": totals.currency_code, "baseCurrencyCode": totals.base_currency_code,
        **{name: number(value) for name, value in amounts.items()},
        **{"formatted" + name[0].upper() + name[1:]: money.format(value) for name, value in amounts.items()},
        "baseSubTotal": number(totals.base_sub_total), "baseDiscountAmount": number(totals.base_discount),
        "baseTaxTotal": number(totals.base_tax), "baseShippingAmount": number(totals.base_shipping),
        "baseGrandTotal": number(totals.base_grand_total),
        "couponCode": totals.coupon_code,
        "shippingMethod": rate.code if rate else None,
        "shippingMethodTitle": f"{rate.carrier_title} - {rate.method_title}" if rate else None,
        "paymentMethod": method.code if method else None, "paymentMethodTitle": method.title if method else None,
        "haveStockableItems": totals.needs_shipping,
        "items": [item_document(context, cart, line, products) for line in totals.lines],
        "billingAddress": address_document(addresses.get("billing")),
        "shippingAddress": address_document(addresses.get("shipping")),
        "orderId": order.id if order else None,
        "createdAt": iso(cart.created_at), "updatedAt": iso(cart.updated_at),
        "success": True if message else None, "message": message,
    }


def cart_key(fields: dict) -> dict:
    """GraphQL inputs name the cart by `cartId` (an id or IRI) or by the IRI `id`."""
    fields = dict(fields)
    if fields.get("cartId") is None and fields.get("id") is not None:
        fields["cartId"] = fields["id"]
    fields.pop("id", None)
    return fields


def order_key(fields: dict) -> dict:
    """createAdminReorder names the order `orderId` (an IRI or id): the operation's path `id`."""
    fields = dict(fields)
    fields["id"] = fields.pop("orderId", None)
    return fields


def open_cart_in(context: RequestContext, cart_id: int) -> tuple[RequestContext, Cart]:
    cart = admin_carts.draft_cart(cart_id)
    return admin_carts.cart_context(context, cart), cart


# --- REST operations (GraphQL binds to them) -----------------------------------------------------------

def create_admin_draft_cart(context: RequestContext, customer_id: int):
    cart = admin_carts.open_draft_cart(context, customer_id)
    return {"cartId": cart.id, "customerId": cart.customer_id, "success": True, "message": "Draft cart created."}, 201


def create_admin_cart(context: RequestContext, body: dict | None = None):
    cart = admin_carts.open_draft_cart(context, (body or {}).get("customerId"))
    return cart_document(context, cart, "Draft cart created."), 201


def get_admin_cart(context: RequestContext, id: int) -> dict:
    return cart_document(context, admin_carts.draft_cart(id, open_only=False))


def add_admin_cart_item(context: RequestContext, cart_id: int, body: dict) -> dict:
    scoped, cart = open_cart_in(context, cart_id)
    admin_carts.add_item(scoped, cart, body)
    return cart_document(context, cart, "Item added to cart.")


def update_admin_cart_items(context: RequestContext, cart_id: int, body: dict) -> dict:
    scoped, cart = open_cart_in(context, cart_id)
    admin_carts.update_quantities(scoped, cart, body["qty"])
    return cart_document(context, cart, "Cart items updated.")


def remove_admin_cart_item(context: RequestContext, cart_id: int, body: dict | None = None) -> dict:
    _scoped, cart = open_cart_in(context, cart_id)
    admin_carts.remove_line(cart, (body or {}).get("cartItemId"))
    return cart_document(context, cart, "Item removed from cart.")


def apply_admin_cart_coupon(context: RequestContext, cart_id: int, body: dict) -> dict:
    scoped, cart = open_cart_in(context, cart_id)
    admin_carts.apply_coupon(scoped, cart, body["code"])
    return cart_document(context, cart, "Coupon applied.")


def remove_admin_cart_coupon(context: RequestContext, cart_id: int) -> dict:
    _scoped, cart = open_cart_in(context, cart_id)
    admin_carts.remove_coupon(cart)
    return cart_document(context, cart, "Coupon removed.")


def save_admin_cart_addresses(context: RequestContext, cart_id: int, body: dict) -> dict:
    _scoped, cart = open_cart_in(context, cart_id)
    admin_carts.save_cart_addresses(cart, body)
    return cart_document(context, cart, "Address saved.")


def list_admin_cart_shipping_methods(context: RequestContext, cart_id: int, window: Window) -> Page:
    scoped, cart = open_cart_in(context, cart_id)
    rates, totals = admin_carts.shipping_rates(scoped, cart)
    base = replace(scoped.currency, rate=Decimal(1))
    rows = []
    for rate in rates:
        price = Decimal(0) if totals.free_shipping else rate.base_price
        rows.append({"method": rate.code, "carrierCode": rate.carrier, "carrierTitle": rate.carrier_title,
                     "methodTitle": rate.method_title, "description": rate.description,
                     "price": number(scoped.currency.convert(price)), "formattedPrice": scoped.currency.format(price),
                     "baseTotal": number(price), "formattedBaseTotal": base.format(price)})
    return Page(rows[window.offset:window.offset + window.limit], len(rows))


def set_admin_cart_shipping_method(context: RequestContext, cart_id: int, body: dict) -> dict:
    scoped, cart = open_cart_in(context, cart_id)
    admin_carts.set_shipping_method(scoped, cart, body["shippingMethod"])
    return cart_document(context, cart, "Shipping method saved.")


def list_admin_cart_payment_methods(context: RequestContext, cart_id: int, window: Window) -> Page:
    scoped, cart = open_cart_in(context, cart_id)
    rows = [{"method": method.code, "methodTitle": method.title, "description": method.description,
             "sort": method.sort_order, "image": None} for method in admin_carts.payment_methods(scoped, cart)]
    return Page(rows[window.offset:window.offset + window.limit], len(rows))


def set_admin_cart_payment_method(context: RequestContext, cart_id: int, body: dict) -> dict:
    scoped, cart = open_cart_in(context, cart_id)
    admin_carts.set_payment_method(scoped, cart, body["method"])
    return cart_document(context, cart, "Payment method saved.")


def idempotency_key(body: dict | None) -> str | None:
    """`idempotencyKey` of the body (GraphQL's input), else the REST request's Idempotency-Key header."""
    if (body or {}).get("idempotencyKey"):
        return body["idempotencyKey"]
    try:
        return request.headers.get("Idempotency-Key") or None
    except (RuntimeError, LookupError, AttributeError):  # no REST request in flight (GraphQL)
        return None


def place_admin_order(context: RequestContext, cart_id: int, body: dict | None = None):
    order = admin_carts.place(context, cart_id, idempotency_key(body))
    return {"orderId": order.id, "incrementId": order.increment_id, "customerId": order.customer_id,
            "status": order.status, "grandTotal": number(order.grand_total),
            "baseGrandTotal": number(order.base_grand_total), "orderCurrencyCode": order.order_currency_code,
            "success": True, "message": ORDER_PLACED}, 201


def reorder_admin_order(context: RequestContext, id: int):
    """A new draft cart with the items of order `id` (the order view's Reorder button)."""
    order = admin_carts.reorderable_order(context, id)
    cart = admin_carts.reorder(context, order, [body for _item, body in reorder_requests(order.id)])
    return {"success": True, "message": "Reorder successful. A new draft cart has been created.",
            "cartId": cart.id}, 201
