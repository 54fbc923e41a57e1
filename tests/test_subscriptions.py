"""Subscriptions (docs/subscriptions.md): a checkout starts one, each due period is billed as a new order
exactly once however often (and however concurrently) the renewal job runs, declined payments follow
the dunning schedule, and customers and admins move subscriptions through the state machine."""
import datetime
import threading
import time
from decimal import Decimal

from domain.sales import payments, subscription_billing, subscriptions
from storage.admin_sales_models import OrderTransaction
from storage.db import database
from storage.sales_models import Invoice, Order, OrderPayment
from storage.subscription_models import Subscription, SubscriptionRenewal
from storage.webhook_models import WebhookEvent
from tests.checkout_fixtures import guest_cart, place, ready_for_order
from tests.customer_fixtures import register
from tests import subscription_fixtures
from tests.subscription_fixtures import JAN_31, MINUTE, anchored, fresh, plan_product, run, subscribe

fake, cleanup = subscription_fixtures.fake, subscription_fixtures.cleanup  # fixtures

def renewals(subscription: Subscription) -> list[SubscriptionRenewal]:
    with database.connection_context():
        return list(SubscriptionRenewal.select().where(SubscriptionRenewal.subscription == subscription.id)
                    .order_by(SubscriptionRenewal.period))


def renewal_orders(subscription: Subscription) -> list[Order]:
    with database.connection_context():
        return list(Order.select().where(Order.customer == subscription.customer_id,
                                         Order.idempotency_key.startswith(f"subscription-{subscription.id}-"))
                    .order_by(Order.id))


def payment_status(order: Order) -> str:
    with database.connection_context():
        return (OrderPayment.get(OrderPayment.order == order.id).additional or {}).get("status")


def invoices(order: Order) -> list[tuple[str, Decimal]]:
    with database.connection_context():
        return [(row.state, row.grand_total) for row in Invoice.select().where(Invoice.order == order.id)]


def captures(order: Order) -> list[tuple[str, Decimal]]:
    with database.connection_context():
        return [(row.transaction_id[:3], row.amount) for row in OrderTransaction.select().where(
            OrderTransaction.order == order.id, OrderTransaction.type == "capture")]


def events(name: str, subscription: Subscription) -> list[dict]:
    with database.connection_context():
        return [row.payload for row in WebhookEvent.select().where(WebhookEvent.event == name).order_by(WebhookEvent.id)
                if (row.payload.get("id"), row.payload.get("customerId"))
                == (subscription.id, subscription.customer_id)]


def test_billing_dates_keep_the_day_of_the_anchor():
    add = subscriptions.add_interval
    assert [add(JAN_31, "month", n).date().isoformat() for n in range(4)] == [
        "2031-01-31", "2031-02-28", "2031-03-31", "2031-04-30"]
    assert add(datetime.datetime(2028, 1, 31), "month", 1) == datetime.datetime(2028, 2, 29)
    assert add(datetime.datetime(2028, 2, 29), "year", 1) == datetime.datetime(2029, 2, 28)
    assert add(JAN_31, "week", 2) == datetime.datetime(2031, 2, 14, 9, 0)
    assert add(JAN_31, "day", 3) == datetime.datetime(2031, 2, 3, 9, 0)
    assert add(datetime.datetime(9998, 6, 1), "year", 5) == subscriptions.LAST  # the calendar's end


def test_checkout_starts_a_subscription(client, fake, cleanup):
    customer = register(client, "subscriber")
    product_id = plan_product(price="20.00", product_price="30.00")
    subscription = subscribe(client, customer, product_id, qty=2)
    with database.connection_context():
        order = Order.get_by_id(subscription.order_id)
    # the plan's price, not the product's 30.00: the first period costs what the renewals bill
    assert (order.grand_total, order.customer_id) == (Decimal("40.0000"), customer["id"])
    assert (subscription.status, subscription.quantity, subscription.price, subscription.current_period,
            subscription.payment_method, subscription.interval_unit) == (
        "active", 2, Decimal("20.0000"), 1, "fake", "month")
    assert subscription.next_billing_at == subscriptions.add_interval(subscription.started_at, "month", 1)
    [created] = events("subscription.created", subscription)
    assert (created["status"], created["price"], created["quantity"]) == ("active", "20.00", 2)


def test_a_trial_delays_the_first_renewal(client, fake, cleanup):
    subscription = subscribe(client, register(client, "trial"), plan_product(trial=14))
    assert subscription.status == "trialing"
    assert subscription.trial_ends_at == subscription.started_at + datetime.timedelta(days=14)
    assert subscription.next_billing_at == subscription.trial_ends_at
    run(subscription.next_billing_at + MINUTE)
    assert (fresh(subscription).status, [r.period for r in renewals(subscription)]) == ("active", [2])


def test_a_guest_cannot_subscribe(client, fake):
    product_id = plan_product()
    headers = guest_cart((product_id, 1))
    ready_for_order(client, headers, shipping=None, payment="fake")
    response = place(client, headers)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "subscription_requires_customer"
    assert body["errors"]["items"][0].startswith("A subscription needs a customer account")
    with database.connection_context():
        assert not Order.select().where(Order.customer_email == "jane@example.com",
                                        Order.created_at > datetime.datetime.utcnow() - MINUTE,
                                        Order.grand_total == Decimal("30")).exists()


def test_three_periods_renew_exactly_once_each_with_the_job_run_twice(client, fake, cleanup):
    subscription = anchored(subscribe(client, register(client, "renewing"), plan_product(price="20.00"), qty=2))
    expected_dates = ["2031-02-28", "2031-03-31", "2031-04-30"]
    for period, next_date in zip((2, 3, 4), expected_dates):
        now = fresh(subscription).next_billing_at + MINUTE
        run(now)
        run(now)
        current = fresh(subscription)
        assert (current.status, current.current_period) == ("active", period)
        assert current.next_billing_at.date().isoformat() == next_date
    orders = renewal_orders(subscription)
    assert len(orders) == 3
    assert [order.grand_total for order in orders] == [Decimal("40.0000")] * 3  # 20.00 x 2, no shipping
    assert [order.idempotency_key for order in orders] == [f"subscription-{subscription.id}-{n}" for n in (2, 3, 4)]
    assert [payment_status(order) for order in orders] == ["paid"] * 3
    assert [order.status for order in orders] == ["completed"] * 3  # virtual, invoiced and paid
    assert [invoices(order) for order in orders] == [[("paid", Decimal("40.0000"))]] * 3
    assert [captures(order) for order in orders] == [[("ch_", Decimal("40.0000"))]] * 3
    assert [(r.period, r.state, r.attempts, r.amount, r.due_at.date().isoformat()) for r in renewals(subscription)] == [
        (2, "paid", 1, Decimal("40.0000"), "2031-01-31"), (3, "paid", 1, Decimal("40.0000"), "2031-02-28"),
        (4, "paid", 1, Decimal("40.0000"), "2031-03-31")]
    assert [event["renewalPeriod"] for event in events("subscription.renewed", subscription)] == [2, 3, 4]


def slow_charges(monkeypatch, seconds=0.3):
    """The fake processor takes its time, so a second run arrives while the first holds the period."""
    charge = payments.FakeProcessor.charge

    def slow(self, order, key):
        time.sleep(seconds)
        return charge(self, order, key)
    monkeypatch.setattr(payments.FakeProcessor, "charge", slow)


def test_concurrent_runs_bill_each_period_once(client, fake, cleanup):
    subscription = anchored(subscribe(client, register(client, "racing"), plan_product(price="12.50")))
    slow_charges(fake)
    for _ in range(3):
        now = fresh(subscription).next_billing_at + MINUTE
        start, outcomes, failures = threading.Barrier(2), [], []

        def worker():
            try:
                start.wait()
                outcomes.append(run(now))
            except Exception as error:  # noqa: BLE001 - reported below
                failures.append(error)
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        assert sum(outcome["renewed"] for outcome in outcomes) == 1
        assert sum(outcome["errors"] for outcome in outcomes) == 0
    orders = renewal_orders(subscription)
    assert (len(orders), [order.grand_total for order in orders]) == (3, [Decimal("12.5000")] * 3)
    assert [r.period for r in renewals(subscription)] == [2, 3, 4]
    assert fresh(subscription).next_billing_at.date().isoformat() == "2031-04-30"


def test_the_loser_of_a_claim_finds_the_period_taken(client, fake, cleanup):
    """Both runs read the subscription as due; the conditional UPDATE lets one bill, the other skips."""
    subscription = anchored(subscribe(client, register(client, "claims"), plan_product(price="12.50")))
    slow_charges(fake)
    start, outcomes = threading.Barrier(2), []

    def worker():
        start.wait()
        with database.connection_context():
            outcomes.append(subscription_billing.renew(subscription.id, JAN_31 + MINUTE))
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["renewed", "skipped"]
    assert len(renewal_orders(subscription)) == 1


def test_a_run_that_dies_mid_renewal_leaves_the_period_due(client, fake, cleanup):
    subscription = anchored(subscribe(client, register(client, "crash"), plan_product(price="12.50")))

    def crash(self, order, key):
        raise RuntimeError("the worker died")
    with fake.context() as patch:
        patch.setattr(payments.FakeProcessor, "charge", crash)
        assert run(JAN_31 + MINUTE)["errors"] == 1
    current = fresh(subscription)
    assert (current.current_period, current.next_billing_at, renewals(subscription),
            renewal_orders(subscription)) == (1, JAN_31, [], [])
    assert run(JAN_31 + MINUTE)["errors"] == 0
    assert (fresh(subscription).current_period, len(renewal_orders(subscription))) == (2, 1)


def test_a_declined_renewal_follows_the_dunning_schedule_then_cancels(client, fake, cleanup):
    subscription = anchored(subscribe(client, register(client, "declined"), plan_product(price="15.00")))
    fake.setenv(payments.FAKE_DECLINE_SETTING, "1")
    run(JAN_31 + MINUTE)
    [renewal] = renewals(subscription)
    assert (fresh(subscription).status, renewal.state, renewal.attempts, renewal.next_attempt_at) == (
        "past_due", "failed", 1, JAN_31 + datetime.timedelta(days=1))
    [order] = renewal_orders(subscription)
    assert (order.status, payment_status(order)) == ("pending", "failed")
    run(JAN_31 + datetime.timedelta(hours=12))  # not due yet
    assert renewals(subscription)[0].attempts == 1
    for day, attempts, next_day in ((1, 2, 3), (3, 3, 7)):
        run(JAN_31 + datetime.timedelta(days=day, minutes=1))
        run(JAN_31 + datetime.timedelta(days=day, minutes=1))
        [renewal] = renewals(subscription)
        assert (renewal.state, renewal.attempts, renewal.next_attempt_at) == (
            "failed", attempts, JAN_31 + datetime.timedelta(days=next_day))
        assert fresh(subscription).status == "past_due"
    run(JAN_31 + datetime.timedelta(days=7, minutes=1))
    [renewal] = renewals(subscription)
    current = fresh(subscription)
    assert (renewal.state, renewal.attempts, renewal.next_attempt_at) == ("abandoned", 4, None)
    assert (current.status, current.ended_at is not None) == ("canceled", True)
    with database.connection_context():
        assert Order.get_by_id(order.id).status == "canceled"
    assert len(renewal_orders(subscription)) == 1  # the retries charge the same order
    assert len(events("subscription.past_due", subscription)) == 1
    assert [event["reason"] for event in events("subscription.cancelled", subscription)] == ["payment_failed"]
    run(JAN_31 + datetime.timedelta(days=40))
    assert len(renewal_orders(subscription)) == 1


def test_a_later_success_returns_a_past_due_subscription_to_active(client, fake, cleanup):
    subscription = anchored(subscribe(client, register(client, "recovering"), plan_product(price="15.00")))
    fake.setenv(payments.FAKE_DECLINE_SETTING, "1")
    run(JAN_31 + MINUTE)
    fake.delenv(payments.FAKE_DECLINE_SETTING)
    run(JAN_31 + datetime.timedelta(days=1, minutes=1))
    [renewal] = renewals(subscription)
    [order] = renewal_orders(subscription)
    assert (renewal.state, renewal.attempts, renewal.next_attempt_at) == ("paid", 2, None)
    assert (fresh(subscription).status, payment_status(order), order.status) == ("active", "paid", "completed")
    assert fresh(subscription).next_billing_at.date().isoformat() == "2031-02-28"


def test_billing_cycles_end_the_subscription(client, fake, cleanup):
    subscription = anchored(subscribe(client, register(client, "cycles"), plan_product(cycles=2)))
    run(JAN_31 + MINUTE)
    run(datetime.datetime(2031, 2, 28, 9, 1))
    current = fresh(subscription)
    assert (current.status, current.current_period, len(renewal_orders(subscription))) == ("expired", 2, 1)
    assert [event["reason"] for event in events("subscription.cancelled", subscription)] == ["expired"]


def test_an_offline_method_leaves_the_renewal_awaiting_payment(client, fake, cleanup):
    subscription = anchored(subscribe(client, register(client, "offline"), plan_product(), payment="moneytransfer"))
    run(JAN_31 + MINUTE)
    [renewal] = renewals(subscription)
    [order] = renewal_orders(subscription)
    assert (renewal.state, fresh(subscription).status, order.status, order.grand_total) == (
        "awaiting_payment", "active", "pending", Decimal("20.0000"))


def shop(client, customer, method, path, **kwargs):
    return getattr(client, method)(f"/api/shop/customer-subscriptions{path}", headers=customer["headers"], **kwargs)


def test_customer_pause_cancel_and_reactivate(client, fake, cleanup):
    customer = register(client, "mover")
    subscription = anchored(subscribe(client, customer, plan_product()))
    base = f"/{subscription.id}"
    listed = shop(client, customer, "get", "")
    assert listed.status_code == 200 and [row["id"] for row in listed.json()] == [subscription.id]
    assert listed.headers["X-Total-Count"] == "1"
    paused = shop(client, customer, "post", f"{base}/pause").json()
    assert (paused["status"], paused["nextBillingAt"]) == ("paused", "2031-01-31T09:00:00+00:00")
    again = shop(client, customer, "post", f"{base}/pause")
    assert again.status_code == 409
    assert again.json() == {"message": "A paused subscription cannot be paused.", "error": "invalid_transition"}
    run(JAN_31 + MINUTE)
    assert renewal_orders(subscription) == []  # nothing billed while paused
    resumed = shop(client, customer, "post", f"{base}/reactivate").json()
    assert resumed["status"] == "active"
    assert resumed["nextBillingAt"] == "2031-01-31T09:00:00+00:00"  # the date had not passed in real time
    ending = shop(client, customer, "post", f"{base}/cancel", json={"atPeriodEnd": True}).json()
    assert (ending["status"], ending["cancelAtPeriodEnd"]) == ("active", True)
    kept = shop(client, customer, "post", f"{base}/reactivate").json()
    assert (kept["status"], kept["cancelAtPeriodEnd"]) == ("active", False)
    canceled = shop(client, customer, "post", f"{base}/cancel").json()
    assert (canceled["status"], canceled["nextBillingAt"], canceled["canceledAt"] is not None) == (
        "canceled", None, True)
    assert shop(client, customer, "post", f"{base}/cancel").status_code == 409
    assert shop(client, customer, "post", f"{base}/pause").json()["error"] == "invalid_transition"
    back = shop(client, customer, "post", f"{base}/reactivate").json()
    assert (back["status"], back["canceledAt"]) == ("active", None)
    detail = shop(client, customer, "get", base).json()
    assert (detail["renewals"], detail["currentPeriod"], detail["price"]) == ([], 1, 20)


def test_a_cancellation_at_period_end_ends_without_an_order(client, fake, cleanup):
    customer = register(client, "leaving")
    subscription = anchored(subscribe(client, customer, plan_product()))
    shop(client, customer, "post", f"/{subscription.id}/cancel", json={"atPeriodEnd": True})
    run(JAN_31 + MINUTE)
    assert (fresh(subscription).status, renewal_orders(subscription)) == ("canceled", [])
    assert [event["reason"] for event in events("subscription.cancelled", subscription)] == ["period_end"]


def test_a_customer_cannot_see_or_change_anothers_subscription(client, fake, cleanup):
    owner, stranger = register(client, "owner"), register(client, "stranger")
    subscription = subscribe(client, owner, plan_product())
    for method, path in (("get", ""), ("post", "/pause"), ("post", "/reactivate"), ("post", "/cancel")):
        response = shop(client, stranger, method, f"/{subscription.id}{path}")
        assert response.status_code == 404, (path, response.text)
        assert response.json()["error"] == "not_found"
    assert shop(client, stranger, "get", "").json() == []
    assert fresh(subscription).status == "active"
    assert client.get("/api/shop/customer-subscriptions").status_code == 401


def test_customer_graphql(client, graphql, fake, cleanup):
    customer = register(client, "graph")
    subscription = subscribe(client, customer, plan_product())
    query = "{ customerSubscriptions { totalCount edges { node { id _id status price intervalUnit } } } }"
    body = graphql(query, headers=customer["headers"])
    assert body["data"]["customerSubscriptions"]["totalCount"] == 1
    assert body["data"]["customerSubscriptions"]["edges"][0]["node"] == {
        "id": f"/api/shop/customer-subscriptions/{subscription.id}", "_id": subscription.id, "status": "active",
        "price": 20.0, "intervalUnit": "month"}
    mutation = ("mutation($id: ID!) { pauseCustomerSubscription(input: {id: $id}) "
                "{ customerSubscription { status renewals { period } } } }")
    paused = graphql(mutation, {"id": str(subscription.id)}, headers=customer["headers"])
    assert paused["data"]["pauseCustomerSubscription"]["customerSubscription"] == {"status": "paused", "renewals": []}
    again = graphql(mutation, {"id": str(subscription.id)}, headers=customer["headers"])
    assert "cannot be paused" in again["errors"][0]["message"]
