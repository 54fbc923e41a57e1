"""The product search documents (`ProductSearchDocument`): what the full-text index holds.

`reindex_products(ids)` rewrites the documents of those products from their rows: one document per
locale of the product's translations (locale "" when it has none), with the SKU, the name, the short
and long descriptions (markup stripped) and the values of its searchable attributes (`is_searchable`;
options by their label in that locale, then their admin name). Text is stored as normalized terms
(`terms`): lowercased, accents folded, words of letters and digits separated by one space, so SQLite's
FTS5 and PostgreSQL's `to_tsvector('simple', ...)` see the same words and a query is normalized the
same way. Variants are found through their parent and get no document of their own. `scope` is
"hidden" for a product the shop never lists (disabled, or not visible on its own), so a plain search
leaves those out inside the full-text index and checks only the channel's product list. A document's id is the product id times
1024 plus the locale's id (0 for ""): the index gives product and locale without reading the row.
The database triggers of migration 0012 carry every document change into the full-text index.

Columns are selected by name, so the migration that creates the table can index existing products.
"""
import html
import re
import unicodedata

from storage.db import database
from storage.models import (
    Attribute, AttributeOption, AttributeOptionTranslation, Locale, Product, ProductAttributeValue, ProductTranslation,
)
from storage.search_models import ProductSearchDocument

WORD = re.compile(r"[^\W_]+")
MARKUP = re.compile(r"<[^>]*>")
OPTION_TYPES = ("select", "multiselect", "checkbox")
TEXT_TYPES = ("text", "textarea")
BATCH = 1000
HIDDEN = "hidden"  # the scope of a product the shop never lists (disabled, or not visible on its own)
LOCALE_SLOTS = 1024  # document id = product id * LOCALE_SLOTS + locale id ("" is 0)


def terms(text: str | None) -> str:
    """'Coastal Breeze Men's <b>Hoodie</b> – Crème' -> 'coastal breeze men s hoodie creme'."""
    if not text:
        return ""
    plain = html.unescape(MARKUP.sub(" ", text)) if "<" in text or "&" in text else text
    folded = unicodedata.normalize("NFKD", plain)
    folded = "".join(char for char in folded if not unicodedata.combining(char)).lower()
    return " ".join(WORD.findall(folded))


def reindex_products(ids) -> None:
    """Rewrite the search documents of these products (and of the parents of variants among them);
    products that no longer exist lose theirs."""
    ids = {int(pid) for pid in ids if pid is not None}
    if not ids:
        return
    with database.atomic():
        parents = {parent for (parent,) in Product.select(Product.parent).where(
            Product.id.in_(list(ids)), Product.parent.is_null(False)).tuples()}
        ids |= parents
        for start in range(0, len(ids), BATCH):
            write_documents(sorted(ids)[start:start + BATCH])


def reindex_all() -> int:
    """Rebuild every product's documents (after seeding, or on an existing database); returns how many products."""
    top = [pid for (pid,) in Product.select(Product.id).where(Product.parent.is_null()).order_by(Product.id).tuples()]
    labels = option_labels(None)
    with database.atomic():
        ProductSearchDocument.delete().execute()
        for start in range(0, len(top), BATCH):
            write_documents(top[start:start + BATCH], labels, clear=False)
    return len(top)


def write_documents(ids: list[int], labels: dict | None = None, clear: bool = True):
    if clear:
        ProductSearchDocument.delete().where(ProductSearchDocument.product.in_(ids)).execute()
    listed, products = set(), {}
    for pid, sku, status, visible in Product.select(Product.id, Product.sku, Product.status,
                                                    Product.visible_individually).where(
            Product.id.in_(ids), Product.parent.is_null()).tuples():
        products[pid] = sku
        if status and visible:
            listed.add(pid)
    if not products:
        return
    slots = locale_slots()
    translations: dict[int, dict[str, tuple]] = {}
    for pid, locale, name, url_key, short, description in ProductTranslation.select(
            ProductTranslation.product, ProductTranslation.locale, ProductTranslation.name, ProductTranslation.url_key,
            ProductTranslation.short_description, ProductTranslation.description).where(
            ProductTranslation.product.in_(list(products))).tuples():
        translations.setdefault(pid, {})[locale] = (name or "", url_key or "", f"{short or ''} {description or ''}")
    values = searchable_values(list(products))
    if labels is None:
        labels = option_labels({option for rows in values.values() for row in rows for option in row[2]})
    rows = []
    for pid, sku in products.items():
        for locale, (name, url_key, description) in (translations.get(pid) or {"": (sku, "", "")}).items():
            if locale and locale not in slots:
                continue  # a translation in a locale the store no longer has
            words = attribute_words(values.get(pid, []), locale, labels)
            rows.append({"id": pid * LOCALE_SLOTS + slots.get(locale, 0), "product": pid, "locale": locale,
                         "scope": "" if pid in listed else HIDDEN, "sku_key": sku.lower(), "title": name or sku,
                         "url_key": url_key, "sku": terms(sku), "name": terms(name), "description": terms(description),
                         "attributes": terms(" ".join(words))})
    for start in range(0, len(rows), 500):
        ProductSearchDocument.insert_many(rows[start:start + 500]).execute()


def locale_slots() -> dict[str, int]:
    """{locale code: its id}, the low part of a document id."""
    return {code: key for key, code in Locale.select(Locale.id, Locale.code).tuples() if 0 < key < LOCALE_SLOTS}


def searchable_values(ids: list[int]) -> dict[int, list[tuple]]:
    """{product id: [(locale or None, text or None, option ids)]} of its searchable attributes."""
    found: dict[int, list[tuple]] = {}
    query = (ProductAttributeValue.select(ProductAttributeValue.product, ProductAttributeValue.locale, Attribute.type,
                                          ProductAttributeValue.text_value, ProductAttributeValue.integer_value)
             .join(Attribute, on=(Attribute.id == ProductAttributeValue.attribute))
             .where(ProductAttributeValue.product.in_(ids), Attribute.is_searchable == True,  # noqa: E712
                    Attribute.type.in_(OPTION_TYPES + TEXT_TYPES)))
    for pid, locale, kind, text, integer in query.tuples():
        if kind in OPTION_TYPES:
            options = [integer] if integer is not None else [
                int(part) for part in (text or "").split(",") if part.strip().isdigit()]
            found.setdefault(pid, []).append((locale, None, options))
        elif text:
            found.setdefault(pid, []).append((locale, text, []))
    return found


def option_labels(option_ids: set[int] | None) -> dict[int, tuple[str, dict[str, str]]]:
    """{option id: (admin name, {locale: label})}; every option when `option_ids` is None."""
    options = AttributeOption.select(AttributeOption.id, AttributeOption.admin_name)
    translations = AttributeOptionTranslation.select(AttributeOptionTranslation.attribute_option,
                                                     AttributeOptionTranslation.locale, AttributeOptionTranslation.label)
    if option_ids is not None:
        if not option_ids:
            return {}
        options = options.where(AttributeOption.id.in_(list(option_ids)))
        translations = translations.where(AttributeOptionTranslation.attribute_option.in_(list(option_ids)))
    labels = {option_id: (admin_name or "", {}) for option_id, admin_name in options.tuples()}
    for option_id, locale, label in translations.tuples():
        if option_id in labels:
            labels[option_id][1][locale] = label
    return labels


def attribute_words(values: list[tuple], locale: str, labels: dict) -> list[str]:
    words = []
    for value_locale, text, options in values:
        if value_locale not in (None, "", locale):
            continue
        if text:
            words.append(text)
        for option_id in options:
            admin_name, by_locale = labels.get(option_id, ("", {}))
            words.append(by_locale.get(locale) or admin_name)
    return words
