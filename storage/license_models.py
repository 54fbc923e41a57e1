"""License keys of licensed products and the order bumps offered at checkout.

`LicenseProduct` is the licensing setting of one downloadable or virtual product: whether ordering it
issues keys, one key per unit ordered (`per_unit`) or one per order line (`per_item`), how many
activations a key allows (null: unlimited) and how long it is valid (`validity_days`, null: lifetime).

`License` is one key: unique, drawn from the `secrets` module at placement (or created by an admin),
`status` active | inactive | revoked (an `expires_at` in the past reads as expired), and
`activation_count`, the seats taken, raised only by a conditional UPDATE that keeps it within
`activation_limit`. `LicenseActivation` is one activated instance (a site URL or a machine id), unique per
license, so activating the same instance again finds the row instead of taking a second seat.

`OrderBump` is an offer shown with a cart: a product at `offer_price` (`price_type` fixed) or with
`offer_price` percent off its price (`percent`), offered while its cart-rule style `conditions` hold for the
cart, inside its date window, in its channels, highest `priority` first. An accepted bump is a cart line
whose `additional` holds `{"order_bump": <id>}` (domain/sales/order_bump_prices.py prices it).
"""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, JSONField

from storage.customer_models import Customer
from storage.fields import MoneyField
from storage.models import BaseModel, Product, TimestampedModel, utcnow
from storage.sales_models import Order, OrderItem


class LicenseProduct(TimestampedModel):
    product = ForeignKeyField(Product, unique=True, backref="+", on_delete="CASCADE")
    enabled = BooleanField(default=True)
    mode = CharField(max_length=16, default="per_unit")  # per_unit | per_item
    activation_limit = IntegerField(null=True)  # null: unlimited
    validity_days = IntegerField(null=True)  # null: lifetime


class License(TimestampedModel):
    license_key = CharField(max_length=64, unique=True)
    product = ForeignKeyField(Product, null=True, backref="+", on_delete="SET NULL")
    product_name = CharField(default="", max_length=255)
    customer = ForeignKeyField(Customer, null=True, backref="+", on_delete="SET NULL")
    customer_email = CharField(default="", max_length=255)
    order = ForeignKeyField(Order, null=True, backref="+", on_delete="SET NULL")
    order_item = ForeignKeyField(OrderItem, null=True, backref="+", on_delete="SET NULL")
    status = CharField(max_length=16, default="active", index=True)  # active | inactive | revoked
    activation_limit = IntegerField(null=True)
    activation_count = IntegerField(default=0)
    expires_at = DateTimeField(null=True)


class LicenseActivation(BaseModel):
    license = ForeignKeyField(License, backref="activations", on_delete="CASCADE")
    instance = CharField(max_length=255)  # the site URL or machine id, as sent
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("license", "instance"), True),)


class OrderBump(TimestampedModel):
    name = CharField(max_length=255)
    description = CharField(default="", max_length=1000)
    product = ForeignKeyField(Product, backref="+", on_delete="CASCADE")
    price_type = CharField(max_length=16, default="fixed")  # fixed | percent
    offer_price = MoneyField(default=0)  # the unit price (fixed) or the percent off (percent)
    status = BooleanField(default=True)
    priority = IntegerField(default=0)
    condition_type = IntegerField(default=1)  # 1: every condition, 0: any one
    conditions = JSONField(default=list)
    channel_codes = JSONField(default=list)  # empty: every channel
    starts_from = DateTimeField(null=True)
    ends_till = DateTimeField(null=True)


MODELS = [LicenseProduct, License, LicenseActivation, OrderBump]
