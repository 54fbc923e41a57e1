"""Subscriptions: plans per product, customers' subscriptions, one renewal row per billed period
(unique per subscription and period)."""
from peewee import *
from storage.fields import MoneyField


def up(migrator, db):
    def table(name):
        class Ref(Model):
            class Meta:
                database = db
                table_name = name
        return Ref

    Product, Customer, Channel, Order = table('product'), table('customer'), table('channel'), table('order')

    class SubscriptionPlan(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        product = ForeignKeyField(Product, unique=True, on_delete='CASCADE')
        name = CharField(max_length=255)
        interval_unit = CharField(max_length=8)
        interval_count = IntegerField(default=1)
        trial_days = IntegerField(default=0)
        billing_cycles = IntegerField(default=0)
        price = MoneyField()
        status = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'subscription_plan'

    class Subscription(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        customer = ForeignKeyField(Customer, on_delete='CASCADE')
        channel = ForeignKeyField(Channel, on_delete='RESTRICT')
        plan = ForeignKeyField(SubscriptionPlan, null=True, on_delete='SET NULL')
        product = ForeignKeyField(Product, null=True, on_delete='SET NULL')
        order = ForeignKeyField(Order, null=True, on_delete='SET NULL')
        name = CharField(max_length=255)
        sku = CharField(max_length=255)
        quantity = IntegerField(default=1)
        interval_unit = CharField(max_length=8)
        interval_count = IntegerField(default=1)
        trial_days = IntegerField(default=0)
        billing_cycles = IntegerField(default=0)
        price = MoneyField()
        tax_percent = MoneyField(default=0)
        currency = CharField(max_length=3)
        payment_method = CharField(max_length=64)
        status = CharField(max_length=16, index=True)
        cancel_at_period_end = BooleanField(default=False)
        current_period = IntegerField(default=1)
        anchor_at = DateTimeField()
        anchor_period = IntegerField(default=2)
        next_billing_at = DateTimeField(null=True, index=True)
        started_at = DateTimeField()
        trial_ends_at = DateTimeField(null=True)
        paused_at = DateTimeField(null=True)
        canceled_at = DateTimeField(null=True)
        ended_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'subscription'

    class SubscriptionRenewal(Model):
        subscription = ForeignKeyField(Subscription, on_delete='CASCADE')
        period = IntegerField()
        order = ForeignKeyField(Order, null=True, on_delete='SET NULL')
        amount = MoneyField()
        state = CharField(max_length=16, index=True)
        attempts = IntegerField(default=0)
        due_at = DateTimeField()
        next_attempt_at = DateTimeField(null=True, index=True)
        error = TextField(default='')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'subscription_renewal'
            indexes = ((('subscription', 'period'), True),)

    db.create_tables([SubscriptionPlan, Subscription, SubscriptionRenewal])


def down(migrator, db):
    migrator.drop_table('subscription_renewal')
    migrator.drop_table('subscription')
    migrator.drop_table('subscription_plan')
