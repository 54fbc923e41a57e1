"""The GraphQL twins of the cart operations: the same carts, rules and errors as REST, with the
payload shapes of the GraphQL pages and the bearer a guest cart token or a customer token."""
import json

from tests.cart_fixtures import (  # noqa: F401 (fixtures)
    CART_FIELDS, bundle, configurable, downloadable, gql, grouped, product, totals_of,
)
from tests.customer_fixtures import customer, other_customer  # noqa: F401
from domain.common import json_number

CREATE = "mutation { createCartToken(input: {}) { cartToken { %s } } }" % CART_FIELDS
READ = "mutation { createReadCart(input: {}) { readCart { %s } } }" % CART_FIELDS
ADD = """mutation add($productId: Int!, $quantity: Int, $selectedConfigurableOption: Int, $superAttribute: Iterable,
  $links: Iterable, $groupedQty: String, $bundleOptions: String, $bundleOptionQty: String) {
  createAddProductInCart(input: {productId: $productId, quantity: $quantity,
    selectedConfigurableOption: $selectedConfigurableOption, superAttribute: $superAttribute, links: $links,
    groupedQty: $groupedQty, bundleOptions: $bundleOptions, bundleOptionQty: $bundleOptionQty}) {
    addProductInCart { %s } } }""" % CART_FIELDS
UPDATE = """mutation update($cartItemId: Int!, $quantity: Int!) {
  createUpdateCartItem(input: {cartItemId: $cartItemId, quantity: $quantity}) {
    updateCartItem { %s } } }""" % CART_FIELDS
REMOVE = """mutation remove($cartItemId: Int!) {
  createRemoveCartItem(input: {cartItemId: $cartItemId}) { removeCartItem { %s } } }""" % CART_FIELDS
APPLY = """mutation apply($couponCode: String!) {
  createApplyCoupon(input: {couponCode: $couponCode}) { applyCoupon { id discountAmount grandTotal couponCode } } }"""
REMOVE_COUPON = """mutation { createRemoveCoupon(input: {}) {
  removeCoupon { id discountAmount grandTotal couponCode } } }"""
MERGE = """mutation merge($cartId: Int, $cartToken: String) {
  createMergeCart(input: {cartId: $cartId, cartToken: $cartToken}) { mergeCart { %s } } }""" % CART_FIELDS
LOGIN = """mutation login($email: String!, $password: String!) {
  createCustomerLogin(input: {email: $email, password: $password}) { customerLogin { token } } }"""


def data(result: dict, field: str, inner: str) -> dict:
    assert "errors" not in result, result
    return result["data"][field][inner]


def error(result: dict) -> dict:
    assert result["data"] is None or all(value is None for value in result["data"].values()), result
    return result["errors"][0]


def lines(cart: dict) -> list[dict]:
    return [edge["node"] for edge in cart["items"]["edges"]]


def guest_token(gql) -> str:
    cart = data(gql(CREATE), "createCartToken", "cartToken")
    assert cart["isGuest"] is True and cart["success"] is True and cart["items"]["totalCount"] == 0
    return cart["cartToken"]


def test_guest_cart_flow(gql):
    token = guest_token(gql)
    first, second = product(price="10.00", name="Tea Cup"), product(price="2.25")
    cart = data(gql(ADD, {"productId": first.id, "quantity": 2}, token), "createAddProductInCart", "addProductInCart")
    assert cart["message"] == "Product added to cart successfully" and cart["cartToken"] == token
    line = lines(cart)[0]
    assert (line["name"], line["quantity"], line["price"], line["total"], line["formattedTotal"]) == (
        "Tea Cup", 2, 10, 20, "$20.00")
    assert line["options"] == {"edges": []} and line["id"] == str(line["_id"])
    cart = data(gql(ADD, {"productId": first.id}, token), "createAddProductInCart", "addProductInCart")
    assert cart["items"]["totalCount"] == 1 and lines(cart)[0]["quantity"] == 3
    cart = data(gql(ADD, {"productId": second.id, "quantity": 4}, token), "createAddProductInCart", "addProductInCart")
    assert (cart["itemsCount"], cart["itemsQty"]) == (2, 7)
    assert (cart["grandTotal"], cart["formattedGrandTotal"]) == (39, "$39.00")
    totals = totals_of(cart["_id"])
    assert cart["grandTotal"] == json_number(totals.grand_total) and cart["subtotal"] == json_number(totals.sub_total)

    first_line = lines(cart)[0]["_id"]
    cart = data(gql(UPDATE, {"cartItemId": first_line, "quantity": 1}, token), "createUpdateCartItem", "updateCartItem")
    assert lines(cart)[0]["quantity"] == 1 and cart["grandTotal"] == 19
    cart = data(gql(REMOVE, {"cartItemId": first_line}, token), "createRemoveCartItem", "removeCartItem")
    assert [line["productId"] for line in lines(cart)] == [second.id] and cart["grandTotal"] == 9
    cart = data(gql(READ, token=token), "createReadCart", "readCart")
    assert cart["grandTotal"] == 9 and cart["success"] is None and cart["message"] is None


def test_errors_carry_the_documented_codes(gql):
    token = guest_token(gql)
    scarce = product(stock=1, name="Last Vase")
    assert error(gql(READ))["extensions"]["code"] == "UNAUTHENTICATED"
    result = gql(ADD, {"productId": scarce.id, "quantity": 2}, token)
    assert error(result)["extensions"]["code"] == "OUT_OF_STOCK"
    assert error(result)["message"] == 'Not enough stock for "Last Vase": 1 available, 2 requested.'
    assert error(gql(ADD, {"productId": 999999}, token))["extensions"]["code"] == "PRODUCT_NOT_FOUND"
    inactive = product(status=False)
    assert error(gql(ADD, {"productId": inactive.id}, token))["extensions"]["code"] == "PRODUCT_NOT_FOUND"
    result = gql(ADD, {"productId": scarce.id, "quantity": 0}, token)
    assert error(result)["extensions"]["code"] == "VALIDATION_FAILED"
    assert "quantity" in error(result)["extensions"]["errors"]
    assert error(gql(UPDATE, {"cartItemId": 999999, "quantity": 1}, token))["extensions"]["code"] == "ITEM_NOT_FOUND"
    assert error(gql(REMOVE, {"cartItemId": 999999}, token))["extensions"]["code"] == "ITEM_NOT_FOUND"


def test_every_type_over_graphql(gql):
    token = guest_token(gql)
    parent, (red, _blue) = configurable(prices=("20.00", "22.00"))
    result = gql(ADD, {"productId": parent.id}, token)
    assert error(result)["extensions"]["errors"] == {"selectedConfigurableOption": [
        "The selectedConfigurableOption field is required for configurable products."]}
    cart = data(gql(ADD, {"productId": parent.id, "selectedConfigurableOption": red.id}, token),
                "createAddProductInCart", "addProductInCart")
    options = lines(cart)[0]["options"]
    assert [edge["node"]["option_label"] for edge in options["edges"]] == ["Red", "S"]
    result = gql(ADD, {"productId": parent.id, "selectedConfigurableOption": red.id, "superAttribute": [{"999999": 1}]},
                 token)
    assert error(result)["extensions"]["code"] == "INVALID_CONFIGURATION"

    item, (link, _other) = downloadable(price="15.00", link_prices=("3.00", "4.00"))
    assert error(gql(ADD, {"productId": item.id}, token))["extensions"]["code"] == "INVALID_LINKS"
    cart = data(gql(ADD, {"productId": item.id, "links": [link.id]}, token), "createAddProductInCart",
                "addProductInCart")
    assert lines(cart)[-1]["price"] == 18

    group, members = grouped(prices=("1.00", "2.00", "3.00"))
    result = gql(ADD, {"productId": group.id, "groupedQty": json.dumps({str(members[0].id): 1})}, token)
    assert error(result)["extensions"]["code"] == "MISSING_GROUPED_QUANTITIES"
    quantities = json.dumps({str(member.id): 2 for member in members})
    cart = data(gql(ADD, {"productId": group.id, "groupedQty": quantities}, token), "createAddProductInCart",
                "addProductInCart")
    assert [line["quantity"] for line in lines(cart)[-3:]] == [2, 2, 2]

    offer = bundle()
    select = str(offer["select"].id)
    result = gql(ADD, {"productId": offer["product"].id, "bundleOptions": "{}"}, token)
    assert error(result)["extensions"]["code"] == "INVALID_BUNDLE_OPTIONS"
    cart = data(gql(ADD, {"productId": offer["product"].id, "bundleOptions": json.dumps({select: [offer["first"].id]}),
                          "bundleOptionQty": json.dumps({select: 2})}, token),
                "createAddProductInCart", "addProductInCart")
    assert (lines(cart)[-1]["type"], lines(cart)[-1]["price"]) == ("bundle", 16)
    totals = totals_of(cart["_id"])
    assert cart["grandTotal"] == json_number(totals.grand_total)


def test_coupons_over_graphql(gql):
    token = guest_token(gql)
    data(gql(ADD, {"productId": product(price="25.00").id, "quantity": 4}, token), "createAddProductInCart",
         "addProductInCart")
    assert error(gql(APPLY, {"couponCode": "NOPE"}, token))["extensions"]["code"] == "COUPON_NOT_FOUND"
    assert error(gql(APPLY, {"couponCode": "EXPIRED"}, token))["extensions"]["code"] == "COUPON_INVALID"
    cart = data(gql(APPLY, {"couponCode": "SAVE10"}, token), "createApplyCoupon", "applyCoupon")
    assert (cart["discountAmount"], cart["grandTotal"], cart["couponCode"]) == (10, 90, "SAVE10")
    cart = data(gql(REMOVE_COUPON, token=token), "createRemoveCoupon", "removeCoupon")
    assert (cart["discountAmount"], cart["grandTotal"], cart["couponCode"]) == (0, 100, None)
    assert error(gql(REMOVE_COUPON, token=token))["extensions"]["code"] == "COUPON_NOT_APPLIED"


def test_customer_cart_and_isolation_over_graphql(gql, customer, other_customer):
    assert error(gql(READ, token=customer["token"]))["extensions"]["code"] == "CART_NOT_FOUND"
    cart = data(gql(CREATE, token=customer["token"]), "createCartToken", "cartToken")
    # a customer's cart is named by its id: the customer's bearer token is never shown
    assert (cart["isGuest"], cart["customerId"], cart["cartToken"]) == (False, customer["id"], str(cart["_id"]))
    item = product(price="3.00")
    cart = data(gql(ADD, {"productId": item.id, "quantity": 2}, customer["token"]), "createAddProductInCart",
                "addProductInCart")
    line = lines(cart)[0]["_id"]
    intruder = guest_token(gql)
    for token in (intruder, other_customer["token"]):
        assert error(gql(UPDATE, {"cartItemId": line, "quantity": 9}, token))["extensions"]["code"] in (
            "ITEM_NOT_FOUND", "CART_NOT_FOUND")
        assert error(gql(REMOVE, {"cartItemId": line}, token))["extensions"]["code"] in (
            "ITEM_NOT_FOUND", "CART_NOT_FOUND")
    assert lines(data(gql(READ, token=customer["token"]), "createReadCart", "readCart"))[0]["quantity"] == 2


def test_merge_and_login_merge_over_graphql(client, gql, customer, other_customer):
    item = product(price="5.00", stock=3)
    data(gql(ADD, {"productId": item.id, "quantity": 2}, customer["token"]), "createAddProductInCart",
         "addProductInCart")
    guest = guest_token(gql)
    guest_cart = data(gql(ADD, {"productId": item.id, "quantity": 2}, guest), "createAddProductInCart",
                      "addProductInCart")
    result = gql(MERGE, {}, customer["token"])
    assert error(result)["extensions"]["code"] == "VALIDATION_FAILED"
    assert "cartId" in error(result)["extensions"]["errors"]
    assert error(gql(MERGE, {"cartToken": guest}, guest))["extensions"]["code"] == "UNAUTHENTICATED"
    cart = data(gql(MERGE, {"cartId": guest_cart["_id"], "cartToken": guest}, customer["token"]), "createMergeCart",
                "mergeCart")
    assert cart["message"] == "Guest cart merged successfully" and lines(cart)[0]["quantity"] == 3  # capped at stock
    response = client.post("/api/graphql", json={"query": READ}, headers={"Authorization": f"Bearer {guest}"})
    assert (response.status_code, response.json()["error"]) == (401, "unauthenticated")  # the merged token is dead

    second = guest_token(gql)
    data(gql(ADD, {"productId": item.id, "quantity": 1}, second), "createAddProductInCart", "addProductInCart")
    login = gql(LOGIN, {"email": other_customer["email"], "password": other_customer["password"]}, second)
    token = data(login, "createCustomerLogin", "customerLogin")["token"]
    cart = data(gql(READ, token=token), "createReadCart", "readCart")
    assert cart["customerId"] == other_customer["id"] and lines(cart)[0]["quantity"] == 1
