"""Admin categories: /api/admin/catalog/categories (list, tree, detail, create, update and move, delete,
mass delete, mass status); GraphQL adminCategories, adminCategoryTrees, adminCategory and the mutations.

Detail, delete, mass delete and mass status come from the generic path (handlers.admin.crud). Written
by hand is what the pages describe for categories only: the list and tree read the request locale's
translation; create and update take locale-nested translations and place the category in the tree.

The tree is a nested set (lft/rgt, siblings ordered by position then id), which the shop uses to read
a channel's categories. Every write keeps it exact with a constant number of set-based statements:
inserting opens a gap of 2; deleting a subtree closes its gap; moving lifts the subtree out (negated
bounds), closes its gap, opens one where it goes and puts it back. Tree writers run one at a time
(`lock_tree`). The shop reads the same rows on every request, so a rename, a status change or a move
shows there at once.
"""
import base64

from peewee import JOIN

from domain.access import created
from handlers.admin.crud import AdminResource, Refusal, exact, id_list, partial
from domain.catalog.category_filters import filterable_attribute_ids, set_filterable_attributes
from domain.common import Page, RequestContext, Window, camel_case, iso, snake_case
from domain.errors import Unprocessable
from domain.ids import parse_id
from storage.db import database
from storage.models import Attribute, Category, CategoryTranslation, Channel, Locale, utcnow

DESCRIBED_MODES = ("description_only", "products_and_description")
TRANSLATED = ("name", "slug", "description", "meta_title", "meta_description", "meta_keywords")
UPDATE_FIELDS = ("locale", "position", "attributes", "parent_id", "status", "display_mode")
ROOT_CATEGORY = Refusal("Root and channel-root categories cannot be deleted.", "root_category")


# --- documents ------------------------------------------------------------------

def row_document(category: Category, translation: CategoryTranslation | None, context: RequestContext) -> dict:
    """A list row; `name`, `slug`, `description` are the request locale's (null without one)."""
    return {
        "id": category.id, "position": category.position, "status": int(category.status),
        "parentId": category.parent_id, "displayMode": category.display_mode,
        "logoUrl": context.media(category.logo_path), "bannerUrl": context.media(category.banner_path),
        "name": translation.name if translation else None, "slug": translation.slug if translation else None,
        "description": translation.description if translation else None, "locale": context.locale,
        "createdAt": iso(category.created_at), "updatedAt": iso(category.updated_at),
        "translations": None, "filterableAttributeIds": None,
    }


def category_detail(category: Category, context: RequestContext) -> dict:
    rows = list(CategoryTranslation.select().where(CategoryTranslation.category == category.id)
                .order_by(CategoryTranslation.id))
    current = next((row for row in rows if row.locale == context.locale), None)
    return {**row_document(category, current, context),
            "translations": [{"locale": row.locale, "name": row.name, "slug": row.slug,
                              "description": row.description, "metaTitle": row.meta_title,
                              "metaDescription": row.meta_description, "metaKeywords": row.meta_keywords}
                             for row in rows],
            "filterableAttributeIds": filterable_attribute_ids(category.id)}


def with_translation(locale: str):
    """Categories joined to their `locale` translation (`category.translation`, None when missing)."""
    return (Category.select(Category, CategoryTranslation)
            .join(CategoryTranslation, JOIN.LEFT_OUTER, attr="translation",
                  on=(CategoryTranslation.category == Category.id) & (CategoryTranslation.locale == locale)))


def translation_of(category: Category) -> CategoryTranslation | None:
    translation = getattr(category, "translation", None)
    return translation if translation is not None and translation.id is not None else None


# --- list and tree ----------------------------------------------------------------

def list_admin_categories(context: RequestContext, window: Window, sort: str | None = None, order: str | None = None,
                          status: int | None = None, **filters) -> Page:
    if status in (0, 1):
        filters["status"] = status
    query = with_translation(context.locale)
    for name, value in filters.items():
        if value is not None and value != "":
            query = query.where(categories.filters[name](value))
    if sort and "-" in sort:  # compound form "name-asc"; an explicit `order` wins
        sort, _, direction = sort.partition("-")
        order = order or direction
    rows = list(query.order_by(*categories.ordering(sort, order)).offset(window.offset).limit(window.limit))
    return Page([row_document(row, translation_of(row), context) for row in rows], query.count())


def list_admin_category_tree(context: RequestContext, window: Window, status: int | None = None,
                             root_id: int | None = None) -> Page:
    """Root nodes (or the `root_id` node) with their subtrees, in two queries."""
    if root_id is not None:
        top = Category.get_or_none(Category.id == root_id)
        if top is None:
            return Page([], 0)
        query = with_translation(context.locale).where(Category.lft.between(top.lft, top.rgt))
    else:
        query = with_translation(context.locale)
    rows = sorted(query, key=lambda row: (row.position, row.id))
    children: dict[int | None, list[Category]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    tops = [row for row in rows if row.id == root_id] if root_id is not None else children.get(None, [])
    wanted = status if status in (0, 1) else None

    def node(category: Category) -> dict | None:
        kids = [child for child in map(node, children.get(category.id, [])) if child is not None]
        if wanted is not None and int(category.status) != wanted and not kids:
            return None
        translation = translation_of(category)
        return {"id": category.id, "name": translation.name if translation else None,
                "slug": translation.slug if translation else None, "status": int(category.status),
                "position": category.position, "parentId": category.parent_id,
                "displayMode": category.display_mode, "children": kids}

    nodes = [tree for tree in map(node, tops) if tree is not None]
    return Page(nodes[window.offset:window.offset + window.limit], len(nodes))


# --- the nested set ----------------------------------------------------------------

def lock_tree():
    """Serialize tree writers: the first statement of every tree write takes the root rows' lock
    (a row lock on PostgreSQL, the database write lock on SQLite) before any bounds are read."""
    Category.update(lft=Category.lft).where(Category.parent.is_null()).execute()


def open_gap(at: int, width: int):
    Category.update(lft=Category.lft + width).where(Category.lft >= at).execute()
    Category.update(rgt=Category.rgt + width).where(Category.rgt >= at).execute()


def close_gap(after: int, width: int):
    Category.update(lft=Category.lft - width).where(Category.lft > after).execute()
    Category.update(rgt=Category.rgt - width).where(Category.rgt > after).execute()


def insertion_point(parent_id: int, position: int, node_id: int | None) -> int:
    """The lft a child of `parent_id` gets: right after the last sibling ordered before it by
    (position, id); a new node (no id yet) goes after its equal-position siblings."""
    earlier = Category.position < position
    if node_id is None:
        earlier |= Category.position == position
    else:
        earlier |= (Category.position == position) & (Category.id < node_id)
    last = (Category.select(Category.rgt).where(Category.parent == parent_id, Category.id != (node_id or 0), earlier)
            .order_by(Category.rgt.desc()).first())
    return last.rgt + 1 if last else Category.get_by_id(parent_id).lft + 1


def insert_node(values: dict) -> Category:
    at = insertion_point(values["parent"], values["position"], None)
    open_gap(at, 2)
    return Category.create(**values, lft=at, rgt=at + 1)


def move_subtree(node_id: int, parent_id: int, position: int):
    node = Category.get_by_id(node_id)
    width = node.rgt - node.lft + 1
    Category.update(lft=Category.lft * -1, rgt=Category.rgt * -1).where(Category.lft.between(node.lft, node.rgt)).execute()
    close_gap(node.rgt, width)
    at = insertion_point(parent_id, position, node.id)
    open_gap(at, width)
    offset = at - node.lft
    Category.update(lft=offset - Category.lft, rgt=offset - Category.rgt).where(Category.lft < 0).execute()


def remove_subtrees(ids: list[int]):
    """Delete each category with its descendants and close the gap it leaves."""
    lock_tree()
    for key in ids:
        node = Category.get_or_none(Category.id == key)
        if node is None:  # went with an ancestor deleted just before
            continue
        Category.delete().where(Category.lft.between(node.lft, node.rgt)).execute()
        close_gap(node.rgt, node.rgt - node.lft + 1)


def refuse_category_delete(rows: list[Category]) -> dict:
    """Root categories, and categories holding a channel's root category in their subtree."""
    channel_roots = list(Category.select(Category.lft).join(Channel, on=(Channel.root_category == Category.id)))
    return {row.id: ROOT_CATEGORY for row in rows
            if row.parent_id is None or any(row.lft <= root.lft <= row.rgt for root in channel_roots)}


# --- create and update -------------------------------------------------------------

def check_translation(errors: dict, prefix: str, fields: dict, category_id: int | None, display_mode: str | None):
    """422 entries for a taken slug and a description the display mode requires."""
    if display_mode in DESCRIBED_MODES and not fields.get("description"):
        errors[f"{prefix}description"] = [f"The description is required when the display mode is {display_mode}."]
    taken = CategoryTranslation.select().where(CategoryTranslation.slug == fields["slug"])
    if category_id is not None:
        taken = taken.where(CategoryTranslation.category != category_id)
    if taken.exists():
        errors[f"{prefix}slug"] = ["The slug has already been taken."]


def check_attributes(errors: dict, ids: list[int]):
    found = Attribute.select().where(Attribute.id.in_(ids), Attribute.is_filterable == True).count()  # noqa: E712
    if found != len(set(ids)):
        errors["attributes"] = ["Every attribute must exist and be filterable."]


def unknown_locales(codes: list[str]) -> list[str]:
    known = {code for (code,) in Locale.select(Locale.code).where(Locale.code.in_(codes)).tuples()}
    return [code for code in codes if code not in known]


def save_translation(category_id: int, locale: str, fields: dict):
    values = {name: fields[name] for name in TRANSLATED if fields.get(name) is not None}
    if "slug" in values:
        values["url_path"] = values["slug"]
    updated = (CategoryTranslation.update(values)
               .where(CategoryTranslation.category == category_id, CategoryTranslation.locale == locale).execute())
    if not updated:
        CategoryTranslation.create(category=category_id, locale=locale, **values)


def default_parent(context: RequestContext) -> int:
    if context.root_category_id is not None:
        return context.root_category_id
    return Category.select(Category.id).where(Category.parent.is_null()).order_by(Category.id).first().id


def create_admin_category(context: RequestContext, body: dict):
    locale = body.get("locale") or context.locale
    with database.atomic():
        lock_tree()
        parent_id = body.get("parent_id") or default_parent(context)
        errors = {}
        if not Category.select().where(Category.id == parent_id).exists():
            errors["parent_id"] = ["The selected parent id is invalid."]
        if unknown_locales([locale]):
            errors["locale"] = ["Unknown locale."]
        check_translation(errors, "", body, None, body.get("display_mode"))
        check_attributes(errors, body["attributes"])
        if errors:
            raise Unprocessable(errors)
        category = insert_node({"parent": parent_id, "position": body["position"], "status": bool(body.get("status", 1)),
                                "display_mode": body.get("display_mode", "products_and_description")})
        save_translation(category.id, locale, body)
        set_filterable_attributes(category.id, body["attributes"])
    return created(category_detail(categories.find(category.id), context))


def update_admin_category(context: RequestContext, id: int, body: dict) -> dict:
    locale = body.get("locale") or context.locale
    translations = {key: value for key, value in body.items() if key not in UPDATE_FIELDS}
    with database.atomic():
        lock_tree()
        category = categories.find(id)
        errors = {}
        unknown = unknown_locales([locale, *translations])
        for code in unknown:
            errors["locale" if code == locale and code not in translations else code] = ["Unknown locale."]
        if locale not in translations and not errors.get("locale"):
            errors[locale] = [f"The {locale} translation (slug, name) is required."]
        for code, fields in translations.items():
            if code not in unknown:
                check_translation(errors, f"{code}.", fields, category.id, body.get("display_mode"))
        check_attributes(errors, body["attributes"])
        parent_id = body.get("parent_id") or category.parent_id
        check_parent(errors, category, parent_id)
        if errors:
            raise Unprocessable(errors)
        columns = {"position": body["position"], "updated_at": utcnow(),
                   **{name: body[name] for name in ("status", "display_mode") if name in body}}
        Category.update(columns).where(Category.id == category.id).execute()
        if (parent_id, body["position"]) != (category.parent_id, category.position):
            Category.update(parent=parent_id).where(Category.id == category.id).execute()
            move_subtree(category.id, parent_id, body["position"])
        for code, fields in translations.items():
            save_translation(category.id, code, fields)
        set_filterable_attributes(category.id, body["attributes"])
    return category_detail(categories.find(category.id), context)


def check_parent(errors: dict, category: Category, parent_id: int | None):
    if parent_id == category.parent_id:
        return
    parent = Category.get_or_none(Category.id == parent_id)
    if category.parent_id is None:
        errors["parent_id"] = ["A root category cannot be moved."]
    elif parent is None:
        errors["parent_id"] = ["The selected parent id is invalid."]
    elif category.lft <= parent.lft <= category.rgt:
        errors["parent_id"] = ["A category cannot move under itself or its descendants."]


categories = AdminResource(
    model=Category, label="Category", plural="Categories",
    detail=category_detail,
    filters={"category_id": id_list(Category.id, "category_id"), "name": partial(CategoryTranslation.name),
             "position": exact(Category.position), "status": lambda value: Category.status == bool(value),
             "parent_id": exact(Category.parent)},
    sorts={"id": Category.id, "name": CategoryTranslation.name, "position": Category.position,
           "status": Category.status},
    default_order="desc",
    refuse_delete=refuse_category_delete, before_delete=remove_subtrees,
    messages={"deleted": "Category deleted successfully.", "mass_deleted": "Categories deleted successfully.",
              "status_updated": "Categories status updated successfully."},
)

get_admin_category = categories.get_handler()
delete_admin_category = categories.delete_handler()
mass_delete_admin_categories = categories.mass_delete_handler()
mass_update_admin_categories_status = categories.mass_update_status_handler()


# --- GraphQL ---------------------------------------------------------------------

def snake_translations(data: dict) -> dict:
    """Locale objects (`en`, `fr`) arrive camelCase (`metaTitle`)."""
    return {key: {snake_case(name): value for name, value in item.items() if value is not None}
            if isinstance(item, dict) else item for key, item in data.items()}


def category_fields(fields: dict, context: RequestContext) -> dict:
    """`createCategory` (admin-api.md): without `attributes`, the category filters by its parent's
    filterable attributes (every filterable attribute when the parent has none)."""
    if fields.get("attributes") is None:
        parent_id = parse_id(fields["parentId"], "parentId") if fields.get("parentId") else default_parent(context)
        inherited = filterable_attribute_ids(parent_id) if Category.get_or_none(Category.id == parent_id) else []
        fields["attributes"] = inherited or [key for (key,) in Attribute.select(Attribute.id)
                                             .where(Attribute.is_filterable == True).tuples()]  # noqa: E712
    return fields


def category_update_fields(fields: dict, context: RequestContext) -> dict:
    """`updateCategory` (admin-api.md): the fields sent change, the others keep their stored values (the
    position, the filterable attributes, the locale's slug and texts)."""
    category = categories.find(parse_id(fields["id"], "id"))
    locale = fields.get("locale") or context.locale
    current = (CategoryTranslation.get_or_none(CategoryTranslation.category == category.id,
                                               CategoryTranslation.locale == locale))
    texts = {name: fields.pop(camel_case(name), None) for name in TRANSLATED}
    stored = {name: getattr(current, name) for name in TRANSLATED} if current else {}
    translation = {camel_case(name): texts[name] if texts[name] is not None else stored.get(name)
                   for name in texts if texts[name] is not None or stored.get(name) is not None}
    return {"position": category.position, "attributes": filterable_attribute_ids(category.id), **fields,
            "locale": locale, locale: translation}


def category_children(category: dict, info) -> dict:
    """`AdminCategory.children`: the direct children (position, then id) as a connection, in the
    locale of the parent's document."""
    context = info.context["request"].context(category.get("locale"))
    rows = list(with_translation(context.locale).where(Category.parent == category["id"])
                .order_by(Category.position, Category.id))
    edges = [{"cursor": base64.b64encode(str(index).encode()).decode(),
              "node": row_document(row, translation_of(row), context)} for index, row in enumerate(rows)]
    return {"edges": edges, "totalCount": len(edges),
            "pageInfo": {"hasNextPage": False, "hasPreviousPage": False,
                         "startCursor": edges[0]["cursor"] if edges else None,
                         "endCursor": edges[-1]["cursor"] if edges else None}}


graphql_resolvers = {"AdminCategory": {"children": category_children}}
