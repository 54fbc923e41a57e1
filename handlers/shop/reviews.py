"""Product reviews and the signed-in customer's reviews, REST and GraphQL, and the rating summary
of products.

rest-api/shop/product-reviews/*.md, rest-api/shop/customer-reviews/*.md; graphql-api/shop/queries/
get-product-reviews.md, get-customer-review(s).md; graphql-api/shop/mutations/create-product-review.md,
create-review.md, update-product-review.md, delete-product-review.md; graphql-api/shop/reviews.md.
Rules (who may write, moderation, the summary) are in domain/reviews.py.
"""
import base64
import binascii
import json

from domain import reviews
from domain.common import Page, RequestContext, Window, iso
from domain.errors import InvalidRequest
from domain.ids import MAX_ID, parse_id
from handlers.shop.products import load_documents
from storage.content_models import ProductReview
from storage.models import Product

ORDERINGS = {
    "latest": (ProductReview.created_at.desc(), ProductReview.id.desc()),
    "helpful": (ProductReview.created_at.desc(), ProductReview.id.desc()),  # no votes are kept
    "oldest": (ProductReview.created_at, ProductReview.id),
    "rating": (ProductReview.rating.desc(), ProductReview.created_at.desc(), ProductReview.id.desc()),
}


def review_documents(rows: list[ProductReview], context: RequestContext) -> list[dict]:
    images = reviews.review_images([review.id for review in rows])
    return [review_document(review, context, images[review.id]) for review in rows]


def review_document(review: ProductReview, context: RequestContext, images: list | None = None) -> dict:
    """A review as the product-review pages show it (with its images); the email only to its author."""
    if images is None:
        images = reviews.review_images([review.id])[review.id]
    own = context.customer_id is not None and review.customer_id == context.customer_id
    email = review.email if own else None
    return {
        "id": review.id, "productId": review.product_id, "customerId": review.customer_id if own else None,
        "title": review.title, "comment": review.comment, "rating": review.rating,
        "authorName": review.name, "authorEmail": email, "name": review.name, "customerName": review.name,
        "email": email, "status": review.status, "helpful": 0, "unhelpful": 0,
        "attachments": reviews.attachment_documents(images, context),
        "createdAt": iso(review.created_at), "updatedAt": iso(review.updated_at),
    }


def customer_review_documents(rows: list[ProductReview], context: RequestContext, graphql: bool = False) -> list[dict]:
    """The customer-review pages' shape: the product (id, sku, type) and the customer as objects; over
    GraphQL the product is the whole card, so any Product field may be selected."""
    product_ids = sorted({review.product_id for review in rows})
    products = {product.id: product for product in
                Product.select(Product.id, Product.sku, Product.type).where(Product.id.in_(product_ids))}
    cards = {card["id"]: card for card in load_documents(product_ids, context, frozenset())} if graphql else {}
    documents = []
    for review in rows:
        product = products.get(review.product_id)
        documents.append({
            "id": review.id, "title": review.title, "comment": review.comment, "rating": review.rating,
            "status": review.status, "name": review.name, "email": review.email,
            "product": cards.get(review.product_id) or {
                "id": review.product_id, "sku": product.sku if product else None,
                "type": product.type if product else None},
            "customer": {"id": review.customer_id},
            "createdAt": iso(review.created_at), "updatedAt": iso(review.updated_at),
        })
    return documents


# --- REST -----------------------------------------------------------------------------------------

def list_product_reviews(context: RequestContext, product_id: int, page: int = 1, limit: int = 10,
                         per_page: int | None = None, sort: str = "latest", rating: int | None = None,
                         status: str | None = None) -> dict:
    reviews.visible_product(context, product_id)
    size = min(per_page or limit or 10, 100)
    query = reviews.shop_reviews(context, product_id, status, rating)
    total = query.count()
    rows = list(query.order_by(*ORDERINGS.get(sort, ORDERINGS["latest"])).offset((page - 1) * size).limit(size))
    return {
        "data": review_documents(rows, context),
        "pagination": {"total": total, "perPage": size, "currentPage": page, "lastPage": max(1, -(-total // size))},
        "summary": rating_summary(reviews.rating_summaries([product_id])[product_id]),
    }


def rating_summary(summary: dict) -> dict:
    return {**summary, "starCounts": {str(star): count for star, count in summary["starCounts"].items()}}


def create_product_review(context: RequestContext, product_id: int, body: dict):
    review = reviews.create_review(context, product_id, body)
    return {"data": review_document(review, context), "message": created_message(review)}, 201


def created_message(review: ProductReview) -> str:
    if review.status == "approved":
        return "Review submitted successfully"
    return "Review submitted successfully and is pending approval"


def get_product_review(context: RequestContext, id: int, graphql: bool = False) -> dict:
    document = review_document(reviews.visible_review(context, id), context)
    return document if graphql else {"data": document}


def update_product_review(context: RequestContext, id: int, body: dict) -> dict:
    review = reviews.update_review(context, id, body)
    return {"data": review_document(review, context), "message": "Review updated successfully"}


def delete_product_review(context: RequestContext, id: int) -> dict:
    return {"message": "Review deleted successfully", "id": reviews.delete_review(context, id)}


def list_customer_reviews(context: RequestContext, window: Window, status: str | None = None,
                          rating: int | None = None, graphql: bool = False) -> Page:
    reviews.check_rating_filter(rating)
    query = reviews.customer_reviews(context, status, rating)
    rows = list(query.order_by(ProductReview.created_at.desc(), ProductReview.id.desc())
                .offset(window.offset).limit(window.limit))
    return Page(customer_review_documents(rows, context, graphql), query.count())


def get_customer_review(context: RequestContext, id: int, graphql: bool = False) -> dict:
    review = reviews.customer_reviews(context).where(ProductReview.id == id).first()
    if review is None:
        raise reviews.ReviewNotFound(id)
    document = customer_review_documents([review], context, graphql)[0]
    return document if graphql else {"data": document}


# --- GraphQL --------------------------------------------------------------------------------------

def graphql_product_reviews(context: RequestContext, window: Window, status: str | None = None,
                            rating: int | None = None, product_id=None) -> Page:
    reviews.check_rating_filter(rating)
    if product_id is not None:
        product_id = parse_id(product_id, "productId")
    query = reviews.shop_reviews(context, product_id, status, rating)
    rows = list(query.order_by(*ORDERINGS["latest"]).offset(window.offset).limit(window.limit))
    return Page(review_documents(rows, context), query.count())


# --- Product fields (the rating summary and the approved reviews of a product) ---------------------

def product_summary(product: dict, info) -> dict:
    """The product's summary, computed once per request and product."""
    cache = info.context.setdefault("review_summaries", {})
    product_id = product.get("_id", product.get("id"))
    if not isinstance(product_id, int):
        product_id = parse_id(product_id)
    if product_id not in cache:
        cache[product_id] = reviews.rating_summaries([product_id])[product_id]
    return cache[product_id]


def resolve_rating_summary(product, info):
    summary = product_summary(product, info)
    return {**summary, "starCounts": [{"rating": star, "count": count}
                                      for star, count in sorted(summary["starCounts"].items())]}


def resolve_product_reviews(product, info, first=None, after=None, last=None, before=None):
    """The product's approved reviews as a connection (newest first, pages of at most 100)."""
    context = info.context["request"].context()
    start = cursor_offset(after) + 1 if after else 0
    size = min(first if first is not None else last if last is not None else 10, 100)
    if before:
        end = cursor_offset(before)
        start, size = max(start, end - size), max(0, min(size, end - start))
    query = reviews.shop_reviews(context, parse_id(product.get("_id", product.get("id"))), "approved")
    total = query.count()
    if last is not None and not before:
        start = max(0, total - size)
    rows = list(query.order_by(*ORDERINGS["latest"]).offset(start).limit(max(size, 0)))
    edges = [{"cursor": encode_cursor(start + index), "node": document}
             for index, document in enumerate(review_documents(rows, context))]
    return {"edges": edges, "totalCount": total,
            "pageInfo": {"hasNextPage": start + len(rows) < total, "hasPreviousPage": start > 0,
                         "startCursor": edges[0]["cursor"] if edges else None,
                         "endCursor": edges[-1]["cursor"] if edges else None}}


def encode_cursor(offset: int) -> str:
    return base64.b64encode(str(offset).encode()).decode()


def cursor_offset(cursor: str) -> int:
    try:
        offset = int(base64.b64decode(cursor.encode(), validate=True).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        offset = -1
    if not 0 <= offset <= MAX_ID:
        raise InvalidRequest({"after": ["Invalid cursor."]})
    return offset


def attachments_json(review: dict, _info) -> str | None:
    """The GraphQL pages' form of the images: a JSON string of `[{type, url, ...}]`."""
    attachments = review.get("attachments")
    return None if attachments is None else json.dumps(attachments, separators=(",", ":"))


graphql_resolvers = {
    # the mutation pages' form of a review: `status` as a number, its name beside it
    "ProductReviewResult": {
        "status": lambda review, _info: reviews.STATUS_NUMBERS.get(review.get("status")),
        "statusName": lambda review, _info: review.get("status"),
        "attachments": attachments_json,
    },
    "ProductReview": {"attachments": attachments_json},
    "Product": {
        "averageRating": lambda product, info: product_summary(product, info)["averageRating"],
        "totalReviews": lambda product, info: product_summary(product, info)["totalReviews"],
        "ratingSummary": resolve_rating_summary,
        "rating": lambda product, info: {"rate": product_summary(product, info)["averageRating"],
                                         "count": product_summary(product, info)["totalReviews"]},
        "reviews": resolve_product_reviews,
        "approvedReviews": resolve_product_reviews,
    },
}
