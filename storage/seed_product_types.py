"""Demo products of the virtual, downloadable, grouped and bundle types, appended after the catalog.

`seed_product_types()` runs at the end of `storage.seed.seed_catalog`, so the generated catalog keeps
its ids and these products get the next ones. Everything here is fixed: find the products by SKU.

Simple products used as grouped members and bundle selections (price, special price, stock):
  SP-WINTER-BEANIE      14.00              stock 100
  SP-WINTER-SCARF       18.00              stock 80
  SP-WINTER-GLOVES      21.00  special 17  stock 60
  SP-WINTER-SOCKS        9.50              stock 5
  SP-AUDIO-EARBUDS      59.00              stock 40
  SP-AUDIO-HEADPHONES  129.00              stock 25
  SP-AUDIO-CABLE         8.00              stock 200
  SP-AUDIO-CASE         15.00              stock 30

Virtual: VIRT-STREAMING-1M (64.00, special 59.00, stock 1000), VIRT-WARRANTY-2Y (49.99, stock 500).

Downloadable (the line price is the product price plus the selected links' prices; stock 1000 each):
  DL-FINANCE-GUIDE  price 0: "Full eBook (PDF)" 19.00, 5 downloads, file sample;
                             "Budget Workbook (XLSX)" 9.00, unlimited downloads, URL sample
  DL-JAZZ-ALBUM     price 5.00: "Track 1 - Blue Harbor" 1.99, 3 downloads, file sample;
                             "Track 2 - Night Tram" 1.99, unlimited, no sample;
                             "Bonus - Live Session" 2.49, 10 downloads, URL sample

Grouped (price 0; min/max over the members' effective prices; no stock of their own):
  GRP-WINTER-SET  BEANIE x1, GLOVES x1, SOCKS x2                     min 9.50  max 17.00
  GRP-AUDIO-SET   EARBUDS x1, HEADPHONES x1, CABLE x2                min 8.00  max 129.00

Bundle (price 0; a selection costs the member's effective price times its qty; min = the cheapest
selection of every required option, max = the dearest selection of every select/radio option plus
every selection of every checkbox/multiselect option; no stock of their own). `*` = is_default:
  BND-WINTER-KIT  Headwear  radio       required  BEANIE x1*, SCARF x1
                  Warmers   select      required  GLOVES x1*, SOCKS x2
                  Extras    checkbox    optional  SOCKS x1*, SCARF x1
                  Add-ons   multiselect optional  BEANIE x1, GLOVES x1       min 31.00  max 95.50
  BND-AUDIO-KIT   Headphones select     required  EARBUDS x1*, HEADPHONES x1
                  Protection radio      optional  CASE x1*, CABLE x1
                  Cables    multiselect required  CABLE x2*, CASE x1         min 74.00  max 175.00
"""
import datetime
from decimal import Decimal

from storage.db import database
from storage.models import (
    CategoryTranslation, Product, ProductBundleOption, ProductBundleOptionProduct, ProductCategory, ProductChannel,
    ProductDownloadableLink, ProductGroupedProduct, ProductImage, ProductInventory, ProductTranslation,
)

CREATED_AT = datetime.datetime(2026, 1, 16, 9, 30, 0)
MULTIPLE_CHOICE = ("checkbox", "multiselect")

# sku: (English name, French name, url key, category, price, special price, stock)
SIMPLE_MEMBERS = {
    "SP-WINTER-BEANIE": ("Arctic Knit Beanie", "Bonnet tricoté Arctic", "arctic-knit-beanie", "Caps",
                         "14.00", None, 100),
    "SP-WINTER-SCARF": ("Arctic Wool Scarf", "Écharpe en laine Arctic", "arctic-wool-scarf", "Caps",
                        "18.00", None, 80),
    "SP-WINTER-GLOVES": ("Arctic Touchscreen Gloves", "Gants tactiles Arctic", "arctic-touchscreen-gloves", "Caps",
                         "21.00", "17.00", 60),
    "SP-WINTER-SOCKS": ("Arctic Wool Blend Socks", "Chaussettes en laine Arctic", "arctic-wool-blend-socks", "Caps",
                        "9.50", None, 5),
    "SP-AUDIO-EARBUDS": ("Pulse Wireless Earbuds", "Écouteurs sans fil Pulse", "pulse-wireless-earbuds", "Headphones",
                         "59.00", None, 40),
    "SP-AUDIO-HEADPHONES": ("Pulse Over-Ear Headphones", "Casque circum-auriculaire Pulse",
                            "pulse-over-ear-headphones", "Headphones", "129.00", None, 25),
    "SP-AUDIO-CABLE": ("Pulse USB-C Cable", "Câble USB-C Pulse", "pulse-usb-c-cable", "Headphones",
                       "8.00", None, 200),
    "SP-AUDIO-CASE": ("Pulse Carry Case", "Étui de transport Pulse", "pulse-carry-case", "Headphones",
                      "15.00", None, 30),
}
VIRTUAL = {
    "VIRT-STREAMING-1M": ("HD Streaming Subscription - 1 Month", "Abonnement streaming HD - 1 mois",
                          "hd-streaming-subscription-1-month", "Electronics", "64.00", "59.00", 1000),
    "VIRT-WARRANTY-2Y": ("Extended Warranty - 2 Years", "Extension de garantie - 2 ans",
                         "extended-warranty-2-years", "Electronics", "49.99", None, 500),
}
DOWNLOADABLE = {
    "DL-FINANCE-GUIDE": ("Complete Personal Finance Guide (eBook)", "Guide complet des finances personnelles (eBook)",
                         "complete-personal-finance-guide-ebook", "Electronics", "0", None, 1000),
    "DL-JAZZ-ALBUM": ("Blue Harbor Jazz Album", "Album de jazz Blue Harbor", "blue-harbor-jazz-album",
                      "Speakers", "5.00", None, 1000),
}
# sku: [(title, price, type, file or url, downloads, sample type, sample file or url)]
LINKS = {
    "DL-FINANCE-GUIDE": [
        ("Full eBook (PDF)", "19.00", "file", "downloadable/finance-guide/full-ebook.pdf", 5,
         "file", "downloadable/finance-guide/sample-chapter.pdf"),
        ("Budget Workbook (XLSX)", "9.00", "url", "https://downloads.specshop.test/finance/budget-workbook.xlsx", 0,
         "url", "https://downloads.specshop.test/finance/budget-workbook-preview.pdf"),
    ],
    "DL-JAZZ-ALBUM": [
        ("Track 1 - Blue Harbor", "1.99", "file", "downloadable/jazz-album/01-blue-harbor.mp3", 3,
         "file", "downloadable/jazz-album/01-blue-harbor-preview.mp3"),
        ("Track 2 - Night Tram", "1.99", "file", "downloadable/jazz-album/02-night-tram.mp3", 0, None, None),
        ("Bonus - Live Session", "2.49", "url", "https://downloads.specshop.test/jazz/live-session.mp3", 10,
         "url", "https://downloads.specshop.test/jazz/live-session-preview.mp3"),
    ],
}
GROUPED = {
    "GRP-WINTER-SET": ("Arctic Winter Accessories Set", "Ensemble d'accessoires d'hiver Arctic",
                       "arctic-winter-accessories-set", "Caps",
                       [("SP-WINTER-BEANIE", 1), ("SP-WINTER-GLOVES", 1), ("SP-WINTER-SOCKS", 2)]),
    "GRP-AUDIO-SET": ("Pulse Audio Essentials Set", "Ensemble audio essentiel Pulse", "pulse-audio-essentials-set",
                      "Headphones", [("SP-AUDIO-EARBUDS", 1), ("SP-AUDIO-HEADPHONES", 1), ("SP-AUDIO-CABLE", 2)]),
}
# sku: (names, url key, category, [(label, type, required, [(member sku, qty, is_default)])])
BUNDLES = {
    "BND-WINTER-KIT": ("Arctic Winter Kit Bundle", "Kit d'hiver Arctic", "arctic-winter-kit-bundle", "Caps", [
        ("Headwear", "radio", True, [("SP-WINTER-BEANIE", 1, True), ("SP-WINTER-SCARF", 1, False)]),
        ("Warmers", "select", True, [("SP-WINTER-GLOVES", 1, True), ("SP-WINTER-SOCKS", 2, False)]),
        ("Extras", "checkbox", False, [("SP-WINTER-SOCKS", 1, True), ("SP-WINTER-SCARF", 1, False)]),
        ("Add-ons", "multiselect", False, [("SP-WINTER-BEANIE", 1, False), ("SP-WINTER-GLOVES", 1, False)]),
    ]),
    "BND-AUDIO-KIT": ("Pulse Audio Kit Bundle", "Kit audio Pulse", "pulse-audio-kit-bundle", "Headphones", [
        ("Headphones", "select", True, [("SP-AUDIO-EARBUDS", 1, True), ("SP-AUDIO-HEADPHONES", 1, False)]),
        ("Protection", "radio", False, [("SP-AUDIO-CASE", 1, True), ("SP-AUDIO-CABLE", 1, False)]),
        ("Cables", "multiselect", True, [("SP-AUDIO-CABLE", 2, True), ("SP-AUDIO-CASE", 1, False)]),
    ]),
}


def seed_product_types():
    """Append the demo products above (ids follow the existing catalog)."""
    categories = category_ids()
    with database.atomic():
        sequence = iter(range(1, 100))  # creation order: timestamps and new/featured flags
        products = {}
        for sku, (name_en, name_fr, url_key, category, price, special, stock) in SIMPLE_MEMBERS.items():
            products[sku] = add_product(sku, "simple", (name_en, name_fr), url_key, categories[category],
                                        next(sequence), Decimal(price), special and Decimal(special), stock)
        for sku, (name_en, name_fr, url_key, category, price, special, stock) in VIRTUAL.items():
            add_product(sku, "virtual", (name_en, name_fr), url_key, categories[category], next(sequence),
                        Decimal(price), special and Decimal(special), stock)
        for sku, (name_en, name_fr, url_key, category, price, special, stock) in DOWNLOADABLE.items():
            product = add_product(sku, "downloadable", (name_en, name_fr), url_key, categories[category],
                                  next(sequence), Decimal(price), None, stock)
            add_links(product, LINKS[sku])
        for sku, (name_en, name_fr, url_key, category, members) in GROUPED.items():
            product = add_product(sku, "grouped", (name_en, name_fr), url_key, categories[category], next(sequence))
            add_grouped_members(product, [(products[member], qty) for member, qty in members])
        for sku, (name_en, name_fr, url_key, category, options) in BUNDLES.items():
            product = add_product(sku, "bundle", (name_en, name_fr), url_key, categories[category], next(sequence))
            add_bundle_options(product, [(label, kind, required, [(products[member], qty, default)
                                                                   for member, qty, default in members])
                                         for label, kind, required, members in options])


def category_ids() -> dict[str, list[int]]:
    """English category name -> [the category, its parent] (the parent only below the top level)."""
    names = {"Caps", "Headphones", "Speakers", "Electronics"}
    rows = (CategoryTranslation.select(CategoryTranslation.name, CategoryTranslation.category)
            .where(CategoryTranslation.locale == "en", CategoryTranslation.name.in_(names))
            .order_by(CategoryTranslation.category))
    found = {}
    for row in rows:
        category = row.category
        top_level = category.parent is None or category.parent.parent_id is None
        found.setdefault(row.name, [category.id] if top_level else [category.id, category.parent_id])
    return found


def add_product(sku, kind, names, url_key, categories, number, price=Decimal(0), special=None, stock=None):
    """A product with translations, channel, categories, one image and (when given) stock."""
    created = CREATED_AT + datetime.timedelta(minutes=number)
    effective = special if special is not None else price
    shipped = kind not in ("virtual", "downloadable")
    product = Product.create(
        sku=sku, type=kind, attribute_family=1, status=True, visible_individually=True, new=number % 2 == 0,
        featured=number % 3 == 0, price=price, special_price=special, weight=Decimal("0.5") if shipped else None,
        min_price=effective, max_price=effective, created_at=created, updated_at=created)
    name_en, name_fr = names
    for locale, name, short, description in (
            ("en", name_en, f"{name_en}: ready when you are.", f"<p>{name_en}, part of the specshop demo.</p>"),
            ("fr", name_fr, f"{name_fr} : prêt quand vous l'êtes.", f"<p>{name_fr}, de la démo specshop.</p>")):
        ProductTranslation.create(product=product, locale=locale, name=name, url_key=url_key,
                                  short_description=short, description=description, meta_title=name)
    ProductChannel.create(product=product, channel=1)
    for category_id in categories:
        ProductCategory.create(product=product, category=category_id)
    ProductImage.create(product=product, type="images", position=1, path=f"product/{product.id}/{url_key}.webp")
    if stock is not None:
        ProductInventory.create(product=product, inventory_source=1, qty=stock)
    return product


def add_links(product, links):
    for sort_order, (title, price, kind, target, downloads, sample_type, sample) in enumerate(links):
        ProductDownloadableLink.create(
            product=product, title=title, price=Decimal(price), type=kind, downloads=downloads,
            sort_order=sort_order, url=target if kind == "url" else None, file=target if kind == "file" else None,
            sample_type=sample_type, sample_url=sample if sample_type == "url" else None,
            sample_file=sample if sample_type == "file" else None)
    base = product.price
    prices = [Decimal(price) for _title, price, *_rest in links]
    set_price_range(product, base + min(prices), base + sum(prices))


def add_grouped_members(product, members):
    for sort_order, (member, qty) in enumerate(members):
        ProductGroupedProduct.create(product=product, associated_product=member, qty=qty, sort_order=sort_order)
    prices = [member.min_price for member, _qty in members]
    set_price_range(product, min(prices), max(prices))


def add_bundle_options(product, options):
    low = high = Decimal(0)
    for sort_order, (label, kind, required, members) in enumerate(options):
        option = ProductBundleOption.create(product=product, type=kind, is_required=required, sort_order=sort_order,
                                            label=label)
        selections = []
        for member_order, (member, qty, default) in enumerate(members):
            ProductBundleOptionProduct.create(bundle_option=option, product=member, qty=qty, is_default=default,
                                              sort_order=member_order)
            selections.append(member.min_price * qty)
        if required:
            low += min(selections)
        high += sum(selections) if kind in MULTIPLE_CHOICE else max(selections)
    set_price_range(product, low, high)


def set_price_range(product, low: Decimal, high: Decimal):
    Product.update(min_price=low, max_price=high).where(Product.id == product.id).execute()
