"""The overview pages' cart resource paths (`/api/cart_tokens`, `/api/read_carts`, ...): the same carts
as the shop's cart operations, named by bearer or by `cart_id` (the guest cart token) in the body."""
from tests.cart_fixtures import add, product  # noqa: F401 (fixtures)
from tests.customer_fixtures import UNAUTHENTICATED, bearer, customer  # noqa: F401


def resource_cart(client) -> dict:
    response = client.post("/api/cart_tokens", json={})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["message"] == "Cart created successfully" and body["is_guest"] is True and body["is_active"] is True
    assert body["@context"] == "/api/contexts/CartToken" and body["@type"] == "CartToken"
    assert body["@id"] == f"/api/cart_tokens/{body['token']}" and body["id"] == body["token"]
    return {"token": body["token"], "headers": bearer(body["token"])}


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
    assert by_path.status_code == 200 and by_path.json()["@type"] == "CartToken"
    for data in (by_body.json(), by_bearer.json(), by_path.json()["cart"]):
        assert data["id"] == cart["token"] and shop["grandTotal"] == 28.0
        assert [line["product_id"] for line in data["items"]] == [line["productId"] for line in shop["items"]]
        assert data["total"] == "28.00" and data["subtotal"] == "28.00" and data["items_qty"] == 3
        assert [line["total"] for line in data["items"]] == ["25.00", "3.00"]
    assert by_body.json()["@type"] == "ReadCart" and by_body.json()["@id"] == f"/api/read_carts/{cart['token']}"


def test_cart_id_in_the_body_is_checked_like_the_bearer(client):
    unknown = client.post("/api/read_carts", json={"cart_id": "not-a-token"})
    assert unknown.status_code == 404
    assert unknown.json() == {"@context": "/api/contexts/Error", "@type": "hydra:Error", "hydra:title": "Not Found",
                              "hydra:description": "Cart not found", "message": "Cart not found",
                              "error": "not_found"}
    response = client.post("/api/read_carts", json={})
    assert response.status_code == 401 and response.json()["error"] == UNAUTHENTICATED["error"]
    assert response.json()["@type"] == "hydra:Error"
    assert client.get("/api/cart_tokens/not-a-token").status_code == 404


def test_update_and_remove_lines_through_the_resource_paths(client):
    cart = resource_cart(client)
    first, second = product(price="10.00"), product(price="4.00")
    client.post("/api/cart_items", json={"cart_id": cart["token"], "product_id": first.id, "quantity": 1})
    added = client.post("/api/cart_items", json={"cart_id": cart["token"], "product_id": second.id, "quantity": 1})
    assert added.status_code == 200, added.text
    line = added.json()
    assert line["@type"] == "CartItem" and line["@id"] == f"/api/cart_items/{line['id']}"
    assert line["product_id"] == second.id and line["price"] == 4.0 and line["cart_token"] == cart["token"]
    assert line["cart"]["total"] == "14.00"
    lines = {line["productId"]: line["id"] for line in shop_cart(client, cart["headers"])["items"]}
    updated = client.post("/api/update_cart_items", json={"cart_id": cart["token"], "item_id": lines[first.id],
                                                            "quantity": 3})
    assert updated.status_code == 200, updated.text
    assert updated.json()["item"]["quantity"] == 3 and updated.json()["cart"]["total"] == "34.00"
    assert updated.json()["@type"] == "UpdateCartItem"
    assert shop_cart(client, cart["headers"])["grandTotal"] == 34.0
    bad = client.post("/api/update_cart_items", json={"cart_id": cart["token"], "item_id": lines[first.id],
                                                       "quantity": 0})
    assert bad.status_code == 422 and "quantity" in bad.json()["errors"] and bad.json()["@type"] == "hydra:Error"
    removed = client.post("/api/remove_cart_items", json={"cart_id": cart["token"],
                                                           "item_ids": [lines[first.id], lines[second.id]]})
    assert removed.status_code == 200, removed.text
    assert removed.json()["cart"]["items"] == [] and removed.json()["cart"]["total"] == "0.00"
    assert shop_cart(client, cart["headers"])["items"] == []
    unknown = client.post("/api/remove_cart_items", json={"cart_id": cart["token"], "item_ids": [lines[first.id]]})
    assert unknown.status_code == 404


def test_remove_coupon_and_merge(client, customer):
    cart = resource_cart(client)
    item = product(price="7.00")
    add(client, cart["headers"], productId=item.id, quantity=1)
    removed = client.post("/api/remove_coupons", json={"cart_id": cart["token"]})
    shop = client.delete("/api/shop/remove-coupon", headers=cart["headers"])
    assert removed.status_code == shop.status_code == 404
    assert removed.json()["error"] == shop.json()["error"] == "coupon_not_applied"
    assert removed.json()["hydra:description"] == shop.json()["message"]
    merged = client.post("/api/merge_carts", json={"guest_cart_token": cart["token"]}, headers=customer["headers"])
    assert merged.status_code == 200, merged.text
    assert merged.json()["merged_items"] == 1 and merged.json()["@type"] == "MergeCart"
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
    assert shipping.json()["city"] == "New York" and shipping.json()["address_type"] == "shipping"
    assert shipping.json()["@id"] == f"/api/checkout_addresses/{shipping.json()['id']}"
    shop_view = client.get("/api/shop/checkout-addresses", headers=cart["headers"])
    assert shop_view.status_code == 200, shop_view.text
    method = client.post("/api/checkout_shipping_methods", json={"cart_id": cart["token"],
                                                                  "shipping_method_code": "flatrate"})
    assert method.status_code == 200, method.text
    assert method.json()["shipping_method_code"] == "flatrate_flatrate" and method.json()["cart_id"] == cart["token"]
    client.post("/api/shop/checkout-payment-methods", headers=cart["headers"], json={"payment": {"method": "cashondelivery"}})
    order = client.post("/api/checkout_orders", json={"cart_id": cart["token"], "payment_method": "cashondelivery",
                                                      "shipping_method": "flatrate"})
    assert order.status_code == 201, order.text
    placed = order.json()
    assert placed["@type"] == "CheckoutOrder" and placed["@id"] == f"/api/checkout_orders/{placed['id']}"
    assert placed["subtotal"] == "20.00" and float(placed["total"]) > 20 and placed["status"] == "processing"
    assert [line["product_id"] for line in placed["items"]] == [item.id] and placed["cart_id"] == cart["token"]


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
    rates = response.json()["shipping_methods"]
    assert "flatrate_flatrate" in {rate["code"] for rate in rates}
    assert [rate["id"] for rate in rates] == list(range(1, len(rates) + 1))
    by_code = client.post("/api/estimate_shippings", json={"cart_id": cart["token"], "address": {"country": "US"}})
    assert by_code.status_code == 200 and by_code.json() == response.json()
    unknown = client.post("/api/estimate_shippings", json={"cart_id": cart["token"], "address": {"country_id": 999999}})
    assert unknown.status_code == 422


def test_cart_tokens_lists_the_bearers_cart(client):
    cart = resource_cart(client)
    listed = client.get("/api/cart_tokens", headers=cart["headers"])
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["@type"] == "hydra:Collection" and body["hydra:totalItems"] == 1
    assert [row["@id"] for row in body["hydra:member"]] == [f"/api/cart_tokens/{cart['token']}"]
    assert client.get("/api/cart_tokens").status_code == 401


def configurable_with_labels() -> tuple[int, int, dict]:
    """A demo configurable product, its first enabled variant and that variant's option labels."""
    from storage.db import database
    from storage.models import Attribute, AttributeOption, Product, ProductAttributeValue
    with database.connection_context():
        for parent in Product.select().where(Product.type == "configurable", Product.status == True,  # noqa: E712
                                             Product.parent.is_null()).order_by(Product.id):
            variant = (Product.select().where(Product.parent == parent.id, Product.status == True)  # noqa: E712
                       .order_by(Product.id).first())
            if variant is None:
                continue
            labels = {code: label for code, label in
                      ProductAttributeValue.select(Attribute.code, AttributeOption.admin_name).join(Attribute)
                      .switch(ProductAttributeValue)
                      .join(AttributeOption, on=(AttributeOption.id == ProductAttributeValue.integer_value))
                      .where(ProductAttributeValue.product == variant.id, Attribute.is_configurable == True)  # noqa: E712
                      .tuples()}
            return parent.id, variant.id, labels
    raise AssertionError("the demo catalog has a configurable product")


def test_configurable_product_added_by_its_variants_option_labels(client):
    cart = resource_cart(client)
    parent, variant, labels = configurable_with_labels()
    shouted = {code: label.upper() for code, label in labels.items()}
    added = client.post("/api/cart_items", headers=cart["headers"],
                        json={"product_id": parent, "quantity": 1, "variants": shouted})
    assert added.status_code == 200, added.text
    assert added.json()["variants"] == labels and added.json()["product_id"] == parent
    assert [line["childId"] for line in shop_cart(client, cart["headers"])["items"]] == [variant]
    unknown = client.post("/api/cart_items", headers=cart["headers"],
                          json={"product_id": parent, "quantity": 1, "variants": {"color": "No Such Colour"}})
    assert unknown.status_code == 422 and "variants" in unknown.json()["errors"]
