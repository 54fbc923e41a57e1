"""The audit trail: one row per entity an admin write changed, written by `domain/audit.py` inside the
transaction of the change (a rolled-back write leaves no entry).

`changes` maps each changed field to `{"before", "after"}`; fields of related rows are named by path
(`translations.en.name`); secrets and password hashes are kept only as "[redacted]".
"""
from peewee import CharField, DateTimeField, IntegerField, JSONField

from storage.models import BaseModel, utcnow


class AuditEntry(BaseModel):
    entity_type = CharField(max_length=64)  # product, order, customer, ... (the table of the entity)
    entity_id = CharField(max_length=64)  # the key as text
    action = CharField(max_length=32)  # created | updated | deleted | a domain action (impersonated)
    changes = JSONField(default=dict)
    actor_type = CharField(max_length=32)  # integration_token | admin_user
    actor_id = IntegerField(null=True)  # the token's id (integration_token) or the admin's
    actor_name = CharField(default="")
    admin_user_id = IntegerField(null=True, index=True)  # the admin behind the token
    admin_email = CharField(default="")
    request_id = CharField(default="", max_length=128, index=True)
    operation = CharField(default="", max_length=128)  # operationId or GraphQL root field
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("entity_type", "entity_id", "created_at"), False), (("created_at",), False),
                   (("actor_type", "actor_id"), False))


MODELS = [AuditEntry]
