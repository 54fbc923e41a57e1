"""What each import type reads: its columns, a sample file, how one row is checked and how it is written.

`check(row, seen)` returns the row's problems as `[(column, message)]` without writing anything;
`write(row, action)` applies one checked row and says what it did (`created`, `updated`, `deleted`
or `skipped`). A row is always checked in full before anything of it is written.
"""
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Callable

from storage.customer_models import Customer
from storage.models import CustomerGroup, Product, ProductChannel, ProductInventory, ProductTranslation, TaxRate

DEFAULT_FAMILY, DEFAULT_CHANNEL, DEFAULT_SOURCE, DEFAULT_LOCALE = 1, 1, 1, "en"
SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PRODUCT_TYPES = ("simple", "virtual")


@dataclass(frozen=True)
class Importer:
    columns: tuple[str, ...]  # every column the type reads
    required: tuple[str, ...]  # columns every append row must fill
    key: str  # the column naming the record (also the only one a delete row needs)
    sample: tuple[tuple[str, ...], ...]
    check: Callable[[dict, dict, str], list]
    write: Callable[[dict, str], str]


def decimal_of(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def duplicate(seen: dict, column: str, value: str) -> list:
    """Each key once per file: the second row naming it is refused."""
    bucket = seen.setdefault(column, set())
    if value in bucket:
        return [(column, f"The {column} {value} appears more than once in the file.")]
    bucket.add(value)
    return []


# --- products ---------------------------------------------------------------------------------

def check_product(row: dict, seen: dict, action: str) -> list:
    problems = []
    sku = row.get("sku", "")
    if not sku:
        return [("sku", "The sku field is required.")]
    if not SKU.match(sku):
        problems.append(("sku", "The sku may only contain letters, digits, dots, dashes and underscores (64 at most)."))
    problems += duplicate(seen, "sku", sku)
    if problems:
        return problems
    if action == "delete":
        if not Product.select().where(Product.sku == sku).exists():
            problems.append(("sku", f"No product has the sku {sku}."))
        return problems
    kind = row.get("type") or "simple"
    if kind not in PRODUCT_TYPES:
        problems.append(("type", "The type must be one of: " + ", ".join(PRODUCT_TYPES) + "."))
    if not row.get("name"):
        problems.append(("name", "The name field is required."))
    elif len(row["name"]) > 255:
        problems.append(("name", "The name may not be greater than 255 characters."))
    price = decimal_of(row.get("price", ""))
    if price is None or price < 0 or price > Decimal("999999999"):
        problems.append(("price", "The price must be a number between 0 and 999999999."))
    if row.get("status", "1") not in ("", "0", "1"):
        problems.append(("status", "The status must be 0 or 1."))
    qty = row.get("qty", "")
    if qty and not (qty.isdigit() and int(qty) <= 10**9):
        problems.append(("qty", "The qty must be a whole number of at least 0."))
    url_key = row.get("url_key") or slugify(sku)
    if not SLUG.match(url_key):
        problems.append(("url_key", "The url key may only contain lower-case letters, digits and dashes."))
    else:
        problems += duplicate(seen, "url_key", url_key)
        clash = ProductTranslation.select().join(Product).where(
            ProductTranslation.locale == DEFAULT_LOCALE, ProductTranslation.url_key == url_key, Product.sku != sku)
        if clash.exists():
            problems.append(("url_key", f"The url key {url_key} is already taken."))
    return problems


def write_product(row: dict, action: str) -> tuple[str, int | None]:
    product = Product.get_or_none(Product.sku == row["sku"])
    if action == "delete":
        if product is None:
            return "skipped", None
        product.delete_instance()
        return "deleted", product.id
    price = Decimal(row["price"])
    status = row.get("status", "1") != "0"
    url_key = row.get("url_key") or slugify(row["sku"])
    texts = {"name": row["name"], "url_key": url_key, "description": row.get("description", ""),
             "short_description": row.get("short_description", "")}
    outcome = "updated"
    if product is None:
        product = Product.create(sku=row["sku"], type=row.get("type") or "simple", attribute_family=DEFAULT_FAMILY,
                                 status=status, price=price, min_price=price, max_price=price)
        ProductChannel.create(product=product.id, channel=DEFAULT_CHANNEL)
        ProductTranslation.create(product=product.id, locale=DEFAULT_LOCALE, **texts)
        outcome = "created"
    else:
        Product.update(price=price, min_price=price, max_price=price, status=status).where(
            Product.id == product.id).execute()
        updated = ProductTranslation.update(**texts).where(ProductTranslation.product == product.id,
                                                            ProductTranslation.locale == DEFAULT_LOCALE).execute()
        if not updated:
            ProductTranslation.create(product=product.id, locale=DEFAULT_LOCALE, **texts)
    if row.get("qty"):
        (ProductInventory.insert(product=product.id, inventory_source=DEFAULT_SOURCE, qty=int(row["qty"]))
         .on_conflict(conflict_target=[ProductInventory.product, ProductInventory.inventory_source],
                      update={ProductInventory.qty: int(row["qty"])}).execute())
    return outcome, product.id


# --- customers --------------------------------------------------------------------------------

def check_customer(row: dict, seen: dict, action: str) -> list:
    email = row.get("email", "").lower()
    if not email:
        return [("email", "The email field is required.")]
    problems = [] if EMAIL.match(email) and len(email) <= 255 else [("email", "The email must be a valid email address.")]
    problems += duplicate(seen, "email", email)
    if action == "delete":
        if not Customer.select().where(Customer.email == email).exists():
            problems.append(("email", f"No customer has the email {email}."))
        return problems
    for column in ("first_name", "last_name"):
        if not row.get(column):
            problems.append((column, f"The {column.replace('_', ' ')} field is required."))
        elif len(row[column]) > 255:
            problems.append((column, f"The {column.replace('_', ' ')} may not be greater than 255 characters."))
    if row.get("gender") and row["gender"] not in ("Male", "Female", "Other"):
        problems.append(("gender", "The gender must be Male, Female or Other."))
    group = row.get("customer_group")
    if group and not CustomerGroup.select().where(CustomerGroup.code == group).exists():
        problems.append(("customer_group", f"No customer group has the code {group}."))
    if row.get("status", "1") not in ("", "0", "1"):
        problems.append(("status", "The status must be 0 or 1."))
    return problems


def write_customer(row: dict, action: str) -> tuple[str, int | None]:
    email = row["email"].lower()
    customer = Customer.get_or_none(Customer.email == email)
    if action == "delete":
        if customer is None:
            return "skipped", None
        customer.delete_instance()
        return "deleted", customer.id
    group = CustomerGroup.get_or_none(CustomerGroup.code == (row.get("customer_group") or "general"))
    values = {"first_name": row["first_name"], "last_name": row["last_name"], "gender": row.get("gender") or None,
              "phone": row.get("phone") or None, "status": row.get("status", "1") != "0",
              "customer_group": group.id if group else None}
    if customer is None:
        # No password: the customer sets one through the password reset.
        customer = Customer.create(email=email, password="", api_token=secrets.token_hex(40), channel=DEFAULT_CHANNEL,
                                   **values)
        return "created", customer.id
    Customer.update(**values).where(Customer.id == customer.id).execute()
    return "updated", customer.id


# --- tax rates --------------------------------------------------------------------------------

def check_tax_rate(row: dict, seen: dict, action: str) -> list:
    identifier = row.get("identifier", "")
    if not identifier:
        return [("identifier", "The identifier field is required.")]
    problems = [] if len(identifier) <= 255 else [("identifier", "The identifier may not be greater than 255 characters.")]
    problems += duplicate(seen, "identifier", identifier)
    if action == "delete":
        if not TaxRate.select().where(TaxRate.identifier == identifier).exists():
            problems.append(("identifier", f"No tax rate has the identifier {identifier}."))
        return problems
    if not re.fullmatch(r"[A-Z]{2}", row.get("country", "")):
        problems.append(("country", "The country must be a two-letter code."))
    rate = decimal_of(row.get("tax_rate", ""))
    if rate is None or not 0 <= rate <= 100:
        problems.append(("tax_rate", "The tax rate must be a number between 0 and 100."))
    if bool(row.get("zip_from")) != bool(row.get("zip_to")):
        problems.append(("zip_from", "The zip from and zip to fields go together."))
    return problems


def write_tax_rate(row: dict, action: str) -> tuple[str, int | None]:
    rate = TaxRate.get_or_none(TaxRate.identifier == row["identifier"])
    if action == "delete":
        if rate is None:
            return "skipped", None
        rate.delete_instance()
        return "deleted", rate.id
    is_zip = bool(row.get("zip_from"))
    values = {"country": row["country"], "state": row.get("state", ""), "is_zip": is_zip,
              "zip_code": "" if is_zip else row.get("zip_code", ""), "zip_from": row.get("zip_from", ""),
              "zip_to": row.get("zip_to", ""), "tax_rate": Decimal(row["tax_rate"])}
    if rate is None:
        return "created", TaxRate.create(identifier=row["identifier"], **values).id
    TaxRate.update(**values).where(TaxRate.id == rate.id).execute()
    return "updated", rate.id


IMPORTERS = {
    "products": Importer(
        columns=("sku", "type", "name", "price", "status", "qty", "url_key", "short_description", "description"),
        required=("sku", "name", "price"), key="sku",
        sample=(("sku", "type", "name", "price", "status", "qty", "url_key", "short_description", "description"),
                ("SAMPLE-TEE-1", "simple", "Sample T-Shirt", "19.99", "1", "100", "sample-t-shirt",
                 "A soft cotton tee.", "A soft cotton tee in every size.")),
        check=check_product, write=write_product),
    "customers": Importer(
        columns=("email", "first_name", "last_name", "gender", "phone", "customer_group", "status"),
        required=("email", "first_name", "last_name"), key="email",
        sample=(("email", "first_name", "last_name", "gender", "phone", "customer_group", "status"),
                ("jane.doe@example.com", "Jane", "Doe", "Female", "+15550100", "general", "1")),
        check=check_customer, write=write_customer),
    "tax_rates": Importer(
        columns=("identifier", "country", "state", "zip_code", "zip_from", "zip_to", "tax_rate"),
        required=("identifier", "country", "tax_rate"), key="identifier",
        sample=(("identifier", "country", "state", "zip_code", "zip_from", "zip_to", "tax_rate"),
                ("US-CA", "US", "CA", "*", "", "", "8.25")),
        check=check_tax_rate, write=write_tax_rate),
}
