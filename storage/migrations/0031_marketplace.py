"""Marketplace vendors: vendors and the admin users acting for them, the vendor of a product, vendor sub-orders
with their order lines, the vendor balance ledger and the marketplace settings (docs/marketplace.md)."""
from peewee import *
from storage.fields import MoneyField


def up(migrator, db):
    def stub(table):
        class Meta:
            database = db
            table_name = table
        return type(f"Stub_{table}", (Model,), {"Meta": Meta})

    Customer, AdminUser, Product = stub('customer'), stub('admin_user'), stub('product')
    Order, OrderItem = stub('order'), stub('order_item')

    class MarketplaceVendor(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        name = CharField(max_length=255)
        slug = CharField(unique=True, max_length=255)
        email = CharField(max_length=255)
        phone = CharField(default='', max_length=64)
        description = TextField(default='')
        business_name = CharField(max_length=255)
        tax_number = CharField(default='', max_length=64)
        address = TextField(default='')
        documents = JSONField(default=list)
        status = CharField(default='pending', max_length=16, index=True)
        status_reason = TextField(default='')
        customer = ForeignKeyField(Customer, null=True, unique=True, on_delete='SET NULL')
        commission_percent = DecimalField(null=True, max_digits=7, decimal_places=4, auto_round=True)
        available_balance = MoneyField(default=0)
        approved_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'marketplace_vendor'

    class MarketplaceVendorUser(Model):
        admin_user = ForeignKeyField(AdminUser, unique=True, on_delete='CASCADE')
        vendor = ForeignKeyField(MarketplaceVendor, on_delete='CASCADE')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'marketplace_vendor_user'

    class MarketplaceProductVendor(Model):
        product = ForeignKeyField(Product, unique=True, on_delete='CASCADE')
        vendor = ForeignKeyField(MarketplaceVendor, on_delete='CASCADE')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'marketplace_product_vendor'

    class MarketplaceSubOrder(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        order = ForeignKeyField(Order, on_delete='CASCADE')
        vendor = ForeignKeyField(MarketplaceVendor, on_delete='RESTRICT')
        status = CharField(default='pending', max_length=16, index=True)
        item_count = IntegerField(default=0)
        qty_ordered = IntegerField(default=0)
        sub_total = MoneyField(default=0)
        discount_amount = MoneyField(default=0)
        tax_amount = MoneyField(default=0)
        grand_total = MoneyField(default=0)
        commission_percent = DecimalField(max_digits=7, decimal_places=4, auto_round=True)
        commission_amount = MoneyField(default=0)
        vendor_amount = MoneyField(default=0)
        tracking_number = CharField(default='', max_length=255)
        confirmed_at = DateTimeField(null=True)
        shipped_at = DateTimeField(null=True)
        delivered_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'marketplace_sub_order'
            indexes = ((('order', 'vendor'), True),)

    class MarketplaceSubOrderItem(Model):
        sub_order = ForeignKeyField(MarketplaceSubOrder, on_delete='CASCADE')
        order_item = ForeignKeyField(OrderItem, unique=True, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'marketplace_sub_order_item'

    class MarketplaceLedgerEntry(Model):
        vendor = ForeignKeyField(MarketplaceVendor, on_delete='CASCADE')
        type = CharField(max_length=16)
        amount = MoneyField()
        sub_order = ForeignKeyField(MarketplaceSubOrder, null=True, unique=True, on_delete='SET NULL')
        reference = CharField(default='', max_length=255)
        created_at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'marketplace_ledger_entry'

    class MarketplaceSetting(Model):
        code = CharField(unique=True, max_length=64)
        value = CharField(max_length=255)
        class Meta:
            database = db
            table_name = 'marketplace_setting'

    db.create_tables([MarketplaceVendor, MarketplaceVendorUser, MarketplaceProductVendor, MarketplaceSubOrder,
                      MarketplaceSubOrderItem, MarketplaceLedgerEntry, MarketplaceSetting])


def down(migrator, db):
    for table in ('marketplace_setting', 'marketplace_ledger_entry', 'marketplace_sub_order_item',
                  'marketplace_sub_order', 'marketplace_product_vendor', 'marketplace_vendor_user',
                  'marketplace_vendor'):
        migrator.drop_table(table)
