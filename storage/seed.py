"""Deterministic demo data: store settings, a 3-level category tree, attributes and a catalog.

`seed_catalog(products=240)` builds the same data every time for the same
arguments. Rows are written in batches so `--products 100000` stays practical.
"""
import datetime
import random
from decimal import Decimal

from tqdm import tqdm

from storage.db import database
from storage.seed_sales import seed_sales
from storage.seed_sales_documents import seed_sales_documents
from storage.models import (
    Attribute, Category, CategoryTranslation, Channel,
    ChannelCurrency, ChannelLocale, ChannelTranslation, Country, CountryState, CountryStateTranslation,
    CountryTranslation, Currency, CustomerGroup, ExchangeRate, InventorySource, Locale, Product,
    ProductAttributeValue, ProductCategory, ProductChannel, ProductCustomerGroupPrice,
    ProductCustomizableOption, ProductCustomizableOptionPrice, ProductCustomizableOptionTranslation,
    ProductImage, ProductInventory, ProductLink, ProductSuperAttribute, ProductTranslation,
    ThemeCustomization, ThemeCustomizationTranslation,
)
from storage.seed_attributes import SEEDED_MODELS, catalog_options, seed_attributes
from storage.seed_booking import seed_booking
from storage.seed_content import seed_content
from storage.seed_data_transfer import seed_data_transfer
from storage.seed_licenses import seed_licenses
from storage.seed_customers import seed_customers
from storage.seed_marketing import seed_marketing
from storage.seed_product_types import seed_product_types
from storage.seed_promotions import seed_promotions
from storage.seed_search import seed_search
from storage.seed_seo import seed_seo
from storage.seed_subscriptions import seed_subscriptions

BATCH = 500
SEED_TIME = datetime.datetime(2026, 1, 15, 9, 30, 0)

LOCALES = [("en", "English", "ltr"), ("fr", "Français", "ltr")]
CURRENCIES = [
    # code, name, symbol, decimals, group, decimal separator, position, rate from USD
    ("USD", "US Dollar", "$", 2, ",", ".", "left", Decimal("1")),
    ("EUR", "Euro", "€", 2, ".", ",", "right_with_space", Decimal("0.92")),
]
COUNTRIES = {
    "US": ("United States", "États-Unis", [("CA", "California"), ("NY", "New York"), ("TX", "Texas"), ("WA", "Washington")]),
    "IN": ("India", "Inde", [("DL", "Delhi"), ("MH", "Maharashtra"), ("KA", "Karnataka")]),
    "DE": ("Germany", "Allemagne", [("BE", "Berlin"), ("BY", "Bayern"), ("HH", "Hamburg")]),
    "FR": ("France", "France", [("IDF", "Île-de-France"), ("ARA", "Auvergne-Rhône-Alpes")]),
    "CA": ("Canada", "Canada", [("ON", "Ontario"), ("QC", "Quebec"), ("BC", "British Columbia")]),
    "GB": ("United Kingdom", "Royaume-Uni", []),
    "JP": ("Japan", "Japon", []),
}
# More US states the documentation's addresses use, seeded after the others so those keep their ids.
MORE_STATES = [("US", "IL", "Illinois"), ("US", "MA", "Massachusetts"), ("US", "FL", "Florida")]
CATEGORY_TREE = {
    ("Men", "Hommes"): {
        ("Clothing", "Vêtements"): [("Hoodies", "Sweats"), ("Shirts", "Chemises")],
        ("Footwear", "Chaussures"): [("Sneakers", "Baskets"), ("Boots", "Bottes")],
        ("Accessories", "Accessoires"): [("Caps", "Casquettes"), ("Belts", "Ceintures")],
    },
    ("Women", "Femmes"): {
        ("Clothing", "Vêtements"): [("Dresses", "Robes"), ("Tops", "Hauts")],
        ("Footwear", "Chaussures"): [("Heels", "Talons"), ("Flats", "Ballerines")],
        ("Bags", "Sacs"): [("Totes", "Cabas"), ("Backpacks", "Sacs à dos")],
    },
    ("Home", "Maison"): {
        ("Furniture", "Meubles"): [("Sofas", "Canapés"), ("Tables", "Tables")],
        ("Kitchen", "Cuisine"): [("Cookware", "Ustensiles"), ("Tableware", "Vaisselle")],
    },
    ("Electronics", "Électronique"): {
        ("Audio", "Audio"): [("Headphones", "Casques"), ("Speakers", "Enceintes")],
        ("Wearables", "Objets connectés"): [("Watches", "Montres"), ("Trackers", "Bracelets")],
    },
}
ADJECTIVES = ["Coastal", "Urban", "Classic", "Alpine", "Velvet", "Nordic", "Summit", "Harbor", "Meadow", "Lunar",
              "Granite", "Amber", "Cedar", "Willow", "Aurora", "Ember", "Maple", "Silver", "Indigo", "Sierra"]
NOUNS = {
    "Hoodies": "Hoodie", "Shirts": "Shirt", "Sneakers": "Sneakers", "Boots": "Boots", "Caps": "Cap", "Belts": "Belt",
    "Dresses": "Dress", "Tops": "Top", "Heels": "Heels", "Flats": "Flats", "Totes": "Tote", "Backpacks": "Backpack",
    "Sofas": "Sofa", "Tables": "Table", "Cookware": "Pan", "Tableware": "Plate Set", "Headphones": "Headphones",
    "Speakers": "Speaker", "Watches": "Watch", "Trackers": "Tracker",
}
# The address of a default install's inventory source (with a description and coordinates for the demo).
DEFAULT_SOURCE_ADDRESS = {
    "description": "Main warehouse", "contact_name": "Detroit Warehouse", "contact_email": "warehouse@example.com",
    "contact_number": "1234567899", "country": "US", "state": "MI", "city": "Detroit", "street": "12th Street",
    "postcode": "48127", "latitude": Decimal("42.331400"), "longitude": Decimal("-83.045800"),
}
THEMES = [
    ("image_carousel", "Image Carousel", {"images": [{"title": "Summer sale", "link": "/sale", "image": "storage/theme/1/banner.webp"}]},
     {"images": [{"title": "Soldes d'été", "link": "/sale", "image": "storage/theme/1/banner.webp"}]}),
    ("static_content", "Offer Information", {"html": "<p>Free shipping over $50</p>", "css": ""},
     {"html": "<p>Livraison gratuite dès 50 €</p>", "css": ""}),
    ("category_carousel", "Categories Collections", {"filters": {"parent_id": 1, "sort": "asc", "limit": 10}},
     {"filters": {"parent_id": 1, "sort": "asc", "limit": 10}}),
    ("product_carousel", "New Products", {"title": "New Products", "filters": {"new": 1, "limit": 12}},
     {"title": "Nouveautés", "filters": {"new": 1, "limit": 12}}),
    ("footer_links", "Footer Links", {"column_1": [{"url": "/about", "title": "About us", "sort_order": 1}]},
     {"column_1": [{"url": "/about", "title": "À propos", "sort_order": 1}]}),
]


def insert_batches(model, rows, progress=None):
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        model.insert_many(chunk).execute()
        if progress is not None:
            progress.update(len(chunk))


def seed_settings():
    """Locales, currencies, channel, countries, groups, inventory source, themes, attributes, categories."""
    for code, name, direction in LOCALES:
        Locale.create(code=code, name=name, direction=direction, logo_path=f"locales/{code}.png",
                      created_at=SEED_TIME, updated_at=SEED_TIME)
    for code, name, symbol, decimals, group, dec, position, rate in CURRENCIES:
        currency = Currency.create(code=code, name=name, symbol=symbol, decimal=decimals, group_separator=group,
                                   decimal_separator=dec, currency_position=position,
                                   created_at=SEED_TIME, updated_at=SEED_TIME)
        ExchangeRate.create(target_currency=currency, rate=rate, created_at=SEED_TIME, updated_at=SEED_TIME)
    root = seed_categories()
    channel = Channel.create(code="default", hostname="http://127.0.0.1:8000", default_locale=1, base_currency=1,
                             root_category=root, created_at=SEED_TIME, updated_at=SEED_TIME)
    ChannelTranslation.create(channel=channel, locale="en", name="Default Store", description="specshop demo store",
                              maintenance_mode_text="", home_seo={"meta_title": "specshop demo store"})
    ChannelTranslation.create(channel=channel, locale="fr", name="Boutique par défaut",
                              description="Boutique de démonstration", home_seo={"meta_title": "Boutique specshop"})
    for locale_id in (1, 2):
        ChannelLocale.create(channel=channel, locale=locale_id)
        ChannelCurrency.create(channel=channel, currency=locale_id)
    seed_countries()
    for code, name in (("guest", "Guest"), ("general", "General"), ("wholesale", "Wholesale")):
        CustomerGroup.create(code=code, name=name, is_user_defined=False, created_at=SEED_TIME, updated_at=SEED_TIME)
    InventorySource.create(code="default", name="Default", priority=0, created_at=SEED_TIME, updated_at=SEED_TIME,
                           **DEFAULT_SOURCE_ADDRESS)
    for position, (kind, name, options_en, options_fr) in enumerate(THEMES, start=1):
        theme = ThemeCustomization.create(channel=channel, type=kind, name=name, sort_order=position,
                                          created_at=SEED_TIME, updated_at=SEED_TIME)
        ThemeCustomizationTranslation.create(theme_customization=theme, locale="en", options=options_en)
        ThemeCustomizationTranslation.create(theme_customization=theme, locale="fr", options=options_fr)
    seed_attributes(SEED_TIME)
    return channel


def seed_countries():
    countries = {}
    for code, (name_en, name_fr, states) in COUNTRIES.items():
        country = countries[code] = Country.create(code=code, name=name_en)
        CountryTranslation.create(country=country, locale="en", name=name_en)
        CountryTranslation.create(country=country, locale="fr", name=name_fr)
        for state_code, state_name in states:
            seed_state(country, state_code, state_name)
    for code, state_code, state_name in MORE_STATES:
        seed_state(countries[code], state_code, state_name)


def seed_state(country, code: str, name: str):
    state = CountryState.create(country=country, country_code=country.code, code=code, default_name=name)
    CountryStateTranslation.create(country_state=state, locale="en", default_name=name)
    CountryStateTranslation.create(country_state=state, locale="fr", default_name=name)


def seed_categories():
    """A root plus three levels under it; returns the root. Nested-set bounds are filled in afterwards."""
    root = Category.create(position=0, created_at=SEED_TIME, updated_at=SEED_TIME)
    add_category_translations(root, ("Root", "Racine"), "root")
    for top_position, ((top_en, top_fr), children) in enumerate(CATEGORY_TREE.items(), start=1):
        top = Category.create(parent=root, position=top_position, created_at=SEED_TIME, updated_at=SEED_TIME)
        add_category_translations(top, (top_en, top_fr), slugify(top_en))
        for mid_position, ((mid_en, mid_fr), leaves) in enumerate(children.items(), start=1):
            mid = Category.create(parent=top, position=mid_position, created_at=SEED_TIME, updated_at=SEED_TIME)
            add_category_translations(mid, (mid_en, mid_fr), f"{slugify(top_en)}-{slugify(mid_en)}")
            for leaf_position, (leaf_en, leaf_fr) in enumerate(leaves, start=1):
                leaf = Category.create(parent=mid, position=leaf_position, created_at=SEED_TIME, updated_at=SEED_TIME)
                add_category_translations(leaf, (leaf_en, leaf_fr), f"{slugify(top_en)}-{slugify(leaf_en)}")
    renumber_category_tree()
    return root


def renumber_category_tree():
    """Recompute nested-set bounds (lft/rgt) from parent links, in position order."""
    rows = list(Category.select(Category.id, Category.parent, Category.position).tuples())
    children = {}
    for category_id, parent_id, position in sorted(rows, key=lambda row: (row[2], row[0])):
        children.setdefault(parent_id, []).append(category_id)
    bounds, counter, stack = {}, 0, [(root_id, False) for root_id in reversed(children.get(None, []))]
    while stack:
        category_id, closing = stack.pop()
        counter += 1
        if closing:
            bounds[category_id] = (bounds[category_id][0], counter)
            continue
        bounds[category_id] = (counter, None)
        stack.append((category_id, True))
        stack.extend((child, False) for child in reversed(children.get(category_id, [])))
    with database.atomic():
        for category_id, (lft, rgt) in bounds.items():
            Category.update(lft=lft, rgt=rgt).where(Category.id == category_id).execute()


def add_category_translations(category, names, slug):
    for locale, name in zip(("en", "fr"), names):
        CategoryTranslation.create(category=category, locale=locale, name=name, slug=slug, url_path=slug,
                                   description=f"<p>{name}</p>", meta_title=name)


def slugify(text):
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-").replace("--", "-")


class CatalogBuilder:
    """Accumulates product rows in memory, then writes them table by table."""

    def __init__(self, rng, leaves, options, attribute_ids):
        self.rng = rng
        self.leaves = leaves
        self.options = options
        self.attribute_ids = attribute_ids
        self.rows = {model: [] for model in (
            Product, ProductTranslation, ProductChannel, ProductCategory, ProductAttributeValue,
            ProductSuperAttribute, ProductImage, ProductInventory, ProductCustomerGroupPrice, ProductLink,
            ProductCustomizableOption, ProductCustomizableOptionTranslation, ProductCustomizableOptionPrice)}
        self.next_id = 1
        self.option_ids = {"customizable": 1}

    def add_product(self, number):
        rng = self.rng
        leaf_id, leaf_name, path_ids = self.leaves[number % len(self.leaves)]
        noun = NOUNS[leaf_name]
        adjective = ADJECTIVES[(number * 7 + rng.randrange(len(ADJECTIVES))) % len(ADJECTIVES)]
        brand = rng.choice(self.options["brand"])
        name = f"{brand[1]} {adjective} {noun} {number:05d}"
        configurable = number % 5 == 0
        price = Decimal(rng.randrange(500, 50000)) / 100
        special = (price * Decimal("0.85")).quantize(Decimal("0.01")) if number % 7 == 0 else None
        product_id = self.take_id()
        effective = special if special is not None else price
        self.product_row(product_id, f"SKU-{number:06d}", "configurable" if configurable else "simple",
                         None, price if not configurable else Decimal(0), special if not configurable else None,
                         number, effective)
        self.translations(product_id, name, number)
        self.rows[ProductChannel].append({"product": product_id, "channel": 1})
        for category_id in {leaf_id, path_ids[-1]}:
            self.rows[ProductCategory].append({"product": product_id, "category": category_id})
        self.option_value(product_id, "brand", brand[0])
        self.images(product_id, number, count=1 + number % 3)
        if configurable:
            self.variants(product_id, number, name, price)
        else:
            self.option_value(product_id, "color", rng.choice(self.options["color"])[0])
            self.option_value(product_id, "size", rng.choice(self.options["size"])[0])
            self.rows[ProductInventory].append({"product": product_id, "inventory_source": 1,
                                                "qty": rng.randrange(0, 120)})
        if number % 4 == 1:
            self.group_prices(product_id, price)
        if number % 6 == 2:
            self.customizable_option(product_id)
        if number > 3 and number % 3 == 0:
            self.rows[ProductLink].append({"kind": "related", "parent": product_id, "child": product_id - 1})
        return product_id

    def take_id(self):
        product_id = self.next_id
        self.next_id += 1
        return product_id

    def product_row(self, product_id, sku, kind, parent, price, special, number, effective, visible=True):
        created = SEED_TIME + datetime.timedelta(minutes=number)
        self.rows[Product].append({
            "id": product_id, "sku": sku, "type": kind, "attribute_family": 1, "parent": parent,
            "status": number % 23 != 0 or parent is not None, "visible_individually": visible,
            "new": number % 3 == 0, "featured": number % 4 == 0, "price": price, "special_price": special,
            "cost": (Decimal(price) * Decimal("0.4")).quantize(Decimal("0.01")),  # what the store pays
            "weight": Decimal("1.0"), "min_price": effective, "max_price": effective,
            "created_at": created, "updated_at": created,
        })

    def translations(self, product_id, name, number):
        slug = f"{slugify(name)}-{product_id}"
        self.rows[ProductTranslation].append({
            "product": product_id, "locale": "en", "name": name, "url_key": slug,
            "short_description": f"{name}: made to last.", "description": f"<p>{name} for every day.</p>",
            "meta_title": name})
        if number % 10 != 9:  # a few products stay untranslated to show locale fallback
            self.rows[ProductTranslation].append({
                "product": product_id, "locale": "fr", "name": f"{name} (FR)", "url_key": slug,
                "short_description": f"{name} : fait pour durer.", "description": f"<p>{name} pour tous les jours.</p>",
                "meta_title": name})

    def option_value(self, product_id, code, option_id):
        self.rows[ProductAttributeValue].append({
            "product": product_id, "attribute": self.attribute_ids[code], "integer_value": option_id})

    def images(self, product_id, number, count):
        for position in range(1, count + 1):
            self.rows[ProductImage].append({"product": product_id, "type": "images", "position": position,
                                            "path": f"product/{product_id}/{number:05d}-{position}.webp"})

    def variants(self, parent_id, number, name, base_price):
        prices = []
        colors = self.rng.sample(self.options["color"], 2)
        sizes = self.rng.sample(self.options["size"], 2)
        for attribute in ("color", "size"):
            self.rows[ProductSuperAttribute].append({"product": parent_id, "attribute": self.attribute_ids[attribute]})
        for color in colors:
            for size in sizes:
                variant_id = self.take_id()
                price = base_price + Decimal(self.rng.randrange(0, 2000)) / 100
                prices.append(price)
                self.product_row(variant_id, f"SKU-{number:06d}-{color[1]}-{size[1]}".upper(), "simple",
                                 parent_id, price, None, number, price, visible=False)
                self.translations(variant_id, f"{name}-{color[1]}-{size[1]}", number)
                self.rows[ProductChannel].append({"product": variant_id, "channel": 1})
                self.option_value(variant_id, "color", color[0])
                self.option_value(variant_id, "size", size[0])
                self.rows[ProductInventory].append({"product": variant_id, "inventory_source": 1,
                                                    "qty": self.rng.randrange(0, 60)})
        parent_row = next(row for row in reversed(self.rows[Product]) if row["id"] == parent_id)
        parent_row["min_price"], parent_row["max_price"] = min(prices), max(prices)

    def group_prices(self, product_id, price):
        for group_id, qty, ratio in ((3, 5, Decimal("0.90")), (2, 10, Decimal("0.95"))):
            self.rows[ProductCustomerGroupPrice].append({
                "product": product_id, "customer_group": group_id, "qty": qty, "value_type": "fixed",
                "value": (price * ratio).quantize(Decimal("0.01")), "unique_id": f"{product_id}|{group_id}|{qty}"})

    def customizable_option(self, product_id):
        option_id = self.option_ids["customizable"]
        self.option_ids["customizable"] += 1
        self.rows[ProductCustomizableOption].append({
            "id": option_id, "product": product_id, "type": "drop_down", "is_required": False, "sort_order": 1})
        for locale, label in (("en", "Gift wrap"), ("fr", "Emballage cadeau")):
            self.rows[ProductCustomizableOptionTranslation].append({
                "product_customizable_option": option_id, "locale": locale, "label": label})
        for sort_order, (label, amount) in enumerate((("Standard", "0"), ("Premium", "4.50")), start=1):
            self.rows[ProductCustomizableOptionPrice].append({
                "product_customizable_option": option_id, "label": label, "price": Decimal(amount),
                "sort_order": sort_order})

    def write(self, show_progress):
        total = sum(len(rows) for rows in self.rows.values())
        with tqdm(total=total, desc="writing rows", unit="row", disable=not show_progress) as progress:
            for model, rows in self.rows.items():
                with database.atomic():
                    insert_batches(model, rows, progress)


def seed_catalog(products=240, seed=7, show_progress=False):
    """Create settings and `products` top-level products (about one in five configurable)."""
    with database.atomic():
        seed_settings()
    rng = random.Random(seed)
    leaves = category_leaves()
    options = catalog_options()
    attribute_ids = dict(Attribute.select(Attribute.code, Attribute.id).tuples())
    builder = CatalogBuilder(rng, leaves, options, attribute_ids)
    for number in tqdm(range(1, products + 1), desc="building catalog", unit="product", disable=not show_progress):
        builder.add_product(number)
    builder.write(show_progress)
    reset_sequences()
    seed_product_types()
    seed_booking()
    with database.atomic():
        seed_sales()
        seed_content()
        seed_promotions()
        seed_customers()
        seed_sales_documents()
        seed_seo()
        seed_marketing()
        seed_data_transfer()
        seed_licenses()
        seed_subscriptions()
    seed_search(show_progress)


def category_leaves():
    """[(leaf id, English leaf name, [ancestor ids below the root])] in id order."""
    names = dict(CategoryTranslation.select(CategoryTranslation.category, CategoryTranslation.name)
                 .where(CategoryTranslation.locale == "en").tuples())
    parents = dict(Category.select(Category.id, Category.parent).tuples())
    leaves = []
    for category_id in sorted(parents):
        if category_id in parents.values() or parents[category_id] is None:
            continue
        path, node = [], parents[category_id]
        while parents.get(node) is not None:
            path.insert(0, node)
            node = parents[node]
        leaves.append((category_id, names[category_id], path))
    return leaves


def reset_sequences():
    """PostgreSQL sequences do not follow explicit ids; move them past the seeded rows."""
    if database.obj.__class__.__name__.lower().find("postgres") < 0:
        return
    for model in (*SEEDED_MODELS, Product, ProductCustomizableOption):
        table = model._meta.table_name
        database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))")
