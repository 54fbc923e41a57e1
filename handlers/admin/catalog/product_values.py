"""Admin product writes: request values (flags, money, dates, codes) and the row-level helpers the
update and the copy share."""
import datetime
import re
from decimal import Decimal, InvalidOperation

from handlers.admin.catalog.product_documents import decimal_text
from storage.content_models import ProductReview, ProductReviewImage
from storage.models import Attribute, Product, ProductAttributeValue, ProductImage, ProductTranslation, ProductVideo

DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")



# --- values -------------------------------------------------------------------------

def as_flag(value) -> bool:
    return value in (1, "1", True)


def as_money(value) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.0001"))
    except InvalidOperation:
        raise ValueError("must be a decimal number") from None
    if amount < 0 or not amount.is_finite():
        raise ValueError("must be zero or more")
    return amount


def as_count(value, default: int = 0) -> int:
    return default if value is None or value == "" else int(value)


def as_datetime(value) -> datetime.datetime | None:
    if value is None:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(str(value), pattern)
        except ValueError:
            continue
    raise ValueError("must be a date (YYYY-MM-DD) or a date and time (YYYY-MM-DD HH:MM:SS)")


def localized(entry: dict, key: str, locale: str):
    """A text sent directly (`{"title": ...}`) or under a locale code (`{"en": {"title": ...}}`)."""
    if isinstance(entry.get(locale), dict) and entry[locale].get(key):
        return entry[locale][key]
    if entry.get(key):
        return entry[key]
    return next((value[key] for value in entry.values() if isinstance(value, dict) and value.get(key)), None)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "product"


def free_code(base: str, taken_codes: set[str], first: int = 1) -> str:
    """`<base>-<n>` with the first n not in `taken_codes`."""
    number = first
    while f"{base}-{number}" in taken_codes:
        number += 1
    return f"{base}-{number}"


def skus_starting(prefix: str) -> set[str]:
    return {sku for (sku,) in Product.select(Product.sku).where(Product.sku.startswith(prefix)).tuples()}


def url_keys_starting(locale: str, prefix: str) -> set[str]:
    return {key for (key,) in ProductTranslation.select(ProductTranslation.url_key).where(
        ProductTranslation.locale == locale, ProductTranslation.url_key.startswith(prefix)).tuples()}



def attribute_storage(attribute: Attribute, value, option_ids: set | None) -> dict | None:
    """The value columns of a family attribute's value (None removes it); ValueError explains a bad value."""
    if value is None:
        return None
    kind = attribute.type
    if kind == "select":
        if isinstance(value, bool) or not str(value).isdigit() or int(value) not in option_ids:
            raise ValueError("must be the id of one of its options")
        return {"integer_value": int(value)}
    if kind in ("multiselect", "checkbox"):
        parts = value if isinstance(value, list) else str(value).split(",")
        ids = [str(part).strip() for part in parts if str(part).strip()]
        if not all(part.isdigit() and int(part) in option_ids for part in ids):
            raise ValueError("must be ids of its options")
        return {"text_value": ",".join(ids)}
    if kind == "boolean":
        if value not in (0, 1, "0", "1", True, False):
            raise ValueError("must be 0 or 1")
        return {"boolean_value": as_flag(value)}
    if kind == "price":
        return {"text_value": decimal_text(as_money(value))}
    if kind in ("date", "datetime"):
        return {"text_value": as_datetime(value).strftime("%Y-%m-%d" if kind == "date" else "%Y-%m-%d %H:%M:%S")}
    if isinstance(value, (dict, list)) or len(str(value)) > 65535:
        raise ValueError("must be a text")
    return {"text_value": str(value)}


def insert_rows(model, rows: list[dict]):
    if rows:
        model.insert_many(rows).execute()


def variant_combinations(product_id: int, attribute_ids: list[int]) -> set[tuple]:
    """Option tuples (in `attribute_ids` order) the product's variants already have."""
    values: dict[int, dict] = {}
    for value in (ProductAttributeValue.select().join(Product, on=(ProductAttributeValue.product == Product.id))
                  .where(Product.parent == product_id, ProductAttributeValue.attribute.in_(attribute_ids))):
        values.setdefault(value.product_id, {})[value.attribute_id] = value.integer_value
    return {tuple(chosen.get(attribute_id) for attribute_id in attribute_ids) for chosen in values.values()}


def write_translation(product: Product, locale: str, texts: dict):
    """Write the texts to the product's `locale` row, creating it (name and URL key from another
    locale, else the SKU) when the product has none in that locale."""
    row = ProductTranslation.get_or_none(ProductTranslation.product == product.id, ProductTranslation.locale == locale)
    if row is not None:
        ProductTranslation.update(texts).where(ProductTranslation.id == row.id).execute()
        return
    other = ProductTranslation.select().where(ProductTranslation.product == product.id).order_by(
        ProductTranslation.id).first()
    name = texts.get("name") or (other.name if other else product.sku)
    url_key = texts.get("url_key") or (other.url_key if other else slugify(name))
    clash = ProductTranslation.select().where(ProductTranslation.locale == locale, ProductTranslation.url_key == url_key)
    if "url_key" not in texts and clash.exists():
        url_key = f"{slugify(name)}-{product.id}"
    ProductTranslation.create(product=product.id, locale=locale, **{**texts, "name": name, "url_key": url_key})


def image_paths(product_ids) -> list[str]:
    """Storage paths of the images and videos of `product_ids` and of their variants, and of their reviews' images."""
    ids = set(product_ids) | {vid for (vid,) in Product.select(Product.id)
                              .where(Product.parent.in_(list(product_ids))).tuples()}
    review_images = (ProductReviewImage.select(ProductReviewImage.path).join(ProductReview)
                     .where(ProductReview.product.in_(list(ids))))
    return [path for model in (ProductImage, ProductVideo)
            for (path,) in model.select(model.path).where(model.product.in_(list(ids))).tuples()] + [
        path for (path,) in review_images.tuples()]
