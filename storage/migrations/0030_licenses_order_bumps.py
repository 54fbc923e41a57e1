"""License keys (the licensing setting of a product, the keys, their activated instances, unique per
license and instance) and the order bumps offered with a cart."""
from peewee import *
from storage.fields import MoneyField


def up(migrator, db):
    class Product(Model):
        class Meta:
            database = db
            table_name = 'product'

    class Customer(Model):
        class Meta:
            database = db
            table_name = 'customer'

    class Order(Model):
        class Meta:
            database = db
            table_name = 'order'

    class OrderItem(Model):
        class Meta:
            database = db
            table_name = 'order_item'

    class LicenseProduct(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        product = ForeignKeyField(Product, unique=True, on_delete='CASCADE')
        enabled = BooleanField(default=True)
        mode = CharField(default='per_unit', max_length=16)
        activation_limit = IntegerField(null=True)
        validity_days = IntegerField(null=True)
        class Meta:
            database = db
            table_name = 'license_product'

    class License(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        license_key = CharField(max_length=64, unique=True)
        product = ForeignKeyField(Product, null=True, on_delete='SET NULL')
        product_name = CharField(default='', max_length=255)
        customer = ForeignKeyField(Customer, null=True, on_delete='SET NULL')
        customer_email = CharField(default='', max_length=255)
        order = ForeignKeyField(Order, null=True, on_delete='SET NULL')
        order_item = ForeignKeyField(OrderItem, null=True, on_delete='SET NULL')
        status = CharField(default='active', max_length=16, index=True)
        activation_limit = IntegerField(null=True)
        activation_count = IntegerField(default=0)
        expires_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'license'

    class LicenseActivation(Model):
        license = ForeignKeyField(License, on_delete='CASCADE')
        instance = CharField(max_length=255)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'license_activation'
            indexes = ((('license', 'instance'), True),)

    class OrderBump(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        name = CharField(max_length=255)
        description = CharField(default='', max_length=1000)
        product = ForeignKeyField(Product, on_delete='CASCADE')
        price_type = CharField(default='fixed', max_length=16)
        offer_price = MoneyField(default=0)
        status = BooleanField(default=True)
        priority = IntegerField(default=0)
        condition_type = IntegerField(default=1)
        conditions = JSONField(default=list)
        channel_codes = JSONField(default=list)
        starts_from = DateTimeField(null=True)
        ends_till = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'order_bump'
    db.create_tables([LicenseProduct, License, LicenseActivation, OrderBump])


def down(migrator, db):
    migrator.drop_table('order_bump')
    migrator.drop_table('license_activation')
    migrator.drop_table('license')
    migrator.drop_table('license_product')
