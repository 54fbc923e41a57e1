"""Webhooks: endpoints, the outbox of events, and deliveries."""
from peewee import *


def up(migrator, db):
    class WebhookEndpoint(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        url = CharField(max_length=2048)
        description = CharField(default='', max_length=255)
        events = JSONField(default=list)
        secret = CharField(max_length=255)
        is_active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'webhook_endpoint'

    class WebhookEvent(Model):
        uuid = CharField(unique=True, max_length=36)
        event = CharField(max_length=64, index=True)
        payload = JSONField(default=dict)
        created_at = DateTimeField()
        dispatched_at = DateTimeField(null=True, index=True)
        class Meta:
            database = db
            table_name = 'webhook_event'

    class WebhookDelivery(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        uuid = CharField(unique=True, max_length=36)
        endpoint = ForeignKeyField(WebhookEndpoint, on_delete='CASCADE')
        webhook_event = ForeignKeyField(WebhookEvent, on_delete='CASCADE')
        status = CharField(default='pending', max_length=16, index=True)
        attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField(null=True, index=True)
        last_attempt_at = DateTimeField(null=True)
        response_status = IntegerField(null=True)
        response_body = TextField(default='')
        error = TextField(default='')
        class Meta:
            database = db
            table_name = 'webhook_delivery'
    db.create_tables([WebhookEndpoint, WebhookEvent, WebhookDelivery])


def down(migrator, db):
    migrator.drop_table('webhook_delivery')
    migrator.drop_table('webhook_event')
    migrator.drop_table('webhook_endpoint')
