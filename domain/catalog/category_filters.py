"""The attributes each category's layered navigation filters by (`CategoryFilterableAttribute`),
in attribute position order. A category keeps the ones it was given (admin `attributes`); an
attribute that stops being filterable or is deleted leaves every category."""
from storage.models import Attribute
from storage.search_models import CategoryFilterableAttribute as Link


def filterable_attributes_of(category_ids) -> dict[int, list[Attribute]]:
    """{category id: [filterable Attribute, by position]} in one query."""
    ids = list(category_ids)
    grouped: dict[int, list[Attribute]] = {key: [] for key in ids}
    if not ids:
        return grouped
    rows = (Link.select(Link.category, Attribute).join(Attribute, on=(Attribute.id == Link.attribute))
            .where(Link.category.in_(ids), Attribute.is_filterable == True)  # noqa: E712
            .order_by(Attribute.position, Attribute.id))
    for row in rows:
        grouped[row.category_id].append(row.attribute)
    return grouped


def filterable_attribute_ids(category_id: int) -> list[int]:
    return [attribute.id for attribute in filterable_attributes_of([category_id])[category_id]]


def set_filterable_attributes(category_id: int, attribute_ids) -> None:
    """Replace the category's filterable attributes (ids already checked to be filterable); the
    links it keeps stay as they are."""
    wanted = list(dict.fromkeys(attribute_ids))
    Link.delete().where(Link.category == category_id, Link.attribute.not_in(wanted)).execute()
    kept = {key for (key,) in Link.select(Link.attribute).where(Link.category == category_id).tuples()}
    rows = [{"category": category_id, "attribute": key} for key in wanted if key not in kept]
    if rows:
        Link.insert_many(rows).execute()
