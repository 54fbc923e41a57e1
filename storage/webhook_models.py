"""Webhooks: the endpoints admins register, the outbox of events and the deliveries sent from it.

`WebhookEvent` is the outbox: a row is written by `domain.webhooks.outbox.emit` inside the transaction
of the change it describes, so it exists exactly when that change committed. The dispatcher
(`domain/webhooks/tasks.py`) turns each undispatched event into one `WebhookDelivery` per subscribed
active endpoint and sends them; a delivery keeps its public `uuid` across every attempt.
"""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, JSONField, TextField

from storage.models import BaseModel, TimestampedModel, utcnow


class WebhookEndpoint(TimestampedModel):
    url = CharField(max_length=2048)
    description = CharField(default="", max_length=255)
    events = JSONField(default=list)  # event names, e.g. ["order.created", "stock.changed"]
    secret = CharField(max_length=255)  # the HMAC key; kept readable, it signs every delivery
    is_active = BooleanField(default=True)


class WebhookEvent(BaseModel):
    uuid = CharField(unique=True, max_length=36)
    event = CharField(max_length=64, index=True)
    payload = JSONField(default=dict)
    created_at = DateTimeField(default=utcnow)
    dispatched_at = DateTimeField(null=True, index=True)  # null until the dispatcher made its deliveries


class WebhookDelivery(TimestampedModel):
    uuid = CharField(unique=True, max_length=36)  # the X-Webhook-Delivery header: the same on every attempt
    endpoint = ForeignKeyField(WebhookEndpoint, backref="+", on_delete="CASCADE")
    webhook_event = ForeignKeyField(WebhookEvent, backref="+", on_delete="CASCADE")
    status = CharField(default="pending", max_length=16, index=True)  # pending | sending | succeeded | failed
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(null=True, index=True)
    last_attempt_at = DateTimeField(null=True)
    response_status = IntegerField(null=True)
    response_body = TextField(default="")
    error = TextField(default="")


MODELS = [WebhookEndpoint, WebhookEvent, WebhookDelivery]
