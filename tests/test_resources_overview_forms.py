"""The overview pages' remaining forms of existing operations: PATCH of checkout addresses and shipping
methods, GET /api/read_carts/{id}, the shop's PATCH apply-coupon and POST remove-cart-item, state name
translations by IRI, and the GraphQL names `orders` and `refreshToken`."""
from decimal import Decimal

from storage.models import CountryState, CountryStateTranslation
from tests.cart_fixtures import add, product
from tests.customer_fixtures import bearer, customer  # noqa: F401 (fixtures)
from tests.order_fixtures import Line, create_order, default_source, make_product
from tests.test_resources_cart import resource_cart, shop_cart

ADDRESS = {"first_name": "John", "last_name": "Doe", "email": "john@example.com", "phone": "1234567890",
           "address": "123 Main St", "city": "New York", "state": "NY", "country": "US", "postcode": "10001"}


def cart_with_item(client, price="20.00") -> dict:
    cart = resource_cart(client)
    assert add(client, cart["headers"], productId=product(price=price).id, quantity=1).status_code == 200
    return cart


def test_patch_checkout_address_changes_the_sent_fields_and_keeps_the_others(client):
    cart = cart_with_item(client)
    saved = client.post("/api/checkout_addresses", json={**ADDRESS, "cart_id": cart["token"], "address_type": "billing",
                                                          "company": "Acme Inc"})
    assert saved.status_code == 200, saved.text
    address_id = saved.json()["id"]
    patched = client.patch(f"/api/checkout_addresses/{address_id}",
                           json={"cart_id": cart["token"], "city": "Boston", "state": "MA", "postcode": "02101"})
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["@type"] == "CheckoutAddress" and body["@id"] == f"/api/checkout_addresses/{body['id']}"
    assert (body["address_type"], body["city"], body["state"], body["postcode"]) == ("billing", "Boston", "MA", "02101")
    assert (body["first_name"], body["email"], body["address"], body["company"]) == (
        "John", "john@example.com", "123 Main St", "Acme Inc")
    shop = client.get("/api/shop/checkout-addresses", headers=cart["headers"]).json()["data"]
    assert shop["billingAddress"]["city"] == "Boston" and shop["billingAddress"]["firstName"] == "John"
    assert shop["shippingAddress"] is None

    unknown = client.patch(f"/api/checkout_addresses/{body['id'] + 1000}", json={"cart_id": cart["token"]})
    assert unknown.status_code == 404 and unknown.json()["@type"] == "hydra:Error"
    other = cart_with_item(client)
    foreign = client.patch(f"/api/checkout_addresses/{body['id']}", json={"cart_id": other["token"], "city": "Nowhere"})
    assert foreign.status_code == 404
    bad = client.patch(f"/api/checkout_addresses/{body['id']}", json={"cart_id": cart["token"], "email": "not-an-email"})
    assert bad.status_code == 422 and "email" in bad.json()["errors"]
    assert client.get("/api/shop/checkout-addresses", headers=cart["headers"]).json()["data"]["billingAddress"][
        "email"] == "john@example.com"


def test_patch_checkout_shipping_method_names_the_cart(client):
    cart = cart_with_item(client, "600.00")  # free shipping from 500
    for side in ("billing", "shipping"):
        response = client.post("/api/checkout_addresses", json={**ADDRESS, "cart_id": cart["token"], "address_type": side})
        assert response.status_code == 200, response.text
    chosen = client.post("/api/checkout_shipping_methods", json={"cart_id": cart["token"],
                                                                  "shipping_method_code": "free"})
    assert chosen.status_code == 200, chosen.text
    cart_id = chosen.json()["id"]
    patched = client.patch(f"/api/checkout_shipping_methods/{cart_id}",
                           json={"cart_id": cart["token"], "shipping_method_code": "flatrate"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["shipping_method_code"] == "flatrate_flatrate" and patched.json()["shipping_price"] == "10.00"
    assert shop_cart(client, cart["headers"])["shippingMethod"] == "flatrate_flatrate"
    wrong = client.patch(f"/api/checkout_shipping_methods/{cart_id + 1}",
                         json={"cart_id": cart["token"], "shipping_method_code": "free"})
    assert wrong.status_code == 404 and wrong.json()["hydra:description"] == "Checkout shipping method not found"
    assert shop_cart(client, cart["headers"])["shippingMethod"] == "flatrate_flatrate"


def test_read_cart_by_its_address(client, customer):
    cart = cart_with_item(client, "12.50")
    read = client.get(f"/api/read_carts/{cart['token']}")
    assert read.status_code == 200, read.text
    body = read.json()
    assert body["@type"] == "ReadCart" and body["@id"] == f"/api/read_carts/{cart['token']}"
    assert (body["id"], body["total"], body["subtotal"], body["is_guest"]) == (cart["token"], "12.50", "12.50", True)
    assert client.get(f"/api/read_carts/{cart['token']}", headers=cart["headers"]).json()["total"] == "12.50"
    assert client.get("/api/read_carts/not-a-token").status_code == 404
    other = resource_cart(client)
    assert client.get(f"/api/read_carts/{other['token']}", headers=cart["headers"]).status_code == 404
    add(client, customer["headers"], productId=product(price="4.00").id, quantity=2)
    mine = shop_cart(client, customer["headers"])
    own = client.get(f"/api/read_carts/{mine['id']}", headers=customer["headers"])
    assert own.status_code == 200 and own.json()["total"] == "8.00" and own.json()["is_guest"] is False
    assert client.get(f"/api/read_carts/{mine['id']}").status_code == 404  # a cart id is no token


def test_shop_apply_coupon_by_patch_is_the_post(client):
    cart = resource_cart(client)
    add(client, cart["headers"], productId=product(price="30.00").id, quantity=2)
    response = client.patch("/api/shop/apply-coupon", json={"couponCode": "SAVE10"}, headers=cart["headers"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["couponCode"], body["discountAmount"], body["grandTotal"]) == ("SAVE10", 6, 54)
    assert body["data"]["message"] == "Coupon applied successfully"
    unknown = client.patch("/api/shop/apply-coupon", json={"couponCode": "NOSUCHCODE"}, headers=cart["headers"])
    assert (unknown.status_code, unknown.json()["error"]) == (404, "coupon_not_found")
    assert shop_cart(client, cart["headers"])["couponCode"] == "SAVE10"


def test_shop_remove_cart_item_by_post(client):
    cart = resource_cart(client)
    first, second = product(price="10.00"), product(price="4.00")
    add(client, cart["headers"], productId=first.id, quantity=1)
    add(client, cart["headers"], productId=second.id, quantity=1)
    lines = {line["productId"]: line["id"] for line in shop_cart(client, cart["headers"])["items"]}
    removed = client.post("/api/shop/remove-cart-item", headers=cart["headers"],
                          json={"cart_id": cart["token"], "item_id": lines[first.id]})
    assert removed.status_code == 200, removed.text
    assert [line["productId"] for line in removed.json()["items"]] == [second.id]
    assert removed.json()["grandTotal"] == 4 and removed.json()["message"] == "Item removed from cart successfully"
    again = client.post("/api/shop/remove-cart-item", headers=cart["headers"], json={"cartItemId": lines[first.id]})
    assert again.status_code == 404
    missing = client.post("/api/shop/remove-cart-item", headers=cart["headers"], json={"cart_id": cart["token"]})
    assert missing.status_code in (400, 422) and "cartItemId" in missing.json()["errors"]
    guest = client.post("/api/shop/remove-cart-item", json={"item_id": lines[second.id]})
    assert guest.status_code == 401
    assert [line["productId"] for line in shop_cart(client, cart["headers"])["items"]] == [second.id]


def test_state_translation_by_its_iri(client):
    state = CountryState.get(CountryState.code == "CA", CountryState.country_code == "US")
    listed = client.get(f"/api/shop/country-states/{state.id}").json()["translations"]
    french = CountryStateTranslation.get(CountryStateTranslation.country_state == state.id,
                                         CountryStateTranslation.locale == "fr")
    assert f"/api/shop/country_state_translations/{french.id}" in listed
    response = client.get(f"/api/shop/country_state_translations/{french.id}")
    assert response.status_code == 200, response.text
    assert response.json() == {"id": french.id, "countryStateId": state.id, "locale": "fr",
                               "defaultName": french.default_name}
    missing = client.get("/api/shop/country_state_translations/999999")
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")


def test_graphql_orders_is_customer_orders(client, graphql, customer):
    made = make_product("19.99", {default_source(): 10})
    order = create_order(customer["id"], [Line(made, 2, Decimal("19.99"))])
    query = "{ %s(first: 5) { totalCount edges { node { _id grandTotal } } } }"
    orders = graphql(query % "orders", headers=customer["headers"])
    assert "errors" not in orders, orders
    assert orders["data"]["orders"] == graphql(query % "customerOrders", headers=customer["headers"])["data"][
        "customerOrders"]
    assert orders["data"]["orders"]["totalCount"] == 1
    assert orders["data"]["orders"]["edges"][0]["node"]["_id"] == order.id
    guest = client.post("/api/graphql", json={"query": query % "orders"})
    assert guest.json()["data"] is None and guest.json()["errors"][0]["extensions"]["status"] == 401


def test_graphql_refresh_token_exchanges_the_bearer(client, graphql, customer):
    login = graphql('mutation($email: String!, $password: String!) { createLogin(input: {email: $email, '
                    'password: $password}) { accessToken refreshToken } }',
                    {"email": customer["email"], "password": customer["password"]})
    assert "errors" not in login, login
    tokens = login["data"]["createLogin"]
    assert tokens["refreshToken"] == tokens["accessToken"] and "|" in tokens["accessToken"]
    refreshed = graphql('mutation($token: String) { refreshToken(input: {refreshToken: $token}) '
                        '{ accessToken refreshToken tokenType expiresIn message } }',
                        {"token": tokens["refreshToken"]}, bearer(tokens["accessToken"]))
    assert "errors" not in refreshed, refreshed
    payload = refreshed["data"]["refreshToken"]
    assert payload["accessToken"] != tokens["accessToken"] and payload["refreshToken"] == payload["accessToken"]
    assert (payload["tokenType"], payload["expiresIn"], payload["message"]) == (
        "Bearer", 604800, "Token refreshed successfully")
    assert client.get("/api/shop/customer-profile", headers=bearer(tokens["accessToken"])).status_code == 401
    assert client.get("/api/shop/customer-profile", headers=bearer(payload["accessToken"])).status_code == 200
    stale = client.post("/api/graphql", json={"query": "mutation { refreshToken(input: {}) { accessToken } }"},
                        headers=bearer(tokens["accessToken"]))
    assert stale.status_code == 401 and stale.json()["error"] == "unauthenticated"


def test_options_of_one_attribute(client):
    response = client.get("/api/shop/attributes/24/options", params={"per_page": 3})  # size: S, M, L, XL
    assert response.status_code == 200, response.text
    assert [option["adminName"] for option in response.json()] == ["S", "M", "L"]
    assert [option["id"] for option in response.json()] == [6, 7, 8]
    assert (response.headers["X-Total-Count"], response.headers["X-Total-Pages"]) == ("4", "2")
    flat = {option["id"] for option in client.get("/api/shop/attribute-options", params={"per_page": 50}).json()}
    assert {option["id"] for option in response.json()} <= flat
    missing = client.get("/api/shop/attributes/999999/options")
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")
    assert client.get("/api/shop/attributes/1/options").json() == []  # sku has no options
