"""createOrder with address book ids (the overview pages send billingAddressId/shippingAddressId) and
the order's incrementId, grandTotal and createdAt beside orderNumber and total."""
from storage.db import database
from storage.sales_models import Order, OrderAddress
from tests.checkout_fixtures import customer_cart, guest_cart
from tests.customer_fixtures import register
from tests.order_fixtures import default_source, make_product

CREATE = """mutation($input: createOrderInput!) { createOrder(input: $input) {
  order { id orderNumber incrementId status total grandTotal createdAt } } }"""
ADDRESS = {"firstName": "Ann", "lastName": "Lee", "email": "ann@example.com", "phone": "5551234567",
           "address1": "9 Elm St", "city": "Austin", "state": "TX", "country": "US", "postcode": "73301"}


def test_an_order_from_saved_addresses(client, graphql):
    customer = register(client, "saved-addresses")
    billing = client.post("/api/shop/customer-addresses", headers=customer["headers"], json=ADDRESS).json()
    shipping = client.post("/api/shop/customer-addresses", headers=customer["headers"],
                           json={**ADDRESS, "city": "Dallas", "postcode": "75201"}).json()
    billing_id, shipping_id = billing["data"]["address"]["id"], shipping["data"]["address"]["id"]
    product = make_product(price="10.00", stock={default_source(): 5})
    headers = customer_cart(customer, (product, 2))
    result = graphql(CREATE, {"input": {"billingAddressId": str(billing_id), "shippingAddressId": str(shipping_id),
                                        "shippingMethod": "flatrate_flatrate", "paymentMethod": "moneytransfer"}},
                     headers=headers)
    assert "errors" not in result, result
    order = result["data"]["createOrder"]["order"]
    assert order["incrementId"] == order["orderNumber"] and order["grandTotal"] == order["total"]
    assert order["createdAt"]
    with database.connection_context():
        cities = {row.address_type: row.city for row in OrderAddress.select().where(OrderAddress.order == int(order["id"]))}
        assert cities == {"billing": "Austin", "shipping": "Dallas"}
        assert Order.get_by_id(int(order["id"])).customer_id == customer["id"]


def test_saved_addresses_are_only_the_customers_own(client, graphql):
    owner, other = register(client, "owner-addresses"), register(client, "other-addresses")
    theirs = client.post("/api/shop/customer-addresses", headers=owner["headers"], json=ADDRESS).json()
    product = make_product(price="10.00", stock={default_source(): 5})
    headers = customer_cart(other, (product, 1))
    result = graphql(CREATE, {"input": {"billingAddressId": str(theirs["data"]["address"]["id"]),
                                        "shippingMethod": "flatrate_flatrate", "paymentMethod": "moneytransfer"}},
                     headers=headers)
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    neither = graphql(CREATE, {"input": {"paymentMethod": "moneytransfer"}}, headers=headers)
    assert "billingAddress" in neither["errors"][0]["extensions"]["errors"]
    guest = guest_cart((product, 1))
    as_guest = graphql(CREATE, {"input": {"billingAddressId": "1", "paymentMethod": "moneytransfer"}}, headers=guest)
    assert as_guest["errors"][0]["extensions"]["code"] == "NOT_FOUND"
