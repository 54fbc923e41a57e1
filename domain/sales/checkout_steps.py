"""The checkout steps on a given cart, shared by the shop checkout (the bearer's cart) and the admin
draft carts: address values and their checks, saving addresses (a changed address drops the steps
after it), the steps required before a step, and choosing a shipping rate or a payment method.

Which cart a step runs on is the caller's business; every rule about the step is here.
"""
import re

from domain import settings_cache
from domain.common import RequestContext
from domain.errors import Unprocessable
from domain.sales import payments
from domain.sales.cart_totals import compute_totals
from domain.sales.order_placement import CheckoutIncomplete, cart_addresses, missing_steps, require_items
from storage.db import database
from storage.models import Country, CountryState, utcnow
from storage.sales_models import Cart, CartAddress

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Inline address fields (REST names) -> CartAddress columns, in the order errors are listed.
ADDRESS_FIELDS = {"firstName": "first_name", "lastName": "last_name", "email": "email", "address": "address1",
                  "city": "city", "country": "country", "state": "state", "postcode": "postcode", "phone": "phone"}
FIELD_LABELS = {"firstName": "first name", "lastName": "last name", "email": "email", "address": "address",
                "city": "city", "country": "country", "state": "state", "postcode": "postcode", "phone": "phone"}
COMPARED_COLUMNS = ("company_name", "first_name", "last_name", "email", "phone", "address1", "address2", "city",
                    "state", "country", "postcode")


def require_steps(context: RequestContext, cart: Cart, upto: str):
    """409 for an empty cart, 400 naming the missing steps before `upto`; returns the cart's totals."""
    totals = compute_totals(context, cart, items=require_items(cart))
    missing = missing_steps(context, cart, totals, totals.addresses, upto)
    if missing:
        raise CheckoutIncomplete(missing)
    return totals


# --- addresses -----------------------------------------------------------------------------------

def address_values(data: dict, name=lambda field: field) -> dict:
    """CartAddress columns from inline fields, or 422 listing every missing or invalid field under
    the caller's field names (`name("city")` -> "billingCity" for GraphQL)."""
    cleaned = {field: (data.get(field) or "").strip() for field in ADDRESS_FIELDS}
    errors = {}
    for field, value in cleaned.items():
        if not value and field != "state":
            errors[name(field)] = [f"The {FIELD_LABELS[field]} field is required."]
    if cleaned["email"] and not EMAIL_PATTERN.match(cleaned["email"]):
        errors[name("email")] = [f"The {FIELD_LABELS['email']} must be a valid email address."]
    if cleaned["country"]:
        region_errors(cleaned, errors, name)
    if errors:
        raise Unprocessable(errors)
    values = {ADDRESS_FIELDS[field]: value for field, value in cleaned.items()}
    values["company_name"] = (data.get("companyName") or "").strip() or None
    values["address2"] = None
    return values


def region_errors(cleaned: dict, errors: dict, name):
    """The country must be a store country; when it has states, the state one of its codes."""
    region = country_region(cleaned["country"].upper())
    if region is None:
        errors[name("country")] = ["The selected country is invalid."]
        return
    country_code, codes = region
    cleaned["country"] = country_code
    if not codes:
        return
    match = next((code for code in codes if code.lower() == cleaned["state"].lower()), None)
    if not cleaned["state"]:
        errors[name("state")] = [f"The {FIELD_LABELS['state']} field is required."]
    elif match is None:
        errors[name("state")] = [f"The selected state is invalid for {country_code}."]
    else:
        cleaned["state"] = match


def country_region(code: str) -> tuple[str, tuple[str, ...]] | None:
    """(country code, its state codes) of a store country, None for any other code; kept per worker
    under the settings version."""
    def load():
        country = Country.get_or_none(Country.code == code)
        if country is None:
            return None
        return country.code, tuple(row.code for row in CountryState.select(CountryState.code)
                                   .where(CountryState.country == country.id))
    return settings_cache.cached("country_region", code, load)


def save_addresses(cart: Cart, changes: dict[str, dict]) -> dict[str, CartAddress]:
    """Write the cart's billing and/or shipping address; a changed address drops the steps after it.
    A guest cart takes its customer's name and email from the billing address. Returns the cart's
    addresses as written ({type: CartAddress})."""
    current = cart_addresses(cart)
    with database.atomic():
        changed = set()
        for address_type, values in changes.items():
            existing = current.get(address_type)
            if existing is None:
                current[address_type] = CartAddress.create(cart=cart.id, address_type=address_type, **values)
                changed.add(address_type)
            elif any(getattr(existing, column) != values[column] for column in COMPARED_COLUMNS):
                now = utcnow()
                CartAddress.update(**values, updated_at=now).where(CartAddress.id == existing.id).execute()
                for column, value in values.items():
                    setattr(existing, column, value)
                existing.updated_at = now
                changed.add(address_type)
        reset = {}
        if "shipping" in changed:
            reset.update(shipping_method=None, payment_method=None)
        if "billing" in changed:
            reset["payment_method"] = None
        if "billing" in changes and not cart.customer_id:
            billing = changes["billing"]
            reset.update(customer_email=billing["email"], customer_first_name=billing["first_name"],
                         customer_last_name=billing["last_name"])
        if reset:
            Cart.update(**reset, updated_at=utcnow()).where(Cart.id == cart.id).execute()
            for column, value in reset.items():
                setattr(cart, column, value)
    return current


# --- shipping and payment methods -------------------------------------------------------------------

def choose_shipping_rate(context: RequestContext, cart: Cart, code: str, field: str):
    """Save one of the cart's rates (422 naming `field` for any other code); returns (rate, totals
    after the choice)."""
    totals = require_steps(context, cart, "shippingMethod")
    rate = next((rate for rate in totals.shipping_rates if rate.code == code), None)
    if rate is None:
        raise Unprocessable({field: ["Invalid or unavailable shipping method."]})
    Cart.update(shipping_method=rate.code, updated_at=utcnow()).where(Cart.id == cart.id).execute()
    cart.shipping_method = rate.code
    return rate, compute_totals(context, cart, same_lines=totals)


def choose_payment(context: RequestContext, cart: Cart, code: str, field: str) -> payments.PaymentMethod:
    """Save one of the payment methods offered to the cart (422 naming `field` for any other code)."""
    require_steps(context, cart, "paymentMethod")
    method = next((method for method in payments.payment_methods(context, cart) if method.code == code), None)
    if method is None:
        raise Unprocessable({field: ["Invalid or unavailable payment method."]})
    Cart.update(payment_method=method.code, updated_at=utcnow()).where(Cart.id == cart.id).execute()
    cart.payment_method = method.code
    return method
