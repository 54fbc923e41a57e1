"""Sales back office: order comments, refunds and refund items, payment transactions; whether an
invoice was mailed (`invoice.email_sent`)."""
from peewee import *
from storage.fields import MoneyField

REFUND_MONEY = ("sub_total", "tax_amount", "discount_amount", "shipping_amount", "adjustment_refund",
                "adjustment_fee", "grand_total")
ITEM_MONEY = ("price", "total", "tax_amount", "discount_amount")


def up(migrator, db):
    class Order(Model):
        class Meta:
            database = db
            table_name = 'order'

    class OrderItem(Model):
        class Meta:
            database = db
            table_name = 'order_item'

    class Invoice(Model):
        class Meta:
            database = db
            table_name = 'invoice'

    class OrderComment(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        order = ForeignKeyField(Order, on_delete='CASCADE')
        comment = TextField()
        customer_notified = BooleanField()
        class Meta:
            database = db
            table_name = 'order_comment'

    refund_fields = {'created_at': DateTimeField(), 'updated_at': DateTimeField(),
                     'order': ForeignKeyField(Order, on_delete='CASCADE'), 'state': CharField(),
                     'email_sent': BooleanField(), 'total_qty': IntegerField()}
    for name in REFUND_MONEY:
        refund_fields[name] = MoneyField()
        refund_fields[f'base_{name}'] = MoneyField()
    Refund = type('Refund', (Model,), {**refund_fields, 'Meta': type('Meta', (), {'database': db,
                                                                                 'table_name': 'refund'})})

    item_fields = {'refund': ForeignKeyField(Refund, on_delete='CASCADE'),
                   'order_item': ForeignKeyField(OrderItem, on_delete='CASCADE'),
                   'name': CharField(), 'sku': CharField(), 'qty': IntegerField()}
    for name in ITEM_MONEY:
        item_fields[name] = MoneyField()
        item_fields[f'base_{name}'] = MoneyField()
    RefundItem = type('RefundItem', (Model,), {**item_fields, 'Meta': type('Meta', (), {'database': db,
                                                                                     'table_name': 'refund_item'})})

    class OrderTransaction(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        order = ForeignKeyField(Order, on_delete='CASCADE')
        invoice = ForeignKeyField(Invoice, null=True, on_delete='SET NULL')
        transaction_id = CharField()
        status = CharField()
        type = CharField()
        payment_method = CharField()
        amount = MoneyField()
        data = JSONField(null=True)
        class Meta:
            database = db
            table_name = 'order_transaction'

    db.create_tables([OrderComment, Refund, RefundItem, OrderTransaction])
    migrator.migrate(migrator.add_column('invoice', 'email_sent', BooleanField(default=False)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('invoice', 'email_sent'))
    for table in ('order_transaction', 'refund_item', 'refund', 'order_comment'):
        migrator.migrate(migrator.drop_table(table))
