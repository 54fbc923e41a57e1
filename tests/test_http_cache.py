"""HTTP caching (server/http_cache.py): strong ETags and 304s on catalog reads, public caching only
for anonymous catalog reads, never for customer, cart or admin data."""
import pytest

from storage.db import database
from storage.models import Product, ProductTranslation
from tests.admin_fixtures import admin_client, super_admin  # noqa: F401
from tests.customer_fixtures import customer  # noqa: F401
from tests.helpers import changed

CATALOG_PATHS = ["/api/shop/products?per_page=5", "/api/shop/products/1", "/api/shop/categories",
                 "/api/shop/attributes", "/api/shop/channels", "/api/shop/locales", "/api/shop/country-states",
                 "/api/shop/countries", "/api/shop/pages", "/api/products/1"]


@pytest.mark.parametrize("path", CATALOG_PATHS)
def test_anonymous_catalog_read_is_public_with_a_strong_etag(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.text
    tag = response.headers["ETag"]
    assert tag.startswith('"') and tag.endswith('"') and not tag.startswith("W/")
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert "X-Storefront-Key" in response.headers["Vary"] and "X-Locale" in response.headers["Vary"]
    assert client.get(path).headers["ETag"] == tag  # the same data, the same tag


def test_matching_if_none_match_answers_304_without_a_body(client):
    first = client.get("/api/shop/products?per_page=5")
    tag = first.headers["ETag"]
    again = client.get("/api/shop/products?per_page=5", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == tag
    assert again.headers["Cache-Control"] == "public, max-age=60"
    listed = client.get("/api/shop/products?per_page=5", headers={"If-None-Match": f'"other", W/{tag}'})
    assert listed.status_code == 304  # If-None-Match compares weakly and takes a list
    stale = client.get("/api/shop/products?per_page=5", headers={"If-None-Match": '"not-the-tag"'})
    assert stale.status_code == 200 and stale.json() == first.json()


def test_a_changed_product_changes_its_tag(client):
    before = client.get("/api/shop/products/1")
    with database.connection_context():
        price = Product.get_by_id(1).price
    with changed(Product, 1, price=price + 1):
        after = client.get("/api/shop/products/1", headers={"If-None-Match": before.headers["ETag"]})
        assert after.status_code == 200
        assert after.json()["price"] == float(price + 1)
        assert after.headers["ETag"] != before.headers["ETag"]
    assert client.get("/api/shop/products/1").headers["ETag"] == before.headers["ETag"]


def test_a_renamed_product_changes_the_list_tag(client):
    path = "/api/shop/products?per_page=5"
    before = client.get(path)
    first_id = before.json()[0]["id"]
    with database.connection_context():
        translation = ProductTranslation.get(ProductTranslation.product == first_id, ProductTranslation.locale == "en")
    with changed(ProductTranslation, translation.id, name=translation.name + " (new)"):
        assert client.get(path, headers={"If-None-Match": before.headers["ETag"]}).status_code == 200


def test_pages_of_the_same_list_have_their_own_tags(client):
    tags = {client.get("/api/shop/products", params={"per_page": 5, "page": page}).headers["ETag"]
            for page in (1, 2, 3)}
    assert len(tags) == 3


def test_a_catalog_read_with_a_bearer_is_private(client, customer):
    response = client.get("/api/shop/products/1", headers=customer["headers"])
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "public" not in response.headers["Cache-Control"]


@pytest.mark.parametrize("path", ["/api/shop/customer-profile", "/api/shop/customer-orders", "/api/shop/wishlists"])
def test_customer_data_is_never_stored_and_has_no_etag(client, customer, path):
    response = client.get(path, headers=customer["headers"])
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers
    assert client.get(path, headers={**customer["headers"], "If-None-Match": "*"}).status_code == 200


def test_cart_and_admin_data_are_never_stored(client, admin_client):  # noqa: F811
    cart = client.get("/api/shop/cart")
    assert cart.headers["Cache-Control"] == "private, no-store" and "ETag" not in cart.headers
    admin = admin_client.get("/api/admin/catalog/products", params={"per_page": 5})
    assert admin.status_code == 200, admin.text
    assert admin.headers["Cache-Control"] == "private, no-store" and "ETag" not in admin.headers


def test_errors_and_writes_are_not_cached(client):
    missing = client.get("/api/shop/products/99999999")
    assert missing.status_code == 404
    assert missing.headers["Cache-Control"] == "private, no-store" and "ETag" not in missing.headers
    graphql = client.post("/api/graphql", json={"query": "{ products(first: 1) { totalCount } }"})
    assert graphql.headers["Cache-Control"] == "private, no-store"
