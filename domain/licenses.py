"""License keys: the licensing setting of a product, keys issued at order placement, and the activate /
deactivate / check calls of the licensed software (docs/licenses.md).

A downloadable or virtual product with an enabled setting issues keys when an order is placed (inside
the place-order transaction, `issue_for_order`): one per unit ordered (`per_unit`) or one per order line
(`per_item`), each with the setting's activation limit and `validity_days` from placement (null:
lifetime). A key is 20 characters drawn with `secrets` from a 32-letter alphabet (100 bits), shown in
groups of five; the database keeps it unique and a clash draws again.

Activations: an instance (a site URL or a machine id) takes a seat once. The seat is taken by one
conditional UPDATE (`activation_count < activation_limit`) after the instance's row is inserted (unique per
license and instance), in one transaction: concurrent activations never pass the limit, and activating an
instance that holds a seat answers it again without taking another. Deactivating deletes the row and frees
the seat (an instance holding none answers 200 too, `activated` false). Keys that are revoked, inactive or past `expires_at` are refused with their reason.
"""
import datetime
import secrets

from peewee import IntegrityError

from domain.errors import ApiError, NotFound, Unprocessable
from domain.common import iso
from storage.compiled import Compiled
from storage.customer_models import Customer
from storage.db import database
from storage.license_models import License, LicenseActivation, LicenseProduct
from storage.models import Product, ProductTranslation, utcnow
from storage.sales_models import Order, OrderItem

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 letters without 0/O and 1/I
KEY_LETTERS, GROUP = 20, 5
LICENSED_TYPES = ("downloadable", "virtual")
STATUSES = ("active", "inactive", "revoked")
MODES = ("per_unit", "per_item")


# --- keys ------------------------------------------------------------------------------------------

def new_key() -> str:
    letters = "".join(secrets.choice(ALPHABET) for _ in range(KEY_LETTERS))
    return "-".join(letters[i:i + GROUP] for i in range(0, KEY_LETTERS, GROUP))


def normalized_key(raw: str) -> str:
    return str(raw or "").strip().upper()


def create_license(**columns) -> License:
    """A license with a fresh key; a key already taken (by the unique index) is drawn again."""
    for _ in range(5):
        try:
            with database.atomic():
                return License.create(license_key=new_key(), **columns)
        except IntegrityError:
            continue
    raise RuntimeError("could not draw an unused license key")


def state(row: License, now: datetime.datetime | None = None) -> str:
    """active | inactive | revoked | expired (an active key past its expiry)."""
    if row.status != "active":
        return row.status
    if row.expires_at is not None and row.expires_at <= (now or utcnow()):
        return "expired"
    return "active"


def state_filter(value: str):
    """Rows in the state the software sees: `expired` is an active key past its expiry, `active` one that is not."""
    now = utcnow()
    if value == "expired":
        return (License.status == "active") & License.expires_at.is_null(False) & (License.expires_at <= now)
    if value == "active":
        return (License.status == "active") & (License.expires_at.is_null() | (License.expires_at > now))
    return License.status == value


def expiry(validity_days: int | None, start: datetime.datetime | None = None) -> datetime.datetime | None:
    return None if validity_days is None else (start or utcnow()) + datetime.timedelta(days=validity_days)


# --- product settings ------------------------------------------------------------------------------

def licensed_product(product_id: int) -> Product:
    product = Product.get_or_none(Product.id == product_id)
    if product is None:
        raise NotFound("Product")
    if product.type not in LICENSED_TYPES:
        raise Unprocessable({"productId": [f"Only downloadable and virtual products issue license keys; "
                                           f"this one is {product.type}."]})
    return product


def product_setting(product_id: int) -> LicenseProduct:
    """404 when the product does not exist or issues no keys (a product of another type never does)."""
    if not Product.select().where(Product.id == product_id).exists():
        raise NotFound("Product")
    setting = LicenseProduct.get_or_none(LicenseProduct.product == product_id)
    if setting is None:
        raise ApiError(404, "This product issues no license keys.", "not_found")
    return setting


def save_product_setting(product_id: int, body: dict) -> LicenseProduct:
    """Create or replace the product's setting (fields left out keep their value, or the default)."""
    with database.atomic():
        licensed_product(product_id)
        setting = LicenseProduct.get_or_none(LicenseProduct.product == product_id)
        values = {key: body[key] for key in ("enabled", "mode", "activation_limit", "validity_days") if key in body}
        if "enabled" in values:
            values["enabled"] = bool(values["enabled"])
        if setting is None:
            try:
                with database.atomic():
                    LicenseProduct.create(product=product_id, **values)
            except IntegrityError:  # created concurrently: update it instead
                LicenseProduct.update(updated_at=utcnow(), **values).where(LicenseProduct.product == product_id).execute()
        elif values:
            LicenseProduct.update(updated_at=utcnow(), **values).where(LicenseProduct.product == product_id).execute()
    return LicenseProduct.get(LicenseProduct.product == product_id)


def delete_product_setting(product_id: int):
    with database.atomic():
        product_setting(product_id)
        LicenseProduct.delete().where(LicenseProduct.product == product_id).execute()


# --- issuing ---------------------------------------------------------------------------------------

LICENSED_PRODUCTS = Compiled(lambda ids: LicenseProduct.select().where(
    LicenseProduct.product.in_(ids), LicenseProduct.enabled == True), "ints")  # noqa: E712


def issue_for_order(order: Order, items: list[OrderItem] | None = None) -> list[License]:
    """Inside the place-order transaction: the keys of the order's licensed lines (`items`: the
    order's items in id order, when the caller has read them)."""
    if items is None:
        items = OrderItem.select().where(OrderItem.order == order.id, OrderItem.parent.is_null(),
                                         OrderItem.product.is_null(False)).order_by(OrderItem.id)
    items = [item for item in items if item.parent_id is None and item.product_id is not None]
    if not items:
        return []
    settings = {row.product_id: row for row in LICENSED_PRODUCTS.models([item.product_id for item in items])}
    issued = []
    for item in items:
        setting = settings.get(item.product_id)
        if setting is None:
            continue
        count = item.qty_ordered if setting.mode == "per_unit" else 1
        for _ in range(count):
            issued.append(create_license(
                product=item.product_id, product_name=item.name, customer=order.customer_id,
                customer_email=order.customer_email or "", order=order.id, order_item=item.id,
                activation_limit=setting.activation_limit, expires_at=expiry(setting.validity_days, order.created_at)))
    return issued


# --- the licensed software's calls -----------------------------------------------------------------

class LicenseRefused(ApiError):
    pass


def license_of_key(raw_key: str) -> License:
    row = License.get_or_none(License.license_key == normalized_key(raw_key))
    if row is None:
        raise ApiError(404, "No license has this key.", "license_not_found")
    return row


def refuse_unusable(row: License):
    reason = state(row)
    if reason == "revoked":
        raise LicenseRefused(403, "This license has been revoked.", "license_revoked")
    if reason == "inactive":
        raise LicenseRefused(403, "This license is not active.", "license_inactive")
    if reason == "expired":
        raise LicenseRefused(403, f"This license expired on {iso(row.expires_at)}.", "license_expired")


def clean_instance(instance: str) -> str:
    value = str(instance or "").strip()
    if not value:
        raise Unprocessable({"instance": ["The instance (site URL or machine id) is required."]})
    return value


def activate(raw_key: str, instance: str) -> dict:
    instance = clean_instance(instance)
    with database.atomic():
        row = license_of_key(raw_key)
        refuse_unusable(row)
        held = LicenseActivation.get_or_none(LicenseActivation.license == row.id, LicenseActivation.instance == instance)
        if held is not None:
            return status_document(License.get_by_id(row.id), instance, activated=True, message="Already activated.")
        try:
            with database.atomic():
                LicenseActivation.create(license=row.id, instance=instance)
        except IntegrityError:  # the same instance, activated concurrently: it holds its seat
            return status_document(License.get_by_id(row.id), instance, activated=True, message="Already activated.")
        within = (License.activation_limit.is_null()) | (License.activation_count < License.activation_limit)
        taken = (License.update(activation_count=License.activation_count + 1, updated_at=utcnow())
                 .where(License.id == row.id, License.status == "active", within).execute())
        if not taken:
            raise LicenseRefused(409, f"Every activation of this license is in use ({row.activation_limit}); "
                                      "deactivate an instance first.", "activation_limit_reached")
    return status_document(License.get_by_id(row.id), instance, activated=True, message="Activated.")


def deactivate(raw_key: str, instance: str) -> dict:
    instance = clean_instance(instance)
    with database.atomic():
        row = license_of_key(raw_key)
        removed = (LicenseActivation.delete()
                   .where(LicenseActivation.license == row.id, LicenseActivation.instance == instance).execute())
        if not removed:  # nothing to free: deactivating is idempotent
            return status_document(row, instance, activated=False, message="This instance was not activated.")
        (License.update(activation_count=License.activation_count - 1, updated_at=utcnow())
         .where(License.id == row.id, License.activation_count > 0).execute())
    return status_document(License.get_by_id(row.id), instance, activated=False, message="Deactivated.")


def check(raw_key: str, instance: str | None = None) -> dict:
    row = license_of_key(raw_key)
    instance = (instance or "").strip() or None
    activated = bool(instance) and LicenseActivation.select().where(
        LicenseActivation.license == row.id, LicenseActivation.instance == instance).exists()
    return status_document(row, instance, activated=activated, message=None)


def status_document(row: License, instance: str | None, activated: bool, message: str | None) -> dict:
    current = state(row)
    remaining = None if row.activation_limit is None else max(0, row.activation_limit - row.activation_count)
    return {"licenseKey": row.license_key, "status": current, "valid": current == "active",
            "activationLimit": row.activation_limit, "activationCount": row.activation_count,
            "activationsLeft": remaining, "expiresAt": iso(row.expires_at), "productId": row.product_id,
            "productName": row.product_name, "instance": instance, "activated": activated,
            "message": message or {"active": "The license is valid.", "expired": "The license has expired.",
                                   "revoked": "The license has been revoked.",
                                   "inactive": "The license is not active."}[current]}


# --- admin writes ----------------------------------------------------------------------------------

def product_name(product_id: int) -> str:
    name = (ProductTranslation.select(ProductTranslation.name)
            .where(ProductTranslation.product == product_id).order_by(ProductTranslation.id).scalar())
    return name or Product.get_by_id(product_id).sku


def admin_create(body: dict) -> License:
    """A key made by hand: for a licensed-type product, optionally for a customer."""
    errors = {}
    product = Product.get_or_none(Product.id == body["product_id"])
    if product is None:
        errors["product_id"] = ["The selected product id is invalid."]
    elif product.type not in LICENSED_TYPES:
        errors["product_id"] = ["Only downloadable and virtual products are licensed."]
    customer = None
    if body.get("customer_id") is not None:
        customer = Customer.get_or_none(Customer.id == body["customer_id"])
        if customer is None:
            errors["customer_id"] = ["The selected customer id is invalid."]
    expires_at = expiry_of(body, errors)
    if errors:
        raise Unprocessable(errors)
    with database.atomic():
        return create_license(product=product.id, product_name=product_name(product.id),
                              customer=customer.id if customer else None,
                              customer_email=customer.email if customer else "",
                              status=body.get("status", "active"), activation_limit=body.get("activation_limit"),
                              expires_at=expires_at)


def expiry_of(body: dict, errors: dict) -> datetime.datetime | None:
    """`expires_at` (ISO 8601, naive UTC) or `validity_days` from now; neither: lifetime."""
    if body.get("expires_at"):
        try:
            moment = datetime.datetime.fromisoformat(str(body["expires_at"]).replace("Z", "+00:00"))
        except ValueError:
            errors["expires_at"] = ["The expiry must be an ISO 8601 date-time."]
            return None
        if moment.tzinfo is not None:
            moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        if not 2000 <= moment.year <= 9999:
            errors["expires_at"] = ["The expiry must lie between the years 2000 and 9999."]
            return None
        return moment.replace(microsecond=0)
    return expiry(body.get("validity_days"))


def admin_update(license_id: int, body: dict) -> License:
    """`activation_limit` (null: unlimited; below the seats taken it only refuses new activations),
    `expires_at` / `validity_days` from now / `lifetime`, `status`."""
    with database.atomic():
        row = License.get_or_none(License.id == license_id)
        if row is None:
            raise NotFound("License")
        changes, errors = {}, {}
        if "activation_limit" in body:
            changes["activation_limit"] = body["activation_limit"]
        if body.get("status") is not None:
            changes["status"] = body["status"]
        if body.get("lifetime"):
            changes["expires_at"] = None
        elif body.get("expires_at") or body.get("validity_days") is not None:
            changes["expires_at"] = expiry_of(body, errors)
        if errors:
            raise Unprocessable(errors)
        if changes:
            License.update(updated_at=utcnow(), **changes).where(License.id == row.id).execute()
    return License.get_by_id(license_id)


def revoke(license_id: int) -> License:
    with database.atomic():
        if not License.update(status="revoked", updated_at=utcnow()).where(License.id == license_id).execute():
            raise NotFound("License")
    return License.get_by_id(license_id)


def activations_of(license_ids: list[int]) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {key: [] for key in license_ids}
    if license_ids:
        for row in (LicenseActivation.select().where(LicenseActivation.license.in_(license_ids))
                    .order_by(LicenseActivation.id)):
            found[row.license_id].append({"instance": row.instance, "activatedAt": iso(row.created_at)})
    return found


def erase_customer(customer_id: int, email: str, anonymous: str) -> list[int]:
    """GDPR erasure: the person's keys keep working but no longer name them; the ids changed."""
    ids = [key for (key,) in License.select(License.id).where(
        (License.customer == customer_id) | (License.customer_email == email)).tuples()]
    if ids:
        License.update(customer_email=anonymous, updated_at=utcnow()).where(License.id.in_(ids)).execute()
    return ids
