"""The one place cart totals are computed (cart reads, checkout, place order); rules in docs/money.md.

Everything is computed in the channel's base currency first, line by line, each amount rounded
half-up to the currency's decimals: unit price (domain.sales.pricing) → line total (unit × qty) →
discount (domain.sales.cart_rules) → tax on (total − discount) (domain.sales.tax). Shipping comes from the
chosen rate (domain.sales.shipping). Display-currency amounts convert each rounded base component
(unit price, line total, discount, tax, shipping) and add those up, so what a customer sees sums
exactly: grand total = subtotal − discount + tax + shipping in both currencies.
"""
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from domain import settings_cache
from domain.booking.cart import booking_unit_price
from domain.sales import cart_rules
from domain.sales import order_bump_prices, subscriptions

from domain.sales import tax
from domain.sales.shipping import PHYSICAL_TYPES, ShippingRate, available_rates
from domain.common import RequestContext
from domain.sales.pricing import HUNDRED, PriceBook, load_price_book, round_money, shopper_group
from storage.models import (
    Attribute, AttributeOptionTranslation, AttributeTranslation, Channel, Currency, Product,
    ProductAttributeValue, ProductCategory, ProductSuperAttribute, ProductTranslation,
)
from storage.compiled import Compiled
from storage.sales_models import Cart, CartAddress, CartItem, CartRuleCoupon

ZERO = Decimal(0)
CART_ITEMS = Compiled(lambda cart_id: CartItem.select().where(CartItem.cart == cart_id).order_by(CartItem.id), "int")
CART_ADDRESSES = Compiled(lambda cart_id: CartAddress.select().where(CartAddress.cart == cart_id), "int")
PRODUCT_NAMES = Compiled(lambda ids, locales: ProductTranslation.select(
    ProductTranslation.product, ProductTranslation.locale, ProductTranslation.name).where(
    ProductTranslation.product.in_(ids), ProductTranslation.locale.in_(locales)), "ints", "texts")


@dataclass
class LineTotals:
    item: CartItem
    product: Product  # the product whose price applies (a configurable line's variant)
    name: str
    sku: str
    type: str
    quantity: int
    base_unit_price: Decimal
    base_total: Decimal
    base_discount: Decimal = ZERO
    tax_percent: Decimal = ZERO
    base_tax: Decimal = ZERO
    unit_price: Decimal = ZERO
    total: Decimal = ZERO
    discount: Decimal = ZERO
    tax: Decimal = ZERO
    options: list = field(default_factory=list)  # [{"attribute_name", "option_label", ...}] for display
    children: list = field(default_factory=list)  # bundle selections: [{"product_id", "name", "sku", "qty", "base_price"}]
    weight: Decimal = ZERO
    physical: bool = True
    tax_category_id: int | None = None


@dataclass
class CartTotals:
    lines: list[LineTotals]
    currency_code: str
    base_currency_code: str
    exchange_rate: Decimal
    sub_total: Decimal = ZERO
    base_sub_total: Decimal = ZERO
    discount: Decimal = ZERO
    base_discount: Decimal = ZERO
    tax: Decimal = ZERO
    base_tax: Decimal = ZERO
    shipping: Decimal = ZERO
    base_shipping: Decimal = ZERO
    grand_total: Decimal = ZERO
    base_grand_total: Decimal = ZERO
    items_count: int = 0
    items_qty: int = 0
    coupon_code: str | None = None  # the cart's coupon when it applies to the cart as it is now
    coupon_refusal: str | None = None  # else why the cart's coupon does not apply (place-order refuses)
    applied_rule_ids: list = field(default_factory=list)
    free_shipping: bool = False
    shipping_rates: list = field(default_factory=list)  # [ShippingRate] offered for this cart
    shipping_rate: ShippingRate | None = None  # the chosen one, when still offered
    needs_shipping: bool = False
    base_shipping_discount: Decimal = ZERO
    bump_view: Callable | None = None  # bumps -> (facts, rule lines) of the cart without its bump lines
    # the rows the totals were computed from: the cart's items and {address type: CartAddress}
    items: list = field(default_factory=list, repr=False)
    addresses: dict = field(default_factory=dict, repr=False)
    group: tuple = (None, "guest")
    rule_candidates: tuple = (None, [], None)  # (coupon code, the rules that may apply, its coupon)


def compute_totals(context: RequestContext, cart: Cart, coupon_code: str | None = ...,
                   same_lines: CartTotals | None = None, items: list[CartItem] | None = None,
                   addresses: dict | None = None) -> CartTotals:
    """Totals of `cart` for the request's display currency. `coupon_code` overrides the cart's
    coupon (used to test a coupon before applying it). `same_lines`: totals computed earlier in this
    request for the same items and addresses (only the cart's chosen methods or coupon changed since):
    its lines, rows and (for the same coupon) candidate rules are reused instead of read again.
    `items` (in id order) and `addresses` ({type: CartAddress}): the cart's rows as this request has
    just read or written them."""
    decimals = 2
    base_code = base_currency_code(context)
    if same_lines is None:
        items = CART_ITEMS.models(cart.id) if items is None else items
        if addresses is None:
            addresses = {a.address_type: a for a in CART_ADDRESSES.models(cart.id)}
        group_id, group_code = customer_group(cart)
        book = price_book(items, group_id, decimals, context.channel_id)
        lines = build_lines(context, items, book)
        subscriptions.price_lines(lines, decimals)
    else:
        items, addresses, lines = same_lines.items, same_lines.addresses, same_lines.lines
        group_id, group_code = same_lines.group
    destination = tax_destination(addresses)

    def bump_view(bumps):
        """What order bumps' conditions see: the cart without its bump lines."""
        others = [line for line in lines if order_bump_prices.bump_of(line.item) is None]
        base = sum((line.base_total for line in others), ZERO)
        return cart_facts(context, cart, others, base, destination, group_code), rule_lines(others, bumps)
    if same_lines is None:  # reused lines already carry their offer prices
        order_bump_prices.reprice(lines, context.channel_code, bump_view, decimals)
    totals = CartTotals(lines, context.currency.code, base_code, context.currency.rate, items=items,
                        addresses=addresses, group=(group_id, group_code))
    totals.bump_view = bump_view
    totals.base_sub_total = sum((line.base_total for line in lines), ZERO)
    facts = cart_facts(context, cart, lines, totals.base_sub_total, destination, group_code)
    code = cart.coupon_code if coupon_code is ... else coupon_code
    if same_lines is not None and same_lines.rule_candidates[0] == code:  # the same customer, channel and coupon
        rules, coupon = same_lines.rule_candidates[1:]
    else:
        rules, coupon = cart_rules.candidate_rules(facts, code)
    totals.rule_candidates = (code, rules, coupon)
    outcome = cart_rules.apply_rules(rules, coupon, facts, rule_lines(lines, rules), decimals)
    for line, discount in zip(lines, outcome.line_discounts):
        line.base_discount = discount
    apply_tax(lines, destination, decimals)
    totals.coupon_code, totals.applied_rule_ids = outcome.coupon_code, outcome.applied_rule_ids
    if code and outcome.coupon_code is None:
        totals.coupon_refusal = cart_rules.coupon_refusal(coupon, facts)
    totals.free_shipping = outcome.free_shipping
    add_shipping(context, cart, totals, outcome, decimals)
    convert(context, totals)
    return totals


def base_currency_code(context: RequestContext) -> str:
    return settings_cache.cached("base_currency_code", context.channel_id, lambda: (
        Currency.select(Currency.code).join(Channel, on=(Channel.base_currency == Currency.id))
        .where(Channel.id == context.channel_id).scalar()))


def customer_group(cart: Cart) -> tuple[int | None, str]:
    """(group id, group code) of the cart's customer; guests are the "guest" group."""
    return shopper_group(cart.customer_id)


def price_book(items: list[CartItem], group_id: int | None, decimals: int, channel_id: int | None = None) -> PriceBook:
    product_ids, bundle_ids, link_ids = set(), set(), set()
    for item in items:
        product_ids.add(item.product_id)
        if item.child_id:
            product_ids.add(item.child_id)
        for selected in (item.additional or {}).get("bundle_options", {}).values():
            bundle_ids.update(int(value) for value in selected)
        link_ids.update(int(value) for value in (item.additional or {}).get("links", []))
    return load_price_book(product_ids, bundle_ids, link_ids, group_id, decimals, channel_id)


def build_lines(context: RequestContext, items: list[CartItem], book: PriceBook) -> list[LineTotals]:
    names = product_names(context, set(book.products))
    options = configurable_options(context, [item for item in items if item.child_id])
    lines = []
    for item in items:
        product = book.products[item.product_id]
        priced = book.products[item.child_id] if item.child_id else product
        line = LineTotals(item=item, product=priced, name=names.get(product.id, product.sku), sku=priced.sku,
                          type=item.type, quantity=item.quantity, base_unit_price=ZERO, base_total=ZERO,
                          weight=(priced.weight or ZERO) * item.quantity,
                          physical=item.type in PHYSICAL_TYPES,
                          tax_category_id=priced.tax_category_id or product.tax_category_id)
        if item.type == "bundle":
            line.base_unit_price = bundle_price(item, book, names, line)
        elif item.type == "downloadable":
            line.base_unit_price = downloadable_price(item, book, line)
        elif item.type == "booking":
            line.base_unit_price, line.options = booking_unit_price(item, book)
        else:
            line.base_unit_price = book.unit_price(priced.id, item.quantity)
            line.options = options.get(item.id, [])
        line.base_total = line.base_unit_price * item.quantity
        lines.append(line)
    return lines


def bundle_price(item: CartItem, book: PriceBook, names: dict, line: LineTotals) -> Decimal:
    """Sum of the selected option products × their quantity per bundle."""
    additional = item.additional or {}
    quantities = {str(key): int(value) for key, value in additional.get("bundle_option_qty", {}).items()}
    unit = ZERO
    for option_id, selected in sorted(additional.get("bundle_options", {}).items(), key=lambda pair: int(pair[0])):
        for selection_id in selected:
            selection = book.bundle_products.get(int(selection_id))
            if selection is None:
                continue
            qty = quantities.get(str(option_id), selection.qty) if selection.is_user_defined else selection.qty
            price = book.unit_price(selection.product_id, qty * item.quantity)
            unit += price * qty
            child = book.products[selection.product_id]
            line.children.append({"product_id": child.id, "name": names.get(child.id, child.sku), "sku": child.sku,
                                  "qty": qty, "base_price": price, "option_id": int(option_id),
                                  "type": child.type})
            line.options.append({"attribute_name": selection.bundle_option.label,
                                 "option_id": int(option_id), "option_label": f"{qty} x {names.get(child.id, child.sku)}"})
    return unit


def downloadable_price(item: CartItem, book: PriceBook, line: LineTotals) -> Decimal:
    unit = book.unit_price(item.product_id, item.quantity)
    for link_id in (item.additional or {}).get("links", []):
        link = book.links.get(int(link_id))
        if link is not None and link.product_id == item.product_id:
            unit += link.price
            line.options.append({"attribute_name": "Downloads", "option_id": link.id, "option_label": link.title})
    return round_money(unit)


def product_names(context: RequestContext, product_ids: set[int]) -> dict[int, str]:
    if not product_ids:
        return {}
    rows = PRODUCT_NAMES.rows(sorted(product_ids), context.locales)
    by_product = defaultdict(dict)
    for row in rows:
        by_product[row.product_id][row.locale] = row.name
    return {pid: next((names[loc] for loc in context.locales if loc in names)) for pid, names in by_product.items()}


def configurable_options(context: RequestContext, items: list[CartItem]) -> dict[int, list[dict]]:
    """{cart item id: [{"attribute_name", "attribute_code", "option_label"}]} from the variant's super-attribute
    values."""
    if not items:
        return {}
    parents = {item.product_id for item in items}
    super_links = list(ProductSuperAttribute.select().where(ProductSuperAttribute.product.in_(list(parents))))
    attribute_ids = {link.attribute_id for link in super_links}
    values = {(row.product_id, row.attribute_id): row.integer_value for row in ProductAttributeValue.select().where(
        ProductAttributeValue.product.in_([item.child_id for item in items]),
        ProductAttributeValue.attribute.in_(list(attribute_ids)))}
    attribute_names = localized(AttributeTranslation.select().where(
        AttributeTranslation.attribute.in_(list(attribute_ids))), "attribute_id", "name", context)
    codes = dict(Attribute.select(Attribute.id, Attribute.code).where(Attribute.id.in_(list(attribute_ids))).tuples())
    option_ids = {value for value in values.values() if value}
    option_labels = localized(AttributeOptionTranslation.select().where(
        AttributeOptionTranslation.attribute_option.in_(list(option_ids))), "attribute_option_id", "label", context)
    attributes_of = defaultdict(list)
    for link in sorted(super_links, key=lambda link: link.attribute_id):
        attributes_of[link.product_id].append(link.attribute_id)
    result = {}
    for item in items:
        result[item.id] = [{"attribute_name": attribute_names.get(attribute_id),
                            "attribute_code": codes.get(attribute_id),
                            "option_id": values.get((item.child_id, attribute_id)),
                            "option_label": option_labels.get(values.get((item.child_id, attribute_id)))}
                           for attribute_id in attributes_of[item.product_id]]
    return result


def localized(rows, key: str, value: str, context: RequestContext) -> dict:
    found = defaultdict(dict)
    for row in rows:
        found[getattr(row, key)][row.locale] = getattr(row, value)
    return {k: next((v[loc] for loc in context.locales if loc in v), next(iter(v.values()))) for k, v in found.items()}


def tax_destination(addresses: dict) -> tax.Destination | None:
    """Tax follows the shipping address, else the billing address; no address, no tax yet."""
    address = addresses.get("shipping") or addresses.get("billing")
    if address is None:
        return None
    return tax.Destination(address.country, address.state or "", address.postcode or "")


def apply_tax(lines: list[LineTotals], destination, decimals: int):
    category_ids = {line.tax_category_id for line in lines} - {None}
    rates = tax.rates_by_category(category_ids, destination)
    for line in lines:
        percent = rates.get(line.tax_category_id, ZERO)
        line.tax_percent = percent
        line.base_tax = round_money((line.base_total - line.base_discount) * percent / HUNDRED, decimals)


def cart_facts(context, cart, lines, base_sub_total, destination, group_code) -> cart_rules.CartFacts:
    attributes = {
        "base_sub_total": base_sub_total, "sub_total": base_sub_total,
        "total_qty": sum(line.quantity for line in lines), "total_items": len(lines),
        "total_weight": sum((line.weight for line in lines), ZERO),
        "payment_method": cart.payment_method or "", "shipping_method": cart.shipping_method or "",
        "postcode": destination.postcode if destination else "", "state": destination.state if destination else "",
        "country": destination.country if destination else "",
    }
    return cart_rules.CartFacts(attributes, context.channel_code, group_code, cart.customer_id)


def rule_lines(lines: list[LineTotals], rules) -> list[cart_rules.RuleLine]:
    """What the rules see of each line; categories and attribute values are loaded only when a
    rule has product conditions."""
    needs_products = any(str(c.get("attribute", "")).startswith("product|") for r in rules for c in r.conditions or [])
    product_ids = {pid for line in lines for pid in (line.item.product_id, line.product.id)}
    categories = product_categories(product_ids) if needs_products else {}
    values = product_attribute_values(product_ids) if needs_products else {}
    result = []
    for line in lines:
        ids = (line.item.product_id, line.product.id)
        attributes = {"sku": line.product.sku, "type": line.type, "price": line.base_unit_price,
                      "attribute_family_id": line.product.attribute_family_id,
                      "category_ids": sorted({c for pid in ids for c in categories.get(pid, ())})}
        for pid in ids:
            for code, found in values.get(pid, {}).items():
                attributes.setdefault(code, []).extend(found)
        result.append(cart_rules.RuleLine(line.base_unit_price, line.quantity, line.base_total, attributes))
    return result


def product_categories(product_ids) -> dict[int, list[int]]:
    found = defaultdict(list)
    for row in ProductCategory.select().where(ProductCategory.product.in_(list(product_ids))):
        found[row.product_id].append(row.category_id)
    return found


def product_attribute_values(product_ids) -> dict[int, dict[str, list]]:
    query = (ProductAttributeValue.select(ProductAttributeValue, Attribute.code.alias("code")).join(Attribute)
             .where(ProductAttributeValue.product.in_(list(product_ids))).objects())
    found = defaultdict(lambda: defaultdict(list))
    for row in query:
        for value in (row.integer_value, row.text_value, row.boolean_value):
            if value is not None:
                found[row.product_id][row.code].append(value)
    return found


def add_shipping(context, cart: Cart, totals: CartTotals, outcome, decimals: int):
    physical_qty = sum(line.quantity for line in totals.lines if line.physical)
    totals.needs_shipping = physical_qty > 0
    base_after_discount = totals.base_sub_total - sum((line.base_discount for line in totals.lines), ZERO)
    totals.shipping_rates = available_rates(context.channel_code, physical_qty, base_after_discount, decimals)
    chosen = next((rate for rate in totals.shipping_rates if rate.code == cart.shipping_method), None)
    totals.shipping_rate = chosen
    price = chosen.base_price if chosen else ZERO
    if totals.free_shipping:
        price = ZERO
    totals.base_shipping = price
    totals.base_shipping_discount = round_money(price * outcome.shipping_discount_percent / HUNDRED, decimals)


def convert(context: RequestContext, totals: CartTotals):
    money = context.currency
    for line in totals.lines:
        line.unit_price = money.convert(line.base_unit_price)
        line.total = line.unit_price * line.quantity
        line.discount = money.convert(line.base_discount)
        line.tax = money.convert(line.base_tax)
    shipping_discount_base = totals.base_shipping_discount
    totals.base_discount = sum((line.base_discount for line in totals.lines), ZERO) + shipping_discount_base
    totals.base_tax = sum((line.base_tax for line in totals.lines), ZERO)
    totals.base_grand_total = totals.base_sub_total - totals.base_discount + totals.base_tax + totals.base_shipping
    totals.sub_total = sum((line.total for line in totals.lines), ZERO)
    totals.discount = sum((line.discount for line in totals.lines), ZERO) + money.convert(shipping_discount_base)
    totals.tax = sum((line.tax for line in totals.lines), ZERO)
    totals.shipping = money.convert(totals.base_shipping)
    totals.grand_total = totals.sub_total - totals.discount + totals.tax + totals.shipping
    totals.items_count = len(totals.lines)
    totals.items_qty = sum(line.quantity for line in totals.lines)


# --- coupons (the cart's apply/remove operations and place-order use these) ---

def check_coupon(context: RequestContext, cart: Cart, code: str) -> CartRuleCoupon:
    """The coupon, when it exists, may be used by this customer now, and its rule applies to the
    cart as it is; otherwise the documented 404 / 422 / 400."""
    group_id, group_code = customer_group(cart)
    facts = cart_rules.CartFacts({}, context.channel_code, group_code, cart.customer_id)
    coupon = cart_rules.coupon_or_error(code, facts)
    if coupon.cart_rule_id not in compute_totals(context, cart, coupon_code=coupon.code).applied_rule_ids:
        raise cart_rules.conditions_not_met()
    return coupon


def consume_coupon_usage(order, customer_id: int | None):
    """Count the order's rule and coupon uses (inside the place-order transaction)."""
    cart_rules.consume_usage(list(order.applied_cart_rule_ids or []), order.coupon_code, customer_id)


def shipping_rates(context: RequestContext, cart: Cart) -> list[ShippingRate]:
    return compute_totals(context, cart).shipping_rates


def unit_price(context: RequestContext, product: Product, quantity: int, customer_group_id: int | None) -> Decimal:
    """One unit of a simple/virtual product or variant, in the base currency."""
    return (load_price_book({product.id}, set(), set(), customer_group_id, channel_id=context.channel_id)
            .unit_price(product.id, quantity))
