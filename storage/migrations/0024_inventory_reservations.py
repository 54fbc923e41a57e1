"""Inventory reservations: the stock a cart holds for a while (one row per cart and product)."""
from peewee import *


def up(migrator, db):
    class Cart(Model):
        class Meta:
            database = db
            table_name = 'cart'

    class Product(Model):
        class Meta:
            database = db
            table_name = 'product'

    class InventoryReservation(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        cart = ForeignKeyField(Cart, on_delete='CASCADE')
        product = ForeignKeyField(Product, on_delete='CASCADE')
        qty = IntegerField()
        state = CharField(max_length=16, default='active')
        expires_at = DateTimeField()
        ended_at = DateTimeField(null=True)
        order_id = IntegerField(null=True)
        class Meta:
            database = db
            table_name = 'inventory_reservation'
            indexes = ((('product', 'state', 'expires_at'), False), (('cart', 'state'), False))
    db.create_tables([InventoryReservation])


def down(migrator, db):
    migrator.drop_table('inventory_reservation')
