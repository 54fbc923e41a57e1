"""Products: list/search/filter/sort, the full product document, and product sub-resources.

Reads are batched: one query for the page of products, then one query per relation for
all of them, so the number of statements never depends on the page size. `fields` is the
set of fields a GraphQL client selected; REST passes none and gets the documented shapes.
"""
import json
from contextvars import ContextVar
from decimal import Decimal

from domain.catalog import product_reads as reads
from domain.catalog.attribute_values import names as attribute_names, product_attributes
from domain import replay
from domain.catalog.detail_cache import cached_document, until_tomorrow, utcnow
from domain.catalog.filters import parse_criteria
from domain.catalog.translations import product_translations
from domain.catalog.visibility import enabled_in_channel
from domain.common import (
    Page, RequestContext, Window, get_or_not_found, iso, json_number, paginate, translated,
)
from domain.errors import NotFound
from domain.sales.pricing import rule_prices, shopper_group
from domain.seo.search_terms import record_search
from domain.seo.url_rewrites import follow
from domain.wishlists import mark_flags
from handlers.shop.booking import fill_booking, product_booking_products
from handlers.shop.categories import storefront_url
from handlers.shop.product_relations import (
    customizable_option_documents, fill_composite_saleability, fill_type_relations, options_by_product,
)
from storage.models import (
    Attribute, Channel, Product, ProductAttributeValue, ProductChannel, ProductCustomerGroupPrice,
    ProductCustomizableOption, ProductCustomizableOptionPrice, ProductCustomizableOptionTranslation,
    ProductImage, ProductTranslation, ProductVideo,
)

SUMMARY_ATTRIBUTES = ("color", "size", "brand")
LINK_FIELDS = {"related": "relatedProducts", "up_sell": "upSells", "cross_sell": "crossSells"}
TYPE_RELATIONS = ("groupedProducts", "bundleOptions", "downloadableLinks", "downloadableSamples")
DETAIL_FIELDS = frozenset({
    "description", "createdAt", "updatedAt", "isSaleable", "color", "size", "brand", "categories", "channels",
    "attributeFamily", "images", "videos", "superAttributes", "variants", "customizableOptions",
    *LINK_FIELDS.values(), *TYPE_RELATIONS, "bookingProducts"})
# Types whose price range comes from their variants, members or selections.
PRICED_BY_PARTS = ("configurable", "grouped", "bundle")
GRAPHQL_EXTRA_FIELDS = frozenset({
    "regularMinimumPrice", "regularMaximumPrice", "formattedRegularMinimumPrice", "formattedRegularMaximumPrice",
    "specialPriceFrom", "specialPriceTo", "locale", "channel", "guestCheckout", "attributeValues",
    "superAttributeOptions", "combinations"})


# --- list and detail ------------------------------------------------------------

def list_products(context: RequestContext, window: Window, fields: frozenset | None = None, **params) -> Page:
    """Card-level products matching the search/filter/sort parameters (REST query or GraphQL args)."""
    with replay.covered():  # attribute codes (a list's table)
        criteria = parse_criteria(params, context.query_params)
    if is_anonymous(context) and not (criteria.search or criteria.extra):
        # read from the listing cache and the catalog tables only: an answer that may be replayed
        now = utcnow()
        with replay.covered():
            ids, total = criteria.page(visible_products(context), context, window.offset, window.limit)
            documents, valid_until = documents_until(ids, context, fields or frozenset())
        replay.vouch(until_tomorrow(valid_until, now))
        return Page(documents, total)
    ids, total = criteria.page(visible_products(context), context, window.offset, window.limit)
    if criteria.search and window.offset == 0:
        record_search(criteria.search, context, total)  # the search terms report (one upsert, never fails)
    return Page(load_documents(ids, context, fields or frozenset()), total)


def is_anonymous(context: RequestContext) -> bool:
    """No customer and no guest cart: wishlist and compare flags and customer-group prices are the guest's."""
    return context.customer_id is None and context.cart_id is None


def get_product(context: RequestContext, id: int = None, sku: str = None, url_key: str = None,
                fields: frozenset | None = None, url: str = None, **_ignored) -> dict:
    """The full product document (REST) or the selected fields (GraphQL), by id, SKU or URL key (`url`
    on the overview page's productByUrl)."""
    wanted = DETAIL_FIELDS | (fields or frozenset())
    if id is not None and sku is None and not (url_key or url) and is_anonymous(context):
        key = ("product", id, context.channel_id, context.channel_code, context.locales, context.currency,
               context.media_url, context.public_url, wanted, utcnow().date())  # rule prices are by the day
        return cached_document(key, lambda: detail_document(context, find_product_id(context, id, None, None), wanted))
    return detail_document(context, find_product_id(context, id, sku, url_key or url), wanted)[0]


def detail_document(context: RequestContext, product_id: int | None, fields: frozenset) -> tuple[dict, object]:
    """(the product's document, the moment a special price in it opens or closes, or None): booking
    products' tickets price by the moment, so theirs is now."""
    if product_id is None:
        raise NotFound("Product")
    documents, valid_until = documents_until([product_id], context, fields)
    return documents[0], valid_until


def documents_until(ids: list[int], context: RequestContext, fields: frozenset) -> tuple[list[dict], object]:
    """(load_documents, the first moment a special price in them opens or closes, or None); booking
    products' tickets price by the moment, so with one of them it is now."""
    changes = []
    token = _price_changes.set(changes)
    try:
        documents = load_documents(ids, context, fields)
    finally:
        _price_changes.reset(token)
    if any(document["type"] == "booking" for document in documents):
        return documents, utcnow()
    return documents, min(changes, default=None)


def visible_products(context: RequestContext):
    """Enabled top-level products of the channel (a join: several times faster than IN on SQLite)."""
    in_channel = (ProductChannel.product == Product.id) & (ProductChannel.channel == context.channel_id)
    return (Product.select(Product.id).join(ProductChannel, on=in_channel)
            .where(Product.parent.is_null(), Product.status == True,  # noqa: E712
                   Product.visible_individually == True))  # noqa: E712


def find_product_id(context, product_id, sku, url_key) -> int | None:
    if product_id is not None:
        return product_id if reads.ENABLED_PRODUCT.tuples(product_id, context.channel_id) else None
    query = Product.select(Product.id).where(enabled_in_channel(context))
    if sku:
        query = query.where(Product.sku == sku)
    elif url_key:
        by_key = ProductTranslation.select(ProductTranslation.product).where(ProductTranslation.url_key == url_key)
        row = query.where(Product.id.in_(by_key)).first()
        if row is None and (target := follow("product", url_key, context.locales)):
            by_key = ProductTranslation.select(ProductTranslation.product).where(ProductTranslation.url_key == target)
            row = query.where(Product.id.in_(by_key)).first()  # a URL rewrite names the product's new key
        return row.id if row else None
    else:
        return None
    row = query.first()
    return row.id if row else None


def load_documents(ids: list[int], context: RequestContext, fields: frozenset) -> list[dict]:
    """Documents for `ids` in that order: cards, plus every relation named in `fields`."""
    if not ids:
        return []
    products = {product.id: product for product in reads.PRODUCTS.rows(ids)}
    ids = [pid for pid in ids if pid in products]
    translations = product_translations(ids, context)
    images = assets_by_product(ProductImage, ids, context)
    by_rules = rule_prices(ids, context.channel_id, shopper_group(context.customer_id)[0])
    documents = []
    base = storefront_url(Channel.get_by_id(context.channel_id).hostname, context.media_url) \
        if "productFlat" in fields else None
    for pid in ids:
        document = card(products[pid], translations.get(pid), images.get(pid, []), context, by_rules.get(pid))
        if base is not None:
            document["productFlat"] = flat(document, translations.get(pid), base)
        for image in images.get(pid, []):
            image["alt"] = document["name"]
        if "weight" in fields:
            document["weight"] = float(products[pid].weight) if products[pid].weight is not None else None
        add_scalar_details(document, products[pid], translations.get(pid), images.get(pid, []), context, fields)
        documents.append(document)
    mark_flags(documents, context)
    add_relations(documents, products, context, fields)
    return documents


def flat(document: dict, translation, base: str) -> dict:
    """Bagisto's flat row of the product in the request channel and locale (overview pages)."""
    return {"id": document["id"], "url": f"{base}/{document['urlKey']}", "new": document["new"],
            "featured": document["featured"], "status": document["status"],
            **{key: getattr(translation, column) if translation else "" for key, column in (
                ("metaTitle", "meta_title"), ("metaDescription", "meta_description"),
                ("metaKeywords", "meta_keywords"))}}


_price_changes: ContextVar[list | None] = ContextVar("price_changes", default=None)  # see detail_document


def active_special_price(product: Product) -> Decimal | None:
    now = utcnow()
    if product.special_price is None:
        return None
    if (changes := _price_changes.get()) is not None:
        changes.extend(moment for moment in (product.special_price_from, product.special_price_to) if moment and moment > now)
    if (product.special_price_from and product.special_price_from > now) or (
            product.special_price_to and product.special_price_to < now):
        return None
    return product.special_price


def card(product: Product, translation, images: list[dict], context: RequestContext,
         rule_price: Decimal | None = None) -> dict:
    """`specialPrice` is the lowest of the open special price and today's catalog-rule price (from the
    price index) when it is below the price; `minimumPrice` never shows more than it."""
    special = active_special_price(product)
    if rule_price is not None and rule_price < product.price and (special is None or rule_price < special):
        special = rule_price
    minimum = min(product.min_price, special) if special is not None else product.min_price
    money = context.currency
    return {
        "id": product.id, "sku": product.sku, "type": product.type, "bookingType": None,
        "name": translation.name if translation else product.sku,
        "urlKey": translation.url_key if translation else "",
        "status": product.status,
        "shortDescription": translation.short_description if translation else "",
        "price": json_number(product.price), "specialPrice": json_number(special),
        "new": product.new, "featured": product.featured,
        "minimumPrice": json_number(minimum), "maximumPrice": json_number(product.max_price),
        "formattedPrice": money.format(product.price), "formattedSpecialPrice": money.format(special),
        "formattedMinimumPrice": money.format(minimum),
        "formattedMaximumPrice": money.format(product.max_price),
        "baseImageUrl": images[0]["publicPath"] if images else None,
        "isInWishlist": 0, "isInCompare": 0,
    }


def add_scalar_details(document, product, translation, images, context, fields):
    if fields & {"description", "createdAt", "updatedAt", "images"}:
        document.update({
            "description": translation.description if translation else "",
            "createdAt": iso(product.created_at), "updatedAt": iso(product.updated_at), "images": images})
    if fields & GRAPHQL_EXTRA_FIELDS:
        regular_low, regular_high = ((product.min_price, product.max_price) if product.type in PRICED_BY_PARTS
                                     else (product.price, product.price))
        document.update({
            "regularMinimumPrice": json_number(regular_low), "regularMaximumPrice": json_number(regular_high),
            "formattedRegularMinimumPrice": context.currency.format(regular_low),
            "formattedRegularMaximumPrice": context.currency.format(regular_high),
            "specialPriceFrom": iso(product.special_price_from), "specialPriceTo": iso(product.special_price_to),
            "locale": context.locale, "channel": context.channel_code, "guestCheckout": True})


def add_relations(documents: list[dict], products: dict, context, fields: frozenset):
    """Batch-load each requested relation for all documents (one or two queries per relation)."""
    ids = [document["id"] for document in documents]
    by_id = {document["id"]: document for document in documents}
    loaders = [
        (("videos",), lambda: fill(by_id, "videos", assets_by_product(ProductVideo, ids, context))),
        (("color", "size", "brand"), lambda: fill_summary_options(by_id, ids, context)),
        (("categories",), lambda: fill(by_id, "categories", categories_by_product(ids, context))),
        (("channels",), lambda: fill(by_id, "channels", channels_by_product(ids))),
        (("attributeFamily",), lambda: fill(by_id, "attributeFamily", families(products))),
        (("superAttributes", "superAttributeOptions"), lambda: fill_super_attributes(by_id, ids, context)),
        (("variants", "isSaleable", "availability", "combinations"), lambda: fill_variants(by_id, context, fields)),
        (("customizableOptions",), lambda: fill(by_id, "customizableOptions", options_by_product(ids, context))),
        (tuple(LINK_FIELDS.values()), lambda: fill_links(by_id, ids, context)),
        (("attributeValues",), lambda: fill(by_id, "attributeValues", attribute_values_by_product(ids))),
        (("attributes",), lambda: fill(by_id, "attributes", product_attributes(ids, context))),
    ]
    for needed, load in loaders:
        if fields & set(needed):
            load()
    if fields & set(TYPE_RELATIONS):
        fill_type_relations(by_id, context, fields, load_cards=load_documents)
    if fields & {"isSaleable", "availability"}:
        fill_composite_saleability(by_id, context, stock_by_product)
    fill_booking(by_id, context, fields)


def fill(by_id: dict, key: str, values: dict, default=None):
    for pid, document in by_id.items():
        document[key] = values.get(pid, [] if default is None else default)


# --- relations ------------------------------------------------------------------

def asset_document(asset, kind: str, context) -> dict:
    return {"id": asset.id, "type": kind, "path": asset.path, "productId": asset.product_id,
            "position": asset.position, "publicPath": context.media(asset.path)}


def assets_by_product(model, ids, context) -> dict[int, list[dict]]:
    kind = "images" if model is ProductImage else "videos"
    grouped: dict[int, list] = {}
    for asset in (reads.IMAGES if model is ProductImage else reads.VIDEOS).rows(ids):
        grouped.setdefault(asset.product_id, []).append(asset_document(asset, kind, context))
    return grouped


def option_labels(option_ids, context) -> dict[int, str]:
    rows = reads.OPTION_LABELS.rows(option_ids, context.locales) if option_ids else []
    grouped: dict[int, dict] = {}
    for row in rows:
        grouped.setdefault(row.attribute_option_id, {})[row.locale] = row.label
    return {option_id: translated(labels, context) for option_id, labels in grouped.items()}


def fill_summary_options(by_id, ids, context):
    rows = reads.SUMMARY_VALUES.rows(ids, SUMMARY_ATTRIBUTES)
    labels = option_labels({row.integer_value for row in rows}, context)
    for document in by_id.values():
        for code in SUMMARY_ATTRIBUTES:
            document[code] = None
    for row in rows:
        option_id = row.integer_value
        by_id[row.product_id][row.code] = {
            "id": option_id, "code": row.code,
            "label": labels.get(option_id) or row.admin_name or ""}


def categories_by_product(ids, context) -> dict[int, list[dict]]:
    links = reads.CATEGORY_LINKS.rows(ids)
    names: dict[int, dict] = {}
    for row in reads.CATEGORY_NAMES.rows({link.category_id for link in links}, context.locales) if links else ():
        names.setdefault(row.category_id, {})[row.locale] = row
    grouped: dict[int, list] = {}
    for link in sorted(links, key=lambda link: link.category_id):
        translation = translated(names.get(link.category_id, {}), context)
        grouped.setdefault(link.product_id, []).append({
            "id": link.category_id, "name": translation.name if translation else "",
            "slug": translation.slug if translation else ""})
    return grouped


def channels_by_product(ids) -> dict[int, list[dict]]:
    grouped: dict[int, list] = {}
    for product_id, channel_id, code, hostname, currency_code, locale_code in reads.CHANNELS.tuples(ids):
        grouped.setdefault(product_id, []).append({
            "id": channel_id, "code": code, "hostname": hostname, "currencyCode": currency_code,
            "localeCode": locale_code})
    return grouped


def families(products: dict) -> dict[int, dict]:
    family_rows = {family.id: family for family in reads.FAMILIES.rows(
        {product.attribute_family_id for product in products.values()})}
    return {pid: {"id": family.id, "code": family.code, "name": family.name}
            for pid, product in products.items() for family in [family_rows[product.attribute_family_id]]}


def fill_super_attributes(by_id, ids, context):
    configurable = [pid for pid in ids if by_id[pid]["type"] == "configurable"]  # the only ones with axes
    links = reads.SUPER_ATTRIBUTES.tuples(configurable) if configurable else []  # (product, id, code, type, name)
    attribute_ids = {link[1] for link in links}
    options = reads.ATTRIBUTE_OPTIONS.rows(attribute_ids) if links else []
    labels = option_labels({option.id for option in options}, context) if options else {}
    options_by_attribute: dict[int, list] = {}
    for option in options:
        options_by_attribute.setdefault(option.attribute_id, []).append({
            "id": option.id, "adminName": option.admin_name,
            "translation": {"label": labels.get(option.id, option.admin_name)}})
    for document in by_id.values():
        document["superAttributes"] = []
    names = attribute_names(attribute_ids, context) if links else {}
    for product_id, attribute_id, code, kind, admin_name in links:
        by_id[product_id]["superAttributes"].append({
            "id": attribute_id, "code": code, "type": kind, "adminName": admin_name,
            "options": options_by_attribute.get(attribute_id, []), "label": names.get(attribute_id) or admin_name})
    for document in by_id.values():
        document["superAttributeOptions"] = json.dumps(
            {attribute["code"]: [option["id"] for option in attribute["options"]]
             for attribute in document["superAttributes"]})


def fill_variants(by_id, context, fields):
    """Variant cards, combinations (variant id -> option ids) and saleability from stock."""
    configurable = [pid for pid, document in by_id.items() if document["type"] == "configurable"]
    parents = dict(reads.VARIANTS.tuples(configurable)) if configurable else {}
    variant_ids = list(parents)
    variant_fields = frozenset(name.split(".", 1)[1] for name in fields if name.startswith("variants."))
    variants = load_documents(variant_ids, context, variant_fields) if variant_ids else []
    stock = stock_by_product(list(by_id) + variant_ids)
    options: dict[int, dict] = {}
    for row in reads.VARIANT_OPTIONS.rows(variant_ids) if variant_ids else ():
        options.setdefault(row.product_id, {})[row.code] = row.integer_value
    for document in by_id.values():
        document["variants"], document["combinations"] = [], {}
    for variant in variants:
        parent = by_id[parents[variant["id"]]]
        parent["variants"].append(variant)
        parent["combinations"][str(variant["id"])] = options.get(variant["id"], {})
    for pid, document in by_id.items():
        in_stock = [stock.get(v["id"], 0) > 0 for v in document["variants"]] or [stock.get(pid, 0) > 0]
        document["isSaleable"] = bool(document["status"]) and any(in_stock)
        document["combinations"] = json.dumps(document["combinations"])


def stock_by_product(ids) -> dict[int, int]:
    return dict(reads.STOCK.tuples(ids)) if ids else {}


def fill_links(by_id, ids, context):
    links = reads.LINKS.rows(ids)
    cards = {doc["id"]: doc for doc in load_documents(sorted({link.child_id for link in links}), context, frozenset())}
    for document in by_id.values():
        for key in LINK_FIELDS.values():
            document[key] = []
    for link in links:
        if link.child_id in cards:
            by_id[link.parent_id][LINK_FIELDS[link.kind]].append(cards[link.child_id])


def attribute_values_by_product(ids) -> dict[int, list[dict]]:
    rows = (ProductAttributeValue.select(ProductAttributeValue, Attribute)
            .join(Attribute).where(ProductAttributeValue.product.in_(ids)).order_by(ProductAttributeValue.id))
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row.product_id, []).append(attribute_value_document(row))
    return grouped


def attribute_value_document(row: ProductAttributeValue) -> dict:
    value = next((v for v in (row.text_value, row.integer_value, row.boolean_value) if v is not None), None)
    return {
        "id": row.id, "locale": row.locale, "channel": row.channel, "textValue": row.text_value,
        "integerValue": row.integer_value, "booleanValue": row.boolean_value, "value": value,
        "uniqueId": f"{row.channel or ''}|{row.locale or ''}|{row.product_id}|{row.attribute_id}",
        "attribute": f"/api/shop/attributes/{row.attribute_id}", "product": f"/api/shop/products/{row.product_id}",
        "attributeDetails": {"id": row.attribute.id, "code": row.attribute.code,
                             "adminName": row.attribute.admin_name}}


# --- product sub-resources ---------------------------------------------------------

def require_product(context, product_id: int) -> int:
    if find_product_id(context, product_id, None, None) is None:
        raise NotFound("Product")
    return product_id


def list_product_images_of_product(context, product_id: int) -> list[dict]:
    return assets_by_product(ProductImage, [require_product(context, product_id)], context).get(product_id, [])


def list_product_booking_products(context, product_id: int) -> list[dict]:
    """The booking rows of a visible product (empty unless it is a booking product), else 404."""
    return product_booking_products(context, require_product(context, product_id))


def list_product_videos_of_product(context, product_id: int) -> list[dict]:
    return assets_by_product(ProductVideo, [require_product(context, product_id)], context).get(product_id, [])


def list_product_attribute_values(context, product_id: int) -> list[dict]:
    """The rows as product-subresources.md shows them: each with the locale and channel it applies to,
    the stored ones for a per-locale or per-channel value, the request's for a value every locale or
    channel shares (stored without one; `uniqueId` names the stored scope)."""
    values = attribute_values_by_product([require_product(context, product_id)]).get(product_id, [])
    return [{**{key: value for key, value in row.items() if key != "attributeDetails"},
             "locale": row["locale"] or context.locale, "channel": row["channel"] or context.channel_code}
            for row in values]


def group_price_document(row: ProductCustomerGroupPrice) -> dict:
    return {"id": row.id, "qty": row.qty, "valueType": row.value_type, "value": json_number(row.value),
            "customerGroupId": row.customer_group_id, "uniqueId": row.unique_id, "productId": row.product_id}


def list_product_customer_group_prices(context, product_id: int) -> list[dict]:
    rows = ProductCustomerGroupPrice.select().where(
        ProductCustomerGroupPrice.product == require_product(context, product_id)).order_by(
        ProductCustomerGroupPrice.qty, ProductCustomerGroupPrice.id)
    return [group_price_document(row) for row in rows]


def get_product_customer_group_price(context, product_id: int, id: int) -> dict:
    row = ProductCustomerGroupPrice.get_or_none(ProductCustomerGroupPrice.id == id,
                                                ProductCustomerGroupPrice.product == product_id)
    if row is None or find_product_id(context, product_id, None, None) is None:
        raise NotFound("Customer group price")
    return group_price_document(row)


def get_customer_group_price(context, id: int) -> dict:
    row = ProductCustomerGroupPrice.get_or_none(ProductCustomerGroupPrice.id == id)
    if row is None or find_product_id(context, row.product_id, None, None) is None:
        raise NotFound("Customer group price")
    return group_price_document(row)


def list_product_customizable_options(context, product_id: int) -> list[dict]:
    return options_by_product([require_product(context, product_id)], context).get(product_id, [])


def list_product_variants(context, product_id: int) -> list[dict]:
    require_product(context, product_id)
    variant_ids = [row.id for row in Product.select(Product.id).where(
        Product.parent == product_id, Product.status == True).order_by(Product.id)]  # noqa: E712
    return load_documents(variant_ids, context, frozenset())


def visible_asset_query(model, context):
    return model.select().join(Product).where(enabled_in_channel(context))


def list_product_images(context, window: Window) -> Page:
    return asset_page(ProductImage, context, window)


def list_product_videos(context, window: Window) -> Page:
    return asset_page(ProductVideo, context, window)


def asset_page(model, context, window) -> Page:
    kind = "images" if model is ProductImage else "videos"
    return paginate(visible_asset_query(model, context).order_by(model.id), window,
                    lambda row: asset_document(row, kind, context))


def get_product_image(context, id: int) -> dict:
    return get_asset(ProductImage, context, id, "Product image")


def get_product_video(context, id: int) -> dict:
    return get_asset(ProductVideo, context, id, "Product video")


def get_asset(model, context, asset_id, label) -> dict:
    row = visible_asset_query(model, context).where(model.id == asset_id).first()
    if row is None:
        raise NotFound(label)
    return asset_document(row, "images" if model is ProductImage else "videos", context)


def get_product_customizable_option(context, id: int) -> dict:
    option = ProductCustomizableOption.get_or_none(ProductCustomizableOption.id == id)
    if option is None or find_product_id(context, option.product_id, None, None) is None:
        raise NotFound("Customizable option")
    return customizable_option_documents([option], context)[0]


def option_price_document(row) -> dict:
    return {"id": row.id, "label": row.label, "price": json_number(row.price), "priceType": row.price_type,
            "customizableOption": f"/api/shop/product_customizable_options/{row.product_customizable_option_id}"}


def list_product_customizable_option_prices(context, window: Window) -> Page:
    return paginate(ProductCustomizableOptionPrice.select().order_by(ProductCustomizableOptionPrice.id), window,
                    option_price_document)


def get_product_customizable_option_price(context, id: int) -> dict:
    return option_price_document(get_or_not_found(ProductCustomizableOptionPrice, id, "Customizable option price"))


def option_translation_document(row) -> dict:
    return {"id": row.id, "locale": row.locale, "label": row.label,
            "customizableOption": f"/api/shop/product_customizable_options/{row.product_customizable_option_id}"}


def list_product_customizable_option_translations(context, window: Window) -> Page:
    return paginate(ProductCustomizableOptionTranslation.select().order_by(ProductCustomizableOptionTranslation.id),
                    window, option_translation_document)


def get_product_customizable_option_translation(context, id: int) -> dict:
    return option_translation_document(get_or_not_found(
        ProductCustomizableOptionTranslation, id, "Customizable option translation"))


# --- GraphQL presentation -------------------------------------------------------------

def option_id_text(key: str):
    def resolve(document, _info):
        option = document.get(key)
        return str(option["id"]) if option else None
    return resolve


def stored_translation(text_field: str):
    """GraphQL `translation` object of a bundle option, link or sample (REST carries its IRI): the one
    stored label/title, in the channel's default locale, with the owner's id."""
    def resolve(document, info):
        return {"id": document["id"], "locale": info.context["request"].context().fallback_locale,
                text_field: document[text_field]}
    return resolve


def flag_text(name: str):
    """A yes/no product field as the GraphQL pages show it: "1" or "0" (REST keeps true/false)."""
    def resolve(product, _info):
        value = product.get(name)
        return None if value is None else "1" if value else "0"
    return resolve


GRAPHQL_FLAGS = ("status", "new", "featured", "guestCheckout", "isSaleable")
graphql_resolvers = {
    "Product": {**{code: option_id_text(code) for code in SUMMARY_ATTRIBUTES},
                **{name: flag_text(name) for name in GRAPHQL_FLAGS},
                "availability": lambda product, _info: "in_stock" if product.get("isSaleable") else "out_of_stock"},
    "ProductCursorConnection": {"totalItems": lambda connection, _info: connection["totalCount"]},
    "ProductSuperAttributeOption": {"label": lambda option, _info: option["translation"]["label"],
                                    "value": lambda option, _info: str(option["id"])},
    "ProductImage": {"url": lambda image, _info: image["publicPath"],
                     "position": lambda image, _info: str(image["position"])},
    "ProductBundleOption": {"translation": stored_translation("label")},
    "ProductDownloadableLink": {"translation": stored_translation("title")},
    "ProductDownloadableSample": {"translation": stored_translation("title")},
    "ProductAttributeValue": {"attribute": lambda document, _info: document["attributeDetails"]},
    "ProductCategory": {"translation": lambda document, _info: {"name": document["name"], "slug": document["slug"]}},
}
