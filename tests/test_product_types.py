"""Virtual, downloadable, grouped and bundle products: the seeded demo data, the product document
(REST and GraphQL), the type sub-resources, sample downloads and statement counts."""
from contextlib import ExitStack
from decimal import Decimal

import pytest
from peewee import fn

from storage.db import database
from storage.models import (
    Category, Product, ProductBundleOption, ProductBundleOptionProduct, ProductCategory, ProductChannel,
    ProductDownloadableLink, ProductGroupedProduct, ProductInventory, ProductTranslation,
)
from tests.helpers import changed, count_queries, list_statement_counts

PURCHASABLE_FILES = ("full-ebook.pdf", "budget-workbook.xlsx", "01-blue-harbor.mp3", "02-night-tram.mp3",
                     "live-session.mp3")


@pytest.fixture(scope="module")
def ids(app):
    """SKU -> product id of every product the type seed adds."""
    with database.connection_context():
        return dict(Product.select(Product.sku, Product.id).where(
            Product.sku.startswith("SP-") | Product.sku.startswith("VIRT-") | Product.sku.startswith("DL-")
            | Product.sku.startswith("GRP-") | Product.sku.startswith("BND-")).tuples())


def detail(client, product_id, **headers):
    response = client.get(f"/api/shop/products/{product_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def selection_ids(bundle_id) -> list[int]:
    with database.connection_context():
        return [row.id for row in ProductBundleOptionProduct.select().join(ProductBundleOption)
                .where(ProductBundleOption.product == bundle_id)
                .order_by(ProductBundleOption.sort_order, ProductBundleOptionProduct.sort_order)]


def link_ids(product_id) -> list[int]:
    with database.connection_context():
        links = ProductDownloadableLink.select().where(ProductDownloadableLink.product == product_id)
        return [link.id for link in links.order_by(ProductDownloadableLink.sort_order)]


# --- seed ------------------------------------------------------------------------------------

def test_seed_appends_typed_products_after_the_catalog(ids):
    seeded = list(ids.values())
    with database.connection_context():
        catalog_max = Product.select(fn.MAX(Product.id)).where(Product.sku.startswith("SKU-")).scalar()
        rows = {p.sku: p for p in Product.select().where(Product.id.in_(seeded))}
        stock = dict(ProductInventory.select(ProductInventory.product, ProductInventory.qty)
                     .where(ProductInventory.product.in_(seeded)).tuples())
        locales = {(t.product_id, t.locale) for t in ProductTranslation.select().where(
            ProductTranslation.product.in_(seeded))}
        channels = {link.product_id for link in ProductChannel.select().where(ProductChannel.product.in_(seeded))}
        categorized = {link.product_id for link in ProductCategory.select().join(Category)
                       .where(ProductCategory.product.in_(seeded))}
    assert len(ids) == 16 and min(ids.values()) == catalog_max + 1
    assert sorted(rows[sku].type for sku in ids) == sorted(
        ["simple"] * 8 + ["virtual"] * 2 + ["downloadable"] * 2 + ["grouped"] * 2 + ["bundle"] * 2)
    ranges = {sku: (row.price, row.min_price, row.max_price) for sku, row in rows.items() if not sku.startswith("SP-")}
    assert ranges == {
        "VIRT-STREAMING-1M": (Decimal("64"), Decimal("59"), Decimal("59")),
        "VIRT-WARRANTY-2Y": (Decimal("49.99"), Decimal("49.99"), Decimal("49.99")),
        "DL-FINANCE-GUIDE": (Decimal("0"), Decimal("9"), Decimal("28")),
        "DL-JAZZ-ALBUM": (Decimal("5"), Decimal("6.99"), Decimal("11.47")),
        "GRP-WINTER-SET": (Decimal("0"), Decimal("9.5"), Decimal("17")),
        "GRP-AUDIO-SET": (Decimal("0"), Decimal("8"), Decimal("129")),
        "BND-WINTER-KIT": (Decimal("0"), Decimal("31"), Decimal("95.5")),
        "BND-AUDIO-KIT": (Decimal("0"), Decimal("74"), Decimal("175")),
    }
    composites = {ids[sku] for sku in ("GRP-WINTER-SET", "GRP-AUDIO-SET", "BND-WINTER-KIT", "BND-AUDIO-KIT")}
    assert set(stock) == set(ids.values()) - composites
    assert stock[ids["SP-WINTER-SOCKS"]] == 5 and stock[ids["VIRT-STREAMING-1M"]] == 1000
    assert locales == {(pid, locale) for pid in ids.values() for locale in ("en", "fr")}
    assert channels == categorized == set(ids.values())


# --- the product document ------------------------------------------------------------------------

def test_grouped_product_document(client, ids):
    product = detail(client, ids["GRP-WINTER-SET"])
    with database.connection_context():
        member_ids = [row.id for row in ProductGroupedProduct.select().where(
            ProductGroupedProduct.product == ids["GRP-WINTER-SET"]).order_by(ProductGroupedProduct.sort_order)]
    members = [(m["id"], m["qty"], m["associatedProduct"]["id"], m["associatedProduct"]["sku"],
                m["associatedProduct"]["name"], m["associatedProduct"]["price"],
                m["associatedProduct"]["specialPrice"]) for m in product["groupedProducts"]]
    assert members == [
        (member_ids[0], 1, ids["SP-WINTER-BEANIE"], "SP-WINTER-BEANIE", "Arctic Knit Beanie", 14, None),
        (member_ids[1], 1, ids["SP-WINTER-GLOVES"], "SP-WINTER-GLOVES", "Arctic Touchscreen Gloves", 21, 17),
        (member_ids[2], 2, ids["SP-WINTER-SOCKS"], "SP-WINTER-SOCKS", "Arctic Wool Blend Socks", 9.5, None)]
    assert product["groupedProducts"][2]["associatedProduct"]["formattedPrice"] == "$9.50"
    assert (product["type"], product["price"], product["minimumPrice"], product["maximumPrice"]) == (
        "grouped", 0, 9.5, 17)
    assert product["formattedMinimumPrice"] == "$9.50" and product["isSaleable"] is True
    assert product["bundleOptions"] == product["downloadableLinks"] == product["downloadableSamples"] == []


def test_bundle_product_document(client, ids):
    product = detail(client, ids["BND-WINTER-KIT"])
    with database.connection_context():
        option_ids = [o.id for o in ProductBundleOption.select().where(
            ProductBundleOption.product == ids["BND-WINTER-KIT"]).order_by(ProductBundleOption.sort_order)]
    options = [(o["id"], o["label"], o["type"], o["isRequired"]) for o in product["bundleOptions"]]
    assert options == [(option_ids[0], "Headwear", "radio", 1), (option_ids[1], "Warmers", "select", 1),
                       (option_ids[2], "Extras", "checkbox", 0), (option_ids[3], "Add-ons", "multiselect", 0)]
    selections = [(s["id"], s["product"]["sku"], s["product"]["name"], s["qty"], s["product"]["price"], s["isDefault"])
                  for o in product["bundleOptions"] for s in o["bundleOptionProducts"]]
    assert [s[0] for s in selections] == selection_ids(ids["BND-WINTER-KIT"])
    beanie, scarf = ("SP-WINTER-BEANIE", "Arctic Knit Beanie"), ("SP-WINTER-SCARF", "Arctic Wool Scarf")
    gloves, socks = ("SP-WINTER-GLOVES", "Arctic Touchscreen Gloves"), ("SP-WINTER-SOCKS", "Arctic Wool Blend Socks")
    assert [s[1:] for s in selections] == [
        (*beanie, 1, 14, 1), (*scarf, 1, 18, 0),  # Headwear
        (*gloves, 1, 21, 1), (*socks, 2, 9.5, 0),  # Warmers
        (*socks, 1, 9.5, 1), (*scarf, 1, 18, 0),  # Extras
        (*beanie, 1, 14, 0), (*gloves, 1, 21, 0)]  # Add-ons
    first = product["bundleOptions"][0]
    assert first["bundleOptionProducts"][0]["bundleOption"] == f"/api/shop/product_bundle_options/{option_ids[0]}"
    assert first["translation"] == f"/api/shop/product_bundle_option_translations/{option_ids[0]}"
    assert (product["price"], product["minimumPrice"], product["maximumPrice"]) == (0, 31, 95.5)
    assert product["formattedMaximumPrice"] == "$95.50" and product["isSaleable"] is True
    assert product["groupedProducts"] == []


def test_downloadable_product_document_hides_purchasable_files(client, ids):
    response = client.get(f"/api/shop/products/{ids['DL-FINANCE-GUIDE']}")
    product = response.json()
    assert not any(name in response.text for name in PURCHASABLE_FILES)
    links = [(link["id"], link["title"], link["type"], link["price"], link["formattedPrice"], link["downloads"],
              link["url"], link["fileUrl"]) for link in product["downloadableLinks"]]
    first, second = link_ids(ids["DL-FINANCE-GUIDE"])
    assert links == [(first, "Full eBook (PDF)", "file", 19, "$19.00", 5, None, None),
                     (second, "Budget Workbook (XLSX)", "url", 9, "$9.00", 0, None, None)]
    ebook, workbook = product["downloadableLinks"]
    download = "http://testserver/api/shop/downloadable/download-sample/sample/{}"  # the request's base URL
    assert (ebook["sampleType"], ebook["sampleFile"], ebook["sampleFileName"], ebook["sampleUrl"],
            ebook["sampleFileUrl"]) == ("file", "downloadable/finance-guide/sample-chapter.pdf", "sample-chapter.pdf",
                                        None, download.format(first))
    assert (workbook["sampleType"], workbook["sampleUrl"], workbook["sampleFileUrl"]) == (
        "url", "https://downloads.specshop.test/finance/budget-workbook-preview.pdf", download.format(second))
    samples = [(s["id"], s["title"], s["type"], s["fileName"], s["fileUrl"]) for s in product["downloadableSamples"]]
    assert samples == [(first, "Full eBook (PDF)", "file", "sample-chapter.pdf", download.format(first)),
                       (second, "Budget Workbook (XLSX)", "url", None, download.format(second))]
    assert (product["price"], product["minimumPrice"], product["maximumPrice"]) == (0, 9, 28)
    assert product["isSaleable"] is True


def test_links_without_sample_are_not_samples(client, ids):
    product = detail(client, ids["DL-JAZZ-ALBUM"])
    links = product["downloadableLinks"]
    assert [(link["title"], link["price"], link["downloads"], link["sampleType"]) for link in links] == [
        ("Track 1 - Blue Harbor", 1.99, 3, "file"), ("Track 2 - Night Tram", 1.99, 0, None),
        ("Bonus - Live Session", 2.49, 10, "url")]
    assert links[1]["sampleFileUrl"] is None
    samples = [sample["title"] for sample in product["downloadableSamples"]]
    assert samples == ["Track 1 - Blue Harbor", "Bonus - Live Session"]


def test_virtual_product_document(client, ids):
    product = detail(client, ids["VIRT-STREAMING-1M"], **{"X-Locale": "fr"})
    assert (product["type"], product["name"], product["price"], product["specialPrice"], product["minimumPrice"]) == (
        "virtual", "Abonnement streaming HD - 1 mois", 64, 59, 59)
    assert product["isSaleable"] is True and product["categories"][0]["name"] == "Électronique"
    for relation in ("groupedProducts", "bundleOptions", "downloadableLinks", "downloadableSamples", "variants"):
        assert product[relation] == []


def test_link_prices_follow_the_display_currency(client, ids):
    product = detail(client, ids["DL-FINANCE-GUIDE"], **{"X-Currency": "EUR"})
    assert [link["formattedPrice"] for link in product["downloadableLinks"]] == ["17,48 €", "8,28 €"]
    assert [link["price"] for link in product["downloadableLinks"]] == [19, 9]


def inventory_id(product_id) -> int:
    with database.connection_context():
        return ProductInventory.get(ProductInventory.product == product_id).id


def test_composite_saleability_follows_member_stock(client, ids):
    winter = ("SP-WINTER-BEANIE", "SP-WINTER-GLOVES", "SP-WINTER-SOCKS")
    with ExitStack() as stack:
        for sku in winter[:2]:
            stack.enter_context(changed(ProductInventory, inventory_id(ids[sku]), qty=0))
        assert detail(client, ids["GRP-WINTER-SET"])["isSaleable"] is True  # socks are left
        stack.enter_context(changed(ProductInventory, inventory_id(ids["SP-WINTER-SOCKS"]), qty=0))
        assert detail(client, ids["GRP-WINTER-SET"])["isSaleable"] is False
    with changed(ProductInventory, inventory_id(ids["SP-AUDIO-CASE"]), qty=0):
        assert detail(client, ids["BND-AUDIO-KIT"])["isSaleable"] is True  # cables still fill "Cables"
        with changed(ProductInventory, inventory_id(ids["SP-AUDIO-CABLE"]), qty=0):
            assert detail(client, ids["BND-AUDIO-KIT"])["isSaleable"] is False  # required "Cables" is empty
    assert detail(client, ids["BND-AUDIO-KIT"])["isSaleable"] is True


def test_disabled_members_are_left_out(client, ids):
    with changed(Product, ids["SP-AUDIO-HEADPHONES"], status=False):
        grouped = detail(client, ids["GRP-AUDIO-SET"])["groupedProducts"]
        bundle = detail(client, ids["BND-AUDIO-KIT"])["bundleOptions"]
    assert [m["associatedProduct"]["sku"] for m in grouped] == ["SP-AUDIO-EARBUDS", "SP-AUDIO-CABLE"]
    assert [s["product"]["sku"] for s in bundle[0]["bundleOptionProducts"]] == ["SP-AUDIO-EARBUDS"]


def test_type_filter_lists_the_typed_products(client, ids):
    for kind, skus in (("bundle", ["BND-WINTER-KIT", "BND-AUDIO-KIT"]),
                       ("grouped", ["GRP-WINTER-SET", "GRP-AUDIO-SET"]),
                       ("downloadable", ["DL-FINANCE-GUIDE", "DL-JAZZ-ALBUM"]),
                       ("virtual", ["VIRT-STREAMING-1M", "VIRT-WARRANTY-2Y"])):
        listed = client.get("/api/shop/products", params={"type": kind, "per_page": 50}).json()
        assert [item["sku"] for item in listed] == skus
    cheapest_bundle = client.get("/api/shop/products", params={"type": "bundle", "sort": "price-asc"}).json()[0]
    assert (cheapest_bundle["sku"], cheapest_bundle["minimumPrice"]) == ("BND-WINTER-KIT", 31)


# --- sub-resources ------------------------------------------------------------------------------

def get(client, path, status=200, **params):
    response = client.get(f"/api/shop{path}", params=params)
    assert response.status_code == status, response.text
    return response


def test_grouped_products_sub_resource(client, ids):
    grouped_id = ids["GRP-AUDIO-SET"]
    rows = get(client, f"/products/{grouped_id}/grouped-products").json()
    assert [(r["qty"], r["sortOrder"], r["product"], r["associatedProduct"]) for r in rows] == [
        (1, 0, f"/api/shop/products/{grouped_id}", f"/api/shop/products/{ids['SP-AUDIO-EARBUDS']}"),
        (1, 1, f"/api/shop/products/{grouped_id}", f"/api/shop/products/{ids['SP-AUDIO-HEADPHONES']}"),
        (2, 2, f"/api/shop/products/{grouped_id}", f"/api/shop/products/{ids['SP-AUDIO-CABLE']}")]
    assert get(client, f"/product_grouped_products/{rows[2]['id']}").json() == rows[2]
    assert get(client, f"/products/{ids['BND-AUDIO-KIT']}/grouped-products").json() == []
    get(client, "/products/99999/grouped-products", 404)
    get(client, "/product_grouped_products/99999", 404)
    with changed(Product, grouped_id, status=False):
        get(client, f"/product_grouped_products/{rows[0]['id']}", 404)


def test_bundle_sub_resources(client, ids):
    bundle_id = ids["BND-AUDIO-KIT"]
    selections = selection_ids(bundle_id)
    options = get(client, f"/products/{bundle_id}/bundle-options").json()
    assert [(o["label"], o["type"], o["isRequired"], o["sortOrder"], o["bundleOptionProducts"]) for o in options] == [
        ("Headphones", "select", 1, 0, [f"/api/shop/product-bundle-option-products/{i}" for i in selections[:2]]),
        ("Protection", "radio", 0, 1, [f"/api/shop/product-bundle-option-products/{i}" for i in selections[2:4]]),
        ("Cables", "multiselect", 1, 2, [f"/api/shop/product-bundle-option-products/{i}" for i in selections[4:]])]
    assert get(client, f"/product_bundle_options/{options[2]['id']}").json() == options[2]
    cable = get(client, f"/product-bundle-option-products/{selections[4]}").json()
    assert cable == {"id": selections[4], "qty": 2, "isUserDefined": 1, "isDefault": 1, "sortOrder": 0,
                     "bundleOption": f"/api/shop/product_bundle_options/{options[2]['id']}",
                     "product": f"/api/shop/products/{ids['SP-AUDIO-CABLE']}"}
    page = get(client, "/product-bundle-option-products", per_page=5, page=3)
    assert page.headers["X-Total-Count"] == "14" and page.headers["X-Total-Pages"] == "3"
    assert [row["id"] for row in page.json()] == selections[-4:]
    label = get(client, options[0]["translation"].removeprefix("/api/shop")).json()
    assert label == {"id": options[0]["id"], "locale": "en", "label": "Headphones",
                     "bundleOption": f"/api/shop/product_bundle_options/{options[0]['id']}"}
    labels = get(client, "/product_bundle_option_translations", per_page=50)
    assert [row["label"] for row in labels.json()] == ["Headwear", "Warmers", "Extras", "Add-ons", "Headphones",
                                                      "Protection", "Cables"]
    assert get(client, f"/products/{ids['GRP-AUDIO-SET']}/bundle-options").json() == []
    for path in ("/product_bundle_options/99999", "/product-bundle-option-products/99999",
                 "/product_bundle_option_translations/99999", "/products/99999/bundle-options"):
        get(client, path, 404)


def test_downloadable_sub_resources(client, ids):
    product_id = ids["DL-JAZZ-ALBUM"]
    first, second, third = link_ids(product_id)
    links = get(client, f"/products/{product_id}/downloadable-links").json()
    assert links == detail(client, product_id)["downloadableLinks"]
    assert get(client, f"/product-downloadable-links/{second}").json() == links[1]
    all_links = get(client, "/product-downloadable-links", per_page=2, page=2)
    assert all_links.headers["X-Total-Count"] == "5" and [row["id"] for row in all_links.json()] == [first, second]
    samples = get(client, f"/products/{product_id}/downloadable-samples").json()
    assert [(s["id"], s["type"], s["file"], s["url"]) for s in samples] == [
        (first, "file", "downloadable/jazz-album/01-blue-harbor-preview.mp3", None),
        (third, "url", None, "https://downloads.specshop.test/jazz/live-session-preview.mp3")]
    assert get(client, f"/product-downloadable-samples/{third}").json() == samples[1]
    get(client, f"/product-downloadable-samples/{second}", 404)  # track 2 has no sample
    assert get(client, "/product-downloadable-samples").headers["X-Total-Count"] == "4"
    assert get(client, f"/product_downloadable_link_translations/{third}").json() == {
        "id": third, "locale": "en", "title": "Bonus - Live Session",
        "downloadableLink": f"/api/shop/product-downloadable-links/{third}"}
    assert get(client, f"/product_downloadable_sample_translations/{first}").json()["downloadableSample"] == (
        f"/api/shop/product-downloadable-samples/{first}")
    titles = [row["title"] for row in get(client, "/product_downloadable_sample_translations").json()]
    assert titles == ["Full eBook (PDF)", "Budget Workbook (XLSX)", "Track 1 - Blue Harbor", "Bonus - Live Session"]
    assert get(client, "/product_downloadable_link_translations").headers["X-Total-Count"] == "5"
    assert get(client, f"/products/{ids['VIRT-WARRANTY-2Y']}/downloadable-links").json() == []
    get(client, f"/product_downloadable_sample_translations/{second}", 404)
    with changed(Product, product_id, status=False):
        get(client, f"/product-downloadable-links/{first}", 404)
        assert get(client, "/product-downloadable-links").headers["X-Total-Count"] == "2"


def test_sample_download_redirects_without_a_key(anonymous, ids):
    first, second, _ = link_ids(ids["DL-JAZZ-ALBUM"])
    path = "/api/shop/downloadable/download-sample/sample/{}"
    as_file = anonymous.get(path.format(first), follow_redirects=False)
    assert as_file.status_code == 302
    assert as_file.headers["Location"] == (
        "http://127.0.0.1:8000/storage/downloadable/jazz-album/01-blue-harbor-preview.mp3")
    workbook = link_ids(ids["DL-FINANCE-GUIDE"])[1]
    as_url = anonymous.get(path.format(workbook), follow_redirects=False)
    assert as_url.headers["Location"] == "https://downloads.specshop.test/finance/budget-workbook-preview.pdf"
    missing = anonymous.get(path.format(second), follow_redirects=False)
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


# --- statement counts -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/api/shop/product-bundle-option-products", "/api/shop/product_bundle_option_translations",
    "/api/shop/product-downloadable-links", "/api/shop/product-downloadable-samples",
    "/api/shop/product_downloadable_link_translations", "/api/shop/product_downloadable_sample_translations",
    "/api/shop/products?type=bundle", "/api/shop/products?type=grouped"])
def test_collection_statement_counts_do_not_grow_with_the_page(client, path):
    counts = list_statement_counts(client, path)
    assert counts[0] == counts[1], counts


TYPED_PRODUCT_FIELDS = """
  _id sku isSaleable minimumPrice regularMinimumPrice
  groupedProducts { totalCount edges { node { id _id qty sortOrder
    associatedProduct { _id sku name price specialPrice images(first: 1) { edges { node { publicPath } } } } } } }
  bundleOptions { edges { node { id _id type label isRequired sortOrder translation { id locale label }
    bundleOptionProducts { edges { node { id _id qty isDefault isUserDefined product { _id sku name price } } } } } } }
  downloadableLinks { edges { node { id _id title type price formattedPrice downloads url fileUrl sampleType
    sampleFileUrl sampleUrl translation { title } } } }
  downloadableSamples { edges { node { id _id title type fileUrl url translation { id title } } } }
"""


def nodes(connection):
    return [edge["node"] for edge in connection["edges"]]


def test_graphql_statement_counts_do_not_grow_with_the_page(graphql):
    query = ("query($n: Int, $f: String) { products(first: $n, filter: $f) { edges { node { %s } } } }"
             % TYPED_PRODUCT_FIELDS)
    for kind in ("bundle", "grouped", "downloadable"):
        counts = []
        for size in (1, 2):
            graphql(query, {"n": size, "f": '{"type": "%s"}' % kind})  # warm: list ids are read once per change
            with count_queries() as statements:
                result = graphql(query, {"n": size, "f": '{"type": "%s"}' % kind})
            assert "errors" not in result and len(result["data"]["products"]["edges"]) == size
            counts.append(len(statements))
        assert counts[0] == counts[1], (kind, counts)


def test_graphql_bundle_matches_rest(client, graphql, ids):
    query = "query($sku: String) { product(sku: $sku) { %s } }" % TYPED_PRODUCT_FIELDS
    product = graphql(query, {"sku": "BND-WINTER-KIT"})["data"]["product"]
    rest = detail(client, ids["BND-WINTER-KIT"])
    options = nodes(product["bundleOptions"])
    assert [(o["_id"], o["label"], o["type"], o["isRequired"]) for o in options] == [
        (o["id"], o["label"], o["type"], str(o["isRequired"])) for o in rest["bundleOptions"]]
    assert options[0]["id"] == f"/api/shop/product_bundle_options/{options[0]['_id']}"
    assert options[0]["translation"] == {"id": f"/api/shop/product_bundle_option_translations/{options[0]['_id']}",
                                         "locale": "en", "label": "Headwear"}
    selections = [s for o in options for s in nodes(o["bundleOptionProducts"])]
    assert [s["_id"] for s in selections] == selection_ids(ids["BND-WINTER-KIT"])
    assert selections[0] == {"id": f"/api/shop/product-bundle-option-products/{selections[0]['_id']}",
                             "_id": selections[0]["_id"], "qty": 1, "isDefault": "1", "isUserDefined": "1",
                             "product": {"_id": ids["SP-WINTER-BEANIE"], "sku": "SP-WINTER-BEANIE",
                                         "name": "Arctic Knit Beanie", "price": "14"}}
    assert (product["minimumPrice"], product["regularMinimumPrice"], product["isSaleable"]) == ("31", "31", "1")
    assert nodes(product["groupedProducts"]) == nodes(product["downloadableLinks"]) == []


def test_graphql_grouped_matches_rest(graphql, ids):
    product = graphql('{ product(sku: "GRP-WINTER-SET") { %s } }' % TYPED_PRODUCT_FIELDS)["data"]["product"]
    members = nodes(product["groupedProducts"])
    assert product["groupedProducts"]["totalCount"] == 3
    assert [(m["qty"], m["associatedProduct"]["sku"], m["associatedProduct"]["price"],
             m["associatedProduct"]["specialPrice"]) for m in members] == [
        (1, "SP-WINTER-BEANIE", "14", None), (1, "SP-WINTER-GLOVES", "21", "17"), (2, "SP-WINTER-SOCKS", "9.5", None)]
    assert members[0]["id"] == f"/api/shop/product_grouped_products/{members[0]['_id']}"
    image = nodes(members[0]["associatedProduct"]["images"])[0]["publicPath"]
    assert image == f"http://127.0.0.1:8000/storage/product/{ids['SP-WINTER-BEANIE']}/arctic-knit-beanie.webp"
    assert (product["minimumPrice"], product["regularMinimumPrice"]) == ("9.5", "9.5")


def test_graphql_downloadable_matches_rest(client, graphql, ids):
    query = '{ product(sku: "DL-FINANCE-GUIDE") { %s } }' % TYPED_PRODUCT_FIELDS
    product = graphql(query)["data"]["product"]
    rest = detail(client, ids["DL-FINANCE-GUIDE"])
    links = nodes(product["downloadableLinks"])
    assert [(link["_id"], link["title"], link["translation"]["title"], link["price"], link["formattedPrice"],
             link["downloads"], link["sampleFileUrl"]) for link in links] == [
        (link["id"], link["title"], link["title"], str(link["price"]), link["formattedPrice"],
         link["downloads"], link["sampleFileUrl"]) for link in rest["downloadableLinks"]]
    assert all(link["url"] is None and link["fileUrl"] is None for link in links)
    samples = nodes(product["downloadableSamples"])
    assert [(s["_id"], s["type"], s["fileUrl"], s["url"]) for s in samples] == [
        (s["id"], s["type"], s["fileUrl"], s["url"]) for s in rest["downloadableSamples"]]
    translation_iri = f"/api/shop/product_downloadable_sample_translations/{samples[0]['_id']}"
    assert samples[0]["translation"] == {"id": translation_iri, "title": "Full eBook (PDF)"}
