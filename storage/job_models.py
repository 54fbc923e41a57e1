"""Background job records and the payment provider events received.

`JobRecord` is one row per Huey task, written by the signal handlers of `domain/jobs.py` when the task is
queued and kept current as it runs, fails, is retried and succeeds (admins read it at
/api/admin/platform/jobs). `arguments` holds what a retry re-enqueues; it is null when the task's
arguments could not be kept (not JSON, or named like a secret), and such a job cannot be retried.

`PaymentEvent` is one row per provider notification received at /api/payments/webhooks/{processor},
unique per processor and provider event id: a duplicate finds the row and changes nothing.
"""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, JSONField, TextField

from storage.fields import MoneyField
from storage.models import BaseModel, TimestampedModel, utcnow
from storage.sales_models import Order


class JobRecord(TimestampedModel):
    task_id = CharField(unique=True, max_length=64)  # Huey's task id
    name = CharField(max_length=255, index=True)  # the task's registry name, e.g. domain.seo.tasks.generate_sitemap
    summary = CharField(default="", max_length=500)  # the arguments for reading, secrets left out
    arguments = JSONField(null=True)  # {"args": [...], "kwargs": {...}}: what a retry enqueues again
    state = CharField(default="queued", max_length=16, index=True)  # queued | running | succeeded | failed
    attempts = IntegerField(default=0)
    error = TextField(default="")
    traceback = TextField(default="")
    queued_at = DateTimeField(null=True)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)


class PaymentEvent(BaseModel):
    processor = CharField(max_length=64)
    event_id = CharField(max_length=255)
    type = CharField(max_length=64)
    order = ForeignKeyField(Order, null=True, backref="+", on_delete="SET NULL")
    order_reference = CharField(default="", max_length=255)
    amount = MoneyField(null=True)
    currency = CharField(default="", max_length=3)
    status = CharField(max_length=16, index=True)  # applied | refused | ignored
    error = CharField(default="", max_length=64)  # the refusal's code, e.g. amount_mismatch
    message = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("processor", "event_id"), True),)


MODELS = [JobRecord, PaymentEvent]
