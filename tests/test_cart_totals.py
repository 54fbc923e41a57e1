"""Cart totals to the cent for every price rule: catalog (special) prices, customer-group prices,
currencies, tax by country/state/postcode range, shipping, and each cart-rule action and limit."""
import datetime
import uuid
from decimal import Decimal

import pytest

from domain.sales.cart_totals import check_coupon, compute_totals, consume_coupon_usage
from server.context import build_context
from domain.errors import ApiError
from domain.sales.store_config import set_config
from storage.customer_models import Customer
from storage.db import database
from storage.models import (
    CustomerGroup, InventorySource, Product, ProductCustomerGroupPrice, ProductInventory, ProductTranslation,
    TaxCategory, utcnow,
)
from storage.sales_models import Cart, CartAddress, CartItem, CartRule, CartRuleCoupon, CartRuleCustomer

D = Decimal


@pytest.fixture
def db(app):
    with database.connection_context():
        yield


def context(currency: str | None = None):
    return build_context({"X-Currency": currency} if currency else {}, "http://media")


def make_product(price, special=None, special_from=None, special_to=None, type="simple", weight="1"):
    sku = f"totals-{uuid.uuid4().hex[:10]}"
    product = Product.create(sku=sku, type=type, attribute_family=1, price=D(price), special_price=special,
                             special_price_from=special_from, special_price_to=special_to, weight=D(weight),
                             min_price=D(price), max_price=D(price),
                             tax_category=TaxCategory.get(TaxCategory.code == "taxable-goods"))
    ProductTranslation.create(product=product, locale="en", name=f"Totals {sku}", url_key=sku)
    ProductInventory.create(product=product, inventory_source=InventorySource.get().id, qty=100)
    return product


def make_cart(*lines, customer=None, address=None):
    cart = Cart.create(channel=1, currency_code="USD", customer=customer)
    for product, quantity in lines:
        CartItem.create(cart=cart, product=product, type=product.type, quantity=quantity, additional={})
    if address:
        country, state, postcode = address
        CartAddress.create(cart=cart, address_type="shipping", first_name="Jane", last_name="Doe", email="j@example.com",
                           phone="1", address1="1 Main St", city="Town", state=state, country=country, postcode=postcode)
    return cart


def make_customer(group_code="general"):
    return Customer.create(first_name="T", last_name="T", email=f"{uuid.uuid4().hex[:10]}@example.com", password="x",
                           api_token=uuid.uuid4().hex, customer_group=CustomerGroup.get(CustomerGroup.code == group_code))


def amounts(totals):
    return (totals.sub_total, totals.discount, totals.tax, totals.shipping, totals.grand_total)


def test_plain_lines_add_up_exactly(db):
    totals = compute_totals(context(), make_cart((make_product("19.99"), 2), (make_product("5.00"), 1)))
    assert amounts(totals) == (D("44.98"), 0, 0, 0, D("44.98"))
    assert [line.total for line in totals.lines] == [D("39.98"), D("5.00")]
    assert (totals.items_count, totals.items_qty, totals.base_currency_code) == (2, 3, "USD")


def test_special_price_applies_only_inside_its_window(db):
    now = utcnow()
    open_window = make_product("100", special=D("80"), special_from=now - datetime.timedelta(days=1),
                               special_to=now + datetime.timedelta(days=1))
    closed_window = make_product("100", special=D("80"), special_to=now - datetime.timedelta(days=1))
    totals = compute_totals(context(), make_cart((open_window, 1), (closed_window, 1)))
    assert [line.unit_price for line in totals.lines] == [D("80.00"), D("100.00")]
    assert totals.grand_total == D("180.00")


def test_customer_group_prices_follow_group_and_quantity(db):
    product = make_product("100")
    wholesale = CustomerGroup.get(CustomerGroup.code == "wholesale")
    ProductCustomerGroupPrice.create(product=product, customer_group=wholesale, qty=5, value_type="fixed",
                                     value=D("90"), unique_id=f"{product.id}|w|5")
    ProductCustomerGroupPrice.create(product=product, customer_group=wholesale, qty=10, value_type="discount",
                                     value=D("12.5"), unique_id=f"{product.id}|w|10")
    buyer = make_customer("wholesale")
    assert compute_totals(context(), make_cart((product, 4), customer=buyer)).lines[0].unit_price == D("100.00")
    assert compute_totals(context(), make_cart((product, 5), customer=buyer)).sub_total == D("450.00")
    assert compute_totals(context(), make_cart((product, 10), customer=buyer)).sub_total == D("875.00")
    general = make_customer("general")
    assert compute_totals(context(), make_cart((product, 10), customer=general)).sub_total == D("1000.00")


def test_display_currency_converts_each_rounded_component(db):
    totals = compute_totals(context("EUR"), make_cart((make_product("19.99"), 2), (make_product("5.00"), 1)))
    assert (totals.currency_code, totals.base_currency_code) == ("EUR", "USD")
    assert [line.unit_price for line in totals.lines] == [D("18.39"), D("4.60")]  # 18.3908, 4.6
    assert (totals.sub_total, totals.base_sub_total) == (D("41.38"), D("44.98"))
    assert totals.grand_total == D("41.38")


@pytest.mark.parametrize("address, tax", [
    (("US", "CA", "90001"), D("3.71")),   # 8.25 %: 3.29835 -> 3.30 and 0.4125 -> 0.41
    (("US", "NY", "10010"), D("3.99")),   # 8.875 % (NYC postcode range beats the state rate): 3.548 + 0.44375
    (("US", "NY", "12000"), D("1.80")),   # 4 % state rate outside the range: 1.5992 + 0.20
    (("US", "TX", "73301"), D("0")),      # no rate for Texas
    (("DE", "", "10115"), D("8.55")),     # 19 %: 7.5962 -> 7.60 and 0.95
])
def test_tax_follows_the_destination(db, address, tax):
    totals = compute_totals(context(), make_cart((make_product("19.99"), 2), (make_product("5.00"), 1), address=address))
    assert totals.tax == tax
    assert totals.grand_total == D("44.98") + tax


def test_flat_rate_per_unit_per_order_and_free_shipping_threshold(db):
    cart = make_cart((make_product("20"), 3), address=("US", "TX", "73301"))
    cart.shipping_method = "flatrate_flatrate"
    totals = compute_totals(context(), cart)
    assert [rate.code for rate in totals.shipping_rates] == ["flatrate_flatrate"]
    assert (totals.shipping, totals.grand_total) == (D("30.00"), D("90.00"))
    set_config("sales.carriers.flatrate.type", "per_order")
    try:
        assert compute_totals(context(), cart).shipping == D("10.00")
    finally:
        set_config("sales.carriers.flatrate.type", "per_unit")
    big = make_cart((make_product("250"), 2), address=("US", "TX", "73301"))
    big.shipping_method = "free_free"
    totals = compute_totals(context(), big)
    assert [rate.code for rate in totals.shipping_rates] == ["flatrate_flatrate", "free_free"]
    assert (totals.shipping, totals.grand_total) == (D("0"), D("500.00"))


def test_virtual_only_cart_needs_no_shipping(db):
    totals = compute_totals(context(), make_cart((make_product("15", type="virtual"), 1)))
    assert (totals.needs_shipping, totals.shipping_rates, totals.shipping) == (False, [], 0)


def with_coupon(cart, code):
    cart.coupon_code = code
    return compute_totals(context(), cart)


def test_percentage_coupon_rounds_per_line(db):
    totals = with_coupon(make_cart((make_product("19.99"), 2), (make_product("30.00"), 1)), "SAVE10")
    assert [line.discount for line in totals.lines] == [D("4.00"), D("3.00")]  # 3.998 -> 4.00
    assert (totals.discount, totals.grand_total, totals.coupon_code) == (D("7.00"), D("62.98"), "SAVE10")


def test_fixed_per_unit_coupon_never_exceeds_the_line(db):
    totals = with_coupon(make_cart((make_product("3.50"), 2), (make_product("12"), 3)), "FLAT5")
    assert [line.discount for line in totals.lines] == [D("7.00"), D("15.00")]
    assert totals.grand_total == D("21.00")  # 7.00 + 36.00 - 22.00


def test_cart_fixed_coupon_is_shared_in_proportion_and_adds_up(db):
    totals = with_coupon(make_cart((make_product("33.33"), 1), (make_product("33.33"), 1), (make_product("33.34"), 1)),
                         "CART20")
    assert [line.discount for line in totals.lines] == [D("6.67"), D("6.67"), D("6.66")]
    assert (totals.discount, totals.grand_total) == (D("20.00"), D("80.00"))


@pytest.mark.parametrize("quantity, discount", [(2, D("0")), (3, D("10.00")), (5, D("10.00")), (6, D("20.00"))])
def test_buy_two_get_one_free(db, quantity, discount):
    totals = with_coupon(make_cart((make_product("10"), quantity)), "B2G1")
    assert totals.discount == discount
    assert totals.grand_total == D(10 * quantity) - discount


def test_free_shipping_coupon_zeroes_the_chosen_rate(db):
    cart = make_cart((make_product("20"), 2), address=("US", "TX", "73301"))
    cart.shipping_method = "flatrate_flatrate"
    totals = with_coupon(cart, "FREESHIP")
    assert (totals.shipping, totals.grand_total, totals.free_shipping) == (D("0"), D("40.00"), True)


def test_tax_is_charged_on_the_discounted_line(db):
    totals = with_coupon(make_cart((make_product("100"), 1), address=("US", "CA", "90001")), "SAVE10")
    assert (totals.discount, totals.tax, totals.grand_total) == (D("10.00"), D("7.43"), D("97.43"))  # 90 x 8.25 %


def coupon_error(cart, code):
    with pytest.raises(ApiError) as raised:
        check_coupon(context(), cart, code)
    return raised.value.status, raised.value.error, raised.value.errors


def test_coupon_checks_give_the_documented_errors(db):
    small = make_cart((make_product("20"), 2))
    assert coupon_error(small, "NOPE") == (404, "coupon_not_found", None)
    assert coupon_error(small, "SAVE10") == (400, "coupon_conditions_not_met", None)
    assert coupon_error(small, "EXPIRED") == (422, "coupon_invalid", {"couponCode": ["The coupon code has expired."]})
    assert coupon_error(small, "WHOLESALE15")[2] == {"couponCode": ["The coupon code is not valid for your customer group."]}
    assert check_coupon(context(), make_cart((make_product("20"), 3)), "SAVE10").code == "SAVE10"
    wholesale = make_cart((make_product("20"), 1), customer=make_customer("wholesale"))
    assert check_coupon(context(), wholesale, "WHOLESALE15").code == "WHOLESALE15"


def test_usage_limits_per_customer_and_per_coupon(db):
    buyer = make_customer()
    cart = make_cart((make_product("120"), 1), customer=buyer)
    totals = with_coupon(cart, "CART20")
    order = type("PlacedOrder", (), {"applied_cart_rule_ids": totals.applied_rule_ids, "coupon_code": "CART20"})
    coupon = CartRuleCoupon.get(CartRuleCoupon.code == "CART20")
    used_before = coupon.times_used
    with database.atomic() as transaction:
        consume_coupon_usage(order, buyer.id)
        assert CartRuleCoupon.get_by_id(coupon.id).times_used == used_before + 1
        assert coupon_error(make_cart((make_product("120"), 1), customer=buyer), "CART20")[2] == {
            "couponCode": ["You have already used this coupon the maximum number of times."]}
        assert check_coupon(context(), make_cart((make_product("120"), 1), customer=make_customer()), "CART20")
        CartRuleCoupon.update(times_used=100).where(CartRuleCoupon.id == coupon.id).execute()
        assert coupon_error(make_cart((make_product("120"), 1), customer=make_customer()), "CART20")[2] == {
            "couponCode": ["The coupon code has reached its usage limit."]}
        with pytest.raises(ApiError):
            consume_coupon_usage(order, make_customer().id)
        transaction.rollback()
    assert CartRuleCoupon.get_by_id(coupon.id).times_used == used_before


def test_product_conditions_pick_the_discounted_lines(db):
    cheap, dear = make_product("10"), make_product("50")
    rule = CartRule.create(name="Only the dear one", coupon_type=2, action_type="by_percent", discount_amount=D("50"),
                           conditions=[{"attribute": "product|sku", "operator": "==", "value": dear.sku}])
    CartRuleCoupon.create(cart_rule=rule, code=f"HALF-{dear.id}")
    totals = with_coupon(make_cart((cheap, 1), (dear, 1)), f"HALF-{dear.id}")
    assert [line.discount for line in totals.lines] == [D("0"), D("25.00")]
    assert totals.applied_rule_ids == [rule.id]
    assert CartRuleCustomer.select().where(CartRuleCustomer.cart_rule == rule.id).count() == 0


def test_worked_example_of_docs_money(db):
    cart = make_cart((make_product("19.99"), 2), (make_product("5.00"), 1), address=("US", "CA", "90001"))
    base, euro = compute_totals(context(), cart), compute_totals(context("EUR"), cart)
    assert [line.base_tax for line in base.lines] == [D("3.30"), D("0.41")]
    assert base.grand_total == D("48.69")
    assert [(line.total, line.tax) for line in euro.lines] == [(D("36.78"), D("3.04")), (D("4.60"), D("0.38"))]
    assert (euro.grand_total, euro.base_grand_total) == (D("44.80"), D("48.69"))
