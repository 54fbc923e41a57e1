"""Demo sales settings: tax categories and rates, shipping and payment configuration, cart rules.

Coupons (all for every channel and customer group unless noted):
  SAVE10     10 % off every line, when the subtotal is at least 50
  FLAT5      5 off each unit
  CART20     20 off the cart when the subtotal is at least 100; 1 use per customer, 100 in all
  B2G1       buy 2, get the 3rd unit free (per line)
  FREESHIP   free shipping
  WHOLESALE15 15 % off, wholesale group only
  EXPIRED    10 % off, ended on 2025-12-31
"""
import datetime
from decimal import Decimal

from storage.models import CoreConfig, Product, TaxCategory, TaxCategoryRate, TaxRate
from storage.sales_models import CartRule, CartRuleCoupon

SEED_TIME = datetime.datetime(2026, 1, 15, 9, 30, 0)

TAX_RATES = [
    # identifier, country, state, is_zip, zip_code, zip_from, zip_to, rate
    ("US-CA", "US", "CA", False, "*", "", "", Decimal("8.25")),
    ("US-NY-NYC", "US", "NY", True, "", "10001", "10299", Decimal("8.875")),
    ("US-NY", "US", "NY", False, "*", "", "", Decimal("4.0")),
    ("DE", "DE", "", False, "*", "", "", Decimal("19")),
    ("FR", "FR", "", False, "*", "", "", Decimal("20")),
    ("IN", "IN", "", False, "*", "", "", Decimal("18")),
]
DIGITAL_RATES = ("DE", "FR")

CONFIG = {
    "sales.carriers.flatrate.active": "1", "sales.carriers.flatrate.title": "Flat Rate",
    "sales.carriers.flatrate.description": "Flat rate shipping", "sales.carriers.flatrate.type": "per_unit",
    "sales.carriers.flatrate.default_rate": "10",
    "sales.carriers.free.active": "1", "sales.carriers.free.title": "Free Shipping",
    "sales.carriers.free.description": "Free shipping on orders of 500 or more",
    "sales.carriers.free.minimum_order_amount": "500",
    "sales.payment_methods.cashondelivery.active": "1", "sales.payment_methods.cashondelivery.title": "Cash On Delivery",
    "sales.payment_methods.cashondelivery.sort": "1", "sales.payment_methods.cashondelivery.generate_invoice": "1",
    "sales.payment_methods.cashondelivery.invoice_status": "pending",
    "sales.payment_methods.moneytransfer.active": "1", "sales.payment_methods.moneytransfer.title": "Money Transfer",
    "sales.payment_methods.moneytransfer.sort": "2", "sales.payment_methods.moneytransfer.generate_invoice": "0",
    "sales.payment_methods.moneytransfer.invoice_status": "pending",
    "sales.payment_methods.moneytransfer.mailing_address": "specshop Ltd, 1 Market Street, San Francisco, CA 94105",
}

RULES = [
    # name, coupon, action, amount, extra rule fields, extra coupon fields
    ("10% off orders of 50 or more", "SAVE10", "by_percent", "10",
     {"conditions": [{"attribute": "cart|base_sub_total", "operator": ">=", "value": 50}]}, {}),
    ("5 off each unit", "FLAT5", "by_fixed", "5", {}, {}),
    ("20 off orders of 100 or more", "CART20", "cart_fixed", "20",
     {"conditions": [{"attribute": "cart|base_sub_total", "operator": ">=", "value": 100}]},
     {"usage_limit": 100, "usage_per_customer": 1}),
    ("Buy 2, get 1 free", "B2G1", "buy_x_get_y", "1", {"discount_step": 2}, {}),
    ("Free shipping", "FREESHIP", "by_percent", "0", {"free_shipping": True}, {}),
    ("Wholesale 15% off", "WHOLESALE15", "by_percent", "15", {"customer_group_codes": ["wholesale"]}, {}),
    ("Expired 10% off", "EXPIRED", "by_percent", "10", {"ends_till": datetime.datetime(2025, 12, 31, 23, 59, 59)}, {}),
]


def seed_sales():
    seed_taxes()
    CoreConfig.insert_many([{"code": code, "value": value, "created_at": SEED_TIME, "updated_at": SEED_TIME}
                            for code, value in CONFIG.items()]).execute()
    for position, (name, code, action, amount, rule_fields, coupon_fields) in enumerate(RULES, start=1):
        rule = CartRule.create(name=name, description=name, coupon_type=2, action_type=action,
                               discount_amount=Decimal(amount), sort_order=position,
                               created_at=SEED_TIME, updated_at=SEED_TIME, **rule_fields)
        CartRuleCoupon.create(cart_rule=rule, code=code, created_at=SEED_TIME, updated_at=SEED_TIME, **coupon_fields)


def seed_taxes():
    goods = TaxCategory.create(code="taxable-goods", name="Taxable Goods", description="Physical goods",
                               created_at=SEED_TIME, updated_at=SEED_TIME)
    digital = TaxCategory.create(code="digital-goods", name="Digital Goods", description="Downloads and services",
                                 created_at=SEED_TIME, updated_at=SEED_TIME)
    TaxCategory.create(code="exempt-goods", name="Exempt Goods", description="Zero-rated goods: no tax rates",
                       created_at=SEED_TIME, updated_at=SEED_TIME)
    for identifier, country, state, is_zip, zip_code, zip_from, zip_to, rate in TAX_RATES:
        row = TaxRate.create(identifier=identifier, country=country, state=state, is_zip=is_zip, zip_code=zip_code,
                             zip_from=zip_from, zip_to=zip_to, tax_rate=rate, created_at=SEED_TIME, updated_at=SEED_TIME)
        TaxCategoryRate.create(tax_category=goods, tax_rate=row)
        if identifier in DIGITAL_RATES:
            TaxCategoryRate.create(tax_category=digital, tax_rate=row)
    Product.update(tax_category=goods.id).where(Product.type.not_in(("virtual", "downloadable"))).execute()
    Product.update(tax_category=digital.id).where(Product.type.in_(("virtual", "downloadable"))).execute()
