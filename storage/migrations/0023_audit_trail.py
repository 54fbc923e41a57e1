"""The audit trail: who changed which entity, how, from which request (storage/audit_models.py)."""
from peewee import *


def up(migrator, db):
    class AuditEntry(Model):
        entity_type = CharField(max_length=64)
        entity_id = CharField(max_length=64)
        action = CharField(max_length=32)
        changes = JSONField(default=dict)
        actor_type = CharField(max_length=32)
        actor_id = IntegerField(null=True)
        actor_name = CharField(default='')
        admin_user_id = IntegerField(null=True, index=True)
        admin_email = CharField(default='')
        request_id = CharField(default='', max_length=128, index=True)
        operation = CharField(default='', max_length=128)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'audit_entry'
            indexes = ((('entity_type', 'entity_id', 'created_at'), False), (('created_at',), False),
                       (('actor_type', 'actor_id'), False))
    db.create_tables([AuditEntry])


def down(migrator, db):
    migrator.drop_table('audit_entry')
