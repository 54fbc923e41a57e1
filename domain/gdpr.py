"""GDPR data requests: their status, processing them, and exporting or erasing a customer's data.

A request is `update` (the customer asks for a correction: approving it records the decision, the
admin then edits the account) or `delete` (erasure). Erasure keeps the sales records a store must
keep and removes the person from them: every order stays with its lines, amounts, invoices and
shipments unchanged, while the name, email, phone, company and street of the order and of its
addresses are replaced (country and state stay: they decided the tax of the invoices); the customer's
reviews are deleted (their words are theirs; the shop's rating summaries follow); the GDPR requests keep their record with the email replaced;
failed-login records of the email go; license keys keep working with the email replaced; then the account itself is deleted with its addresses, tokens,
carts, wishlist, compare list and notes. Nobody can sign in as the customer afterwards (no account,
no token). The orders found are the customer's and any guest order placed with the same email. The
audit trail keeps what was done to these rows, with the values it recorded of the person erased.
Erasure is refused while the customer has a pending or processing order (it must be delivered first).
"""
import datetime
from decimal import Decimal

from domain import audit
from domain import licenses
from domain.common import RequestContext, iso, json_number
from domain.customer_accounts import find_customer, refuse_active
from domain.errors import NotFound, Unprocessable
from storage.content_models import ProductReview
from storage.customer_care_models import CustomerNote, GdprDataRequest
from storage.customer_models import Customer, CustomerAddress, CustomerLoginFailure
from storage.db import database
from storage.license_models import License
from storage.models import utcnow
from storage.sales_models import Order, OrderAddress, OrderItem, OrderPayment
from storage.wishlist_models import WishlistItem

FINAL_STATUSES = ("approved", "revoked")
ERASED_FIRST_NAME = "Erased"
ERASED_LAST_NAME = "Customer"
ERASED_TEXT = "Erased"
PROCESSED = "GDPR request approved and processed."
CUSTOMER_HIDDEN = ("password", "api_token")


def erased_email(customer_id: int) -> str:
    return f"erased-{customer_id}@erased.invalid"


def find_request(request_id: int) -> GdprDataRequest:
    request = GdprDataRequest.get_or_none(GdprDataRequest.id == request_id)
    if request is None:
        raise NotFound("GDPR request")
    return request


def update_request(request_id: int, body: dict) -> GdprDataRequest:
    with database.atomic():
        request = find_request(request_id)
        changes = {key: body[key] for key in ("status", "message") if key in body}
        if changes.get("status") == "revoked" and request.revoked_at is None:
            changes["revoked_at"] = utcnow()
        if changes:
            GdprDataRequest.update({**changes, "updated_at": utcnow()}).where(
                GdprDataRequest.id == request.id).execute()
    return find_request(request_id)


def process_request(request_id: int, message: str | None) -> dict:
    """Approve the request and carry it out (erasure for `delete`), in one transaction."""
    with database.atomic():
        request = find_request(request_id)
        if request.status in FINAL_STATUSES:
            raise Unprocessable({"status": [f"The request is already {request.status}."]})
        erased = False
        if request.type == "delete" and Customer.select().where(Customer.id == request.customer_id).exists():
            refuse_active(request.customer_id)
            erase_customer(request.customer_id)
            erased = True
        now = utcnow()
        changes = {"status": "approved", "processed_at": now, "updated_at": now}
        if message is not None:
            changes["message"] = message
        GdprDataRequest.update(changes).where(GdprDataRequest.id == request.id).execute()
    return {"requestId": request.id, "customerId": request.customer_id, "type": request.type, "status": "approved",
            "customerDeleted": erased, "processedAt": iso(now), "message": PROCESSED}


def erase_customer(customer_id: int):
    """Remove the person from every row that keeps them (see the module text); the caller holds the
    transaction and has checked the active-orders guard."""
    customer = find_customer(customer_id)
    anonymous = erased_email(customer_id)
    orders = [row.id for row in Order.select(Order.id).where(
        (Order.customer == customer_id) | (Order.customer_email == customer.email))]
    if orders:
        Order.update(customer_email=anonymous, customer_first_name=ERASED_FIRST_NAME,
                     customer_last_name=ERASED_LAST_NAME, updated_at=utcnow()).where(Order.id.in_(orders)).execute()
        OrderAddress.update(first_name=ERASED_FIRST_NAME, last_name=ERASED_LAST_NAME, email=anonymous, phone="",
                            company_name=None, address1=ERASED_TEXT, address2=None, city=ERASED_TEXT,
                            postcode="").where(OrderAddress.order.in_(orders)).execute()
    addresses = [key for (key,) in CustomerAddress.select(CustomerAddress.id)
                 .where(CustomerAddress.customer == customer_id).tuples()]
    reviews = ProductReview.select(ProductReview.id).where(
        (ProductReview.customer == customer_id) | (ProductReview.email == customer.email))
    reviews = [key for (key,) in reviews.tuples()]
    ProductReview.delete().where(ProductReview.id.in_(reviews)).execute()
    requests = [key for (key,) in GdprDataRequest.select(GdprDataRequest.id).where(
        (GdprDataRequest.customer_id == customer_id) | (GdprDataRequest.email == customer.email)).tuples()]
    GdprDataRequest.update(email=anonymous).where(GdprDataRequest.id.in_(requests)).execute()
    CustomerLoginFailure.delete().where(CustomerLoginFailure.email == customer.email).execute()
    keys = licenses.erase_customer(customer_id, customer.email, anonymous)
    audit.erase(License._meta.table_name, keys, ("customer_email",))
    Customer.delete().where(Customer.id == customer_id).execute()
    forget_in_audit(customer_id, orders, addresses, reviews, requests)


def forget_in_audit(customer_id: int, orders: list, addresses: list, reviews: list, requests: list):
    """The values the audit trail recorded of the person: the account, its addresses and reviews in full,
    of the orders and requests the fields erasure replaces."""
    audit.erase(Customer._meta.table_name, [customer_id])
    audit.erase(CustomerAddress._meta.table_name, addresses)
    audit.erase(ProductReview._meta.table_name, reviews)
    audit.erase(Order._meta.table_name, orders, ("customer_email", "customer_first_name", "customer_last_name"))
    audit.erase(OrderAddress._meta.table_name, [row.id for row in OrderAddress.select(OrderAddress.id).where(
        OrderAddress.order.in_(orders))] if orders else [])
    audit.erase(GdprDataRequest._meta.table_name, requests, ("email",))


# --- export ---------------------------------------------------------------------------------------

def plain(row, *hidden: str) -> dict:
    """A row's columns as JSON values (money and rates as numbers, times as ISO 8601), by column name."""
    return {field.column_name: export_value(row.__data__.get(name)) for name, field in row._meta.fields.items()
            if name not in hidden}


def export_value(value):
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, datetime.datetime):
        return iso(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def export_customer(context: RequestContext, customer_id: int) -> dict:
    customer = find_customer(customer_id)
    orders = list(Order.select().where(Order.customer == customer_id).order_by(Order.id))
    order_ids = [order.id for order in orders]
    items, addresses, payments = {}, {}, {}
    if order_ids:
        for item in OrderItem.select().where(OrderItem.order.in_(order_ids)).order_by(OrderItem.id):
            items.setdefault(item.order_id, []).append(plain(item))
        for address in OrderAddress.select().where(OrderAddress.order.in_(order_ids)).order_by(OrderAddress.id):
            addresses.setdefault(address.order_id, []).append(plain(address))
        for payment in OrderPayment.select().where(OrderPayment.order.in_(order_ids)).order_by(OrderPayment.id):
            payments.setdefault(payment.order_id, []).append(plain(payment))
    data = {
        "customer": plain(customer, *CUSTOMER_HIDDEN),
        "addresses": [plain(row) for row in CustomerAddress.select().where(CustomerAddress.customer == customer_id)
                      .order_by(CustomerAddress.id)],
        "orders": [{**plain(order, "idempotency_key", "request_fingerprint"), "items": items.get(order.id, []),
                    "addresses": addresses.get(order.id, []), "payment": (payments.get(order.id) or [None])[0]}
                   for order in orders],
        "reviews": [plain(row) for row in ProductReview.select().where(ProductReview.customer == customer_id)
                    .order_by(ProductReview.id)],
        "wishlist": [plain(row) for row in WishlistItem.select().where(WishlistItem.customer == customer_id)
                     .order_by(WishlistItem.id)],
        "notes": [plain(row) for row in CustomerNote.select().where(CustomerNote.customer == customer_id)
                  .order_by(CustomerNote.id)],
    }
    return {"customerId": customer.id, "customerEmail": customer.email, "generatedAt": iso(utcnow()), "data": data}
