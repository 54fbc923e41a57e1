"""Customer accounts: customers, their login tokens and addresses, login failures, password resets.

Passwords are argon2 hashes. Login tokens are `<id>|<secret>` and reset tokens are random
strings; only the SHA-256 of a secret is stored (each carries 256 bits of randomness).
"""
from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, JSONField

from storage.models import BaseModel, Channel, CustomerGroup, TimestampedModel, utcnow


class Customer(TimestampedModel):
    first_name = CharField()
    last_name = CharField()
    email = CharField(unique=True)  # stored lower-cased
    password = CharField()
    phone = CharField(null=True)
    gender = CharField(null=True, max_length=16)  # Male | Female | Other
    date_of_birth = DateField(null=True)
    status = BooleanField(default=True)
    is_verified = BooleanField(default=False)
    is_suspended = BooleanField(default=False)
    subscribed_to_news_letter = BooleanField(default=False)
    image = CharField(null=True)
    api_token = CharField(unique=True, max_length=80)
    channel = ForeignKeyField(Channel, null=True, backref="+", on_delete="SET NULL")
    customer_group = ForeignKeyField(CustomerGroup, null=True, backref="+", on_delete="SET NULL")


class CustomerToken(TimestampedModel):
    customer = ForeignKeyField(Customer, backref="tokens", on_delete="CASCADE")
    name = CharField(max_length=32)  # login | registration
    token_hash = CharField(unique=True, max_length=64)
    expires_at = DateTimeField()
    revoked_at = DateTimeField(null=True)
    last_used_at = DateTimeField(null=True)


class CustomerAddress(TimestampedModel):
    customer = ForeignKeyField(Customer, backref="addresses", on_delete="CASCADE")
    address_type = CharField(max_length=16, default="customer")
    company_name = CharField(null=True)
    vat_id = CharField(null=True)
    first_name = CharField()
    last_name = CharField()
    email = CharField()
    phone = CharField()
    address1 = CharField()
    address2 = CharField(null=True)
    city = CharField()
    state = CharField()
    country = CharField(max_length=2)
    postcode = CharField(max_length=32)
    default_address = BooleanField(default=False)
    use_for_shipping = BooleanField(default=False)
    additional = JSONField(null=True)


class CustomerLoginFailure(BaseModel):
    """One failed login for an email (lower-cased) from a client address; counted per (email, address)
    and per email by every worker (handlers/customers.py, login throttling)."""
    email = CharField(index=True)
    failed_at = DateTimeField(default=utcnow, index=True)
    client_ip = CharField(max_length=64, null=True)


class CustomerPasswordReset(BaseModel):
    customer = ForeignKeyField(Customer, backref="password_resets", on_delete="CASCADE")
    token_hash = CharField(unique=True, max_length=64)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)


MODELS = [Customer, CustomerToken, CustomerAddress, CustomerLoginFailure, CustomerPasswordReset]
