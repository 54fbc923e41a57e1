"""Reports and the dashboard select orders by the day they were placed: index `order.created_at`."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_index('order', ('created_at',), False))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('order', 'order_created_at'))
