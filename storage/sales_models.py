"""Sales: cart rules and coupons, carts, orders, invoices, shipments, downloadable purchases.

Money columns are `MoneyField` (exact Decimal). Order rows copy what the customer saw (names, SKUs,
prices, totals, addresses) so later catalog changes never rewrite history. Cart totals are not
stored: `domain.sales.cart_totals` computes them from the cart's rows on every read.
"""
from peewee import (
    BooleanField, CharField, DateTimeField, DecimalField, ForeignKeyField, IntegerField, JSONField, TextField,
)

from storage.customer_models import Customer
from storage.models import BaseModel, Channel, InventorySource, Product, ProductDownloadableLink, TimestampedModel, utcnow
from storage.fields import MoneyField


# --- promotions -----------------------------------------------------------

class CartRule(TimestampedModel):
    name = CharField()
    description = TextField(default="")
    status = BooleanField(default=True)
    starts_from = DateTimeField(null=True)
    ends_till = DateTimeField(null=True)
    coupon_type = IntegerField(default=1)  # 1 = no coupon (applies automatically), 2 = specific coupon
    uses_per_customer = IntegerField(default=0)  # 0 = unlimited
    times_used = IntegerField(default=0)
    condition_type = IntegerField(default=1)  # 1 = all conditions, 2 = any condition
    conditions = JSONField(default=list)  # [{"attribute": "cart|base_sub_total", "operator": ">=", "value": 100}, ...]
    action_type = CharField(default="by_percent")  # by_percent | by_fixed | cart_fixed | buy_x_get_y
    discount_amount = DecimalField(max_digits=12, decimal_places=4, default=0, auto_round=True)
    discount_quantity = IntegerField(default=0)  # max qty discounted per item; 0 = no limit
    discount_step = IntegerField(default=1)  # buy_x_get_y: X
    apply_to_shipping = BooleanField(default=False)
    free_shipping = BooleanField(default=False)
    end_other_rules = BooleanField(default=False)
    sort_order = IntegerField(default=0)
    customer_group_codes = JSONField(default=list)  # empty = every group (guests are "guest")
    channel_codes = JSONField(default=list)  # empty = every channel


class CartRuleCoupon(TimestampedModel):
    cart_rule = ForeignKeyField(CartRule, backref="coupons", on_delete="CASCADE")
    code = CharField(unique=True)
    usage_limit = IntegerField(default=0)  # 0 = unlimited
    usage_per_customer = IntegerField(default=0)  # 0 = unlimited
    times_used = IntegerField(default=0)
    expired_at = DateTimeField(null=True)


class CartRuleCouponUsage(BaseModel):
    """How often one customer has used a coupon (guests are not counted per customer)."""
    coupon = ForeignKeyField(CartRuleCoupon, backref="usages", on_delete="CASCADE")
    customer = ForeignKeyField(Customer, backref="+", on_delete="CASCADE")
    times_used = IntegerField(default=0)

    class Meta:
        indexes = ((("coupon", "customer"), True),)


class CartRuleCustomer(BaseModel):
    """How often one customer has benefited from a rule (for uses_per_customer)."""
    cart_rule = ForeignKeyField(CartRule, backref="+", on_delete="CASCADE")
    customer = ForeignKeyField(Customer, backref="+", on_delete="CASCADE")
    times_used = IntegerField(default=0)

    class Meta:
        indexes = ((("cart_rule", "customer"), True),)


# --- cart -----------------------------------------------------------------

class Cart(TimestampedModel):
    """A guest cart (reached through its token), a customer's active cart, or an admin draft cart."""
    token_hash = CharField(unique=True, null=True, max_length=64)  # guest carts only
    customer = ForeignKeyField(Customer, null=True, backref="carts", on_delete="CASCADE")
    channel = ForeignKeyField(Channel, backref="+", on_delete="CASCADE")
    is_active = BooleanField(default=True)
    currency_code = CharField(max_length=3)  # display currency chosen when the cart was last read
    coupon_code = CharField(null=True)
    customer_email = CharField(null=True)
    customer_first_name = CharField(null=True)
    customer_last_name = CharField(null=True)
    shipping_method = CharField(null=True)  # e.g. flatrate_flatrate
    payment_method = CharField(null=True)  # e.g. cashondelivery
    # The storefront key a guest cart was created through (merging a guest cart by its id checks it)
    storefront_key_id = IntegerField(null=True)
    # An admin draft cart (Create Order): never the storefront's cart of its customer, reached only
    # through the admin API by its id; placing it closes it like any cart (is_active false)
    is_draft = BooleanField(default=False)

    class Meta:
        indexes = ((("customer", "is_active"), False),)


class CartItem(TimestampedModel):
    """One line. Configurable lines point at the parent product and keep the variant in `child`;
    bundle selections and downloadable links live in `additional`."""
    cart = ForeignKeyField(Cart, backref="items", on_delete="CASCADE")
    product = ForeignKeyField(Product, backref="+", on_delete="CASCADE")
    child = ForeignKeyField(Product, null=True, backref="+", on_delete="CASCADE")
    type = CharField()
    quantity = IntegerField()
    additional = JSONField(default=dict)


class CartAddress(TimestampedModel):
    cart = ForeignKeyField(Cart, backref="addresses", on_delete="CASCADE")
    address_type = CharField(max_length=16)  # billing | shipping
    company_name = CharField(null=True)
    first_name = CharField()
    last_name = CharField()
    email = CharField()
    phone = CharField()
    address1 = CharField()
    address2 = CharField(null=True)
    city = CharField()
    state = CharField(default="")
    country = CharField(max_length=2)
    postcode = CharField(max_length=32)

    class Meta:
        indexes = ((("cart", "address_type"), True),)


# --- orders ---------------------------------------------------------------

class Order(TimestampedModel):
    increment_id = CharField(unique=True)
    status = CharField(default="pending")  # pending | processing | completed | canceled | closed | fraud
    channel = ForeignKeyField(Channel, backref="+", on_delete="RESTRICT")
    customer = ForeignKeyField(Customer, null=True, backref="orders", on_delete="SET NULL")
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
    exchange_rate = DecimalField(max_digits=24, decimal_places=12, auto_round=True)
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
    cart_id = IntegerField(null=True, index=True)
    idempotency_key = CharField(null=True, max_length=255)
    request_fingerprint = CharField(null=True, max_length=64)

    class Meta:
        indexes = ((("customer", "idempotency_key"), True), (("created_at",), False))  # reports select by day


class OrderItem(BaseModel):
    order = ForeignKeyField(Order, backref="items", on_delete="CASCADE")
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="CASCADE")
    product = ForeignKeyField(Product, null=True, backref="+", on_delete="SET NULL")
    product_type = CharField()
    sku = CharField()
    name = CharField()
    weight = DecimalField(max_digits=12, decimal_places=4, null=True, auto_round=True)
    qty_ordered = IntegerField(default=0)
    qty_invoiced = IntegerField(default=0)
    qty_shipped = IntegerField(default=0)
    qty_canceled = IntegerField(default=0)
    qty_refunded = IntegerField(default=0)
    price = MoneyField(default=0)
    base_price = MoneyField(default=0)
    total = MoneyField(default=0)
    base_total = MoneyField(default=0)
    tax_percent = DecimalField(max_digits=12, decimal_places=4, default=0, auto_round=True)
    tax_amount = MoneyField(default=0)
    base_tax_amount = MoneyField(default=0)
    discount_amount = MoneyField(default=0)
    base_discount_amount = MoneyField(default=0)
    additional = JSONField(default=dict)
    created_at = DateTimeField(default=utcnow)


class OrderItemInventory(BaseModel):
    """Stock taken from one inventory source for one order item (returned on cancel)."""
    order_item = ForeignKeyField(OrderItem, backref="inventory_allocations", on_delete="CASCADE")
    product = ForeignKeyField(Product, backref="+", on_delete="CASCADE")
    inventory_source = ForeignKeyField(InventorySource, backref="+", on_delete="CASCADE")
    qty = IntegerField()


class OrderAddress(BaseModel):
    order = ForeignKeyField(Order, backref="addresses", on_delete="CASCADE")
    address_type = CharField(max_length=16)  # billing | shipping
    company_name = CharField(null=True)
    first_name = CharField()
    last_name = CharField()
    email = CharField()
    phone = CharField()
    address1 = CharField()
    address2 = CharField(null=True)
    city = CharField()
    state = CharField(default="")
    country = CharField(max_length=2)
    postcode = CharField(max_length=32)


class OrderPayment(BaseModel):
    order = ForeignKeyField(Order, backref="payments", on_delete="CASCADE")
    method = CharField()
    method_title = CharField()
    additional = JSONField(default=dict)
    created_at = DateTimeField(default=utcnow)


class OrderStatusHistory(BaseModel):
    """Every state change of an order, invoice or shipment, with its time."""
    order = ForeignKeyField(Order, backref="history", on_delete="CASCADE")
    status = CharField()
    comment = TextField(default="")
    created_at = DateTimeField(default=utcnow)


# --- invoices, shipments, downloads --------------------------------------

class Invoice(TimestampedModel):
    order = ForeignKeyField(Order, backref="invoices", on_delete="CASCADE")
    increment_id = CharField(unique=True)
    state = CharField(default="paid")  # pending | pending_payment | paid | overdue | refunded
    email_sent = BooleanField(default=False)
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


class InvoiceItem(BaseModel):
    invoice = ForeignKeyField(Invoice, backref="items", on_delete="CASCADE")
    order_item = ForeignKeyField(OrderItem, backref="+", on_delete="CASCADE")
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


class Shipment(TimestampedModel):
    order = ForeignKeyField(Order, backref="shipments", on_delete="CASCADE")
    status = CharField(default="shipped")
    total_qty = IntegerField(default=0)
    total_weight = DecimalField(max_digits=12, decimal_places=4, null=True, auto_round=True)
    carrier_code = CharField(null=True)
    carrier_title = CharField(null=True)
    track_number = CharField(null=True)
    inventory_source = ForeignKeyField(InventorySource, null=True, backref="+", on_delete="SET NULL")


class ShipmentItem(BaseModel):
    shipment = ForeignKeyField(Shipment, backref="items", on_delete="CASCADE")
    order_item = ForeignKeyField(OrderItem, backref="+", on_delete="CASCADE")
    name = CharField()
    sku = CharField()
    qty = IntegerField()
    weight = DecimalField(max_digits=12, decimal_places=4, null=True, auto_round=True)


class DownloadableLinkPurchased(TimestampedModel):
    customer = ForeignKeyField(Customer, null=True, backref="+", on_delete="SET NULL")
    order = ForeignKeyField(Order, backref="downloadable_links", on_delete="CASCADE")
    order_item = ForeignKeyField(OrderItem, backref="+", on_delete="CASCADE")
    link = ForeignKeyField(ProductDownloadableLink, null=True, backref="+", on_delete="SET NULL")
    product_name = CharField()
    name = CharField()
    type = CharField(default="file")  # file | url
    url = CharField(null=True)
    file = CharField(null=True)
    download_bought = IntegerField(default=0)  # 0 = unlimited
    download_used = IntegerField(default=0)
    download_canceled = IntegerField(default=0)
    status = CharField(default="pending")  # pending | available | expired


MODELS = [
    CartRule, CartRuleCoupon, CartRuleCouponUsage, CartRuleCustomer,
    Cart, CartItem, CartAddress,
    Order, OrderItem, OrderItemInventory, OrderAddress, OrderPayment, OrderStatusHistory,
    Invoice, InvoiceItem, Shipment, ShipmentItem, DownloadableLinkPurchased,
]
