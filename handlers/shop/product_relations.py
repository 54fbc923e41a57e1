"""Type-specific relations on product documents: grouped members, bundle options and selections,
downloadable links and samples, inlined (members as product cards, which the caller loads: the
product document builds on this module, not the other way round). Every loader takes a whole page
of products and issues a fixed number of statements.

Bundle option labels and downloadable link titles are stored once, not per locale: each has one
translation, in the channel's default locale, whose id is the option's / link's id. Samples are
stored on their link: a link with a sample is also a downloadable sample with the link's id.
The purchasable file of a link (`url`, `fileUrl`) is never exposed here; buyers download it through
their purchased downloadable products.
"""
from domain.catalog.product_reads import CUSTOMIZABLE_OPTIONS
from domain.catalog.visibility import enabled_in_channel
from domain.common import RequestContext, json_number, translated
from storage.models import (
    Channel, Product, ProductBundleOption, ProductBundleOptionProduct,
    ProductCustomizableOptionPrice, ProductCustomizableOptionTranslation, ProductDownloadableLink,
    ProductGroupedProduct,
)

RELATION_FIELDS = ("groupedProducts", "bundleOptions", "downloadableLinks", "downloadableSamples")
SAMPLE_DOWNLOAD_PATH = "/api/shop/downloadable/download-sample/sample/{id}"


def iri(kind: str, key: int) -> str:
    return f"/api/shop/{kind}/{key}"


def product_iri(product_id: int) -> str:
    return iri("products", product_id)


# --- batched loaders -------------------------------------------------------------------

def grouped_rows(product_ids, context) -> list[ProductGroupedProduct]:
    """Member rows of the grouped products whose member is enabled, in display order."""
    member = ProductGroupedProduct.associated_product == Product.id
    return list(ProductGroupedProduct.select().join(Product, on=member)
                .where(ProductGroupedProduct.product.in_(product_ids), enabled_in_channel(context))
                .order_by(ProductGroupedProduct.product, ProductGroupedProduct.sort_order, ProductGroupedProduct.id))


def bundle_option_rows(product_ids) -> list[ProductBundleOption]:
    return list(ProductBundleOption.select().where(ProductBundleOption.product.in_(product_ids))
                .order_by(ProductBundleOption.product, ProductBundleOption.sort_order, ProductBundleOption.id))


def selection_rows(option_ids, context) -> list[ProductBundleOptionProduct]:
    """Selections of the options whose product is enabled, in display order."""
    return list(ProductBundleOptionProduct.select()
                .join(Product, on=(ProductBundleOptionProduct.product == Product.id))
                .where(ProductBundleOptionProduct.bundle_option.in_(option_ids), enabled_in_channel(context))
                .order_by(ProductBundleOptionProduct.bundle_option, ProductBundleOptionProduct.sort_order,
                          ProductBundleOptionProduct.id))


def link_rows(product_ids, samples_only=False) -> list[ProductDownloadableLink]:
    query = ProductDownloadableLink.select().where(ProductDownloadableLink.product.in_(product_ids))
    if samples_only:
        query = query.where(ProductDownloadableLink.sample_type.is_null(False))
    return list(query.order_by(ProductDownloadableLink.product, ProductDownloadableLink.sort_order,
                               ProductDownloadableLink.id))


def group_by(rows, key) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(key(row), []).append(row)
    return grouped


def sample_download_base(context: RequestContext) -> str:
    """Absolute base of sample download URLs, which are paths of this API: where clients reach it
    (PUBLIC_URL, else the request's own base URL; the same for REST and GraphQL). The channel's
    hostname names the storefront, not the API, and serves only when no request is at hand."""
    if context.public_url:
        return context.public_url.rstrip("/")
    hostname = Channel.select(Channel.hostname).where(Channel.id == context.channel_id).scalar()
    return (hostname or "").rstrip("/")


# --- documents ---------------------------------------------------------------------------

def grouped_document(row: ProductGroupedProduct, associated) -> dict:
    """`associated` is the member's card (product document) or its IRI (sub-resources)."""
    return {"id": row.id, "qty": row.qty, "sortOrder": row.sort_order, "product": product_iri(row.product_id),
            "associatedProduct": associated}


def selection_document(row: ProductBundleOptionProduct, product) -> dict:
    return {"id": row.id, "qty": row.qty, "isUserDefined": int(row.is_user_defined), "isDefault": int(row.is_default),
            "sortOrder": row.sort_order, "bundleOption": iri("product_bundle_options", row.bundle_option_id),
            "product": product}


def bundle_option_document(option: ProductBundleOption, selections: list) -> dict:
    """`selections` are selection documents (product document) or their IRIs (sub-resources)."""
    translation = iri("product_bundle_option_translations", option.id)
    return {"id": option.id, "type": option.type, "label": option.label, "isRequired": int(option.is_required),
            "sortOrder": option.sort_order, "product": product_iri(option.product_id),
            "bundleOptionProducts": selections, "translation": translation, "translations": [translation]}


def link_document(link: ProductDownloadableLink, context: RequestContext, base: str) -> dict:
    translation = iri("product_downloadable_link_translations", link.id)
    return {
        "id": link.id, "title": link.title, "type": link.type,
        "price": json_number(link.price), "formattedPrice": context.currency.format(link.price),
        "downloads": link.downloads, "sortOrder": link.sort_order, "url": None, "fileUrl": None,
        "sampleType": link.sample_type, "sampleFile": link.sample_file,
        "sampleFileName": file_name(link.sample_file), "sampleUrl": link.sample_url,
        "sampleFileUrl": sample_url(link, base), "product": product_iri(link.product_id),
        "translation": translation, "translations": [translation]}


def sample_document(link: ProductDownloadableLink, base: str) -> dict:
    translation = iri("product_downloadable_sample_translations", link.id)
    return {"id": link.id, "title": link.title, "type": link.sample_type, "file": link.sample_file,
            "fileName": file_name(link.sample_file), "url": link.sample_url, "fileUrl": sample_url(link, base),
            "sortOrder": link.sort_order, "product": product_iri(link.product_id),
            "translation": translation, "translations": [translation]}


def file_name(path: str | None) -> str | None:
    return path.rsplit("/", 1)[-1] if path else None


def sample_url(link: ProductDownloadableLink, base: str) -> str | None:
    return base + SAMPLE_DOWNLOAD_PATH.format(id=link.id) if link.sample_type else None


def translation_document(key: int, context: RequestContext, text: dict, parent: dict) -> dict:
    """The single stored label/title of an option, link or sample as its one translation."""
    return {"id": key, "locale": context.fallback_locale, **text, **parent}


# --- the product document ------------------------------------------------------------------

def fill_type_relations(by_id: dict, context: RequestContext, fields: frozenset, load_cards):
    """Put groupedProducts, bundleOptions, downloadableLinks, downloadableSamples on the documents
    (only the requested ones); members and selections inline their product cards."""
    wanted = set(RELATION_FIELDS) & fields
    for name in wanted:
        for document in by_id.values():
            document[name] = []
    nested_fields = member_fields(fields)
    of_type = {kind: [pid for pid, document in by_id.items() if document["type"] == kind]
               for kind in ("grouped", "bundle", "downloadable")}  # only these types hold such rows
    if "groupedProducts" in wanted and (ids := of_type["grouped"]):
        rows = grouped_rows(ids, context)
        cards = cards_by_id({row.associated_product_id for row in rows}, context, nested_fields, load_cards)
        for row in rows:
            by_id[row.product_id]["groupedProducts"].append(grouped_document(row, cards[row.associated_product_id]))
    if "bundleOptions" in wanted and (ids := of_type["bundle"]):
        for product_id, options in bundle_options_by_product(ids, context, nested_fields, load_cards).items():
            by_id[product_id]["bundleOptions"] = options
    if wanted & {"downloadableLinks", "downloadableSamples"} and (ids := of_type["downloadable"]):
        base = sample_download_base(context)
        for link in link_rows(ids):
            document = by_id[link.product_id]
            if "downloadableLinks" in wanted:
                document["downloadableLinks"].append(link_document(link, context, base))
            if "downloadableSamples" in wanted and link.sample_type:
                document["downloadableSamples"].append(sample_document(link, base))


def member_fields(fields: frozenset) -> frozenset:
    """GraphQL selections of members/selections may ask for images; REST gets plain cards."""
    nested = ("groupedProducts.associatedProduct", "bundleOptions.bundleOptionProducts")
    return frozenset({"images"}) if fields & set(nested) else frozenset()


def cards_by_id(product_ids, context, fields, load_cards) -> dict[int, dict]:
    return {card["id"]: card for card in load_cards(sorted(product_ids), context, fields)}


def bundle_options_by_product(product_ids, context, nested_fields, load_cards) -> dict[int, list[dict]]:
    options = bundle_option_rows(product_ids)
    selections = selection_rows([option.id for option in options], context)
    cards = cards_by_id({row.product_id for row in selections}, context, nested_fields, load_cards)
    selections_by_option = group_by(selections, lambda row: row.bundle_option_id)
    grouped: dict[int, list] = {}
    for option in options:
        documents = [selection_document(row, cards[row.product_id]) for row in selections_by_option.get(option.id, [])]
        grouped.setdefault(option.product_id, []).append(bundle_option_document(option, documents))
    return grouped


def fill_composite_saleability(by_id: dict, context: RequestContext, stock_by_product):
    """Grouped: saleable when any member is in stock; bundle: when every required option has a
    selection in stock (they hold no stock of their own)."""
    composite = [pid for pid, document in by_id.items() if document["type"] in ("grouped", "bundle")]
    if not composite:
        return
    members = grouped_rows(composite, context)
    options = bundle_option_rows(composite)
    selections = selection_rows([option.id for option in options], context)
    stock = stock_by_product({row.associated_product_id for row in members} | {row.product_id for row in selections})
    in_stock = {pid for pid, qty in stock.items() if qty > 0}
    saleable_options = {row.bundle_option_id for row in selections if row.product_id in in_stock}
    for pid in composite:
        document = by_id[pid]
        if document["type"] == "grouped":
            available = any(row.associated_product_id in in_stock for row in members if row.product_id == pid)
        else:
            required = [option.id for option in options if option.product_id == pid and option.is_required]
            available = bool(required) and all(option_id in saleable_options for option_id in required)
        document["isSaleable"] = bool(document["status"]) and available


# --- customizable options ------------------------------------------------------------------

def options_by_product(ids, context) -> dict[int, list[dict]]:
    options = CUSTOMIZABLE_OPTIONS.rows(ids) if ids else []
    documents = customizable_option_documents(options, context)
    grouped: dict[int, list] = {}
    for option, document in zip(options, documents):
        grouped.setdefault(option.product_id, []).append(document)
    return grouped


def customizable_option_documents(options, context) -> list[dict]:
    option_ids = [option.id for option in options]
    if not option_ids:
        return []
    prices: dict[int, list] = {}
    for price in ProductCustomizableOptionPrice.select().where(
            ProductCustomizableOptionPrice.product_customizable_option.in_(option_ids)).order_by(
            ProductCustomizableOptionPrice.sort_order):
        prices.setdefault(price.product_customizable_option_id, []).append(
            f"/api/shop/product_customizable_option_prices/{price.id}")
    translations: dict[int, dict] = {}
    for row in ProductCustomizableOptionTranslation.select().where(
            ProductCustomizableOptionTranslation.product_customizable_option.in_(option_ids)):
        translations.setdefault(row.product_customizable_option_id, {})[row.locale] = row
    documents = []
    for option in options:
        by_locale = translations.get(option.id, {})
        current = translated({k: v for k, v in by_locale.items() if k in context.locales}, context)
        documents.append({
            "id": option.id, "type": option.type, "label": current.label if current else None,
            "isRequired": int(option.is_required), "sortOrder": option.sort_order,
            "product": f"/api/shop/products/{option.product_id}", "prices": prices.get(option.id, []),
            "translation": f"/api/shop/product_customizable_option_translations/{current.id}" if current else None,
            "translations": [f"/api/shop/product_customizable_option_translations/{row.id}"
                             for row in sorted(by_locale.values(), key=lambda row: row.id)]})
    return documents
