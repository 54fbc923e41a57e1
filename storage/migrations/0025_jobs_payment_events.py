"""Background job records (one per Huey task, kept current by its signals) and the payment provider
events received by the payment webhook receiver (unique per processor and provider event id)."""
from peewee import *
from storage.fields import MoneyField


def up(migrator, db):
    class Order(Model):
        class Meta:
            database = db
            table_name = 'order'

    class JobRecord(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        task_id = CharField(unique=True, max_length=64)
        name = CharField(max_length=255, index=True)
        summary = CharField(default='', max_length=500)
        arguments = JSONField(null=True)
        state = CharField(default='queued', max_length=16, index=True)
        attempts = IntegerField(default=0)
        error = TextField(default='')
        traceback = TextField(default='')
        queued_at = DateTimeField(null=True)
        started_at = DateTimeField(null=True)
        finished_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'job_record'

    class PaymentEvent(Model):
        processor = CharField(max_length=64)
        event_id = CharField(max_length=255)
        type = CharField(max_length=64)
        order = ForeignKeyField(Order, null=True, on_delete='SET NULL')
        order_reference = CharField(default='', max_length=255)
        amount = MoneyField(null=True)
        currency = CharField(default='', max_length=3)
        status = CharField(max_length=16, index=True)
        error = CharField(default='', max_length=64)
        message = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'payment_event'
            indexes = ((('processor', 'event_id'), True),)
    db.create_tables([JobRecord, PaymentEvent])


def down(migrator, db):
    migrator.drop_table('payment_event')
    migrator.drop_table('job_record')
