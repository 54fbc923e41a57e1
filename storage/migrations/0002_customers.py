"""Customer accounts: customers, tokens, addresses, login failures, password resets
(timestamps default in Python, not DDL)."""
from peewee import *


def up(migrator, db):
    class Channel(Model):
        class Meta:
            database = db
            table_name = 'channel'

    class CustomerGroup(Model):
        class Meta:
            database = db
            table_name = 'customer_group'

    class Customer(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        first_name = CharField()
        last_name = CharField()
        email = CharField(unique=True)
        password = CharField()
        phone = CharField(null=True)
        gender = CharField(null=True, max_length=16)
        date_of_birth = DateField(null=True)
        status = BooleanField(default=True)
        is_verified = BooleanField(default=False)
        is_suspended = BooleanField(default=False)
        subscribed_to_news_letter = BooleanField(default=False)
        image = CharField(null=True)
        api_token = CharField(unique=True, max_length=80)
        channel = ForeignKeyField(Channel, null=True, on_delete='SET NULL')
        customer_group = ForeignKeyField(CustomerGroup, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'customer'
    db.create_tables([Customer])

    class CustomerToken(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        customer = ForeignKeyField(Customer, on_delete='CASCADE')
        name = CharField(max_length=32)
        token_hash = CharField(unique=True, max_length=64)
        expires_at = DateTimeField()
        revoked_at = DateTimeField(null=True)
        last_used_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'customer_token'
    db.create_tables([CustomerToken])

    class CustomerAddress(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        customer = ForeignKeyField(Customer, on_delete='CASCADE')
        address_type = CharField(max_length=16, default='customer')
        company_name = CharField(null=True)
        vat_id = CharField(null=True)
        first_name = CharField()
        last_name = CharField()
        email = CharField()
        phone = CharField()
        address1 = CharField()
        address2 = CharField(null=True)
        city = CharField()
        state = CharField()
        country = CharField(max_length=2)
        postcode = CharField(max_length=32)
        default_address = BooleanField(default=False)
        use_for_shipping = BooleanField(default=False)
        additional = JSONField(null=True)
        class Meta:
            database = db
            table_name = 'customer_address'
    db.create_tables([CustomerAddress])

    class CustomerLoginFailure(Model):
        email = CharField(index=True)
        failed_at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'customer_login_failure'
    db.create_tables([CustomerLoginFailure])

    class CustomerPasswordReset(Model):
        customer = ForeignKeyField(Customer, on_delete='CASCADE')
        token_hash = CharField(unique=True, max_length=64)
        created_at = DateTimeField()
        expires_at = DateTimeField()
        used_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'customer_password_reset'
    db.create_tables([CustomerPasswordReset])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('customer_password_reset'))
    migrator.migrate(migrator.drop_table('customer_login_failure'))
    migrator.migrate(migrator.drop_table('customer_address'))
    migrator.migrate(migrator.drop_table('customer_token'))
    migrator.migrate(migrator.drop_table('customer'))
