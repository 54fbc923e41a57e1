"""Admin product sub-resources: images (multipart upload with type and size checks, files served under the
media URL, reorder, delete), stock per inventory source and customer-group prices, over REST and GraphQL,
and the shop showing the uploaded image and the new stock on the next request."""
import struct
import zlib
from urllib.parse import urlsplit

import pytest

from storage.db import database
from storage.files import LocalFileStorage
from storage.models import InventorySource, ProductCustomerGroupPrice, ProductImage, ProductInventory
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.product_fixtures import media_root, restored_products  # noqa: F401 (fixture)

BASE = "/api/admin/catalog/products"


def png() -> bytes:
    """A real 1x1 PNG image (one grey pixel)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b"")


WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"


def upload(admin_client, product_id, name="photo.png", data=None, content_type="image/png", **form):
    return admin_client.post(f"{BASE}/{product_id}/images", files={"image": (name, png() if data is None else data,
                                                                               content_type)},
                             data={key: str(value) for key, value in form.items()})


# --- the storage ------------------------------------------------------------------------------------

def test_local_storage_saves_reads_and_deletes_inside_its_root(tmp_path):
    storage = LocalFileStorage(tmp_path, "http://cdn.example/media/")
    storage.save("product/7/a.png", b"bytes")
    assert (tmp_path / "product" / "7" / "a.png").read_bytes() == b"bytes"
    assert storage.read("product/7/a.png") == b"bytes" and storage.read("product/7/missing.png") is None
    assert storage.url("product/7/a.png") == "http://cdn.example/media/product/7/a.png"
    storage.delete("product/7/a.png")
    assert not (tmp_path / "product" / "7" / "a.png").exists()
    for escape in ("../secret", "/etc/passwd", "a/../../b"):
        with pytest.raises(ValueError):
            storage.save(escape, b"x")
    assert storage.read("../secret") is None


# --- images -------------------------------------------------------------------------------------------

def test_an_uploaded_image_is_stored_served_and_shown_in_the_shop(admin_client, client, media_root):
    with restored_products(1):
        response = upload(admin_client, 1)
        assert response.status_code == 201, response.text
        image = response.json()
        assert image["productId"] == 1 and image["position"] == 3
        assert image["path"].startswith("product/1/") and image["path"].endswith(".png")
        assert image["url"] == f"http://127.0.0.1:8000/storage/{image['path']}"
        assert (media_root / image["path"]).read_bytes() == png()
        served = client.get(urlsplit(image["url"]).path)
        assert served.status_code == 200 and served.content == png()
        assert served.headers["content-type"] == "image/png"
        shop = client.get("/api/shop/products/1").json()
        assert [item["publicPath"] for item in shop["images"]][-1] == image["url"]
        first = upload(admin_client, 1, name="front.WEBP", data=WEBP, content_type="image/webp", position=1).json()
        assert first["position"] == 1 and first["path"].endswith(".webp")
        assert client.get("/api/shop/products/1").json()["baseImageUrl"] == first["url"]
        assert [row["sortOrder"] for row in admin_client.get(f"{BASE}/1").json()["images"]] == [1, 2, 3, 4]
        assert admin_client.get(f"{BASE}/1").json()["imagesCount"] == 4
    assert client.get("/storage/product/1/../../etc/passwd").status_code == 404
    assert client.get("/storage/product/1/none.png").status_code == 404


def test_upload_checks_name_type_content_and_size(admin_client, media_root, monkeypatch):
    cases = [
        (dict(name="photo.gif"), "The image must be a file of type: bmp, jpeg, jpg, png, webp."),
        (dict(name="photo", content_type="image/png"), "The image must be a file of type: bmp, jpeg, jpg, png, webp."),
        (dict(content_type="image/jpeg"), "The image is declared as image/jpeg, which does not match its .png name."),
        (dict(data=b"GIF89a not really a png"), "The image content is not a png image."),
        (dict(data=b""), "The image is empty."),
    ]
    for options, message in cases:
        response = upload(admin_client, 1, **options)
        assert response.status_code == 422, (options, response.text)
        assert response.json()["errors"] == {"image": [message]}, options
    monkeypatch.setenv("MAX_IMAGE_BYTES", "2048")
    too_large = upload(admin_client, 1, data=png() + bytes(4000))
    assert too_large.status_code == 422
    assert too_large.json()["errors"] == {"image": ["The image may not be greater than 2 kilobytes."]}
    missing = admin_client.post(f"{BASE}/1/images", files={"other": ("a.txt", b"x", "text/plain")}, data={"position": "1"})
    assert missing.status_code == 422 and set(missing.json()["errors"]) == {"image"}
    as_json = admin_client.post(f"{BASE}/1/images", json={"image": "x"})
    assert as_json.status_code == 415
    assert upload(admin_client, 999999).status_code == 404
    assert list(media_root.rglob("*.*")) == []
    with database.connection_context():
        assert ProductImage.select().where(ProductImage.product == 1).count() == 2


def test_reorder_and_delete_images(admin_client, admin_graphql, client, media_root):
    with restored_products(2):
        added = upload(admin_client, 2).json()
        order = [{"id": added["id"], "position": 1}, {"id": 3, "position": 2}, {"id": 4, "position": 3},
                 {"id": 5, "position": 4}]
        response = admin_client.put(f"{BASE}/2/images/reorder", json={"order": order})
        assert response.status_code == 200
        assert response.json()["success"] is True
        assert [image["id"] for image in response.json()["images"]] == [added["id"], 3, 4, 5]
        assert client.get("/api/shop/products/2").json()["baseImageUrl"] == added["url"]
        foreign = admin_client.put(f"{BASE}/2/images/reorder", json={"order": [{"id": 1, "position": 1}]})
        assert foreign.status_code == 422 and foreign.json()["errors"] == {"order": ["Not images of product 2: 1."]}
        result = admin_graphql("""mutation($input: reorderAdminCatalogProductImageInput!) {
            reorderAdminCatalogProductImage(input: $input) { adminCatalogProductImage { id success message images } } }""",
                               {"input": {"id": "/api/admin/catalog/products/2/images/reorder", "productId": 2,
                                          "order": [{"id": added["id"], "position": 9}]}})
        node = result["data"]["reorderAdminCatalogProductImage"]["adminCatalogProductImage"]
        assert node["id"] == "/api/admin/catalog_product_images/0" and node["images"][-1]["id"] == added["id"]
        assert admin_client.delete(f"{BASE}/1/images/{added['id']}").status_code == 404
        deleted = admin_client.delete(f"{BASE}/2/images/{added['id']}")
        assert deleted.json() == {"success": True, "message": "Product image deleted successfully."}
        assert not (media_root / added["path"]).exists()
        second = upload(admin_client, 2).json()
        result = admin_graphql("""mutation($input: deleteAdminCatalogProductImageInput!) {
            deleteAdminCatalogProductImage(input: $input) { adminCatalogProductImage { id success message } } }""",
                               {"input": {"id": f"/api/admin/catalog/products/2/images/{second['id']}"}})
        assert result["data"]["deleteAdminCatalogProductImage"]["adminCatalogProductImage"] == {
            "id": f"/api/admin/catalog_product_images/{second['id']}", "success": True,
            "message": "Product image deleted successfully."}
        assert not (media_root / second["path"]).exists()


def test_deleting_a_product_removes_its_files(admin_client, media_root):
    product = admin_client.post(BASE, json={"sku": "t-files-001", "attribute_family_id": 1, "type": "simple"}).json()
    image = upload(admin_client, product["id"]).json()
    copy = admin_client.post(f"{BASE}/{product['id']}/copy").json()
    copied = admin_client.get(f"{BASE}/{copy['id']}").json()["images"][0]
    assert copied["path"] == f"product/{copy['id']}/{image['path'].rsplit('/', 1)[1]}"
    assert (media_root / copied["path"]).read_bytes() == png()
    assert admin_client.delete(f"{BASE}/{product['id']}").status_code == 204
    assert not (media_root / image["path"]).exists() and (media_root / copied["path"]).exists()
    admin_client.post(f"{BASE}/mass-delete", json={"indices": [copy["id"]]})
    assert not (media_root / copied["path"]).exists()


def test_graphql_image_upload_is_a_placeholder(admin_graphql):
    result = admin_graphql("""mutation { createAdminCatalogProductImage(input: {productId: 1}) {
        adminCatalogProductImage { id } } }""")
    assert result["errors"][0]["extensions"]["code"] == "UPLOAD_NOT_SUPPORTED"
    assert "POST /api/admin/catalog/products/{productId}/images" in result["errors"][0]["message"]


# --- inventories ----------------------------------------------------------------------------------------

@pytest.fixture
def warehouse():
    with database.connection_context():
        source = InventorySource.create(code="t-warehouse", name="Warehouse", priority=1)
    yield source
    with database.connection_context():
        source.delete_instance()


def test_inventories_list_and_upsert_and_the_shop_sees_the_stock(admin_client, client, warehouse):
    with restored_products(3):
        listed = admin_client.get(f"{BASE}/3/inventories").json()
        with database.connection_context():
            row_id = ProductInventory.get(ProductInventory.product == 3).id
        assert listed == {"data": [{"id": row_id, "productId": 3, "sourceId": 1, "sourceCode": "default", "sourceName": "Default",
                                    "qty": 53}],
                          "meta": {"currentPage": 1, "perPage": 1, "lastPage": 1, "total": 1, "from": 1, "to": 1,
                                   "totalQty": 53}}
        response = admin_client.put(f"{BASE}/3/inventories", json={"inventories": {str(warehouse.id): 7, "1": 0}})
        assert response.status_code == 200
        assert [(row["sourceCode"], row["qty"]) for row in response.json()["data"]] == [("default", 0), ("t-warehouse", 7)]
        assert response.json()["meta"]["totalQty"] == 7
        assert client.get("/api/shop/products/3").json()["isSaleable"] is True
        admin_client.put(f"{BASE}/3/inventories", json={"inventories": {str(warehouse.id): 0}})
        assert client.get("/api/shop/products/3").json()["isSaleable"] is False
        assert admin_client.get(f"{BASE}/3").json()["inStock"] is False
        invalid = admin_client.put(f"{BASE}/3/inventories", json={"inventories": {"999": 1, "x": 2}})
        assert invalid.status_code == 422
        assert invalid.json()["errors"] == {"inventories.x": ["Keys are inventory source ids."],
                                            "inventories.999": ["The selected inventory source 999 is invalid."]}
        negative = admin_client.put(f"{BASE}/3/inventories", json={"inventories": {"1": -1}})
        assert negative.status_code == 422
        assert admin_client.get(f"{BASE}/999999/inventories").status_code == 404


def test_graphql_inventories(admin_graphql):
    with restored_products(3):
        result = admin_graphql("""mutation($input: updateAdminCatalogProductInventoryInput!) {
            updateAdminCatalogProductInventory(input: $input) {
                adminCatalogProductInventory { id _id sourceId qty } totalQty } }""",
                               {"input": {"id": "/api/admin/catalog/products/3/inventories", "productId": 3,
                                          "inventories": {"1": 25}}})
        payload = result["data"]["updateAdminCatalogProductInventory"]
        assert payload["totalQty"] == 25
        node = payload["adminCatalogProductInventory"]
        assert node == {"id": f"/api/admin/catalog_product_inventories/{node['_id']}", "_id": node["_id"],
                        "sourceId": 1, "qty": 25}
        listed = admin_graphql("{ adminCatalogProductInventories(productId: 3) { id _id sourceCode sourceName qty } }")
        # list rows carry the integer key as `id` (the list page); the mutation answers the IRI
        assert listed["data"]["adminCatalogProductInventories"] == [
            {"id": node["_id"], "_id": node["_id"], "sourceCode": "default", "sourceName": "Default", "qty": 25}]
        negative = admin_graphql("""mutation { updateAdminCatalogProductInventory(input: {productId: 3,
            inventories: {one: -4}}) { totalQty } }""")
        assert negative["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"


# --- customer-group prices ---------------------------------------------------------------------------------

def test_customer_group_prices_crud_and_rules(admin_client, client):
    with restored_products(1):
        listed = admin_client.get(f"{BASE}/1/customer-group-prices").json()
        assert [(row["qty"], row["customerGroupName"], row["value"]) for row in listed["data"]] == [
            (5, "Wholesale", 237.38), (10, "General", 250.56)]
        assert listed["meta"]["total"] == 2
        response = admin_client.post(f"{BASE}/1/customer-group-prices",
                                     json={"qty": 20, "value_type": "discount", "value": 15.0, "customer_group_id": 2})
        assert response.status_code == 201
        created = response.json()
        assert created == {"id": created["id"], "qty": 20, "valueType": "discount", "value": 15.0,
                           "customerGroupId": 2, "customerGroupName": "General", "productId": 1}
        shop = client.get("/api/shop/products/1/customer-group-prices").json()
        assert (20, "discount", 15) in [(row["qty"], row["valueType"], row["value"]) for row in shop]
        duplicate = admin_client.post(f"{BASE}/1/customer-group-prices",
                                      json={"qty": 20, "value_type": "fixed", "value": 1, "customer_group_id": 2})
        assert duplicate.status_code == 422 and set(duplicate.json()["errors"]) == {"qty"}
        invalid = admin_client.post(f"{BASE}/1/customer-group-prices",
                                    json={"qty": 30, "value_type": "discount", "value": 120, "customer_group_id": 99})
        assert set(invalid.json()["errors"]) == {"value", "customer_group_id"}
        too_few = admin_client.post(f"{BASE}/1/customer-group-prices", json={"qty": 0, "value_type": "fixed", "value": 1})
        assert too_few.status_code == 422 and set(too_few.json()["errors"]) == {"qty"}
        everyone = admin_client.put(f"{BASE}/1/customer-group-prices/{created['id']}",
                                    json={"qty": 5, "value_type": "fixed", "value": 17.5, "customer_group_id": None})
        assert everyone.json() == {**created, "qty": 5, "valueType": "fixed", "value": 17.5, "customerGroupId": None,
                                   "customerGroupName": None}
        with database.connection_context():
            assert ProductCustomerGroupPrice.get_by_id(created["id"]).unique_id == "1|all|5"
        assert admin_client.put(f"{BASE}/2/customer-group-prices/{created['id']}", json={"qty": 3}).status_code == 404
        deleted = admin_client.delete(f"{BASE}/1/customer-group-prices/{created['id']}")
        assert deleted.json() == {"message": "Customer-group price deleted successfully."}
        assert admin_client.delete(f"{BASE}/1/customer-group-prices/{created['id']}").status_code == 404


def test_graphql_customer_group_prices(admin_graphql):
    with restored_products(1):
        created = admin_graphql("""mutation($input: createAdminCatalogProductCustomerGroupPriceInput!, $productId: Int!) {
            createAdminCatalogProductCustomerGroupPrice(input: $input, productId: $productId) {
                adminCatalogProductCustomerGroupPrice { id _id qty valueType value customerGroupId productId } } }""",
                                {"productId": 1, "input": {"qty": 40, "valueType": "discount", "value": 10.0,
                                                           "customerGroupId": 3}})
        row = created["data"]["createAdminCatalogProductCustomerGroupPrice"]["adminCatalogProductCustomerGroupPrice"]
        assert row == {"id": f"/api/admin/catalog_product_customer_group_prices/{row['_id']}", "_id": row["_id"],
                       "qty": 40, "valueType": "discount", "value": 10.0, "customerGroupId": 3, "productId": 1}
        updated = admin_graphql("""mutation($input: updateAdminCatalogProductCustomerGroupPriceInput!) {
            updateAdminCatalogProductCustomerGroupPrice(input: $input, productId: 1) {
                adminCatalogProductCustomerGroupPrice { qty value valueType customerGroupId } } }""",
                                {"input": {"id": row["id"], "qty": 45, "value": 17.5, "valueType": "fixed"}})
        assert updated["data"]["updateAdminCatalogProductCustomerGroupPrice"]["adminCatalogProductCustomerGroupPrice"] == {
            "qty": 45, "value": 17.5, "valueType": "fixed", "customerGroupId": 3}
        clash = admin_graphql("""mutation { updateAdminCatalogProductCustomerGroupPrice(
            input: {id: "%s", qty: 10, customerGroupId: 2}, productId: 1) { adminCatalogProductCustomerGroupPrice { id } } }"""
                              % row["id"])
        assert set(clash["errors"][0]["extensions"]["errors"]) == {"qty"}
        listed = admin_graphql("{ adminCatalogProductCustomerGroupPrices(productId: 1) { id qty customerGroupName } }")
        rows = listed["data"]["adminCatalogProductCustomerGroupPrices"]
        assert [(r["qty"], r["customerGroupName"]) for r in rows] == [(5, "Wholesale"), (10, "General"), (45, "Wholesale")]
        assert rows[-1]["id"] == row["_id"] and all(isinstance(r["id"], int) for r in rows)
        deleted = admin_graphql("""mutation { deleteAdminCatalogProductCustomerGroupPrice(
            input: {id: "/api/admin/catalog/products/1/customer-group-prices/%d"}) {
            adminCatalogProductCustomerGroupPrice { id success message } } }""" % row["_id"])
        assert deleted["data"]["deleteAdminCatalogProductCustomerGroupPrice"]["adminCatalogProductCustomerGroupPrice"] == {
            "id": row["id"], "success": True, "message": "Customer-group price deleted successfully."}
        with database.connection_context():
            assert not ProductCustomerGroupPrice.select().where(ProductCustomerGroupPrice.id == row["_id"]).exists()
