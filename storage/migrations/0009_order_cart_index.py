"""Orders are looked up by the cart they closed (idempotent retries, merged guest carts): index `order.cart_id`."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_index('order', ('cart_id',), False))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('order', 'order_cart_id'))
