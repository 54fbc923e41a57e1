"""Admin product documents: the datagrid row, the detail document, the slim search row and the CSV rows.

Every builder takes a whole page of products and issues a fixed number of statements (one per
relation), so listings never grow with the page size. Values follow the request context: names in
its locale (falling back to the channel default), prices formatted in its currency, image URLs on
its media base (the same URLs the shop shows).
"""
from decimal import Decimal

from peewee import fn

from domain.catalog.translations import product_translations
from domain.common import RequestContext, iso, json_number, translated
from domain.booking import booking_product_of, slot_config, tickets_of
from handlers.shop.products import stock_by_product
from storage.models import (
    Attribute, AttributeFamily, AttributeGroup, AttributeGroupMapping, AttributeOption, CategoryTranslation,
    Channel, ChannelTranslation, CustomerGroup, InventorySource, Product, ProductAttributeValue,
    ProductBundleOption, ProductBundleOptionProduct, ProductCategory, ProductChannel, ProductCustomerGroupPrice,
    ProductDownloadableLink, ProductGroupedProduct, ProductImage, ProductInventory, ProductLink,
    ProductSuperAttribute, ProductTranslation, ProductVideo,
)

PRODUCT_TYPES = ("simple", "virtual", "downloadable", "grouped", "bundle", "configurable", "booking")
BOOKING_DATE_TIME = "%Y-%m-%d %H:%M:%S"  # as the booking input takes dates
# Types whose price and stock live on their children (variants, members, selections, slots).
COMPOSITE_TYPES = ("configurable", "bundle", "grouped", "booking")
DETAIL_BLOCKS = ("translations", "images", "videos", "categories", "inventories", "customerGroupPrices",
                 "superAttributes", "variants", "bundleOptions", "linkedProducts", "downloadableLinks",
                 "downloadableSamples", "bookingProduct", "channels", "relatedProducts", "upSells", "crossSells")
LINK_KINDS = {"related": "relatedProducts", "up_sell": "upSells", "cross_sell": "crossSells"}
TRANSLATED_COLUMNS = ("name", "url_key", "short_description", "description", "meta_title", "meta_keywords",
                      "meta_description")
# Translated texts of the row besides the name: column -> document key.
TRANSLATED_TEXTS = {"url_key": "urlKey", "short_description": "shortDescription", "description": "description",
                    "meta_title": "metaTitle", "meta_keywords": "metaKeywords", "meta_description": "metaDescription"}


def decimal_text(amount: Decimal | None) -> str | None:
    """Money as the documented 4-decimal string ("24.9900")."""
    return None if amount is None else f"{Decimal(amount):.4f}"


def has_own_price(product: Product) -> bool:
    return product.type not in COMPOSITE_TYPES


# --- batched lookups ------------------------------------------------------------------



def family_names(products) -> dict[int, str]:
    family_ids = {product.attribute_family_id for product in products}
    return dict(AttributeFamily.select(AttributeFamily.id, AttributeFamily.name)
                .where(AttributeFamily.id.in_(family_ids)).tuples())


def images_for(model, ids) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for image in model.select().where(model.product.in_(ids)).order_by(model.product, model.position, model.id):
        grouped.setdefault(image.product_id, []).append(image)
    return grouped


def first_categories(ids, context: RequestContext) -> dict[int, tuple[int, str | None]]:
    """product id -> (its lowest category id, that category's name in the request locale)."""
    first = dict(ProductCategory.select(ProductCategory.product, fn.MIN(ProductCategory.category))
                 .where(ProductCategory.product.in_(ids)).group_by(ProductCategory.product).tuples())
    names = category_names(set(first.values()), context)
    return {pid: (category_id, names.get(category_id, (None, None))[0]) for pid, category_id in first.items()}


def category_names(category_ids, context: RequestContext) -> dict[int, tuple[str | None, str | None]]:
    """category id -> (name, slug) in the request locale, else the channel default."""
    grouped: dict[int, dict] = {}
    for row in CategoryTranslation.select().where(CategoryTranslation.category.in_(list(category_ids)),
                                                  CategoryTranslation.locale.in_(context.locales)):
        grouped.setdefault(row.category_id, {})[row.locale] = row
    return {key: (row.name, row.slug) for key, by_locale in grouped.items()
            for row in [translated(by_locale, context)]}


def image_block(image, context: RequestContext) -> dict:
    return {"id": image.id, "path": image.path, "url": context.media(image.path), "sortOrder": image.position}


def image_document(image, context: RequestContext) -> dict:
    """The image as the image operations return it."""
    return {"id": image.id, "productId": image.product_id, "path": image.path, "position": image.position,
            "url": context.media(image.path)}


# --- the datagrid row -------------------------------------------------------------------

def listing_rows(products: list[Product], context: RequestContext) -> list[dict]:
    """Datagrid rows; detail-only fields and relation blocks are present and null."""
    if not products:
        return []
    ids = [product.id for product in products]
    translations = product_translations(ids, context)
    families = family_names(products)
    stock = stock_by_product(ids)
    images = images_for(ProductImage, ids)
    categories = first_categories(ids, context)
    return [row(product, translations.get(product.id), families, stock, images.get(product.id, []),
                categories.get(product.id, (None, None)), context) for product in products]


def row(product, translation, families, stock, images, category, context) -> dict:
    own_price = has_own_price(product)
    special = product.special_price if own_price else None
    money = context.currency
    document = {
        "id": product.id, "sku": product.sku, "name": translation.name if translation else None,
        "type": product.type, "status": int(product.status),
        "price": decimal_text(product.price) if own_price else None,
        "formattedPrice": money.format(product.price) if own_price else None,
        "specialPrice": decimal_text(special), "formattedSpecialPrice": money.format(special),
        "specialPriceFrom": iso(product.special_price_from), "specialPriceTo": iso(product.special_price_to),
        "cost": decimal_text(product.cost), "quantity": int(stock.get(product.id) or 0),
        "baseImageUrl": context.media(images[0].path) if images else None, "imagesCount": len(images),
        "categoryId": category[0], "categoryName": category[1],
        "channel": context.channel_code, "locale": context.locale,
        "attributeFamilyId": product.attribute_family_id,
        "attributeFamilyName": families.get(product.attribute_family_id),
        "visibleIndividually": product.visible_individually,
        "weight": json_number(product.weight), "featured": product.featured, "new": product.new,
        "createdAt": iso(product.created_at), "updatedAt": iso(product.updated_at),
        "taxCategoryId": None, "manageStock": None, "inStock": None,
    }
    for column, key in TRANSLATED_TEXTS.items():
        document[key] = getattr(translation, column) if translation else None
    document.update({block: None for block in DETAIL_BLOCKS})
    return document


# --- the detail document ------------------------------------------------------------------

def detail_document(product: Product, context: RequestContext) -> dict:
    """Every field and block of one product (the edit screen)."""
    document = listing_rows([product], context)[0]
    document.update({
        "taxCategoryId": product.tax_category_id, "manageStock": product.manage_stock,
        "inStock": product.id in in_stock_ids([product]),
        "translations": translation_blocks(product),
        "images": [image_block(image, context) for image in images_for(ProductImage, [product.id]).get(product.id, [])],
        "videos": [image_block(video, context) for video in images_for(ProductVideo, [product.id]).get(product.id, [])],
        "categories": category_blocks(product, context),
        "inventories": inventory_blocks(product),
        "customerGroupPrices": [group_price_document(price, name) for price, name in group_prices([product.id])],
        "channels": channel_blocks(product, context),
        "attributes": attribute_blocks(product, context),
    })
    document.update(link_blocks(product, context))
    document.update(type_blocks(product, context))
    return document


def in_stock_ids(products: list[Product]) -> set[int]:
    """Ids of the products in stock: own stock for simple-like types; any enabled variant or member
    in stock (configurable, grouped); an in-stock selection for every required option (bundle).
    A fixed number of statements for any number of products."""
    ids = [product.id for product in products]
    variants = dict(Product.select(Product.id, Product.parent).where(
        Product.parent.in_(ids), Product.status == True).tuples())  # noqa: E712
    members = list(ProductGroupedProduct.select().join(
        Product, on=(ProductGroupedProduct.associated_product == Product.id)).where(
        ProductGroupedProduct.product.in_(ids), Product.status == True))  # noqa: E712
    options = list(ProductBundleOption.select().where(ProductBundleOption.product.in_(ids)))
    selections = list(ProductBundleOptionProduct.select().join(
        Product, on=(ProductBundleOptionProduct.product == Product.id)).where(
        ProductBundleOptionProduct.bundle_option.in_([option.id for option in options]),
        Product.status == True))  # noqa: E712
    parts = set(variants) | {row.associated_product_id for row in members} | {row.product_id for row in selections}
    stocked = {pid for pid, qty in stock_by_product(ids + sorted(parts)).items() if qty and qty > 0}
    options_in_stock = {row.bundle_option_id for row in selections if row.product_id in stocked}
    found = {parent for variant, parent in variants.items() if variant in stocked}
    found |= {row.product_id for row in members if row.associated_product_id in stocked}
    for product in products:
        if product.type == "bundle":
            required = [option.id for option in options if option.product_id == product.id and option.is_required]
            if required and all(option_id in options_in_stock for option_id in required):
                found.add(product.id)
        elif product.type not in ("configurable", "grouped") and product.id in stocked:
            found.add(product.id)
    return found


def translation_blocks(product: Product) -> list[dict]:
    rows = ProductTranslation.select().where(ProductTranslation.product == product.id).order_by(ProductTranslation.locale)
    return [{"locale": row.locale, "name": row.name, "description": row.description,
             "shortDescription": row.short_description, "urlKey": row.url_key, "metaTitle": row.meta_title,
             "metaDescription": row.meta_description, "metaKeywords": row.meta_keywords} for row in rows]


def category_blocks(product: Product, context: RequestContext) -> list[dict]:
    category_ids = [cid for (cid,) in ProductCategory.select(ProductCategory.category)
                    .where(ProductCategory.product == product.id).order_by(ProductCategory.category).tuples()]
    names = category_names(category_ids, context)
    return [{"id": cid, "name": names.get(cid, (None, None))[0], "slug": names.get(cid, (None, None))[1]}
            for cid in category_ids]


def inventory_blocks(product: Product) -> list[dict]:
    return [{"sourceId": row["source_id"], "sourceCode": row["source_code"], "qty": row["qty"]}
            for row in inventory_rows(product.id)]


def inventory_rows(product_id: int) -> list[dict]:
    return list(ProductInventory.select(ProductInventory.id, ProductInventory.qty, ProductInventory.product,
                                        InventorySource.id.alias("source_id"),
                                        InventorySource.code.alias("source_code"),
                                        InventorySource.name.alias("source_name"))
                .join(InventorySource).where(ProductInventory.product == product_id)
                .order_by(InventorySource.id).dicts())


def inventory_document(row: dict) -> dict:
    return {"id": row["id"], "productId": row["product"], "sourceId": row["source_id"], "sourceCode": row["source_code"],
            "sourceName": row["source_name"], "qty": row["qty"]}


def group_prices(product_ids) -> list[tuple[ProductCustomerGroupPrice, str | None]]:
    """(row, group name) by quantity, then id."""
    rows = list(ProductCustomerGroupPrice.select().where(ProductCustomerGroupPrice.product.in_(product_ids))
                .order_by(ProductCustomerGroupPrice.qty, ProductCustomerGroupPrice.id))
    names = dict(CustomerGroup.select(CustomerGroup.id, CustomerGroup.name).where(
        CustomerGroup.id.in_({row.customer_group_id for row in rows if row.customer_group_id})).tuples())
    return [(row, names.get(row.customer_group_id)) for row in rows]


def group_price_document(row: ProductCustomerGroupPrice, group_name: str | None) -> dict:
    return {"id": row.id, "qty": row.qty, "valueType": row.value_type, "value": float(row.value),
            "customerGroupId": row.customer_group_id, "customerGroupName": group_name, "productId": row.product_id}


def channel_blocks(product: Product, context: RequestContext) -> list[dict]:
    assigned = {cid for (cid,) in ProductChannel.select(ProductChannel.channel)
                .where(ProductChannel.product == product.id).tuples()}
    names: dict[int, dict] = {}
    for row in ChannelTranslation.select().where(ChannelTranslation.locale.in_(context.locales)):
        names.setdefault(row.channel_id, {})[row.locale] = row.name
    return [{"id": channel.id, "code": channel.code, "name": translated(names.get(channel.id, {}), context),
             "assigned": channel.id in assigned} for channel in Channel.select().order_by(Channel.id)]


def references(ids, context: RequestContext) -> dict[int, dict]:
    """id -> {id, sku, name} for linked products."""
    products = list(Product.select(Product.id, Product.sku).where(Product.id.in_(list(ids))))
    names = product_translations([product.id for product in products], context)
    return {product.id: {"id": product.id, "sku": product.sku,
                         "name": names[product.id].name if product.id in names else None} for product in products}


def link_blocks(product: Product, context: RequestContext) -> dict:
    links = list(ProductLink.select().where(ProductLink.parent == product.id).order_by(ProductLink.child))
    cards = references({link.child_id for link in links}, context)
    blocks = {key: [] for key in LINK_KINDS.values()}
    for link in links:
        blocks[LINK_KINDS[link.kind]].append(cards[link.child_id])
    return blocks


# --- type blocks --------------------------------------------------------------------------

def type_blocks(product: Product, context: RequestContext) -> dict:
    """superAttributes/variants, bundleOptions, linkedProducts, downloadableLinks/Samples, bookingProduct:
    null unless the type matches."""
    blocks = {name: None for name in ("superAttributes", "variants", "bundleOptions", "linkedProducts",
                                      "downloadableLinks", "downloadableSamples")}
    blocks["bookingProduct"] = booking_block(product)
    if product.type == "configurable":
        blocks["variants"], used_options = variant_blocks(product, context)
        blocks["superAttributes"] = super_attribute_blocks(product, used_options)
    elif product.type == "bundle":
        blocks["bundleOptions"] = bundle_blocks(product, context)
    elif product.type == "grouped":
        blocks["linkedProducts"] = grouped_blocks(product, context)
    elif product.type == "downloadable":
        links = list(ProductDownloadableLink.select().where(ProductDownloadableLink.product == product.id)
                     .order_by(ProductDownloadableLink.sort_order, ProductDownloadableLink.id))
        blocks["downloadableLinks"] = [downloadable_link_block(link) for link in links]
        blocks["downloadableSamples"] = [sample_block(link) for link in links if link.sample_type]
    return blocks


def booking_block(product: Product) -> dict | None:
    """The booking settings of a booking product (null for other types or before they are set)."""
    row = booking_product_of(product.id) if product.type == "booking" else None
    if row is None:
        return None
    config = slot_config(row) if row.type != "event" else None
    tickets = tickets_of([row.id]) if row.type == "event" else []
    return {
        "type": row.type, "qty": row.qty, "location": row.location, "showLocation": row.show_location,
        "availableEveryWeek": row.available_every_week,
        "availableFrom": row.available_from.strftime(BOOKING_DATE_TIME) if row.available_from else None,
        "availableTo": row.available_to.strftime(BOOKING_DATE_TIME) if row.available_to else None,
        "bookingType": config.booking_type if config else None,
        "duration": config.duration if config else None,
        "breakTime": config.break_time if config else None,
        "sameSlotAllDays": config.same_slot_all_days if config else None,
        "rentingType": config.renting_type if config else None,
        "dailyPrice": decimal_text(config.daily_price) if config else None,
        "hourlyPrice": decimal_text(config.hourly_price) if config else None,
        "priceType": config.price_type if config else None,
        "guestLimit": config.guest_limit if config else None,
        "preventSchedulingBefore": config.prevent_scheduling_before if config else None,
        "slots": config.slots if config else None,
        "tickets": [{"id": ticket.id, "name": ticket.name, "description": ticket.description,
                     "price": decimal_text(ticket.price), "qty": ticket.qty,
                     "specialPrice": decimal_text(ticket.special_price),
                     "specialPriceFrom": ticket.special_price_from.strftime(BOOKING_DATE_TIME)
                     if ticket.special_price_from else None,
                     "specialPriceTo": ticket.special_price_to.strftime(BOOKING_DATE_TIME)
                     if ticket.special_price_to else None,
                     "sortOrder": ticket.sort_order} for ticket in tickets] if row.type == "event" else None,
    }


def super_attribute_codes(product_id: int) -> dict[int, str]:
    """attribute id -> code of the product's super attributes, by attribute position."""
    return dict(ProductSuperAttribute.select(Attribute.id, Attribute.code).join(Attribute)
                .where(ProductSuperAttribute.product == product_id).order_by(Attribute.position, Attribute.id).tuples())


def variant_options(variant_ids, attribute_ids) -> dict[int, dict[int, int]]:
    """variant id -> {attribute id: option id} for the super attributes."""
    grouped: dict[int, dict] = {}
    for value in ProductAttributeValue.select().where(ProductAttributeValue.product.in_(list(variant_ids)),
                                                      ProductAttributeValue.attribute.in_(list(attribute_ids))):
        grouped.setdefault(value.product_id, {})[value.attribute_id] = value.integer_value
    return grouped


def variant_blocks(product: Product, context: RequestContext) -> tuple[list[dict], dict[int, set]]:
    variants = list(Product.select().where(Product.parent == product.id).order_by(Product.id))
    ids = [variant.id for variant in variants]
    codes = super_attribute_codes(product.id)
    options = variant_options(ids, codes)
    names = product_translations(ids, context)
    stock = stock_by_product(ids)
    used: dict[int, set] = {attribute_id: set() for attribute_id in codes}
    blocks = []
    for variant in variants:
        chosen = options.get(variant.id, {})
        for attribute_id, option_id in chosen.items():
            used[attribute_id].add(option_id)
        blocks.append({
            "id": variant.id, "sku": variant.sku, "name": names[variant.id].name if variant.id in names else None,
            "price": decimal_text(variant.price), "weight": json_number(variant.weight), "status": int(variant.status),
            "quantity": int(stock.get(variant.id) or 0),
            "options": {code: chosen.get(attribute_id) for attribute_id, code in codes.items()}})
    return blocks, used


def super_attribute_blocks(product: Product, used_options: dict[int, set]) -> list[dict]:
    attributes = list(Attribute.select().where(Attribute.id.in_(list(used_options)))
                      .order_by(Attribute.position, Attribute.id))
    options = options_by_attribute([attribute.id for attribute in attributes])
    return [{"id": attribute.id, "code": attribute.code, "label": attribute.admin_name,
             "options": [option for option in options.get(attribute.id, []) if option["id"] in used_options[attribute.id]]}
            for attribute in attributes]


def options_by_attribute(attribute_ids) -> dict[int, list[dict]]:
    grouped: dict[int, list] = {}
    for option in (AttributeOption.select().where(AttributeOption.attribute.in_(list(attribute_ids)))
                   .order_by(AttributeOption.sort_order, AttributeOption.id)):
        grouped.setdefault(option.attribute_id, []).append({
            "id": option.id, "adminName": option.admin_name, "swatchValue": option.swatch_value,
            "sortOrder": option.sort_order})
    return grouped


def bundle_blocks(product: Product, context: RequestContext) -> list[dict]:
    options = list(ProductBundleOption.select().where(ProductBundleOption.product == product.id)
                   .order_by(ProductBundleOption.sort_order, ProductBundleOption.id))
    selections = list(ProductBundleOptionProduct.select()
                      .where(ProductBundleOptionProduct.bundle_option.in_([option.id for option in options]))
                      .order_by(ProductBundleOptionProduct.sort_order, ProductBundleOptionProduct.id))
    cards = references({row.product_id for row in selections}, context)
    by_option: dict[int, list] = {}
    for row in selections:
        card = cards.get(row.product_id, {})
        by_option.setdefault(row.bundle_option_id, []).append({
            "id": row.id, "productId": row.product_id, "sku": card.get("sku"), "name": card.get("name"),
            "qty": row.qty, "isDefault": row.is_default, "sortOrder": row.sort_order})
    return [{"id": option.id, "label": option.label, "type": option.type, "isRequired": option.is_required,
             "sortOrder": option.sort_order, "products": by_option.get(option.id, [])} for option in options]


def grouped_blocks(product: Product, context: RequestContext) -> list[dict]:
    rows = list(ProductGroupedProduct.select().where(ProductGroupedProduct.product == product.id)
                .order_by(ProductGroupedProduct.sort_order, ProductGroupedProduct.id))
    cards = references({row.associated_product_id for row in rows}, context)
    return [{**cards[row.associated_product_id], "qty": row.qty, "sortOrder": row.sort_order}
            for row in rows if row.associated_product_id in cards]


def downloadable_link_block(link: ProductDownloadableLink) -> dict:
    return {"id": link.id, "title": link.title, "type": link.type, "url": link.url, "file": link.file,
            "price": decimal_text(link.price), "downloads": link.downloads, "sortOrder": link.sort_order,
            "sampleType": link.sample_type, "sampleUrl": link.sample_url, "sampleFile": link.sample_file}


def sample_block(link: ProductDownloadableLink) -> dict:
    return {"id": link.id, "title": link.title, "type": link.sample_type, "url": link.sample_url,
            "file": link.sample_file, "sortOrder": link.sort_order}


# --- the family's field set ---------------------------------------------------------------------

def family_attributes(family_id: int) -> list[tuple[Attribute, AttributeGroup]]:
    """The family's attributes in edit-screen order (group position, then position in the group)."""
    rows = (AttributeGroupMapping.select(AttributeGroupMapping, Attribute, AttributeGroup)
            .join(Attribute).join_from(AttributeGroupMapping, AttributeGroup)
            .where(AttributeGroup.attribute_family == family_id)
            .order_by(AttributeGroup.position, AttributeGroup.id, AttributeGroupMapping.position, Attribute.id))
    return [(row.attribute, row.attribute_group) for row in rows]


def attribute_blocks(product: Product, context: RequestContext) -> list[dict]:
    pairs = family_attributes(product.attribute_family_id)
    options = options_by_attribute([attribute.id for attribute, _ in pairs
                                    if attribute.type in ("select", "multiselect", "checkbox")])
    stored = stored_values(product.id, context)
    translation = product_translations([product.id], context).get(product.id)
    return [{"id": attribute.id, "code": attribute.code, "adminName": attribute.admin_name, "type": attribute.type,
             "isRequired": attribute.is_required, "valuePerChannel": attribute.value_per_channel,
             "valuePerLocale": attribute.value_per_locale, "groupCode": group.code, "groupName": group.name,
             "value": attribute_value(product, attribute, translation, stored),
             "options": options.get(attribute.id, []) if attribute.type in ("select", "multiselect", "checkbox")
             else None}
            for attribute, group in pairs]


def stored_values(product_id: int, context: RequestContext) -> dict[int, ProductAttributeValue]:
    """attribute id -> the value row that applies to the request channel and locale (a row scoped to
    them wins over an unscoped one)."""
    best: dict[int, tuple[int, ProductAttributeValue]] = {}
    for value in ProductAttributeValue.select().where(ProductAttributeValue.product == product_id):
        if value.channel not in (None, context.channel_code) or value.locale not in (None, context.locale):
            continue
        rank = (value.channel is not None) + (value.locale is not None)
        if value.attribute_id not in best or rank > best[value.attribute_id][0]:
            best[value.attribute_id] = (rank, value)
    return {attribute_id: value for attribute_id, (_, value) in best.items()}


CORE_VALUES = {
    "sku": lambda product, _t: product.sku,
    "price": lambda product, _t: decimal_text(product.price),
    "special_price": lambda product, _t: decimal_text(product.special_price),
    "cost": lambda product, _t: decimal_text(product.cost),
    "weight": lambda product, _t: json_number(product.weight),
    "status": lambda product, _t: int(product.status),
    "new": lambda product, _t: int(product.new),
    "featured": lambda product, _t: int(product.featured),
    "visible_individually": lambda product, _t: int(product.visible_individually),
    "manage_stock": lambda product, _t: int(product.manage_stock),
    "tax_category_id": lambda product, _t: product.tax_category_id,
    "special_price_from": lambda product, _t: iso(product.special_price_from),
    "special_price_to": lambda product, _t: iso(product.special_price_to),
}


def attribute_value(product, attribute, translation, stored) -> object:
    if attribute.code in CORE_VALUES:
        return CORE_VALUES[attribute.code](product, translation)
    if attribute.code in TRANSLATED_COLUMNS:
        return getattr(translation, attribute.code) if translation else None
    value = stored.get(attribute.id)
    if value is None:
        return None
    if attribute.type == "boolean":
        return None if value.boolean_value is None else int(value.boolean_value)
    if value.integer_value is not None:
        return value.integer_value
    return value.text_value


# --- the add-product search row and the CSV row ------------------------------------------------------

def search_rows(products: list[Product], context: RequestContext) -> list[dict]:
    """Slim rows; a product is saleable when enabled and in stock."""
    ids = [product.id for product in products]
    translations = product_translations(ids, context)
    images = images_for(ProductImage, ids)
    stocked = in_stock_ids(products)
    return [{"id": product.id, "sku": product.sku, "type": product.type,
             "name": translations[product.id].name if product.id in translations else None,
             "status": int(product.status), "price": json_number(product.min_price),
             "formattedPrice": context.currency.format(product.min_price),
             "baseImageUrl": context.media(images[product.id][0].path) if images.get(product.id) else None,
             "isSaleable": product.status and product.id in stocked} for product in products]


CSV_HEADER = ("ID", "Name", "SKU", "Attribute Family", "Price", "Quantity", "Status", "Category", "Type")


def csv_rows(products: list[Product], context: RequestContext) -> list[tuple]:
    return [(row["id"], row["name"] or "", row["sku"], row["attributeFamilyName"] or "", row["formattedPrice"] or "",
             row["quantity"], "Active" if row["status"] else "Disabled", row["categoryName"] or "", row["type"])
            for row in listing_rows(products, context)]
