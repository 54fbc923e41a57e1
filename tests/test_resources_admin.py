"""The admin catalog writes of products.md under the resource paths (`POST /api/products`, `PATCH` and
`DELETE /api/products/{id}`, product images) and introduction.md's `/api/admin/products/{id}`: the admin
catalog operations with an admin token and their permissions, answered as JSON-LD."""
from storage.audit_models import AuditEntry
from storage.models import Product, ProductImage, ProductTranslation
from tests.admin_fixtures import admin_client, bearer, make_admin, super_admin  # noqa: F401 (fixtures)
from tests.product_fixtures import media_root  # noqa: F401 (fixture)
from tests.test_admin_catalog_product_media import png

ONE_CALL = {"name": "New Product", "slug": "one-call-product", "type": "simple", "sku": "ONE-CALL-001",
            "description": "Product description", "short_description": "Short desc", "price": 49.99,
            "cost": 20.00, "weight": 1.0, "status": 1, "visibility": "visible"}


def create(admin_client, **changes):
    response = admin_client.post("/api/products", json={**ONE_CALL, **changes})
    assert response.status_code == 201, response.text
    return response.json()


def test_one_call_create_sets_the_values_and_the_shop_sells_it(admin_client, client):
    created = create(admin_client)
    assert created["@context"] == "/api/contexts/Product" and created["@type"] == "Product"
    assert created["@id"] == f"/api/products/{created['id']}"
    assert (created["name"], created["slug"], created["sku"], created["price"], created["cost"]) == (
        "New Product", "one-call-product", "ONE-CALL-001", 49.99, 20.0)
    assert (created["status"], created["visibility"], created["weight"], created["type"]) == (1, "visible", 1.0, "simple")
    row = Product.get_by_id(created["id"])
    assert (str(row.price), row.status, row.attribute_family_id) == ("49.9900", True, 1)
    translation = ProductTranslation.get(ProductTranslation.product == row.id)
    assert (translation.url_key, translation.short_description) == ("one-call-product", "Short desc")
    shop = client.get(f"/api/shop/products/{created['id']}")
    assert shop.status_code == 200, shop.text
    assert (shop.json()["name"], shop.json()["price"]) == ("New Product", 49.99)
    assert client.get("/api/products/one-call-product").json()["id"] == created["id"]


def test_a_failing_update_step_leaves_no_product(admin_client):
    before = Product.select().count()
    taken = create(admin_client, sku="ONE-CALL-TAKEN", slug="one-call-taken")
    refused = admin_client.post("/api/products", json={**ONE_CALL, "sku": "ONE-CALL-002", "slug": taken["slug"]})
    assert refused.status_code == 422, refused.text
    assert refused.json()["@type"] == "hydra:Error" and "url_key" in refused.json()["errors"]
    assert Product.get_or_none(Product.sku == "ONE-CALL-002") is None
    duplicate = admin_client.post("/api/products", json={**ONE_CALL, "sku": "ONE-CALL-TAKEN", "slug": "other"})
    assert duplicate.status_code == 422 and "sku" in duplicate.json()["errors"]
    bad = admin_client.post("/api/products", json={**ONE_CALL, "sku": "bad sku!", "slug": "bad-sku"})
    assert bad.status_code == 422 and "sku" in bad.json()["errors"]
    members = admin_client.post("/api/products", json={"name": "Set", "type": "grouped", "sku": "ONE-CALL-GROUP",
                                                      "grouped_products": [1, 2]})
    assert members.status_code == 422 and "grouped_products" in str(members.json()["errors"])
    assert Product.select().count() == before + 1


def test_patch_and_delete_by_the_resource_path(admin_client):
    created = create(admin_client, sku="ONE-CALL-003", slug="one-call-003")
    patched = admin_client.patch(f"/api/products/{created['id']}", json={"name": "Updated Product Name", "price": 34.99})
    assert patched.status_code == 200, patched.text
    assert (patched.json()["name"], patched.json()["price"], patched.json()["sku"]) == (
        "Updated Product Name", 34.99, "ONE-CALL-003")
    assert str(Product.get_by_id(created["id"]).price) == "34.9900"
    priced = admin_client.patch(f"/api/products/{created['id']}", json={"price": 44.99, "cost": 15.00,
                                                                        "special_price": 39.99})
    assert priced.status_code == 200, priced.text
    assert (priced.json()["price"], priced.json()["cost"], priced.json()["special_price"]) == (44.99, 15.0, 39.99)
    assert str(Product.get_by_id(created["id"]).special_price) == "39.9900"
    hidden = admin_client.patch(f"/api/products/{created['id']}", json={"visibility": "not_visible", "status": 0})
    assert (hidden.json()["visibility"], hidden.json()["status"]) == ("not_visible", 0)
    assert admin_client.patch("/api/products/999999", json={"name": "x"}).status_code == 404
    assert admin_client.delete("/api/products/9999999999").status_code == 404
    assert admin_client.delete("/api/products/premium-t-shirt").status_code == 400  # writes take the id
    deleted = admin_client.delete(f"/api/products/{created['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert Product.get_or_none(Product.id == created["id"]) is None
    again = admin_client.delete(f"/api/products/{created['id']}")
    assert again.status_code == 404 and again.json()["@type"] == "hydra:Error"
    entries = AuditEntry.select().where(AuditEntry.entity_type == "product", AuditEntry.entity_id == str(created["id"]))
    assert {entry.operation for entry in entries} >= {"resourceCreateProduct", "resourceUpdateProduct",
                                                       "resourceDeleteProduct"}


def test_admin_products_path_of_the_introduction(admin_client):
    created = create(admin_client, sku="ONE-CALL-004", slug="one-call-004")
    patched = admin_client.patch(f"/api/admin/products/{created['id']}", json={"name": "Renamed", "price": "12.50"})
    assert patched.status_code == 200, patched.text
    assert (patched.json()["name"], patched.json()["price"]) == ("Renamed", "12.5000")
    assert admin_client.delete(f"/api/admin/products/{created['id']}").status_code == 204
    assert admin_client.get(f"/api/admin/catalog/products/{created['id']}").status_code == 404


def test_credentials_and_permissions(client, admin_client):
    body = {**ONE_CALL, "sku": "ONE-CALL-005", "slug": "one-call-005"}
    assert client.post("/api/products", json=body).status_code == 401
    _, viewer = make_admin(["catalog.products.view", "catalog.products.edit"], label="viewer")
    refused = client.post("/api/products", json=body, headers=bearer(viewer))
    assert refused.status_code == 403 and refused.json()["@type"] == "hydra:Error"
    _, creator = make_admin(["catalog.products.create"], label="creator")
    made = client.post("/api/products", json=body, headers=bearer(creator))
    assert made.status_code == 201, made.text
    assert client.delete(f"/api/products/{made.json()['id']}", headers=bearer(creator)).status_code == 403
    assert client.delete(f"/api/products/{made.json()['id']}", headers=bearer(viewer)).status_code == 403
    assert admin_client.delete(f"/api/products/{made.json()['id']}").status_code == 204
    # the shop's reads at the same path still take the storefront key alone
    assert client.get("/api/products", params={"per_page": 1}).status_code == 200


def test_product_images_by_the_resource_paths(admin_client, media_root):
    created = create(admin_client, sku="ONE-CALL-006", slug="one-call-006")
    uploaded = admin_client.post("/api/product_images", files={"image": ("front.png", png(), "image/png")},
                                 data={"product_id": str(created["id"]), "alt": "Front view", "position": "0"})
    assert uploaded.status_code == 201, uploaded.text
    image = uploaded.json()
    assert image["@type"] == "ProductImage" and image["@id"] == f"/api/product_images/{image['id']}"
    assert (image["product_id"], image["position"], image["alt"]) == (created["id"], 0, "New Product")
    assert image["url"].endswith(".png") and ProductImage.get_by_id(image["id"]).product_id == created["id"]
    assert image["created_at"] == admin_client.get(f"/api/admin/catalog/products/{created['id']}").json()["updatedAt"]
    wrong = admin_client.post("/api/product_images", files={"image": ("front.png", b"not an image", "image/png")},
                              data={"product_id": str(created["id"])})
    assert wrong.status_code == 422 and "image" in wrong.json()["errors"]
    assert admin_client.post("/api/product_images", files={"image": ("front.png", png(), "image/png")},
                             data={"product_id": "999999"}).status_code == 404
    unnamed = admin_client.post("/api/product_images", files={"image": ("front.png", png(), "image/png")})
    assert unnamed.status_code == 422 and list(unnamed.json()["errors"]) == ["product_id"]
    assert admin_client.delete(f"/api/product_images/{image['id']}").status_code == 204
    assert ProductImage.get_or_none(ProductImage.id == image["id"]) is None
    assert admin_client.delete(f"/api/product_images/{image['id']}").status_code == 404
    admin_client.delete(f"/api/products/{created['id']}")
