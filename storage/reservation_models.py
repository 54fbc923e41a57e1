"""Inventory reservations: stock a cart holds for a while (domain/sales/reservations.py).

A row is one cart's hold on one stock-bearing product. `state` moves once away from `active`:
`released` (the cart no longer needs it, or an admin released it), `expired` (its time ran out) or
`converted` (the cart's order took the stock; `order_id` names it). Reservations never change
ProductInventory.qty: they are subtracted from it when the sellable quantity is computed.
"""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from storage.models import Product, TimestampedModel
from storage.sales_models import Cart

STATES = ("active", "released", "expired", "converted")


class InventoryReservation(TimestampedModel):
    cart = ForeignKeyField(Cart, backref="+", on_delete="CASCADE")
    product = ForeignKeyField(Product, backref="+", on_delete="CASCADE")
    qty = IntegerField()
    state = CharField(max_length=16, default="active")
    expires_at = DateTimeField()
    ended_at = DateTimeField(null=True)  # when the state left `active`
    order_id = IntegerField(null=True)  # the order that converted it

    class Meta:
        table_name = "inventory_reservation"
        indexes = ((("product", "state", "expires_at"), False), (("cart", "state"), False))


MODELS = [InventoryReservation]
