"""The checkout operations of the overview pages (checkout.md, shop-api.md, playground.md):
paymentMethods, estimateShipping, saveShippingMethod, savePaymentMethod and createGuestOrder on the
bearer's cart, with the same steps as the operation pages' mutations."""
from storage.db import database
from storage.sales_models import Order, OrderAddress
from tests.checkout_fixtures import CA_ADDRESS, guest_cart, set_address
from tests.order_fixtures import default_source, make_product

METHODS = "query($cartId: String) { paymentMethods(cartId: $cartId) { totalCount edges { node { code title sortOrder } } } }"
ESTIMATE = """mutation($country: String!) { estimateShipping(input: {country: $country, zipCode: "90210"}) {
  shippingMethods { totalCount edges { node { id code title price basePrice } } } } }"""
SHIPPING = """mutation($code: String!) { saveShippingMethod(input: {shippingMethodCode: $code}) {
  cart { _id shippingMethod shippingMethodCode shippingTotal grandTotal } } }"""
PAYMENT_BY_TOKEN = """mutation($c: String) { savePaymentMethod(input: {cartId: $c, method: "moneytransfer"}) {
  status } }"""
PAYMENT = "mutation($m: String!) { savePaymentMethod(input: {method: $m}) { status message } }"
GUEST_ORDER = """mutation($input: CreateGuestOrderInput!) { createGuestOrder(input: $input) {
  order { id incrementId status grandTotal } } }"""
BILLING = {"firstName": "John", "lastName": "Doe", "email": "john@example.com", "address": "123 Main St",
           "city": "Los Angeles", "country": "US", "state": "CA", "zipCode": "90001", "phoneNumber": "2125551234"}


def answer(client, query: str, variables: dict, headers: dict | None = None) -> dict:
    """The body of any answer (a GraphQL error with no data comes with a 4xx status)."""
    return client.post("/api/graphql", json={"query": query, "variables": variables}, headers=headers or {}).json()


def test_the_checkout_steps_under_the_overview_names(client, graphql):
    product = make_product(price="10.00", stock={default_source(): 5})
    headers = guest_cart((product, 2))
    token = headers["Authorization"].split(" ", 1)[1]
    methods = graphql(METHODS, {}, headers)["data"]["paymentMethods"]
    assert {edge["node"]["code"] for edge in methods["edges"]} >= {"moneytransfer"}
    cart_id = graphql("{ cart { _id } }", {}, headers)["data"]["cart"]["_id"]
    assert graphql(METHODS, {"cartId": str(cart_id)}, headers)["data"]["paymentMethods"]["totalCount"] == (
        methods["totalCount"])
    other = answer(client, METHODS, {"cartId": str(cart_id + 1)}, headers)
    assert other["errors"][0]["extensions"]["code"] == "CART_NOT_FOUND"
    # a mutation's cartId names a guest cart by its token when no bearer is sent
    by_token = answer(client, PAYMENT_BY_TOKEN, {"c": token})
    assert by_token["errors"][0]["extensions"]["code"] == "CHECKOUT_INCOMPLETE"  # it reached the guest's cart
    assert answer(client, PAYMENT_BY_TOKEN, {"c": "not-a-token"})["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    rates = graphql(ESTIMATE, {"country": "US"}, headers)["data"]["estimateShipping"]["shippingMethods"]
    flat = next(edge["node"] for edge in rates["edges"] if edge["node"]["code"] == "flatrate_flatrate")
    assert flat["price"] == flat["basePrice"] > 0
    assert answer(client, ESTIMATE, {"country": "ZZ"}, headers)["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"
    # choosing a rate needs the address step first, as createCheckoutShippingMethod does
    early = answer(client, SHIPPING, {"code": "flatrate_flatrate"}, headers)
    assert early["errors"][0]["extensions"]["code"] == "CHECKOUT_INCOMPLETE"
    set_address(client, headers, addressType="billing", useForShipping=True, **CA_ADDRESS)
    cart = graphql(SHIPPING, {"code": "flatrate_flatrate"}, headers)["data"]["saveShippingMethod"]["cart"]
    assert cart["shippingMethodCode"] == cart["shippingMethod"] == "flatrate_flatrate"
    assert cart["shippingTotal"] == flat["price"]
    wrong = answer(client, PAYMENT, {"m": "paypal"}, headers)
    assert wrong["errors"][0]["extensions"]["errors"] == {"method": ["Invalid or unavailable payment method."]}
    assert graphql(PAYMENT, {"m": "moneytransfer"}, headers)["data"]["savePaymentMethod"]["status"] == "success"


def test_a_guest_order_with_the_overview_address_names(graphql):
    product = make_product(price="10.00", stock={default_source(): 5})
    headers = guest_cart((product, 1))
    result = graphql(GUEST_ORDER, {"input": {"billingAddress": BILLING, "shippingMethod": "flatrate_flatrate",
                                             "paymentMethod": "moneytransfer"}}, headers)
    assert "errors" not in result, result
    order = result["data"]["createGuestOrder"]["order"]
    with database.connection_context():
        row = OrderAddress.get(OrderAddress.order == int(order["id"]), OrderAddress.address_type == "billing")
        assert (row.postcode, row.phone, row.address1) == ("90001", "2125551234", "123 Main St")
        assert Order.get_by_id(int(order["id"])).increment_id == order["incrementId"]
