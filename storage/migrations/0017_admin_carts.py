"""Admin draft carts: a cart an admin builds for a customer (or a guest) and places as an order."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column('cart', 'is_draft', BooleanField(default=False)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('cart', 'is_draft'))
