"""The catalog forms of the GraphQL overview (graphql-api/admin-api.md): a product created and filled in
one call, the same values written to several products, and the inputs those forms name differently
(a family by its code, a channel by its code, prices per channel, attributes as `[{code, value}]`).

Prices are the product's own, the same in every channel: a `prices` list whose channels disagree is a 422.
"""
import base64

from peewee import IntegrityError

from domain.access import created
from domain.catalog.search import reindex_products
from domain.common import RequestContext
from domain.errors import Unprocessable
from domain.webhooks import outbox
from handlers.admin.catalog.product_documents import detail_document
from handlers.admin.catalog.product_media import delete_unused_files
from handlers.admin.catalog.product_writes import ProductUpdate, check_create, create_product
from handlers.admin.crud import refuse_nul
from storage.db import database
from storage.models import AttributeFamily, Channel, Product

PRICE_FIELDS = ("price", "cost", "specialPrice", "specialPriceFrom", "specialPriceTo")


def prefixed(errors: dict, prefix: str) -> dict:
    return {f"{prefix}{key}": messages for key, messages in errors.items()}


def create_with_values(context: RequestContext, body: dict):
    refuse_nul(body)
    try:
        with database.atomic():
            product = create_product(context, body)
            update = ProductUpdate(context, product, body.get("values") or {})
            try:
                update.check()
            except Unprocessable as error:
                raise Unprocessable(prefixed(error.errors, "values.")) from None
            update.write()
            reindex_products([product.id])
            outbox.emit_product("product.created", product.id, product.sku, product.type)
    except IntegrityError:
        check_create(body)  # a concurrent request took the SKU between the check and the insert
        raise
    return created({**detail_document(Product.get_by_id(product.id), context), "_warnings": update.warnings})


def mass_update(context: RequestContext, body: dict) -> dict:
    refuse_nul(body)
    ids = list(dict.fromkeys(body["indices"]))
    products = {product.id: product for product in Product.select().where(Product.id.in_(ids))}
    missing = [key for key in ids if key not in products]
    if missing:
        raise Unprocessable({"indices": [f"No product with id {', '.join(map(str, missing))}."]})
    removed = []
    with database.atomic():
        for key in ids:
            update = ProductUpdate(context, products[key], body["values"])
            try:
                update.check()
            except Unprocessable as error:
                raise Unprocessable(prefixed(error.errors, f"values.{key}.")) from None
            update.write()
            removed += update.removed_files
            changed = Product.get_by_id(key)
            outbox.emit_product("product.updated", key, changed.sku, changed.type)
        reindex_products(ids)
    delete_unused_files(removed)
    return {"updated": ids, "updatedCount": len(ids), "message": "Products updated successfully."}


# --- the overview's inputs ---------------------------------------------------------------------

def one_price(prices: list) -> dict:
    """The price fields of `[{channel, price, cost, specialPrice, ...}]`: the same in every channel."""
    rows = [{name: row.get(name) for name in PRICE_FIELDS} for row in prices or ()]
    if any(row != rows[0] for row in rows[1:]):
        raise Unprocessable({"prices": ["A product has one price in every channel: send the same values."]})
    return {name: value for name, value in (rows[0] if rows else {}).items() if value is not None}


def channel_ids(codes: list[str]) -> list[int]:
    found = {code: key for code, key in Channel.select(Channel.code, Channel.id).where(Channel.code.in_(codes)).tuples()}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise Unprocessable({"channel": [f"Unknown channel {', '.join(unknown)}."]})
    return [found[code] for code in codes]


def family_id(value) -> int:
    """A family by its code ("default") or id."""
    if isinstance(value, int) or str(value).isdigit():
        return int(value)
    key = AttributeFamily.select(AttributeFamily.id).where(AttributeFamily.code == value).scalar()
    if key is None:
        raise Unprocessable({"attributeFamily": [f"Unknown attribute family {value}."]})
    return key


def product_values(fields: dict) -> dict:
    """The update body of the overview's product fields: prices flattened, `channel` a code,
    `attributes` `[{code, value}]` at the top level."""
    values = {key: value for key, value in fields.items() if key not in ("prices", "channel", "attributes")}
    values.update(one_price(fields.get("prices")))
    if fields.get("channel"):
        values["channels"] = channel_ids([fields["channel"]])
    values.update({item["code"]: item.get("value") for item in fields.get("attributes") or ()})
    return values


def product_create_fields(fields: dict) -> dict:
    """`createProduct`: the create's fields, the rest as `values`."""
    create = {"sku": fields.pop("sku", None), "type": fields.pop("type", None),
              "attributeFamilyId": family_id(fields.pop("attributeFamily", None) or "default"),
              "superAttributes": fields.pop("superAttributes", None)}
    return {**{key: value for key, value in create.items() if value is not None}, "values": product_values(fields)}


def product_prices(fields: dict) -> dict:
    """`updateProductPrices`: the prices of every channel as the product's price fields."""
    return {**{key: value for key, value in fields.items() if key != "prices"}, **one_price(fields.get("prices"))}


def prices_connection(product: dict, _info, **_arguments) -> dict:
    """`AdminCatalogProduct.prices`: one row per channel the product is in, each with the product's price."""
    rows = [{"channel": block["code"], "price": product.get("price"), "cost": product.get("cost"),
             "specialPrice": product.get("specialPrice"), "specialPriceFrom": product.get("specialPriceFrom"),
             "specialPriceTo": product.get("specialPriceTo")}
            for block in product.get("channels") or () if block.get("assigned")]
    edges = [{"cursor": base64.b64encode(str(index).encode()).decode(), "node": row} for index, row in enumerate(rows)]
    return {"edges": edges, "totalCount": len(edges),
            "pageInfo": {"hasNextPage": False, "hasPreviousPage": False,
                         "startCursor": edges[0]["cursor"] if edges else None,
                         "endCursor": edges[-1]["cursor"] if edges else None}}
