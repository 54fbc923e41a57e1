"""Failed customer logins remember the client address (throttling per email and address)."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column('customer_login_failure', 'client_ip', CharField(max_length=64, null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('customer_login_failure', 'client_ip'))
