"""Wishlists (per customer and channel) and compare lists (per customer, or per guest cart).
Independent of the migrations numbered before it beyond the tables of 0001, 0002 and 0004."""
from peewee import *


def up(migrator, db):
    class Channel(Model):
        class Meta:
            database = db
            table_name = 'channel'

    class Product(Model):
        class Meta:
            database = db
            table_name = 'product'

    class Customer(Model):
        class Meta:
            database = db
            table_name = 'customer'

    class Cart(Model):
        class Meta:
            database = db
            table_name = 'cart'

    class WishlistItem(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        customer = ForeignKeyField(Customer, on_delete='CASCADE')
        channel = ForeignKeyField(Channel, on_delete='CASCADE')
        product = ForeignKeyField(Product, on_delete='CASCADE')
        additional = JSONField()
        class Meta:
            database = db
            table_name = 'wishlist_item'
            indexes = ((('customer', 'channel', 'product'), True),)
    db.create_tables([WishlistItem])

    class CompareItem(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        customer = ForeignKeyField(Customer, null=True, on_delete='CASCADE')
        cart = ForeignKeyField(Cart, null=True, on_delete='CASCADE')
        product = ForeignKeyField(Product, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'compare_item'
            indexes = ((('customer', 'product'), True), (('cart', 'product'), True))
    db.create_tables([CompareItem])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('compare_item'))
    migrator.migrate(migrator.drop_table('wishlist_item'))
