"""Product reviews: who may write, edit and delete them, moderation, and the rating summary.

A signed-in customer reviews any product the channel shows; a guest only when the store setting
`catalog.products.review.guest_review` is on. A new review is `pending` until the store approves it
(`catalog.products.review.auto_approve` approves it at once); an edited review goes back to
`pending` the same way. The shop shows approved reviews only; the author also sees their own.
A customer edits and deletes only their own reviews: any other review is 404 to them.

A `status` sent by the reviewer is checked (0/1/2 or a name) but never applied: moderation decides.
Images come with the review as data URLs (a list, or the GraphQL pages' JSON string of one); each
must decode whole as a bmp, jpeg, png or webp image and is stored under the type its bytes are.

The rating summary (average, count, count per star) is computed from the approved reviews when it
is read, so every create, edit, delete and status change shows at once and no counter can drift.
"""
import json
import secrets
from dataclasses import dataclass

from peewee import fn

from domain.catalog.visibility import enabled_in_channel
from domain.common import RequestContext
from domain.customers import Unauthenticated
from domain.errors import ApiError, Unprocessable
from domain.images import data_url, detected_image
from domain.sales.store_config import config_values, flag
from storage.content_models import REVIEW_STATUSES, ProductReview, ProductReviewImage
from storage.db import database
from storage.files import media_storage
from storage.customer_models import Customer
from storage.models import Product, utcnow

GUEST_REVIEW = "catalog.products.review.guest_review"
AUTO_APPROVE = "catalog.products.review.auto_approve"
STATUS_CODES = {0: "pending", 1: "approved", 2: "rejected"}  # the GraphQL mutation pages' integer form
STATUS_NUMBERS = {name: number for number, name in STATUS_CODES.items()}
STATUS_ALIASES = {"disapproved": "rejected"}  # the admin pages' word for a rejected review
CONTENT_FIELDS = ("title", "comment", "rating")
MAX_ATTACHMENTS = 10


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
    """A status the reviewer sends must name one (422 otherwise), but approving or rejecting is the
    store's decision: the review's status is set by moderation alone."""
    status_name(value)


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
    errors = {}
    images = attachment_images(body, errors)
    title = clean_text(body, "title", errors, required=True)
    comment = clean_text(body, "comment", errors, required=True, minimum=10)
    customer_id, name, email = author(body, context, errors)
    rating = body.get("rating")
    if rating is None:
        errors["rating"] = ["This field is required."]
    if errors:
        raise Unprocessable(errors)
    with database.atomic():
        review = ProductReview.create(product=product_id, customer=customer_id, name=name, email=email, title=title,
                                      comment=comment, rating=int(rating),
                                      status="approved" if settings.auto_approve else "pending")
        attach_images(review.id, images)
    return review


def attachment_values(body: dict, errors: dict) -> list[str]:
    """The data URLs of `attachments`: a list, or a JSON string holding one (the GraphQL pages' form)."""
    value = body.get("attachments")
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors["attachments"] = ["Send a list of data URLs (data:image/<type>;base64,<data>)."]
        return []
    if len(value) > MAX_ATTACHMENTS:
        errors["attachments"] = [f"At most {MAX_ATTACHMENTS} attachments."]
        return []
    return value


def attachment_images(body: dict, errors: dict) -> list[tuple[bytes, str]]:
    """The checked (bytes, extension) of every attachment; a refused one is named `attachments.<i>`."""
    images = []
    for index, value in enumerate(attachment_values(body, errors)):
        field = f"attachments.{index}"
        try:
            content_type, raw = data_url(value, field)
            if not content_type.startswith("image/"):
                raise Unprocessable({field: ["Only images are taken: bmp, jpeg, jpg, png, webp."]})
            images.append(detected_image(raw, field))
        except Unprocessable as error:
            errors.update(error.errors)
    return images


def attach_images(review_id: int, images: list[tuple[bytes, str]]):
    """Store the files, then their rows (in the caller's transaction); no file stays when a write fails."""
    storage = media_storage()
    paths = []
    try:
        for position, (data, extension) in enumerate(images):
            path = f"review/{review_id}/{secrets.token_hex(16)}.{extension}"
            storage.save(path, data)
            paths.append(path)
            ProductReviewImage.create(review=review_id, path=path, position=position)
    except BaseException:
        for path in paths:
            storage.delete(path)
        raise


def review_images(review_ids: list[int]) -> dict[int, list[ProductReviewImage]]:
    """{review id: its images in order}, in one query."""
    images = {review_id: [] for review_id in review_ids}
    if review_ids:
        for image in (ProductReviewImage.select().where(ProductReviewImage.review.in_(review_ids))
                      .order_by(ProductReviewImage.position, ProductReviewImage.id)):
            images[image.review_id].append(image)
    return images


def attachment_documents(images: list[ProductReviewImage], context: RequestContext) -> list[dict]:
    """A review's images as the review documents show them (REST lists, the GraphQL pages' JSON string)."""
    return [{"id": image.id, "type": image.type, "path": image.path, "url": context.media(image.path)}
            for image in images]


def delete_review_images(review_ids: list[int]):
    """Remove the image rows and files of these reviews (before the reviews themselves go)."""
    paths = [image.path for images in review_images(list(review_ids)).values() for image in images]
    ProductReviewImage.delete().where(ProductReviewImage.review.in_(list(review_ids))).execute()
    storage = media_storage()
    for path in paths:
        storage.delete(path)


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
    with database.atomic():
        delete_review_images([review_id])
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
