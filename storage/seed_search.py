"""Demo search and navigation data: the searchable attributes (color, size, brand), every category
filtering by every filterable attribute, and the search documents of the whole catalog."""
from storage.db import database
from storage.models import Attribute, Category
from storage.search_index import reindex_all
from storage.search_models import CategoryFilterableAttribute

SEARCHABLE = ("color", "size", "brand")


def seed_search(show_progress: bool = False):
    with database.atomic():
        Attribute.update(is_searchable=True).where(Attribute.code.in_(SEARCHABLE)).execute()
        filterable = [pid for (pid,) in Attribute.select(Attribute.id).where(Attribute.is_filterable == True)  # noqa: E712
                      .order_by(Attribute.position, Attribute.id).tuples()]
        rows = [{"category": category_id, "attribute": attribute_id}
                for (category_id,) in Category.select(Category.id).order_by(Category.id).tuples()
                for attribute_id in filterable]
        CategoryFilterableAttribute.delete().execute()
        for start in range(0, len(rows), 500):
            CategoryFilterableAttribute.insert_many(rows[start:start + 500]).execute()
    if show_progress:
        print("indexing products for search", flush=True)
    reindex_all()
