"""Products of every type for the cart tests, written with the models (each test gets fresh ones, so
stock changes never leak), plus cart helpers over REST and GraphQL."""
import uuid
from decimal import Decimal

import pytest

from domain.sales.cart_totals import compute_totals
from domain.common import json_number
from server.context import build_context
from storage.db import database
from storage.models import (
    Attribute, AttributeOption, InventorySource, Product, ProductAttributeValue, ProductBundleOption,
    ProductBundleOptionProduct, ProductChannel, ProductDownloadableLink, ProductGroupedProduct, ProductInventory,
    ProductSuperAttribute, ProductTranslation, TaxCategory,
)
from storage.sales_models import Cart
from tests.customer_fixtures import bearer

CART_ITEMS = "items { totalCount edges { node { id _id productId childId name sku type quantity price basePrice " \
             "total baseTotal discountAmount taxAmount formattedPrice formattedTotal canChangeQty options } } }"
CART_FIELDS = "id _id cartToken customerId isGuest itemsCount itemsQty subtotal baseSubtotal discountAmount " \
              "taxAmount shippingAmount grandTotal baseGrandTotal formattedSubtotal formattedGrandTotal couponCode " \
              "success message " + CART_ITEMS


def product(kind: str = "simple", price: str = "10.00", stock: int | None = 100, name: str | None = None,
            status: bool = True, manage_stock: bool = True, parent: Product | None = None) -> Product:
    """A product in the default channel with an English name and `stock` units in the default source."""
    sku = f"CART-{kind}-{uuid.uuid4().hex[:10]}".upper()
    with database.connection_context():
        goods = TaxCategory.get_or_none(TaxCategory.code == "taxable-goods")
        row = Product.create(sku=sku, type=kind, attribute_family=1, parent=parent, status=status,
                             visible_individually=parent is None, price=Decimal(price), min_price=Decimal(price),
                             max_price=Decimal(price), weight=Decimal("1.0"), manage_stock=manage_stock,
                             tax_category=goods.id if goods and kind not in ("virtual", "downloadable") else None)
        ProductTranslation.create(product=row, locale="en", name=name or f"Cart {kind} {sku[-6:]}",
                                  url_key=sku.lower())
        ProductChannel.create(product=row, channel=1)
        if stock is not None:
            ProductInventory.create(product=row, inventory_source=1, qty=stock)
        return row


def configurable(variant_stock=(5, 5), prices=("20.00", "22.00")) -> tuple[Product, list[Product]]:
    """A configurable product with variants Red/S and Blue/M."""
    with database.connection_context():
        color = Attribute.get(Attribute.code == "color")
        size = Attribute.get(Attribute.code == "size")
        parent = product("configurable", price="0", stock=None)
        ProductSuperAttribute.create(product=parent, attribute=color)
        ProductSuperAttribute.create(product=parent, attribute=size)
        variants = []
        for (color_name, size_name), stock, price in zip((("Red", "S"), ("Blue", "M")), variant_stock, prices):
            variant = product("simple", price=price, stock=stock, parent=parent,
                              name=f"Variant {color_name}/{size_name}")
            for attribute, label in ((color, color_name), (size, size_name)):
                option = AttributeOption.get(AttributeOption.attribute == attribute,
                                             AttributeOption.admin_name == label)
                ProductAttributeValue.create(product=variant, attribute=attribute, integer_value=option.id)
            variants.append(variant)
        return parent, variants


def downloadable(price="15.00", link_prices=("3.00", "4.50")) -> tuple[Product, list[ProductDownloadableLink]]:
    row = product("downloadable", price=price, stock=None)
    with database.connection_context():
        links = [ProductDownloadableLink.create(product=row, title=f"Link {index}", price=Decimal(amount),
                                                type="url", url=f"https://example.com/{index}.pdf", sort_order=index)
                 for index, amount in enumerate(link_prices, start=1)]
    return row, links


def grouped(member_stock=(10, 10, 10), prices=("5.00", "6.00", "7.00")) -> tuple[Product, list[Product]]:
    group = product("grouped", price="0", stock=None)
    members = [product("simple", price=price, stock=stock) for stock, price in zip(member_stock, prices)]
    with database.connection_context():
        for position, member in enumerate(members):
            ProductGroupedProduct.create(product=group, associated_product=member, qty=1, sort_order=position)
    return group, members


def bundle(select_stock=(10, 10), extra_stock=10) -> dict:
    """A bundle with a required select option (two products, buyer sets the quantity) and an optional
    checkbox option (one product, 2 per bundle, fixed)."""
    parent = product("bundle", price="0", stock=None)
    first = product("simple", price="8.00", stock=select_stock[0])
    second = product("simple", price="9.00", stock=select_stock[1])
    extra = product("simple", price="2.50", stock=extra_stock)
    with database.connection_context():
        select = ProductBundleOption.create(product=parent, type="select", is_required=True, label="Main", sort_order=1)
        checkbox = ProductBundleOption.create(product=parent, type="checkbox", is_required=False, label="Extras",
                                              sort_order=2)
        first_row = ProductBundleOptionProduct.create(bundle_option=select, product=first, qty=1, is_user_defined=True,
                                                      is_default=True, sort_order=1)
        second_row = ProductBundleOptionProduct.create(bundle_option=select, product=second, qty=1,
                                                       is_user_defined=True, sort_order=2)
        extra_row = ProductBundleOptionProduct.create(bundle_option=checkbox, product=extra, qty=2,
                                                      is_user_defined=False, sort_order=1)
    return {"product": parent, "select": select, "checkbox": checkbox, "first": first_row, "second": second_row,
            "extra": extra_row, "products": (first, second, extra)}


def add_inventory_source(product_row: Product, qty: int, active: bool) -> InventorySource:
    with database.connection_context():
        source = InventorySource.create(code=f"src-{uuid.uuid4().hex[:8]}", name="Extra", status=active)
        ProductInventory.create(product=product_row, inventory_source=source, qty=qty)
        return source


# --- carts over the API ------------------------------------------------------------------------------

def new_guest_cart(client) -> dict:
    """A guest cart: its token and Authorization header."""
    response = client.post("/api/shop/cart-tokens", json={})
    assert response.status_code == 201, response.text
    token = response.json()["cartToken"]
    return {"id": response.json()["data"]["id"], "token": token, "headers": bearer(token)}


def add(client, headers: dict, **body):
    return client.post("/api/shop/add-product-in-cart", json=body, headers=headers)


def totals_of(cart_id: int, currency: str | None = None):
    """compute_totals for the cart, as a request in `currency` would see it."""
    with database.connection_context():
        context = build_context({"X-Currency": currency} if currency else {}, "http://testserver/storage")
        return compute_totals(context, Cart.get_by_id(cart_id))


def assert_totals_match(document: dict, currency: str | None = None):
    """Every amount the cart shows is what compute_totals says, to the cent."""
    totals = totals_of(document["id"], currency)
    assert document["subtotal"] == json_number(totals.sub_total)
    assert document["baseSubtotal"] == json_number(totals.base_sub_total)
    assert document["discountAmount"] == json_number(totals.discount)
    assert document["taxAmount"] == document["tax"] == json_number(totals.tax)
    assert document["shippingAmount"] == document["shippingCost"] == json_number(totals.shipping)
    assert document["grandTotal"] == document["total"] == json_number(totals.grand_total)
    assert document["baseGrandTotal"] == json_number(totals.base_grand_total)
    assert document["itemsCount"] == totals.items_count and document["itemsQty"] == totals.items_qty
    for line, expected in zip(document["items"], totals.lines):
        assert line["id"] == expected.item.id
        assert (line["price"], line["total"]) == (json_number(expected.unit_price), json_number(expected.total))
        assert line["taxAmount"] == json_number(expected.tax)
        assert line["discountAmount"] == json_number(expected.discount)


def lines_by_product(document: dict) -> dict[int, dict]:
    return {line["productId"]: line for line in document["items"]}


@pytest.fixture
def guest_cart(client):
    return new_guest_cart(client)


@pytest.fixture
def gql(client):
    """Run a GraphQL document with an optional bearer; returns the JSON body (HTTP 200 expected)."""
    def run(query: str, variables: dict | None = None, token: str | None = None):
        headers = bearer(token) if token else {}
        response = client.post("/api/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()
    return run
