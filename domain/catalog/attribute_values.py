"""A product's attributes with their values as text, in the request locale (GraphQL `Product.attributes`).

One row per attribute the product has a value for, ordered by the attribute's position: its code, admin
name, translated name (`label`) and the value as text. A select value is its option's label, a
multiselect value the labels of its options joined by ", ", a boolean "1"/"0". Values stored per locale
or channel are taken in the request's locale (then the channel's default locale) and channel.
Three queries for any number of products: the values with their attributes, the attribute names, the
option labels.
"""
from domain.catalog.product_reads import ATTRIBUTE_NAMES
from domain.common import RequestContext, translated
from storage.models import Attribute, AttributeOptionTranslation, ProductAttributeValue

OPTION_TYPES = ("select", "multiselect", "checkbox")


def option_ids(row: ProductAttributeValue) -> list[int]:
    if row.attribute.type == "select":
        return [row.integer_value] if row.integer_value is not None else []
    text = row.text_value or ""
    return [int(part) for part in text.split(",") if part.strip().isdigit()]


def scoped(rows: list[ProductAttributeValue], context: RequestContext) -> list[ProductAttributeValue]:
    """Per (product, attribute): the row of the request locale, else the fallback locale, else an unscoped one."""
    rank = {context.locale: 0, context.fallback_locale: 1, None: 2}
    best: dict[tuple, ProductAttributeValue] = {}
    for row in rows:
        if row.channel not in (None, context.channel_code) or row.locale not in rank:
            continue
        key = (row.product_id, row.attribute_id)
        if key not in best or rank[row.locale] < rank[best[key].locale]:
            best[key] = row
    return sorted(best.values(), key=lambda row: (row.product_id, row.attribute.position, row.attribute_id))


def labels(ids: set[int], context: RequestContext) -> dict[int, str]:
    grouped: dict[int, dict] = {}
    for row in AttributeOptionTranslation.select().where(AttributeOptionTranslation.attribute_option.in_(list(ids)),
                                                          AttributeOptionTranslation.locale.in_(context.locales)):
        grouped.setdefault(row.attribute_option_id, {})[row.locale] = row.label
    return {option_id: translated(by_locale, context) for option_id, by_locale in grouped.items()}


def names(attribute_ids: set[int], context: RequestContext) -> dict[int, str]:
    grouped: dict[int, dict] = {}
    for row in ATTRIBUTE_NAMES.rows(attribute_ids, context.locales) if attribute_ids else ():
        grouped.setdefault(row.attribute_id, {})[row.locale] = row.name
    return {attribute_id: translated(by_locale, context) for attribute_id, by_locale in grouped.items()}


def value_text(row: ProductAttributeValue, option_labels: dict[int, str]) -> str | None:
    if row.attribute.type in OPTION_TYPES:
        found = [option_labels[option_id] for option_id in option_ids(row) if option_id in option_labels]
        return ", ".join(found) if found else None
    if row.boolean_value is not None:
        return "1" if row.boolean_value else "0"
    if row.text_value is not None:
        return row.text_value
    return str(row.integer_value) if row.integer_value is not None else None


def product_attributes(product_ids: list[int], context: RequestContext) -> dict[int, list[dict]]:
    rows = scoped(list(ProductAttributeValue.select(ProductAttributeValue, Attribute).join(Attribute)
                       .where(ProductAttributeValue.product.in_(product_ids))), context)
    option_labels = labels({option_id for row in rows if row.attribute.type in OPTION_TYPES
                            for option_id in option_ids(row)}, context)
    attribute_names = names({row.attribute_id for row in rows}, context)
    grouped: dict[int, list[dict]] = {}
    for row in rows:
        attribute = row.attribute
        grouped.setdefault(row.product_id, []).append({
            "id": attribute.id, "attributeId": attribute.id, "code": attribute.code,
            "adminName": attribute.admin_name, "type": attribute.type,
            "label": attribute_names.get(attribute.id) or attribute.admin_name,
            "value": value_text(row, option_labels)})
    return grouped
