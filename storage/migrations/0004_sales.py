"""Sales: tax categories and rates, store configuration, product type details (grouped, bundle,
downloadable), cart rules and coupons, carts, orders, invoices, shipments, downloadable purchases
(timestamps default in Python, not DDL)."""
from peewee import *
from storage.fields import MoneyField


def up(migrator, db):
    class Channel(Model):
        class Meta:
            database = db
            table_name = 'channel'

    class Customer(Model):
        class Meta:
            database = db
            table_name = 'customer'

    class InventorySource(Model):
        class Meta:
            database = db
            table_name = 'inventory_source'

    class Product(Model):
        class Meta:
            database = db
            table_name = 'product'

    class Cart(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        token_hash = CharField(unique=True, null=True, max_length=64)
        customer = ForeignKeyField(Customer, null=True, on_delete='CASCADE')
        channel = ForeignKeyField(Channel, on_delete='CASCADE')
        is_active = BooleanField(default=True)
        currency_code = CharField(max_length=3)
        coupon_code = CharField(null=True)
        customer_email = CharField(null=True)
        customer_first_name = CharField(null=True)
        customer_last_name = CharField(null=True)
        shipping_method = CharField(null=True)
        payment_method = CharField(null=True)
        class Meta:
            database = db
            table_name = 'cart'
            indexes = ((('customer', 'is_active'), False),)
    db.create_tables([Cart])

    class CartAddress(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        cart = ForeignKeyField(Cart, on_delete='CASCADE')
        address_type = CharField(max_length=16)
        company_name = CharField(null=True)
        first_name = CharField()
        last_name = CharField()
        email = CharField()
        phone = CharField()
        address1 = CharField()
        address2 = CharField(null=True)
        city = CharField()
        state = CharField(default='')
        country = CharField(max_length=2)
        postcode = CharField(max_length=32)
        class Meta:
            database = db
            table_name = 'cart_address'
            indexes = ((('cart', 'address_type'), True),)
    db.create_tables([CartAddress])

    class TaxCategory(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        code = CharField(unique=True)
        name = CharField()
        description = TextField(default='')
        class Meta:
            database = db
            table_name = 'tax_category'
    db.create_tables([TaxCategory])

    class CartItem(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        cart = ForeignKeyField(Cart, on_delete='CASCADE')
        product = ForeignKeyField(Product, on_delete='CASCADE')
        child = ForeignKeyField(Product, null=True, on_delete='CASCADE')
        type = CharField()
        quantity = IntegerField()
        additional = JSONField(default=dict)
        class Meta:
            database = db
            table_name = 'cart_item'
    db.create_tables([CartItem])

    class CartRule(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        name = CharField()
        description = TextField(default='')
        status = BooleanField(default=True)
        starts_from = DateTimeField(null=True)
        ends_till = DateTimeField(null=True)
        coupon_type = IntegerField(default=1)
        uses_per_customer = IntegerField(default=0)
        times_used = IntegerField(default=0)
        condition_type = IntegerField(default=1)
        conditions = JSONField(default=list)
        action_type = CharField(default='by_percent')
        discount_amount = DecimalField(max_digits=12, decimal_places=4, default=0)
        discount_quantity = IntegerField(default=0)
        discount_step = IntegerField(default=1)
        apply_to_shipping = BooleanField(default=False)
        free_shipping = BooleanField(default=False)
        end_other_rules = BooleanField(default=False)
        sort_order = IntegerField(default=0)
        customer_group_codes = JSONField(default=list)
        channel_codes = JSONField(default=list)
        class Meta:
            database = db
            table_name = 'cart_rule'
    db.create_tables([CartRule])

    class CartRuleCoupon(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        cart_rule = ForeignKeyField(CartRule, on_delete='CASCADE')
        code = CharField(unique=True)
        usage_limit = IntegerField(default=0)
        usage_per_customer = IntegerField(default=0)
        times_used = IntegerField(default=0)
        expired_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'cart_rule_coupon'
    db.create_tables([CartRuleCoupon])

    class CartRuleCouponUsage(Model):
        coupon = ForeignKeyField(CartRuleCoupon, on_delete='CASCADE')
        customer = ForeignKeyField(Customer, on_delete='CASCADE')
        times_used = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'cart_rule_coupon_usage'
            indexes = ((('coupon', 'customer'), True),)
    db.create_tables([CartRuleCouponUsage])

    class CartRuleCustomer(Model):
        cart_rule = ForeignKeyField(CartRule, on_delete='CASCADE')
        customer = ForeignKeyField(Customer, on_delete='CASCADE')
        times_used = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'cart_rule_customer'
            indexes = ((('cart_rule', 'customer'), True),)
    db.create_tables([CartRuleCustomer])

    class CoreConfig(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        code = CharField()
        value = TextField(default='')
        channel_code = CharField(default='')
        locale_code = CharField(default='')
        class Meta:
            database = db
            table_name = 'core_config'
            indexes = ((('code', 'channel_code', 'locale_code'), True),)
    db.create_tables([CoreConfig])

    class Order(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        increment_id = CharField(unique=True)
        status = CharField(default='pending')
        channel = ForeignKeyField(Channel, on_delete='RESTRICT')
        customer = ForeignKeyField(Customer, null=True, on_delete='SET NULL')
        is_guest = BooleanField(default=False)
        customer_email = CharField()
        customer_first_name = CharField()
        customer_last_name = CharField()
        coupon_code = CharField(null=True)
        shipping_method = CharField(null=True)
        shipping_title = CharField(null=True)
        shipping_description = CharField(null=True)
        base_currency_code = CharField(max_length=3)
        order_currency_code = CharField(max_length=3)
        exchange_rate = DecimalField(max_digits=24, decimal_places=12)
        total_item_count = IntegerField(default=0)
        total_qty_ordered = IntegerField(default=0)
        sub_total = MoneyField(default=0)
        base_sub_total = MoneyField(default=0)
        discount_amount = MoneyField(default=0)
        base_discount_amount = MoneyField(default=0)
        tax_amount = MoneyField(default=0)
        base_tax_amount = MoneyField(default=0)
        shipping_amount = MoneyField(default=0)
        base_shipping_amount = MoneyField(default=0)
        grand_total = MoneyField(default=0)
        base_grand_total = MoneyField(default=0)
        applied_cart_rule_ids = JSONField(default=list)
        cart_id = IntegerField(null=True)
        idempotency_key = CharField(null=True)
        request_fingerprint = CharField(null=True, max_length=64)
        class Meta:
            database = db
            table_name = 'order'
            indexes = ((('customer', 'idempotency_key'), True),)
    db.create_tables([Order])

    class OrderItem(Model):
        order = ForeignKeyField(Order, on_delete='CASCADE')
        parent = ForeignKeyField('self', null=True, on_delete='CASCADE')
        product = ForeignKeyField(Product, null=True, on_delete='SET NULL')
        product_type = CharField()
        sku = CharField()
        name = CharField()
        weight = DecimalField(null=True, max_digits=12, decimal_places=4)
        qty_ordered = IntegerField(default=0)
        qty_invoiced = IntegerField(default=0)
        qty_shipped = IntegerField(default=0)
        qty_canceled = IntegerField(default=0)
        qty_refunded = IntegerField(default=0)
        price = MoneyField(default=0)
        base_price = MoneyField(default=0)
        total = MoneyField(default=0)
        base_total = MoneyField(default=0)
        tax_percent = DecimalField(max_digits=12, decimal_places=4, default=0)
        tax_amount = MoneyField(default=0)
        base_tax_amount = MoneyField(default=0)
        discount_amount = MoneyField(default=0)
        base_discount_amount = MoneyField(default=0)
        additional = JSONField(default=dict)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'order_item'
    db.create_tables([OrderItem])

    class ProductDownloadableLink(Model):
        product = ForeignKeyField(Product, on_delete='CASCADE')
        title = CharField()
        price = MoneyField(default=0)
        type = CharField(default='file')
        url = CharField(null=True)
        file = CharField(null=True)
        sample_type = CharField(null=True)
        sample_url = CharField(null=True)
        sample_file = CharField(null=True)
        downloads = IntegerField(default=0)
        sort_order = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'product_downloadable_link'
    db.create_tables([ProductDownloadableLink])

    class DownloadableLinkPurchased(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        customer = ForeignKeyField(Customer, null=True, on_delete='SET NULL')
        order = ForeignKeyField(Order, on_delete='CASCADE')
        order_item = ForeignKeyField(OrderItem, on_delete='CASCADE')
        link = ForeignKeyField(ProductDownloadableLink, null=True, on_delete='SET NULL')
        product_name = CharField()
        name = CharField()
        type = CharField(default='file')
        url = CharField(null=True)
        file = CharField(null=True)
        download_bought = IntegerField(default=0)
        download_used = IntegerField(default=0)
        download_canceled = IntegerField(default=0)
        status = CharField(default='pending')
        class Meta:
            database = db
            table_name = 'downloadable_link_purchased'
    db.create_tables([DownloadableLinkPurchased])

    class Invoice(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        order = ForeignKeyField(Order, on_delete='CASCADE')
        increment_id = CharField(unique=True)
        state = CharField(default='paid')
        total_qty = IntegerField(default=0)
        sub_total = MoneyField(default=0)
        base_sub_total = MoneyField(default=0)
        discount_amount = MoneyField(default=0)
        base_discount_amount = MoneyField(default=0)
        tax_amount = MoneyField(default=0)
        base_tax_amount = MoneyField(default=0)
        shipping_amount = MoneyField(default=0)
        base_shipping_amount = MoneyField(default=0)
        grand_total = MoneyField(default=0)
        base_grand_total = MoneyField(default=0)
        class Meta:
            database = db
            table_name = 'invoice'
    db.create_tables([Invoice])

    class InvoiceItem(Model):
        invoice = ForeignKeyField(Invoice, on_delete='CASCADE')
        order_item = ForeignKeyField(OrderItem, on_delete='CASCADE')
        name = CharField()
        sku = CharField()
        qty = IntegerField()
        price = MoneyField(default=0)
        base_price = MoneyField(default=0)
        total = MoneyField(default=0)
        base_total = MoneyField(default=0)
        tax_amount = MoneyField(default=0)
        base_tax_amount = MoneyField(default=0)
        discount_amount = MoneyField(default=0)
        base_discount_amount = MoneyField(default=0)
        class Meta:
            database = db
            table_name = 'invoice_item'
    db.create_tables([InvoiceItem])

    class OrderAddress(Model):
        order = ForeignKeyField(Order, on_delete='CASCADE')
        address_type = CharField(max_length=16)
        company_name = CharField(null=True)
        first_name = CharField()
        last_name = CharField()
        email = CharField()
        phone = CharField()
        address1 = CharField()
        address2 = CharField(null=True)
        city = CharField()
        state = CharField(default='')
        country = CharField(max_length=2)
        postcode = CharField(max_length=32)
        class Meta:
            database = db
            table_name = 'order_address'
    db.create_tables([OrderAddress])

    class OrderItemInventory(Model):
        order_item = ForeignKeyField(OrderItem, on_delete='CASCADE')
        product = ForeignKeyField(Product, on_delete='CASCADE')
        inventory_source = ForeignKeyField(InventorySource, on_delete='CASCADE')
        qty = IntegerField()
        class Meta:
            database = db
            table_name = 'order_item_inventory'
    db.create_tables([OrderItemInventory])

    class OrderPayment(Model):
        order = ForeignKeyField(Order, on_delete='CASCADE')
        method = CharField()
        method_title = CharField()
        additional = JSONField(default=dict)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'order_payment'
    db.create_tables([OrderPayment])

    class OrderStatusHistory(Model):
        order = ForeignKeyField(Order, on_delete='CASCADE')
        status = CharField()
        comment = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'order_status_history'
    db.create_tables([OrderStatusHistory])

    class ProductBundleOption(Model):
        product = ForeignKeyField(Product, on_delete='CASCADE')
        type = CharField(default='select')
        is_required = BooleanField(default=True)
        sort_order = IntegerField(default=0)
        label = CharField()
        class Meta:
            database = db
            table_name = 'product_bundle_option'
    db.create_tables([ProductBundleOption])

    class ProductBundleOptionProduct(Model):
        bundle_option = ForeignKeyField(ProductBundleOption, on_delete='CASCADE')
        product = ForeignKeyField(Product, on_delete='CASCADE')
        qty = IntegerField(default=1)
        is_user_defined = BooleanField(default=True)
        is_default = BooleanField(default=False)
        sort_order = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'product_bundle_option_product'
    db.create_tables([ProductBundleOptionProduct])

    class ProductGroupedProduct(Model):
        product = ForeignKeyField(Product, on_delete='CASCADE')
        associated_product = ForeignKeyField(Product, on_delete='CASCADE')
        qty = IntegerField(default=1)
        sort_order = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'product_grouped_product'
            indexes = ((('product', 'associated_product'), True),)
    db.create_tables([ProductGroupedProduct])

    class Shipment(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        order = ForeignKeyField(Order, on_delete='CASCADE')
        status = CharField(default='shipped')
        total_qty = IntegerField(default=0)
        total_weight = DecimalField(null=True, max_digits=12, decimal_places=4)
        carrier_code = CharField(null=True)
        carrier_title = CharField(null=True)
        track_number = CharField(null=True)
        inventory_source = ForeignKeyField(InventorySource, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'shipment'
    db.create_tables([Shipment])

    class ShipmentItem(Model):
        shipment = ForeignKeyField(Shipment, on_delete='CASCADE')
        order_item = ForeignKeyField(OrderItem, on_delete='CASCADE')
        name = CharField()
        sku = CharField()
        qty = IntegerField()
        weight = DecimalField(null=True, max_digits=12, decimal_places=4)
        class Meta:
            database = db
            table_name = 'shipment_item'
    db.create_tables([ShipmentItem])

    class TaxRate(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        identifier = CharField(unique=True)
        country = CharField(max_length=2)
        state = CharField(default='')
        is_zip = BooleanField(default=False)
        zip_code = CharField(default='')
        zip_from = CharField(default='')
        zip_to = CharField(default='')
        tax_rate = DecimalField(max_digits=12, decimal_places=4)
        class Meta:
            database = db
            table_name = 'tax_rate'
    db.create_tables([TaxRate])

    class TaxCategoryRate(Model):
        tax_category = ForeignKeyField(TaxCategory, on_delete='CASCADE')
        tax_rate = ForeignKeyField(TaxRate, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'tax_category_rate'
            primary_key = CompositeKey('tax_category', 'tax_rate')
    db.create_tables([TaxCategoryRate])

    migrator.migrate(migrator.add_column('product', 'tax_category_id', ForeignKeyField(TaxCategory, field=TaxCategory.id, null=True, on_delete='SET NULL')))
    migrator.migrate(migrator.add_column('product', 'manage_stock', BooleanField(default=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('product', 'product_tax_category_id'))
    migrator.migrate(migrator.drop_column('product', 'manage_stock'))
    migrator.migrate(migrator.drop_column('product', 'tax_category_id'))
    migrator.migrate(migrator.drop_table('tax_category_rate'))
    migrator.migrate(migrator.drop_table('tax_rate'))
    migrator.migrate(migrator.drop_table('shipment_item'))
    migrator.migrate(migrator.drop_table('shipment'))
    migrator.migrate(migrator.drop_table('product_grouped_product'))
    migrator.migrate(migrator.drop_table('product_bundle_option_product'))
    migrator.migrate(migrator.drop_table('product_bundle_option'))
    migrator.migrate(migrator.drop_table('order_status_history'))
    migrator.migrate(migrator.drop_table('order_payment'))
    migrator.migrate(migrator.drop_table('order_item_inventory'))
    migrator.migrate(migrator.drop_table('order_address'))
    migrator.migrate(migrator.drop_table('invoice_item'))
    migrator.migrate(migrator.drop_table('invoice'))
    migrator.migrate(migrator.drop_table('downloadable_link_purchased'))
    migrator.migrate(migrator.drop_table('product_downloadable_link'))
    migrator.migrate(migrator.drop_table('order_item'))
    migrator.migrate(migrator.drop_table('order'))
    migrator.migrate(migrator.drop_table('core_config'))
    migrator.migrate(migrator.drop_table('cart_rule_customer'))
    migrator.migrate(migrator.drop_table('cart_rule_coupon_usage'))
    migrator.migrate(migrator.drop_table('cart_rule_coupon'))
    migrator.migrate(migrator.drop_table('cart_rule'))
    migrator.migrate(migrator.drop_table('cart_item'))
    migrator.migrate(migrator.drop_table('tax_category'))
    migrator.migrate(migrator.drop_table('cart_address'))
    migrator.migrate(migrator.drop_table('cart'))
