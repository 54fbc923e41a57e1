"""Carts ready for checkout, products with controlled stock, and the checkout calls (REST)."""
import secrets
import uuid
from decimal import Decimal

from domain.sales.cart import hash_token
from storage.customer_models import CustomerToken
from storage.db import database
from storage.models import (
    Channel, InventorySource, Product, ProductCustomerGroupPrice, ProductCustomizableOption, ProductInventory,
    ProductTranslation,
)
from storage.sales_models import Cart, CartItem

CA_ADDRESS = {"firstName": "Jane", "lastName": "Doe", "email": "jane@example.com", "address": "456 Oak Ave",
              "city": "Los Angeles", "state": "CA", "country": "US", "postcode": "90001", "phone": "9876543210"}
NY_ADDRESS = {**CA_ADDRESS, "firstName": "John", "address": "1 Broadway", "city": "New York", "state": "NY",
              "postcode": "10004"}
CHECKOUT_INCOMPLETE = "Missing required checkout details"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def plain_simple_products() -> list[int]:
    """Simple catalog products priced by their `price` alone (no special, group or option prices),
    the last ones first so other suites' picks from the start of the catalog are left alone."""
    with database.connection_context():
        group_priced = ProductCustomerGroupPrice.select(ProductCustomerGroupPrice.product)
        with_options = ProductCustomizableOption.select(ProductCustomizableOption.product)
        query = (Product.select(Product.id)
                 .where(Product.type == "simple", Product.parent.is_null(), Product.status == True,  # noqa: E712
                        Product.visible_individually == True, Product.special_price.is_null(),  # noqa: E712
                        Product.sku.startswith("SKU-"), Product.id.not_in(group_priced),
                        Product.id.not_in(with_options))
                 .order_by(Product.id.desc()))
        return [row.id for row in query]


_plain = None


def next_plain_product() -> int:
    global _plain
    if _plain is None:
        _plain = iter(plain_simple_products())
    return next(_plain)


def source(code: str, priority: int) -> int:
    with database.connection_context():
        found = InventorySource.get_or_none(InventorySource.code == code)
        if found is None:
            found = InventorySource.create(code=code, name=code.title(), priority=priority)
        return found.id


def default_source() -> int:
    with database.connection_context():
        return InventorySource.get(InventorySource.code == "default").id


def set_stock(product_id: int, quantities: dict[int, int]):
    """Replace the product's inventory with {source id: qty}."""
    with database.connection_context():
        ProductInventory.delete().where(ProductInventory.product == product_id).execute()
        for source_id, qty in quantities.items():
            ProductInventory.create(product=product_id, inventory_source=source_id, qty=qty)


def stock(product_id: int) -> dict[int, int]:
    with database.connection_context():
        return {row.inventory_source_id: row.qty
                for row in ProductInventory.select().where(ProductInventory.product == product_id)}


def product_facts(product_id: int) -> tuple[str, str, Decimal]:
    """(English name, SKU, price) of a product."""
    with database.connection_context():
        product = Product.get_by_id(product_id)
        name = ProductTranslation.get((ProductTranslation.product == product_id)
                                      & (ProductTranslation.locale == "en")).name
        return name, product.sku, product.price


def stocked_product(quantities: dict[int, int] | None = None) -> int:
    product_id = next_plain_product()
    set_stock(product_id, quantities or {default_source(): 100})
    return product_id


# --- the cart and checkout calls ------------------------------------------------------------------

def guest_cart(*lines: tuple[int, int]) -> dict:
    """Headers of a new guest cart holding `lines` of (simple product id, quantity)."""
    token = secrets.token_urlsafe(32)
    with database.connection_context():
        cart = Cart.create(token_hash=hash_token(token), channel=default_channel(), currency_code="USD")
        fill(cart, lines)
    return bearer(token)


def customer_cart(customer: dict, *lines: tuple[int, int]) -> dict:
    """The customer's headers, with a new active cart holding `lines`."""
    with database.connection_context():
        Cart.update(is_active=False).where(Cart.customer == customer["id"]).execute()
        cart = Cart.create(customer=customer["id"], channel=default_channel(), currency_code="USD",
                           customer_email=customer["email"])
        fill(cart, lines)
    return customer["headers"]


def fill(cart: Cart, lines):
    for product_id, quantity in lines:
        product = Product.get_by_id(product_id)
        if product.parent_id:  # a variant: a configurable line
            CartItem.create(cart=cart, product=product.parent_id, child=product.id, type="configurable",
                            quantity=quantity)
        else:
            CartItem.create(cart=cart, product=product.id, type=product.type, quantity=quantity)


def default_channel() -> int:
    return Channel.select(Channel.id).order_by(Channel.id).first().id


def cart_of(headers: dict) -> Cart:
    """The cart a guest token or customer token names (active or not)."""
    token = headers["Authorization"].split(" ", 1)[1]
    with database.connection_context():
        if "|" in token:
            customer_id = CustomerToken.get(CustomerToken.id == int(token.split("|")[0])).customer_id
            return Cart.select().where(Cart.customer == customer_id).order_by(Cart.id.desc()).first()
        return Cart.get(Cart.token_hash == hash_token(token))


def set_address(client, headers: dict, expected: int = 200, **body):
    response = client.post("/api/shop/checkout-addresses", json=body, headers=headers)
    assert response.status_code == expected, response.text
    return response.json()


def set_shipping(client, headers: dict, code: str = "flatrate_flatrate", expected: int = 200):
    response = client.post("/api/shop/checkout-shipping-methods", json={"shippingMethodCode": code}, headers=headers)
    assert response.status_code == expected, response.text
    return response.json()


def set_payment(client, headers: dict, method: str = "moneytransfer", expected: int = 200):
    response = client.post("/api/shop/checkout-payment-methods", json={"payment": {"method": method}},
                           headers=headers)
    assert response.status_code == expected, response.text
    return response.json()


def ready_for_order(client, headers: dict, address: dict = CA_ADDRESS, shipping: str | None = "flatrate_flatrate",
                    payment: str = "moneytransfer"):
    set_address(client, headers, addressType="billing", useForShipping=True, **address)
    if shipping:
        set_shipping(client, headers, shipping)
    set_payment(client, headers, payment)


def place(client, headers: dict, key: str | None = None, body: dict | None = None):
    extra = {"Idempotency-Key": key} if key else {}
    return client.post("/api/shop/checkout-orders", json=body or {}, headers={**headers, **extra})


def new_key() -> str:
    return str(uuid.uuid4())

