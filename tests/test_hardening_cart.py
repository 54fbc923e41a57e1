"""Hidden products stay hidden from the cart (docs/security.md, "Checkout integrity"): adding a
product the shop does not show — disabled, not visible individually, not in the channel, or a variant
added on its own — answers exactly as for an id that does not exist (REST and GraphQL), and a hidden
variant, group member or bundle choice answers as an id that is not part of the product. No answer
names the hidden product."""
import pytest

from storage.db import database
from storage.models import Product, ProductChannel, ProductTranslation
from tests.cart_fixtures import add, bundle, configurable, gql, grouped, guest_cart, product  # noqa: F401

MISSING_ID = 2_147_483_000
NOT_FOUND = {"message": "Product not found", "error": "product_not_found"}
SECRET = "Hidden Prototype Lamp"


def name_secret(product_id: int):
    with database.connection_context():
        ProductTranslation.update(name=SECRET).where(ProductTranslation.product == product_id).execute()


def hidden(how: str) -> Product:
    """A product named SECRET that the shop does not show, in one of the ways a product is hidden."""
    if how == "variant on its own":
        _parent, (variant, _other) = configurable()
        name_secret(variant.id)
        return variant
    row = product(name=SECRET, status=how != "disabled")
    with database.connection_context():
        if how == "not visible individually":
            Product.update(visible_individually=False).where(Product.id == row.id).execute()
        if how == "not in the channel":
            ProductChannel.delete().where(ProductChannel.product == row.id).execute()
    return row


def cart_items(client, headers: dict) -> list:
    return client.get("/api/shop/cart", headers=headers).json()["data"]["items"]


HOW = ["disabled", "not visible individually", "not in the channel", "variant on its own"]


@pytest.mark.parametrize("how", HOW)
def test_adding_a_hidden_product_answers_as_a_missing_one(client, guest_cart, how):
    secret = hidden(how)
    headers = guest_cart["headers"]
    missing = add(client, headers, productId=MISSING_ID)
    assert (missing.status_code, missing.json()) == (404, NOT_FOUND)
    for path in ("/api/shop/add-product-in-cart", "/api/shop/cart/items"):
        response = client.post(path, json={"productId": secret.id, "quantity": 1}, headers=headers)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
        assert SECRET not in response.text
    created = client.post("/api/shop/cart", json={"items": [{"productId": secret.id, "quantity": 1}]})
    assert (created.status_code, created.json()) == (404, NOT_FOUND)
    assert cart_items(client, headers) == []


@pytest.mark.parametrize("how", HOW)
def test_graphql_add_to_cart_of_a_hidden_product_answers_as_a_missing_one(gql, how):
    secret = hidden(how)
    token = gql("mutation { createCartToken(input: {}) { cartToken { cartToken } } }")[
        "data"]["createCartToken"]["cartToken"]["cartToken"]
    query = """mutation($id: Int!) { createAddProductInCart(input: {productId: $id, quantity: 1}) {
        addProductInCart { itemsCount } } }"""
    missing = gql(query, {"id": MISSING_ID}, token)
    result = gql(query, {"id": secret.id}, token)
    assert SECRET not in str(result)
    [error], [expected] = result["errors"], missing["errors"]
    assert (error["message"], error["extensions"]) == (expected["message"], expected["extensions"])
    assert (error["message"], error["extensions"]["code"], error["extensions"]["status"]) == (
        "Product not found", "PRODUCT_NOT_FOUND", 404)


def test_a_disabled_variant_is_not_a_variant_of_the_product(client, guest_cart):
    parent, (red, blue) = configurable()
    name_secret(red.id)
    with database.connection_context():
        Product.update(status=False).where(Product.id == red.id).execute()
    headers = guest_cart["headers"]
    for variant_id in (red.id, MISSING_ID):
        response = add(client, headers, productId=parent.id, selectedConfigurableOption=variant_id)
        message = f"Product {variant_id} is not a variant of this product."
        assert (response.status_code, response.json()) == (422, {
            "message": message, "error": "invalid_configuration", "errors": {"selectedConfigurableOption": [message]}})
        assert SECRET not in response.text
    assert add(client, headers, productId=parent.id, selectedConfigurableOption=blue.id).status_code == 200
    assert [(line["childId"], line["quantity"]) for line in cart_items(client, headers)] == [(blue.id, 1)]


def test_a_hidden_group_member_is_not_part_of_the_group(client, guest_cart):
    group, (first, disabled, elsewhere) = grouped(prices=("5.00", "6.00", "7.00"))
    name_secret(disabled.id)
    name_secret(elsewhere.id)
    with database.connection_context():
        Product.update(status=False).where(Product.id == disabled.id).execute()
        ProductChannel.delete().where(ProductChannel.product == elsewhere.id).execute()
    page = client.get(f"/api/shop/products/{group.id}").json()
    assert [member["associatedProduct"]["id"] for member in page["groupedProducts"]] == [first.id]
    headers = guest_cart["headers"]
    for member in (disabled, elsewhere):
        response = add(client, headers, productId=group.id, groupedQty={str(first.id): 1, str(member.id): 1})
        message = "The given data was invalid."
        assert (response.status_code, response.json()) == (422, {
            "message": message, "error": "validation_failed",
            "errors": {"groupedQty": [f"Products {member.id} are not part of this group."]}})
        assert SECRET not in response.text
    # The members the page shows are the whole group: a quantity for each of them is enough.
    response = add(client, headers, productId=group.id, groupedQty={str(first.id): 2})
    assert response.status_code == 200, response.text
    assert [(line["productId"], line["quantity"], line["total"]) for line in response.json()["items"]] == [
        (first.id, 2, 10)]


def test_a_hidden_bundle_choice_is_not_a_choice(client, guest_cart):
    offer = bundle()
    first, _second, _extra = offer["products"]
    name_secret(first.id)
    with database.connection_context():
        Product.update(status=False).where(Product.id == first.id).execute()
    select = str(offer["select"].id)
    headers = guest_cart["headers"]
    for row_id in (offer["first"].id, MISSING_ID):
        response = add(client, headers, productId=offer["product"].id, bundleOptions={select: [row_id]})
        message = f"Products {row_id} are not choices of option {select}."
        assert (response.status_code, response.json()) == (422, {
            "message": message, "error": "invalid_bundle_options",
            "errors": {"bundleOptions": [message, 'Option "Main" is required.']}})
        assert SECRET not in response.text
    response = add(client, headers, productId=offer["product"].id, bundleOptions={select: [offer["second"].id]})
    assert response.status_code == 200, response.text
    assert [(line["type"], line["price"]) for line in response.json()["items"]] == [("bundle", 9)]
    assert cart_items(client, headers)[0]["productId"] == offer["product"].id
