"""The admin catalog writes of rest-api/products.md under the resource paths (`POST /api/products`,
`PATCH`/`DELETE /api/products/{id}`, product images): aliases of the admin catalog operations, reusing
their handlers, answered as JSON-LD. The page's one-call create is the admin create followed by the
admin update, in one transaction."""
from domain.common import RequestContext
from domain.errors import NotFound, Unprocessable
from generated.input_schemas import validation_errors
from handlers.admin.catalog import products as admin_products
from handlers.resources import item, jsonld
from storage.db import database
from storage.models import ProductImage

# the page's names -> the admin update body's (`visibility` is translated on its own)
VALUES = {"name": "name", "slug": "url_key", "sku": "sku", "description": "description",
          "short_description": "short_description", "price": "price", "special_price": "special_price",
          "cost": "cost", "weight": "weight", "status": "status"}


def admin_body(values: dict, schema_name: str) -> dict:
    """`values` checked against the admin operation's request schema (422 naming every failing field)."""
    errors = validation_errors("admin", schema_name, values)
    if errors:
        raise Unprocessable(errors)
    return values


def update_values(body: dict) -> dict:
    values = {theirs: body[ours] for ours, theirs in VALUES.items() if ours in body}
    if "visibility" in body:
        values["visible_individually"] = 1 if body["visibility"] == "visible" else 0
    return admin_body(values, "AdminCatalogProductUpdateBody")


def number(value):
    return float(value) if value is not None else None


def product_fields(document: dict) -> dict:
    """The page's Product fields from the admin detail document."""
    return {"id": document["id"], "name": document["name"], "slug": document["urlKey"], "sku": document["sku"],
            "type": document["type"], "price": number(document["price"]),
            "special_price": number(document["specialPrice"]), "cost": number(document["cost"]),
            "weight": document["weight"], "status": document["status"],
            "visibility": "visible" if document["visibleIndividually"] else "not_visible",
            "description": document["description"], "short_description": document["shortDescription"],
            "created_at": document["createdAt"], "updated_at": document["updatedAt"]}


def product_key(id: str) -> int:
    """The path's id (digits, as the GET's `id` which also takes a URL key); beyond the key range 404."""
    if int(id) > 2147483647:
        raise NotFound("Product")
    return int(id)


def product_item(document: dict) -> dict:
    return item("Product", f"/api/products/{document['id']}", product_fields(document))


@jsonld
def resource_create_product(context: RequestContext, body: dict):
    shell = admin_body({"sku": body["sku"], "type": body.get("type", "simple"),
                        "attribute_family_id": body.get("attribute_family_id", 1)}, "AdminCatalogProductCreateBody")
    values = update_values({key: value for key, value in body.items() if key != "sku"})
    with database.atomic():
        document, _ = admin_products.create_admin_catalog_product(context, shell)
        if values:
            document = admin_products.update_admin_catalog_product(context, document["id"], values)
    return product_item(document), 201


@jsonld
def resource_update_product(context: RequestContext, id: str, body: dict) -> dict:
    return product_item(admin_products.update_admin_catalog_product(context, product_key(id), update_values(body)))


@jsonld
def resource_delete_product(context: RequestContext, id: str):
    admin_products.delete_admin_catalog_product(context, product_key(id))
    return None, 204


@jsonld
def resource_create_product_image(context: RequestContext, body: dict):
    if body.get("product_id") is None:
        raise Unprocessable({"product_id": ["The product_id field is required."]})
    document, _ = admin_products.upload_admin_catalog_product_image(
        context, body["product_id"], {"image": body.get("image"), "position": body.get("position")})
    # images keep no timestamp of their own: the upload stamps the product's `updated_at`
    product = admin_products.get_admin_catalog_product(context, body["product_id"])
    return item("ProductImage", f"/api/product_images/{document['id']}", {
        "id": document["id"], "product_id": document["productId"], "url": document["url"], "alt": product["name"],
        "position": document["position"], "path": document["path"], "created_at": product["updatedAt"]}), 201


@jsonld
def resource_delete_product_image(context: RequestContext, id: int):
    image = ProductImage.get_or_none(ProductImage.id == id, ProductImage.type == "images")
    if image is None:
        raise NotFound("Product image")
    admin_products.delete_admin_catalog_product_image(context, image.product_id, id)
    return None, 204
