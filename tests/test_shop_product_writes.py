"""shop-resources.md's product writes on the storefront path (`POST /api/shop/products`, `PUT`/`PATCH
/api/shop/products/{id}`): the admin catalog create and update with an admin token and their permissions,
audited, answered as the page's JSON-LD `Product`; the GETs of the same paths stay the storefront's."""
import pytest

from storage.audit_models import AuditEntry
from storage.db import database
from storage.models import Product, ProductTranslation
from tests.admin_fixtures import admin_client, bearer, make_admin, super_admin  # noqa: F401 (fixtures)
from tests.customer_fixtures import customer  # noqa: F401 (fixture)

PAGE_CREATE = {"sku": "SHOP-WRITE-001", "name": "New Product", "description": "Product description",
               "price": "99.99", "cost": "50.00", "status": True}


@pytest.fixture
def made(admin_client):
    """The ids of the products a test creates, deleted after it."""
    ids: list[int] = []
    yield ids
    for product_id in ids:
        assert admin_client.delete(f"/api/admin/catalog/products/{product_id}").status_code in (200, 204, 404)


def create(admin_client, made, **changes) -> dict:
    body = {key: value for key, value in {**PAGE_CREATE, **changes}.items() if value is not None}
    response = admin_client.post("/api/shop/products", json=body)
    assert response.status_code == 201, response.text
    made.append(response.json()["id"])
    return response.json()


def test_create_answers_the_page_and_the_shop_and_admin_read_it(admin_client, client, made):
    created = create(admin_client, made)
    product_id = created["id"]
    assert {key: created[key] for key in ("@context", "@id", "@type", "sku", "name", "price", "status")} == {
        "@context": "/api/contexts/Product", "@id": f"/api/shop/products/{product_id}", "@type": "Product",
        "sku": "SHOP-WRITE-001", "name": "New Product", "price": "99.99", "status": True}
    assert (created["cost"], created["description"], created["url_key"], created["type"]) == (
        "50.00", "Product description", "shop-write-001", "simple")
    with database.connection_context():
        row = Product.get_by_id(product_id)
        assert (str(row.price), str(row.cost), row.status, row.attribute_family_id) == ("99.9900", "50.0000", True, 1)
    shop = client.get(f"/api/shop/products/{product_id}")
    assert shop.status_code == 200, shop.text
    assert (shop.json()["name"], shop.json()["price"], shop.json()["sku"]) == ("New Product", 99.99, "SHOP-WRITE-001")
    admin = admin_client.get(f"/api/admin/catalog/products/{product_id}").json()
    assert (admin["name"], admin["description"], admin["urlKey"]) == ("New Product", "Product description",
                                                                        "shop-write-001")
    with database.connection_context():
        operations = {entry.operation for entry in AuditEntry.select().where(
            AuditEntry.entity_type == "product", AuditEntry.entity_id == str(product_id))}
    assert "createShopProduct" in operations


def test_create_without_sku_takes_the_url_key(admin_client, client, made):
    created = create(admin_client, made, sku=None, name="New Smartphone", url_key="shop-write-phone",
                     short_description="Premium smartphone", price="899.99")
    assert (created["sku"], created["url_key"], created["price"], created["short_description"]) == (
        "shop-write-phone", "shop-write-phone", "899.99", "Premium smartphone")
    assert client.get(f"/api/shop/products/{created['id']}").json()["urlKey"] == "shop-write-phone"


def test_patch_changes_only_what_it_sends(admin_client, client, made):
    created = create(admin_client, made, sku="SHOP-WRITE-002")
    patched = admin_client.patch(f"/api/shop/products/{created['id']}",
                                 json={"name": "Updated Product Name", "price": "249.99"})
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert (body["@id"], body["name"], body["price"], body["status"], body["sku"], body["cost"]) == (
        f"/api/shop/products/{created['id']}", "Updated Product Name", "249.99", True, "SHOP-WRITE-002", "50.00")
    assert client.get(f"/api/shop/products/{created['id']}").json()["price"] == 249.99
    admin = admin_client.get(f"/api/admin/catalog/products/{created['id']}").json()
    assert (admin["name"], admin["description"]) == ("Updated Product Name", "Product description")
    precise = admin_client.patch(f"/api/shop/products/{created['id']}", json={"price": 12.3456, "status": 0})
    assert (precise.json()["price"], precise.json()["status"]) == ("12.3456", False)
    assert admin_client.patch("/api/shop/products/99999999", json={"name": "x"}).status_code == 404


def test_put_replaces_the_page_fields(admin_client, client, made):
    created = create(admin_client, made, sku="SHOP-WRITE-003", weight="1.5", short_description="Short")
    replaced = admin_client.put(f"/api/shop/products/{created['id']}", json={
        "sku": "SHOP-WRITE-003B", "name": "Replaced", "url_key": "shop-write-003b", "price": 10, "status": True})
    assert replaced.status_code == 200, replaced.text
    body = replaced.json()
    assert (body["sku"], body["name"], body["url_key"], body["price"], body["status"]) == (
        "SHOP-WRITE-003B", "Replaced", "shop-write-003b", "10.00", True)
    assert (body["description"], body["short_description"], body["cost"], body["weight"]) == ("", "", None, None)
    with database.connection_context():
        row = Product.get_by_id(created["id"])
        assert (row.sku, str(row.price), row.cost, row.weight) == ("SHOP-WRITE-003B", "10.0000", None, None)
        assert ProductTranslation.get(ProductTranslation.product == row.id).url_key == "shop-write-003b"
    assert client.get(f"/api/shop/products/{created['id']}").json()["name"] == "Replaced"
    partial = admin_client.put(f"/api/shop/products/{created['id']}", json={"name": "Only a name"})
    assert partial.status_code == 422
    assert set(partial.json()["errors"]) >= {"sku", "url_key", "price", "status"} or "body" in partial.json()["errors"]
    assert admin_client.get(f"/api/admin/catalog/products/{created['id']}").json()["name"] == "Replaced"


def test_bad_bodies_are_422_and_write_nothing(admin_client, made):
    with database.connection_context():
        before = Product.select().count()
    for body in ({**PAGE_CREATE, "price": "-1"}, {**PAGE_CREATE, "price": "abc"}, {**PAGE_CREATE, "status": "yes"},
                 {**PAGE_CREATE, "sku": "bad sku!"}, {**PAGE_CREATE, "colour": "red"}, {"description": "no name"}):
        refused = admin_client.post("/api/shop/products", json=body)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.json()["error"] == "validation_failed" and refused.json()["errors"]
    taken = create(admin_client, made, sku="SHOP-WRITE-004", url_key="shop-write-004")
    # the shell is created, then the update refuses the URL key: the transaction leaves no product
    refused = admin_client.post("/api/shop/products", json={**PAGE_CREATE, "sku": "SHOP-WRITE-005",
                                                            "url_key": taken["url_key"]})
    assert refused.status_code == 422 and "url_key" in refused.json()["errors"]
    duplicate = admin_client.post("/api/shop/products", json={**PAGE_CREATE, "sku": "SHOP-WRITE-004",
                                                              "url_key": "shop-write-other"})
    assert duplicate.status_code == 422 and "sku" in duplicate.json()["errors"]
    with database.connection_context():
        assert Product.get_or_none(Product.sku == "SHOP-WRITE-005") is None
        assert Product.select().count() == before + 1
    bad_patch = admin_client.patch(f"/api/shop/products/{taken['id']}", json={"name": "Kept?", "price": "x"})
    assert bad_patch.status_code == 422
    assert admin_client.get(f"/api/admin/catalog/products/{taken['id']}").json()["name"] == "New Product"


def test_credentials_and_permissions(client, admin_client, customer, made):  # noqa: F811
    body = {**PAGE_CREATE, "sku": "SHOP-WRITE-006"}
    anonymous = client.post("/api/shop/products", json=body, headers={"X-STOREFRONT-KEY": ""})
    assert anonymous.status_code == 401
    no_key = admin_client.post("/api/shop/products", json=body, headers={"Authorization": ""})
    assert (no_key.status_code, no_key.json()["error"]) == (401, "unauthenticated")
    key_only = client.post("/api/shop/products", json=body)
    assert (key_only.status_code, key_only.json()["error"]) == (401, "unauthenticated")
    as_customer = client.post("/api/shop/products", json=body, headers=customer["headers"])
    assert (as_customer.status_code, as_customer.json()["error"]) == (403, "forbidden")
    assert client.patch("/api/shop/products/1", json={"name": "x"}, headers=customer["headers"]).status_code == 403
    assert client.put("/api/shop/products/1", json={"name": "x"}, headers=customer["headers"]).status_code in (403, 422)
    _, viewer = make_admin(["catalog.products.view", "catalog.products.edit"], label="shop-writes-viewer")
    refused = client.post("/api/shop/products", json=body, headers=bearer(viewer))
    assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")
    _, creator = make_admin(["catalog.products.create"], label="shop-writes-creator")
    made_by_creator = client.post("/api/shop/products", json=body, headers=bearer(creator))
    assert made_by_creator.status_code == 201, made_by_creator.text
    made.append(made_by_creator.json()["id"])
    product_path = f"/api/shop/products/{made_by_creator.json()['id']}"
    assert client.patch(product_path, json={"name": "x"}, headers=bearer(creator)).status_code == 403
    assert client.patch(product_path, json={"name": "Viewer edit"}, headers=bearer(viewer)).status_code == 200
    with database.connection_context():
        assert Product.select().where(Product.sku == "SHOP-WRITE-006").count() == 1
    # the admin token's own rate limit applies on this path as on the admin API
    _, limited = make_admin(["catalog.products.edit"], label="shop-writes-limited", rate_limit_per_minute=7)
    counted = admin_client.patch(product_path, json={"name": "Viewer edit"}, headers=bearer(limited))
    assert counted.status_code == 200 and counted.headers["x-ratelimit-limit"] == "7"
    # the storefront reads of the same paths take the storefront key alone, as before
    assert client.get("/api/shop/products", params={"per_page": 1}).status_code == 200
    assert client.get(product_path).json()["name"] == "Viewer edit"
    assert admin_client.get(product_path, headers={"Authorization": ""}).json()["error"] == "missing_key"
