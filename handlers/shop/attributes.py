"""Attributes, attribute options and attribute translations.

REST: GET /api/shop/attributes, /attribute-options, /attribute_translations (each also /{id}).
GraphQL: attributes, attribute, attributeOptions, attributeOption.

The two transports document different shapes for the same rows, so GraphQL has its own root
handlers over the same loaders: REST attributes list their `translations` as IRIs
(get-attributes.md), GraphQL as translation objects, and GraphQL adds validation, regex,
defaultValue, swatchValue and swatchValueUrl. Flags are the integers 0/1 in REST; the GraphQL
String type renders them, and the parent ids, as "0"/"1" strings (get-attribute.md).

Every collection costs a constant number of queries: the page, its translations, its options
and their translations, one query each.
"""
from collections import defaultdict

from domain.common import Page, RequestContext, Window, get_or_not_found, iso, paginate, translated
from domain.errors import NotFound
from storage.models import Attribute, AttributeOption, AttributeOptionTranslation, AttributeTranslation

TRANSLATION_IRI = "/api/shop/attribute_translations/{}"
COLUMN_NAMES = {
    "text": "text_value", "textarea": "text_value", "price": "float_value", "boolean": "boolean_value",
    "select": "integer_value", "multiselect": "text_value", "datetime": "datetime_value", "date": "date_value",
    "file": "text_value", "image": "text_value", "checkbox": "text_value",
}
FLAGS = {
    "isRequired": "is_required", "isUnique": "is_unique", "isFilterable": "is_filterable",
    "isComparable": "is_comparable", "isConfigurable": "is_configurable", "isUserDefined": "is_user_defined",
    "isVisibleOnFront": "is_visible_on_front", "valuePerLocale": "value_per_locale",
    "valuePerChannel": "value_per_channel", "enableWysiwyg": "enable_wysiwyg",
}
UPLOAD_SIZE_KB = 2048
IMAGE_MIMES = '["image/bmp", "image/jpeg", "image/jpg", "image/png", "image/webp"]'


def validations(attribute: Attribute) -> str:
    """Bagisto's serialized rules, e.g. "{ required: true, decimal: true }"; "{ }" when there are none."""
    rules = []
    if attribute.is_required:
        rules.append("required: true")
    if attribute.type == "price":
        rules.append("decimal: true")
    if attribute.type == "file":
        rules.append(f"size:{UPLOAD_SIZE_KB}")
    if attribute.type == "image":
        rules.append(f"size:{UPLOAD_SIZE_KB}, mimes: {IMAGE_MIMES}")
    if attribute.validation == "regex":
        rules.append(f"regex: {attribute.regex}")
    elif attribute.validation:
        rules.append(f"{attribute.validation}: true")
    return "{ " + ", ".join(rules) + " }" if rules else "{ }"


def attribute_translation_document(row: AttributeTranslation) -> dict:
    return {"id": row.id, "attributeId": row.attribute_id, "locale": row.locale, "name": row.name}


def option_translation_document(row: AttributeOptionTranslation) -> dict:
    return {"id": row.id, "attributeOptionId": row.attribute_option_id, "locale": row.locale, "label": row.label}


def current(translations: list[dict], context: RequestContext) -> dict | None:
    return translated({row["locale"]: row for row in translations}, context)


def attribute_translations_by_attribute(attribute_ids: list[int]) -> dict[int, list[dict]]:
    rows = (AttributeTranslation.select().where(AttributeTranslation.attribute.in_(attribute_ids))
            .order_by(AttributeTranslation.id))
    grouped = defaultdict(list)
    for row in rows:
        grouped[row.attribute_id].append(attribute_translation_document(row))
    return grouped


def option_translations_by_option(option_ids: list[int]) -> dict[int, list[dict]]:
    rows = (AttributeOptionTranslation.select()
            .where(AttributeOptionTranslation.attribute_option.in_(option_ids))
            .order_by(AttributeOptionTranslation.id))
    grouped = defaultdict(list)
    for row in rows:
        grouped[row.attribute_option_id].append(option_translation_document(row))
    return grouped


def option_query():
    """Options with their attribute's swatch type (needed for swatchValueUrl), in one query."""
    return AttributeOption.select(AttributeOption, Attribute.id, Attribute.swatch_type).join(Attribute)


def option_documents(options: list[AttributeOption], context: RequestContext, graphql: bool) -> list[dict]:
    translations = option_translations_by_option([option.id for option in options])
    return [option_document(option, translations.get(option.id, []), context, graphql) for option in options]


def option_document(option: AttributeOption, translations: list[dict], context: RequestContext,
                    graphql: bool) -> dict:
    translation = current(translations, context)
    document = {"id": option.id, "adminName": option.admin_name, "sortOrder": option.sort_order,
                "translation": translation, "translations": translations}
    if graphql:
        is_image = option.attribute.swatch_type == "image"
        document.update(swatchValue=option.swatch_value,
                        swatchValueUrl=context.media(option.swatch_value) if is_image else None,
                        attributeId=option.attribute_id, value=str(option.id),
                        label=translation["label"] if translation else option.admin_name)
    return document


def attribute_documents(attributes: list[Attribute], context: RequestContext, graphql: bool) -> list[dict]:
    attribute_ids = [attribute.id for attribute in attributes]
    translations = attribute_translations_by_attribute(attribute_ids)
    options = list(option_query().where(AttributeOption.attribute.in_(attribute_ids))
                   .order_by(AttributeOption.sort_order, AttributeOption.id))
    options_by_attribute = defaultdict(list)
    for document, option in zip(option_documents(options, context, graphql), options):
        options_by_attribute[option.attribute_id].append(document)
    return [attribute_document(attribute, options_by_attribute[attribute.id], translations.get(attribute.id, []),
                               context, graphql) for attribute in attributes]


def attribute_document(attribute: Attribute, options: list[dict], translations: list[dict],
                       context: RequestContext, graphql: bool) -> dict:
    document = {
        "id": attribute.id, "code": attribute.code, "adminName": attribute.admin_name, "type": attribute.type,
        "swatchType": attribute.swatch_type, "position": attribute.position,
        **{name: int(bool(getattr(attribute, column))) for name, column in FLAGS.items()},
        "createdAt": iso(attribute.created_at), "updatedAt": iso(attribute.updated_at),
        "columnName": COLUMN_NAMES.get(attribute.type, "text_value"), "validations": validations(attribute),
        "options": options, "translation": current(translations, context),
        "translations": [TRANSLATION_IRI.format(row["id"]) for row in translations],
    }
    if graphql:
        name = document["translation"]["name"] if document["translation"] else attribute.admin_name
        document.update(validation=attribute.validation, regex=attribute.regex, name=name, label=name,
                        defaultValue=attribute.default_value, translations=translations)
    return document


def attribute_page(context: RequestContext, window: Window, graphql: bool) -> Page:
    query = Attribute.select().order_by(Attribute.id)
    rows = list(query.offset(window.offset).limit(window.limit))
    return Page(attribute_documents(rows, context, graphql), query.count())


def one_attribute(context: RequestContext, id: int | None, graphql: bool, code: str | None = None) -> dict:
    attribute = (Attribute.get_or_none(Attribute.id == id) if id is not None
                 else Attribute.get_or_none(Attribute.code == code) if code else None)
    if attribute is None:
        raise NotFound("Attribute")
    return attribute_documents([attribute], context, graphql)[0]


def option_page(context: RequestContext, window: Window, graphql: bool, attribute_id: int | None = None) -> Page:
    """Every option by id, or the options of one attribute by sort order (none for an unknown attribute)."""
    query, total = option_query().order_by(AttributeOption.id), AttributeOption.select()
    if attribute_id is not None:
        query = option_query().where(AttributeOption.attribute == attribute_id).order_by(
            AttributeOption.sort_order, AttributeOption.id)
        total = total.where(AttributeOption.attribute == attribute_id)
    rows = list(query.offset(window.offset).limit(window.limit))
    return Page(option_documents(rows, context, graphql), total.count())


def one_option(context: RequestContext, id: int, graphql: bool) -> dict:
    option = option_query().where(AttributeOption.id == id).first()
    if option is None:
        raise NotFound("Attribute option")
    return option_documents([option], context, graphql)[0]


# `graphql`: the GraphQL shape of the same documents (passed by the GraphQL bridge).

def list_attributes(context: RequestContext, window: Window, graphql: bool = False) -> Page:
    return attribute_page(context, window, graphql)


def get_attribute(context: RequestContext, id: int | None = None, graphql: bool = False,
                  code: str | None = None) -> dict:
    return one_attribute(context, id, graphql, code)


def list_attribute_options(context: RequestContext, window: Window, graphql: bool = False,
                           attribute_id: int | None = None) -> Page:
    return option_page(context, window, graphql, attribute_id)


def list_options_of_attribute(context: RequestContext, window: Window, attribute_id: int) -> Page:
    if not Attribute.select().where(Attribute.id == attribute_id).exists():
        raise NotFound("Attribute")
    return option_page(context, window, False, attribute_id)


def get_attribute_option(context: RequestContext, id: int, graphql: bool = False) -> dict:
    return one_option(context, id, graphql)


def list_attribute_translations(context: RequestContext, window: Window) -> Page:
    return paginate(AttributeTranslation.select().order_by(AttributeTranslation.id), window,
                    attribute_translation_document)


def get_attribute_translation(context: RequestContext, id: int) -> dict:
    return attribute_translation_document(get_or_not_found(AttributeTranslation, id, "Attribute translation"))
