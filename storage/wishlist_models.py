"""Wishlists and compare lists.

A wishlist item belongs to one customer in one channel (the same product may be wished in two
channels); `additional` keeps the add-to-cart options chosen when it was added (a configurable
variant, download links, ...), which moving it to the cart uses unless the request gives others.
A compare item belongs to a customer, or to a guest through the guest's cart (the cart token is the
guest's only identity); each product is listed once per owner.
"""
from peewee import ForeignKeyField, JSONField

from storage.customer_models import Customer
from storage.models import Channel, Product, TimestampedModel
from storage.sales_models import Cart


class WishlistItem(TimestampedModel):
    customer = ForeignKeyField(Customer, backref="+", on_delete="CASCADE")
    channel = ForeignKeyField(Channel, backref="+", on_delete="CASCADE")
    product = ForeignKeyField(Product, backref="+", on_delete="CASCADE")
    additional = JSONField(default=dict)

    class Meta:
        indexes = ((("customer", "channel", "product"), True),)


class CompareItem(TimestampedModel):
    customer = ForeignKeyField(Customer, null=True, backref="+", on_delete="CASCADE")
    cart = ForeignKeyField(Cart, null=True, backref="+", on_delete="CASCADE")
    product = ForeignKeyField(Product, backref="+", on_delete="CASCADE")

    class Meta:
        indexes = ((("customer", "product"), True), (("cart", "product"), True))


MODELS = [WishlistItem, CompareItem]
