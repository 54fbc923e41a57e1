"""Admin attributes: /api/admin/catalog/attributes (CRUD, mass delete) and their options
(/attributes/{attributeId}/options[/{optionId}]); GraphQL adminAttribute(s) and the option mutations.

List, detail, create, update and deletes come from the generic path (handlers.admin.crud); written by
hand are what the pages describe for attributes only: the immutable code and the type that cannot
change once products hold values, per-locale translations that merge, the full-set replacement of
`options`, the option sub-resource, and the delete guards (system attributes: 403, or 422 inside a
mass delete; attributes a family uses: 409; options products hold: 409).

The shop reads attributes, options and their translations on every request, so an edit shows in
GET /api/shop/attributes/{id} at once.
"""
import dataclasses

from peewee import Value, fn

from domain.access import created
from handlers.admin.crud import (
    AdminResource, Refusal, exact, flag, id_list, partial,
)
from domain.common import RequestContext, camel_case, iso
from domain.ids import parse_id
from domain.scope import find_channel
from domain.errors import ApiError, NotFound, Unprocessable
from storage.db import database
from storage.models import (
    Attribute, AttributeGroupMapping, AttributeOption, AttributeOptionTranslation, AttributeTranslation, Locale,
    ProductAttributeValue, utcnow,
)

OPTION_TYPES = ("select", "multiselect", "checkbox")
SWATCH_TYPES = ("select", "multiselect")
FLAGS = ("is_required", "is_unique", "value_per_locale", "value_per_channel", "is_filterable", "is_configurable",
         "is_visible_on_front", "is_user_defined")
DETAIL_FLAGS = ("is_comparable", "enable_wysiwyg")
COLUMNS = ("admin_name", "type", "swatch_type", "validation", "regex", "default_value", "position", *DETAIL_FLAGS,
           *(name for name in FLAGS if name != "is_user_defined"))

SYSTEM_ATTRIBUTE = Refusal("System attributes cannot be deleted.", "system_attribute", 403)
SYSTEM_ATTRIBUTE_IN_BATCH = dataclasses.replace(SYSTEM_ATTRIBUTE, status=422)
IN_FAMILY = Refusal("Attribute is part of one or more attribute families. Remove it from those families first.",
                    "attribute_in_family", 409)
NO_OPTIONS = "This attribute type does not support options."


# --- documents ------------------------------------------------------------------

def row_document(attribute: Attribute, context: RequestContext) -> dict:
    """A list row: the detail-only blocks are null (documented)."""
    return {
        "id": attribute.id, "code": attribute.code, "type": attribute.type, "adminName": attribute.admin_name,
        **{camel_case(name): int(getattr(attribute, name)) for name in FLAGS},
        "swatchType": attribute.swatch_type, "position": attribute.position, "locale": context.locale,
        "createdAt": iso(attribute.created_at), "updatedAt": iso(attribute.updated_at),
        "translations": None, "options": None, "validation": None, "defaultValue": None,
    }


def detail_document(attribute: Attribute, context: RequestContext) -> dict:
    translations = [{"locale": row.locale, "name": row.name} for row in
                    AttributeTranslation.select().where(AttributeTranslation.attribute == attribute.id)
                    .order_by(AttributeTranslation.id)]
    return {
        **row_document(attribute, context),
        "validation": attribute.validation, "defaultValue": attribute.default_value,
        **{camel_case(name): int(getattr(attribute, name)) for name in DETAIL_FLAGS},
        "regex": attribute.regex, "translations": translations,
        "options": option_documents(attribute, context) if attribute.type in OPTION_TYPES else None,
    }


def option_documents(attribute: Attribute, context: RequestContext) -> list[dict]:
    options = list(AttributeOption.select().where(AttributeOption.attribute == attribute.id)
                   .order_by(AttributeOption.sort_order, AttributeOption.id))
    labels: dict[int, list[dict]] = {}
    for row in (AttributeOptionTranslation.select()
                .where(AttributeOptionTranslation.attribute_option.in_([option.id for option in options]))
                .order_by(AttributeOptionTranslation.id)):
        labels.setdefault(row.attribute_option_id, []).append({"locale": row.locale, "label": row.label})
    is_image = attribute.swatch_type == "image"
    return [{"id": option.id, "adminName": option.admin_name, "sortOrder": option.sort_order,
             "swatchValue": option.swatch_value,
             "swatchValueUrl": context.media(option.swatch_value) if is_image else None,
             "translations": labels.get(option.id, [])} for option in options]


# --- writing the attribute ---------------------------------------------------------

def attribute_values(body: dict, row: Attribute | None) -> dict:
    """Columns to write. On update a different code is refused (system attributes keep code and type
    silently), and the type cannot change while products hold values of the attribute."""
    values = {name: body[name] for name in COLUMNS if name in body}
    if row is None:
        values["code"] = body["code"]
    else:
        check_immutable(body, row, values)
    kind = values.get("type", row.type if row else None)
    if kind not in SWATCH_TYPES:
        values["swatch_type"] = None
    configurable = values.get("is_configurable", row.is_configurable if row else False)
    errors = {}
    if configurable and kind != "select":
        errors["is_configurable"] = ["Only select attributes can be configurable."]
    if body.get("options") and kind not in OPTION_TYPES:
        errors["options"] = [NO_OPTIONS]
    errors.update(unknown_locales(body))
    if errors:
        raise Unprocessable(errors)
    return values


def check_immutable(body: dict, row: Attribute, values: dict):
    if not row.is_user_defined:
        values.pop("type", None)
        return
    if "code" in body and body["code"] != row.code:
        raise Unprocessable({"code": ["Attribute code cannot be changed."]})
    if values.get("type", row.type) != row.type and (
            ProductAttributeValue.select().where(ProductAttributeValue.attribute == row.id).exists()):
        raise Unprocessable({"type": ["The type cannot change while products hold values of this attribute."]})


def unknown_locales(body: dict) -> dict[str, list[str]]:
    """422 entries for translation keys that are not locale codes (attribute and option translations)."""
    paths = [("translations", body.get("translations") or {})]
    paths += [(f"options.{index}.translations", option.get("translations") or {})
              for index, option in enumerate(body.get("options") or [])]
    wanted = {code for _path, translations in paths for code in translations}
    known = {code for (code,) in Locale.select(Locale.code).where(Locale.code.in_(wanted)).tuples()} if wanted else set()
    return {f"{path}.{code}": ["Unknown locale."] for path, translations in paths for code in translations
            if code not in known}


def save_relations(row: Attribute, body: dict, is_new: bool):
    """Translations merge per locale; `options` is added (create) or replaces the whole set (update)."""
    attribute = Attribute.get_by_id(row.id)
    translations = body.get("translations") or {}
    if is_new:
        translations = {default_locale(): {"name": attribute.admin_name}, **translations}
    for locale, fields in translations.items():
        upsert(AttributeTranslation, {"attribute": attribute.id, "locale": locale}, name=fields["name"])
    if attribute.type not in OPTION_TYPES:
        AttributeOption.delete().where(AttributeOption.attribute == attribute.id).execute()
    elif is_new:
        for item in body.get("options") or []:
            add_option(attribute, item)
    elif "options" in body:
        replace_options(attribute, body["options"])


def upsert(model, key: dict, **values):
    if model.update(**values).where(*(getattr(model, name) == value for name, value in key.items())).execute() == 0:
        model.create(**key, **values)


def replace_options(attribute: Attribute, items: list[dict]):
    existing = {option.id for option in AttributeOption.select(AttributeOption.id)
                .where(AttributeOption.attribute == attribute.id)}
    errors = {f"options.{index}.id": ["The selected option does not belong to this attribute."]
              for index, item in enumerate(items) if "id" in item and item["id"] not in existing}
    if errors:
        raise Unprocessable(errors)
    removed = existing - {item["id"] for item in items if "id" in item}
    refuse_options_in_use(attribute, sorted(removed))
    AttributeOption.delete().where(AttributeOption.id.in_(sorted(removed))).execute()
    for item in items:
        if "id" in item:
            change_option(AttributeOption.get_by_id(item["id"]), item)
        else:
            add_option(attribute, item)


# --- options ---------------------------------------------------------------------

def default_locale() -> str:
    """The default channel's default locale: new attributes and options always have a name there
    (their admin name unless one is given), so the shop always has a label to show."""
    return find_channel(None).default_locale_code


def add_option(attribute: Attribute, fields: dict) -> AttributeOption:
    fields = {**fields, "translations": {default_locale(): {"label": fields["admin_name"]},
                                         **(fields.get("translations") or {})}}
    sort_order = fields.get("sort_order")
    if sort_order is None:
        sort_order = (AttributeOption.select(fn.MAX(AttributeOption.sort_order))
                      .where(AttributeOption.attribute == attribute.id).scalar() or 0) + 1
    option = AttributeOption.create(attribute=attribute.id, admin_name=fields["admin_name"], sort_order=sort_order,
                                    swatch_value=fields.get("swatch_value"))
    save_labels(option, fields)
    return option


def change_option(option: AttributeOption, fields: dict):
    values = {name: fields[name] for name in ("admin_name", "sort_order", "swatch_value") if name in fields}
    if values:
        AttributeOption.update(values).where(AttributeOption.id == option.id).execute()
    save_labels(option, fields)


def save_labels(option: AttributeOption, fields: dict):
    for locale, label in (fields.get("translations") or {}).items():
        upsert(AttributeOptionTranslation, {"attribute_option": option.id, "locale": locale}, label=label["label"])


def refuse_options_in_use(attribute: Attribute, option_ids: list[int]):
    """409 when products hold any of the options (select: integer_value; multiselect, checkbox:
    a comma-separated list of option ids in text_value)."""
    if not option_ids:
        return
    listed = Value(",").concat(ProductAttributeValue.text_value).concat(",")
    holds = ProductAttributeValue.integer_value.in_(option_ids)
    for option_id in option_ids:
        holds |= listed.contains(f",{option_id},")
    products = (ProductAttributeValue.select(fn.COUNT(ProductAttributeValue.product.distinct()))
                .where(ProductAttributeValue.attribute == attribute.id, holds).scalar())
    if products:
        raise ApiError(409, f"This option is used by {products} product(s) and cannot be deleted.", "option_in_use")


def touch(attribute: Attribute):
    """An option change is an edit of its attribute."""
    attribute.updated_at = utcnow()
    Attribute.update(updated_at=attribute.updated_at).where(Attribute.id == attribute.id).execute()


def find_option(attribute_id: int, option_id: int) -> tuple[Attribute, AttributeOption]:
    attribute = attributes.find(attribute_id)
    option = AttributeOption.get_or_none(AttributeOption.id == option_id, AttributeOption.attribute == attribute.id)
    if option is None:
        raise NotFound("Attribute option")
    return attribute, option


def check_option_locales(body: dict):
    errors = unknown_locales({"translations": body.get("translations")})
    if errors:
        raise Unprocessable(errors)


def create_admin_attribute_option(context: RequestContext, attribute_id: int, body: dict):
    with database.atomic():
        attribute = attributes.find(attribute_id)
        if attribute.type not in OPTION_TYPES:
            raise ApiError(422, NO_OPTIONS, "options_not_supported")
        check_option_locales(body)
        add_option(attribute, body)
        touch(attribute)
    return created(detail_document(attribute, context))


def update_admin_attribute_option(context: RequestContext, attribute_id: int, option_id: int, body: dict) -> dict:
    with database.atomic():
        attribute, option = find_option(attribute_id, option_id)
        check_option_locales(body)
        change_option(option, body)
        touch(attribute)
    return detail_document(attribute, context)


def delete_admin_attribute_option(context: RequestContext, attribute_id: int, option_id: int) -> dict:
    with database.atomic():
        attribute, option = find_option(attribute_id, option_id)
        refuse_options_in_use(attribute, [option.id])
        option.delete_instance()
        touch(attribute)
    return {"message": "Attribute option deleted successfully."}


# --- deleting attributes ----------------------------------------------------------------

def refusals(rows: list[Attribute], system: Refusal) -> dict:
    in_family = {mapping.attribute_id for mapping in AttributeGroupMapping.select(AttributeGroupMapping.attribute)
                 .where(AttributeGroupMapping.attribute.in_([row.id for row in rows]))}
    found = {row.id: system for row in rows if not row.is_user_defined}
    found.update({row.id: IN_FAMILY for row in rows if row.id in in_family and row.id not in found})
    return found


attributes = AdminResource(
    model=Attribute, label="Attribute", plural="Attributes",
    documents=lambda rows, context: [row_document(row, context) for row in rows],
    detail=detail_document,
    filters={"id": id_list(Attribute.id), "code": partial(Attribute.code), "type": exact(Attribute.type),
             "admin_name": partial(Attribute.admin_name),
             **{name: flag(getattr(Attribute, name)) for name in FLAGS}},
    sorts={"id": Attribute.id, "code": Attribute.code, "admin_name": Attribute.admin_name, "type": Attribute.type,
           "position": Attribute.position},
    default_order="desc",
    unique=("code",), values=attribute_values, after_save=save_relations,
    refuse_delete=lambda rows: refusals(rows, SYSTEM_ATTRIBUTE),
    messages={"deleted": "Attribute deleted successfully.", "mass_deleted": "Attributes deleted successfully."},
)

list_admin_attributes = attributes.list_handler()
get_admin_attribute = attributes.get_handler()
create_admin_attribute = attributes.create_handler()
update_admin_attribute = attributes.update_handler()
delete_admin_attribute = attributes.delete_handler()
# The mass-delete page answers 422 (not the single delete's 403) for a system attribute in the batch.
mass_delete_admin_attributes = dataclasses.replace(
    attributes, refuse_delete=lambda rows: refusals(rows, SYSTEM_ATTRIBUTE_IN_BATCH)).mass_delete_handler()


# --- GraphQL ---------------------------------------------------------------------



def graphql_delete_admin_attribute_option(context: RequestContext, input: dict, attribute_id: int | None = None) -> dict:
    """`input.id` is the option IRI; the payload is the attribute without the option."""
    option_id = parse_id(input.get("id"))
    if attribute_id is None:
        option = AttributeOption.get_or_none(AttributeOption.id == option_id)
        if option is None:
            raise NotFound("Attribute option")
        attribute_id = option.attribute_id
    delete_admin_attribute_option(context, attribute_id, option_id)
    return get_admin_attribute(context, attribute_id)


def labelled_options(data: dict) -> dict:
    """admin-api.md's options `[{label, value}]`: `value` is the option's admin name, `label` its label in the
    default locale."""
    if not data.get("options"):
        return data
    options = [{"adminName": option.get("value") or option["label"], "sortOrder": position,
                "translations": {default_locale(): {"label": option["label"]}}}
               for position, option in enumerate(data["options"], start=1)]
    return {**data, "options": options}


graphql_resolvers = {"AdminAttribute": {"label": "adminName", "required": "isRequired", "filterable": "isFilterable",
                                        "configurable": "isConfigurable"}}
