"""The bearer's compare list over REST and GraphQL (rules: domain/compare.py).

graphql-api/shop/queries/get-compare-items.md, get-compare-item.md; mutations/create-compare-item.md,
delete-compare-item.md, delete-all-compare-items.md. A customer token reaches the customer's list, a
guest cart token the guest's. Documents are built per page with one query per relation.
"""
from domain import compare
from domain.common import Page, RequestContext, Window, iso
from handlers.shop.wishlists import customer_documents, product_documents
from storage.wishlist_models import CompareItem

PRODUCT_FIELDS = frozenset({"description", "guestCheckout"})


def compare_documents(items: list[CompareItem], context: RequestContext) -> list[dict]:
    product_ids = [item.product_id for item in items]
    products = product_documents(product_ids, context, PRODUCT_FIELDS)
    attributes = compare.comparable_attributes(set(product_ids), context)
    customers = customer_documents(item.customer_id for item in items)
    documents = []
    for item in items:
        product = dict(products.get(item.product_id) or {})
        product["attributes"] = attributes.get(item.product_id, [])
        product.setdefault("guestCheckout", True)
        documents.append({"id": item.id, "productId": item.product_id, "product": product,
                          "customer": customers.get(item.customer_id), "createdAt": iso(item.created_at),
                          "updatedAt": iso(item.updated_at)})
    return documents


def compare_document(item: CompareItem, context: RequestContext) -> dict:
    return compare_documents([item], context)[0]


def list_compare_items(context: RequestContext, window: Window) -> Page:
    items, total = compare.list_items(context, window)
    return Page(compare_documents(items, context), total)


def get_compare_item(context: RequestContext, id: int) -> dict:
    return compare_document(compare.own_item(context, id), context)


def create_compare_item(context: RequestContext, body: dict):
    return compare_document(compare.add(context, body.get("productId")), context), 201


def delete_compare_item(context: RequestContext, id: int) -> dict:
    item = compare.own_item(context, id)
    document = compare_document(item, context)
    compare.delete(context, item.id)
    return document


def delete_all_compare_items(context: RequestContext) -> dict:
    return {"message": compare.ALL_REMOVED, "deletedCount": compare.delete_all(context)}


def flag(value) -> str:
    return "1" if value else "0"


# GraphQL shapes the REST document does not have: guestCheckout as "1"/"0" (create-compare-item.md).
graphql_resolvers = {
    "ProductCompared": {"guestCheckout": lambda product, _info: flag(product.get("guestCheckout"))},
}
