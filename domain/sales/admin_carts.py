"""Admin draft carts (the back office's Create Order): a cart an admin builds for a customer or a
guest and places as an order, through the storefront's own rules.

A draft cart is a `Cart` with `is_draft`: open (`is_active`) until its order is placed, never the
customer's storefront cart (`cart.customer_cart` skips drafts), reached by no cart token, only by its
id through the admin API. Everything else is the storefront's code path: lines of every product type
and their stock checks (`cart.add_product`), totals (`cart_totals.compute_totals`, with the cart's
customer group), coupons (`cart_totals.check_coupon`), the checkout steps (`checkout_steps`) and the
order itself (`order_placement.place_order`: one transaction, conditional stock updates, coupon
limits, Idempotency-Key).

The admin flow enforces its steps in order, each missing step a 409 of its own: items, then both
addresses (shipping rates), then the shipping method (payment methods; a cart without physical
items needs only the billing address), then the payment method (place order). Only offline
payment methods place admin orders (`ADMIN_PAYMENT_METHODS`); booking products are not sold here.
A reorder starts a draft cart from an earlier order of a customer, its items added with the same rules.
"""
from dataclasses import replace

from domain.common import RequestContext
from domain.errors import ApiError, NotFound, Unprocessable
from domain.scope import scoped_context
from domain.sales import cart as carts
from domain.sales import payments
from domain.sales.cart_totals import CartTotals, compute_totals
from domain.sales.checkout_steps import address_values, choose_payment, choose_shipping_rate, save_addresses
from domain.sales.order_placement import cart_addresses, chosen_payment_method, place_order, replay
from domain.sales.store_config import config_values, flag
from storage.customer_models import Customer
from storage.db import database
from storage.models import Channel, Product, utcnow
from storage.sales_models import Cart, CartItem, Order

ADMIN_PAYMENT_METHODS = ("cashondelivery", "moneytransfer")
ADMIN_REORDER = "sales.order_settings.reorder.admin"  # store setting: admins may reorder (default on)
BOOKING_REFUSED = ("Booking products cannot be added to an admin draft order. Booking purchases must be made "
                   "through the customer storefront.")


# --- errors ----------------------------------------------------------------------------------------

def customer_not_found() -> ApiError:
    return ApiError(404, "Customer not found", "not_found", {"customerId": ["No customer has this id."]})


def storefront_cart() -> ApiError:
    return ApiError(403, "This cart cannot be modified through the admin API.", "storefront_cart")


def cart_ordered() -> ApiError:
    return ApiError(409, "This cart has already been ordered.", "cart_ordered")


def step_missing(error: str, message: str, field: str, detail: str) -> ApiError:
    return ApiError(409, message, error, {field: [detail]})


def empty_cart() -> ApiError:
    return step_missing("cart_empty", "The cart is empty: add an item first.", "items", "Add at least one item.")


# --- the draft cart -----------------------------------------------------------------------------------

def open_draft_cart(context: RequestContext, customer_id: int | None) -> Cart:
    """A new, empty draft cart for the customer (or a guest when None) in the request's channel."""
    customer = None
    if customer_id is not None:
        customer = Customer.get_or_none(Customer.id == customer_id)
        if customer is None:
            raise customer_not_found()
    return Cart.create(customer=customer.id if customer else None, channel=context.channel_id, is_draft=True,
                       currency_code=context.currency.code,
                       customer_email=customer.email if customer else None,
                       customer_first_name=customer.first_name if customer else None,
                       customer_last_name=customer.last_name if customer else None)


def draft_cart(cart_id: int, open_only: bool = True) -> Cart:
    """The draft cart `cart_id`: 404 when there is none, 403 for a storefront cart, 409 once it was
    ordered (unless `open_only` is false: reads and place-order retries)."""
    cart = Cart.get_or_none(Cart.id == cart_id)
    if cart is None:
        raise carts.cart_not_found()
    if not cart.is_draft:
        raise storefront_cart()
    if open_only and not cart.is_active:
        raise cart_ordered()
    return cart


def cart_context(context: RequestContext, cart: Cart) -> RequestContext:
    """The request's context in the cart's channel (prices, rates and methods are the channel's)."""
    if cart.channel_id == context.channel_id:
        return context
    channel = Channel.get_by_id(cart.channel_id)
    scoped = scoped_context(context.media_url, channel=channel.code, locale=context.locale,
                            currency=context.currency.code)
    return replace(scoped, admin=context.admin, public_url=context.public_url, client_ip=context.client_ip)


def order_of(cart: Cart) -> Order | None:
    return Order.select().where(Order.cart_id == cart.id).first() if not cart.is_active else None


# --- lines -------------------------------------------------------------------------------------------

def storefront_body(body: dict) -> dict:
    """The add-item body (typed fields, or the storefront's snake_case keys) as the storefront cart
    reads it: groupedQuantities -> groupedQty, bundleOptions [{optionId, productIds, quantity}] ->
    bundleOptions {optionId: ids} + bundleOptionQty {optionId: quantity}."""
    shop = {"productId": body.get("productId"), "quantity": body.get("quantity"), "links": body.get("links")}
    variant = body.get("selectedConfigurableOption", body.get("selected_configurable_option"))
    if variant is not None:
        shop["selectedConfigurableOption"] = variant
    if body.get("groupedQuantities") is not None:
        shop["groupedQty"] = {str(row["productId"]): row["quantity"] for row in body["groupedQuantities"]}
    elif body.get("qty") is not None:
        shop["groupedQty"] = body["qty"]
    if body.get("bundleOptions") is not None:
        shop["bundleOptions"] = {str(row["optionId"]): row["productIds"] for row in body["bundleOptions"]}
        shop["bundleOptionQty"] = {str(row["optionId"]): row["quantity"] for row in body["bundleOptions"]
                                   if row.get("quantity") is not None}
    elif body.get("bundle_options") is not None:
        shop["bundleOptions"] = body["bundle_options"]
        shop["bundleOptionQty"] = body.get("bundle_option_qty")
    return {key: value for key, value in shop.items() if value is not None}


def add_item(context: RequestContext, cart: Cart, body: dict):
    """Add a product with the storefront cart's rules; booking products are refused (400)."""
    product = Product.get_or_none(Product.id == body.get("productId"))
    if product is not None and product.type == "booking":
        raise ApiError(400, BOOKING_REFUSED, "booking_not_supported",
                       {"productId": ["Booking products cannot be added to an admin draft order."]})
    carts.add_product(context, cart, storefront_body(body))


def update_quantities(context: RequestContext, cart: Cart, quantities: dict):
    """{cart item id: quantity}, all or nothing; 0 removes the line."""
    lines = {str(line.id): line for line in carts.lines_of(cart)}
    unknown = [key for key in quantities if str(key) not in lines]
    if unknown:
        raise ApiError(404, "Cart item not found", "item_not_found",
                       {"qty": [f"Cart items {', '.join(map(str, unknown))} are not lines of this cart."]})
    with database.atomic():
        for key, quantity in quantities.items():
            if quantity == 0:
                carts.remove_item(cart, lines[str(key)].id)
            else:
                carts.set_item_quantity(context, cart, lines[str(key)].id, quantity)


def remove_line(cart: Cart, item_id):
    if item_id is None:
        raise Unprocessable({"cartItemId": ["The cartItemId field is required."]})
    carts.remove_item(cart, item_id)


# --- coupon ------------------------------------------------------------------------------------------

def apply_coupon(context: RequestContext, cart: Cart, code: str):
    """The storefront's coupon checks for the cart's customer; the code already applied is 422."""
    code = code.strip()
    if cart.coupon_code and cart.coupon_code.lower() == code.lower():
        message = "This coupon is already applied to the cart."
        raise ApiError(422, message, "coupon_already_applied", {"code": [message]})
    try:
        carts.apply_coupon_code(context, cart, code)
    except ApiError as error:
        if error.errors:  # the storefront names its field couponCode; here it is code
            error.errors = {("code" if name in ("couponCode", "coupon") else name): messages
                            for name, messages in error.errors.items()}
        raise


def remove_coupon(cart: Cart):
    """Idempotent: no coupon applied is no change."""
    if cart.coupon_code:
        cart.coupon_code = None
        Cart.update(coupon_code=None, updated_at=utcnow()).where(Cart.id == cart.id).execute()


# --- addresses ---------------------------------------------------------------------------------------

def address_columns(data: dict | None, side: str) -> dict:
    """CartAddress columns from an admin address (street lines in `address`), errors named `side.field`."""
    data = dict(data or {})
    lines = data.get("address")
    lines = [lines] if isinstance(lines, str) else [line.strip() for line in lines or [] if line and line.strip()]
    data["address"] = lines[0] if lines else ""
    values = address_values(data, lambda field: f"{side}.{field}")
    values["address2"] = "\n".join(lines[1:]) or None
    return values


def save_cart_addresses(cart: Cart, body: dict):
    """billing, and shipping unless billing.useForShipping; every invalid field of both in one 422."""
    billing_data = body.get("billing") or {}
    use_billing = bool(billing_data.get("useForShipping"))
    changes, errors = {}, {}
    for side, data in (("billing", billing_data), ("shipping", None if use_billing else body.get("shipping"))):
        if side == "shipping" and use_billing:
            continue
        if side == "shipping" and not data:
            errors["shipping"] = ["The shipping address is required unless billing.useForShipping is true."]
            continue
        try:
            changes[side] = address_columns(data, side)
        except ApiError as error:
            errors.update(error.errors or {})
    if errors:
        raise Unprocessable(errors)
    if use_billing:
        changes["shipping"] = dict(changes["billing"])
    save_addresses(cart, changes)


# --- the steps in order --------------------------------------------------------------------------------

def require_addresses(context: RequestContext, cart: Cart) -> CartTotals:
    """Items, then both addresses (a cart without physical items: the billing address); the totals."""
    if not CartItem.select().where(CartItem.cart == cart.id).exists():
        raise empty_cart()
    totals = compute_totals(context, cart)
    addresses = cart_addresses(cart)
    needed = ("billing", "shipping") if totals.needs_shipping else ("billing",)
    missing = [side for side in needed if side not in addresses]
    if missing:
        raise step_missing("addresses_required", "Addresses must be saved before selecting a shipping method.",
                           f"{missing[0]}Address", f"The {missing[0]} address is required.")
    return totals


def require_shipping(context: RequestContext, cart: Cart) -> CartTotals:
    totals = require_addresses(context, cart)
    if totals.needs_shipping and totals.shipping_rate is None:
        raise step_missing("shipping_required", "Shipping method must be selected before payment method.",
                           "shippingMethod", "Select a shipping method first.")
    return totals


def shipping_rates(context: RequestContext, cart: Cart) -> tuple[list, CartTotals]:
    totals = require_addresses(context, cart)
    return totals.shipping_rates, totals


def set_shipping_method(context: RequestContext, cart: Cart, code: str):
    require_addresses(context, cart)
    choose_shipping_rate(context, cart, code, "shippingMethod")


def payment_methods(context: RequestContext, cart: Cart) -> list[payments.PaymentMethod]:
    require_shipping(context, cart)
    return payments.payment_methods(context, cart)


def set_payment_method(context: RequestContext, cart: Cart, code: str) -> payments.PaymentMethod:
    require_shipping(context, cart)
    return choose_payment(context, cart, code, "method")


# --- placing the order -----------------------------------------------------------------------------------

def place(context: RequestContext, cart_id: int, idempotency_key: str | None) -> Order:
    """The order of the draft cart, through the storefront's placement; a retried key answers the order
    placed the first time."""
    cart = draft_cart(cart_id, open_only=False)
    context = cart_context(context, cart)
    if not cart.is_active:
        earlier = replay(context, idempotency_key, cart) if idempotency_key else None
        if earlier is None:
            raise cart_ordered()
        return earlier
    require_shipping(context, cart)
    if chosen_payment_method(context, cart) is None:
        raise step_missing("payment_required", "Payment method must be selected before placing the order.",
                           "paymentMethod", "Select a payment method first.")
    if cart.payment_method not in ADMIN_PAYMENT_METHODS:
        message = "Admin orders can only be paid by cash on delivery or money transfer."
        raise ApiError(422, message, "payment_method_unsupported", {"paymentMethod": [message]})
    try:
        return place_order(context, cart, idempotency_key)
    except ApiError as error:
        if error.status == 409:  # a concurrent placement of this cart won
            earlier = replay(context, idempotency_key, cart) if idempotency_key else None
            if earlier is not None:
                return earlier
            raise cart_ordered() from None
        raise


# --- reorder: a draft cart from an earlier order ------------------------------------------------------------

def reorderable_order(context: RequestContext, order_id: int) -> Order:
    """The order to reorder: 404 when there is none; 422 for a guest's order or when the store turned
    admin reorders off."""
    order = Order.get_or_none(Order.id == order_id)
    if order is None:
        raise NotFound("Order")
    if order.is_guest or order.customer_id is None:
        message = "Reorder is not supported for guest orders."
        raise ApiError(422, message, "guest_order", {"orderId": [message]})
    if not flag(config_values(ADMIN_REORDER, context.channel_code), ADMIN_REORDER, True):
        message = "Reorder by admin is disabled in store settings."
        raise ApiError(422, message, "reorder_disabled", {"orderId": [message]})
    return order


def reorder(context: RequestContext, order: Order, bodies: list[dict | None]) -> Cart:
    """A new draft cart for the order's customer with its items (`bodies`: the add-to-cart body of each
    item, None for a product that is gone). 422 when a product is no longer sold (gone, disabled, hidden);
    otherwise each item is added with the cart's rules, best effort (one refused for its stock is left out)."""
    try:
        for body in bodies:
            if body is None:
                raise carts.product_not_found()
            carts.addable_product(context, body["productId"])
    except ApiError:
        message = "One or more items in this order are no longer available for purchase."
        raise ApiError(422, message, "items_unavailable", {"orderId": [message]}) from None
    with database.atomic():
        cart = open_draft_cart(context, order.customer_id)
        for body in bodies:
            try:
                with database.atomic():
                    carts.add_product(context, cart, body)
            except ApiError:
                continue
    return cart
