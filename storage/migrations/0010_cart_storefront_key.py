"""A guest cart remembers the storefront key it was created through (merging a guest cart by its id)."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column('cart', 'storefront_key_id', IntegerField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('cart', 'storefront_key_id'))
