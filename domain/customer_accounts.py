"""Customer accounts as the back office manages them: create, update, status, delete, notes, and the
side panels of the Create-Order screen (the customer's cart, wishlist and recent order lines).

An admin-created account gets a random password mailed to the customer unless the admin sets one
(`send_password` false). Deleting an account is refused while the customer has a pending or
processing order; otherwise the account goes with its addresses, tokens, carts, wishlist, compare
list and notes (foreign keys cascade), and what must outlive it stays: orders and invoices keep the
name and email they were placed with (the order's own copy), reviews stay without their author's
account. A deactivated customer's tokens stop working at once (every token check reads the status).
"""
import datetime
import re
import secrets
from decimal import Decimal

from peewee import IntegrityError, fn

from domain.common import RequestContext, iso, json_number
from domain.customers import (
    MAX_ADDRESSES, checked_region, clear_default, digest, hasher, normalize_email, optional_text, random_secret,
    remove_address, revoke_tokens,
)
from domain.errors import ApiError, NotFound, Unprocessable
from domain.mail import send_mail
from domain.sales.cart_totals import compute_totals, product_names, unit_price
from domain.webhooks import outbox
from storage.customer_care_models import CustomerImpersonation, CustomerNote
from storage.customer_models import Customer, CustomerAddress, CustomerToken
from storage.db import database
from storage.models import Channel, Country, CustomerGroup, Product, ProductImage, utcnow
from storage.sales_models import Cart, Invoice, Order, OrderItem
from storage.wishlist_models import WishlistItem

ACTIVE_ORDER_STATUSES = ("pending", "processing")
ACTIVE_ORDERS = "Customer has active orders"
RECENT_ITEMS = 5
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
TEXT_COLUMNS = ("first_name", "last_name")


def calendar_day(value) -> datetime.date:
    """A YYYY-MM-DD date (ValueError otherwise)."""
    if not isinstance(value, str) or not DAY.fullmatch(value):
        raise ValueError("not a YYYY-MM-DD date")
    return datetime.date.fromisoformat(value)


def find_customer(customer_id: int) -> Customer:
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise NotFound("Customer")
    return customer


def with_active_orders(customer_ids) -> set[int]:
    """The customers among `customer_ids` with a pending or processing order."""
    if not customer_ids:
        return set()
    return {row.customer_id for row in Order.select(Order.customer)
            .where(Order.customer.in_(list(customer_ids)), Order.status.in_(ACTIVE_ORDER_STATUSES)).distinct()}


# --- writes ----------------------------------------------------------------------------------------

def account_values(body: dict, current: Customer | None) -> dict:
    """Columns from an admin body (snake_case), every rule broken at once as a 422."""
    errors, values = {}, {}
    for column in TEXT_COLUMNS:
        if column in body:
            values[column] = body[column].strip()
    if "email" in body:
        values["email"] = normalize_email(body["email"])
        clash = Customer.select().where(Customer.email == values["email"])
        if current is not None:
            clash = clash.where(Customer.id != current.id)
        if clash.exists():
            errors["email"] = ["The email has already been taken."]
    if "phone" in body:
        values["phone"] = optional_text(body["phone"])
    if "gender" in body:
        values["gender"] = body["gender"]
    if "date_of_birth" in body:
        values["date_of_birth"] = birth_date(body["date_of_birth"], errors)
    if "customer_group_id" in body:
        if not CustomerGroup.select().where(CustomerGroup.id == body["customer_group_id"]).exists():
            errors["customer_group_id"] = ["The selected customer group id is invalid."]
        values["customer_group"] = body["customer_group_id"]
    if "channel_id" in body:
        if body["channel_id"] is not None and not Channel.select().where(Channel.id == body["channel_id"]).exists():
            errors["channel_id"] = ["The selected channel id is invalid."]
        values["channel"] = body["channel_id"]
    if "status" in body:
        values["status"] = bool(body["status"])
    if "subscribed_to_news_letter" in body:
        values["subscribed_to_news_letter"] = bool(body["subscribed_to_news_letter"])
    if current is None and body.get("send_password", True) is False and not body.get("password"):
        errors["password"] = ["The password is required when send_password is false."]
    if errors:
        raise Unprocessable(errors)
    return values


def birth_date(value, errors: dict):
    if value is None:
        return None
    try:
        parsed = calendar_day(value)
    except ValueError:
        parsed = None
    if parsed is None or not datetime.date(1900, 1, 1) <= parsed < datetime.date.today():
        errors["date_of_birth"] = ["The date of birth must be a valid date before today."]
    return parsed


def create_account(body: dict, channel_id: int | None) -> tuple[Customer, str | None]:
    """(the new customer, the generated password to mail or None when the admin chose one)."""
    values = account_values(body, None)
    generated = None
    if body.get("send_password", True) is not False:
        generated = secrets.token_urlsafe(9)
    password = generated or body["password"]
    values.setdefault("channel", channel_id)
    try:
        with database.atomic():
            customer = Customer.create(**values, password=hasher.hash(password), api_token=random_secret(80),
                                       is_verified=True)
            outbox.emit_customer(customer)
    except IntegrityError:
        raise Unprocessable({"email": ["The email has already been taken."]}) from None
    if generated:
        send_mail(customer.email, "Your new account",
                  f"Hello {customer.first_name},\n\nAn account was created for you at our store.\n\n"
                  f"Email: {customer.email}\nPassword: {generated}\n\nPlease sign in and change the password.\n")
    return customer, generated


def update_account(customer_id: int, body: dict) -> Customer:
    with database.atomic():
        customer = find_customer(customer_id)
        values = account_values(body, customer)
        if body.get("password"):
            values["password"] = hasher.hash(body["password"])
        if values:
            values["updated_at"] = utcnow()
            try:
                with database.atomic():
                    Customer.update(values).where(Customer.id == customer.id).execute()
            except IntegrityError:
                raise Unprocessable({"email": ["The email has already been taken."]}) from None
            if "password" in values:
                revoke_tokens(customer.id)
    return find_customer(customer_id)


def delete_accounts(customer_ids: list[int]):
    """Delete the accounts (the caller checked the active-orders guard in the same transaction)."""
    if customer_ids:
        Customer.delete().where(Customer.id.in_(customer_ids)).execute()


def add_note(customer_id: int, body: dict, admin_id: int | None) -> CustomerNote:
    customer = find_customer(customer_id)
    text = body["note"].strip()
    if not text:
        raise Unprocessable({"note": ["The note must not be empty."]})
    notified = bool(body.get("customer_notified", False))
    note = CustomerNote.create(customer=customer.id, note=text, customer_notified=notified, admin_id=admin_id)
    if notified:
        send_mail(customer.email, "A note about your account",
                  f"Hello {customer.first_name},\n\nOur team added a note to your account:\n\n{text}\n")
    return note


# --- reading -------------------------------------------------------------------------------------

def counters(customer_id: int) -> dict:
    """totalAddresses, totalOrders and totalAmountSpent (base grand totals of the invoices)."""
    spent = (Invoice.select(fn.SUM(Invoice.base_grand_total)).join(Order)
             .where(Order.customer == customer_id).scalar())
    return {
        "totalAddresses": CustomerAddress.select().where(CustomerAddress.customer == customer_id).count(),
        "totalOrders": Order.select().where(Order.customer == customer_id).count(),
        "totalAmountSpent": json_number(Invoice.base_grand_total.python_value(spent) if spent is not None else Decimal(0)),
    }


def first_images(product_ids) -> dict[int, str]:
    """{product id: path of its first image}."""
    images = {}
    rows = (ProductImage.select(ProductImage.product, ProductImage.path)
            .where(ProductImage.product.in_(list(product_ids))).order_by(ProductImage.position, ProductImage.id))
    for row in rows:
        images.setdefault(row.product_id, row.path)
    return images


def cart_lines(context: RequestContext, customer_id: int) -> list[dict]:
    """The top-level lines of the customer's active cart, priced as the customer's cart prices them."""
    find_customer(customer_id)
    cart = (Cart.select().where(Cart.customer == customer_id, Cart.is_active == True)  # noqa: E712
            .order_by(Cart.updated_at.desc(), Cart.id.desc()).first())
    if cart is None:
        return []
    totals = compute_totals(context, cart)
    money = context.currency
    return [{"id": line.item.id, "productId": line.item.product_id, "sku": line.sku, "type": line.type,
             "name": line.name, "quantity": line.quantity, "price": json_number(line.base_unit_price),
             "formattedPrice": money.format(line.base_unit_price), "total": json_number(line.base_total),
             "formattedTotal": money.format(line.base_total),
             "additional": {"quantity": line.quantity, **(line.item.additional or {})}} for line in totals.lines]


def wishlist_lines(context: RequestContext, customer_id: int) -> list[dict]:
    customer = find_customer(customer_id)
    items = list(WishlistItem.select(WishlistItem, Product).join(Product)
                 .where(WishlistItem.customer == customer_id).order_by(WishlistItem.id))
    product_ids = {item.product_id for item in items}
    names = product_names(context, product_ids)
    images = first_images(product_ids)
    lines = []
    for item in items:
        price = unit_price(context, item.product, 1, customer.customer_group_id)
        lines.append({"id": item.id, "productId": item.product_id, "sku": item.product.sku,
                      "name": names.get(item.product_id), "price": json_number(price), "formattedPrice": context.currency.format(price),
                      "productImage": context.media(images.get(item.product_id)), "additional": item.additional or None})
    return lines


def recent_order_lines(context: RequestContext, customer_id: int) -> list[dict]:
    """The newest top-level order line of each of the last RECENT_ITEMS distinct products ordered."""
    find_customer(customer_id)
    rows = (OrderItem.select(OrderItem, Order.created_at).join(Order)
            .where(Order.customer == customer_id, OrderItem.parent.is_null(), OrderItem.product.is_null(False))
            .order_by(Order.created_at.desc(), Order.id.desc(), OrderItem.id))
    chosen, seen = [], set()
    for item in rows:
        if item.product_id in seen:
            continue
        seen.add(item.product_id)
        chosen.append(item)
        if len(chosen) == RECENT_ITEMS:
            break
    images = first_images(seen)
    return [{"id": item.id, "productId": item.product_id, "sku": item.sku, "type": item.product_type,
             "name": item.name, "price": json_number(item.base_price), "formattedPrice": context.currency.format(item.base_price),
             "productImage": context.media(images.get(item.product_id)),
             "additional": {"quantity": item.qty_ordered, **(item.additional or {})}} for item in chosen]


def refuse_active(customer_id: int):
    if with_active_orders([customer_id]):
        raise ApiError(400, ACTIVE_ORDERS, "customer_has_active_orders")


# --- addresses (the admin's view: any customer's, with an ownership guard) --------------------------

ADDRESS_FIELDS = {"first_name": "first_name", "last_name": "last_name", "company_name": "company_name",
                  "vat_id": "vat_id", "city": "city", "postcode": "postcode", "phone": "phone", "email": "email"}


def owned_address(customer_id: int, address_id: int) -> CustomerAddress:
    """The address, when it is the customer's: unknown customer or address 404, another's 403."""
    find_customer(customer_id)
    address = CustomerAddress.get_or_none(CustomerAddress.id == address_id)
    if address is None:
        raise NotFound("Address")
    if address.customer_id != customer_id:
        raise ApiError(403, "This address belongs to another customer.", "address_not_owned")
    return address


def street_lines(body: dict, current: CustomerAddress | None) -> dict:
    """`address` (a string or a list of lines) and `address2` as the first line and the rest."""
    if "address" not in body and "address2" not in body:
        return {}
    lines = body.get("address", current.address1 if current else "")
    lines = [str(line) for line in lines] if isinstance(lines, list) else str(lines).splitlines() or [""]
    extra = body.get("address2") if "address2" in body else (current.address2 if current and "address" not in body else None)
    rest = [line for line in [*lines[1:], extra or ""] if line.strip()]
    return {"address1": lines[0].strip(), "address2": "\n".join(rest) or None}


def region(body: dict, current: CustomerAddress | None) -> dict:
    """A store country and, when a state is given and the country has states, one of its codes."""
    if "country" not in body and "state" not in body:
        return {}
    country = body.get("country") or (current.country if current else "")
    state = body.get("state") if "state" in body else (current.state if current else "")
    state = (state or "").strip()
    if state:
        country, state = checked_region(country, state)
    elif not Country.select().where(Country.code == country.upper()).exists():
        raise Unprocessable({"country": ["The selected country is invalid."]})
    return {"country": country.upper(), "state": state}


def address_columns(body: dict, current: CustomerAddress | None) -> dict:
    values = {column: body[key].strip() if isinstance(body[key], str) else body[key]
              for key, column in ADDRESS_FIELDS.items() if key in body}
    for column in ("company_name", "vat_id"):
        if column in values:
            values[column] = values[column] or None
    return {**values, **street_lines(body, current), **region(body, current)}


def add_customer_address(customer_id: int, body: dict) -> CustomerAddress:
    customer = find_customer(customer_id)
    values = address_columns(body, None)
    values.setdefault("email", customer.email)
    with database.atomic():
        count = CustomerAddress.select().where(CustomerAddress.customer == customer_id).count()
        if count >= MAX_ADDRESSES:
            raise Unprocessable({"address": [f"A customer can have at most {MAX_ADDRESSES} addresses."]})
        default = bool(body.get("default_address")) or not CustomerAddress.select().where(
            CustomerAddress.customer == customer_id, CustomerAddress.default_address == True).exists()  # noqa: E712
        if default:
            clear_default(customer_id)
        return CustomerAddress.create(customer=customer_id, default_address=default, **values)


def change_customer_address(customer_id: int, address_id: int, body: dict) -> CustomerAddress:
    with database.atomic():
        address = owned_address(customer_id, address_id)
        values = address_columns(body, address)
        if body.get("default_address"):
            clear_default(customer_id)
            values["default_address"] = True
        if values:
            CustomerAddress.update({**values, "updated_at": utcnow()}).where(CustomerAddress.id == address.id).execute()
    return CustomerAddress.get_by_id(address_id)


def remove_customer_address(customer_id: int, address_id: int):
    owned_address(customer_id, address_id)
    remove_address(customer_id, address_id)


# --- impersonation ---------------------------------------------------------------------------------

IMPERSONATION_LIFETIME = datetime.timedelta(hours=1)


def impersonate(customer_id: int, admin_id: int) -> dict:
    """A customer token for an admin acting as the customer: one hour, named `admin-impersonate:<admin>`
    (so the customer's tokens show who holds it), recorded with the admin, the customer and the token.
    The plain token is in this answer only."""
    customer = find_customer(customer_id)
    if not customer.status or customer.is_suspended:
        raise ApiError(400, "An inactive or suspended customer cannot be impersonated.", "customer_inactive")
    secret = random_secret()
    expires_at = utcnow() + IMPERSONATION_LIFETIME
    with database.atomic():
        token = CustomerToken.create(customer=customer.id, name=f"admin-impersonate:{admin_id}",
                                     token_hash=digest(secret), expires_at=expires_at)
        CustomerImpersonation.create(admin_id=admin_id, customer_id=customer.id, token_id=token.id,
                                     expires_at=expires_at)
    return {"token": f"{token.id}|{secret}", "customerId": customer.id, "customerEmail": customer.email,
            "customerName": f"{customer.first_name} {customer.last_name}".strip(),
            "impersonatedByAdminId": admin_id, "expiresAt": iso(expires_at)}
