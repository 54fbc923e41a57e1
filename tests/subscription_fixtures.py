"""Subscriptions for the tests: a plan product, a customer's subscription started by a checkout paid
with the fake processor, the renewal run at a chosen time, and the clean-up of what a test started."""
import datetime
from decimal import Decimal

import pytest

from domain.sales import payments, subscription_billing, subscriptions
from storage.db import database
from storage.subscription_models import Subscription, SubscriptionPlan
from tests.checkout_fixtures import customer_cart, place, ready_for_order
from tests.order_fixtures import make_product

JAN_31 = datetime.datetime(2031, 1, 31, 9, 0)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def fake(app, monkeypatch):
    monkeypatch.setenv(payments.FAKE_SETTING, "1")
    monkeypatch.delenv(payments.FAKE_DECLINE_SETTING, raising=False)
    payments.register_processor(payments.FakeProcessor())
    yield monkeypatch
    payments.PROCESSORS.pop("fake", None)


@pytest.fixture
def cleanup():
    """Subscriptions the test starts are deleted after it (their renewals cascade; orders stay)."""
    with database.connection_context():
        last = Subscription.select(Subscription.id).order_by(Subscription.id.desc()).scalar() or 0
    yield
    with database.connection_context():
        Subscription.delete().where(Subscription.id > last).execute()


def plan_product(unit="month", count=1, price="20.00", trial=0, cycles=0, product_price="30.00") -> int:
    product_id = make_product(product_price, kind="virtual", stock={1: 100})
    with database.connection_context():
        SubscriptionPlan.create(product=product_id, name="Plan", interval_unit=unit, interval_count=count,
                                trial_days=trial, billing_cycles=cycles, price=Decimal(price))
    return product_id


def subscribe(client, customer: dict, product_id: int, qty: int = 1, payment: str = "fake") -> Subscription:
    headers = customer_cart(customer, (product_id, qty))
    ready_for_order(client, headers, shipping=None, payment=payment)
    response = place(client, headers)
    assert response.status_code in (200, 201), response.text
    with database.connection_context():
        return Subscription.select().where(Subscription.customer == customer["id"]).order_by(
            Subscription.id.desc()).first()


def anchored(subscription: Subscription, at: datetime.datetime = JAN_31) -> Subscription:
    with database.connection_context():
        return subscriptions.set_next_billing(subscription, at)


def run(now: datetime.datetime) -> dict:
    with database.connection_context():
        return subscription_billing.run_renewals(now)


def fresh(subscription: Subscription) -> Subscription:
    with database.connection_context():
        return Subscription.get_by_id(subscription.id)
