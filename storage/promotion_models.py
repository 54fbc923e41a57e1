"""Promotions: catalog rules and the price index they are computed into.

Cart rules and their coupons live with the cart (`sales_models.py`); catalog rules discount the
products themselves. A catalog rule is never applied inside a request: a background job
(`domain/promotions/tasks.py`) computes every product's rule price per channel, customer group and
day into `CatalogRuleProductPrice`, and the shop's pricing reads that index.
"""
from peewee import BooleanField, DateField, DecimalField, ForeignKeyField, IntegerField, JSONField, TextField, CharField

from storage.fields import MoneyField
from storage.models import BaseModel, Channel, CustomerGroup, Product, TimestampedModel


class CatalogRule(TimestampedModel):
    name = CharField()
    description = TextField(default="")
    starts_from = DateField(null=True)  # first day the rule applies (inclusive); null = always
    ends_till = DateField(null=True)  # last day the rule applies (inclusive); null = open-ended
    status = BooleanField(default=True)
    sort_order = IntegerField(default=0)  # lower runs first
    condition_type = IntegerField(default=1)  # 1 = every condition, 0 = any one
    conditions = JSONField(default=list)  # [{"attribute": "product|sku", "operator": "==", "value": "X"}]
    end_other_rules = BooleanField(default=False)
    action_type = CharField(default="by_percent")  # by_percent | by_fixed | to_percent | to_fixed
    discount_amount = DecimalField(max_digits=12, decimal_places=4, default=0, auto_round=True)
    channel_ids = JSONField(default=list)
    customer_group_ids = JSONField(default=list)


class CatalogRuleProductPrice(BaseModel):
    """The price the catalog rules give one product in one channel, for one customer group, on one day."""
    product = ForeignKeyField(Product, backref="+", on_delete="CASCADE")
    channel = ForeignKeyField(Channel, backref="+", on_delete="CASCADE")
    customer_group = ForeignKeyField(CustomerGroup, backref="+", on_delete="CASCADE")
    rule_date = DateField()
    rule_price = MoneyField()

    class Meta:
        indexes = ((("product", "channel", "customer_group", "rule_date"), True),)


MODELS = [CatalogRule, CatalogRuleProductPrice]
