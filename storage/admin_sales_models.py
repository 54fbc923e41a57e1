"""Sales back office: order comments, refunds and their lines, payment transactions.

Refund amounts are `MoneyField` in the order currency and the base currency, like invoices. A
transaction is one payment event of an order (a capture when an invoice is paid), with the
gateway's payload kept verbatim in `data`.
"""
from peewee import BooleanField, CharField, ForeignKeyField, IntegerField, JSONField, TextField

from storage.fields import MoneyField
from storage.models import BaseModel, TimestampedModel
from storage.sales_models import Invoice, Order, OrderItem


class OrderComment(TimestampedModel):
    order = ForeignKeyField(Order, backref="comments", on_delete="CASCADE")
    comment = TextField()
    customer_notified = BooleanField(default=False)


class Refund(TimestampedModel):
    order = ForeignKeyField(Order, backref="refunds", on_delete="CASCADE")
    state = CharField(default="refunded")
    email_sent = BooleanField(default=False)
    total_qty = IntegerField(default=0)
    sub_total = MoneyField(default=0)
    base_sub_total = MoneyField(default=0)
    tax_amount = MoneyField(default=0)
    base_tax_amount = MoneyField(default=0)
    discount_amount = MoneyField(default=0)
    base_discount_amount = MoneyField(default=0)
    shipping_amount = MoneyField(default=0)
    base_shipping_amount = MoneyField(default=0)
    adjustment_refund = MoneyField(default=0)
    base_adjustment_refund = MoneyField(default=0)
    adjustment_fee = MoneyField(default=0)
    base_adjustment_fee = MoneyField(default=0)
    grand_total = MoneyField(default=0)
    base_grand_total = MoneyField(default=0)


class RefundItem(BaseModel):
    refund = ForeignKeyField(Refund, backref="items", on_delete="CASCADE")
    order_item = ForeignKeyField(OrderItem, backref="+", on_delete="CASCADE")
    name = CharField()
    sku = CharField()
    qty = IntegerField()
    price = MoneyField(default=0)
    base_price = MoneyField(default=0)
    total = MoneyField(default=0)
    base_total = MoneyField(default=0)
    tax_amount = MoneyField(default=0)
    base_tax_amount = MoneyField(default=0)
    discount_amount = MoneyField(default=0)
    base_discount_amount = MoneyField(default=0)


class OrderTransaction(TimestampedModel):
    order = ForeignKeyField(Order, backref="transactions", on_delete="CASCADE")
    invoice = ForeignKeyField(Invoice, null=True, backref="transactions", on_delete="SET NULL")
    transaction_id = CharField()
    status = CharField(default="paid")
    type = CharField(default="capture")
    payment_method = CharField()
    amount = MoneyField(default=0)
    data = JSONField(null=True)


MODELS = [OrderComment, Refund, RefundItem, OrderTransaction]
