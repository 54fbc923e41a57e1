"""The signed-in customer's subscriptions: /api/shop/customer-subscriptions (list, detail with renewal
orders, pause, reactivate, cancel); GraphQL customerSubscription(s), pauseCustomerSubscription,
reactivateCustomerSubscription, cancelCustomerSubscription.

Every lookup is filtered by the caller: another customer's subscription answers 404 as an unknown one.
The moves go through the state machine of domain/sales/subscriptions.py (409 `invalid_transition`)."""
from domain.common import Page, RequestContext, Window, iso, json_number
from domain.customers import current_customer_id
from domain.sales import subscriptions
from storage.db import database
from storage.sales_models import Order
from storage.subscription_models import Subscription, SubscriptionRenewal


def subscription_document(row: Subscription) -> dict:
    running = row.status not in ("canceled", "expired")
    return {"id": row.id, "productId": row.product_id, "name": row.name, "sku": row.sku, "quantity": row.quantity,
            "intervalUnit": row.interval_unit, "intervalCount": row.interval_count,
            "billingCycles": row.billing_cycles, "price": json_number(row.price), "currency": row.currency,
            "status": row.status, "cancelAtPeriodEnd": bool(row.cancel_at_period_end),
            "currentPeriod": row.current_period, "nextBillingAt": iso(row.next_billing_at) if running else None,
            "startedAt": iso(row.started_at), "trialEndsAt": iso(row.trial_ends_at),
            "canceledAt": iso(row.canceled_at), "endedAt": iso(row.ended_at), "orderId": row.order_id}


def detail(row: Subscription) -> dict:
    renewals = list(SubscriptionRenewal.select().where(SubscriptionRenewal.subscription == row.id)
                    .order_by(SubscriptionRenewal.period))
    numbers = {order.id: order.increment_id for order in Order.select(Order.id, Order.increment_id)
               .where(Order.id.in_([renewal.order_id for renewal in renewals if renewal.order_id]))} \
        if renewals else {}
    return {**subscription_document(row),
            "renewals": [{"period": renewal.period, "orderId": renewal.order_id,
                          "incrementId": numbers.get(renewal.order_id), "amount": json_number(renewal.amount),
                          "state": renewal.state, "dueAt": iso(renewal.due_at)} for renewal in renewals]}


def list_customer_subscriptions(context: RequestContext, window: Window, status: str | None = None) -> Page:
    query = Subscription.select().where(Subscription.customer == current_customer_id(context))
    if status:
        query = query.where(Subscription.status == status)
    rows = list(query.order_by(Subscription.id.desc()).offset(window.offset).limit(window.limit))
    return Page([subscription_document(row) for row in rows], query.count())


def get_customer_subscription(context: RequestContext, id: int) -> dict:
    return detail(subscriptions.find(id, current_customer_id(context)))


def pause_customer_subscription(context: RequestContext, id: int) -> dict:
    with database.atomic():
        row = subscriptions.pause(subscriptions.find(id, current_customer_id(context)))
    return detail(row)


def reactivate_customer_subscription(context: RequestContext, id: int) -> dict:
    with database.atomic():
        row = subscriptions.reactivate(subscriptions.find(id, current_customer_id(context)))
    return detail(row)


def cancel_customer_subscription(context: RequestContext, id: int, body: dict | None = None) -> dict:
    with database.atomic():
        row = subscriptions.cancel(subscriptions.find(id, current_customer_id(context)),
                                   bool((body or {}).get("atPeriodEnd")))
    return detail(row)
