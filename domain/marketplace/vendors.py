"""Marketplace vendors: a signed-in customer applies to open a shop, an admin approves, rejects, suspends or
reinstates it (a state machine; any other move is 409 `invalid_transition`), admin users act for a vendor
(the vendor users), and a product may belong to a vendor (docs/marketplace.md).

Every vendor-scoped read or write starts from `caller_vendor(context)`: the vendor the calling admin user
is linked to. A vendor user asking for another vendor's row gets the same 404 as for a missing row."""
import re
from decimal import Decimal

from peewee import JOIN, fn

from domain.common import RequestContext
from domain.errors import ApiError, NotFound, Unprocessable
from storage.admin_models import AdminUser
from storage.customer_models import Customer
from storage.compiled import Compiled
from storage.db import database
from storage.marketplace_models import (
    MarketplaceLedgerEntry, MarketplaceProductVendor, MarketplaceSubOrder, MarketplaceVendor, MarketplaceVendorUser,
)
from storage.models import Product, ProductTranslation, utcnow

STATUSES = ("pending", "approved", "rejected", "suspended")
# action -> (the statuses it leaves, the status it reaches, whether a reason is required)
TRANSITIONS = {
    "approve": (("pending",), "approved", False),
    "reject": (("pending",), "rejected", True),
    "suspend": (("approved",), "suspended", True),
    "reinstate": (("suspended",), "approved", False),
}
PAST = {"approve": "approved", "reject": "rejected", "suspend": "suspended", "reinstate": "reinstated"}
APPLICATION_FIELDS = {"name": "name", "email": "email", "phone": "phone", "description": "description",
                      "businessName": "business_name", "taxNumber": "tax_number", "address": "address",
                      "documents": "documents"}


class InvalidTransition(ApiError):
    def __init__(self, vendor: MarketplaceVendor, action: str):
        super().__init__(409, f"A {vendor.status} vendor cannot be {PAST[action]}.", "invalid_transition")


# --- reading ----------------------------------------------------------------------------------

def find_vendor(vendor_id: int) -> MarketplaceVendor:
    vendor = MarketplaceVendor.get_or_none(MarketplaceVendor.id == vendor_id)
    if vendor is None:
        raise NotFound("Vendor")
    return vendor


def caller_vendor_id(context: RequestContext) -> int:
    """The vendor the calling admin user acts for; 404 when it acts for none."""
    admin_id = (context.admin or {}).get("admin_id")
    vendor_id = (MarketplaceVendorUser.select(MarketplaceVendorUser.vendor)
                 .where(MarketplaceVendorUser.admin_user == admin_id).scalar()) if admin_id else None
    if vendor_id is None:
        raise NotFound("Vendor")
    return vendor_id


def caller_vendor(context: RequestContext) -> MarketplaceVendor:
    return find_vendor(caller_vendor_id(context))


def balances(vendor_ids: list[int]) -> dict[int, dict]:
    """Per vendor: the ledger's sum, what is still pending (sales of sub-orders not delivered yet), what is
    available for a payout, and what was paid out."""
    figures = {key: {"balance": Decimal(0), "pending": Decimal(0), "paid_out": Decimal(0)} for key in vendor_ids}
    if not vendor_ids:
        return figures
    Entry, SubOrder = MarketplaceLedgerEntry, MarketplaceSubOrder
    rows = (Entry.select(Entry.vendor, Entry.type, SubOrder.status, fn.SUM(Entry.amount))
            .join(SubOrder, on=(Entry.sub_order == SubOrder.id), join_type=JOIN.LEFT_OUTER)
            .where(Entry.vendor.in_(vendor_ids)).group_by(Entry.vendor, Entry.type, SubOrder.status).tuples())
    for vendor_id, kind, status, total in rows:
        amount = Entry.amount.python_value(total) or Decimal(0)
        figures[vendor_id]["balance"] += amount
        if kind == "sale" and status != "delivered":
            figures[vendor_id]["pending"] += amount
        if kind == "payout":
            figures[vendor_id]["paid_out"] -= amount
    return figures


def vendor_users(vendor_ids: list[int]) -> dict[int, list[dict]]:
    users = {key: [] for key in vendor_ids}
    rows = (MarketplaceVendorUser.select(MarketplaceVendorUser.vendor, AdminUser.id, AdminUser.name, AdminUser.email)
            .join(AdminUser, on=(MarketplaceVendorUser.admin_user == AdminUser.id))
            .where(MarketplaceVendorUser.vendor.in_(vendor_ids)).order_by(AdminUser.id).tuples())
    for vendor_id, admin_id, name, email in rows:
        users[vendor_id].append({"adminUserId": admin_id, "name": name, "email": email})
    return users


# --- the application (shop) ------------------------------------------------------------------------

def slug_of(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "shop"


def application_values(body: dict) -> dict:
    values = {column: body[key] for key, column in APPLICATION_FIELDS.items() if key in body}
    errors = {key: ["The value must not be blank."] for key in ("name", "businessName")
              if key in body and not str(body[key]).strip()}
    errors.update({key: ["The value must not contain NUL characters."] for key in APPLICATION_FIELDS
                   if key in body and holds_nul(body[key])})
    if errors:
        raise Unprocessable(errors)
    if "documents" in values:
        values["documents"] = [{"name": item["name"], "url": item["url"]} for item in values["documents"]]
    return values


def holds_nul(value) -> bool:
    """Whether a string, or one nested in a list or object, holds U+0000 (PostgreSQL cannot store it)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(item) for item in value.values())
    if isinstance(value, list):
        return any(holds_nul(item) for item in value)
    return False


def apply(context: RequestContext, body: dict) -> tuple[MarketplaceVendor, bool]:
    """A customer's application: a new pending vendor, or a rejected application submitted again (pending
    once more). Returns (vendor, created). 409 `vendor_exists` when the customer has a live application."""
    customer_id = context.customer_id
    values = application_values(body)
    with database.atomic():
        existing = MarketplaceVendor.get_or_none(MarketplaceVendor.customer == customer_id)
        if existing is not None and existing.status != "rejected":
            raise ApiError(409, f"You already have a {existing.status} vendor application.", "vendor_exists")
        slug = slug_of(values["name"])
        clash = MarketplaceVendor.select().where(MarketplaceVendor.slug == slug)
        if existing is not None:
            clash = clash.where(MarketplaceVendor.id != existing.id)
        if clash.exists():
            raise Unprocessable({"name": ["A shop with this name already exists."]})
        if not values.get("email"):
            values["email"] = Customer.select(Customer.email).where(Customer.id == customer_id).scalar()
        values.update(slug=slug, status="pending", status_reason="", updated_at=utcnow())
        if existing is None:
            return MarketplaceVendor.create(customer=customer_id, **values), True
        MarketplaceVendor.update(values).where(MarketplaceVendor.id == existing.id).execute()
        return find_vendor(existing.id), False


def own_application(context: RequestContext) -> MarketplaceVendor:
    vendor = MarketplaceVendor.get_or_none(MarketplaceVendor.customer == context.customer_id)
    if vendor is None:
        raise NotFound("Vendor application")
    return vendor


# --- the admin's decisions ----------------------------------------------------------------------

def decide(vendor_id: int, action: str, reason: str | None) -> MarketplaceVendor:
    sources, target, reason_required = TRANSITIONS[action]
    reason = (reason or "").strip()
    if "\x00" in reason:
        raise Unprocessable({"reason": ["The value must not contain NUL characters."]})
    with database.atomic():
        vendor = find_vendor(vendor_id)
        if vendor.status not in sources:
            raise InvalidTransition(vendor, action)
        if reason_required and not reason:
            raise Unprocessable({"reason": [f"A reason is required to {action} a vendor."]})
        changes = {"status": target, "status_reason": reason, "updated_at": utcnow()}
        if action == "approve":
            changes["approved_at"] = utcnow()
        claimed = (MarketplaceVendor.update(changes)
                   .where(MarketplaceVendor.id == vendor.id, MarketplaceVendor.status.in_(sources)).execute())
        if claimed != 1:  # a concurrent decision moved it first
            raise InvalidTransition(find_vendor(vendor_id), action)
        return find_vendor(vendor_id)


def set_commission(vendor_id: int, percent) -> MarketplaceVendor:
    with database.atomic():
        find_vendor(vendor_id)
        MarketplaceVendor.update(commission_percent=percent, updated_at=utcnow()).where(
            MarketplaceVendor.id == vendor_id).execute()
        return find_vendor(vendor_id)


# --- vendor users ---------------------------------------------------------------------------------

def link_user(vendor_id: int, admin_user_id: int) -> MarketplaceVendor:
    with database.atomic():
        find_vendor(vendor_id)
        if not AdminUser.select().where(AdminUser.id == admin_user_id).exists():
            raise Unprocessable({"admin_user_id": ["The selected admin user is invalid."]})
        current = (MarketplaceVendorUser.select(MarketplaceVendorUser.vendor)
                   .where(MarketplaceVendorUser.admin_user == admin_user_id).scalar())
        if current is not None and current != vendor_id:
            raise Unprocessable({"admin_user_id": ["The admin user already acts for another vendor."]})
        if current is None:
            MarketplaceVendorUser.insert(admin_user=admin_user_id, vendor=vendor_id, created_at=utcnow()) \
                .on_conflict_ignore().execute()
            linked = (MarketplaceVendorUser.select(MarketplaceVendorUser.vendor)
                      .where(MarketplaceVendorUser.admin_user == admin_user_id).scalar())
            if linked != vendor_id:
                raise Unprocessable({"admin_user_id": ["The admin user already acts for another vendor."]})
        return find_vendor(vendor_id)


def unlink_user(vendor_id: int, admin_user_id: int) -> MarketplaceVendor:
    with database.atomic():
        find_vendor(vendor_id)
        removed = MarketplaceVendorUser.delete().where(MarketplaceVendorUser.vendor == vendor_id,
                                                      MarketplaceVendorUser.admin_user == admin_user_id).execute()
        if not removed:
            raise NotFound("Vendor user")
        return find_vendor(vendor_id)


# --- products ----------------------------------------------------------------------------------------

def assign_product(product_id: int, vendor_id: int | None) -> Product:
    with database.atomic():
        product = Product.get_or_none(Product.id == product_id)
        if product is None:
            raise NotFound("Product")
        if product.parent_id is not None:
            raise Unprocessable({"vendor_id": ["A variant belongs to the vendor of its product."]})
        if vendor_id is not None and not MarketplaceVendor.select().where(MarketplaceVendor.id == vendor_id).exists():
            raise Unprocessable({"vendor_id": ["The selected vendor is invalid."]})
        MarketplaceProductVendor.delete().where(MarketplaceProductVendor.product == product_id).execute()
        if vendor_id is not None:
            MarketplaceProductVendor.create(product=product_id, vendor=vendor_id)
        return product


PRODUCT_VENDORS = Compiled(lambda ids: MarketplaceProductVendor.select(
    MarketplaceProductVendor.product, MarketplaceProductVendor.vendor).where(MarketplaceProductVendor.product.in_(ids)),
    "ints")


def product_vendor_ids(product_ids: list[int]) -> dict[int, int]:
    if not product_ids:
        return {}
    return dict(PRODUCT_VENDORS.tuples(product_ids))


def vendor_products(vendor_id: int, sku: str | None = None, name: str | None = None):
    query = (Product.select().join(MarketplaceProductVendor, on=(MarketplaceProductVendor.product == Product.id))
             .where(MarketplaceProductVendor.vendor == vendor_id))
    if sku:
        query = query.where(Product.sku.contains(sku))
    if name:
        query = query.where(Product.id.in_(ProductTranslation.select(ProductTranslation.product)
                                           .where(ProductTranslation.name.contains(name))))
    return query


def vendor_product(vendor_id: int, product_id: int) -> Product:
    product = vendor_products(vendor_id).where(Product.id == product_id).first()
    if product is None:
        raise NotFound("Product")
    return product


def product_names(product_ids: list[int], locales: tuple[str, ...]) -> dict[int, str]:
    names = {}
    if not product_ids:
        return names
    rows = (ProductTranslation.select(ProductTranslation.product, ProductTranslation.locale, ProductTranslation.name)
            .where(ProductTranslation.product.in_(product_ids)).tuples())
    ranked = {}
    for product_id, locale, name in rows:
        rank = locales.index(locale) if locale in locales else len(locales)
        if product_id not in ranked or rank < ranked[product_id]:
            ranked[product_id], names[product_id] = rank, name
    return names
