"""Filter facets with counts for the products a product-list query matches (GET /api/shop/search/facets).

Every count is over top-level products the shop lists: price ranges on the effective (minimum) price,
option counts of the filterable attributes (a configurable product counts once per option of any of
its variants), and the active categories of the channel holding them. A facet ignores its own filter
(the counts of `color` do not apply `?color=`), so a storefront can offer the other options with what
they would give. A few queries whatever the catalog size: the prices (the total is their number), one
per filtered attribute plus one for the others, the categories, and their labels; the prices of the
matching products are read once and counted in ranges here.
"""
from decimal import Decimal

from peewee import fn

from domain.catalog.attribute_values import labels as option_labels, names as attribute_names
from domain.catalog.category_filters import filterable_attributes_of
from domain.common import RequestContext, json_number, translated
from storage.models import (
    Attribute, AttributeOption, Category, CategoryTranslation, Product, ProductAttributeValue, ProductCategory,
)

OPTION_TYPES = ("select", "multiselect", "checkbox")
STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))
RANGES = 5


def product_facets(criteria, context: RequestContext, visible) -> dict:
    """`visible()` gives a fresh Product query (selecting Product.id) of the products the shop lists."""
    matched = criteria.apply(visible(), context)
    prices = [money(value) for (value,) in matched.select(Product.min_price).tuples()]
    return {"total": len(prices), "price": price_facet(prices, context) if prices else empty_price(),
            "attributes": attribute_facets(criteria, context, visible, matched),
            "categories": category_facet(criteria.apply(visible(), context, skip=("category",)), context)}


def empty_price() -> dict:
    return {"min": None, "max": None, "ranges": []}


def step_for(span: Decimal) -> Decimal:
    """The smallest round step (1, 2, 2.5 or 5 times a power of ten) cutting `span` into at most RANGES ranges."""
    rough = span / RANGES if span > 0 else Decimal(1)
    scale = Decimal(10) ** (rough.adjusted())
    for factor in (*STEPS, Decimal(10)):
        if factor * scale >= rough:
            return factor * scale
    return Decimal(10) * scale


def price_facet(prices: list[Decimal], context: RequestContext) -> dict:
    """Lowest and highest price, and ranges of one round step (empty ones left out)."""
    low, high = min(prices), max(prices)
    step = step_for(high - low)
    start = (low // step) * step
    counts: dict[int, int] = {}
    for price in prices:
        slot = int((price - start) // step)
        counts[slot] = counts.get(slot, 0) + 1
    ranges = []
    for slot in sorted(counts):
        begin, end = start + step * slot, start + step * (slot + 1)
        ranges.append({"from": json_number(begin), "to": json_number(end), "count": counts[slot],
                       "formattedFrom": context.currency.format(begin), "formattedTo": context.currency.format(end)})
    return {"min": json_number(low), "max": json_number(high), "ranges": ranges}


def money(value) -> Decimal:
    """An aggregate of a MoneyField: Decimal already, or the stored integer of 1/10000."""
    if isinstance(value, Decimal):
        return value
    return Decimal(int(value or 0)) / 10000


def facet_attributes(criteria) -> list[Attribute]:
    if criteria.category_id:
        attributes = filterable_attributes_of([criteria.category_id])[criteria.category_id]
    else:
        attributes = list(Attribute.select().where(Attribute.is_filterable == True)  # noqa: E712
                          .order_by(Attribute.position, Attribute.id))
    return [attribute for attribute in attributes if attribute.type in OPTION_TYPES]


def attribute_facets(criteria, context: RequestContext, visible, matched) -> list[dict]:
    attributes = facet_attributes(criteria)
    if not attributes:
        return []
    counts: dict[tuple[int, int], int] = {}
    unfiltered = [a.id for a in attributes if a.code not in criteria.options]
    if unfiltered:
        counts.update(option_counts(unfiltered, matched))
    for attribute in attributes:
        if attribute.code in criteria.options:
            counts.update(option_counts([attribute.id], criteria.apply(visible(), context, skip=(attribute.code,))))
    options = list(AttributeOption.select().where(AttributeOption.attribute.in_([a.id for a in attributes]))
                   .order_by(AttributeOption.sort_order, AttributeOption.id))
    labels = option_labels({option.id for option in options if (option.attribute_id, option.id) in counts}, context)
    titles = attribute_names({a.id for a in attributes}, context)
    facets = []
    for attribute in attributes:
        entries = [{"id": option.id, "label": labels.get(option.id) or option.admin_name,
                    "count": counts[(attribute.id, option.id)]}
                   for option in options if option.attribute_id == attribute.id and (attribute.id, option.id) in counts]
        facets.append({"id": attribute.id, "code": attribute.code, "label": titles.get(attribute.id) or attribute.admin_name,
                       "type": attribute.type, "options": entries})
    return facets


def option_counts(attribute_ids: list[int], matched) -> dict[tuple[int, int], int]:
    """{(attribute id, option id): products of `matched` having it, themselves or through a variant}."""
    value, variant = ProductAttributeValue, Product.alias()
    # `attribute + 0`: reached from the matched products (by product), not from every value of the attributes
    of_attributes = (value.attribute + 0).in_(attribute_ids) & value.integer_value.is_null(False)
    own = (value.select(value.attribute, value.integer_value, value.product.alias("top"))
           .where(value.product.in_(matched.select(Product.id)), of_attributes))
    through_variants = (value.select(value.attribute, value.integer_value, variant.parent.alias("top"))
                        .join(variant, on=(variant.id == value.product))
                        .where(variant.parent.in_(matched.select(Product.id)), of_attributes))
    rows = own.union_all(through_variants).alias("found")
    counted = (value.select(rows.c.attribute_id, rows.c.integer_value, fn.COUNT(rows.c.top.distinct()))
               .from_(rows).group_by(rows.c.attribute_id, rows.c.integer_value).tuples())
    return {(attribute_id, option_id): count for attribute_id, option_id, count in counted if count}


def category_facet(matched, context: RequestContext) -> list[dict]:
    root = Category.get_or_none(Category.id == context.root_category_id) if context.root_category_id else None
    if root is None:
        return []
    rows = (ProductCategory.select(Category.id, fn.COUNT(ProductCategory.product.distinct()))
            .join(Category, on=(Category.id == ProductCategory.category))
            .where(ProductCategory.product.in_(matched.select(Product.id)), Category.status == True,  # noqa: E712
                   Category.lft > root.lft, Category.rgt < root.rgt)
            .group_by(Category.id).order_by(Category.lft).tuples())
    counted = [(category_id, count) for category_id, count in rows]
    grouped: dict[int, dict] = {}
    for row in CategoryTranslation.select().where(CategoryTranslation.category.in_([key for key, _ in counted]),
                                                  CategoryTranslation.locale.in_(context.locales)):
        grouped.setdefault(row.category_id, {})[row.locale] = row
    facets = []
    for category_id, count in counted:
        translation = translated(grouped.get(category_id, {}), context)
        facets.append({"id": category_id, "name": translation.name if translation else None,
                       "slug": translation.slug if translation else None, "count": count})
    return facets
