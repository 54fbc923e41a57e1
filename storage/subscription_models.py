"""Subscriptions: the plan a product (or a configurable product's variant) is sold by, the customers'
subscriptions started at checkout, and one row per billed period (docs/subscriptions.md).

A subscription copies its plan's terms (interval, cycles, price) when it starts: later plan edits change
new subscriptions only. `SubscriptionRenewal` is unique per (subscription, period): the period is claimed
in the transaction that writes its order, so a second run finds it taken.
"""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from storage.customer_models import Customer
from storage.fields import MoneyField
from storage.models import BaseModel, Channel, Product, TimestampedModel, utcnow
from storage.sales_models import Order


class SubscriptionPlan(TimestampedModel):
    product = ForeignKeyField(Product, unique=True, backref="+", on_delete="CASCADE")
    name = CharField(max_length=255)
    interval_unit = CharField(max_length=8)  # day | week | month | year
    interval_count = IntegerField(default=1)
    trial_days = IntegerField(default=0)
    billing_cycles = IntegerField(default=0)  # periods billed in all, the checkout's included; 0 = until canceled
    price = MoneyField()  # per period and unit, in the base currency
    status = BooleanField(default=True)


class Subscription(TimestampedModel):
    customer = ForeignKeyField(Customer, backref="+", on_delete="CASCADE")
    channel = ForeignKeyField(Channel, backref="+", on_delete="RESTRICT")
    plan = ForeignKeyField(SubscriptionPlan, null=True, backref="+", on_delete="SET NULL")
    product = ForeignKeyField(Product, null=True, backref="+", on_delete="SET NULL")
    order = ForeignKeyField(Order, null=True, backref="+", on_delete="SET NULL")  # the checkout order
    name = CharField(max_length=255)
    sku = CharField(max_length=255)
    quantity = IntegerField(default=1)
    interval_unit = CharField(max_length=8)
    interval_count = IntegerField(default=1)
    trial_days = IntegerField(default=0)
    billing_cycles = IntegerField(default=0)
    price = MoneyField()
    tax_percent = MoneyField(default=0)
    currency = CharField(max_length=3)
    payment_method = CharField(max_length=64)
    status = CharField(max_length=16, index=True)  # trialing | active | past_due | paused | canceled | expired
    cancel_at_period_end = BooleanField(default=False)
    current_period = IntegerField(default=1)  # periods billed so far (the checkout's is 1)
    anchor_at = DateTimeField()  # period `anchor_period` is due at anchor_at; later ones whole intervals on
    anchor_period = IntegerField(default=2)
    next_billing_at = DateTimeField(null=True, index=True)
    started_at = DateTimeField(default=utcnow)
    trial_ends_at = DateTimeField(null=True)
    paused_at = DateTimeField(null=True)
    canceled_at = DateTimeField(null=True)
    ended_at = DateTimeField(null=True)


class SubscriptionRenewal(BaseModel):
    subscription = ForeignKeyField(Subscription, backref="+", on_delete="CASCADE")
    period = IntegerField()
    order = ForeignKeyField(Order, null=True, backref="+", on_delete="SET NULL")
    amount = MoneyField()
    state = CharField(max_length=16, index=True)  # paid | awaiting_payment | failed | abandoned
    attempts = IntegerField(default=0)
    due_at = DateTimeField()
    next_attempt_at = DateTimeField(null=True, index=True)
    error = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("subscription", "period"), True),)


MODELS = [SubscriptionPlan, Subscription, SubscriptionRenewal]
