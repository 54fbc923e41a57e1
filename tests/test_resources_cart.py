"""The overview pages' cart resource paths (`/api/cart_tokens`, `/api/read_carts`, ...): the same carts
as the shop's cart operations, named by bearer or by `cart_id` (the guest cart token) in the body."""
from tests.cart_fixtures import add, product  # noqa: F401 (fixtures)
from tests.customer_fixtures import UNAUTHENTICATED, bearer, customer  # noqa: F401


def resource_cart(client) -> dict:
    response = client.post("/api/cart_tokens", json={})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["message"] == "Cart created successfully" and body["data"]["isGuest"] is True
    assert body["@context"] == "/api/contexts/CartToken" and body["@type"] == "CartToken"
    return {"id": body["data"]["id"], "token": body["cartToken"], "headers": bearer(body["cartToken"])}


def shop_cart(client, headers) -> dict:
    response = client.get("/api/shop/cart", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_cart_made_by_cart_tokens_and_filled_by_the_shop_reads_the_same_through_read_carts(client):
    cart = resource_cart(client)
    first, second = product(price="12.50"), product(price="3.00")
    assert add(client, cart["headers"], productId=first.id, quantity=2).status_code == 200
    assert add(client, cart["headers"], productId=second.id, quantity=1).status_code == 200
    shop = shop_cart(client, cart["headers"])
    by_body = client.post("/api/read_carts", json={"cart_id": cart["token"]})
    by_bearer = client.post("/api/read_carts", json={}, headers=cart["headers"])
    by_path = client.get(f"/api/cart_tokens/{cart['token']}")
    for response in (by_body, by_bearer, by_path):
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        assert data["id"] == cart["id"] and data["items"] == shop["items"]
        assert data["grandTotal"] == shop["grandTotal"] == 28.0 and len(data["items"]) == 2 and data["itemsQty"] == 3


def test_cart_id_in_the_body_is_checked_like_the_bearer(client):
    assert client.post("/api/read_carts", json={"cart_id": "not-a-token"}).status_code == 404
    response = client.post("/api/read_carts", json={})
    assert response.status_code == 401 and response.json() == UNAUTHENTICATED
    assert client.get("/api/cart_tokens/not-a-token").status_code == 404


def test_update_and_remove_lines_through_the_resource_paths(client):
    cart = resource_cart(client)
    first, second = product(price="10.00"), product(price="4.00")
    client.post("/api/cart_items", json={"cart_id": cart["token"], "product_id": first.id, "quantity": 1})
    added = client.post("/api/cart_items", json={"cart_id": cart["token"], "product_id": second.id, "quantity": 1})
    assert added.status_code == 200, added.text
    lines = {line["productId"]: line["id"] for line in shop_cart(client, cart["headers"])["items"]}
    updated = client.post("/api/update_cart_items", json={"cart_id": cart["token"], "item_id": lines[first.id],
                                                            "quantity": 3})
    assert updated.status_code == 200, updated.text
    assert updated.json()["data"]["quantity"] == 3 and updated.json()["cartTotal"] == 34.0
    assert shop_cart(client, cart["headers"])["grandTotal"] == 34.0
    bad = client.post("/api/update_cart_items", json={"cart_id": cart["token"], "item_id": lines[first.id],
                                                       "quantity": 0})
    assert bad.status_code == 422 and "quantity" in bad.json()["errors"]
    removed = client.post("/api/remove_cart_items", json={"cart_id": cart["token"],
                                                           "item_ids": [lines[first.id], lines[second.id]]})
    assert removed.status_code == 200, removed.text
    assert shop_cart(client, cart["headers"])["items"] == []
    unknown = client.post("/api/remove_cart_items", json={"cart_id": cart["token"], "item_ids": [lines[first.id]]})
    assert unknown.status_code == 404


def test_remove_coupon_and_merge(client, customer):
    cart = resource_cart(client)
    item = product(price="7.00")
    add(client, cart["headers"], productId=item.id, quantity=1)
    removed = client.post("/api/remove_coupons", json={"cart_id": cart["token"]})
    shop = client.delete("/api/shop/remove-coupon", headers=cart["headers"])
    assert removed.status_code == shop.status_code == 404 and removed.json() == shop.json()
    assert removed.json()["error"] == "coupon_not_applied"
    merged = client.post("/api/merge_carts", json={"guest_cart_token": cart["token"]}, headers=customer["headers"])
    assert merged.status_code == 200, merged.text
    mine = shop_cart(client, customer["headers"])
    assert [line["productId"] for line in mine["items"]] == [item.id]


def test_checkout_through_the_resource_paths(client):
    cart = resource_cart(client)
    item = product(price="20.00")
    add(client, cart["headers"], productId=item.id, quantity=1)
    address = {"cart_id": cart["token"], "first_name": "John", "last_name": "Doe", "email": "john@example.com",
               "phone": "1234567890", "address": "123 Main St", "city": "New York", "state": "NY",
               "country": "US", "postcode": "10001"}
    billing = client.post("/api/checkout_addresses", json={**address, "address_type": "billing"})
    assert billing.status_code == 200, billing.text
    shipping = client.post("/api/checkout_addresses", json={**address, "address_type": "shipping"})
    assert shipping.status_code == 200, shipping.text
    assert shipping.json()["data"]["shippingAddress"]["city"] == "New York"
    shop_view = client.get("/api/shop/checkout-addresses", headers=cart["headers"])
    assert shop_view.status_code == 200, shop_view.text
    method = client.post("/api/checkout_shipping_methods", json={"cart_id": cart["token"],
                                                                  "shipping_method_code": "flatrate_flatrate"})
    assert method.status_code == 200, method.text
    client.post("/api/shop/checkout-payment-methods", headers=cart["headers"], json={"payment": {"method": "cashondelivery"}})
    order = client.post("/api/checkout_orders", json={"cart_id": cart["token"], "payment_method": "cashondelivery"})
    assert order.status_code == 201, order.text
    assert order.json()["data"]["order"]["grandTotal"] > 20


def test_resource_mount_leaves_the_other_routes_alone(client):
    assert client.get("/api/shop/locales").status_code == 200
    assert client.get("/api/shop/openapi.json").json()["servers"][0]["url"] == "/api/shop"
    assert client.get("/api/admin/openapi.json").json()["servers"][0]["url"] == "/api/admin"
    assert client.get("/api/openapi.json").json()["servers"][0]["url"] == "/api"
    assert client.get("/api/openapi.yaml").status_code == 200
    assert client.post("/api/graphql", json={"query": "{ __typename }"}).json()["data"] == {"__typename": "Query"}
    admin = client.post("/api/admin/graphql", json={"query": "{ __typename }"})
    assert admin.status_code in (200, 401) and admin.headers["content-type"].startswith("application/json")
    assert client.get("/api/admin/catalog/products").status_code == 401
    assert client.get("/api/no_such_resource").status_code == 404


def test_estimate_shippings_lists_the_carts_rates(client):
    cart = resource_cart(client)
    item = product(price="20.00")
    add(client, cart["headers"], productId=item.id, quantity=1)
    from storage.db import database
    from storage.models import Country
    with database.connection_context():
        us = Country.get(Country.code == "US").id
    response = client.post("/api/estimate_shippings", json={"cart_id": cart["token"],
                                                             "address": {"country_id": us, "postcode": "10001"}})
    assert response.status_code == 200, response.text
    codes = {rate["code"] for rate in response.json()["shipping_methods"]}
    assert "flatrate_flatrate" in codes
    by_code = client.post("/api/estimate_shippings", json={"cart_id": cart["token"], "address": {"country": "US"}})
    assert by_code.status_code == 200 and by_code.json() == response.json()
    unknown = client.post("/api/estimate_shippings", json={"cart_id": cart["token"], "address": {"country_id": 999999}})
    assert unknown.status_code == 422
