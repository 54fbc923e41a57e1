"""Admin review moderation: /api/admin/customers/reviews (list, detail, status, delete, mass delete, mass
status); GraphQL adminCustomerReview(s). Reviews are written in the shop; the admin only moderates them.

The admin pages call a rejected review `disapproved`; both words are accepted and the admin documents
say `disapproved` (the shop keeps `rejected`). The shop's rating summaries are computed from approved
reviews when read (domain/reviews.py), so every moderation shows in the shop's next answer.
"""
import datetime

from domain import reviews as moderation
from domain.sales.cart_totals import product_names
from domain.common import RequestContext, iso
from domain.customer_accounts import calendar_day
from handlers.admin.crud import AdminResource, exact, refuse_nul
from storage.content_models import ProductReview
from storage.customer_models import Customer
from storage.db import database
from storage.models import Product

ADMIN_STATUS = {"rejected": "disapproved"}



def review_documents(rows: list, context: RequestContext) -> list[dict]:
    product_ids = {row.product_id for row in rows}
    skus = dict(Product.select(Product.id, Product.sku).where(Product.id.in_(list(product_ids))).tuples()) \
        if product_ids else {}
    names = product_names(context, product_ids)
    customer_ids = [row.customer_id for row in rows if row.customer_id]  # one query per page, guests or not
    emails = dict(Customer.select(Customer.id, Customer.email).where(Customer.id.in_(customer_ids)).tuples())
    return [{"id": row.id, "title": row.title, "comment": row.comment, "rating": row.rating,
             "status": ADMIN_STATUS.get(row.status, row.status), "productId": row.product_id,
             "productSku": skus.get(row.product_id), "productName": names.get(row.product_id),
             "customerId": row.customer_id, "customerName": row.name,
             "customerEmail": row.email or emails.get(row.customer_id), "images": None,
             "createdAt": iso(row.created_at)} for row in rows]


def review_detail(row, context: RequestContext) -> dict:
    images = moderation.review_images([row.id])[row.id]
    return {**review_documents([row], context)[0], "images": moderation.attachment_documents(images, context)}


reviews = AdminResource(
    model=ProductReview, label="Review", plural="Reviews",
    documents=review_documents, detail=review_detail,
    filters={"status": lambda value: ProductReview.status == moderation.status_name(value),
             "rating": exact(ProductReview.rating), "product_id": exact(ProductReview.product),
             "customer_id": exact(ProductReview.customer),
             "created_at_from": lambda value: ProductReview.created_at >= datetime.datetime.combine(
                 calendar_day(value), datetime.time.min),
             "created_at_to": lambda value: ProductReview.created_at <= datetime.datetime.combine(
                 calendar_day(value), datetime.time.max)},
    sorts={"id": ProductReview.id, "rating": ProductReview.rating, "created_at": ProductReview.created_at},
    default_order="desc", skip_refused=True, before_delete=moderation.delete_review_images,
    messages={"deleted": "Review deleted.", "mass_deleted": "Reviews deleted."},
)

list_admin_customer_reviews = reviews.list_handler()
get_admin_customer_review = reviews.get_handler()
delete_admin_customer_review = reviews.delete_handler()
mass_delete_admin_customer_reviews = reviews.mass_delete_handler()


def update_admin_customer_review(context: RequestContext, id: int, body: dict) -> dict:
    refuse_nul({"status": body.get("status")})
    with database.atomic():
        reviews.find(id)
        moderation.set_review_status(id, body["status"])
    return reviews.present_one(reviews.find(id), context)


def mass_update_admin_customer_review_status(context: RequestContext, body: dict) -> dict:
    with database.atomic():
        updated = moderation.set_statuses(body["indices"], body["value"])
    return {"updated": updated, "value": body["value"], "message": "Statuses updated."}
