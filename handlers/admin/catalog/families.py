"""Admin attribute families: /api/admin/catalog/families (CRUD); GraphQL adminAttributeFamily(ies).

The generic path (handlers.admin.crud) serves the family itself; written by hand is the group
structure the pages describe: create takes a list of groups, update an object keyed by group id
(update that group) or `group_*` (create one) where groups left out are deleted, and each group's
`custom_attributes` is its whole attribute list. An attribute sits in one group of a family at most.

Products show their family's code and name (`attributeFamily` in the shop product detail), read on
every request, so a rename shows at once.
"""
import re

from handlers.admin.crud import AdminResource, Refusal, id_list, partial, plain_document
from domain.common import RequestContext, snake_case
from domain.errors import Unprocessable
from storage.models import Attribute, AttributeFamily, AttributeGroup, AttributeGroupMapping, Product

NEW_GROUP_KEY = re.compile(r"group_\w+")


def family_detail(family: AttributeFamily, context: RequestContext) -> dict:
    groups = list(AttributeGroup.select().where(AttributeGroup.attribute_family == family.id)
                  .order_by(AttributeGroup.position, AttributeGroup.id))
    members: dict[int, list[dict]] = {}
    column = {group.id: group.column for group in groups}
    for mapping in (AttributeGroupMapping.select(AttributeGroupMapping, Attribute).join(Attribute)
                    .where(AttributeGroupMapping.attribute_group.in_(list(column)))
                    .order_by(AttributeGroupMapping.position, Attribute.id)):
        attribute = mapping.attribute
        members.setdefault(mapping.attribute_group_id, []).append({
            "id": attribute.id, "code": attribute.code, "type": attribute.type,
            "isRequired": int(attribute.is_required), "column": column[mapping.attribute_group_id],
            "position": mapping.position})
    return {"id": family.id, "code": family.code, "name": family.name,
            "attributeGroups": [{"id": group.id, "code": group.code, "name": group.name, "column": group.column,
                                 "position": group.position, "attributes": members.get(group.id, [])}
                                for group in groups]}


# --- groups ----------------------------------------------------------------------

def save_groups(family: AttributeFamily, body: dict, is_new: bool):
    if "attribute_groups" not in body:
        return
    groups = body["attribute_groups"]
    entries = [(str(index), None, group) for index, group in enumerate(groups)] if is_new else \
        [(key, group_key(family, key), group) for key, group in groups.items()]
    check_groups(entries)
    kept = [key for _path, key, _group in entries if key is not None]
    AttributeGroup.delete().where(AttributeGroup.attribute_family == family.id,
                                  AttributeGroup.id.not_in(kept)).execute()
    for index, (_path, key, group) in enumerate(entries, start=1):
        columns = {"code": group["code"], "name": group["name"], "column": group.get("column", 1),
                   "position": group.get("position", index)}
        if key is None:
            key = AttributeGroup.create(attribute_family=family.id, **columns).id
        else:
            AttributeGroup.update(columns).where(AttributeGroup.id == key).execute()
        AttributeGroupMapping.delete().where(AttributeGroupMapping.attribute_group == key).execute()
        members = [{"attribute_group": key, "attribute": item["id"], "position": item.get("position", place)}
                   for place, item in enumerate(group.get("custom_attributes") or [], start=1)]
        if members:
            AttributeGroupMapping.insert_many(members).execute()


def group_key(family: AttributeFamily, key: str) -> int | None:
    """An existing group id of this family, or None for a `group_*` key; 422 for anything else."""
    if NEW_GROUP_KEY.fullmatch(key):
        return None
    if key.isdigit() and AttributeGroup.select().where(AttributeGroup.id == int(key),
                                                       AttributeGroup.attribute_family == family.id).exists():
        return int(key)
    raise Unprocessable({f"attribute_groups.{key}": ["Use the id of a group of this family or a group_* key."]})


def check_groups(entries: list[tuple]):
    """422 for a group code used twice, unknown attributes, and an attribute in two groups."""
    errors, codes, placed = {}, set(), set()
    wanted = {item["id"] for _path, _key, group in entries for item in group.get("custom_attributes") or []}
    known = {key for (key,) in Attribute.select(Attribute.id).where(Attribute.id.in_(wanted)).tuples()} if wanted else set()
    for path, _key, group in entries:
        if group["code"] in codes:
            errors[f"attribute_groups.{path}.code"] = ["The group code is used twice in this family."]
        codes.add(group["code"])
        for item in group.get("custom_attributes") or []:
            if item["id"] not in known:
                errors[f"attribute_groups.{path}.custom_attributes"] = [f"Attribute {item['id']} does not exist."]
            elif item["id"] in placed:
                errors[f"attribute_groups.{path}.custom_attributes"] = [
                    f"Attribute {item['id']} is already in another group of this family."]
            placed.add(item["id"])
    if errors:
        raise Unprocessable(errors)


# --- deleting --------------------------------------------------------------------

def refuse_family_delete(rows: list[AttributeFamily]) -> dict:
    ids = [row.id for row in rows]
    if not AttributeFamily.select().where(AttributeFamily.id.not_in(ids)).exists():
        return {ids[-1]: Refusal("At least one attribute family is required.", "last_family")}
    refusals = {}
    for family_id in ids:
        products = Product.select().where(Product.attribute_family == family_id).count()
        if products:
            refusals[family_id] = Refusal(
                f"Cannot delete — attribute family is in use by {products} product(s).", "family_in_use")
    return refusals


families = AdminResource(
    model=AttributeFamily, label="Attribute family", plural="Attribute families",
    document=plain_document("id", "code", "name"),
    detail=family_detail,
    filters={"id": id_list(AttributeFamily.id), "code": partial(AttributeFamily.code),
             "name": partial(AttributeFamily.name)},
    sorts={"id": AttributeFamily.id, "code": AttributeFamily.code, "name": AttributeFamily.name},
    default_order="desc",
    unique=("code",), values=lambda body, row: {key: body[key] for key in ("code", "name") if key in body},
    after_save=save_groups, refuse_delete=refuse_family_delete,
    messages={"deleted": "Attribute family deleted successfully."},
)

list_admin_attribute_families = families.list_handler()
get_admin_attribute_family = families.get_handler()
create_admin_attribute_family = families.create_handler()
update_admin_attribute_family = families.update_handler()
delete_admin_attribute_family = families.delete_handler()


# --- GraphQL ---------------------------------------------------------------------

def snake_groups(data: dict) -> dict:
    """Group entries arrive camelCase (`customAttributes`) inside the JSON `attributeGroups`."""
    groups = data.get("attributeGroups")

    def snake(group):
        return {snake_case(key): value for key, value in group.items()} if isinstance(group, dict) else group
    if isinstance(groups, list):
        return {**data, "attributeGroups": [snake(group) for group in groups]}
    if isinstance(groups, dict):
        return {**data, "attributeGroups": {key: snake(group) for key, group in groups.items()}}
    return data
