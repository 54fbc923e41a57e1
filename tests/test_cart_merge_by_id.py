"""Merging a guest cart by its id alone (merge-cart.md sends only `cartId` with the customer's token):
only an active, fresh, never-ordered guest cart created through the same storefront key moves."""
import datetime

import pytest

from domain.storefront_keys import forget_cached_keys, hash_key
from storage.db import database
from storage.models import StorefrontKey, utcnow
from storage.sales_models import Cart
from tests.cart_fixtures import add, gql, new_guest_cart, product  # noqa: F401 (fixtures)
from tests.checkout_fixtures import bearer, place, ready_for_order
from tests.customer_fixtures import customer, other_customer  # noqa: F401

MERGE = """mutation merge($cartId: Int) { createMergeCart(input: {cartId: $cartId}) { mergeCart {
  _id customerId isGuest itemsQty subtotal grandTotal cartToken
  items { edges { node { productId quantity total } } } } } }"""
OTHER_KEY = "pk_storefront_other_key_for_merge_tests_0002"


@pytest.fixture
def other_key():
    with database.connection_context():
        StorefrontKey.delete().where(StorefrontKey.key_hash == hash_key(OTHER_KEY)).execute()
        StorefrontKey.create(name="merge-other", key_prefix=OTHER_KEY[:18], key_hash=hash_key(OTHER_KEY),
                             status=True, rate_limit=10**9)
    forget_cached_keys()
    yield OTHER_KEY
    with database.connection_context():
        StorefrontKey.delete().where(StorefrontKey.key_hash == hash_key(OTHER_KEY)).execute()
    forget_cached_keys()


def merge_by_id(client, customer: dict, cart_id: int, key: str | None = None):
    headers = {**bearer(customer["token"]), **({"X-STOREFRONT-KEY": key} if key else {})}
    return client.post("/api/shop/merge-carts", json={"cartId": cart_id}, headers=headers)


def test_a_fresh_guest_cart_of_the_same_key_merges_by_id(client, gql, customer):  # noqa: F811
    mine, theirs = product(price="4.00"), product(price="2.50")
    add(client, bearer(customer["token"]), productId=mine.id, quantity=1)
    guest = new_guest_cart(client)
    add(client, guest["headers"], productId=theirs.id, quantity=3)
    add(client, guest["headers"], productId=mine.id, quantity=2)
    body = gql(MERGE, {"cartId": guest["id"]}, customer["token"])
    cart = body["data"]["createMergeCart"]["mergeCart"]
    quantities = {edge["node"]["productId"]: edge["node"]["quantity"] for edge in cart["items"]["edges"]}
    assert quantities == {mine.id: 3, theirs.id: 3}
    assert (cart["customerId"], cart["isGuest"], cart["itemsQty"]) == (customer["id"], False, 6)
    assert cart["subtotal"] == 3 * 4 + 3 * 2.5 and cart["cartToken"] == str(cart["_id"])
    # the guest cart is closed: its token no longer works, and its id cannot be merged again
    assert client.get("/api/shop/cart", headers=guest["headers"]).status_code == 401
    assert merge_by_id(client, customer, guest["id"]).status_code == 404


def test_a_guest_cart_becomes_the_cart_of_a_customer_without_one(client, customer):  # noqa: F811
    item = product(price="6.00")
    guest = new_guest_cart(client)
    add(client, guest["headers"], productId=item.id, quantity=2)
    response = merge_by_id(client, customer, guest["id"])
    assert response.status_code == 200, response.text
    assert (response.json()["_id"] if "_id" in response.json() else response.json()["id"]) == guest["id"]
    assert (response.json()["customerId"], response.json()["grandTotal"] >= 12) == (customer["id"], True)


def test_refused_by_id(client, customer, other_customer, other_key):  # noqa: F811
    item = product(price="3.00")
    # another storefront key's cart
    foreign = client.post("/api/shop/cart-tokens", json={}, headers={"X-STOREFRONT-KEY": other_key}).json()
    add(client, {**bearer(foreign["cartToken"]), "X-STOREFRONT-KEY": other_key}, productId=item.id)
    assert merge_by_id(client, customer, foreign["data"]["id"]).status_code == 404
    # ... which its own storefront key may merge
    assert merge_by_id(client, customer, foreign["data"]["id"], key=other_key).status_code == 200
    # a customer's cart
    add(client, bearer(other_customer["token"]), productId=item.id)
    owned = client.get("/api/shop/cart", headers=bearer(other_customer["token"])).json()["data"]["id"]
    assert merge_by_id(client, customer, owned).status_code == 404
    # a stale guest cart (not changed for more than a day)
    stale = new_guest_cart(client)
    add(client, stale["headers"], productId=item.id)
    with database.connection_context():
        Cart.update(updated_at=utcnow() - datetime.timedelta(hours=25)).where(Cart.id == stale["id"]).execute()
    assert merge_by_id(client, customer, stale["id"]).status_code == 404
    # an ordered guest cart
    ordered = new_guest_cart(client)
    add(client, ordered["headers"], productId=item.id)
    ready_for_order(client, ordered["headers"])
    assert place(client, ordered["headers"]).status_code in (200, 201)
    assert merge_by_id(client, customer, ordered["id"]).status_code == 404
    # an unknown id, and no id nor token
    assert merge_by_id(client, customer, 2_000_000_000).json()["error"] == "cart_not_found"
    response = client.post("/api/shop/merge-carts", json={}, headers=bearer(customer["token"]))
    assert response.status_code == 422
    # nothing was taken: the refused carts keep their lines
    for cart in (stale, ordered):
        with database.connection_context():
            assert Cart.get_by_id(cart["id"]).customer_id is None
