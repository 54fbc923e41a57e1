"""The back office around customer accounts: notes, GDPR data requests and impersonation records.

Notes are append-only (every note is a row, with whether the customer was mailed). A GDPR request
keeps the email it was made with, so it stays readable after the account it concerns is erased
(the email is then anonymised with the account). An impersonation record names the admin, the
customer and the token issued (`customer_id` and `admin_id` are plain integers: the record outlives
both), so issuing an assumed identity always leaves a trace.
"""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from storage.customer_models import Customer
from storage.models import BaseModel, TimestampedModel, utcnow

GDPR_STATUSES = ("pending", "processing", "declined", "approved", "revoked")
GDPR_TYPES = ("update", "delete")


class CustomerNote(BaseModel):
    customer = ForeignKeyField(Customer, backref="+", on_delete="CASCADE")
    note = TextField()
    customer_notified = BooleanField(default=False)
    admin_id = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)


class GdprDataRequest(TimestampedModel):
    customer_id = IntegerField(index=True)
    email = CharField()
    type = CharField(max_length=16)  # update | delete
    status = CharField(max_length=16, default="pending")
    message = TextField(default="")
    revoked_at = DateTimeField(null=True)
    processed_at = DateTimeField(null=True)


class CustomerImpersonation(BaseModel):
    admin_id = IntegerField(index=True)
    customer_id = IntegerField(index=True)
    token_id = IntegerField()
    expires_at = DateTimeField()
    created_at = DateTimeField(default=utcnow)


MODELS = [CustomerNote, GdprDataRequest, CustomerImpersonation]
