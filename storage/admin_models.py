"""Admin identity and access: roles, admin users and their integration tokens.

Passwords are argon2 hashes; integration tokens are `<id>|<secret>` and only the
SHA-256 of the secret is stored (the secret carries 256 bits of randomness).
"""
import datetime

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, JSONField, TextField

from storage.models import TimestampedModel, utcnow


def one_year_from_now():
    return utcnow() + datetime.timedelta(days=365)


class AdminRole(TimestampedModel):
    name = CharField()
    description = TextField(default="")
    permission_type = CharField(max_length=16, default="custom")  # all | custom
    permissions = JSONField(null=True)  # permission keys when permission_type is custom


class AdminUser(TimestampedModel):
    name = CharField()
    email = CharField(unique=True)
    password = CharField()
    role = ForeignKeyField(AdminRole, backref="admins", on_delete="RESTRICT")
    status = BooleanField(default=True)
    image = CharField(null=True)


class AdminToken(TimestampedModel):
    admin = ForeignKeyField(AdminUser, backref="tokens", on_delete="CASCADE")
    name = CharField()
    token_prefix = CharField(max_length=16)
    token_hash = CharField(unique=True, max_length=64)
    permission_mode = CharField(max_length=16, default="all")  # all | custom | same_as_web
    permissions = JSONField(null=True)  # the frozen subset when permission_mode is custom
    allowed_ips = JSONField(default=list)  # IPv4/IPv6 addresses and CIDR ranges; empty = any
    expires_at = DateTimeField(null=True, default=one_year_from_now)
    rate_limit_per_minute = IntegerField(null=True, default=60)
    rate_limit_per_day = IntegerField(null=True, default=10000)
    revoked_at = DateTimeField(null=True)
    last_used_at = DateTimeField(null=True)


MODELS = [AdminRole, AdminUser, AdminToken]
