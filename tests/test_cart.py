"""Carts over REST: guest cart tokens, customer carts, lines, stock, totals, coupons, merging, and
isolation between carts."""
import hashlib

from storage.db import database
from storage.sales_models import Cart, CartAddress, CartItem
from tests.cart_fixtures import (  # noqa: F401 (fixtures)
    add, add_inventory_source, assert_totals_match, configurable, guest_cart, lines_by_product, new_guest_cart,
    product,
)
from tests.customer_fixtures import UNAUTHENTICATED, bearer, customer, login, other_customer  # noqa: F401
from tests.helpers import count_queries


def cart_of(client, headers) -> dict:
    response = client.get("/api/shop/cart", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


# --- guest carts ------------------------------------------------------------------------------------

def test_create_cart_issues_a_guest_token_stored_only_as_its_hash(client):
    response = client.post("/api/shop/cart", json={})
    assert response.status_code == 201
    body = response.json()
    token = body["cartToken"]
    assert body["message"] == "Cart created successfully" and len(token) >= 40 and "|" not in token
    assert body["data"]["cartToken"] == token and body["data"]["isGuest"] is True
    assert body["data"]["items"] == [] and body["data"]["grandTotal"] == 0 and body["data"]["itemCount"] == 0
    with database.connection_context():
        cart = Cart.get_by_id(body["data"]["id"])
    assert cart.token_hash == hashlib.sha256(token.encode()).hexdigest() and cart.customer_id is None
    assert cart_of(client, bearer(token))["id"] == cart.id


def test_cart_tokens_alias_and_initial_items(client):
    item = product(price="12.50")
    response = client.post("/api/shop/cart-tokens", json={"items": [{"productId": item.id, "quantity": 2}]})
    assert response.status_code == 201
    document = response.json()["data"]
    assert [(line["productId"], line["quantity"], line["total"]) for line in document["items"]] == [(item.id, 2, 25)]


def test_guest_flow_add_increase_update_remove(client, guest_cart):
    first, second = product(price="19.99", name="Desk Lamp"), product(price="5.00")
    response = add(client, guest_cart["headers"], productId=first.id, quantity=2)
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True and body["message"] == "Product added to cart successfully."
    line = body["items"][0]
    assert (line["name"], line["sku"], line["type"], line["quantity"]) == ("Desk Lamp", first.sku, "simple", 2)
    assert (line["price"], line["total"]) == (19.99, 39.98)
    assert (line["formattedPrice"], line["formattedTotal"]) == ("$19.99", "$39.98")
    assert line["options"] == [] and line["canChangeQty"] is True

    body = add(client, guest_cart["headers"], productId=first.id, quantity=1).json()
    assert len(body["items"]) == 1 and body["items"][0]["quantity"] == 3 and body["subtotal"] == 59.97
    body = add(client, guest_cart["headers"], productId=second.id).json()
    assert body["itemsCount"] == 2 and body["itemsQty"] == 4 and body["grandTotal"] == 64.97
    assert_totals_match(body)

    first_line = lines_by_product(body)[first.id]["id"]
    response = client.put("/api/shop/update-cart-item", json={"cartItemId": first_line, "quantity": 1},
                          headers=guest_cart["headers"])
    assert response.status_code == 200
    updated = response.json()
    assert updated["data"]["quantity"] == 1 and updated["data"]["total"] == 19.99
    assert updated["cartTotal"] == updated["grandTotal"] == 24.99
    assert updated["message"] == "Cart item updated successfully"

    response = client.put(f"/api/shop/update-cart-item/{first_line}", json={"quantity": 4},
                          headers=guest_cart["headers"])
    assert response.status_code == 200 and response.json()["data"]["quantity"] == 4

    response = client.delete("/api/shop/remove-cart-item", params={"cartItemId": first_line},
                             headers=guest_cart["headers"])
    assert response.status_code == 200
    assert response.json()["cartTotal"] == 5 and [line["productId"] for line in response.json()["items"]] == [second.id]
    second_line = response.json()["items"][0]["id"]
    response = client.delete(f"/api/shop/remove-cart-item/{second_line}", headers=guest_cart["headers"])
    assert response.status_code == 200 and response.json()["items"] == [] and response.json()["grandTotal"] == 0


def test_recipe_path_adds_like_add_product_in_cart(client, guest_cart):
    item = product(price="3.00")
    response = client.post("/api/shop/cart/items", json={"productId": item.id, "quantity": 3},
                           headers=guest_cart["headers"])
    assert response.status_code == 200 and response.json()["subtotal"] == 9


def test_cart_operations_need_a_cart_or_customer_token(client, anonymous):
    assert client.get("/api/shop/cart").json() == UNAUTHENTICATED
    assert client.get("/api/shop/cart").status_code == 401
    for headers in (bearer("not-a-cart-token"), bearer("123|nope")):
        response = client.post("/api/shop/add-product-in-cart", json={"productId": 1}, headers=headers)
        assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)
    assert anonymous.get("/api/shop/cart").json()["error"] == "missing_key"


def test_missing_item_id_and_unknown_items(client, guest_cart):
    response = client.put("/api/shop/update-cart-item", json={"quantity": 2}, headers=guest_cart["headers"])
    assert response.status_code == 422 and "cartItemId" in response.json()["errors"]
    response = client.delete("/api/shop/remove-cart-item", headers=guest_cart["headers"])
    assert response.status_code == 422 and "cartItemId" in response.json()["errors"]
    response = client.put("/api/shop/update-cart-item/999999", json={"quantity": 1}, headers=guest_cart["headers"])
    assert (response.status_code, response.json()["error"]) == (404, "item_not_found")
    response = client.put("/api/shop/update-cart-item", json={"cartItemId": 1, "quantity": 0},
                          headers=guest_cart["headers"])
    assert response.status_code == 422 and "quantity" in response.json()["errors"]


def test_products_that_cannot_be_added(client, guest_cart):
    response = add(client, guest_cart["headers"], productId=999999)
    assert (response.status_code, response.json()["error"]) == (404, "product_not_found")
    inactive = product(status=False, name="Retired Lamp")
    response = add(client, guest_cart["headers"], productId=inactive.id)  # as if it did not exist
    assert (response.status_code, response.json()) == (404, {"message": "Product not found",
                                                             "error": "product_not_found"})
    response = add(client, guest_cart["headers"], productId=product().id, quantity=0)
    assert response.status_code == 422 and "quantity" in response.json()["errors"]
    assert cart_of(client, guest_cart["headers"])["items"] == []


# --- stock ------------------------------------------------------------------------------------------

def test_quantity_above_stock_is_422_naming_the_product(client, guest_cart):
    item = product(stock=3, name="Blue Hoodie")
    response = add(client, guest_cart["headers"], productId=item.id, quantity=4)
    assert response.status_code == 422
    message = 'Not enough stock for "Blue Hoodie": 3 available, 4 requested.'
    assert response.json() == {"message": message, "error": "out_of_stock", "errors": {"quantity": [message]}}
    assert add(client, guest_cart["headers"], productId=item.id, quantity=3).status_code == 200
    response = add(client, guest_cart["headers"], productId=item.id, quantity=1)
    assert response.status_code == 422 and "3 available, 4 requested" in response.json()["message"]
    line = cart_of(client, guest_cart["headers"])["items"][0]
    assert line["quantity"] == 3
    response = client.put("/api/shop/update-cart-item", json={"cartItemId": line["id"], "quantity": 5},
                          headers=guest_cart["headers"])
    assert response.status_code == 422 and response.json()["error"] == "out_of_stock"
    assert cart_of(client, guest_cart["headers"])["items"][0]["quantity"] == 3


def test_stock_counts_active_sources_only_and_unmanaged_stock_is_unlimited(client, guest_cart):
    item = product(stock=2)
    add_inventory_source(item, qty=5, active=True)
    add_inventory_source(item, qty=50, active=False)
    assert add(client, guest_cart["headers"], productId=item.id, quantity=7).status_code == 200
    response = add(client, guest_cart["headers"], productId=item.id, quantity=1)
    assert response.status_code == 422 and "7 available, 8 requested" in response.json()["message"]
    unmanaged = product(stock=0, manage_stock=False)
    assert add(client, guest_cart["headers"], productId=unmanaged.id, quantity=500).status_code == 200
    no_stock = product(stock=0)
    assert add(client, guest_cart["headers"], productId=no_stock.id).status_code == 422


# --- totals -----------------------------------------------------------------------------------------

def test_totals_come_from_compute_totals_in_display_currency_with_tax(client, guest_cart):
    item = product(price="30.00")
    add(client, guest_cart["headers"], productId=item.id, quantity=2)
    with database.connection_context():
        CartAddress.create(cart=guest_cart["id"], address_type="shipping", first_name="Jane", last_name="Doe",
                           email="jane@example.com", phone="555", address1="1 Main St", city="Los Angeles",
                           state="CA", country="US", postcode="90001")
    document = cart_of(client, guest_cart["headers"])
    assert (document["subtotal"], document["taxAmount"], document["grandTotal"]) == (60, 4.95, 64.95)
    assert document["items"][0]["taxPercent"] == 8.25 and document["formattedTaxAmount"] == "$4.95"
    assert document["shippingAddress"]["city"] == "Los Angeles" and document["billingAddress"] is None
    assert document["haveStockableItems"] is True
    assert_totals_match(document)

    response = client.get("/api/shop/cart", headers={**guest_cart["headers"], "X-Currency": "EUR"})
    euro = response.json()["data"]
    assert euro["currencyCode"] == "EUR" and euro["baseCurrencyCode"] == "USD"
    assert (euro["items"][0]["price"], euro["subtotal"], euro["baseSubtotal"]) == (27.6, 55.2, 60)
    assert euro["formattedSubtotal"] == "55,20 €"
    assert_totals_match(euro, "EUR")


def test_reading_a_bigger_cart_issues_no_more_statements(client):
    counts = []
    for size in (1, 6):
        cart = new_guest_cart(client)
        for _ in range(size):
            add(client, cart["headers"], productId=product().id)
            parent, (red, _blue) = configurable()
            add(client, cart["headers"], productId=parent.id, selectedConfigurableOption=red.id)
        with count_queries() as statements:
            assert len(cart_of(client, cart["headers"])["items"]) == 2 * size
        counts.append(len(statements))
    assert counts[0] == counts[1]


# --- coupons ----------------------------------------------------------------------------------------

def test_apply_and_remove_coupon(client, guest_cart):
    item = product(price="30.00")
    add(client, guest_cart["headers"], productId=item.id, quantity=2)
    response = client.post("/api/shop/apply-coupon", json={"couponCode": "SAVE10"}, headers=guest_cart["headers"])
    assert response.status_code == 200
    body = response.json()
    assert body["couponCode"] == "SAVE10" and body["discountAmount"] == 6 and body["grandTotal"] == 54
    assert body["data"] == {"couponCode": "SAVE10", "discountAmount": 6, "discountPercentage": 10, "subtotal": 60,
                            "discount": 6, "tax": 0, "total": 54, "message": "Coupon applied successfully"}
    assert body["items"][0]["discountAmount"] == 6
    assert_totals_match(body)
    assert cart_of(client, guest_cart["headers"])["couponCode"] == "SAVE10"

    response = client.delete("/api/shop/remove-coupon", headers=guest_cart["headers"])
    assert response.status_code == 200
    removed = response.json()
    assert (removed["couponCode"], removed["grandTotal"], removed["cartTotal"]) == (None, 60, 60)
    response = client.delete("/api/shop/remove-coupon", headers=guest_cart["headers"])
    assert (response.status_code, response.json()["error"]) == (404, "coupon_not_applied")


def test_coupon_errors_leave_the_cart_unchanged(client, guest_cart):
    add(client, guest_cart["headers"], productId=product(price="10.00").id)
    cases = {"NOSUCHCODE": (404, "coupon_not_found"), "EXPIRED": (422, "coupon_invalid"),
             "SAVE10": (400, "coupon_conditions_not_met"), "WHOLESALE15": (422, "coupon_invalid")}
    for code, (status, error) in cases.items():
        response = client.post("/api/shop/apply-coupon", json={"couponCode": code}, headers=guest_cart["headers"])
        assert (response.status_code, response.json()["error"]) == (status, error), code
    document = cart_of(client, guest_cart["headers"])
    assert document["couponCode"] is None and document["discountAmount"] == 0


# --- customer carts, isolation ----------------------------------------------------------------------

def test_customer_cart_through_the_customer_token(client, customer):
    response = client.get("/api/shop/cart", headers=customer["headers"])
    assert (response.status_code, response.json()["error"]) == (404, "cart_not_found")
    item = product(price="4.00")
    body = add(client, customer["headers"], productId=item.id, quantity=2).json()
    # a customer's cart is named by its id: the customer's bearer token is a credential, never shown
    assert body["customerId"] == customer["id"] and body["isGuest"] is False
    assert body["cartToken"] == str(body["id"]) and customer["token"] not in str(body)
    again = client.post("/api/shop/cart", json={}, headers=customer["headers"])
    assert again.status_code == 200 and again.json()["message"] == "Using authenticated customer cart"
    assert again.json()["data"]["id"] == body["id"] and again.json()["cartToken"] == str(body["id"])


def test_no_bearer_reaches_another_cart(client, customer, other_customer):
    victim = new_guest_cart(client)
    item = product(price="2.00")
    line = add(client, victim["headers"], productId=item.id, quantity=2).json()["items"][0]["id"]
    customer_line = add(client, customer["headers"], productId=item.id).json()["items"][0]["id"]
    intruder = new_guest_cart(client)
    for headers in (intruder["headers"], customer["headers"]):
        response = client.put("/api/shop/update-cart-item", json={"cartItemId": line, "quantity": 9}, headers=headers)
        assert (response.status_code, response.json()["error"]) == (404, "item_not_found")
        response = client.delete(f"/api/shop/remove-cart-item/{line}", headers=headers)
        assert response.status_code == 404
    response = client.delete(f"/api/shop/remove-cart-item/{customer_line}", headers=intruder["headers"])
    assert response.status_code == 404
    response = client.get("/api/shop/cart", headers=other_customer["headers"])
    assert response.status_code == 404
    assert cart_of(client, intruder["headers"])["items"] == []
    assert cart_of(client, victim["headers"])["items"][0]["quantity"] == 2
    assert cart_of(client, customer["headers"])["items"][0]["quantity"] == 1


# --- merging ----------------------------------------------------------------------------------------

def test_merge_sums_quantities_capped_at_stock_and_closes_the_guest_cart(client, customer):
    shared, only_guest, configured = product(stock=4), product(stock=9), product(stock=5)
    add(client, customer["headers"], productId=shared.id, quantity=2)
    guest = new_guest_cart(client)
    add(client, guest["headers"], productId=shared.id, quantity=3)
    add(client, guest["headers"], productId=only_guest.id, quantity=1)
    add(client, guest["headers"], productId=configured.id, quantity=2)
    client.post("/api/shop/apply-coupon", json={"couponCode": "FLAT5"}, headers=guest["headers"])

    response = client.post("/api/shop/merge-carts", json={"guestCartToken": guest["token"], "cartId": guest["id"]},
                           headers=customer["headers"])
    assert response.status_code == 200
    body = response.json()
    assert body["message"] == "Guest cart merged successfully" and body["customerId"] == customer["id"]
    quantities = {pid: line["quantity"] for pid, line in lines_by_product(body).items()}
    assert quantities == {shared.id: 4, only_guest.id: 1, configured.id: 2}
    assert body["couponCode"] == "FLAT5"
    assert client.get("/api/shop/cart", headers=guest["headers"]).status_code == 401
    with database.connection_context():
        closed = Cart.get_by_id(guest["id"])
        assert closed.is_active is False and closed.token_hash is None
        assert CartItem.select().where(CartItem.cart == guest["id"]).count() == 0


def test_merge_requires_the_guest_token(client, customer, other_customer):
    guest = new_guest_cart(client)
    add(client, guest["headers"], productId=product().id)
    response = client.post("/api/shop/merge-carts", json={}, headers=customer["headers"])
    assert response.status_code == 422 and "guestCartToken" in response.json()["errors"]
    response = client.post("/api/shop/merge-carts", json={"guest_cart_token": "wrong"}, headers=customer["headers"])
    assert (response.status_code, response.json()["error"]) == (404, "cart_not_found")
    response = client.post("/api/shop/merge-carts", json={"guestCartToken": guest["token"], "cartId": guest["id"] + 1},
                           headers=customer["headers"])
    assert response.status_code == 404
    response = client.post("/api/shop/merge-carts", json={"guestCartToken": guest["token"]}, headers=guest["headers"])
    assert response.status_code == 401
    empty = new_guest_cart(client)
    response = client.post("/api/shop/merge-carts", json={"guestCartToken": empty["token"]},
                           headers=other_customer["headers"])
    assert (response.status_code, response.json()["error"]) == (422, "empty_cart")
    assert len(cart_of(client, guest["headers"])["items"]) == 1


def test_login_with_the_guest_token_merges_the_cart(client, customer):
    item = product(price="7.00", stock=10)
    add(client, customer["headers"], productId=item.id, quantity=1)
    guest = new_guest_cart(client)
    add(client, guest["headers"], productId=item.id, quantity=2)
    credentials = {"email": customer["email"], "password": customer["password"]}
    response = client.post("/api/shop/customer/login", json=credentials, headers=guest["headers"])
    assert response.status_code == 201
    document = cart_of(client, bearer(response.json()["token"]))
    assert [(line["productId"], line["quantity"]) for line in document["items"]] == [(item.id, 3)]
    assert document["grandTotal"] == 21
    assert client.get("/api/shop/cart", headers=guest["headers"]).status_code == 401


def test_login_merge_adopts_the_guest_cart_when_the_customer_has_none(client, other_customer):
    guest = new_guest_cart(client)
    item = product(price="1.50")
    add(client, guest["headers"], productId=item.id, quantity=2)
    assert login(client, other_customer["email"]).status_code == 201  # no bearer: nothing merged
    assert client.get("/api/shop/cart", headers=other_customer["headers"]).status_code == 404
    response = client.post("/api/shop/customer/login", json={"email": other_customer["email"],
                                                            "password": other_customer["password"]},
                           headers=guest["headers"])
    assert response.status_code == 201
    document = cart_of(client, other_customer["headers"])
    assert document["id"] == guest["id"] and document["customerId"] == other_customer["id"]
    assert document["subtotal"] == 3
