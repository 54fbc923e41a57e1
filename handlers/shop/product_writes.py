"""The admin writes of rest-api/shop-resources.md on the storefront path (`POST /api/shop/products`,
`PUT`/`PATCH /api/shop/products/{id}`): aliases of the admin catalog create and update, reusing their
handlers (as the resource paths' `POST`/`PATCH /api/products` do), answered as the page's JSON-LD
`Product`. The admin token and the operation's permission are checked by the REST adapter, which also
records the write in the audit trail."""
import re
from decimal import Decimal

from domain.common import RequestContext
from domain.errors import Unprocessable
from handlers.admin.catalog import products as admin_products
from handlers.resources import item, jsonld
from handlers.resources.catalog_writes import admin_body
from storage.db import database

WRITABLE = ("sku", "name", "url_key", "description", "short_description", "price", "special_price", "cost",
            "weight", "status")
CLEARED_BY_PUT = {"description": "", "short_description": "", "special_price": None, "cost": None, "weight": None}


def update_values(body: dict) -> dict:
    values = {key: body[key] for key in WRITABLE if key in body}
    if "status" in values:
        values["status"] = 1 if values["status"] in (True, 1, "1") else 0
    return admin_body(values, "AdminCatalogProductUpdateBody")


def slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))[:150]


def decimal_text(value) -> str | None:
    """A stored decimal as the page prints it: two places at least, more only when the value has them."""
    if value is None:
        return None
    text = f"{Decimal(str(value)).quantize(Decimal('0.0001')):f}".rstrip("0")
    whole, _, places = text.partition(".")
    return f"{whole}.{places.ljust(2, '0')}"


def product_resource(document: dict) -> dict:
    """The page's `Product` from the admin detail document."""
    return item("Product", f"/api/shop/products/{document['id']}", {
        "id": document["id"], "sku": document["sku"], "name": document["name"], "type": document["type"],
        "attribute_family_id": document["attributeFamilyId"], "url_key": document["urlKey"],
        "description": document["description"], "short_description": document["shortDescription"],
        "price": decimal_text(document["price"]) or "0.00", "special_price": decimal_text(document["specialPrice"]),
        "cost": decimal_text(document["cost"]), "weight": decimal_text(document["weight"]),
        "status": bool(document["status"]), "created_at": document["createdAt"], "updated_at": document["updatedAt"]})


@jsonld
def create_shop_product(context: RequestContext, body: dict):
    sku = body.get("sku") or body.get("url_key") or slug(body.get("name") or "")
    if not sku:
        raise Unprocessable({"sku": ["The sku field is required (or a url_key or name to make it from)."]})
    values = update_values({**body, "sku": sku, "url_key": body.get("url_key") or slug(sku)})
    shell = admin_body({"sku": values.pop("sku"), "type": "simple", "attribute_family_id": 1},
                       "AdminCatalogProductCreateBody")
    with database.atomic():
        document, _ = admin_products.create_admin_catalog_product(context, shell)
        document = admin_products.update_admin_catalog_product(context, document["id"], values)
    return product_resource(document), 201


@jsonld
def replace_shop_product(context: RequestContext, id: int, body: dict) -> dict:
    values = update_values({**CLEARED_BY_PUT, **body})
    return product_resource(admin_products.update_admin_catalog_product(context, id, values))


@jsonld
def update_shop_product(context: RequestContext, id: int, body: dict) -> dict:
    return product_resource(admin_products.update_admin_catalog_product(context, id, update_values(body)))
