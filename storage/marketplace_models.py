"""Marketplace: vendors (shops a customer applies to open, approved by an admin), the admin users who act for
a vendor, which vendor sells a product, the vendor sub-orders an order splits into, the vendor balance
ledger and the marketplace settings (the default commission). docs/marketplace.md."""
from peewee import CharField, DateTimeField, DecimalField, ForeignKeyField, IntegerField, JSONField, TextField

from storage.admin_models import AdminUser
from storage.customer_models import Customer
from storage.fields import MoneyField
from storage.models import BaseModel, Product, TimestampedModel, utcnow
from storage.sales_models import Order, OrderItem


class MarketplaceVendor(TimestampedModel):
    name = CharField(max_length=255)                     # the shop's name
    slug = CharField(unique=True, max_length=255)
    email = CharField(max_length=255)
    phone = CharField(default="", max_length=64)
    description = TextField(default="")
    business_name = CharField(max_length=255)
    tax_number = CharField(default="", max_length=64)
    address = TextField(default="")
    documents = JSONField(default=list)                  # [{"name", "url"}]: references to the business papers
    status = CharField(default="pending", max_length=16, index=True)  # pending|approved|rejected|suspended
    status_reason = TextField(default="")
    customer = ForeignKeyField(Customer, null=True, unique=True, backref="+", on_delete="SET NULL")
    commission_percent = DecimalField(null=True, max_digits=7, decimal_places=4, auto_round=True)  # override
    available_balance = MoneyField(default=0)            # what a payout may take (delivered sales - payouts)
    approved_at = DateTimeField(null=True)


class MarketplaceVendorUser(BaseModel):
    """An admin user who acts for a vendor: every vendor-scoped operation reads this link."""
    admin_user = ForeignKeyField(AdminUser, unique=True, backref="+", on_delete="CASCADE")
    vendor = ForeignKeyField(MarketplaceVendor, backref="users", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)


class MarketplaceProductVendor(BaseModel):
    """The vendor of a product (no row: the store's own product)."""
    product = ForeignKeyField(Product, unique=True, backref="+", on_delete="CASCADE")
    vendor = ForeignKeyField(MarketplaceVendor, backref="products", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)


class MarketplaceSubOrder(TimestampedModel):
    """One vendor's part of an order: its lines' amounts (base currency) and its fulfilment state."""
    order = ForeignKeyField(Order, backref="+", on_delete="CASCADE")
    vendor = ForeignKeyField(MarketplaceVendor, backref="sub_orders", on_delete="RESTRICT")
    status = CharField(default="pending", max_length=16, index=True)  # pending|confirmed|shipped|delivered
    item_count = IntegerField(default=0)
    qty_ordered = IntegerField(default=0)
    sub_total = MoneyField(default=0)
    discount_amount = MoneyField(default=0)
    tax_amount = MoneyField(default=0)
    grand_total = MoneyField(default=0)
    commission_percent = DecimalField(max_digits=7, decimal_places=4, auto_round=True)
    commission_amount = MoneyField(default=0)
    vendor_amount = MoneyField(default=0)                # sub_total - discount - commission: the vendor's credit
    tracking_number = CharField(default="", max_length=255)
    confirmed_at = DateTimeField(null=True)
    shipped_at = DateTimeField(null=True)
    delivered_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("order", "vendor"), True),)


class MarketplaceSubOrderItem(BaseModel):
    sub_order = ForeignKeyField(MarketplaceSubOrder, backref="items", on_delete="CASCADE")
    order_item = ForeignKeyField(OrderItem, unique=True, backref="+", on_delete="CASCADE")


class MarketplaceLedgerEntry(BaseModel):
    """The vendor balance: a `sale` credit per sub-order (its vendor amount), a `payout` debit (negative)."""
    vendor = ForeignKeyField(MarketplaceVendor, backref="ledger", on_delete="CASCADE")
    type = CharField(max_length=16)                      # sale | payout
    amount = MoneyField()
    sub_order = ForeignKeyField(MarketplaceSubOrder, null=True, unique=True, backref="+", on_delete="SET NULL")
    reference = CharField(default="", max_length=255)
    created_at = DateTimeField(default=utcnow, index=True)


class MarketplaceSetting(BaseModel):
    code = CharField(unique=True, max_length=64)         # default_commission_percent
    value = CharField(max_length=255)


MODELS = [MarketplaceVendor, MarketplaceVendorUser, MarketplaceProductVendor, MarketplaceSubOrder,
          MarketplaceSubOrderItem, MarketplaceLedgerEntry, MarketplaceSetting]
