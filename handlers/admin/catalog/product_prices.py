"""`min_price` / `max_price`: the lowest and highest price a product sells at, which the shop lists,
filters and sorts by. Every admin write that changes a price, a special price, a status or a
product's structure refreshes them here, for the product and for the composites holding it.

The rules are the demo seed's (storage/seed.py, storage/seed_product_types.py):
simple, virtual, booking — the effective price (the special price while its window is open);
downloadable — the effective price plus the cheapest link / plus every link;
configurable — the cheapest and dearest enabled variant;
grouped — the cheapest and dearest enabled member;
bundle — the cheapest selection of every required option / the dearest pick of every option
(every selection of a checkbox or multiselect option).
"""
from decimal import Decimal

from handlers.shop.products import active_special_price
from storage.models import (
    Product, ProductBundleOption, ProductBundleOptionProduct, ProductDownloadableLink, ProductGroupedProduct,
)

MULTIPLE_CHOICE = ("checkbox", "multiselect")
BUILT_FROM_PARTS = ("configurable", "grouped", "bundle")
ZERO = Decimal(0)


def effective_price(product: Product) -> Decimal:
    special = active_special_price(product)
    return special if special is not None and special < product.price else product.price


def holders_of(product_ids: set[int]) -> set[int]:
    """Composite products built from any of `product_ids`: configurable parents, grouped, bundles."""
    parents = {pid for (pid,) in Product.select(Product.parent).where(
        Product.id.in_(product_ids), Product.parent.is_null(False)).tuples()}
    grouped = {pid for (pid,) in ProductGroupedProduct.select(ProductGroupedProduct.product).where(
        ProductGroupedProduct.associated_product.in_(product_ids)).tuples()}
    bundles = {pid for (pid,) in ProductBundleOption.select(ProductBundleOption.product)
               .join(ProductBundleOptionProduct)
               .where(ProductBundleOptionProduct.product.in_(product_ids)).tuples()}
    return parents | grouped | bundles


def refresh_price_ranges(product_ids):
    """Recompute the ranges of `product_ids`, then of the composites holding them (members first)."""
    ids = set(product_ids)
    if not ids:
        return
    products = list(Product.select().where(Product.id.in_(ids | holders_of(ids))))
    for product in sorted(products, key=lambda product: (product.type in BUILT_FROM_PARTS, product.id)):
        low, high = price_range(product)
        if (low, high) != (product.min_price, product.max_price):
            Product.update(min_price=low, max_price=high).where(Product.id == product.id).execute()


def price_range(product: Product) -> tuple[Decimal, Decimal]:
    if product.type == "configurable":
        prices = [effective_price(variant) for variant in
                  Product.select().where(Product.parent == product.id, Product.status == True)]  # noqa: E712
        return (min(prices), max(prices)) if prices else (ZERO, ZERO)
    if product.type == "grouped":
        prices = [member.min_price for member in Product.select(Product.min_price)
                  .join(ProductGroupedProduct, on=(ProductGroupedProduct.associated_product == Product.id))
                  .where(ProductGroupedProduct.product == product.id, Product.status == True)]  # noqa: E712
        return (min(prices), max(prices)) if prices else (ZERO, ZERO)
    if product.type == "bundle":
        return bundle_range(product)
    price = effective_price(product)
    if product.type == "downloadable":
        links = [link.price for link in ProductDownloadableLink.select(ProductDownloadableLink.price)
                 .where(ProductDownloadableLink.product == product.id)]
        if links:
            return price + min(links), price + sum(links)
    return price, price


def bundle_range(product: Product) -> tuple[Decimal, Decimal]:
    options = list(ProductBundleOption.select().where(ProductBundleOption.product == product.id))
    rows = (ProductBundleOptionProduct.select(ProductBundleOptionProduct, Product.min_price)
            .join(Product, on=(ProductBundleOptionProduct.product == Product.id))
            .where(ProductBundleOptionProduct.bundle_option.in_([option.id for option in options]),
                   Product.status == True).objects())  # noqa: E712
    prices: dict[int, list[Decimal]] = {}
    for row in rows:
        prices.setdefault(row.bundle_option_id, []).append(row.min_price * row.qty)
    low = high = ZERO
    for option in options:
        selections = prices.get(option.id)
        if not selections:
            continue
        if option.is_required:
            low += min(selections)
        high += sum(selections) if option.type in MULTIPLE_CHOICE else max(selections)
    return low, high
