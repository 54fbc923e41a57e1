"""The recipes through the GraphQL clients that ariadne-codegen generates from the shop and admin SDL and the
operations in sdk/graphql/ (`shop_graphql`, `admin_graphql`): one typed method per operation, typed answers.
The invoice PDF is REST (the SDL says so: `customerInvoices` carries the data, the file is a download), fetched
with the generated REST client."""
import json
import uuid

import pytest
from admin_graphql import AdminClient, updateAdminCatalogProductInput
from admin_graphql.exceptions import GraphQLClientGraphQLMultiError
from shop_graphql import ShopClient, createCheckoutAddressInput, createCustomerInput
from shop_rest.api.customer_invoices import download_customer_invoice_pdf
from shop_rest.types import File

from recipe import ADDRESS, COUPON, PASSWORD, cents, expected_totals, unique
from test_rest_recipes import call, storefront


def shop_client(server, token: str | None = None) -> ShopClient:
    headers = {"X-STOREFRONT-KEY": server.storefront_key}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return ShopClient(f"{server.url}/api/graphql", headers=headers)


def cheapest_simple_product(shop: ShopClient):
    nodes = [edge.node for edge in shop.cheapest_simple_products(json.dumps({"type": "simple"})).products.edges]
    assert nodes
    return next(node for node in nodes if node.special_price is None and float(node.price) >= 20
                and shop.product_by_sku(node.sku).product_by_sk_u.is_saleable in ("1", "true"))


def test_storefront_recipe(server):
    shop = shop_client(server)
    assert shop.categories().categories.total_count > 0, "navigation needs categories"
    product = cheapest_simple_product(shop)
    expected = expected_totals(product.price, 2)
    email = f"{unique('graphql')}@example.com"
    registered = shop.register_customer(createCustomerInput(
        firstName="Graphql", lastName="Recipe", email=email, password=PASSWORD, confirmPassword=PASSWORD))
    assert registered.create_customer.customer.email == email
    signed_in = shop.login(email, PASSWORD).create_customer_login.customer_login
    assert signed_in.success and signed_in.id == registered.create_customer.customer.id
    customer = shop_client(server, signed_in.token)

    customer.create_cart()
    cart = customer.add_to_cart(product.id, 2).create_add_product_in_cart.add_product_in_cart
    assert (cart.items_qty, cents(cart.subtotal)) == (2, expected["subtotal"])
    coupon = customer.apply_coupon(COUPON).create_apply_coupon.apply_coupon
    assert (coupon.coupon_code, cents(coupon.discount_amount)) == (COUPON, expected["discount"])

    address = createCheckoutAddressInput(
        billingFirstName=ADDRESS["first_name"], billingLastName=ADDRESS["last_name"], billingEmail=ADDRESS["email"],
        billingAddress=ADDRESS["address"], billingCity=ADDRESS["city"], billingState=ADDRESS["state"],
        billingCountry=ADDRESS["country"], billingPostcode=ADDRESS["postcode"], billingPhoneNumber=ADDRESS["phone"],
        useForShipping=True)
    assert customer.set_checkout_address(address).create_checkout_address.checkout_address.success
    rates = {rate.method: cents(rate.price) for rate in customer.shipping_rates().collection_shipping_rates}
    assert rates["flatrate_flatrate"] == expected["shipping"]
    assert customer.set_shipping_method("flatrate_flatrate").create_checkout_shipping_method.checkout_shipping_method.success
    assert "cashondelivery" in [method.method for method in customer.payment_methods().collection_payment_methods]
    assert customer.set_payment_method("cashondelivery").create_checkout_payment_method.checkout_payment_method.success

    key = uuid.uuid4().hex
    order = customer.place_order(key).create_checkout_order.checkout_order
    assert (order.success, cents(order.grand_total)) == (True, expected["grand"])
    assert customer.place_order(key).create_checkout_order.checkout_order.order_id == order.order_id

    orders = customer.my_orders().customer_orders
    assert [(str(edge.node.id), cents(edge.node.grand_total), edge.node.coupon_code) for edge in orders.edges] == [
        (order.order_id, expected["grand"], COUPON)]
    invoices = customer.my_invoices(int(order.order_id)).customer_invoices
    assert [(cents(edge.node.grand_total), cents(edge.node.tax_amount), cents(edge.node.discount_amount))
            for edge in invoices.edges] == [(expected["grand"], expected["tax"], expected["discount"])]
    pdf = call(download_customer_invoice_pdf, invoices.edges[0].node.id, client=storefront(server, signed_in.token))
    assert isinstance(pdf, File) and pdf.payload.read(5) == b"%PDF-"


def test_admin_recipe(server):
    admin = AdminClient(f"{server.url}/api/admin/graphql", headers={"Authorization": f"Bearer {server.admin_token}"})
    sku = unique("sdk-graphql")
    created = admin.create_product(sku, "simple", 1).create_admin_catalog_product.admin_catalog_product
    assert (created.iri, created.sku, created.status, created.quantity) == (
        f"/api/admin/catalog/products/{created.id}", sku, 0, 0)

    updated = admin.update_product(updateAdminCatalogProductInput(
        id=created.iri, urlKey=sku, price="345.60", status=1,
        extras={"name": "Recipe Kettle", "short_description": "Quick.", "description": "A kettle made by the recipe."},
    )).update_admin_catalog_product.admin_catalog_product
    assert (updated.name, updated.price, updated.status) == ("Recipe Kettle", "345.6000", 1)
    stock = admin.set_stock(created.id, {"1": 4}).update_admin_catalog_product_inventory
    assert ([(row.source_id, row.qty) for row in stock.inventories], stock.total_qty) == ([(1, 4)], 4)
    assert admin.product(created.iri).admin_catalog_product.quantity == 4

    shown = shop_client(server).product_by_sku(sku).product_by_sk_u
    assert (shown.id, shown.name, cents(shown.price), shown.is_saleable) == (
        created.id, "Recipe Kettle", cents("345.60"), "1")
    with pytest.raises(GraphQLClientGraphQLMultiError) as refused:  # errors arrive as the client's exception
        admin.create_product(sku, "simple", 1)
    assert refused.value.errors[0].extensions["errors"] == {"sku": ["The sku has already been taken."]}
