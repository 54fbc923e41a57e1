"""Subscriptions: a product (or a configurable product's variant) sold by a plan, the subscription a
checkout starts, and the state machine customers and admins move it through (docs/subscriptions.md).

States: `trialing` and `active` are billed when `next_billing_at` comes (domain/sales/subscription_billing.py);
`past_due` while a failed renewal is retried; `paused` is not billed; `canceled` and `expired` end it
(`expired` when the plan's billing cycles are used up). The allowed moves are `TRANSITIONS`; anything
else is 409 `invalid_transition`.

Billing dates never drift: period `anchor_period` is due at `anchor_at` and every later period whole
intervals after it (a month from 31 January is the last day of February, two months the 31st of March).
Moving the next billing date, resuming and reactivating set a new anchor.
"""
import calendar
import datetime
from decimal import Decimal

from domain.errors import ApiError, NotFound, Unprocessable
from domain.sales.pricing import round_money
from domain.webhooks import outbox
from storage.compiled import Compiled
from storage.customer_models import Customer
from storage.models import Product, utcnow
from storage.sales_models import Order, OrderItem, OrderPayment
from storage.subscription_models import Subscription, SubscriptionPlan

UNITS = ("day", "week", "month", "year")
STATES = ("trialing", "active", "past_due", "paused", "canceled", "expired")
BILLED = ("trialing", "active")  # the states a due date bills
TRANSITIONS = {  # state -> states an admin or the customer may move it to
    "trialing": ("active", "paused", "canceled"),
    "active": ("paused", "canceled"),
    "past_due": ("active", "canceled"),
    "paused": ("active", "canceled"),
    "canceled": ("active",),
    "expired": (),
}
GUEST_REFUSED = "A subscription needs a customer account: sign in to subscribe to {name}."


class SubscriptionNotFound(NotFound):
    def __init__(self):
        super().__init__("Subscription")


class InvalidTransition(ApiError):
    def __init__(self, message: str):
        super().__init__(409, message, "invalid_transition")


# --- dates ---------------------------------------------------------------------------------------

LAST = datetime.datetime(9999, 12, 31, 23, 59, 59)  # a date past the calendar's end stays here


def add_interval(start: datetime.datetime, unit: str, count: int) -> datetime.datetime:
    """`start` plus `count` units; months and years keep the day, clamped to the month's last day."""
    if unit in ("day", "week"):
        days = count * (7 if unit == "week" else 1)
        return start + datetime.timedelta(days=days) if (LAST - start).days > days else LAST
    months = count * (12 if unit == "year" else 1)
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    if year > LAST.year:
        return LAST
    return start.replace(year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1]))


def billing_date(subscription: Subscription, period: int) -> datetime.datetime:
    """When `period` is due: whole intervals after the anchor."""
    steps = (period - subscription.anchor_period) * subscription.interval_count
    return add_interval(subscription.anchor_at, subscription.interval_unit, steps)


def reanchor(subscription: Subscription, at: datetime.datetime) -> dict:
    """Column values that make the next period due at `at`, later ones whole intervals on."""
    return {"anchor_at": at, "anchor_period": subscription.current_period + 1, "next_billing_at": at}


# --- plans and checkout --------------------------------------------------------------------------

ACTIVE_PLANS = Compiled(lambda ids: SubscriptionPlan.select().where(
    SubscriptionPlan.product.in_(ids), SubscriptionPlan.status == True), "ints")  # noqa: E712


def plans_for(product_ids) -> dict[int, SubscriptionPlan]:
    ids = sorted({key for key in product_ids if key})
    if not ids:
        return {}
    return {plan.product_id: plan for plan in ACTIVE_PLANS.models(ids)}


def price_lines(lines: list, decimals: int = 2):
    """Cart totals (`cart_totals.compute_totals`): a line of a product sold by a plan costs the plan's price
    per unit, the price every renewal bills, so the checkout's first period and the renewals agree (a
    variant's own plan first, else its configurable parent's)."""
    plans = plans_for([line.product.id for line in lines] + [line.item.product_id for line in lines])
    for line in lines:
        plan = plans.get(line.product.id) or plans.get(line.item.product_id)
        if plan is None:
            continue
        line.base_unit_price = round_money(Decimal(plan.price), decimals)
        line.base_total = line.base_unit_price * line.quantity
        every = f"{plan.interval_count} {plan.interval_unit}s" if plan.interval_count > 1 else plan.interval_unit
        line.options.append({"attribute_name": "Subscription", "option_id": plan.id, "option_label": f"every {every}"})


def start_for_order(order: Order, items: list[OrderItem] | None = None,
                    payment: OrderPayment | None = None) -> list[Subscription]:
    """Inside the place-order transaction: one subscription per line of a product sold by a plan (a
    variant's own plan first, else its configurable parent's). A guest order with such a line is 422.
    `items` (in id order) and `payment`: the order's, when the caller has them."""
    if items is None:
        items = list(OrderItem.select().where(OrderItem.order == order.id).order_by(OrderItem.id))
    children = {item.parent_id: item for item in items if item.parent_id}
    plans = plans_for(item.product_id for item in items)
    if not plans:
        return []
    lines = []
    for item in items:
        if item.parent_id:
            continue
        child = children.get(item.id)
        plan = plans.get(child.product_id) if child else None
        plan = plan or plans.get(item.product_id)
        if plan is not None:
            lines.append((item, child, plan))
    if lines and order.customer_id is None:
        raise Unprocessable({"items": [GUEST_REFUSED.format(name=item.name) for item, _, _ in lines]},
                            "A subscription cannot be bought as a guest.", "subscription_requires_customer")
    if payment is None:
        payment = OrderPayment.select().where(OrderPayment.order == order.id).order_by(OrderPayment.id).first()
    return [start(order, item, child, plan, payment.method if payment else "") for item, child, plan in lines]


def start(order: Order, item: OrderItem, child: OrderItem | None, plan: SubscriptionPlan,
          method: str) -> Subscription:
    now = utcnow()
    trial_ends = now + datetime.timedelta(days=plan.trial_days) if plan.trial_days else None
    first_renewal = trial_ends or add_interval(now, plan.interval_unit, plan.interval_count)
    subscription = Subscription.create(
        customer=order.customer_id, channel=order.channel_id, plan=plan.id, product=(child or item).product_id,
        order=order.id, name=item.name, sku=(child or item).sku, quantity=item.qty_ordered,
        interval_unit=plan.interval_unit, interval_count=plan.interval_count, trial_days=plan.trial_days,
        billing_cycles=plan.billing_cycles, price=plan.price, tax_percent=item.tax_percent or 0,
        currency=order.base_currency_code, payment_method=method, status="trialing" if trial_ends else "active",
        current_period=1, anchor_at=first_renewal, anchor_period=2, next_billing_at=first_renewal,
        started_at=now, trial_ends_at=trial_ends, created_at=now, updated_at=now)
    emit("subscription.created", subscription)
    return subscription


# --- events --------------------------------------------------------------------------------------

def emit(event: str, subscription: Subscription, **extra):
    row = Subscription.get_by_id(subscription.id)
    outbox.emit(event, {"id": row.id, "customerId": row.customer_id, "productId": row.product_id,
                        "status": row.status, "period": row.current_period,
                        "price": outbox.money(row.price), "quantity": row.quantity, "currency": row.currency,
                        "nextBillingAt": row.next_billing_at.isoformat() if row.next_billing_at else None,
                        **extra})


# --- lookups -------------------------------------------------------------------------------------

def find(subscription_id: int, customer_id: int | None = None) -> Subscription:
    """The subscription; with `customer_id`, only that customer's (another's is 404 as well)."""
    query = Subscription.select().where(Subscription.id == subscription_id)
    if customer_id is not None:
        query = query.where(Subscription.customer == customer_id)
    row = query.first()
    if row is None:
        raise SubscriptionNotFound()
    return row


def customer_of(subscription: Subscription) -> Customer | None:
    return Customer.get_or_none(Customer.id == subscription.customer_id)


def product_exists(product_id: int) -> bool:
    return Product.select().where(Product.id == product_id).exists()


# --- transitions ---------------------------------------------------------------------------------

def refuse(subscription: Subscription, action: str):
    raise InvalidTransition(f"A {subscription.status.replace('_', ' ')} subscription cannot be {action}.")


def change(subscription: Subscription, expected_status: str, **values) -> Subscription:
    """Write `values` if the row is still in `expected_status` (a concurrent change wins: 409)."""
    now = utcnow()
    changed = (Subscription.update(updated_at=now, **values)
               .where(Subscription.id == subscription.id, Subscription.status == expected_status).execute())
    if not changed:
        raise InvalidTransition("The subscription changed meanwhile; read it again.")
    return Subscription.get_by_id(subscription.id)


def pause(subscription: Subscription) -> Subscription:
    if subscription.status not in ("trialing", "active"):
        refuse(subscription, "paused")
    return change(subscription, subscription.status, status="paused", paused_at=utcnow())


def reactivate(subscription: Subscription) -> Subscription:
    """A paused or canceled subscription becomes active (billing resumes at its next date, or now when
    that date has passed); an active one with a cancellation at period end keeps running."""
    status = subscription.status
    if status in ("trialing", "active"):
        if not subscription.cancel_at_period_end:
            refuse(subscription, "reactivated: it is not canceled")
        return change(subscription, status, cancel_at_period_end=False)
    if status == "past_due":
        refuse(subscription, "reactivated while its renewal is retried")
    if status not in ("paused", "canceled"):
        refuse(subscription, "reactivated")
    now = utcnow()
    values = {"status": "active", "paused_at": None, "canceled_at": None, "ended_at": None,
              "cancel_at_period_end": False}
    if subscription.next_billing_at is None or subscription.next_billing_at < now:
        values.update(reanchor(subscription, now))
    return change(subscription, status, **values)


def cancel(subscription: Subscription, at_period_end: bool = False) -> Subscription:
    """Now, or when the current period ends (billing stops, the subscription runs until then)."""
    status = subscription.status
    if status in ("canceled", "expired"):
        refuse(subscription, "canceled")
    if at_period_end and status in ("trialing", "active"):
        return change(subscription, status, cancel_at_period_end=True)
    now = utcnow()
    canceled = change(subscription, status, status="canceled", canceled_at=now, ended_at=now,
                      cancel_at_period_end=False)
    emit("subscription.cancelled", canceled, reason="canceled")
    return canceled


def move_to(subscription: Subscription, status: str) -> Subscription:
    """An admin's status change, through the same transitions."""
    if status == subscription.status:
        return subscription
    if status not in TRANSITIONS.get(subscription.status, ()):
        raise InvalidTransition(f"A {subscription.status.replace('_', ' ')} subscription cannot become {status}.")
    if status == "paused":
        return pause(subscription)
    if status == "canceled":
        return cancel(subscription)
    if subscription.status == "past_due":  # an admin settles it: billing goes on from the next date
        return change(subscription, "past_due", status="active")
    if subscription.status == "trialing":
        return change(subscription, "trialing", status="active")
    return reactivate(subscription)


def set_next_billing(subscription: Subscription, at: datetime.datetime) -> Subscription:
    if subscription.status in ("canceled", "expired"):
        refuse(subscription, "rescheduled")
    return change(subscription, subscription.status, **reanchor(subscription, at))
