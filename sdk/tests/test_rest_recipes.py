"""The recipes through the REST clients that openapi-python-client generates from the shop and admin
documents (`shop_rest`, `admin_rest`): typed calls only, every answer parsed into the generated models."""
import uuid

from admin_rest import AuthenticatedClient as AdminApi
from admin_rest.api.catalog_products import (
    create_admin_catalog_product, update_admin_catalog_product, update_admin_catalog_product_inventories,
)
from admin_rest.models import (
    AdminCatalogProduct, AdminCatalogProductCreateBody, AdminCatalogProductCreateBodyType,
    AdminCatalogProductInventoryBody, AdminCatalogProductInventoryBodyInventories, AdminCatalogProductInventoryList,
    AdminCatalogProductUpdateBody,
)
from shop_rest import AuthenticatedClient as ShopApi
from shop_rest.api.cart import add_product_in_cart, apply_coupon, create_cart, get_cart
from shop_rest.api.categories import list_categories
from shop_rest.api.checkout import (
    list_checkout_payment_methods, list_checkout_shipping_methods, place_checkout_order, set_checkout_address,
    set_checkout_payment_method, set_checkout_shipping_method,
)
from shop_rest.api.customer_invoices import download_customer_invoice_pdf, list_customer_invoices
from shop_rest.api.customer_orders import get_customer_order, list_customer_orders
from shop_rest.api.customers import register_customer
from shop_rest.api.products import get_product, list_products
from shop_rest.models import (
    AddProductInCartInput, ApplyCouponInput, CheckoutAddressInput, CheckoutOrderInput, CheckoutPaymentMethodInput,
    CheckoutPaymentMethodInputPayment, CheckoutShippingMethodInput, CustomerRegistrationInput, Error, ListProductsOrder,
    ListProductsSort, ListProductsType,
)
from shop_rest.types import File

from recipe import ADDRESS, COUPON, PASSWORD, cents, expected_totals, unique


def call(endpoint, *arguments, status: int = 200, **keywords):
    """The endpoint's parsed answer (a model of the document's, an `Error` for a 4xx), after checking its status."""
    response = endpoint.sync_detailed(*arguments, **keywords)
    assert response.status_code == status, (endpoint.__name__, response.status_code, response.content[:500])
    assert isinstance(response.parsed, Error) == (status >= 400), response.parsed
    return response.parsed


def storefront(server, token: str | None = None) -> ShopApi:
    """A shop client: the storefront key alone, or with a customer's (or guest cart's) Bearer token.
    The base URL is the document's server, `/api/shop`."""
    if token is None:
        return ShopApi(f"{server.url}/api/shop", token=server.storefront_key, prefix="", auth_header_name="X-STOREFRONT-KEY",
                       raise_on_unexpected_status=True)
    return ShopApi(f"{server.url}/api/shop", token=token, headers={"X-STOREFRONT-KEY": server.storefront_key},
                   raise_on_unexpected_status=True)


def cheapest_simple_product(shop: ShopApi):
    """A simple product in stock without a special price, found by browsing like a storefront."""
    cards = call(list_products, client=shop, per_page=50, type_=ListProductsType.SIMPLE, sort=ListProductsSort.PRICE,
                 order=ListProductsOrder.ASC)
    assert cards and {card.type_ for card in cards} == {ListProductsType.SIMPLE.value}
    return next(card for card in cards if card.special_price is None and card.price >= 20
                and call(get_product, card.id, client=shop).is_saleable)


def test_storefront_recipe(server):
    shop = storefront(server)
    assert call(list_categories, client=shop, per_page=20), "navigation needs categories"
    product = call(get_product, cheapest_simple_product(shop).id, client=shop)
    expected = expected_totals(product.price, 3)
    registered = call(register_customer, client=shop, status=201, body=CustomerRegistrationInput(
        first_name="Rest", last_name="Recipe", email=f"{unique('rest')}@example.com", password=PASSWORD,
        confirm_password=PASSWORD))
    customer = storefront(server, registered.token)

    assert call(create_cart, client=customer, status=201).data.customer_id == registered.id
    cart = call(add_product_in_cart, client=customer, body=AddProductInCartInput(product_id=product.id, quantity=3))
    assert (cart.items_qty, cents(cart.subtotal)) == (3, expected["subtotal"])
    cart = call(apply_coupon, client=customer, body=ApplyCouponInput(coupon_code=COUPON))
    assert (cart.coupon_code, cents(cart.discount_amount)) == (COUPON, expected["discount"])

    call(set_checkout_address, client=customer, body=CheckoutAddressInput(use_for_shipping=True, **ADDRESS))
    rates = {rate.code: cents(rate.price) for rate in call(list_checkout_shipping_methods, client=customer).data}
    assert rates["flatrate_flatrate"] == expected["shipping"]
    call(set_checkout_shipping_method, client=customer,
         body=CheckoutShippingMethodInput(shipping_method_code="flatrate_flatrate"))
    methods = [method.code for method in call(list_checkout_payment_methods, client=customer).data]
    assert methods == ["cashondelivery", "moneytransfer"]
    call(set_checkout_payment_method, client=customer,
         body=CheckoutPaymentMethodInput(payment=CheckoutPaymentMethodInputPayment(method="cashondelivery")))
    cart = call(get_cart, client=customer).data
    assert (cents(cart.tax_amount), cents(cart.grand_total)) == (expected["tax"], expected["grand"])

    key = uuid.uuid4().hex
    order_input = CheckoutOrderInput(shipping_method_code="flatrate_flatrate", payment_method="cashondelivery")
    order = call(place_checkout_order, client=customer, status=201, body=order_input, idempotency_key=key).data.order
    assert cents(order.grand_total) == expected["grand"]
    retried = call(place_checkout_order, client=customer, status=201, body=order_input, idempotency_key=key)
    assert retried.data.order.id == order.id

    assert [listed.id for listed in call(list_customer_orders, client=customer)] == [order.id]
    detail = call(get_customer_order, order.id, client=customer)
    assert (cents(detail.grand_total), detail.coupon_code, [item.sku for item in detail.items]) == (
        expected["grand"], COUPON, [product.sku])
    invoices = call(list_customer_invoices, client=customer, order_id=order.id)
    assert [(cents(invoice.grand_total), cents(invoice.tax_amount), cents(invoice.discount_amount))
            for invoice in invoices] == [(expected["grand"], expected["tax"], expected["discount"])]
    pdf = call(download_customer_invoice_pdf, invoices[0].id, client=customer)
    assert isinstance(pdf, File) and pdf.payload.read(5) == b"%PDF-"
    assert call(get_cart, client=customer, status=404).error == "cart_not_found"  # the ordered cart is closed


def test_admin_recipe(server):
    admin = AdminApi(f"{server.url}/api/admin", token=server.admin_token, raise_on_unexpected_status=True)
    sku = unique("sdk-rest")
    created = call(create_admin_catalog_product, client=admin, status=201, body=AdminCatalogProductCreateBody(
        sku=sku, attribute_family_id=1, type_=AdminCatalogProductCreateBodyType.SIMPLE))
    assert isinstance(created, AdminCatalogProduct) and (created.sku, created.status, created.quantity) == (sku, 0, 0)

    updated = call(update_admin_catalog_product, created.id, client=admin, body=AdminCatalogProductUpdateBody(
        name="Recipe Lamp", url_key=sku, short_description="Bright.", description="A lamp made by the recipe.",
        price="1234.50", status=1))
    assert (updated.name, updated.price, updated.status) == ("Recipe Lamp", "1234.5000", 1)
    stock = call(update_admin_catalog_product_inventories, created.id, client=admin,
                 body=AdminCatalogProductInventoryBody(AdminCatalogProductInventoryBodyInventories.from_dict({"1": 7})))
    assert isinstance(stock, AdminCatalogProductInventoryList)
    assert ([(row.source_id, row.qty) for row in stock.data], stock.meta.total_qty) == ([(1, 7)], 7)

    shop = storefront(server)
    product = call(get_product, created.id, client=shop)
    assert (product.sku, product.name, cents(product.price), product.is_saleable) == (
        sku, "Recipe Lamp", cents("1234.50"), True)
    found = call(list_products, client=shop, query="Recipe Lamp", per_page=50)
    assert [card.id for card in found] == [created.id]
