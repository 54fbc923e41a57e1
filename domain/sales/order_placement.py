"""Placing an order: the cart becomes an order in one database transaction.

Inside the transaction, in this order:
1. the cart is claimed (`is_active` true -> false, a conditional UPDATE): a concurrent placement of
   the same cart finds it closed and answers 409 "Cart is empty". So does one that arrives after the
   order committed, when its token no longer names an active cart (`answer_for_ordered_cart`): the
   loser of a race is 409 however late it lost, or the same order with the same Idempotency-Key;
2. totals are computed again with `cart_totals.compute_totals`, so the order carries exactly what
   the cart showed; the checkout steps are checked on them (addresses, shipping method still offered,
   payment method still active), and a coupon on the cart that no longer applies (used up, expired,
   conditions no longer met) refuses the order with 422 naming it: never an order without the
   discount the buyer was shown;
3. the order, its items (a configurable line: parent + variant child; a bundle line: parent + one
   child per selected product), both addresses, the status history and the payment record (the
   processor's `authorize`) are written;
4. units that other carts hold (domain.sales.reservations) are not sellable: 422 as for a shortage;
   this cart's own reservations are converted (they stop counting as the stock is taken); then
   stock is taken per inventory source, lowest `priority` number first, each step a conditional
   `UPDATE … SET qty = qty - n WHERE id = ? AND qty >= n`, recorded in OrderItemInventory; products
   are visited in id order so two orders never wait on each other's rows in opposite order. When a
   product cannot be covered, everything rolls back and the answer is 422 naming the product;
   booked places are taken the same way (domain.booking.capacity: a conditional UPDATE per slot,
   rental day or hour and event ticket that never passes its capacity), else 422 and a rollback;
5. coupon and rule usage is counted: the coupon's use is a conditional UPDATE that never passes its
   limit, so a placement that loses the coupon's last use to a concurrent one rolls back with the
   same 422; then the payment is authorized and `sales_documents.after_order_placed` runs.
On SQLite the transaction starts with BEGIN IMMEDIATE: writers queue for the database lock
(busy_timeout) instead of failing when a read snapshot turns out stale.

Idempotency: an order remembers the `Idempotency-Key` it was placed with and a fingerprint of the
cart's lines. The same key from the same customer (or for the same guest cart, or the same admin
draft cart) returns that order; the same key with different lines in the cart is 422
`idempotency_key_reused`.

Amounts: top-level order items carry the line amounts and add up to the order totals; a
configurable line's child carries zero amounts, a bundle's children their own unit prices (for
display only).
"""
import hashlib
import importlib
import json
import uuid
from collections import Counter
from dataclasses import dataclass

from peewee import SQL, IntegrityError, fn

from domain.booking.capacity import reserve_bookings
from domain.sales import cart_rules, cart_totals, payments, reservations
from domain.sales import subscriptions
from domain.errors import ApiError
from domain import licenses
from domain.marketplace import sub_orders as marketplace_sub_orders
from domain.sales.documents import order_items
from domain.webhooks import outbox
from storage.compiled import Compiled
from storage.customer_models import Customer
from storage.db import database
from storage.models import InventorySource, Product, ProductInventory, utcnow
from storage.sales_models import (
    Cart, CartAddress, CartItem, Order, OrderAddress, OrderItem, OrderItemInventory, OrderPayment,
    OrderStatusHistory,
)

ADDRESS_FIELDS = ("company_name", "first_name", "last_name", "email", "phone", "address1", "address2", "city",
                  "state", "country", "postcode")
MISSING_DETAILS = "Missing required checkout details"
STEP_MESSAGES = {
    "billingAddress": "Billing address must be set first.",
    "shippingAddress": "Shipping address must be set first.",
    "shippingMethod": "Shipping method must be set first.",
    "paymentMethod": "Payment method must be set first.",
}
KEY_REUSED = "This Idempotency-Key was already used for a different cart."
# A product's stock rows in active sources, in the order placement takes from them.
SOURCES_WITH_STOCK = Compiled(lambda product_id: ProductInventory.select(
    ProductInventory.id, ProductInventory.qty, ProductInventory.inventory_source).join(InventorySource).where(
    ProductInventory.product == product_id, InventorySource.status == True, ProductInventory.qty > 0)  # noqa: E712
    .order_by(InventorySource.priority, InventorySource.id), "int")
FIRST_PAYMENT = Compiled(lambda order_id: OrderPayment.select().where(OrderPayment.order == order_id)
                         .order_by(OrderPayment.id).limit(1), "int")


class CheckoutIncomplete(ApiError):
    def __init__(self, missing: list[str]):
        super().__init__(400, MISSING_DETAILS, "checkout_incomplete",
                         {step: [STEP_MESSAGES[step]] for step in missing})


class CartEmpty(ApiError):
    def __init__(self):
        super().__init__(409, "Cart is empty", "cart_empty")


class InsufficientStock(ApiError):
    def __init__(self, shortages: list[str]):
        super().__init__(422, "Insufficient stock for one or more items.", "insufficient_stock",
                         {"inventory": shortages})


class IdempotencyKeyReused(ApiError):
    def __init__(self):
        super().__init__(422, KEY_REUSED, "idempotency_key_reused", {"Idempotency-Key": [KEY_REUSED]})


# --- checkout steps ----------------------------------------------------------------------------

def cart_addresses(cart: Cart) -> dict[str, CartAddress]:
    return {address.address_type: address for address in cart_totals.CART_ADDRESSES.models(cart.id)}


def missing_steps(context, cart: Cart, totals, addresses: dict, upto: str) -> list[str]:
    """The steps before `upto` (shippingMethod, paymentMethod or order) that are not done.
    Carts without physical items have no shipping steps; a chosen method that is no longer
    offered for the cart as it is now counts as not chosen."""
    missing = []
    if upto in ("paymentMethod", "order") and "billing" not in addresses:
        missing.append("billingAddress")
    if totals.needs_shipping:
        if "shipping" not in addresses:
            missing.append("shippingAddress")
        if upto in ("paymentMethod", "order") and totals.shipping_rate is None:
            missing.append("shippingMethod")
    if upto == "order" and not chosen_payment_method(context, cart):
        missing.append("paymentMethod")
    return missing


def chosen_payment_method(context, cart: Cart) -> payments.PaymentMethod | None:
    """The cart's payment method when it is still active in the channel."""
    if not cart.payment_method:
        return None
    return next((method for method in payments.payment_methods(context, cart) if method.code == cart.payment_method),
                None)


def require_items(cart: Cart) -> list[CartItem]:
    """The cart's items in id order (409 when it has none)."""
    items = cart_totals.CART_ITEMS.models(cart.id)
    if not items:
        raise CartEmpty()
    return items


# --- idempotency -------------------------------------------------------------------------------

def lines_fingerprint(cart_id: int) -> str:
    """SHA-256 of the cart's lines (product, variant, quantity, options), order-independent."""
    return items_fingerprint(CartItem.select().where(CartItem.cart == cart_id))


def items_fingerprint(items) -> str:
    lines = sorted([item.product_id, item.child_id, item.quantity, json.dumps(item.additional or {}, sort_keys=True)]
                   for item in items)
    return hashlib.sha256(json.dumps(lines).encode()).hexdigest()


def keyed_order(context, key: str, guest_cart_id: int | None = None, cart: Cart | None = None) -> Order | None:
    """The order placed earlier with `key` by this customer, or for this guest cart, or (keys an
    admin sends for a draft cart belong to that cart) for this draft cart."""
    if cart is not None and cart.is_draft:
        scope = (Order.cart_id == cart.id)
    elif context.customer_id:
        scope = (Order.customer == context.customer_id)
    elif guest_cart_id or context.cart_id:
        scope = (Order.cart_id == (guest_cart_id or context.cart_id)) & Order.customer.is_null()
    else:
        return None
    return Order.select().where(scope, Order.idempotency_key == key).first()


def replay(context, key: str, current_cart: Cart | None) -> Order | None:
    """The earlier order for `key`, when the cart now in hand is that order's cart, empty, or has the
    same lines; 422 when the key comes back with different lines."""
    order = keyed_order(context, key, current_cart.id if current_cart and not current_cart.customer_id else None,
                        current_cart)
    if order is None:
        return None
    if current_cart is not None and current_cart.id != order.cart_id and (
            CartItem.select().where(CartItem.cart == current_cart.id).exists()
            and lines_fingerprint(current_cart.id) != order.request_fingerprint):
        raise IdempotencyKeyReused()
    return order


# --- placing -----------------------------------------------------------------------------------

def place_order(context, cart: Cart, idempotency_key: str | None) -> Order:
    """Turn `cart` into an order (see the module docstring); returns the order, or the earlier one
    for a retried Idempotency-Key."""
    if idempotency_key:
        earlier = replay(context, idempotency_key, cart)
        if earlier is not None:
            return earlier
    try:
        with database.atomic():  # on SQLite this begins IMMEDIATE (storage.db): writers queue
            return create_order(context, cart, idempotency_key)
    except (IntegrityError, CartEmpty) as error:
        earlier = order_of_concurrent_retry(context, cart, idempotency_key)
        if earlier is None and cart.is_draft and isinstance(error, IntegrityError):
            raise IdempotencyKeyReused() from None  # the customer's own orders already hold this key
        if earlier is None:
            raise
        return earlier


def ordered_cart(context) -> Cart | None:
    """The bearer's cart when an order closed it: a guest token's cart, or the customer's latest cart
    in the channel (asked only when they have no active one)."""
    if context.customer_id is not None:
        cart = (Cart.select().where(Cart.customer == context.customer_id, Cart.channel == context.channel_id,
                                    Cart.is_draft == False)  # noqa: E712
                .order_by(Cart.id.desc()).first())
    elif context.cart_id is not None:
        cart = Cart.get_or_none(Cart.id == context.cart_id)
    else:
        return None
    if cart is None or cart.is_active or not Order.select().where(Order.cart_id == cart.id).exists():
        return None
    return cart


def answer_for_ordered_cart(context, key: str | None, error: ApiError) -> Order:
    """A placement that finds the bearer's cart gone (401 for a guest token, 404 for a customer)
    because an order closed it, a concurrent placement or an earlier one: the order placed with the
    same key, else 409 as for losing the claim. Any other error is raised as it is."""
    cart = ordered_cart(context) if error.status in (401, 404) else None
    if cart is None:
        raise error
    earlier = order_of_concurrent_retry(context, cart, key)
    if earlier is None:
        raise CartEmpty() from None
    return earlier


def order_of_concurrent_retry(context, cart: Cart, key: str | None) -> Order | None:
    """After losing a race (cart already closed, or the key taken by a parallel request): the order
    the parallel request with the same key placed, if that is what happened."""
    earlier = keyed_order(context, key, None if cart.customer_id else cart.id, cart) if key else None
    if earlier is not None and earlier.request_fingerprint != lines_fingerprint(cart.id):
        raise IdempotencyKeyReused()
    return earlier


def create_order(context, cart: Cart, idempotency_key: str | None) -> Order:
    cart = claim_cart(cart)
    totals = cart_totals.compute_totals(context, cart)
    addresses = totals.addresses
    missing = missing_steps(context, cart, totals, addresses, "order")
    if missing:
        raise CheckoutIncomplete(missing)
    if cart.coupon_code and totals.coupon_code is None:
        raise cart_rules.CouponUnavailable(cart.coupon_code, totals.coupon_refusal)
    method = chosen_payment_method(context, cart)
    order = Order.create(increment_id=f"pending-{uuid.uuid4().hex}", channel=cart.channel_id,
                         idempotency_key=idempotency_key, request_fingerprint=items_fingerprint(totals.items),
                         cart_id=cart.id, **customer_fields(cart, addresses), **totals_fields(totals))
    order.increment_id = str(order.id)
    Order.update(increment_id=order.increment_id).where(Order.id == order.id).execute()
    stock_items = write_items(context, order, totals)
    for address_type in ("billing", "shipping"):
        if address_type in addresses:
            copy_address(order, addresses[address_type])
    record_status(order, "pending", "Order placed")
    outbox.emit_order("order.created", order)
    convert_reservations(cart, order, stock_items)
    take_stock(stock_items)
    items = order_items(order.id)
    reserve_bookings(order, items)
    cart_totals.consume_coupon_usage(order, cart.customer_id)  # before the processor sees the order
    payment = authorize_payment(order, method)
    after_order_placed(order, items, payment)
    subscriptions.start_for_order(order, items, payment)
    return order


def claim_cart(cart: Cart) -> Cart:
    """Close the cart and return its row as the claim left it (the chosen methods and coupon as they
    are now); no row means another request ordered it first (or it has no items)."""
    has_items = fn.EXISTS(CartItem.select(SQL("1")).where(CartItem.cart == cart.id))
    claimed = list(Cart.update(is_active=False, updated_at=utcnow())
                   .where(Cart.id == cart.id, Cart.is_active == True, has_items)  # noqa: E712
                   .returning(Cart))
    if not claimed:
        raise CartEmpty()
    return claimed[0]


def customer_fields(cart: Cart, addresses: dict) -> dict:
    if cart.customer_id:
        customer = Customer.get_by_id(cart.customer_id)
        return {"customer": customer.id, "is_guest": False, "customer_email": customer.email,
                "customer_first_name": customer.first_name, "customer_last_name": customer.last_name}
    billing = addresses["billing"]
    return {"customer": None, "is_guest": True, "customer_email": cart.customer_email or billing.email,
            "customer_first_name": cart.customer_first_name or billing.first_name,
            "customer_last_name": cart.customer_last_name or billing.last_name}


def totals_fields(totals) -> dict:
    rate = totals.shipping_rate
    return {
        "status": "pending", "coupon_code": totals.coupon_code,
        "shipping_method": rate.code if rate else None,
        "shipping_title": f"{rate.carrier_title} - {rate.method_title}" if rate else None,
        "shipping_description": rate.description if rate else None,
        "base_currency_code": totals.base_currency_code, "order_currency_code": totals.currency_code,
        "exchange_rate": totals.exchange_rate, "total_item_count": totals.items_count,
        "total_qty_ordered": totals.items_qty,
        "sub_total": totals.sub_total, "base_sub_total": totals.base_sub_total,
        "discount_amount": totals.discount, "base_discount_amount": totals.base_discount,
        "tax_amount": totals.tax, "base_tax_amount": totals.base_tax,
        "shipping_amount": totals.shipping, "base_shipping_amount": totals.base_shipping,
        "grand_total": totals.grand_total, "base_grand_total": totals.base_grand_total,
        "applied_cart_rule_ids": list(totals.applied_rule_ids),
    }


@dataclass
class StockNeed:
    order_item: OrderItem
    product_id: int
    qty: int
    label: str  # "Name" (SKU …) for the 422 message


def write_items(context, order: Order, totals) -> list[StockNeed]:
    """Order items for every cart line; returns the stock each stocked product needs."""
    child_ids = {child["product_id"] for line in totals.lines for child in line.children}
    child_ids |= {line.item.child_id for line in totals.lines if line.item.child_id}
    products = {p.id: p for p in Product.select().where(Product.id.in_(list(child_ids)))} if child_ids else {}
    needs = []
    for line in totals.lines:
        parent = OrderItem.create(
            order=order, product=line.item.product_id, product_type=line.type, sku=line.sku, name=line.name,
            weight=line.product.weight, qty_ordered=line.quantity, price=line.unit_price,
            base_price=line.base_unit_price, total=line.total, base_total=line.base_total,
            tax_percent=line.tax_percent, tax_amount=line.tax, base_tax_amount=line.base_tax,
            discount_amount=line.discount, base_discount_amount=line.base_discount,
            additional={**(line.item.additional or {}), "options": json_safe(line.options)})
        if line.item.child_id:
            variant = products[line.item.child_id]
            child = OrderItem.create(order=order, parent=parent, product=variant.id, product_type=variant.type,
                                     sku=variant.sku, name=line.name, weight=variant.weight,
                                     qty_ordered=line.quantity)
            needs.append(stock_need(child, variant, line.quantity, line.name))
        elif line.children:
            for part in line.children:
                qty = part["qty"] * line.quantity
                price = context.currency.convert(part["base_price"])
                child = OrderItem.create(order=order, parent=parent, product=part["product_id"],
                                         product_type=part["type"], sku=part["sku"], name=part["name"],
                                         weight=products[part["product_id"]].weight, qty_ordered=qty,
                                         price=price, base_price=part["base_price"], total=price * qty,
                                         base_total=part["base_price"] * qty,
                                         additional={"option_id": part["option_id"]})
                needs.append(stock_need(child, products[part["product_id"]], qty, part["name"]))
        else:
            needs.append(stock_need(parent, line.product, line.quantity, line.name))
    return [need for need in needs if need is not None]


def stock_need(order_item: OrderItem, product: Product, qty: int, name: str) -> StockNeed | None:
    if product.type == "downloadable" or not product.manage_stock:  # as handlers.shop.cart counts stock
        return None
    return StockNeed(order_item, product.id, qty, f'"{name}" (SKU {product.sku})')


def json_safe(value):
    """Decimals in line options -> strings, for the JSON column."""
    return json.loads(json.dumps(value, default=str))


def copy_address(order: Order, address: CartAddress):
    OrderAddress.create(order=order, address_type=address.address_type,
                        **{name: getattr(address, name) for name in ADDRESS_FIELDS})


def convert_reservations(cart: Cart, order: Order, needs: list[StockNeed]):
    """Units other carts hold are not sellable to this one (422 naming each product, as a shortage);
    this cart's own reservations become the order's, whose stock take_stock then takes once."""
    wanted = Counter()
    for need in needs:
        wanted[need.product_id] += need.qty
    short = set(reservations.convert(cart, order.id, wanted))
    if short:
        raise InsufficientStock([f"Not enough stock for {need.label}: {need.qty} requested."
                                 for need in sorted(needs, key=lambda need: need.product_id)
                                 if need.product_id in short])


def take_stock(needs: list[StockNeed]):
    """Take every need from the sources in priority order, or raise 422 naming each short product."""
    shortages = []
    for need in sorted(needs, key=lambda need: need.product_id):
        missing = take_from_sources(need)
        if missing:
            shortages.append(f"Not enough stock for {need.label}: {need.qty} requested.")
    if shortages:
        raise InsufficientStock(shortages)


def take_from_sources(need: StockNeed) -> int:
    """Conditional decrements source by source; returns how many units could not be covered."""
    remaining = need.qty
    for row in SOURCES_WITH_STOCK.rows(need.product_id):
        available = row.qty
        while remaining and available > 0:
            take = min(remaining, available)
            left = list(ProductInventory.update(qty=ProductInventory.qty - take)  # the quantity after, when taken
                        .where(ProductInventory.id == row.id, ProductInventory.qty >= take)
                        .returning(ProductInventory.qty).tuples())
            if left:
                OrderItemInventory.create(order_item=need.order_item, product=need.product_id,
                                          inventory_source=row.inventory_source_id, qty=take)
                outbox.emit_stock(need.product_id, row.inventory_source_id, -take, "order_placed", qty=left[0][0])
                remaining -= take
                break
            # Another order took some meanwhile: look again at what this source has left.
            available = ProductInventory.select(ProductInventory.qty).where(ProductInventory.id == row.id).scalar() or 0
        if not remaining:
            break
    return remaining


def authorize_payment(order: Order, method: payments.PaymentMethod) -> OrderPayment:
    processor = payments.get_processor(method.code)
    authorization = processor.authorize(order)
    additional = dict(authorization.additional or {})
    if authorization.redirect_url:
        additional["redirect_url"] = authorization.redirect_url
    return OrderPayment.create(order=order, method=method.code, method_title=method.title, additional=additional)


def redirect_url(order: Order) -> str | None:
    payment = next(iter(FIRST_PAYMENT.models(order.id)), None)
    return (payment.additional or {}).get("redirect_url") if payment else None


# --- hand-over to the sales documents (invoices, downloads) ------------------------------------

def sales_documents():
    """domain.sales.documents, or None while it does not exist."""
    try:
        return importlib.import_module("domain.sales.documents")
    except ModuleNotFoundError as error:
        if error.name != "domain.sales.documents":
            raise
        return None


def record_status(order: Order, status: str, comment: str = ""):
    module = sales_documents()
    if module is not None and hasattr(module, "record_status"):
        module.record_status(order, status, comment)
    else:
        OrderStatusHistory.create(order=order, status=status, comment=comment)


def after_order_placed(order: Order, items: list[OrderItem] | None = None, payment: OrderPayment | None = None):
    """`items` (in id order, as placed: the invoice does not change what the steps here read) and
    `payment`: the order's, when the caller has them."""
    licenses.issue_for_order(order, items)
    module = sales_documents()
    if module is not None and hasattr(module, "after_order_placed"):
        module.after_order_placed(order, items, payment)
    marketplace_sub_orders.split_order(order, items)

