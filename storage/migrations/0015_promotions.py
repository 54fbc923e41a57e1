"""Promotions: catalog rules and their price index (one row per product, channel, customer group and day)."""
from peewee import *
from storage.fields import MoneyField


def up(migrator, db):
    class Channel(Model):
        class Meta:
            database = db
            table_name = 'channel'

    class CustomerGroup(Model):
        class Meta:
            database = db
            table_name = 'customer_group'

    class Product(Model):
        class Meta:
            database = db
            table_name = 'product'

    class CatalogRule(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        name = CharField()
        description = TextField(default='')
        starts_from = DateField(null=True)
        ends_till = DateField(null=True)
        status = BooleanField(default=True)
        sort_order = IntegerField(default=0)
        condition_type = IntegerField(default=1)
        conditions = JSONField(default=list)
        end_other_rules = BooleanField(default=False)
        action_type = CharField(default='by_percent')
        discount_amount = DecimalField(max_digits=12, decimal_places=4, default=0, auto_round=True)
        channel_ids = JSONField(default=list)
        customer_group_ids = JSONField(default=list)
        class Meta:
            database = db
            table_name = 'catalog_rule'
    db.create_tables([CatalogRule])

    class CatalogRuleProductPrice(Model):
        product = ForeignKeyField(Product, on_delete='CASCADE')
        channel = ForeignKeyField(Channel, on_delete='CASCADE')
        customer_group = ForeignKeyField(CustomerGroup, on_delete='CASCADE')
        rule_date = DateField()
        rule_price = MoneyField()
        class Meta:
            database = db
            table_name = 'catalog_rule_product_price'
            indexes = ((('product', 'channel', 'customer_group', 'rule_date'), True),)
    db.create_tables([CatalogRuleProductPrice])


def down(migrator, db):
    migrator.drop_table('catalog_rule_product_price')
    migrator.drop_table('catalog_rule')
