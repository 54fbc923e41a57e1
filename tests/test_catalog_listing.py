"""The product list at catalog scale: its statement count depends on neither the page size nor the
catalog size, and the ids it keeps per catalog version (domain/catalog/listing_cache.py) follow every
committed change to the catalog."""
import pytest

from domain.catalog.listing_cache import catalog_version
from server import answer_cache
from storage.db import database
from storage.models import Product, ProductCategory
from tests.helpers import count_queries
from tests.order_fixtures import make_product

LISTS = ["/api/shop/products?per_page={n}", "/api/shop/products?per_page={n}&sort=price-desc",
         "/api/shop/products?per_page={n}&sort=name-asc&color=1,2", "/api/shop/products?per_page={n}&category_id=3"]


def statements_of(client, path: str) -> list[str]:
    """The statements of building the list (its ids kept, its answer not replayed)."""
    client.get(path)  # the first read of a list after a catalog change reads its ids
    answer_cache.forget()
    with count_queries() as statements:
        response = client.get(path)
        assert response.status_code == 200, response.text
    return statements


def total_of(client, path: str) -> int:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return int(response.headers["X-Total-Count"])


@pytest.mark.parametrize("path", LISTS)
def test_statement_count_is_the_same_for_5_and_50_per_page(client, path):
    small, large = statements_of(client, path.format(n=5)), statements_of(client, path.format(n=50))
    assert len(small) == len(large), (small, large)
    assert not any("COUNT(" in sql.upper() or "OFFSET" in sql.upper() for sql in large)  # no count, no scan to a page


def test_statement_count_does_not_grow_with_the_catalog(client):
    path = "/api/shop/products?per_page=30&page=2"
    before, total = statements_of(client, path), total_of(client, path)
    added = [make_product(price="12.00") for _ in range(40)]
    assert total_of(client, path) == total + 40
    after = statements_of(client, path)
    assert len(after) == len(before), (before, after)
    assert added[-1] in [item["id"] for item in client.get("/api/shop/products",
                                                           params={"per_page": 50, "page": (total + 40) // 50 + 1}).json()]


def test_every_catalog_write_raises_the_version(client):
    with database.connection_context():
        start = catalog_version()
        product_id = make_product()
        created = catalog_version()
        Product.update(status=False).where(Product.id == product_id).execute()
        disabled = catalog_version()
        ProductCategory.create(product=product_id, category=3)
        linked = catalog_version()
    assert start < created < disabled < linked


def test_a_change_is_listed_on_the_next_request(client):
    path = "/api/shop/products?per_page=50&sort=price-desc"
    product_id = make_product(price="99999.00")
    first = client.get(path).json()
    assert first[0]["id"] == product_id and first[0]["price"] == 99999.0
    total = total_of(client, path)
    with database.connection_context():
        Product.update(status=False).where(Product.id == product_id).execute()
    assert product_id not in [item["id"] for item in client.get(path).json()]
    assert total_of(client, path) == total - 1


def test_a_rolled_back_write_leaves_the_version(client):
    with database.connection_context():
        before = catalog_version()
        with database.atomic() as transaction:
            Product.update(new=True).where(Product.id == 1).execute()
            transaction.rollback()
        assert catalog_version() == before
