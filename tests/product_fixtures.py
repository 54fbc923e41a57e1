"""Putting seeded products back after tests that change them: `restored_products(ids)` for a test that
edits known products (the contract test, which writes blindly, runs after every other test); `media_root`
for a test that uploads files."""
from contextlib import contextmanager

import pytest

from storage.db import database
from storage.files import media_storage
from storage.search_index import reindex_products
from storage.models import (
    Product, ProductAttributeValue, ProductCategory, ProductChannel, ProductCustomerGroupPrice,
    ProductDownloadableLink, ProductGroupedProduct, ProductImage, ProductInventory, ProductLink, ProductTranslation,
)

PRODUCT_TABLES = (ProductTranslation, ProductCategory, ProductChannel, ProductInventory, ProductImage,
                  ProductAttributeValue, ProductCustomerGroupPrice, ProductGroupedProduct, ProductDownloadableLink)


@contextmanager
def restored_products(*ids):
    """Snapshot products `ids` (with their variants) and their rows; put them back afterwards."""
    with database.connection_context():
        family = set(ids) | {pid for (pid,) in Product.select(Product.id).where(Product.parent.in_(ids)).tuples()}
        products = list(Product.select().where(Product.id.in_(family)).dicts())
        rows = {model: list(model.select().where(model.product.in_(family)).dicts()) for model in PRODUCT_TABLES}
        links = list(ProductLink.select().where(ProductLink.parent.in_(family)).dicts())
    try:
        yield
    finally:
        with database.connection_context(), database.atomic():
            for row in products:
                if Product.select().where(Product.id == row["id"]).exists():
                    Product.update(row).where(Product.id == row["id"]).execute()
                else:
                    Product.insert(row).execute()
            for model, saved in rows.items():
                model.delete().where(model.product.in_(family)).execute()
                if saved:
                    model.insert_many(saved).execute()
            ProductLink.delete().where(ProductLink.parent.in_(family)).execute()
            if links:
                ProductLink.insert_many(links).execute()
            reindex_products(family)


@pytest.fixture
def media_root(tmp_path, monkeypatch):
    """Uploads go to a scratch folder for the test."""
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path))
    media_storage.cache_clear()
    yield tmp_path
    media_storage.cache_clear()
