"""The admin customers back office: customer notes, GDPR data requests, impersonation records."""
from peewee import *


def up(migrator, db):
    class Customer(Model):
        class Meta:
            database = db
            table_name = 'customer'

    class CustomerNote(Model):
        customer = ForeignKeyField(Customer, on_delete='CASCADE')
        note = TextField()
        customer_notified = BooleanField()
        admin_id = IntegerField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'customer_note'

    class GdprDataRequest(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        customer_id = IntegerField(index=True)
        email = CharField()
        type = CharField(max_length=16)
        status = CharField(max_length=16)
        message = TextField()
        revoked_at = DateTimeField(null=True)
        processed_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'gdpr_data_request'

    class CustomerImpersonation(Model):
        admin_id = IntegerField(index=True)
        customer_id = IntegerField(index=True)
        token_id = IntegerField()
        expires_at = DateTimeField()
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'customer_impersonation'

    db.create_tables([CustomerNote, GdprDataRequest, CustomerImpersonation])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('customer_impersonation'))
    migrator.migrate(migrator.drop_table('gdpr_data_request'))
    migrator.migrate(migrator.drop_table('customer_note'))
