"""Subscription renewals: every due period billed as a new order, exactly once, and the dunning of a
failed payment (docs/subscriptions.md).

`run_renewals(now)` (the periodic job in domain/sales/tasks.py, and POST
/api/admin/sales/subscriptions/renewals/run) takes each due subscription in a transaction of its own:

1. the period is claimed with a conditional UPDATE (`current_period = n` → `n + 1`, only while the
   subscription is still billed and due): a concurrent run waits for the row and then matches nothing;
   the renewal row is unique per (subscription, period) and the order's idempotency key
   `subscription-<id>-<period>` unique per customer, in the same transaction;
2. the order is written through the order code (items, addresses copied from the checkout order, status
   history, `order.created`, the payment record through the processor's `authorize`, `after_order_placed`);
3. the processor charges it (`charge(order, key)`); a success marks the payment paid and invoices the
   order paid (which records the capture transaction), a decline is recorded as a failed payment
   (`payment_webhooks.failed`).
A process that dies before the commit leaves nothing: the period is still due and the next run bills it;
an error in one subscription's transaction rolls back that one alone (`errors`) and the run goes on.

Dunning: a declined period makes the subscription `past_due`; the same order is charged again
`RETRY_DAYS` after the period's due date (1, 3 and 7 days; `SUBSCRIPTION_RETRY_DAYS="1,3,7"` changes
it). A success returns the subscription to `active`; the last decline cancels the order and the
subscription. Each retry claims its attempt with a conditional UPDATE the same way.

Amounts: the subscription's price per period × quantity, tax at the checkout line's rate, no shipping,
in the base currency. Renewal orders take no stock.
"""
import datetime
import logging
import os
import uuid
from decimal import Decimal

from peewee import IntegrityError

from domain.sales import documents, order_placement, payment_webhooks, payments, subscriptions
from domain.sales.pricing import round_money
from domain.webhooks import outbox
from storage.db import database
from storage.models import Product, utcnow
from storage.sales_models import Invoice, Order, OrderAddress, OrderItem, OrderPayment
from storage.subscription_models import Subscription, SubscriptionRenewal

RETRY_DAYS = (1, 3, 7)  # days after the due date a declined period is charged again
RETRY_SETTING = "SUBSCRIPTION_RETRY_DAYS"
BATCH = 500  # subscriptions (and retries) one run takes at most
ADDRESS_FIELDS = order_placement.ADDRESS_FIELDS
logger = logging.getLogger("specshop.subscriptions")


def retry_days() -> tuple[int, ...]:
    text = os.environ.get(RETRY_SETTING, "").strip()
    if not text:
        return RETRY_DAYS
    try:
        days = tuple(int(part) for part in text.split(","))
    except ValueError:
        return RETRY_DAYS
    return days if all(day > 0 for day in days) and list(days) == sorted(days) else RETRY_DAYS


def run_renewals(now: datetime.datetime | None = None, limit: int = BATCH) -> dict:
    """Bill every due period and retry every due declined one; returns what happened."""
    now = now or utcnow()
    counts = {"renewed": 0, "pastDue": 0, "retried": 0, "canceled": 0, "expired": 0, "skipped": 0, "errors": 0}
    due = (Subscription.select(Subscription.id)
           .where(Subscription.status.in_(subscriptions.BILLED), Subscription.next_billing_at <= now)
           .order_by(Subscription.next_billing_at, Subscription.id).limit(limit))
    for subscription_id in [row.id for row in due]:
        counts[guarded(renew, subscription_id, now)] += 1
    retries = (SubscriptionRenewal.select(SubscriptionRenewal.id)
               .where(SubscriptionRenewal.state == "failed", SubscriptionRenewal.next_attempt_at <= now)
               .order_by(SubscriptionRenewal.next_attempt_at, SubscriptionRenewal.id).limit(limit))
    for renewal_id in [row.id for row in retries]:
        outcome = guarded(retry, renewal_id, now)
        counts[outcome] += 1
        counts["retried"] += outcome not in ("skipped", "errors")
    return counts


def guarded(step, key: int, now: datetime.datetime) -> str:
    """One subscription's step; an unexpected error rolls back that step alone (the period stays due,
    the next run tries again) and the run goes on with the others."""
    try:
        return step(key, now)
    except Exception:
        logger.exception("subscription renewal step %s(%s) failed; rolled back", step.__name__, key)
        return "errors"


def renew(subscription_id: int, now: datetime.datetime) -> str:
    """Bill the subscription's next period if it is due (see the module docstring)."""
    try:
        with database.atomic():
            subscription = Subscription.get_or_none(Subscription.id == subscription_id)
            if (subscription is None or subscription.status not in subscriptions.BILLED
                    or subscription.next_billing_at is None or subscription.next_billing_at > now):
                return "skipped"
            period = subscription.current_period + 1
            if subscription.cancel_at_period_end or (subscription.billing_cycles
                                                     and period > subscription.billing_cycles):
                return end(subscription, now)
            claimed = (Subscription.update(current_period=period, next_billing_at=subscriptions.billing_date(
                           subscription, period + 1), updated_at=now)
                       .where(Subscription.id == subscription.id,
                              Subscription.current_period == subscription.current_period,
                              Subscription.status.in_(subscriptions.BILLED), Subscription.next_billing_at <= now)
                       .execute())
            if not claimed:
                return "skipped"
            renewal = SubscriptionRenewal.create(
                subscription=subscription.id, period=period, amount=0, state="failed", attempts=1,
                due_at=subscription.next_billing_at, created_at=now, updated_at=now)
            order = renewal_order(subscription, period)
            SubscriptionRenewal.update(order=order.id, amount=order.grand_total).where(
                SubscriptionRenewal.id == renewal.id).execute()
            return charge(Subscription.get_by_id(subscription.id), SubscriptionRenewal.get_by_id(renewal.id),
                          order, now)
    except IntegrityError:  # the period or its order key was taken by a run that committed first
        return "skipped"


def end(subscription: Subscription, now: datetime.datetime) -> str:
    """The period ends with nothing more to bill: canceled at period end, or the cycles are used up."""
    status = "canceled" if subscription.cancel_at_period_end else "expired"
    ended = (Subscription.update(status=status, ended_at=now, canceled_at=now if status == "canceled" else None,
                                 cancel_at_period_end=False, updated_at=now)
             .where(Subscription.id == subscription.id, Subscription.status == subscription.status,
                    Subscription.current_period == subscription.current_period).execute())
    if not ended:
        return "skipped"
    subscriptions.emit("subscription.cancelled", subscription,
                       reason="period_end" if status == "canceled" else "expired")
    return status


def renewal_order(subscription: Subscription, period: int) -> Order:
    """The period's order, written as checkout writes one: items, addresses, history, payment record."""
    origin = Order.get_or_none(Order.id == subscription.order_id)
    customer = subscriptions.customer_of(subscription)
    sub_total = round_money(subscription.price * subscription.quantity)
    tax = round_money(sub_total * Decimal(subscription.tax_percent or 0) / 100)
    total = sub_total + tax
    order = Order.create(
        increment_id=f"pending-{uuid.uuid4().hex}", status="pending", channel=subscription.channel_id,
        customer=subscription.customer_id, is_guest=False, customer_email=customer.email,
        customer_first_name=customer.first_name, customer_last_name=customer.last_name,
        base_currency_code=subscription.currency, order_currency_code=subscription.currency, exchange_rate=1,
        total_item_count=1, total_qty_ordered=subscription.quantity, sub_total=sub_total, base_sub_total=sub_total,
        tax_amount=tax, base_tax_amount=tax, grand_total=total, base_grand_total=total, applied_cart_rule_ids=[],
        idempotency_key=f"subscription-{subscription.id}-{period}")
    order.increment_id = str(order.id)
    Order.update(increment_id=order.increment_id).where(Order.id == order.id).execute()
    unit = round_money(subscription.price)
    OrderItem.create(order=order, product=subscription.product_id, product_type=product_type(subscription),
                     sku=subscription.sku, name=subscription.name, qty_ordered=subscription.quantity, price=unit,
                     base_price=unit, total=sub_total, base_total=sub_total,
                     tax_percent=subscription.tax_percent or 0, tax_amount=tax, base_tax_amount=tax,
                     additional={"subscription": {"id": subscription.id, "period": period}})
    if origin is not None:
        for address in OrderAddress.select().where(OrderAddress.order == origin.id).order_by(OrderAddress.id):
            OrderAddress.create(order=order, address_type=address.address_type,
                                **{name: getattr(address, name) for name in ADDRESS_FIELDS})
    order_placement.record_status(order, "pending", f"Renewal of subscription {subscription.id}, period {period}")
    outbox.emit_order("order.created", order)
    title = (OrderPayment.select(OrderPayment.method_title).where(OrderPayment.order == subscription.order_id)
             .scalar() if subscription.order_id else None)
    method = payments.PaymentMethod(subscription.payment_method, title or subscription.payment_method, "", 0)
    if payments.get_processor(method.code) is not None:
        order_placement.authorize_payment(order, method)
    else:
        OrderPayment.create(order=order, method=method.code, method_title=method.title, additional={})
    order_placement.after_order_placed(order)
    return Order.get_by_id(order.id)


def product_type(subscription: Subscription) -> str:
    return Product.select(Product.type).where(Product.id == subscription.product_id).scalar() or "virtual"


def charge(subscription: Subscription, renewal: SubscriptionRenewal, order: Order, now: datetime.datetime) -> str:
    """Charge the renewal's order and move the subscription on; returns renewed, pastDue or canceled."""
    processor = payments.get_processor(subscription.payment_method)
    key = f"subscription-{subscription.id}-{renewal.period}"
    payment = OrderPayment.select().where(OrderPayment.order == order.id).order_by(OrderPayment.id).first()
    if processor is not None and not hasattr(processor, "charge"):  # offline: the order waits for payment
        settle(subscription, renewal, "awaiting_payment", now)
        return "renewed"
    if processor is None:
        result = payments.Charge(False, f"unavailable_{key}_{renewal.attempts}",
                                 f"The payment method {subscription.payment_method} is no longer available.")
    else:
        result = processor.charge(order, f"{key}-{renewal.attempts}")
    event = payments.PaymentEvent(result.reference, "payment.succeeded" if result.succeeded else "payment.failed",
                                  order.increment_id, order.grand_total, order.order_currency_code,
                                  result.reference)
    if result.succeeded:
        paid(order, payment, event)
        settle(subscription, renewal, "paid", now)
        return "renewed"
    payment_webhooks.failed(order, payment, event)
    return decline(subscription, renewal, order, result.message or "The payment was declined.", now)


def paid(order: Order, payment: OrderPayment, event: payments.PaymentEvent):
    """The charge captured the order's total: the payment is paid (with the provider's transaction id) and
    the order invoiced paid, which records the capture transaction; an invoice the payment method's
    settings created at placement is marked paid instead."""
    payment_webhooks.set_payment(payment, event, "paid", transaction_id=event.transaction_id)
    invoices = list(Invoice.select().where(Invoice.order == order.id))
    for invoice in invoices:
        if invoice.state in ("pending", "pending_payment", "overdue"):
            documents.mark_invoice_paid(invoice)
    if not invoices:
        documents.create_invoice(order, state="paid")


def settle(subscription: Subscription, renewal: SubscriptionRenewal, state: str, now: datetime.datetime):
    SubscriptionRenewal.update(state=state, next_attempt_at=None, error="", updated_at=now).where(
        SubscriptionRenewal.id == renewal.id).execute()
    Subscription.update(status="active", updated_at=now).where(Subscription.id == subscription.id).execute()
    subscriptions.emit("subscription.renewed", subscription, orderId=renewal.order_id or None,
                       renewalPeriod=renewal.period)


def decline(subscription: Subscription, renewal: SubscriptionRenewal, order: Order, message: str,
            now: datetime.datetime) -> str:
    days = retry_days()
    if renewal.attempts <= len(days):
        next_attempt = renewal.due_at + datetime.timedelta(days=days[renewal.attempts - 1])
        SubscriptionRenewal.update(state="failed", next_attempt_at=next_attempt, error=message, updated_at=now).where(
            SubscriptionRenewal.id == renewal.id).execute()
        first = subscription.status != "past_due"
        Subscription.update(status="past_due", updated_at=now).where(Subscription.id == subscription.id).execute()
        if first:
            subscriptions.emit("subscription.past_due", subscription, orderId=order.id,
                               nextAttemptAt=next_attempt.isoformat())
        return "pastDue"
    SubscriptionRenewal.update(state="abandoned", next_attempt_at=None, error=message, updated_at=now).where(
        SubscriptionRenewal.id == renewal.id).execute()
    documents.cancel_order(Order.get_by_id(order.id), f"Subscription payment failed {renewal.attempts} times")
    Subscription.update(status="canceled", canceled_at=now, ended_at=now, cancel_at_period_end=False,
                        updated_at=now).where(Subscription.id == subscription.id).execute()
    subscriptions.emit("subscription.cancelled", subscription, reason="payment_failed", orderId=order.id)
    return "canceled"


def retry(renewal_id: int, now: datetime.datetime) -> str:
    """Charge a declined period's order again when its next attempt is due."""
    with database.atomic():
        renewal = SubscriptionRenewal.get_or_none(SubscriptionRenewal.id == renewal_id)
        if renewal is None or renewal.state != "failed" or renewal.next_attempt_at is None \
                or renewal.next_attempt_at > now:
            return "skipped"
        subscription = Subscription.get_or_none(Subscription.id == renewal.subscription_id)
        order = Order.get_or_none(Order.id == renewal.order_id) if renewal.order_id else None
        if subscription is None or subscription.status != "past_due" or order is None:
            SubscriptionRenewal.update(state="abandoned", next_attempt_at=None, updated_at=now).where(
                SubscriptionRenewal.id == renewal.id, SubscriptionRenewal.state == "failed").execute()
            return "skipped"
        claimed = (SubscriptionRenewal.update(attempts=renewal.attempts + 1, updated_at=now)
                   .where(SubscriptionRenewal.id == renewal.id, SubscriptionRenewal.state == "failed",
                          SubscriptionRenewal.attempts == renewal.attempts).execute())
        if not claimed:
            return "skipped"
        return charge(subscription, SubscriptionRenewal.get_by_id(renewal.id), order, now)
