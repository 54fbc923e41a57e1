"""Admin subscriptions: /api/admin/subscriptions (list, detail with renewals, update, cancel, reactivate)
and /subscription-renewals/run; GraphQL adminSubscription(s), updateAdminSubscription,
cancelAdminSubscription, reactivateAdminSubscription, runAdminSubscriptionRenewals.

The moves go through the state machine of domain/sales/subscriptions.py (409 `invalid_transition`
for anything else); the run bills what is due through domain/sales/subscription_billing.py."""
import datetime

from domain.common import RequestContext, iso, json_number
from domain.errors import Unprocessable
from domain.sales import subscription_billing, subscriptions
from handlers.admin.crud import AdminResource, exact
from storage.customer_models import Customer
from storage.db import database
from storage.sales_models import Order
from storage.subscription_models import Subscription, SubscriptionRenewal


def subscription_documents(rows: list[Subscription], context) -> list[dict]:
    customers = {row.id: row for row in Customer.select(Customer.id, Customer.email, Customer.first_name,
                                                        Customer.last_name)
                 .where(Customer.id.in_({row.customer_id for row in rows}))} if rows else {}
    return [document(row, customers.get(row.customer_id)) for row in rows]


def document(row: Subscription, customer: Customer | None) -> dict:
    running = row.status not in ("canceled", "expired")
    return {"id": row.id, "customerId": row.customer_id, "customerEmail": customer.email if customer else "",
            "customerName": f"{customer.first_name} {customer.last_name}".strip() if customer else "",
            "channelId": row.channel_id, "planId": row.plan_id, "productId": row.product_id, "orderId": row.order_id,
            "name": row.name, "sku": row.sku, "quantity": row.quantity, "intervalUnit": row.interval_unit,
            "intervalCount": row.interval_count, "trialDays": row.trial_days, "billingCycles": row.billing_cycles,
            "price": json_number(row.price), "currency": row.currency, "paymentMethod": row.payment_method,
            "status": row.status, "cancelAtPeriodEnd": bool(row.cancel_at_period_end),
            "currentPeriod": row.current_period, "nextBillingAt": iso(row.next_billing_at) if running else None,
            "startedAt": iso(row.started_at), "trialEndsAt": iso(row.trial_ends_at), "pausedAt": iso(row.paused_at),
            "canceledAt": iso(row.canceled_at), "endedAt": iso(row.ended_at), "createdAt": iso(row.created_at),
            "updatedAt": iso(row.updated_at)}


def renewal_documents(subscription_id: int) -> list[dict]:
    rows = list(SubscriptionRenewal.select().where(SubscriptionRenewal.subscription == subscription_id)
                .order_by(SubscriptionRenewal.period))
    orders = {order.id: order for order in Order.select(Order.id, Order.increment_id, Order.status)
              .where(Order.id.in_([row.order_id for row in rows if row.order_id]))} if rows else {}
    return [{"period": row.period, "orderId": row.order_id,
             "incrementId": orders[row.order_id].increment_id if row.order_id in orders else None,
             "orderStatus": orders[row.order_id].status if row.order_id in orders else None,
             "amount": json_number(row.amount), "state": row.state, "attempts": row.attempts,
             "dueAt": iso(row.due_at), "nextAttemptAt": iso(row.next_attempt_at), "error": row.error or ""}
            for row in rows]


def detail(row: Subscription, context=None) -> dict:
    return {**document(row, subscriptions.customer_of(row)), "renewals": renewal_documents(row.id)}


records = AdminResource(
    model=Subscription, label="Subscription", plural="Subscriptions", documents=subscription_documents,
    detail=detail,
    filters={"status": exact(Subscription.status), "customer_id": exact(Subscription.customer),
             "product_id": exact(Subscription.product)},
    sorts={"id": Subscription.id, "status": Subscription.status, "next_billing_at": Subscription.next_billing_at,
           "created_at": Subscription.created_at},
    default_order="desc",
)

list_admin_subscriptions = records.list_handler()
get_admin_subscription = records.get_handler()


def parse_time(value: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Unprocessable({"next_billing_at": ["A date and time (ISO 8601) is required."]}) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    if not 1970 <= moment.year <= 9998:
        raise Unprocessable({"next_billing_at": ["The date is out of range."]})
    return moment.replace(microsecond=0)


def update_admin_subscription(context: RequestContext, id: int, body: dict) -> dict:
    moment = parse_time(body["next_billing_at"]) if "next_billing_at" in body else None
    with database.atomic():
        row = subscriptions.find(id)
        if "status" in body:
            row = subscriptions.move_to(row, body["status"])
        if moment is not None:
            row = subscriptions.set_next_billing(row, moment)
    return detail(row)


def cancel_admin_subscription(context: RequestContext, id: int, body: dict | None = None) -> dict:
    with database.atomic():
        row = subscriptions.cancel(subscriptions.find(id), bool((body or {}).get("at_period_end")))
    return detail(row)


def reactivate_admin_subscription(context: RequestContext, id: int) -> dict:
    with database.atomic():
        row = subscriptions.reactivate(subscriptions.find(id))
    return detail(row)


def run_admin_subscription_renewals(context: RequestContext) -> dict:
    return subscription_billing.run_renewals()
