"""Inventory sources: description, contact and address columns."""
from peewee import *

def up(migrator, db):
    migrator.migrate(migrator.add_column('inventory_source', 'description', TextField(null=True)))
    migrator.migrate(migrator.add_column('inventory_source', 'contact_name', CharField(null=True)))
    migrator.migrate(migrator.add_column('inventory_source', 'contact_email', CharField(null=True)))
    migrator.migrate(migrator.add_column('inventory_source', 'contact_number', CharField(null=True)))
    migrator.migrate(migrator.add_column('inventory_source', 'contact_fax', CharField(null=True)))
    migrator.migrate(migrator.add_column('inventory_source', 'country', CharField(null=True, max_length=2)))
    migrator.migrate(migrator.add_column('inventory_source', 'state', CharField(null=True)))
    migrator.migrate(migrator.add_column('inventory_source', 'city', CharField(null=True)))
    migrator.migrate(migrator.add_column('inventory_source', 'street', CharField(null=True)))
    migrator.migrate(migrator.add_column('inventory_source', 'postcode', CharField(null=True, max_length=32)))
    migrator.migrate(migrator.add_column('inventory_source', 'latitude', DecimalField(null=True, max_digits=10, decimal_places=6)))
    migrator.migrate(migrator.add_column('inventory_source', 'longitude', DecimalField(null=True, max_digits=10, decimal_places=6)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('inventory_source', 'longitude'))
    migrator.migrate(migrator.drop_column('inventory_source', 'latitude'))
    migrator.migrate(migrator.drop_column('inventory_source', 'postcode'))
    migrator.migrate(migrator.drop_column('inventory_source', 'street'))
    migrator.migrate(migrator.drop_column('inventory_source', 'city'))
    migrator.migrate(migrator.drop_column('inventory_source', 'state'))
    migrator.migrate(migrator.drop_column('inventory_source', 'country'))
    migrator.migrate(migrator.drop_column('inventory_source', 'contact_fax'))
    migrator.migrate(migrator.drop_column('inventory_source', 'contact_number'))
    migrator.migrate(migrator.drop_column('inventory_source', 'contact_email'))
    migrator.migrate(migrator.drop_column('inventory_source', 'contact_name'))
    migrator.migrate(migrator.drop_column('inventory_source', 'description'))
