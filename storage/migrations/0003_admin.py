"""Admin identity and access: roles, admin users, integration tokens (timestamps default in Python, not DDL)."""
from peewee import *


def up(migrator, db):
    class AdminRole(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        name = CharField()
        description = TextField(default='')
        permission_type = CharField(max_length=16, default='custom')
        permissions = JSONField(null=True)
        class Meta:
            database = db
            table_name = 'admin_role'
    db.create_tables([AdminRole])

    class AdminUser(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        name = CharField()
        email = CharField(unique=True)
        password = CharField()
        role = ForeignKeyField(AdminRole, on_delete='RESTRICT')
        status = BooleanField(default=True)
        image = CharField(null=True)
        class Meta:
            database = db
            table_name = 'admin_user'
    db.create_tables([AdminUser])

    class AdminToken(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        admin = ForeignKeyField(AdminUser, on_delete='CASCADE')
        name = CharField()
        token_prefix = CharField(max_length=16)
        token_hash = CharField(unique=True, max_length=64)
        permission_mode = CharField(max_length=16, default='all')
        permissions = JSONField(null=True)
        allowed_ips = JSONField(default=list)
        expires_at = DateTimeField(null=True)
        rate_limit_per_minute = IntegerField(null=True, default=60)
        rate_limit_per_day = IntegerField(null=True, default=10000)
        revoked_at = DateTimeField(null=True)
        last_used_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'admin_token'
    db.create_tables([AdminToken])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('admin_token'))
    migrator.migrate(migrator.drop_table('admin_user'))
    migrator.migrate(migrator.drop_table('admin_role'))
