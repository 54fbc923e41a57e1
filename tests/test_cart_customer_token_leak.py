"""A signed-in customer's cart is named by its id: the customer's bearer token (a credential) appears in
no answer of the cart and checkout flows, on the shop path, the resource paths at `/api` and GraphQL,
neither in IRIs nor in `id`, `token`, `cart_token`, `cart_id` or `cartToken` fields."""
from tests.cart_fixtures import product
from tests.customer_fixtures import bearer, customer, other_customer  # noqa: F401 (fixtures)

ADDRESS = {"first_name": "John", "last_name": "Doe", "email": "john@example.com", "phone": "1234567890",
           "address": "123 Main St", "city": "New York", "state": "NY", "country": "US", "postcode": "10001"}
GRAPHQL_CART = """mutation { createCart(input: {}) { cart { id _id cartToken } } }"""
GRAPHQL_ADDRESS = """mutation { createCheckoutAddress(input: {billingFirstName: "Jane", billingLastName: "Doe",
  billingEmail: "jane@example.com", billingAddress: "456 Oak Ave", billingCity: "Los Angeles", billingCountry: "US",
  billingState: "CA", billingPostcode: "90001", billingPhoneNumber: "9876543210", useForShipping: true})
  { checkoutAddress { success cartToken } } }"""
GRAPHQL_READ = """{ cart { id _id cartToken itemsCount } }"""


def leaks(response, token: str) -> bool:
    secret = token.split("|", 1)[-1]
    return token in response.text or secret in response.text


def test_no_answer_of_the_customer_cart_flows_holds_the_bearer_token(client, customer):  # noqa: F811
    token, headers = customer["token"], customer["headers"]
    first, second = product(price="20.00"), product(price="5.00")
    answers = []

    def call(method: str, path: str, **kwargs):
        response = client.request(method, path, headers=headers, **kwargs)
        assert response.status_code < 300, (path, response.text)
        answers.append((path, response))
        return response.json()

    created = call("POST", "/api/cart_tokens", json={})
    cart_id = created["id"]
    assert created["@id"] == f"/api/cart_tokens/{cart_id}" and created["token"] == cart_id and not created["is_guest"]
    shop = call("GET", "/api/shop/cart")
    assert cart_id == str(shop["data"]["id"]) == shop["data"]["cartToken"]
    line = call("POST", "/api/cart_items", json={"product_id": first.id, "quantity": 1})
    assert line["cart_token"] == cart_id
    call("POST", "/api/shop/add-product-in-cart", json={"productId": second.id, "quantity": 2})
    call("POST", "/api/shop/cart", json={})
    listed = call("GET", "/api/cart_tokens")
    assert [row["@id"] for row in listed["hydra:member"]] == [f"/api/cart_tokens/{cart_id}"]
    by_path = call("GET", f"/api/cart_tokens/{cart_id}")
    assert by_path["cart"]["@id"] == f"/api/cart_tokens/{cart_id}" and by_path["cart"]["total"] == "30.00"
    read = call("POST", "/api/read_carts", json={})
    assert read["@id"] == f"/api/read_carts/{cart_id}" and read["id"] == cart_id
    assert call("GET", f"/api/read_carts/{cart_id}")["items_qty"] == 3
    call("POST", "/api/carts", json={})
    call("POST", "/api/update_cart_items", json={"item_id": line["id"], "quantity": 2})
    billing = call("POST", "/api/checkout_addresses", json={**ADDRESS, "address_type": "billing"})
    assert billing["cart_id"] == cart_id
    call("POST", "/api/checkout_addresses", json={**ADDRESS, "address_type": "shipping"})
    saved = call("POST", "/api/graphql", json={"query": GRAPHQL_ADDRESS})["data"]["createCheckoutAddress"]
    assert saved["checkoutAddress"]["cartToken"] == cart_id
    method = call("POST", "/api/checkout_shipping_methods", json={"shipping_method_code": "flatrate"})
    assert method["cart_id"] == cart_id
    graphql = call("POST", "/api/graphql", json={"query": GRAPHQL_CART})
    assert graphql["data"]["createCart"]["cart"]["cartToken"] == cart_id
    assert call("POST", "/api/graphql", json={"query": GRAPHQL_READ})["data"]["cart"]["cartToken"] == cart_id
    call("POST", "/api/shop/checkout-payment-methods", json={"payment": {"method": "cashondelivery"}})
    order = call("POST", "/api/checkout_orders", json={"payment_method": "cashondelivery", "shipping_method": "flatrate"})
    assert order["cart_id"] == cart_id and order["subtotal"] == "50.00"
    assert len(answers) == 19
    assert [path for path, response in answers if leaks(response, token)] == []


def test_a_cart_id_names_a_cart_only_for_its_owner(client, customer, other_customer):  # noqa: F811
    item = product(price="3.00")
    mine = client.post("/api/cart_items", json={"product_id": item.id, "quantity": 1}, headers=customer["headers"])
    assert mine.status_code == 200, mine.text
    cart_id = mine.json()["cart_token"]
    assert client.get(f"/api/cart_tokens/{cart_id}", headers=customer["headers"]).status_code == 200
    assert client.get(f"/api/read_carts/{cart_id}", headers=customer["headers"]).status_code == 200
    # another customer, a guest naming the id, and the customer's token in the path reach nothing
    client.post("/api/cart_items", json={"product_id": item.id, "quantity": 1}, headers=other_customer["headers"])
    for path in (f"/api/cart_tokens/{cart_id}", f"/api/read_carts/{cart_id}"):
        assert client.get(path, headers=other_customer["headers"]).status_code == 404
        refused = client.get(path)
        assert refused.status_code == 404 and refused.json()["@type"] == "hydra:Error"
    for path in (f"/api/cart_tokens/{customer['token']}", f"/api/read_carts/{customer['token']}"):
        assert client.get(path, headers=customer["headers"]).status_code == 404
    assert client.post("/api/read_carts", json={"cart_id": cart_id}).status_code == 404
    # a guest cart keeps its token as its name
    guest = client.post("/api/cart_tokens", json={}).json()
    assert guest["is_guest"] and guest["@id"] == f"/api/cart_tokens/{guest['token']}" and not guest["token"].isdigit()
    assert client.get(f"/api/read_carts/{guest['token']}", headers=bearer(guest["token"])).status_code == 200
