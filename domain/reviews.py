"""Product reviews: who may write, edit and delete them, moderation, and the rating summary.

A signed-in customer reviews any product the channel shows; a guest only when the store setting
`catalog.products.review.guest_review` is on. A new review is `pending` until the store approves it
(`catalog.products.review.auto_approve` approves it at once); an edited review goes back to
`pending` the same way. The shop shows approved reviews only; the author also sees their own.
A customer edits and deletes only their own reviews: any other review is 404 to them.

The rating summary (average, count, count per star) is computed from the approved reviews when it
is read, so every create, edit, delete and status change shows at once and no counter can drift.
"""
from dataclasses import dataclass

from peewee import fn

from domain.catalog.visibility import enabled_in_channel
from domain.common import RequestContext
from domain.customers import Unauthenticated
from domain.errors import ApiError, Unprocessable
from domain.sales.store_config import config_values, flag
from storage.content_models import REVIEW_STATUSES, ProductReview
from storage.customer_models import Customer
from storage.models import Product, utcnow

GUEST_REVIEW = "catalog.products.review.guest_review"
AUTO_APPROVE = "catalog.products.review.auto_approve"
STATUS_CODES = {0: "pending", 1: "approved", 2: "rejected"}  # the GraphQL mutation pages' integer form
STATUS_NUMBERS = {name: number for number, name in STATUS_CODES.items()}
STATUS_ALIASES = {"disapproved": "rejected"}  # the admin pages' word for a rejected review
CONTENT_FIELDS = ("title", "comment", "rating")


class ReviewNotFound(ApiError):
    def __init__(self, review_id: int | None = None):
        super().__init__(404, "Review not found" if review_id is None else f'Review with ID "{review_id}" not found',
                         "not_found")


class ProductNotFound(ApiError):
    def __init__(self):
        super().__init__(404, "Product not found", "not_found")


@dataclass(frozen=True)
class ReviewSettings:
    guest_review: bool
    auto_approve: bool


def review_settings(channel_code: str) -> ReviewSettings:
    values = config_values("catalog.products.review.", channel_code)
    return ReviewSettings(flag(values, GUEST_REVIEW), flag(values, AUTO_APPROVE))


def status_name(value) -> str | None:
    """'pending' | 'approved' | 'rejected' from either documented form (0/1/2 or the name)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise Unprocessable({"status": ["Must be pending, approved or rejected (or 0, 1, 2)."]})
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        name = STATUS_CODES.get(int(value))
    else:
        name = value if value in REVIEW_STATUSES else STATUS_ALIASES.get(value)
    if name is None:
        raise Unprocessable({"status": ["Must be pending, approved or rejected (or 0, 1, 2)."]})
    return name


def check_requested_status(value):
    """The shop may ask for `pending` only: approving or rejecting is the store's decision."""
    if status_name(value) not in (None, "pending"):
        raise Unprocessable({"status": ["Only the store approves or rejects reviews; leave status out or send 0."]})


def clean_text(body: dict, name: str, errors: dict, required: bool, minimum: int = 1) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            errors[name] = ["This field is required."]
        return None
    value = str(value)
    if not value.strip():
        errors[name] = ["This field is required."]
    elif len(value) < minimum:
        errors[name] = [f"Must be at least {minimum} characters."]
    return value


def visible_product(context: RequestContext, product_id: int) -> Product:
    product = Product.select(Product.id).where(Product.id == product_id, enabled_in_channel(context)).first()
    if product is None:
        raise ProductNotFound()
    return product


def author(body: dict, context: RequestContext, errors: dict) -> tuple[int | None, str | None, str | None]:
    """(customer id, name, email): a customer's own name and email unless the body gives others."""
    name = body.get("name") or body.get("authorName")
    email = body.get("email") or body.get("authorEmail")
    customer_id = context.customer_id
    if customer_id is not None:
        customer = Customer.get_or_none(Customer.id == customer_id)
        if customer is None:
            raise Unauthenticated()
        name = (name or f"{customer.first_name} {customer.last_name}").strip()
        email = email or customer.email
    elif not name or not str(name).strip():
        errors["name"] = ["This field is required."]
    return customer_id, (str(name) if name else None), email


def create_review(context: RequestContext, product_id: int, body: dict) -> ProductReview:
    settings = review_settings(context.channel_code)
    if context.customer_id is None and not settings.guest_review:
        raise Unauthenticated()
    visible_product(context, product_id)
    check_requested_status(body.get("status"))
    refuse_attachments(body)
    errors = {}
    title = clean_text(body, "title", errors, required=True)
    comment = clean_text(body, "comment", errors, required=True, minimum=10)
    customer_id, name, email = author(body, context, errors)
    rating = body.get("rating")
    if rating is None:
        errors["rating"] = ["This field is required."]
    if errors:
        raise Unprocessable(errors)
    return ProductReview.create(product=product_id, customer=customer_id, name=name, email=email, title=title,
                                comment=comment, rating=int(rating),
                                status="approved" if settings.auto_approve else "pending")


def refuse_attachments(body: dict):
    attachments = body.get("attachments")
    if attachments not in (None, "", "[]", []):
        raise Unprocessable({"attachments": ["Review attachments are not supported by this store."]})


def own_review(context: RequestContext, review_id: int) -> ProductReview:
    customer_id = context.customer_id
    if customer_id is None:
        raise Unauthenticated()
    review = ProductReview.get_or_none(ProductReview.id == review_id, ProductReview.customer == customer_id)
    if review is None:
        raise ReviewNotFound(review_id)
    return review


def update_review(context: RequestContext, review_id: int, body: dict) -> ProductReview:
    review = own_review(context, review_id)
    check_requested_status(body.get("status"))
    refuse_attachments(body)
    product_id = body.get("productId", body.get("product_id"))
    if product_id is not None and str(product_id) != str(review.product_id):
        raise Unprocessable({"productId": ["A review stays on the product it was written for."]})
    errors = {}
    changes = {}
    for name in ("title", "comment"):
        if body.get(name) is not None:
            changes[name] = clean_text(body, name, errors, required=True, minimum=10 if name == "comment" else 1)
    if body.get("rating") is not None:
        changes["rating"] = int(body["rating"])
    name = body.get("name") or body.get("authorName")
    if name is not None:
        changes["name"] = clean_text({"name": name}, "name", errors, required=True)
    if errors:
        raise Unprocessable(errors)
    edited = any(changes.get(key) is not None and changes[key] != getattr(review, key) for key in CONTENT_FIELDS)
    for key, value in changes.items():
        setattr(review, key, value)
    if edited:  # changed words or stars are approved again (unless the store approves at once)
        review.status = "approved" if review_settings(context.channel_code).auto_approve else "pending"
    if changes:
        review.updated_at = utcnow()
        review.save()
    return review


def delete_review(context: RequestContext, review_id: int) -> int:
    review = own_review(context, review_id)
    review.delete_instance()
    return review_id


def set_review_status(review_id: int, status) -> ProductReview:
    """Moderation (the store's side): approve, reject or send back to pending."""
    review = ProductReview.get_or_none(ProductReview.id == review_id)
    if review is None:
        raise ReviewNotFound(review_id)
    review.status = status_name(status)
    review.updated_at = utcnow()
    review.save()
    return review


def set_statuses(review_ids: list[int], status) -> list[int]:
    """Moderation of several reviews at once; returns the ids that exist (unknown ids are skipped)."""
    name = status_name(status)
    ids = [row.id for row in ProductReview.select(ProductReview.id)
           .where(ProductReview.id.in_(sorted(set(review_ids)))).order_by(ProductReview.id)]
    if ids:
        ProductReview.update(status=name, updated_at=utcnow()).where(ProductReview.id.in_(ids)).execute()
    return ids


def visible_review(context: RequestContext, review_id: int) -> ProductReview:
    """An approved review of a product the channel shows, or one of the caller's own."""
    condition = ProductReview.status == "approved"
    if context.customer_id is not None:
        condition |= ProductReview.customer == context.customer_id
    review = (ProductReview.select().join(Product)
              .where(ProductReview.id == review_id, condition, enabled_in_channel(context)).first())
    if review is None:
        raise ReviewNotFound(review_id)
    return review


def shop_reviews(context: RequestContext, product_id: int | None = None, status: str | None = None,
                 rating: int | None = None):
    """The reviews the shop lists: approved ones; `pending`/`rejected` are the caller's own in that state."""
    status = status_name(status) or "approved"
    query = ProductReview.select().join(Product).where(ProductReview.status == status, enabled_in_channel(context))
    if status != "approved":
        if context.customer_id is None:
            return query.where(False)
        query = query.where(ProductReview.customer == context.customer_id)
    if product_id is not None:
        query = query.where(ProductReview.product == product_id)
    if rating is not None:
        query = query.where(ProductReview.rating == rating)
    return query


def customer_reviews(context: RequestContext, status: str | None = None, rating: int | None = None):
    customer_id = context.customer_id
    if customer_id is None:
        raise Unauthenticated()
    query = ProductReview.select().where(ProductReview.customer == customer_id)
    if status is not None:
        query = query.where(ProductReview.status == status_name(status))
    if rating is not None:
        query = query.where(ProductReview.rating == rating)
    return query


def check_rating_filter(rating: int | None):
    if rating is not None and not 1 <= rating <= 5:
        raise Unprocessable({"rating": ["Must be between 1 and 5."]})


def rating_summaries(product_ids: list[int]) -> dict[int, dict]:
    """{product id: {averageRating, totalReviews, starCounts}} over approved reviews, in one query."""
    summaries = {product_id: {"averageRating": 0.0, "totalReviews": 0,
                              "starCounts": {star: 0 for star in range(1, 6)}} for product_id in product_ids}
    if not product_ids:
        return summaries
    rows = (ProductReview.select(ProductReview.product, ProductReview.rating, fn.COUNT(ProductReview.id))
            .where(ProductReview.product.in_(product_ids), ProductReview.status == "approved")
            .group_by(ProductReview.product, ProductReview.rating).tuples())
    for product_id, rating, count in rows:
        summary = summaries[product_id]
        summary["starCounts"][rating] = summary["starCounts"].get(rating, 0) + count
        summary["totalReviews"] += count
    for summary in summaries.values():
        total = summary["totalReviews"]
        if total:
            stars = sum(star * count for star, count in summary["starCounts"].items())
            summary["averageRating"] = round(stars / total, 2)
    return summaries
