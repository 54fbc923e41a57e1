"""Checkout integrity under concurrency (docs/security.md, "Checkout integrity"):

- a coupon used up between "apply" and "place order" refuses the order (422 naming the coupon, nothing
  written) instead of placing it at the undiscounted total; with N carts on a coupon limited to K uses
  placed at once, exactly K orders carry the discount and no order is placed without it;
- the loser of two placements of the same cart gets 409 `cart_empty` (never 401 or 404), or the same
  order when it sent the same Idempotency-Key.

The concurrent calls go to a real uvicorn server (tests.test_oversell), so they run on the suite's
database: SQLite by default, PostgreSQL when DATABASE_URL says so.
"""
import threading
import time
import uuid
from decimal import Decimal

import httpx
import pytest

from storage.db import database
from storage.sales_models import Cart, CartRule, CartRuleCoupon, Order, OrderItemInventory
from tests.checkout_fixtures import CA_ADDRESS, cart_of, customer_cart, guest_cart, new_key, place, ready_for_order
from tests.conftest import TEST_KEY
from tests.customer_fixtures import register
from tests.order_fixtures import default_source, make_product, stock_of
from tests.test_oversell import start_server

CARTS = 20
USES = 3
PRICE = Decimal("40.00")
UNIT_DISCOUNT = Decimal("5.00")  # the test coupon: 5 off each unit
SHIPPING = Decimal("10.00")  # flat rate, per unit
CART_EMPTY = {"message": "Cart is empty", "error": "cart_empty"}
BILLING = {"firstName": "Jane", "lastName": "Doe", "address": "456 Oak Ave", "city": "Los Angeles", "state": "CA",
           "postalCode": "90001", "country": "US", "email": "jane@example.com", "phone": "9876543210"}  # createOrder


def grand_total(discount: Decimal) -> Decimal:
    """One unit at PRICE less `discount`, plus flat-rate shipping (the tests' products carry no tax
    category, so no tax)."""
    return PRICE - discount + SHIPPING


def refused(code: str, reason: str = "The coupon code has reached its usage limit.") -> dict:
    return {"message": f'The coupon code "{code}" can no longer be used.', "error": "coupon_invalid",
            "errors": {"couponCode": [reason]}}


@pytest.fixture(scope="module")
def server_port(app):
    server, port = start_server()
    yield port
    server.terminate()
    server.wait()


@pytest.fixture
def limited_coupon():
    """A coupon of its own (5 off each unit) limited to `uses` orders; removed after the test."""
    made = []

    def create(uses: int) -> str:
        code = f"LIMIT-{uuid.uuid4().hex[:8].upper()}"
        with database.connection_context():
            rule = CartRule.create(name=code, coupon_type=2, action_type="by_fixed", discount_amount=UNIT_DISCOUNT)
            CartRuleCoupon.create(cart_rule=rule, code=code, usage_limit=uses)
        made.append(rule.id)
        return code

    yield create
    with database.connection_context():
        CartRule.delete().where(CartRule.id.in_(made)).execute()


def coupon_uses(code: str) -> int:
    with database.connection_context():
        return CartRuleCoupon.get(CartRuleCoupon.code == code).times_used


def orders_of(headers_list: list[dict]) -> list[Order]:
    cart_ids = [cart_of(headers).id for headers in headers_list]
    with database.connection_context():
        return list(Order.select().where(Order.cart_id.in_(cart_ids)).order_by(Order.id))


def apply_coupon(client, headers: dict, code: str) -> dict:
    response = client.post("/api/shop/apply-coupon", json={"couponCode": code}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def shown_cart(client, headers: dict) -> dict:
    response = client.get("/api/shop/cart", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def discounted_cart(client, product: int, code: str) -> dict:
    """A guest cart of one unit, the coupon applied and every checkout step done; the cart shows the discount."""
    headers = guest_cart((product, 1))
    apply_coupon(client, headers, code)
    ready_for_order(client, headers, CA_ADDRESS)
    shown = shown_cart(client, headers)
    assert (shown["couponCode"], shown["discountAmount"], Decimal(str(shown["grandTotal"]))) == (
        code, float(UNIT_DISCOUNT), grand_total(UNIT_DISCOUNT))
    return headers


def post_all_at_once(port: int, calls: list[tuple[dict, str, dict]], delays: tuple = ()) -> list[httpx.Response]:
    """POST every (headers, path, json) from its own thread and client, released together; the i-th
    call waits delays[i] seconds after the release (so some arrive while, some just after, the first
    one commits)."""
    barrier = threading.Barrier(len(calls))
    responses: list = [None] * len(calls)

    def send(index: int, headers: dict, path: str, body: dict):
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120,
                          headers={"X-STOREFRONT-KEY": TEST_KEY, **headers}) as http:
            barrier.wait()
            if index < len(delays):
                time.sleep(delays[index])
            responses[index] = http.post(path, json=body)

    threads = [threading.Thread(target=send, args=(index, *call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def place_call(headers: dict, key: str | None = None) -> tuple[dict, str, dict]:
    return ({**headers, **({"Idempotency-Key": key} if key else {})}, "/api/shop/checkout-orders", {})


# --- 1. a coupon used up between apply and place ------------------------------------------------------

def test_a_coupon_used_up_before_placing_refuses_the_order_and_writes_nothing(client, limited_coupon):
    product = make_product(price=str(PRICE), stock={default_source(): 10})
    code = limited_coupon(1)
    first, second = discounted_cart(client, product, code), discounted_cart(client, product, code)

    placed = place(client, first, new_key())
    assert placed.status_code == 201, placed.text
    assert Decimal(str(placed.json()["data"]["order"]["grandTotal"])) == grand_total(UNIT_DISCOUNT)
    assert coupon_uses(code) == 1 and stock_of(product) == {default_source(): 9}

    response = place(client, second, new_key())
    assert (response.status_code, response.json()) == (422, refused(code))
    assert [order.cart_id for order in orders_of([first, second])] == [cart_of(first).id]
    assert coupon_uses(code) == 1 and stock_of(product) == {default_source(): 9}
    cart = cart_of(second)
    assert (cart.is_active, cart.coupon_code) == (True, code)  # still the buyer's cart, as it was

    # The cart now shows the full price; without the coupon the buyer can order at that price.
    shown = shown_cart(client, second)
    assert (shown["couponCode"], Decimal(str(shown["grandTotal"]))) == (None, grand_total(Decimal(0)))
    assert client.delete("/api/shop/remove-coupon", headers=second).status_code == 200
    again = place(client, second, new_key())
    assert again.status_code == 201, again.text
    order = orders_of([second])[0]
    assert (order.coupon_code, order.discount_amount, order.grand_total) == (None, 0, grand_total(Decimal(0)))
    assert coupon_uses(code) == 1 and stock_of(product) == {default_source(): 8}


def test_graphql_placements_refuse_a_used_up_coupon_the_same_way(client, graphql, limited_coupon):
    product = make_product(price=str(PRICE), stock={default_source(): 10})
    code = limited_coupon(1)
    winner, checkout_loser, create_loser = (discounted_cart(client, product, code) for _ in range(3))
    assert place(client, winner, new_key()).status_code == 201

    result = graphql("""mutation { createCheckoutOrder(input: {}) { checkoutOrder { orderId grandTotal } } }""",
                     headers=checkout_loser)
    [error] = result["errors"]
    expected = refused(code)
    assert (error["message"], error["extensions"]["code"], error["extensions"]["status"],
            error["extensions"]["errors"]) == (expected["message"], "COUPON_INVALID", 422, expected["errors"])

    result = graphql("""mutation($input: createOrderInput!) { createOrder(input: $input) { order { id total } } }""",
                     {"input": {"billingAddress": BILLING, "shippingMethod": "flat_rate",
                                "paymentMethod": "moneytransfer"}}, headers=create_loser)
    [error] = result["errors"]
    assert (error["message"], error["extensions"]["status"], error["extensions"]["errors"]) == (
        expected["message"], 422, expected["errors"])

    assert len(orders_of([winner, checkout_loser, create_loser])) == 1
    assert coupon_uses(code) == 1 and stock_of(product) == {default_source(): 9}
    assert [cart_of(headers).is_active for headers in (checkout_loser, create_loser)] == [True, True]


def test_a_disabled_coupon_rule_refuses_the_order_naming_the_reason(client, limited_coupon):
    product = make_product(price=str(PRICE), stock={default_source(): 10})
    code = limited_coupon(0)  # unlimited
    headers = discounted_cart(client, product, code)
    with database.connection_context():
        CartRule.update(status=False).where(CartRule.name == code).execute()
    response = place(client, headers, new_key())
    assert (response.status_code, response.json()) == (422, refused(code, "The coupon code has expired."))
    assert orders_of([headers]) == [] and coupon_uses(code) == 0 and stock_of(product) == {default_source(): 10}


def test_concurrent_orders_on_a_limited_coupon(client, server_port, limited_coupon):
    """CARTS carts showing the coupon's discount, USES uses left, all placed at once: USES discounted
    orders, the others refused with nothing written, none placed at the undiscounted total."""
    product = make_product(price=str(PRICE), stock={default_source(): 100})
    code = limited_coupon(USES)
    carts = [discounted_cart(client, product, code) for _ in range(CARTS)]

    responses = post_all_at_once(server_port, [place_call(headers, new_key()) for headers in carts])

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] * USES + [422] * (CARTS - USES), [r.text for r in responses if r.status_code != 201]
    assert all(r.json() == refused(code) for r in responses if r.status_code == 422)
    orders = orders_of(carts)
    assert sorted(order.id for order in orders) == sorted(
        r.json()["data"]["order"]["id"] for r in responses if r.status_code == 201)
    assert [(o.coupon_code, o.discount_amount, o.grand_total) for o in orders] == [
        (code, UNIT_DISCOUNT, grand_total(UNIT_DISCOUNT))] * USES
    assert not [o for o in orders if o.discount_amount == 0]
    assert coupon_uses(code) == USES
    assert stock_of(product) == {default_source(): 100 - USES}
    with database.connection_context():
        taken = [row.qty for row in OrderItemInventory.select().where(OrderItemInventory.product == product)]
    assert sum(taken) == USES
    assert [cart_of(headers).is_active for headers in carts].count(True) == CARTS - USES


# --- 2. two placements of the same cart --------------------------------------------------------------

def test_an_ordered_guest_cart_answers_409_not_401(client):
    product = make_product(price=str(PRICE), stock={default_source(): 5})
    headers = guest_cart((product, 1))
    ready_for_order(client, headers, CA_ADDRESS)
    assert place(client, headers).status_code == 201
    for again in (place(client, headers), place(client, headers, new_key())):
        assert (again.status_code, again.json()) == (409, CART_EMPTY)
    for mutation, variables in (
            ("mutation { createCheckoutOrder(input: {}) { checkoutOrder { orderId } } }", {}),
            ("mutation($input: createOrderInput!) { createOrder(input: $input) { order { id } } }",
             {"input": {"billingAddress": BILLING, "shippingMethod": "flat_rate", "paymentMethod": "moneytransfer"}})):
        result = client.post("/api/graphql", headers=headers, json={"query": mutation, "variables": variables}).json()
        [error] = result["errors"]
        assert (error["message"], error["extensions"]["code"], error["extensions"]["status"]) == (
            "Cart is empty", "CART_EMPTY", 409)
    assert len(orders_of([headers])) == 1 and stock_of(product) == {default_source(): 4}


def test_a_customer_placing_an_ordered_cart_again_gets_409(client):
    customer = register(client, "press-twice")
    product = make_product(price=str(PRICE), stock={default_source(): 5})
    headers = customer_cart(customer, (product, 1))
    ready_for_order(client, headers, CA_ADDRESS)
    assert place(client, headers).status_code == 201
    again = place(client, headers)
    assert (again.status_code, again.json()) == (409, CART_EMPTY)
    with database.connection_context():
        assert Order.select().where(Order.customer == customer["id"]).count() == 1
    assert stock_of(product) == {default_source(): 4}


# Seconds after the release: some presses arrive while the winner places the order, some after it committed.
RACE_DELAYS = (0, 0, 0.01, 0.05, 0.15, 0.4)


@pytest.mark.parametrize("bearer", ["guest", "customer"])
def test_the_loser_of_concurrent_placements_of_one_cart_gets_409(client, server_port, bearer):
    """Rounds of presses on one cart, each with its own key (or none), released together and a few
    milliseconds apart: one order, every other press 409 `cart_empty`, whether it lost the claim inside
    the transaction or arrived after the order committed."""
    product = make_product(price=str(PRICE), stock={default_source(): 50})
    customer = register(client, f"race-{bearer}") if bearer == "customer" else None
    rounds = 4
    statuses = []
    for _ in range(rounds):
        headers = customer_cart(customer, (product, 1)) if customer else guest_cart((product, 1))
        ready_for_order(client, headers, CA_ADDRESS)
        keys = [new_key() if index % 2 else None for index in range(len(RACE_DELAYS))]
        responses = post_all_at_once(server_port, [place_call(headers, key) for key in keys], RACE_DELAYS)
        statuses += [response.status_code for response in responses]
        assert sorted(r.status_code for r in responses) == [201] + [409] * (len(RACE_DELAYS) - 1), [
            r.text for r in responses]
        assert all(r.json() == CART_EMPTY for r in responses if r.status_code == 409)
        assert len(orders_of([headers])) == 1
    assert (statuses.count(201), statuses.count(409)) == (rounds, rounds * (len(RACE_DELAYS) - 1))
    assert stock_of(product) == {default_source(): 50 - rounds}


@pytest.mark.parametrize("bearer", ["guest", "customer"])
def test_concurrent_presses_with_one_key_answer_the_same_order(client, server_port, bearer):
    product = make_product(price=str(PRICE), stock={default_source(): 50})
    customer = register(client, f"same-key-{bearer}") if bearer == "customer" else None
    for presses in (2, 4, 6):
        headers = customer_cart(customer, (product, 1)) if customer else guest_cart((product, 1))
        ready_for_order(client, headers, CA_ADDRESS)
        key = new_key()
        responses = post_all_at_once(server_port, [place_call(headers, key)] * presses, RACE_DELAYS)
        assert [r.status_code for r in responses] == [201] * presses, [r.text for r in responses]
        assert len({r.text for r in responses}) == 1
        [order] = orders_of([headers])
        assert responses[0].json()["data"]["order"]["id"] == order.id
    assert stock_of(product) == {default_source(): 47}


def test_graphql_placements_of_an_ordered_cart_with_the_same_key_return_the_order(client, graphql):
    product = make_product(price=str(PRICE), stock={default_source(): 5})
    headers = guest_cart((product, 1))
    ready_for_order(client, headers, CA_ADDRESS)
    key = new_key()
    first = place(client, headers, key)
    assert first.status_code == 201
    query = """mutation($key: String) { createCheckoutOrder(input: {idempotencyKey: $key}) {
        checkoutOrder { orderId grandTotal } } }"""
    again = graphql(query, {"key": key}, headers)["data"]["createCheckoutOrder"]["checkoutOrder"]
    assert again == {"orderId": str(first.json()["data"]["order"]["id"]),
                     "grandTotal": first.json()["data"]["order"]["grandTotal"]}
    with database.connection_context():
        assert Cart.get_by_id(cart_of(headers).id).is_active is False
    assert len(orders_of([headers])) == 1 and stock_of(product) == {default_source(): 4}
