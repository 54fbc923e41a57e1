"""Newsletter subscriptions and booking products.

A newsletter subscriber is one email address per channel (subscribing again changes nothing but the
token), optionally linked to the customer who subscribed while signed in. `is_subscribed` is false
once unsubscribed; `confirmed_at` is set when the emailed token comes back. Only the token's SHA-256
is stored. Every subscribe request is logged in NewsletterRequest, which the throttle counts.

A booking product (a Product of type `booking`) has one BookingProduct row naming its booking type:
`default`, `appointment`, `rental` and `table` rows have one BookingSlotConfig (the schedule
template, the type's own settings), `event` rows have BookingEventTickets. BookingCapacity holds one
row per bookable cell (a slot of a date, a rental day or hour, an event ticket): its capacity and
how many places orders took; placing an order raises `booked` with a conditional UPDATE that never
passes `capacity`. Booking records what an order line booked.
"""
from peewee import (
    BigIntegerField, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, JSONField, TextField,
)

from storage.customer_models import Customer
from storage.fields import MoneyField
from storage.models import BaseModel, Channel, Product, TimestampedModel, utcnow
from storage.sales_models import Order, OrderItem


class NewsletterSubscriber(TimestampedModel):
    email = CharField(max_length=255)
    channel = ForeignKeyField(Channel, backref="+", on_delete="CASCADE")
    customer = ForeignKeyField(Customer, null=True, backref="+", on_delete="SET NULL")
    is_subscribed = BooleanField(default=True)
    confirmed_at = DateTimeField(null=True)
    token_hash = CharField(max_length=64, unique=True)

    class Meta:
        indexes = ((("email", "channel"), True),)


class NewsletterRequest(BaseModel):
    email = CharField(max_length=255, index=True)
    client_ip = CharField(max_length=64, null=True, index=True)
    created_at = DateTimeField(default=utcnow, index=True)


class BookingProduct(TimestampedModel):
    product = ForeignKeyField(Product, backref="+", on_delete="CASCADE", index=True)
    type = CharField(max_length=16)  # default, appointment, rental, event, table
    qty = IntegerField(default=0)  # places per slot (per rental day or hour)
    location = CharField(default="")
    show_location = BooleanField(default=False)
    available_every_week = BooleanField(null=True)
    available_from = DateTimeField(null=True)  # UTC
    available_to = DateTimeField(null=True)


class BookingSlotConfig(BaseModel):
    booking_product = ForeignKeyField(BookingProduct, backref="+", on_delete="CASCADE", unique=True)
    kind = CharField(max_length=16)  # default, appointment, rental, table
    booking_type = CharField(max_length=8, null=True)  # default: one | many
    duration = IntegerField(null=True)  # minutes
    break_time = IntegerField(null=True)  # minutes
    same_slot_all_days = BooleanField(null=True)
    renting_type = CharField(max_length=16, null=True)  # rental: daily | hourly | daily_hourly
    daily_price = MoneyField(null=True)
    hourly_price = MoneyField(null=True)
    price_type = CharField(max_length=8, null=True)  # table: guest | table
    guest_limit = IntegerField(null=True)
    prevent_scheduling_before = IntegerField(null=True)  # minutes
    slots = JSONField(default=list)


class BookingEventTicket(BaseModel):
    booking_product = ForeignKeyField(BookingProduct, backref="+", on_delete="CASCADE", index=True)
    name = CharField()
    description = TextField(default="")
    price = MoneyField()
    qty = IntegerField(default=0)
    special_price = MoneyField(null=True)
    special_price_from = DateTimeField(null=True)
    special_price_to = DateTimeField(null=True)
    sort_order = IntegerField(default=0)


class BookingCapacity(BaseModel):
    booking_product = ForeignKeyField(BookingProduct, backref="+", on_delete="CASCADE")
    ticket = IntegerField(default=0)  # BookingEventTicket id, 0 for slots
    starts_at = BigIntegerField()  # Unix time
    ends_at = BigIntegerField()
    capacity = IntegerField()
    booked = IntegerField(default=0)

    class Meta:
        indexes = ((("booking_product", "ticket", "starts_at", "ends_at"), True),)


class Booking(BaseModel):
    order = ForeignKeyField(Order, backref="+", on_delete="CASCADE", index=True)
    order_item = ForeignKeyField(OrderItem, backref="+", on_delete="CASCADE")
    product = ForeignKeyField(Product, backref="+", on_delete="CASCADE")
    booking_product = ForeignKeyField(BookingProduct, backref="+", on_delete="CASCADE")
    ticket = IntegerField(null=True)
    qty = IntegerField()
    starts_at = BigIntegerField(null=True)
    ends_at = BigIntegerField(null=True)
    created_at = DateTimeField(default=utcnow)


MODELS = [NewsletterSubscriber, NewsletterRequest, BookingProduct, BookingSlotConfig, BookingEventTicket,
          BookingCapacity, Booking]
