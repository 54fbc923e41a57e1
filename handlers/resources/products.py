"""Catalog reads under the legacy resource paths (`/api/products`, `/api/products/{id or url key}`,
`/api/product_reviews`, `/api/product_bundles`): the shop's product list, product document and reviews,
answered as JSON-LD `Product` items and Hydra collections with the pages' snake_case fields."""
from domain.common import RequestContext, Window
from handlers.resources import collection, item, jsonld, member, shop_body
from handlers.shop import products as shop_products
from handlers.shop import reviews as shop_reviews
from storage.models import Product

MAX_PER_PAGE = 50
LIST_FIELDS = frozenset({"description", "createdAt", "updatedAt", "weight", "productFlat", "categories", "images",
                         "color", "size", "brand"})
SUMMARY_ATTRIBUTES = ("color", "size", "brand")


def product_fields(document: dict, row: Product | None) -> dict:
    """The page's snake_case product from the shop's document (and the row's cost and visibility)."""
    flat = document.get("productFlat") or {}
    price = document["specialPrice"] if document.get("specialPrice") is not None else document["price"]
    categories = document.get("categories") or []
    return {
        "id": document["id"], "name": document["name"], "slug": document["urlKey"],
        "description": document.get("description"), "short_description": document.get("shortDescription"),
        "sku": document["sku"], "price": price, "original_price": document["price"],
        "special_price": document.get("specialPrice"),
        "cost": float(row.cost) if row is not None and row.cost is not None else None,
        "weight": document.get("weight"), "status": 1 if document["status"] else 0,
        "visibility": "visible" if row is None or row.visible_individually else "not_visible",
        "type": document["type"], "url_key": document["urlKey"],
        "meta_title": flat.get("metaTitle"), "meta_description": flat.get("metaDescription"),
        "category_id": categories[0]["id"] if categories else None,
        "images": [{"id": image["id"], "url": image["publicPath"], "alt": image.get("alt"),
                    "position": image.get("position")} for image in document.get("images") or []],
        "attributes": [{"id": document[code]["id"], "code": code, "label": code.title(),
                        "value": document[code]["label"]} for code in SUMMARY_ATTRIBUTES if document.get(code)],
        "categories": [{"id": category["id"], "name": category["name"], "slug": category.get("slug")}
                       for category in categories],
        "created_at": document.get("createdAt"), "updated_at": document.get("updatedAt"),
    }


def rows(ids: list[int]) -> dict[int, Product]:
    if not ids:
        return {}
    query = Product.select(Product.id, Product.cost, Product.visible_individually).where(Product.id.in_(ids))
    return {row.id: row for row in query}


@jsonld
def resource_list_products(context: RequestContext, page: int = 1, per_page: int | None = None,
                           limit: int | None = None, items_per_page: int | None = None, **params) -> dict:
    size = min(per_page or limit or items_per_page or 30, MAX_PER_PAGE)
    result = shop_products.list_products(context, window=Window((page - 1) * size, size), fields=LIST_FIELDS,
                                         **params)
    found = rows([document["id"] for document in result.items])
    members = []
    for document in result.items:
        fields = product_fields(document, found.get(document["id"]))
        if params.get("category_id") is not None:
            fields["category_id"] = params["category_id"]
        members.append(member("Product", f"/api/products/{document['id']}", fields))
    query = {key: value for key, value in context.query_params.items()}
    return collection("Product", "/api/products", members, result.total, page, size, query)


@jsonld
def resource_get_product(context: RequestContext, id: str) -> dict:
    key = id.strip()
    fields = frozenset({"weight", "productFlat"})
    document = shop_products.get_product(context, id=int(key), fields=fields) if key.isdigit() else \
        shop_products.get_product(context, url_key=key, fields=fields)
    return item("Product", f"/api/products/{document['id']}",
                product_fields(document, rows([document["id"]]).get(document["id"])))


def review_fields(document: dict) -> dict:
    return {"id": document["id"], "product_id": document["productId"], "customer_id": document["customerId"],
            "title": document["title"], "comment": document["comment"], "rating": document["rating"],
            "name": document["name"], "status": document["status"], "created_at": document["createdAt"]}


@jsonld
def resource_list_product_reviews(context: RequestContext, product_id: int, page: int = 1,
                                  per_page: int | None = None, limit: int | None = None) -> dict:
    """The product's visible reviews (alias of the shop's GET /products/{productId}/reviews)."""
    size = min(per_page or limit or 10, MAX_PER_PAGE)
    listed = shop_reviews.list_product_reviews(context, product_id, page=page, per_page=size)
    members = [member("ProductReview", f"/api/product_reviews/{document['id']}", review_fields(document))
               for document in listed["data"]]
    query = {"product_id": product_id, **({"per_page": per_page} if per_page else {}),
             **({"limit": limit} if limit and not per_page else {})}
    return collection("ProductReview", "/api/product_reviews", members, listed["pagination"]["total"], page,
                      size, query)


@jsonld
def resource_create_product_review(context: RequestContext, body: dict):
    """A review of `product_id` (alias of the shop's POST /products/{productId}/reviews)."""
    review = shop_body(body, {"title": "title", "comment": "comment", "rating": "rating", "name": "name",
                              "email": "email"}, "ProductReviewCreate")
    document, status = shop_reviews.create_product_review(context, body["product_id"], review)
    data = document["data"]
    return item("ProductReview", f"/api/product_reviews/{data['id']}",
                {**review_fields(data), "message": document["message"]}), status


@jsonld
def resource_list_product_bundles(context: RequestContext, page: int = 1, per_page: int | None = None,
                                  limit: int | None = None) -> dict:
    """Bundle products with their bundle items (the shop's list of `type=bundle` and its bundle options)."""
    size = min(per_page or limit or 30, MAX_PER_PAGE)
    result = shop_products.list_products(context, window=Window((page - 1) * size, size),
                                         fields=frozenset({"bundleOptions"}), type="bundle")
    members = [member("Product", f"/api/products/{document['id']}", {
        "id": document["id"], "name": document["name"], "sku": document["sku"], "type": document["type"],
        "price": document["price"], "bundle_items": bundle_items(document)}) for document in result.items]
    return collection("ProductBundle", "/api/product_bundles", members, result.total, page, size,
                      {key: value for key, value in context.query_params.items()})


def bundle_items(document: dict) -> list[dict]:
    """Every selection of every bundle option: its product and default quantity."""
    found = []
    for option in document.get("bundleOptions") or []:
        for selection in option.get("bundleOptionProducts") or []:
            product = selection.get("product")
            product_id = product.get("id") if isinstance(product, dict) else int(str(product).rsplit("/", 1)[-1])
            found.append({"id": selection["id"], "option_id": option["id"], "product_id": product_id,
                          "quantity": selection["qty"]})
    return found
