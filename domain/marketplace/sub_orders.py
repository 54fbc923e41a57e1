"""Vendor sub-orders: at placement an order's lines are grouped by the vendor of their product, one sub-order
per vendor with its lines' amounts, its commission and the vendor's `sale` credit in the ledger, all inside
the placement's transaction (`split_order`, called by `order_placement.after_order_placed`).

A vendor moves its sub-order pending -> confirmed -> shipped -> delivered (409 `invalid_transition`
otherwise); delivery makes the vendor's credit available for a payout. The parent order follows:
the first confirmation of any of its sub-orders moves a pending order to processing, and when every
sub-order of the order is delivered an order without lines of the store's own is completed (each change recorded in the order's
history with `record_status`). Lines of the store's own products make no sub-order."""
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from domain.errors import ApiError, NotFound, Unprocessable
from domain.marketplace import ledger
from domain.marketplace.vendors import product_vendor_ids
from domain.sales.documents import record_status
from storage.db import database
from storage.marketplace_models import MarketplaceSubOrder, MarketplaceSubOrderItem, MarketplaceVendor
from storage.models import utcnow
from storage.sales_models import Order, OrderItem

CENT = Decimal("0.01")
STATUSES = ("pending", "confirmed", "shipped", "delivered")
# action -> (status it leaves, status it reaches, timestamp column)
TRANSITIONS = {
    "confirm": ("pending", "confirmed", "confirmed_at"),
    "ship": ("confirmed", "shipped", "shipped_at"),
    "deliver": ("shipped", "delivered", "delivered_at"),
}
PAST = {"confirm": "confirmed", "ship": "shipped", "deliver": "delivered"}
FOLLOWS = ("pending", "processing")  # the parent statuses the sub-orders move; others are left alone


def commission_of(net: Decimal, percent: Decimal) -> Decimal:
    return (net * percent / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def split_order(order: Order, items: list[OrderItem] | None = None):
    """One sub-order per vendor among the order's top-level lines, with the vendor's ledger credit
    (`items`: the order's items in id order, when the caller has read them)."""
    if items is None:
        items = OrderItem.select().where(OrderItem.order == order.id, OrderItem.parent.is_null()).order_by(OrderItem.id)
    lines = [item for item in items if item.parent_id is None]
    owners = product_vendor_ids([line.product_id for line in lines if line.product_id])
    by_vendor = defaultdict(list)
    for line in lines:
        if line.product_id in owners:
            by_vendor[owners[line.product_id]].append(line)
    if not by_vendor:
        return
    default_percent = ledger.default_commission_percent()
    overrides = dict(MarketplaceVendor.select(MarketplaceVendor.id, MarketplaceVendor.commission_percent)
                     .where(MarketplaceVendor.id.in_(list(by_vendor))).tuples())
    for vendor_id in sorted(by_vendor):
        vendor_lines = by_vendor[vendor_id]
        sub_total = sum((line.base_total for line in vendor_lines), Decimal(0))
        discount = sum((line.base_discount_amount for line in vendor_lines), Decimal(0))
        tax = sum((line.base_tax_amount for line in vendor_lines), Decimal(0))
        percent = overrides.get(vendor_id)
        percent = default_percent if percent is None else percent
        commission = commission_of(sub_total - discount, percent)
        sub_order = MarketplaceSubOrder.create(
            order=order.id, vendor=vendor_id, item_count=len(vendor_lines),
            qty_ordered=sum(line.qty_ordered for line in vendor_lines), sub_total=sub_total,
            discount_amount=discount, tax_amount=tax, grand_total=sub_total - discount + tax,
            commission_percent=percent, commission_amount=commission,
            vendor_amount=sub_total - discount - commission)
        MarketplaceSubOrderItem.insert_many(
            [{"sub_order": sub_order.id, "order_item": line.id} for line in vendor_lines]).execute()
        ledger.credit_sale(sub_order)


def find_sub_order(sub_order_id: int, vendor_id: int | None = None) -> MarketplaceSubOrder:
    """A sub-order; with `vendor_id`, only that vendor's (another vendor's is the same 404 as a missing one)."""
    query = MarketplaceSubOrder.select().where(MarketplaceSubOrder.id == sub_order_id)
    if vendor_id is not None:
        query = query.where(MarketplaceSubOrder.vendor == vendor_id)
    sub_order = query.first()
    if sub_order is None:
        raise NotFound("Sub-order")
    return sub_order


def advance(sub_order_id: int, vendor_id: int, action: str, tracking_number: str | None = None) -> MarketplaceSubOrder:
    source, target, stamp = TRANSITIONS[action]
    tracking_number = (tracking_number or "").strip()
    if "\x00" in tracking_number:
        raise Unprocessable({"tracking_number": ["The value must not contain NUL characters."]})
    with database.atomic():
        sub_order = find_sub_order(sub_order_id, vendor_id)
        # the parent order's row lock first: two vendors finishing at once see each other's moves
        Order.update(updated_at=utcnow()).where(Order.id == sub_order.order_id).execute()
        sub_order = find_sub_order(sub_order_id, vendor_id)
        order = Order.get_by_id(sub_order.order_id)
        if order.status in ("canceled", "closed", "fraud"):
            raise ApiError(409, f"The order is {order.status}.", "order_not_open")
        if sub_order.status != source:
            raise ApiError(409, f"A {sub_order.status} sub-order cannot be {PAST[action]}.", "invalid_transition")
        now = utcnow()
        changes = {"status": target, stamp: now, "updated_at": now}
        if action == "ship":
            changes["tracking_number"] = tracking_number
        claimed = (MarketplaceSubOrder.update(changes)
                   .where(MarketplaceSubOrder.id == sub_order.id, MarketplaceSubOrder.status == source).execute())
        if claimed != 1:
            raise ApiError(409, f"The sub-order is no longer {source}.", "invalid_transition")
        if action == "deliver":
            ledger.release_sale(sub_order)
        follow_parent(order)
        return find_sub_order(sub_order.id)


def follow_parent(order: Order):
    """The parent order's status after a sub-order moved (see the module's description)."""
    if order.status not in FOLLOWS:
        return
    statuses = [row.status for row in MarketplaceSubOrder.select(MarketplaceSubOrder.status)
                .where(MarketplaceSubOrder.order == order.id)]
    if statuses and all(status == "delivered" for status in statuses) and not store_lines(order):
        record_status(order, "completed", "Every vendor delivered its part")
    elif order.status == "pending" and any(status != "pending" for status in statuses):
        record_status(order, "processing", "A vendor confirmed its part")


def store_lines(order: Order) -> bool:
    """Whether the order has top-level lines in no sub-order (the store's own products)."""
    in_sub_orders = (MarketplaceSubOrderItem.select(MarketplaceSubOrderItem.order_item)
                     .join(MarketplaceSubOrder).where(MarketplaceSubOrder.order == order.id))
    return OrderItem.select().where(OrderItem.order == order.id, OrderItem.parent.is_null(),
                                    OrderItem.id.not_in(in_sub_orders)).exists()
