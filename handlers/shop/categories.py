"""Categories: GET /api/shop/categories, /categories/{id}, /category-trees;
GraphQL categories, category, treeCategories.

The shop sees the active categories of the channel's tree (nested-set bounds of the channel's root
category). Lists leave the root out; it is the tree's container. Trees are read with one range query
on lft/rgt plus one translation query and assembled in Python.
"""
import functools
import operator
from dataclasses import dataclass
from urllib.parse import urlsplit

from peewee import JOIN

from domain.catalog.category_filters import filterable_attributes_of
from domain.common import Page, RequestContext, Window, iso, translated
from domain.errors import NotFound
from storage.models import AttributeOption, Category, CategoryTranslation, Channel, Locale

CATEGORY_IRI = "/api/shop/categories/{}"
TRANSLATION_IRI = "/api/shop/category_translations/{}"


@dataclass(frozen=True)
class Tree:
    """The channel's category tree: its root's nested-set bounds and the storefront base URL."""
    lft: int
    rgt: int
    base_url: str

    def url(self, translation: dict | None) -> str:
        return f"{self.base_url}/{translation['slug'] if translation else ''}"


def channel_tree(context: RequestContext) -> Tree | None:
    row = (Category.select(Category.lft, Category.rgt, Channel.hostname)
           .join(Channel, on=(Channel.root_category == Category.id))
           .where(Channel.id == context.channel_id).dicts().first())
    if row is None:
        return None
    return Tree(row["lft"], row["rgt"], storefront_url(row["hostname"], context.media_url))


def storefront_url(hostname: str | None, media_url: str) -> str:
    if not hostname:
        parts = urlsplit(media_url)
        return f"{parts.scheme}://{parts.netloc}"
    return (hostname if "://" in hostname else f"http://{hostname}").rstrip("/")


def active_below(tree: Tree):
    """Active categories strictly inside the channel's tree (the root excluded)."""
    return Category.select().where(Category.status == True, Category.lft > tree.lft,  # noqa: E712
                                   Category.rgt < tree.rgt)


def find_category(context: RequestContext, id: int) -> tuple[Category, Tree]:
    tree = channel_tree(context)
    category = None
    if tree is not None:
        category = Category.get_or_none(Category.id == id, Category.status == True,  # noqa: E712
                                        Category.lft >= tree.lft, Category.rgt <= tree.rgt)
    if category is None:
        raise NotFound("Category")
    return category, tree


# --- shared pieces ------------------------------------------------------------

def translations_by_category(ids: list[int], locales: tuple[str, ...] | None = None) -> dict[int, dict[str, dict]]:
    """{category id: {locale: translation document}} in one query, translation ids ascending."""
    query = (CategoryTranslation.select(CategoryTranslation, Locale.id.alias("locale_id"))
             .join(Locale, JOIN.LEFT_OUTER, on=(Locale.code == CategoryTranslation.locale))
             .where(CategoryTranslation.category.in_(ids)).order_by(CategoryTranslation.id))
    if locales is not None:
        query = query.where(CategoryTranslation.locale.in_(locales))
    grouped: dict[int, dict[str, dict]] = {}
    for row in query.objects():
        grouped.setdefault(row.category_id, {})[row.locale] = translation_document(row)
    return grouped


def translation_document(row) -> dict:
    return {"id": row.id, "categoryId": row.category_id, "name": row.name, "slug": row.slug,
            "urlPath": row.url_path, "description": row.description, "metaTitle": row.meta_title,
            "metaDescription": row.meta_description, "metaKeywords": row.meta_keywords,
            "localeId": row.locale_id, "locale": row.locale}


def filterable_attributes(category_ids: list[int], with_options: bool) -> dict[int, list[dict]]:
    """{category id: its filterable attributes by position} (domain/catalog/category_filters.py)."""
    by_category = filterable_attributes_of(category_ids)
    if not with_options:
        return {key: [{"id": a.id, "code": a.code, "adminName": a.admin_name, "type": a.type} for a in attributes]
                for key, attributes in by_category.items()}
    attribute_ids = {a.id for attributes in by_category.values() for a in attributes}
    options: dict[int, list[dict]] = {}
    rows = (AttributeOption.select().where(AttributeOption.attribute.in_(list(attribute_ids)))
            .order_by(AttributeOption.sort_order, AttributeOption.id))
    for option in rows:
        options.setdefault(option.attribute_id, []).append(
            {"id": option.id, "adminName": option.admin_name, "sortOrder": option.sort_order})
    return {key: [{"id": a.id, "code": a.code, "type": a.type, "isFilterable": 1, "options": options.get(a.id, [])}
                  for a in attributes] for key, attributes in by_category.items()}


def node_fields(category: Category, translation: dict | None, tree: Tree) -> dict:
    return {"id": category.id, "position": category.position, "status": int(category.status),
            "displayMode": category.display_mode, "_lft": category.lft, "_rgt": category.rgt,
            "createdAt": iso(category.created_at), "updatedAt": iso(category.updated_at),
            "url": tree.url(translation), "translation": translation}


def child_document(category: Category, translation: dict | None, context: RequestContext, tree: Tree) -> dict:
    return {**node_fields(category, translation, tree),
            "logoPath": category.logo_path, "logoUrl": context.media(category.logo_path)}


def by_parent(categories) -> dict[int, list[Category]]:
    grouped: dict[int, list[Category]] = {}
    for category in sorted(categories, key=lambda c: (c.position, c.id)):
        grouped.setdefault(category.parent_id, []).append(category)
    return grouped


# --- REST ---------------------------------------------------------------------

# `graphql` (passed by the GraphQL bridge): the GraphQL shape, loading only what `fields` selects.

def list_categories(context: RequestContext, window: Window, parent_id: int | None = None, graphql: bool = False,
                    fields: frozenset = frozenset()) -> Page:
    tree = channel_tree(context)
    if tree is None:
        return Page([], 0)
    query = active_below(tree)
    if parent_id is not None:
        query = query.where(Category.parent == parent_id)
    categories = list(query.order_by(Category.id).offset(window.offset).limit(window.limit))
    if graphql:
        return Page(category_graphql_documents(categories, context, tree, fields), query.count())
    return Page(category_documents(categories, context, tree), query.count())


def get_category(context: RequestContext, id: int, graphql: bool = False, fields: frozenset = frozenset()) -> dict:
    category, tree = find_category(context, id)
    if graphql:
        return category_graphql_documents([category], context, tree, fields)[0]
    return category_documents([category], context, tree)[0]


def category_documents(categories: list[Category], context: RequestContext, tree: Tree) -> list[dict]:
    if not categories:
        return []
    children = by_parent(active_below(tree).where(Category.parent.in_([c.id for c in categories])))
    ids = [c.id for c in categories] + [child.id for group in children.values() for child in group]
    translations = translations_by_category(ids)
    attributes = filterable_attributes([c.id for c in categories], with_options=True)

    def translation_of(category):
        return translated(translations.get(category.id, {}), context)

    return [{**child_document(category, translation_of(category), context, tree),
             "filterableAttributes": attributes[category.id],
             "translations": [TRANSLATION_IRI.format(t["id"]) for t in translations.get(category.id, {}).values()],
             "parent": CATEGORY_IRI.format(category.parent_id) if category.parent_id else None,
             "children": [child_document(child, translation_of(child), context, tree)
                          for child in children.get(category.id, [])]}
            for category in categories]


def list_category_trees(context: RequestContext, parent_id: int | None = None, depth: int = 4,
                        graphql: bool = False, fields: frozenset = frozenset()) -> list[dict]:
    """REST: nested nodes `depth` levels deep. GraphQL (treeCategories): the categories under the parent,
    each with its whole active subtree when `children` is selected."""
    tree = channel_tree(context)
    if tree is None or parent_id is None:
        return []
    if graphql:
        top = list(active_below(tree).where(Category.parent == parent_id).order_by(Category.position, Category.id))
        return category_graphql_documents(top, context, tree, fields)
    parent = Category.get_or_none(Category.id == parent_id, Category.lft >= tree.lft, Category.rgt <= tree.rgt)
    if parent is None:
        return []
    descendants = list(active_below(tree).where(Category.lft > parent.lft, Category.rgt < parent.rgt))
    translations = translations_by_category([c.id for c in descendants], context.locales)
    children = by_parent(descendants)

    def nodes(parent_key: int, levels: int) -> list[dict]:
        return [{**node_fields(category, translated(translations.get(category.id, {}), context), tree),
                 "children": nodes(category.id, levels - 1) if levels > 1 else []}
                for category in children.get(parent_key, [])]

    return nodes(parent.id, depth)


# --- GraphQL documents ---------------------------------------------------------
# `fields` (the selection on each returned category) lets a query skip the subtree and the
# filterable attributes when it does not ask for them.

def category_graphql_documents(categories: list[Category], context: RequestContext, tree: Tree, fields: frozenset) -> list[dict]:
    """Full documents for `categories`; with `children` selected, each carries its whole active subtree."""
    if not categories:
        return []
    descendants = []
    if "children" in fields:
        inside = functools.reduce(operator.or_, [(Category.lft > c.lft) & (Category.rgt < c.rgt) for c in categories])
        descendants = list(active_below(tree).where(inside))
    everything = {c.id: c for c in categories + descendants}
    translations = translations_by_category(list(everything))
    wants_attributes = "filterableAttributes" in fields or "children" in fields
    attributes = filterable_attributes(list(everything), with_options=False) if wants_attributes else {}
    documents = {key: category_graphql_document(category, translations.get(key, {}), attributes.get(key, []),
                                                context, tree)
                 for key, category in everything.items()}
    for parent_key, group in by_parent(descendants).items():
        if parent_key in documents:
            documents[parent_key]["children"] = [documents[child.id] for child in group]
    return [documents[c.id] for c in categories]


def category_graphql_document(category: Category, translations: dict[str, dict], attributes: list[dict],
                     context: RequestContext, tree: Tree) -> dict:
    return {**child_document(category, translated(translations, context), context, tree),
            "bannerPath": category.banner_path, "bannerUrl": context.media(category.banner_path),
            "additional": None, "filterableAttributes": attributes,
            "translations": list(translations.values()), "children": []}
