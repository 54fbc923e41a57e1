"""The anonymous product detail from memory (domain/catalog/detail_cache.py): a warm read is one read of
the versions; every admin write to what the detail shows (product, price, stock, images, category
names, attribute option labels) shows on the very next read; signed-in callers get their own flags;
special prices open on time; building a detail takes the same statements whatever its variants and images."""
import datetime
import importlib
import re

import pytest

from domain.catalog import detail_cache
from server import answer_cache
from storage.db import database
from storage.models import (
    AttributeOptionTranslation, CatalogVersion, CategoryTranslation, Product, ProductImage, ProductInventory,
)
from tests.admin_fixtures import admin_client, super_admin  # noqa: F401 (fixtures)
from tests.catalog_fixtures import restored
from tests.customer_fixtures import customer  # noqa: F401 (fixtures)
from tests.helpers import attribute_id, count_queries
from tests.product_fixtures import media_root, restored_products  # noqa: F401 (fixtures)
from tests.test_admin_catalog_product_media import upload

ADMIN = "/api/admin/catalog/products"
DETAIL_QUERY = """query($id: ID!) { product(id: $id) { id sku name price isInWishlist
    images { edges { node { id publicPath position } } } variants { edges { node { id sku price baseImageUrl } } } } }"""


def detail(client, product_id: int, **headers) -> dict:
    response = client.get(f"/api/shop/products/{product_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def graphql_detail(client, product_id: int) -> dict:
    response = client.post("/api/graphql", json={"query": DETAIL_QUERY, "variables": {"id": f"/api/shop/products/{product_id}"}})
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return response.json()["data"]["product"]


def detail_version() -> int:
    with database.connection_context():
        return CatalogVersion.get_by_id(2).version


# --- warm reads -------------------------------------------------------------------------------------------

def test_a_warm_detail_is_one_version_read(client):
    detail(client, 2)  # the storefront key is looked up once
    detail_cache.forget()
    with count_queries() as cold:
        first = detail(client, 1)
    answer_cache.REST_ANSWERS.forget()  # the detail from this cache, not the answer replayed
    with count_queries() as warm:
        second = detail(client, 1)
    assert second == first
    assert len(cold) == 16, cold  # a simple product: 33 before the empty relations were skipped
    # the settings version (the scope is kept per worker under it) and the catalog versions, in one read
    assert len(warm) == 1 and "settings_version" in warm[0] and "catalog_version" in warm[0], warm
    with count_queries() as graphql_cold:
        graphql_first = graphql_detail(client, 5)
    answer_cache.GRAPHQL_ANSWERS.forget()
    with count_queries() as graphql_warm:
        assert graphql_detail(client, 5) == graphql_first
    assert len(graphql_cold) == 27 and len(graphql_warm) == 1, (graphql_cold, graphql_warm)  # configurable
    assert len(graphql_first["variants"]["edges"]) > 0


def test_scopes_are_kept_apart(client):
    english = detail(client, 1)
    french = detail(client, 1, **{"X-Locale": "fr"})
    euros = detail(client, 1, **{"X-Currency": "EUR"})
    assert detail(client, 1) == english
    assert french["name"] != english["name"] or french["description"] != english["description"]
    assert euros["formattedPrice"] != english["formattedPrice"]
    assert detail(client, 1, **{"X-Locale": "fr"}) == french
    assert client.get("/api/shop/products/99999999").status_code == 404


# --- writes show on the next read --------------------------------------------------------------------------

def test_a_product_write_shows_on_the_next_read(admin_client, client):
    with restored_products(1):
        assert detail(client, 1)["price"] == 263.75 and detail(client, 1)["price"] == 263.75  # cached
        assert admin_client.put(f"{ADMIN}/1", json={"price": "12.5", "name": "Renamed"}).status_code == 200
        shown = detail(client, 1)
        assert (shown["price"], shown["formattedPrice"], shown["name"]) == (12.5, "$12.50", "Renamed")
        assert graphql_detail(client, 1)["price"] == "12.5"
    assert detail(client, 1)["price"] == 263.75


def test_stock_shows_when_it_crosses_zero_and_sales_leave_the_version_alone(admin_client, client):
    with restored_products(3):
        assert detail(client, 3)["isSaleable"] is True
        before = detail_version()
        assert admin_client.put(f"{ADMIN}/3/inventories", json={"inventories": {"1": 52}}).status_code == 200
        assert detail_version() == before  # still in stock: the document is the same
        assert detail(client, 3)["isSaleable"] is True
        assert admin_client.put(f"{ADMIN}/3/inventories", json={"inventories": {"1": 0}}).status_code == 200
        assert detail_version() > before
        assert detail(client, 3)["isSaleable"] is False
        assert admin_client.put(f"{ADMIN}/3/inventories", json={"inventories": {"1": 4}}).status_code == 200
        assert detail(client, 3)["isSaleable"] is True
        with database.connection_context():  # a negative quantity (imports may write one) always shows
            ProductInventory.update(qty=-1).where(ProductInventory.product == 3).execute()
        assert detail(client, 3)["isSaleable"] is False


def test_an_image_upload_and_delete_show_on_the_next_read(admin_client, client, media_root):
    with restored_products(1):
        before = detail(client, 1)
        assert detail(client, 1) == before
        image = upload(admin_client, 1, position=1).json()
        shown = detail(client, 1)
        assert [item["id"] for item in shown["images"]] == [image["id"], *[item["id"] for item in before["images"]]]
        assert shown["baseImageUrl"] == image["url"]
        assert admin_client.delete(f"{ADMIN}/1/images/{image['id']}").status_code in (200, 204)
        assert [item["id"] for item in detail(client, 1)["images"]] == [item["id"] for item in before["images"]]


def test_category_and_option_renames_show_on_the_next_read(admin_client, client):
    with restored(CategoryTranslation, AttributeOptionTranslation):
        shown = detail(client, 1)
        assert detail(client, 1) == shown
        category = shown["categories"][0]
        with database.connection_context():
            CategoryTranslation.update(name="Renamed shelf").where(
                CategoryTranslation.category == category["id"], CategoryTranslation.locale == "en").execute()
        assert detail(client, 1)["categories"][0]["name"] == "Renamed shelf"
        color = shown["color"]
        response = admin_client.put(f"/api/admin/catalog/attributes/{attribute_id('color')}/options/{color['id']}",
                                    json={"translations": {"en": {"label": "Moonlight"}}})
        assert response.status_code == 200, response.text
        assert detail(client, 1)["color"]["label"] == "Moonlight"


def test_a_disabled_product_is_gone_on_the_next_read(admin_client, client):
    with restored_products(1):
        detail(client, 1)
        admin_client.post(f"{ADMIN}/mass-update-status", json={"indices": [1], "value": 0})
        assert client.get("/api/shop/products/1").status_code == 404
        assert client.post("/api/graphql", json={"query": DETAIL_QUERY, "variables": {"id": "/api/shop/products/1"}}
                           ).json()["data"]["product"] is None


# --- callers and moments -------------------------------------------------------------------------------------

def test_a_signed_in_customer_gets_their_own_flags(client, customer):
    assert detail(client, 1)["isInWishlist"] == 0 and detail(client, 1)["isInWishlist"] == 0  # cached
    added = client.post("/api/shop/wishlists", json={"productId": 1}, headers=customer["headers"])
    assert added.status_code in (200, 201), added.text
    assert detail(client, 1, **customer["headers"])["isInWishlist"] == 1
    assert detail(client, 1)["isInWishlist"] == 0


def test_a_special_price_opens_and_closes_on_time(client, monkeypatch):
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
    opens, closes = now + datetime.timedelta(hours=1), now + datetime.timedelta(hours=2)
    with restored_products(1):
        with database.connection_context():
            Product.update(special_price=100, special_price_from=opens, special_price_to=closes).where(
                Product.id == 1).execute()
        assert detail(client, 1)["specialPrice"] is None and detail(client, 1)["specialPrice"] is None
        for later, expected in ((opens + datetime.timedelta(minutes=1), 100), (closes + datetime.timedelta(minutes=1), None)):
            monkeypatch.setattr(detail_cache, "utcnow", lambda later=later: later)
            monkeypatch.setattr("handlers.shop.products.utcnow", lambda later=later: later)
            assert detail(client, 1)["specialPrice"] == expected
            assert detail(client, 1)["specialPrice"] == expected


# --- statements ----------------------------------------------------------------------------------------

@pytest.fixture
def configurables(admin_client):
    """Two enabled configurable products: one variant and one image each, and four of both."""
    made = []
    for sku, colors, sizes, images in (("t-detail-small", [1], [6], 1), ("t-detail-large", [1, 2], [6, 7], 4)):
        response = admin_client.post(ADMIN, json={"sku": sku, "attribute_family_id": 1, "type": "configurable",
                                                  "super_attributes": {"color": colors, "size": sizes}})
        assert response.status_code == 201, response.text
        product = response.json()
        made.append(product["id"])
        assert admin_client.put(f"{ADMIN}/{product['id']}", json={"name": sku, "url_key": sku, "status": 1,
                                                                 "price": "10"}).status_code == 200
        with database.connection_context():
            for owner in [product["id"], *[variant["id"] for variant in product["variants"]]]:
                for position in range(1, images + 1):
                    ProductImage.create(product=owner, type="images", path=f"product/{owner}/{position}.webp",
                                        position=position)
                ProductInventory.create(product=owner, inventory_source=1, qty=5)
    yield made
    with database.connection_context():
        family = Product.select(Product.id).where(Product.id.in_(made) | Product.parent.in_(made))
        ProductImage.delete().where(ProductImage.product.in_(family)).execute()
        ProductInventory.delete().where(ProductInventory.product.in_(family)).execute()
        Product.delete().where(Product.id.in_(made) | Product.parent.in_(made)).execute()


def cold_statements(read) -> int:
    detail_cache.forget()
    answer_cache.forget()
    with count_queries() as statements:
        read()
    return len(statements)


def test_building_a_detail_takes_the_same_statements_whatever_its_variants_and_images(client, configurables):
    small, large = configurables
    assert len(detail(client, small)["variants"]) == 1 and len(detail(client, large)["variants"]) == 4
    assert len(detail(client, large)["images"]) == 4
    rest = [cold_statements(lambda pid=pid: detail(client, pid)) for pid in (small, large)]
    graphql = [cold_statements(lambda pid=pid: graphql_detail(client, pid)) for pid in (small, large)]
    assert rest[0] == rest[1] and graphql[0] == graphql[1], (rest, graphql)
    assert rest[0] == graphql[0] == 25, (rest, graphql)  # 40 before the relations it cannot have were skipped


def test_every_table_the_detail_reads_raises_a_version(client):
    """Product types each read their own tables; all of them are under a trigger of 0027 or 0033."""
    listing = importlib.import_module("storage.migrations.0027_catalog_listing")
    details = importlib.import_module("storage.migrations.0033_product_detail_version")
    covered = {*listing.LISTED_TABLES, *details.DETAIL_TABLES, "product_inventory", "catalog_version",
               "exchange_rate"}  # the exchange rate is part of the cache key (the request's currency)
    with database.connection_context():
        ids = [Product.select(Product.id).where(Product.type == kind, Product.parent.is_null(), Product.status == True)  # noqa: E712
               .order_by(Product.id).scalar() for kind in ("simple", "configurable", "grouped", "bundle", "downloadable",
                                                           "virtual", "booking")]
    read = set()
    for product_id in filter(None, ids):
        detail_cache.forget()
        with count_queries() as statements:
            detail(client, product_id, **{"X-Locale": "fr", "X-Currency": "EUR"})
        read |= {table for sql in statements for table in re.findall(r'(?:FROM|JOIN)\s+"?(\w+)"?', sql)}
    # read for every request; the settings version is itself part of the detail's cache key
    scope = {"channel", "currency", "locale", "channel_locale", "channel_currency", "settings_version"}
    assert read - covered - scope == set()
    assert scope - covered <= {"channel_locale", "channel_currency", "settings_version"}


def test_a_settings_change_rebuilds_the_detail(client):
    """Values a detail reads through the settings cache (configuration, tax rates) raise the settings version,
    not the catalog versions: the detail follows it too."""
    detail(client, 1)
    with count_queries() as warm:
        detail(client, 1)
    with database.connection_context():
        database.execute_sql("UPDATE settings_version SET version = version + 1 WHERE id = 1")
    with count_queries() as after_change:
        detail(client, 1)
    assert len(warm) == 1 and len(after_change) > len(warm), (warm, after_change)
