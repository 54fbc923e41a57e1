"""Checkout: addresses, shipping and payment methods, the enforced step order, placing the order
(rows, totals to the cent, stock per source, coupon usage, closed cart), idempotent retries; REST
and GraphQL."""
import math
from decimal import ROUND_HALF_UP, Decimal

import pytest

from domain.sales.cart_totals import compute_totals
from server.context import build_context
from storage.db import database
from storage.models import InventorySource, Product, ProductBundleOption, ProductBundleOptionProduct
from storage.sales_models import (
    Cart, CartAddress, CartItem, CartRuleCoupon, CartRuleCouponUsage, Order, OrderAddress, OrderItem,
    OrderItemInventory, OrderPayment, OrderStatusHistory,
)
from tests.checkout_fixtures import (
    CA_ADDRESS, CHECKOUT_INCOMPLETE, NY_ADDRESS, bearer, cart_of, customer_cart, default_source, guest_cart, new_key,
    place, product_facts, ready_for_order, set_address, set_payment, set_shipping, set_stock, source, stock,
    stocked_product,
)
from tests.customer_fixtures import add_address, register

CART_EMPTY = {"message": "Cart is empty", "error": "cart_empty"}
STEP_MESSAGES = {"billingAddress": "Billing address must be set first.",
                 "shippingAddress": "Shipping address must be set first.",
                 "shippingMethod": "Shipping method must be set first.",
                 "paymentMethod": "Payment method must be set first."}
CA_TAX = Decimal("8.25")


def incomplete(*steps: str) -> dict:
    return {"message": CHECKOUT_INCOMPLETE, "error": "checkout_incomplete",
            "errors": {step: [STEP_MESSAGES[step]] for step in steps}}


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def cart_totals(headers: dict):
    """The cart's totals as every cart read shows them (the request's currency: USD)."""
    with database.connection_context():
        return compute_totals(build_context({}, "http://127.0.0.1:8000/storage"), cart_of(headers))


def order_by_id(order_id: int) -> Order:
    with database.connection_context():
        return Order.get_by_id(order_id)


def rows(model, *conditions) -> list:
    with database.connection_context():
        return list(model.select().where(*conditions).order_by(model.id))


def assert_order_totals(order: Order, totals):
    pairs = {"sub_total": totals.sub_total, "base_sub_total": totals.base_sub_total,
             "discount_amount": totals.discount, "base_discount_amount": totals.base_discount,
             "tax_amount": totals.tax, "base_tax_amount": totals.base_tax,
             "shipping_amount": totals.shipping, "base_shipping_amount": totals.base_shipping,
             "grand_total": totals.grand_total, "base_grand_total": totals.base_grand_total}
    assert {name: getattr(order, name) for name in pairs} == pairs
    assert (order.total_item_count, order.total_qty_ordered) == (totals.items_count, totals.items_qty)


def sold_count(*models) -> list[int]:
    with database.connection_context():
        return [model.select().count() for model in models]


ORDER_ROWS = (Order, OrderItem, OrderAddress, OrderPayment, OrderStatusHistory, OrderItemInventory)


# --- the whole flow ------------------------------------------------------------------------------

def test_guest_checkout_creates_the_order_with_the_carts_totals(client):
    product = stocked_product({default_source(): 100})
    name, sku, price = product_facts(product)
    headers = guest_cart((product, 2))

    addresses = client.get("/api/shop/checkout-addresses", headers=headers)
    assert addresses.status_code == 200
    assert addresses.json() == {"data": {"addresses": [], "defaultShippingId": None, "defaultBillingId": None,
                                         "billingAddress": None, "shippingAddress": None}}
    answer = set_address(client, headers, useForShipping=True, **CA_ADDRESS)
    expected_address = {"addressType": "billing", "firstName": "Jane", "lastName": "Doe", "companyName": None,
                        "email": "jane@example.com", "address": "456 Oak Ave", "city": "Los Angeles", "state": "CA",
                        "country": "US", "postcode": "90001", "phone": "9876543210"}
    assert {k: v for k, v in answer["data"]["billingAddress"].items() if k != "id"} == expected_address
    assert answer["data"]["shippingAddress"]["addressType"] == "shipping"
    assert answer["message"] == "Billing address set successfully"
    sub_total = price * 2
    tax = cents(sub_total * CA_TAX / 100)
    assert Decimal(str(answer["data"]["cartTotal"])) == sub_total + tax  # no shipping chosen yet

    rates = client.get("/api/shop/checkout-shipping-methods", headers=headers).json()["data"]
    flat = {"code": "flatrate_flatrate", "carrier": "flatrate", "carrierTitle": "Flat Rate", "method": "flatrate",
            "name": "Flat Rate", "description": "Flat rate shipping", "price": 20, "formattedPrice": "$20.00"}
    assert rates[0] == flat and [rate["code"] for rate in rates] == (
        ["flatrate_flatrate", "free_free"] if sub_total >= 500 else ["flatrate_flatrate"])
    chosen = set_shipping(client, headers)
    assert chosen["data"]["shippingMethod"] == {"code": "flatrate_flatrate", "carrier": "flatrate",
                                                "method": "flatrate", "title": "Flat Rate", "price": 20,
                                                "formattedPrice": "$20.00"}
    grand_total = sub_total + tax + 20
    assert Decimal(str(chosen["data"]["cartTotal"])) == grand_total

    methods = client.get("/api/shop/checkout-payment-methods").json()["data"]
    assert [(m["id"], m["code"], m["name"], m["sortOrder"]) for m in methods] == [
        (1, "cashondelivery", "Cash On Delivery", 1), (2, "moneytransfer", "Money Transfer", 2)]
    paid = set_payment(client, headers, "moneytransfer")
    assert paid["data"]["paymentMethod"]["title"] == "Money Transfer"
    assert "Market Street" in paid["data"]["paymentMethod"]["instructions"]

    totals = cart_totals(headers)
    assert (totals.sub_total, totals.tax, totals.shipping, totals.grand_total) == (sub_total, tax, 20, grand_total)
    response = place(client, headers, new_key())
    assert response.status_code == 201, response.text
    body = response.json()
    order = order_by_id(body["data"]["order"]["id"])
    assert body == {"data": {"order": {"id": order.id, "incrementId": str(order.id), "status": order.status,
                                       "grandTotal": float(grand_total), "itemsCount": 1,
                                       "createdAt": order.created_at.strftime("%Y-%m-%dT%H:%M:%S+00:00")},
                             "redirect": None},
                    "message": "Order placed successfully"}
    assert_order_totals(order, totals)
    assert (order.increment_id, order.is_guest, order.customer_id) == (str(order.id), True, None)
    assert (order.customer_email, order.customer_first_name, order.customer_last_name) == (
        "jane@example.com", "Jane", "Doe")
    assert (order.shipping_method, order.shipping_title) == ("flatrate_flatrate", "Flat Rate - Flat Rate")
    assert (order.order_currency_code, order.base_currency_code, order.exchange_rate) == ("USD", "USD", 1)

    [item] = rows(OrderItem, OrderItem.order == order.id)
    assert (item.product_id, item.product_type, item.sku, item.name, item.qty_ordered) == (
        product, "simple", sku, name, 2)
    assert (item.price, item.total, item.tax_percent, item.tax_amount) == (price, sub_total, CA_TAX, tax)
    addresses = rows(OrderAddress, OrderAddress.order == order.id)
    assert [(a.address_type, a.first_name, a.city, a.state, a.country) for a in addresses] == [
        ("billing", "Jane", "Los Angeles", "CA", "US"), ("shipping", "Jane", "Los Angeles", "CA", "US")]
    [payment] = rows(OrderPayment, OrderPayment.order == order.id)
    assert (payment.method, payment.method_title) == ("moneytransfer", "Money Transfer")
    assert [h.status for h in rows(OrderStatusHistory, OrderStatusHistory.order == order.id)][:1] == ["pending"]
    assert stock(product) == {default_source(): 98}
    taken = rows(OrderItemInventory, OrderItemInventory.order_item == item.id)
    assert [(a.inventory_source_id, a.qty) for a in taken] == [(default_source(), 2)]
    assert cart_of(headers).is_active is False
    again = place(client, headers)  # the ordered cart is closed
    assert (again.status_code, again.json()) == (409, CART_EMPTY)


def test_customer_checkout_with_a_saved_address_and_a_coupon(client):
    customer, other = register(client, "buyer"), register(client, "stranger")
    saved = add_address(client, customer, firstName="Ann", city="San Diego", postcode="92101")
    foreign = add_address(client, other)
    product = stocked_product()
    _name, _sku, price = product_facts(product)
    quantity = max(1, math.ceil(Decimal(60) / price))  # SAVE10 needs a subtotal of at least 50
    headers = customer_cart(customer, (product, quantity))
    cart = cart_of(headers)
    with database.connection_context():
        Cart.update(coupon_code="SAVE10").where(Cart.id == cart.id).execute()
        coupon = CartRuleCoupon.get(CartRuleCoupon.code == "SAVE10")

    listed = client.get("/api/shop/checkout-addresses", headers=headers).json()["data"]
    assert [a["id"] for a in listed["addresses"]] == [saved["id"]] and listed["defaultBillingId"] == saved["id"]
    assert client.post("/api/shop/checkout-addresses", json={"addressId": foreign["id"]}, headers=headers).json() == {
        "message": "Address not found", "error": "not_found"}
    chosen = set_address(client, headers, addressId=saved["id"], useForShipping=True)["data"]
    assert (chosen["billingAddress"]["firstName"], chosen["shippingAddress"]["city"]) == ("Ann", "San Diego")
    set_shipping(client, headers)
    set_payment(client, headers, "cashondelivery")
    totals = cart_totals(headers)
    assert totals.coupon_code == "SAVE10" and totals.discount == cents(price * quantity / 10)

    response = place(client, headers)
    assert response.status_code == 201, response.text
    order = order_by_id(response.json()["data"]["order"]["id"])
    assert_order_totals(order, totals)
    assert (order.customer_id, order.is_guest, order.customer_email, order.coupon_code) == (
        customer["id"], False, customer["email"], "SAVE10")
    assert order.applied_cart_rule_ids == [coupon.cart_rule_id]
    with database.connection_context():
        assert CartRuleCoupon.get_by_id(coupon.id).times_used == coupon.times_used + 1
        usage = CartRuleCouponUsage.get(CartRuleCouponUsage.coupon == coupon.id,
                                        CartRuleCouponUsage.customer == customer["id"])
        assert usage.times_used == 1
        assert not Cart.select().where(Cart.customer == customer["id"], Cart.is_active == True).exists()  # noqa: E712
    assert [a.city for a in rows(OrderAddress, OrderAddress.order == order.id)] == ["San Diego", "San Diego"]
    after = client.get("/api/shop/checkout-addresses", headers=headers).json()["data"]  # no cart any more
    assert ([a["id"] for a in after["addresses"]], after["billingAddress"]) == ([saved["id"]], None)


def test_the_order_matches_the_cart_built_through_the_cart_api(client):
    product = stocked_product({default_source(): 50})
    _name, _sku, price = product_facts(product)
    created = client.post("/api/shop/cart", json={})
    assert created.status_code == 201, created.text
    headers = bearer(created.json()["cartToken"])
    quantity = max(2, math.ceil(Decimal(60) / price))
    added = client.post("/api/shop/add-product-in-cart", json={"productId": product, "quantity": quantity},
                        headers=headers)
    assert added.status_code == 200, added.text
    assert client.post("/api/shop/apply-coupon", json={"couponCode": "SAVE10"}, headers=headers).status_code == 200
    ready_for_order(client, headers, NY_ADDRESS)
    cart = client.get("/api/shop/cart", headers={**headers, "X-Currency": "USD"}).json()["data"]
    assert (cart["couponCode"], cart["shippingMethod"], cart["paymentMethod"]) == (
        "SAVE10", "flatrate_flatrate", "moneytransfer")
    response = place(client, headers)
    assert response.status_code == 201, response.text
    order = order_by_id(response.json()["data"]["order"]["id"])
    shown = {"sub_total": cart["subtotal"], "discount_amount": cart["discountAmount"], "tax_amount": cart["taxAmount"],
             "shipping_amount": cart["shippingAmount"], "grand_total": cart["grandTotal"]}
    assert {name: float(getattr(order, name)) for name in shown} == shown
    assert cart["discountAmount"] > 0 and cart["shippingAmount"] == 10 * quantity
    assert stock(product) == {default_source(): 50 - quantity}


# --- the step order ------------------------------------------------------------------------------

def test_each_step_needs_the_ones_before_it(client):
    empty = guest_cart()
    assert client.post("/api/shop/checkout-addresses", json=CA_ADDRESS, headers=empty).json() == CART_EMPTY
    assert place(client, empty).json() == CART_EMPTY
    assert place(client, empty).status_code == 409

    headers = guest_cart((stocked_product(), 1))
    listed = client.get("/api/shop/checkout-shipping-methods", headers=headers)
    assert (listed.status_code, listed.json()) == (400, incomplete("shippingAddress"))
    assert client.post("/api/shop/checkout-shipping-methods", json={"shippingMethodCode": "flatrate_flatrate"},
                       headers=headers).json() == incomplete("shippingAddress")
    assert set_payment(client, headers, expected=400) == incomplete(
        "billingAddress", "shippingAddress", "shippingMethod")
    assert place(client, headers).json() == incomplete("billingAddress", "shippingAddress", "shippingMethod",
                                                      "paymentMethod")
    assert set_address(client, headers, useShippingAddress=True, expected=400) == incomplete("shippingAddress")

    set_address(client, headers, addressType="shipping", **CA_ADDRESS)
    assert set_payment(client, headers, expected=400) == incomplete("billingAddress", "shippingMethod")
    set_address(client, headers, useShippingAddress=True)
    assert place(client, headers).json() == incomplete("shippingMethod", "paymentMethod")
    assert set_shipping(client, headers, "express_express", expected=422) == {
        "message": "The given data was invalid.", "error": "validation_failed",
        "errors": {"shippingMethodCode": ["Invalid or unavailable shipping method."]}}
    set_shipping(client, headers)
    placed = place(client, headers)
    assert (placed.status_code, placed.json()) == (400, incomplete("paymentMethod"))
    assert set_payment(client, headers, "paypal", expected=422)["errors"] == {
        "payment.method": ["Invalid or unavailable payment method."]}
    set_payment(client, headers)
    mismatch = place(client, headers, body={"shippingMethodCode": "free_free", "paymentMethod": "moneytransfer"})
    assert (mismatch.status_code, mismatch.json()["errors"]) == (
        422, {"shippingMethodCode": ["Does not match the chosen shipping method."]})
    assert place(client, headers, body={"shippingMethodCode": "flatrate_flatrate",
                                        "paymentMethod": "moneytransfer"}).status_code == 201


def test_addresses_are_validated_field_by_field(client):
    headers = guest_cart((stocked_product(), 1))
    missing = set_address(client, headers, expected=422, firstName=" ")
    assert missing["errors"] == {field: [f"The {label} field is required."] for field, label in (
        ("firstName", "first name"), ("lastName", "last name"), ("email", "email"), ("address", "address"),
        ("city", "city"), ("country", "country"), ("postcode", "postcode"), ("phone", "phone"))}
    assert set_address(client, headers, expected=422, **{**CA_ADDRESS, "country": "ZZ", "email": "nope"})["errors"] == {
        "country": ["The selected country is invalid."], "email": ["The email must be a valid email address."]}
    assert set_address(client, headers, expected=422, **{**CA_ADDRESS, "state": ""})["errors"] == {
        "state": ["The state field is required."]}
    assert set_address(client, headers, expected=422, **{**CA_ADDRESS, "state": "XX"})["errors"] == {
        "state": ["The selected state is invalid for US."]}
    unknown = set_address(client, headers, expected=422, **CA_ADDRESS, color="red")
    assert unknown["error"] == "validation_failed" and list(unknown["errors"]) == ["body"]
    cart = cart_of(headers)
    with database.connection_context():
        assert not CartAddress.select().where(CartAddress.cart == cart.id).exists()
    lower = set_address(client, headers, **{**CA_ADDRESS, "state": "ca", "country": "us"})["data"]["billingAddress"]
    assert (lower["state"], lower["country"]) == ("CA", "US")


def test_changing_an_address_or_the_cart_drops_the_later_steps(client):
    product = stocked_product()
    _name, _sku, price = product_facts(product)
    headers = guest_cart((product, 1))
    ready_for_order(client, headers)
    cart = cart_of(headers)

    set_address(client, headers, useForShipping=True, **CA_ADDRESS)  # the same address again
    assert (cart_of(headers).shipping_method, cart_of(headers).payment_method) == ("flatrate_flatrate", "moneytransfer")
    set_address(client, headers, **{**CA_ADDRESS, "firstName": "Janet"})  # billing only
    assert (cart_of(headers).shipping_method, cart_of(headers).payment_method) == ("flatrate_flatrate", None)
    assert place(client, headers).json() == incomplete("paymentMethod")
    set_payment(client, headers)
    set_address(client, headers, addressType="shipping", **NY_ADDRESS)
    assert (cart_of(headers).shipping_method, cart_of(headers).payment_method) == (None, None)
    assert place(client, headers).json() == incomplete("shippingMethod", "paymentMethod")

    # Free shipping from 500: chosen, then the cart shrinks below the threshold.
    big = math.ceil(Decimal(500) / price)
    with database.connection_context():
        CartItem.update(quantity=big).where(CartItem.cart == cart.id).execute()
    set_shipping(client, headers, "free_free")
    set_payment(client, headers)
    assert cart_totals(headers).shipping == 0
    with database.connection_context():
        CartItem.update(quantity=1).where(CartItem.cart == cart.id).execute()
    assert place(client, headers).json() == incomplete("shippingMethod")
    rates = client.get("/api/shop/checkout-shipping-methods", headers=headers).json()["data"]
    assert [rate["code"] for rate in rates] == ["flatrate_flatrate"]


def test_a_cart_without_physical_items_skips_shipping(client):
    with database.connection_context():
        product = Product.get(Product.sku == "VIRT-WARRANTY-2Y").id
    set_stock(product, {default_source(): 7})
    headers = guest_cart((product, 2))
    set_address(client, headers, **CA_ADDRESS)
    assert client.get("/api/shop/checkout-shipping-methods", headers=headers).json() == {"data": []}
    assert set_shipping(client, headers, expected=422)["errors"] == {
        "shippingMethodCode": ["Invalid or unavailable shipping method."]}
    set_payment(client, headers, "cashondelivery")
    totals = cart_totals(headers)
    response = place(client, headers)
    assert response.status_code == 201, response.text
    order = order_by_id(response.json()["data"]["order"]["id"])
    assert_order_totals(order, totals)
    assert (order.shipping_method, order.shipping_amount) == (None, 0)
    assert [a.address_type for a in rows(OrderAddress, OrderAddress.order == order.id)] == ["billing"]
    assert stock(product) == {default_source(): 5}


# --- stock ---------------------------------------------------------------------------------------

def test_stock_is_taken_from_sources_in_priority_order(client):
    far = source("checkout-far", priority=20)  # created first: a lower id than `near`
    near = source("checkout-near", priority=10)
    closed = source("checkout-closed", priority=-1)
    with database.connection_context():
        InventorySource.update(status=False).where(InventorySource.id == closed).execute()
    product = stocked_product({default_source(): 1, near: 2, far: 5, closed: 3})
    headers = guest_cart((product, 4))
    ready_for_order(client, headers)
    response = place(client, headers)
    assert response.status_code == 201, response.text
    [item] = rows(OrderItem, OrderItem.order == response.json()["data"]["order"]["id"])
    taken = rows(OrderItemInventory, OrderItemInventory.order_item == item.id)
    assert [(row.inventory_source_id, row.qty) for row in taken] == [(default_source(), 1), (near, 2), (far, 1)]
    assert stock(product) == {default_source(): 0, near: 0, far: 4, closed: 3}


def test_missing_stock_rolls_everything_back_and_names_the_product(client):
    short, enough = stocked_product({default_source(): 1}), stocked_product({default_source(): 9})
    short_name, short_sku, _ = product_facts(short)
    headers = guest_cart((enough, 3), (short, 2))
    ready_for_order(client, headers)
    before = sold_count(*ORDER_ROWS)
    response = place(client, headers, new_key())
    assert response.status_code == 422
    shortage = f'Not enough stock for "{short_name}" (SKU {short_sku}): 2 requested.'
    assert response.json() == {"message": "Insufficient stock for one or more items.", "error": "insufficient_stock",
                               "errors": {"inventory": [shortage]}}
    assert sold_count(*ORDER_ROWS) == before
    assert (stock(short), stock(enough)) == ({default_source(): 1}, {default_source(): 9})
    cart = cart_of(headers)
    assert (cart.is_active, cart.shipping_method, cart.payment_method) == (True, "flatrate_flatrate", "moneytransfer")
    set_stock(short, {default_source(): 2})
    assert place(client, headers).status_code == 201
    assert (stock(short), stock(enough)) == ({default_source(): 0}, {default_source(): 6})


def test_a_configurable_line_orders_the_parent_and_the_variant(client):
    with database.connection_context():
        variant = (Product.select().where(Product.parent.is_null(False), Product.status == True)  # noqa: E712
                   .order_by(Product.id.desc()).first())
    set_stock(variant.id, {default_source(): 4})
    headers = guest_cart((variant.id, 3))
    ready_for_order(client, headers)
    totals = cart_totals(headers)
    response = place(client, headers)
    assert response.status_code == 201, response.text
    order = order_by_id(response.json()["data"]["order"]["id"])
    assert_order_totals(order, totals)
    parent, child = rows(OrderItem, OrderItem.order == order.id)
    assert (parent.product_id, parent.product_type, parent.sku, parent.parent_id) == (
        variant.parent_id, "configurable", variant.sku, None)
    assert (parent.total, parent.qty_ordered) == (totals.lines[0].total, 3)
    assert (child.parent_id, child.product_id, child.product_type, child.qty_ordered, child.total) == (
        parent.id, variant.id, "simple", 3, 0)
    taken = rows(OrderItemInventory, OrderItemInventory.product == variant.id)
    assert [(row.order_item_id, row.qty) for row in taken] == [(child.id, 3)]
    assert stock(variant.id) == {default_source(): 1}


def test_a_bundle_line_orders_the_bundle_and_its_selections(client):
    headers = guest_cart()
    with database.connection_context():
        bundle = Product.get(Product.sku == "BND-WINTER-KIT")
        required = (ProductBundleOption.select().where(ProductBundleOption.product == bundle.id,
                                                       ProductBundleOption.is_required == True)  # noqa: E712
                    .order_by(ProductBundleOption.sort_order))
        chosen = {option.id: ProductBundleOptionProduct.get(
            (ProductBundleOptionProduct.bundle_option == option.id) & ProductBundleOptionProduct.is_default)
            for option in required}
    cart = cart_of(headers)
    with database.connection_context():
        CartItem.create(cart=cart, product=bundle.id, type="bundle", quantity=2,
                        additional={"bundle_options": {str(o): [row.id] for o, row in chosen.items()}})
    members = {row.product_id: row.qty * 2 for row in chosen.values()}
    for member in members:
        set_stock(member, {default_source(): 10})
    ready_for_order(client, headers)
    totals = cart_totals(headers)
    response = place(client, headers)
    assert response.status_code == 201, response.text
    order = order_by_id(response.json()["data"]["order"]["id"])
    assert_order_totals(order, totals)
    parent, *children = rows(OrderItem, OrderItem.order == order.id)
    assert (parent.product_id, parent.product_type, parent.total) == (bundle.id, "bundle", totals.lines[0].total)
    assert {child.product_id: child.qty_ordered for child in children} == members
    assert all(child.parent_id == parent.id for child in children)
    assert sum(child.total for child in children) == parent.total
    for member, qty in members.items():
        assert stock(member) == {default_source(): 10 - qty}


# --- idempotency ---------------------------------------------------------------------------------

def test_a_retried_idempotency_key_returns_the_same_order_and_creates_nothing(client):
    customer, other = register(client, "retry"), register(client, "retry-other")
    product = stocked_product({default_source(): 20})
    headers = customer_cart(customer, (product, 2))
    ready_for_order(client, headers)
    key = new_key()
    first = place(client, headers, key)
    assert first.status_code == 201
    counts, left = sold_count(*ORDER_ROWS), stock(product)

    again = place(client, headers, key)
    assert (again.status_code, again.json()) == (201, first.json())
    assert (sold_count(*ORDER_ROWS), stock(product)) == (counts, left)

    same_lines = customer_cart(customer, (product, 2))
    assert place(client, same_lines, key).json() == first.json()  # a new cart with the same lines: a retry
    different = customer_cart(customer, (product, 3))
    ready_for_order(client, different)
    reused = place(client, different, key)
    assert reused.status_code == 422
    reused_message = "This Idempotency-Key was already used for a different cart."
    assert reused.json() == {"message": reused_message, "error": "idempotency_key_reused",
                             "errors": {"Idempotency-Key": [reused_message]}}
    assert (sold_count(*ORDER_ROWS), stock(product)) == (counts, left)
    fresh = place(client, different, new_key())
    assert fresh.status_code == 201 and fresh.json()["data"]["order"]["id"] != first.json()["data"]["order"]["id"]

    other_headers = customer_cart(other, (product, 1))
    ready_for_order(client, other_headers)
    theirs = place(client, other_headers, key)  # keys belong to one customer
    assert theirs.status_code == 201 and theirs.json()["data"]["order"]["id"] != first.json()["data"]["order"]["id"]


def test_a_guest_retry_with_the_same_key_returns_the_same_order(client):
    product = stocked_product()
    headers = guest_cart((product, 1))
    ready_for_order(client, headers)
    key = new_key()
    first = place(client, headers, key)
    assert first.status_code == 201
    counts = sold_count(*ORDER_ROWS)
    again = place(client, headers, key)
    assert (again.status_code, again.json(), sold_count(*ORDER_ROWS)) == (201, first.json(), counts)


def test_without_a_key_an_ordered_cart_cannot_be_ordered_again(client):
    customer = register(client, "twice")
    headers = customer_cart(customer, (stocked_product(), 1))
    ready_for_order(client, headers)
    assert place(client, headers).status_code == 201
    second = place(client, headers)
    assert (second.status_code, second.json()) == (409, CART_EMPTY)


# --- GraphQL -------------------------------------------------------------------------------------

ADDRESS_MUTATION = """
mutation($input: createCheckoutAddressInput!) {
  createCheckoutAddress(input: $input) {
    checkoutAddress { _id id success message cartToken billingFirstName billingCity billingState billingCountry
                      shippingFirstName shippingCity shippingPostcode shippingPhoneNumber }
  }
}"""


def graphql_billing(address: dict = CA_ADDRESS, side: str = "billing") -> dict:
    names = {"firstName": "FirstName", "lastName": "LastName", "email": "Email", "address": "Address",
             "city": "City", "country": "Country", "state": "State", "postcode": "Postcode", "phone": "PhoneNumber"}
    return {side + names[field]: value for field, value in address.items()}


def test_graphql_checkout_twins(graphql):
    product = stocked_product({default_source(): 10})
    headers = guest_cart((product, 2))
    token = headers["Authorization"].split(" ", 1)[1]

    early = graphql("{ collectionShippingRates { method } }", headers=headers)
    assert early["errors"][0]["message"] == CHECKOUT_INCOMPLETE
    assert early["errors"][0]["extensions"]["code"] == "CHECKOUT_INCOMPLETE"
    assert early["errors"][0]["extensions"]["status"] == 400
    assert early["errors"][0]["extensions"]["errors"] == {"shippingAddress": ["Shipping address must be set first."]}

    saved = graphql(ADDRESS_MUTATION, {"input": {**graphql_billing(), "useForShipping": True}}, headers)
    address = saved["data"]["createCheckoutAddress"]["checkoutAddress"]
    assert address["success"] is True and address["message"] == "Address saved successfully"
    assert (address["cartToken"], address["billingCity"], address["shippingFirstName"],
            address["shippingPostcode"]) == (token, "Los Angeles", "Jane", "90001")
    assert address["id"] == str(address["_id"])
    nodes = graphql("{ collectionGetCheckoutAddresses { totalCount edges { node { id _id addressType useForShipping "
                    "city } } } }", headers=headers)["data"]["collectionGetCheckoutAddresses"]
    assert nodes["totalCount"] == 2
    assert [(n["node"]["addressType"], n["node"]["useForShipping"]) for n in nodes["edges"]] == [
        ("cart_billing", True), ("cart_shipping", False)]
    assert nodes["edges"][0]["node"]["id"] == f"/api/shop/get_checkout_addresses/{nodes['edges'][0]['node']['_id']}"

    rates = graphql("{ collectionShippingRates { _id code label method price formattedPrice } }",
                    headers=headers)["data"]["collectionShippingRates"]
    assert rates[0] == {"_id": "flatrate_flatrate", "code": "flatrate", "label": "Flat Rate",
                        "method": "flatrate_flatrate", "price": 20.0, "formattedPrice": "$20.00"}
    unknown = graphql('mutation { createCheckoutShippingMethod(input: {shippingMethod: "nope"}) '
                      '{ checkoutShippingMethod { success } } }', headers=headers)
    assert unknown["errors"][0]["extensions"]["errors"] == {
        "shippingMethod": ["Invalid or unavailable shipping method."]}
    shipped = graphql('mutation { createCheckoutShippingMethod(input: {shippingMethod: "flatrate_flatrate"}) '
                      '{ checkoutShippingMethod { success message shippingMethod price } } }', headers=headers)
    assert shipped["data"]["createCheckoutShippingMethod"]["checkoutShippingMethod"] == {
        "success": True, "message": "Shipping method saved successfully", "shippingMethod": "flatrate_flatrate",
        "price": 20.0}

    methods = graphql("{ collectionPaymentMethods { _id method title isAllowed } }", headers=headers)
    assert [m["method"] for m in methods["data"]["collectionPaymentMethods"]] == ["cashondelivery", "moneytransfer"]
    assert all(m["isAllowed"] for m in methods["data"]["collectionPaymentMethods"])
    paid = graphql('mutation { createCheckoutPaymentMethod(input: {paymentMethod: "cashondelivery", '
                   'successUrl: "https://shop.example/ok"}) '
                   '{ checkoutPaymentMethod { success message paymentGatewayUrl } } }',
                   headers=headers)
    assert paid["data"]["createCheckoutPaymentMethod"]["checkoutPaymentMethod"] == {
        "success": True, "message": "Payment method saved successfully", "paymentGatewayUrl": None}

    totals = cart_totals(headers)
    order_query = """mutation($key: String) { createCheckoutOrder(input: {idempotencyKey: $key}) {
        checkoutOrder { id orderId incrementId status grandTotal itemsCount success } } }"""
    key = new_key()
    placed = graphql(order_query, {"key": key}, headers)["data"]["createCheckoutOrder"]["checkoutOrder"]
    order = order_by_id(int(placed["orderId"]))
    assert placed == {"id": str(cart_of(headers).id), "orderId": str(order.id), "incrementId": str(order.id),
                      "status": order.status, "grandTotal": float(totals.grand_total), "itemsCount": 1, "success": True}
    assert_order_totals(order, totals)
    assert stock(product) == {default_source(): 8}


def test_graphql_address_errors_name_the_input_fields(graphql):
    headers = guest_cart((stocked_product(), 1))
    result = graphql(ADDRESS_MUTATION, {"input": {**graphql_billing({**CA_ADDRESS, "country": "ZZ"}),
                                                  "shippingFirstName": "Jane"}}, headers)
    error = result["errors"][0]
    assert error["extensions"]["code"] == "VALIDATION_FAILED" and error["extensions"]["status"] == 422
    assert error["extensions"]["errors"] == {
        "billingCountry": ["The selected country is invalid."],
        **{f"shipping{suffix}": [f"The {label} field is required."] for suffix, label in (
            ("LastName", "last name"), ("Email", "email"), ("Address", "address"), ("City", "city"),
            ("Country", "country"), ("Postcode", "postcode"), ("PhoneNumber", "phone"))}}
    customer_only = graphql(ADDRESS_MUTATION, {"input": {"billingAddressId": "/api/shop/customer-addresses/1",
                                                         "useForShipping": True}}, headers)
    assert customer_only["errors"][0]["extensions"]["code"] == "NOT_FOUND"
