"""Catalog search and layered navigation.

`ProductSearchDocument` is the text a product is found by: one row per product and locale of its
translations (locale "" for a product without any), holding the SKU, the name, the descriptions and
the values of its searchable attributes as normalized terms, and whether the shop lists the product at
all (`storage/search_index.py`). The database's
own full-text engine indexes these rows: on SQLite two FTS5 tables over them (words, and trigrams for
partial matches), on PostgreSQL `product_search_index` (a `tsvector` with a GIN index, and the SKU and
name under a `pg_trgm` GIN index). Triggers created by migration 0012 keep those in step with every
insert, update and delete of a document row, so they are not models of their own.

`CategoryFilterableAttribute`: the attributes a category's layered navigation filters by.
"""
from peewee import BigAutoField, CharField, ForeignKeyField, TextField

from storage.models import Attribute, BaseModel, Category, Product


class ProductSearchDocument(BaseModel):
    id = BigAutoField()  # product id * 1024 + the locale's id (0 for ""): see storage/search_index.py
    product = ForeignKeyField(Product, backref="+", on_delete="CASCADE")
    locale = CharField(max_length=16, default="")
    sku_key = CharField(index=True)  # the SKU lowercased, for the exact-SKU match
    scope = TextField(default="")  # "hidden": the shop never lists the product (disabled, not visible on its own)
    title = CharField(default="")  # the name as written, for suggestions
    url_key = CharField(default="")
    sku = TextField(default="")  # normalized terms from here on
    name = TextField(default="")
    description = TextField(default="")
    attributes = TextField(default="")

    class Meta:
        indexes = ((("product", "locale"), True),)


class CategoryFilterableAttribute(BaseModel):
    category = ForeignKeyField(Category, backref="+", on_delete="CASCADE")
    attribute = ForeignKeyField(Attribute, backref="+", on_delete="CASCADE")

    class Meta:
        indexes = ((("category", "attribute"), True),)


MODELS = [ProductSearchDocument, CategoryFilterableAttribute]
