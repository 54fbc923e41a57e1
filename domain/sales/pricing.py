"""Unit prices in the channel's base currency, the same for the cart, checkout and orders.

The price a customer pays for one unit is the lowest of: the product's price, its special price
while the special-price window is open, the catalog-rule price of the day for the channel and the
customer's group (read from the price index that a background job computes, never from the rules
themselves), and the best customer-group price for the customer's group and quantity (`fixed` =
that amount, `discount` = that percentage off).
Configurable lines are priced by their variant, bundles by their selections, downloadable products
by their price plus the selected links. Results are rounded half-up to the base currency's decimals.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from domain import settings_cache
from domain.catalog.product_reads import GUEST_GROUP, PRODUCTS, RULE_PRICES
from storage.compiled import Compiled
from storage.customer_models import Customer
from storage.models import (
    CustomerGroup, Product, ProductBundleOption, ProductBundleOptionProduct, ProductCustomerGroupPrice,
    ProductDownloadableLink, utcnow,
)

HUNDRED = Decimal(100)
GROUP_PRICES = Compiled(lambda ids: ProductCustomerGroupPrice.select().where(ProductCustomerGroupPrice.product.in_(ids)),
                        "ints")


def round_money(amount: Decimal, decimals: int = 2) -> Decimal:
    return Decimal(amount).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@dataclass
class PriceBook:
    """What pricing needs about a set of products, loaded in a few queries."""
    products: dict  # id -> Product
    group_prices: dict  # product id -> [ProductCustomerGroupPrice]
    bundle_products: dict  # bundle option product id -> ProductBundleOptionProduct (with .bundle_option)
    links: dict  # link id -> ProductDownloadableLink
    customer_group_id: int | None
    decimals: int = 2
    rule_prices: dict = field(default_factory=dict)  # product id -> today's catalog-rule price

    def unit_price(self, product_id: int, quantity: int) -> Decimal:
        product = self.products[product_id]
        candidates = [product.price]
        special = active_special_price(product)
        if special is not None:
            candidates.append(special)
        if product_id in self.rule_prices:
            candidates.append(self.rule_prices[product_id])
        group_price = self.group_price(product, quantity)
        if group_price is not None:
            candidates.append(group_price)
        return round_money(min(candidates), self.decimals)

    def group_price(self, product: Product, quantity: int) -> Decimal | None:
        best = None
        for row in self.group_prices.get(product.id, ()):
            if row.qty > quantity or (row.customer_group_id not in (None, self.customer_group_id)):
                continue
            value = row.value if row.value_type == "fixed" else product.price * (HUNDRED - row.value) / HUNDRED
            best = value if best is None else min(best, value)
        return best


def active_special_price(product: Product) -> Decimal | None:
    if product.special_price is None:
        return None
    now = utcnow()
    if (product.special_price_from and product.special_price_from > now) or (
            product.special_price_to and product.special_price_to < now):
        return None
    return product.special_price


def shopper_group(customer_id: int | None) -> tuple[int | None, str]:
    """(id, code) of the customer group prices follow: the customer's group, or the guest group."""
    if not customer_id:
        def guest_group():  # every anonymous price reads it: compiled once, kept under the settings version
            group = GUEST_GROUP.first()
            return (group.id, group.code) if group else (None, "guest")
        return settings_cache.cached("guest_group", None, guest_group)
    group = (CustomerGroup.select(CustomerGroup.id, CustomerGroup.code)
             .join(Customer, on=(Customer.customer_group == CustomerGroup.id)).where(Customer.id == customer_id).first())
    return (group.id, group.code) if group else (None, "guest")


def rule_prices(product_ids, channel_id: int | None, customer_group_id: int | None) -> dict:
    """{product id: catalog-rule price} for today (UTC) in the channel for the group, from the index."""
    if not product_ids or channel_id is None or customer_group_id is None:
        return {}
    rows = RULE_PRICES.rows(product_ids, channel_id, customer_group_id, utcnow().date())
    return {row.product_id: row.rule_price for row in rows}


def load_price_book(product_ids, bundle_option_product_ids, link_ids, customer_group_id, decimals=2,
                    channel_id: int | None = None) -> PriceBook:
    bundle_rows = {}
    if bundle_option_product_ids:
        query = (ProductBundleOptionProduct.select(ProductBundleOptionProduct, ProductBundleOption)
                 .join(ProductBundleOption)
                 .where(ProductBundleOptionProduct.id.in_(list(bundle_option_product_ids))))
        bundle_rows = {row.id: row for row in query}
    ids = set(product_ids) | {row.product_id for row in bundle_rows.values()}
    ids = sorted(ids)
    products = {product.id: product for product in PRODUCTS.models(ids)} if ids else {}
    group_prices = defaultdict(list)
    if ids:
        for row in GROUP_PRICES.models(ids):
            group_prices[row.product_id].append(row)
    links = {}
    if link_ids:
        links = {link.id: link for link in
                 ProductDownloadableLink.select().where(ProductDownloadableLink.id.in_(list(link_ids)))}
    return PriceBook(products, dict(group_prices), bundle_rows, links, customer_group_id, decimals,
                     rule_prices(ids, channel_id, customer_group_id))
