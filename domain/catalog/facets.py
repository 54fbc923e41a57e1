"""Filter facets with counts for the products a product-list query matches (GET /api/shop/search/facets).

Every count is over top-level products the shop lists: price ranges on the effective (minimum) price,
option counts of the filterable attributes (a configurable product counts once per option of any of
its variants), and the active categories of the channel holding them. A facet ignores its own filter
(the counts of `color` do not apply `?color=`), so a storefront can offer the other options with what
they would give. A few queries whatever the catalog size: the total, the price bounds and ranges, one
per filtered attribute plus one for the others, the categories, and their labels.
"""
from decimal import Decimal

from peewee import Case, fn

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
    total = matched.count()
    return {"total": total, "price": price_facet(matched, context) if total else empty_price(),
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


def price_facet(matched, context: RequestContext) -> dict:
    ids = matched.select(Product.id)
    low, high = Product.select(fn.MIN(Product.min_price), fn.MAX(Product.min_price)).where(
        Product.id.in_(ids)).tuples().first()
    low, high = money(low), money(high)
    step = step_for(high - low)
    start = (low // step) * step
    bounds = []
    while not bounds or bounds[-1][1] <= high:
        begin = start + step * len(bounds)
        bounds.append((begin, begin + step))
    columns = [fn.SUM(Case(None, [((Product.min_price >= begin) & (Product.min_price < end), 1)], 0))
               for begin, end in bounds]
    counts = Product.select(*columns).where(Product.id.in_(ids)).tuples().first()
    ranges = [{"from": json_number(begin), "to": json_number(end), "count": int(count or 0),
               "formattedFrom": context.currency.format(begin), "formattedTo": context.currency.format(end)}
              for (begin, end), count in zip(bounds, counts) if count]
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
    ids = matched.select(Product.id)
    member = Product.alias()
    top = fn.COALESCE(member.parent, member.id)
    rows = (ProductAttributeValue
            .select(ProductAttributeValue.attribute, ProductAttributeValue.integer_value, fn.COUNT(top.distinct()))
            .join(member, on=(member.id == ProductAttributeValue.product))
            .where(ProductAttributeValue.attribute.in_(attribute_ids), ProductAttributeValue.integer_value.is_null(False),
                   member.id.in_(ids) | member.parent.in_(ids))
            .group_by(ProductAttributeValue.attribute, ProductAttributeValue.integer_value).tuples())
    return {(attribute_id, option_id): count for attribute_id, option_id, count in rows if count}


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
