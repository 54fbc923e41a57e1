"""Admin product writes: create by type and family, the partial update (translations per locale,
attribute values per channel/locale, relations, type structures) and copy.

Each write validates the whole body first and reports every failing field in one 422; only then
does it write, inside the caller's transaction. Price ranges (`min_price`/`max_price`) are
refreshed for the product and for the composites holding it.
"""
import itertools
from decimal import Decimal

from handlers.admin.catalog.product_documents import (
    COMPOSITE_TYPES, TRANSLATED_COLUMNS, family_attributes, super_attribute_codes
)
from handlers.admin.catalog.product_booking import BookingInput
from handlers.admin.catalog.product_prices import refresh_price_ranges
from handlers.admin.catalog.product_values import (
    as_count, as_datetime, as_flag, as_money, attribute_storage, free_code, image_paths, insert_rows, localized,
    skus_starting, variant_combinations, write_translation
)
from handlers.admin.crud import taken
from domain.common import RequestContext
from domain.errors import Unprocessable
from storage.models import (
    Attribute, AttributeFamily, AttributeGroup, AttributeGroupMapping, AttributeOption, Category, Channel,
    Product, ProductAttributeValue, ProductBundleOption, ProductBundleOptionProduct, ProductCategory,
    ProductChannel, ProductDownloadableLink, ProductGroupedProduct, ProductLink, ProductSuperAttribute,
    ProductTranslation, TaxCategory, utcnow
)

MAX_VARIANTS = 500
MEMBER_TYPES = ("simple", "virtual")  # what grouped and bundle products may hold
FLAG_COLUMNS = ("status", "new", "featured", "visible_individually", "manage_stock")
MONEY_COLUMNS = ("price", "special_price", "cost", "weight")
DATE_COLUMNS = ("special_price_from", "special_price_to")
MAX_WEIGHT = Decimal("99999999.9999")  # what the weight column holds (12 digits, 4 of them decimals)
RELATIONS = {"categories": Category, "channels": Channel}
LINK_KINDS = {"up_sells": "up_sell", "cross_sells": "cross_sell", "related_products": "related"}
STRUCTURES = {"downloadable_links": "downloadable", "links": "grouped", "bundle_options": "bundle",
              "variants": "configurable", "super_attributes": "configurable", "booking": "booking"}
ELSEWHERE = {
    "images": "POST /api/admin/catalog/products/{id}/images",
    "videos": "POST /api/admin/catalog/products/{id}/images",
    "inventories": "PUT /api/admin/catalog/products/{id}/inventories",
    "customer_group_prices": "POST /api/admin/catalog/products/{id}/customer-group-prices",
}
NOT_STORED = {
    "downloadable_samples": "downloadable_samples is not stored: send a sample with its link "
                            "(sample_type, sample_url or sample_file in downloadable_links).",
}


# --- super attributes and variants ------------------------------------------------------

def parse_super_attributes(mapping: dict, family_id: int, errors: dict, field: str = "super_attributes"):
    """[(attribute, [option ids])] in attribute position order; problems go to `errors`."""
    in_family = set(AttributeGroupMapping.select(AttributeGroupMapping.attribute).join(AttributeGroup)
                    .where(AttributeGroup.attribute_family == family_id).tuples())
    in_family = {attribute_id for (attribute_id,) in in_family}
    axes = []
    for key, option_ids in mapping.items():
        attribute = Attribute.get_or_none(Attribute.id == int(key)) if str(key).isdigit() else \
            Attribute.get_or_none(Attribute.code == key)
        if attribute is None or not attribute.is_configurable or attribute.id not in in_family:
            errors[f"{field}.{key}"] = [f"'{key}' is not a configurable attribute of the product's family."]
            continue
        valid = {oid for (oid,) in AttributeOption.select(AttributeOption.id)
                 .where(AttributeOption.attribute == attribute.id).tuples()}
        unknown = [oid for oid in option_ids if oid not in valid]
        if unknown:
            errors[f"{field}.{key}"] = [f"Not options of '{attribute.code}': {', '.join(map(str, unknown))}."]
            continue
        axes.append((attribute, list(dict.fromkeys(option_ids))))
    combinations = 1
    for _attribute, option_ids in axes:
        combinations *= len(option_ids)
    if combinations > MAX_VARIANTS:
        errors[field] = [f"These options make {combinations} variants; at most {MAX_VARIANTS} are generated."]
    return sorted(axes, key=lambda axis: (axis[0].position, axis[0].id))


def generate_variants(product: Product, axes, existing: set[tuple] = frozenset()) -> list[int]:
    """A variant per option combination not in `existing`: `<sku>-variant-<n>`, enabled, priced 0,
    in the parent's channels, not visible on its own."""
    taken_skus = skus_starting(f"{product.sku}-variant-")
    channels = [cid for (cid,) in ProductChannel.select(ProductChannel.channel)
                .where(ProductChannel.product == product.id).tuples()]
    created = []
    for combination in itertools.product(*[option_ids for _attribute, option_ids in axes]):
        if combination in existing:
            continue
        sku = free_code(f"{product.sku}-variant", taken_skus)
        taken_skus.add(sku)
        variant = Product.create(sku=sku, type="simple", attribute_family=product.attribute_family_id,
                                 parent=product.id, status=True, visible_individually=False, price=0,
                                 min_price=0, max_price=0)
        ProductAttributeValue.insert_many([
            {"product": variant.id, "attribute": attribute.id, "integer_value": option_id}
            for (attribute, _options), option_id in zip(axes, combination)]).execute()
        if channels:
            ProductChannel.insert_many([{"product": variant.id, "channel": cid} for cid in channels]).execute()
        created.append(variant.id)
    return created


# --- create ---------------------------------------------------------------------------------

def create_product(context: RequestContext, body: dict) -> Product:
    """Step 1: the shell from sku, family and type, disabled, in the request channel."""
    family, axes = check_create(body)
    product = Product.create(sku=body["sku"], type=body["type"], attribute_family=family.id, status=False,
                             visible_individually=True, price=0, min_price=0, max_price=0,
                             manage_stock=body["type"] not in ("downloadable", "booking", *COMPOSITE_TYPES))
    ProductChannel.create(product=product.id, channel=context.channel_id)
    if axes:
        ProductSuperAttribute.insert_many([{"product": product.id, "attribute": attribute.id}
                                           for attribute, _options in axes]).execute()
        generate_variants(product, axes)
    return product


def check_create(body: dict) -> tuple[AttributeFamily, list]:
    """(family, super attribute axes), or a 422 naming every failing field."""
    errors = {}
    family = AttributeFamily.get_or_none(AttributeFamily.id == body["attribute_family_id"])
    if family is None:
        errors["attribute_family_id"] = ["The selected attribute family id is invalid."]
    if Product.select().where(Product.sku == body["sku"]).exists():
        errors["sku"] = [taken("sku")]
    axes = []
    if body["type"] == "configurable":
        if not body.get("super_attributes"):
            errors["super_attributes"] = ["The super attributes field is required for configurable products."]
        elif family is not None:
            axes = parse_super_attributes(body["super_attributes"], family.id, errors)
    elif "super_attributes" in body:
        errors["super_attributes"] = ["Only configurable products take super attributes."]
    if errors:
        raise Unprocessable(errors)
    return family, axes


# --- update ---------------------------------------------------------------------------------

class ProductUpdate:
    """One partial update: `check()` collects every problem, `write()` applies the changes."""

    def __init__(self, context: RequestContext, product: Product, body: dict):
        self.context = context
        self.product = product
        self.body = dict(body)
        self.errors: dict[str, list[str]] = {}
        self.warnings: list[str] = []
        self.columns: dict = {}
        self.texts: dict = {}
        self.values: list[tuple[Attribute, object]] = []
        self.relations: dict[str, list[int]] = {}
        self.structures: dict = {}
        self.removed_variants: set[int] = set()
        self.removed_files: list[str] = []

    def fail(self, field: str, message: str):
        self.errors.setdefault(field, []).append(message)

    # --- checking ---

    def check(self):
        self.drop_sub_resources()
        self.check_columns()
        self.check_texts()
        self.check_relations()
        self.check_structures()
        self.check_attribute_values()
        if self.errors:
            raise Unprocessable(self.errors)

    def drop_sub_resources(self):
        for key, endpoint in ELSEWHERE.items():
            if self.body.pop(key, None) is not None:
                self.warnings.append(f"{key} ignored: use {endpoint.replace('{id}', str(self.product.id))}.")
        for key, message in NOT_STORED.items():
            if self.body.pop(key, None) is not None:
                self.warnings.append(message)

    def check_columns(self):
        body, product = self.body, self.product
        if "sku" in body:
            self.columns["sku"] = body.pop("sku")
            clash = Product.select().where(Product.sku == self.columns["sku"], Product.id != product.id)
            if clash.exists():
                self.fail("sku", taken("sku"))
        for key in FLAG_COLUMNS:
            if key in body:
                self.columns[key] = as_flag(body.pop(key))
        for key in MONEY_COLUMNS + DATE_COLUMNS:
            if key in body:
                try:
                    self.columns[key] = (as_money if key in MONEY_COLUMNS else as_datetime)(body.pop(key))
                except ValueError as error:
                    self.fail(key, f"The {key.replace('_', ' ')} {error}.")
        if self.columns.get("price") is None and "price" in self.columns:
            self.fail("price", "The price field cannot be null.")
        if (self.columns.get("weight") or 0) > MAX_WEIGHT:
            self.fail("weight", f"The weight must be at most {MAX_WEIGHT}.")
        if "tax_category_id" in body:
            tax_category = body.pop("tax_category_id")
            if tax_category is not None and not TaxCategory.select().where(TaxCategory.id == tax_category).exists():
                self.fail("tax_category_id", "The selected tax category id is invalid.")
            self.columns["tax_category"] = tax_category
        self.check_special_price()

    def check_special_price(self):
        if self.errors.keys() & {"price", "special_price", "special_price_from", "special_price_to"}:
            return
        price = self.columns.get("price", self.product.price)
        special = self.columns.get("special_price", self.product.special_price)
        if special is not None and self.product.type not in COMPOSITE_TYPES and special >= price:
            field = "special_price" if "special_price" in self.columns else "price"
            self.fail(field, "The special price must be less than the price.")
        starts = self.columns.get("special_price_from", self.product.special_price_from)
        ends = self.columns.get("special_price_to", self.product.special_price_to)
        if starts and ends and starts > ends:
            self.fail("special_price_to", "The special price end must not be before its start.")

    def check_texts(self):
        for key in TRANSLATED_COLUMNS:
            if key in self.body:
                self.texts[key] = self.body.pop(key)
        url_key = self.texts.get("url_key")
        if url_key and self.url_key_taken(url_key):
            self.fail("url_key", taken("url_key"))

    def url_key_taken(self, url_key: str) -> bool:
        return ProductTranslation.select().where(ProductTranslation.locale == self.context.locale,
                                                 ProductTranslation.url_key == url_key,
                                                 ProductTranslation.product != self.product.id).exists()

    def check_relations(self):
        for key, model in RELATIONS.items():
            if key in self.body:
                self.relations[key] = self.existing_ids(key, model, self.body.pop(key))
        for key in LINK_KINDS:
            if key in self.body:
                ids = self.existing_ids(key, Product, self.body.pop(key))
                if self.product.id in ids:
                    self.fail(key, "A product cannot be linked to itself.")
                self.relations[key] = ids

    def existing_ids(self, key: str, model, ids: list[int]) -> list[int]:
        wanted = list(dict.fromkeys(ids))
        found = {key_ for (key_,) in model.select(model.id).where(model.id.in_(wanted)).tuples()} if wanted else set()
        missing = [str(key_) for key_ in wanted if key_ not in found]
        if missing:
            self.fail(key, f"The selected {key.replace('_', ' ')} are invalid: {', '.join(missing)}.")
        return wanted

    def check_structures(self):
        for key, product_type in STRUCTURES.items():
            if key not in self.body:
                continue
            value = self.body.pop(key)
            if self.product.type != product_type:
                self.fail(key, f"Only {product_type} products take {key.replace('_', ' ')}.")
                continue
            self.structures[key] = getattr(self, f"parse_{key}")(value)

    def parse_booking(self, value: dict) -> BookingInput:
        return BookingInput(self.product, value, self.fail, self.context.locale)

    def members(self, ids) -> dict[int, Product]:
        return {member.id: member for member in Product.select().where(Product.id.in_(list(ids)))}

    def check_member(self, field: str, member: Product | None):
        if member is None:
            self.fail(field, "The selected product is invalid.")
        elif member.id == self.product.id or member.type not in MEMBER_TYPES or member.parent_id is not None:
            self.fail(field, "Only simple and virtual products (not variants) can be added.")

    def parse_links(self, entries: dict) -> list[dict]:
        members = self.members(entry["associated_product_id"] for entry in entries.values())
        rows, seen = [], set()
        for position, (key, entry) in enumerate(entries.items()):
            member_id = entry["associated_product_id"]
            self.check_member(f"links.{key}.associated_product_id", members.get(member_id))
            if member_id in seen:
                self.fail(f"links.{key}.associated_product_id", "The product is listed twice.")
            seen.add(member_id)
            qty = as_count(entry.get("qty"), 1)
            if qty < 1:
                self.fail(f"links.{key}.qty", "The qty must be at least 1.")
            rows.append({"associated_product": member_id, "qty": qty,
                         "sort_order": as_count(entry.get("sort_order"), position)})
        return rows

    def parse_bundle_options(self, entries: dict) -> list[tuple[dict, list[dict]]]:
        member_ids = {selection["product_id"] for entry in entries.values() for selection in entry["products"].values()}
        members = self.members(member_ids)
        options = []
        for position, (key, entry) in enumerate(entries.items()):
            label = localized(entry, "label", self.context.locale)
            if not label:
                self.fail(f"bundle_options.{key}.label", "The label field is required.")
            selections = []
            for order, (selection_key, selection) in enumerate(entry["products"].items()):
                field = f"bundle_options.{key}.products.{selection_key}"
                self.check_member(f"{field}.product_id", members.get(selection["product_id"]))
                qty = as_count(selection.get("qty"), 1)
                if qty < 1:
                    self.fail(f"{field}.qty", "The qty must be at least 1.")
                selections.append({"product": selection["product_id"], "qty": qty,
                                   "is_default": as_flag(selection.get("is_default", 0)),
                                   "is_user_defined": as_flag(selection.get("is_user_defined", 1)),
                                   "sort_order": as_count(selection.get("sort_order"), order)})
            options.append(({"label": label, "type": entry["type"],
                             "is_required": as_flag(entry.get("is_required", 1)),
                             "sort_order": as_count(entry.get("sort_order"), position)}, selections))
        return options

    def parse_downloadable_links(self, entries: dict) -> list[dict]:
        rows = []
        for position, (key, entry) in enumerate(entries.items()):
            field = f"downloadable_links.{key}"
            title = localized(entry, "title", self.context.locale)
            if not title:
                self.fail(f"{field}.title", "The title field is required.")
            kind = entry["type"]
            if not entry.get(kind):
                self.fail(f"{field}.{kind}", f"The {kind} field is required when type is {kind}.")
            sample_type = entry.get("sample_type")
            if sample_type and not entry.get(f"sample_{sample_type}"):
                self.fail(f"{field}.sample_{sample_type}", f"The sample {sample_type} field is required.")
            try:
                price = as_money(entry.get("price", 0))
            except ValueError as error:
                self.fail(f"{field}.price", f"The price {error}.")
                price = Decimal(0)
            rows.append({"title": title, "type": kind, "url": entry.get("url") if kind == "url" else None,
                         "file": entry.get("file") if kind == "file" else None, "price": price,
                         "downloads": as_count(entry.get("downloads")),
                         "sort_order": as_count(entry.get("sort_order"), position),
                         "sample_type": sample_type,
                         "sample_url": entry.get("sample_url") if sample_type == "url" else None,
                         "sample_file": entry.get("sample_file") if sample_type == "file" else None})
        return rows

    def parse_variants(self, entries: dict) -> dict[int, dict]:
        """Variant id -> column changes (plus `name`); the variants left out are deleted."""
        variants = {variant.id: variant for variant in Product.select().where(Product.parent == self.product.id)}
        changes, new_skus = {}, []
        for key, entry in entries.items():
            field = f"variants.{key}"
            variant = variants.get(int(key)) if str(key).isdigit() else None
            if variant is None:
                self.fail(field, "Not a variant of this product.")
                continue
            change = {name: entry[name] for name in ("sku", "name") if name in entry}
            for name in ("price", "special_price", "weight"):
                if name in entry:
                    try:
                        change[name] = as_money(entry[name])
                    except ValueError as error:
                        self.fail(f"{field}.{name}", f"The {name.replace('_', ' ')} {error}.")
            if "status" in entry:
                change["status"] = as_flag(entry["status"])
            if "price" in change and change["price"] is None:
                self.fail(f"{field}.price", "The price field cannot be null.")
            special = change.get("special_price", variant.special_price)
            if special is not None and special >= (change.get("price") or variant.price):
                self.fail(f"{field}.special_price", "The special price must be less than the price.")
            if "sku" in change:
                new_skus.append((change["sku"], f"{field}.sku", variant.id))
            changes[variant.id] = change
        self.check_variant_skus(new_skus)
        self.removed_variants = set(variants) - set(changes) if not self.errors else set()
        return changes

    def check_variant_skus(self, new_skus: list[tuple[str, str, int]]):
        """New variant SKUs must be unique: among themselves, against the parent's and the catalog."""
        if not new_skus:
            return
        owners = dict(Product.select(Product.sku, Product.id).where(
            Product.sku.in_([sku for sku, _field, _variant in new_skus])).tuples())
        sent = [sku for sku, _field, _variant in new_skus]
        for sku, field, variant_id in new_skus:
            if owners.get(sku, variant_id) != variant_id or sent.count(sku) > 1 or sku == self.columns.get("sku"):
                self.fail(field, taken("sku"))

    def parse_super_attributes(self, mapping: dict):
        axes = parse_super_attributes(mapping, self.product.attribute_family_id, self.errors)
        current = super_attribute_codes(self.product.id)
        if axes and {attribute.id for attribute, _options in axes} != set(current):
            self.fail("super_attributes", "The super attributes of a configurable product cannot change: "
                                          f"send {', '.join(current.values())}.")
        return axes

    def check_attribute_values(self):
        """Every remaining key must be an attribute code of the product's family."""
        if not self.body:
            return
        family = {attribute.code: attribute for attribute, _group in family_attributes(self.product.attribute_family_id)}
        options = {}
        for key, value in self.body.items():
            attribute = family.get(key)
            if attribute is None:
                self.fail(key, f"'{key}' is not an attribute of the product's attribute family.")
                continue
            if attribute.type in ("select", "multiselect", "checkbox") and attribute.id not in options:
                options[attribute.id] = {oid for (oid,) in AttributeOption.select(AttributeOption.id)
                                         .where(AttributeOption.attribute == attribute.id).tuples()}
            try:
                self.values.append((attribute, attribute_storage(attribute, value, options.get(attribute.id))))
            except ValueError as error:
                self.fail(key, f"The {key.replace('_', ' ')} {error}.")

    # --- writing ---

    def write(self):
        product = self.product
        Product.update({**self.columns, "updated_at": utcnow()}).where(Product.id == product.id).execute()
        if self.texts:
            write_translation(product, self.context.locale, self.texts)
        for attribute, stored in self.values:
            self.write_value(attribute, stored)
        self.write_relations()
        self.write_structures()
        refresh_price_ranges([product.id, *self.structures.get("variants", {})])

    def write_value(self, attribute: Attribute, stored: dict | None):
        channel = self.context.channel_code if attribute.value_per_channel else None
        locale = self.context.locale if attribute.value_per_locale else None
        scope = [ProductAttributeValue.product == self.product.id, ProductAttributeValue.attribute == attribute.id,
                 ProductAttributeValue.channel.is_null() if channel is None else ProductAttributeValue.channel == channel,
                 ProductAttributeValue.locale.is_null() if locale is None else ProductAttributeValue.locale == locale]
        ProductAttributeValue.delete().where(*scope).execute()
        if stored is not None:
            ProductAttributeValue.create(product=self.product.id, attribute=attribute.id, channel=channel,
                                         locale=locale, **stored)

    def write_relations(self):
        product_id = self.product.id
        if "categories" in self.relations:
            ProductCategory.delete().where(ProductCategory.product == product_id).execute()
            insert_rows(ProductCategory, [{"product": product_id, "category": cid}
                                          for cid in self.relations["categories"]])
        if "channels" in self.relations:
            family = [product_id] + [vid for (vid,) in Product.select(Product.id)
                                     .where(Product.parent == product_id).tuples()]
            ProductChannel.delete().where(ProductChannel.product.in_(family)).execute()
            insert_rows(ProductChannel, [{"product": pid, "channel": cid}
                                         for pid in family for cid in self.relations["channels"]])
        for key, kind in LINK_KINDS.items():
            if key in self.relations:
                ProductLink.delete().where(ProductLink.parent == product_id, ProductLink.kind == kind).execute()
                insert_rows(ProductLink, [{"kind": kind, "parent": product_id, "child": child}
                                          for child in self.relations[key]])

    def write_structures(self):
        product_id = self.product.id
        if "links" in self.structures:
            ProductGroupedProduct.delete().where(ProductGroupedProduct.product == product_id).execute()
            insert_rows(ProductGroupedProduct, [{"product": product_id, **row} for row in self.structures["links"]])
        if "bundle_options" in self.structures:
            ProductBundleOption.delete().where(ProductBundleOption.product == product_id).execute()
            for option, selections in self.structures["bundle_options"]:
                created = ProductBundleOption.create(product=product_id, **option)
                insert_rows(ProductBundleOptionProduct, [{"bundle_option": created.id, **row} for row in selections])
        if "downloadable_links" in self.structures:
            ProductDownloadableLink.delete().where(ProductDownloadableLink.product == product_id).execute()
            insert_rows(ProductDownloadableLink, [{"product": product_id, **row}
                                                  for row in self.structures["downloadable_links"]])
        if "variants" in self.structures:
            self.write_variants(self.structures["variants"])
        if "booking" in self.structures:
            self.structures["booking"].write()
        if "super_attributes" in self.structures:
            axes = self.structures["super_attributes"]
            current = super_attribute_codes(product_id)
            existing = variant_combinations(product_id, list(current))
            generate_variants(self.product, axes, existing)

    def write_variants(self, changes: dict[int, dict]):
        if self.removed_variants:
            self.removed_files += image_paths(self.removed_variants)
            Product.delete().where(Product.id.in_(list(self.removed_variants))).execute()
        for variant_id, change in changes.items():
            columns = {key: value for key, value in change.items() if key != "name"}
            Product.update({**columns, "updated_at": utcnow()}).where(Product.id == variant_id).execute()
            if "name" in change:
                write_translation(Product.get_by_id(variant_id), self.context.locale, {"name": change["name"]})
