"""Products: search, filters, sorting, paging, locale fallback, currency formatting, detail, sub-resources."""
from decimal import Decimal

import pytest

from storage.db import database
from storage.models import Product, ProductTranslation
from tests.helpers import attribute_id, count_queries, option_count


def products(client, **params):
    response = client.get("/api/shop/products", params=params)
    assert response.status_code == 200, response.text
    return response


def visible_count(**conditions):
    with database.connection_context():
        query = Product.select().where(Product.parent.is_null(), Product.status == True,  # noqa: E712
                                       Product.visible_individually == True)  # noqa: E712
        for field, value in conditions.items():
            query = query.where(getattr(Product, field) == value)
        return query.count()


def test_default_page_is_30_with_headers(client):
    response = products(client)
    total = visible_count()
    assert len(response.json()) == 30
    assert response.headers["X-Total-Count"] == str(total)
    assert response.headers["X-Per-Page"] == "30"
    assert response.headers["X-Total-Pages"] == str(-(-total // 30))
    cors = client.get("/api/shop/products", headers={"Origin": "https://shop.example"})
    exposed = {name.strip() for name in cors.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"X-Total-Count", "X-Page", "X-Per-Page", "X-Total-Pages"} <= exposed


def test_hidden_products_are_not_listed(client):
    pages = range(1, -(-visible_count() // 50) + 1)
    ids = {item["id"] for page in pages for item in products(client, per_page=50, page=page).json()}
    with database.connection_context():
        disabled = {p.id for p in Product.select().where(Product.status == False, Product.parent.is_null())}  # noqa: E712
        variants = {p.id for p in Product.select().where(Product.parent.is_null(False))}
    assert disabled and not (ids & disabled)
    assert not (ids & variants)
    assert len(ids) == visible_count()


def test_page_past_the_end(client):
    response = products(client, page=999, per_page=50)
    assert response.json() == []
    assert response.headers["X-Page"] == "999"


def test_filter_by_type_and_flags(client):
    configurable = products(client, type="configurable", per_page=50)
    assert all(item["type"] == "configurable" for item in configurable.json())
    assert configurable.headers["X-Total-Count"] == str(visible_count(type="configurable"))
    flagged = products(client, new=1, featured=1, per_page=50).json()
    assert flagged and all(item["new"] and item["featured"] for item in flagged)


def test_search_matches_sku_and_name(client):
    by_sku = products(client, query="SKU-000012").json()
    assert [item["sku"] for item in by_sku] == ["SKU-000012"]
    hoodies = products(client, query="hoodie", per_page=50).json()
    assert hoodies and all("hoodie" in item["name"].lower() for item in hoodies)


def test_sort_by_price_and_name(client):
    ascending = [Decimal(str(item["minimumPrice"])) for item in products(client, sort="price-asc", per_page=50).json()]
    assert ascending == sorted(ascending)
    descending = products(client, sort="price", order="desc", per_page=5).json()
    assert descending[0]["minimumPrice"] >= descending[-1]["minimumPrice"]
    names = [item["name"] for item in products(client, sort="name-desc", per_page=50).json()]
    assert names == sorted(names, reverse=True)


def test_price_range_uses_effective_price(client):
    items = products(client, price="10,50", per_page=50).json()
    assert items and all(10 <= item["minimumPrice"] <= 50 for item in items)
    same = products(client, price_from=10, price_to=50, per_page=50).json()
    assert [item["id"] for item in same] == [item["id"] for item in items]


def test_filter_by_category_and_attribute_option(client):
    in_category = products(client, category_id=4, per_page=50)
    assert int(in_category.headers["X-Total-Count"]) > 0
    ids = {item["id"] for item in in_category.json()}
    red = products(client, category_id=4, color=1, per_page=50).json()
    assert {item["id"] for item in red} <= ids
    for item in red:
        detail = client.get(f"/api/shop/products/{item['id']}").json()
        variant_colors = {v["id"] for v in detail["variants"]}
        assert detail["color"] and detail["color"]["id"] == 1 or variant_colors


def test_filter_json_matches_shorthand(client):
    shorthand = products(client, size="7,8", per_page=50).json()
    as_json = products(client, filter='{"size": {"match": "7,8", "match_type": "PARTIAL"}}', per_page=50).json()
    assert [item["id"] for item in shorthand] == [item["id"] for item in as_json]


def test_invalid_filter_json_lists_the_field(client):
    response = client.get("/api/shop/products", params={"filter": '{"type": "spaceship"}'})
    assert response.status_code == 400
    assert "filter.type" in response.json()["errors"]


def test_locale_switch_and_fallback(client):
    with database.connection_context():
        untranslated = (Product.select(Product.id).where(Product.parent.is_null(), Product.status == True)  # noqa: E712
                        .where(~Product.id.in_(ProductTranslation.select(ProductTranslation.product)
                                               .where(ProductTranslation.locale == "fr"))).first().id)
        english = ProductTranslation.get(product=untranslated, locale="en").name
    french = client.get("/api/shop/products/1", headers={"X-Locale": "fr"}).json()
    assert french["name"].endswith("(FR)")
    assert client.get(f"/api/shop/products/{untranslated}", headers={"X-Locale": "fr"}).json()["name"] == english
    unknown = client.get("/api/shop/products/1", headers={"X-Locale": "xx"}).json()
    assert not unknown["name"].endswith("(FR)")


def test_currency_formats_converted_prices(client):
    usd = client.get("/api/shop/products/1").json()
    eur = client.get("/api/shop/products/1", headers={"X-Currency": "EUR"}).json()
    price = Decimal(str(usd["price"]))
    converted = (price * Decimal("0.92")).quantize(Decimal("0.01"))
    whole, cents = f"{converted:.2f}".split(".")
    assert usd["formattedPrice"] == f"${price:,.2f}"
    assert eur["formattedPrice"] == f"{int(whole):,}".replace(",", ".") + f",{cents} €"
    assert eur["price"] == usd["price"]


def test_configurable_product_document(client):
    with database.connection_context():
        parent = Product.select().where(Product.type == "configurable", Product.status == True).first()  # noqa: E712
        variants = list(Product.select().where(Product.parent == parent.id).order_by(Product.id))
    detail = client.get(f"/api/shop/products/{parent.id}").json()
    assert [v["id"] for v in detail["variants"]] == [v.id for v in variants]
    assert [a["code"] for a in detail["superAttributes"]] == ["color", "size"]
    assert len(detail["superAttributes"][0]["options"]) == option_count("color")
    assert detail["minimumPrice"] == float(min(v.price for v in variants))
    assert detail["maximumPrice"] == float(max(v.price for v in variants))
    assert detail["attributeFamily"] == {"id": 1, "code": "default", "name": "Default"}
    assert detail["channels"][0]["code"] == "default"
    assert detail["images"] and detail["baseImageUrl"] == detail["images"][0]["publicPath"]
    assert detail["color"] is None and detail["brand"]["code"] == "brand"
    variants_route = client.get(f"/api/shop/products/{parent.id}/variants").json()
    assert [v["id"] for v in variants_route] == [v.id for v in variants]


def test_simple_product_document(client):
    detail = client.get("/api/shop/products/1").json()
    assert detail["type"] == "simple" and detail["variants"] == [] and detail["superAttributes"] == []
    assert detail["color"]["code"] == "color" and detail["size"]["code"] == "size"
    assert {c["id"] for c in detail["categories"]} and all(c["name"] for c in detail["categories"])
    assert detail["createdAt"].endswith("+00:00")


def test_unknown_or_disabled_product_is_404(client):
    with database.connection_context():
        disabled = Product.get(Product.status == False).id  # noqa: E712
    for product_id in (99999, disabled):
        response = client.get(f"/api/shop/products/{product_id}")
        assert response.status_code == 404
        assert response.json() == {"message": "Product not found", "error": "not_found"}


def test_sub_resources(client):
    images = client.get("/api/shop/products/1/images").json()
    assert [image["position"] for image in images] == sorted(image["position"] for image in images)
    assert client.get(f"/api/shop/product-images/{images[0]['id']}").json() == images[0]
    prices = client.get("/api/shop/products/1/customer-group-prices").json()
    assert [(p["customerGroupId"], p["qty"]) for p in prices] == [(3, 5), (2, 10)]
    assert client.get(f"/api/shop/customer-group-prices/{prices[0]['id']}").json() == prices[0]
    assert client.get(f"/api/shop/products/2/customer-group-prices/{prices[0]['id']}").status_code == 404
    options = client.get("/api/shop/products/2/customizable-options").json()
    assert options[0]["type"] == "drop_down" and options[0]["label"] == "Gift wrap"
    price_rows = [client.get(iri.replace("/api/shop", "/api/shop", 1)).json() for iri in options[0]["prices"]]
    assert [(row["label"], row["price"]) for row in price_rows] == [("Standard", 0), ("Premium", 4.5)]
    french = client.get("/api/shop/products/2/customizable-options", headers={"X-Locale": "fr"}).json()
    assert french[0]["label"] == "Emballage cadeau"
    values = client.get("/api/shop/products/1/attribute-values").json()
    assert {value["attribute"] for value in values} == {f"/api/shop/attributes/{attribute_id(code)}"
                                                       for code in ("color", "size", "brand")}
    assert client.get("/api/shop/products/99999/images").status_code == 404


@pytest.mark.parametrize("path", ["/api/shop/products?per_page={n}",
                                  "/api/shop/products?per_page={n}&sort=name-asc&color=1,2&query=a"])
def test_product_list_query_count_is_constant(client, path):
    counts = []
    for size in (1, 50):
        client.get(path.format(n=size))  # warm: the list's ids are read once per catalog change
        with count_queries() as statements:
            assert client.get(path.format(n=size)).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_graphql_product_list_query_count_is_constant(graphql):
    query = """query($n: Int) { products(first: $n) { edges { node { id name price images(first: 1) {
               edges { node { publicPath } } } categories { edges { node { translation { name } } } }
               variants { edges { node { sku } } } } } } }"""
    counts = []
    for size in (10, 50):  # both pages hold configurable products, so every relation is loaded
        graphql(query, {"n": size})  # warm: the list's ids are read once per catalog change
        with count_queries() as statements:
            assert "errors" not in graphql(query, {"n": size})
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_graphql_products_search_sort_and_filter(graphql):
    result = graphql("""{ products(first: 3, sortKey: PRICE, reverse: true, filter: "{\\"type\\": \\"configurable\\"}")
                          { totalCount edges { node { _id type minimumPrice variants { totalCount } } } } }""")
    connection = result["data"]["products"]
    assert connection["totalCount"] == visible_count(type="configurable")
    prices = [Decimal(edge["node"]["minimumPrice"]) for edge in connection["edges"]]
    assert prices == sorted(prices, reverse=True)
    assert all(edge["node"]["type"] == "configurable" and edge["node"]["variants"]["totalCount"] == 4
               for edge in connection["edges"])


def test_graphql_product_by_sku_and_iri(graphql):
    by_sku = graphql('{ product(sku: "SKU-000001") { id _id name price isInWishlist color } }')["data"]["product"]
    assert by_sku["id"] == "/api/shop/products/1" and by_sku["_id"] == 1
    assert by_sku["isInWishlist"] == "0" and by_sku["color"] is not None
    by_iri = graphql('{ product(id: "/api/shop/products/1") { sku attributeValues { edges { node { value '
                     'attribute { code } } } } } }')["data"]["product"]
    assert by_iri["sku"] == "SKU-000001"
    assert {edge["node"]["attribute"]["code"] for edge in by_iri["attributeValues"]["edges"]} == {"color", "size", "brand"}
    missing = graphql('{ product(id: "/api/shop/products/99999") { sku } }')
    assert missing["data"]["product"] is None and missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


# --- GraphQL arguments and fields of the overview pages ------------------------------------------

def gql_products(graphql, arguments: str, selection: str = "_id", headers: dict | None = None) -> dict:
    result = graphql("{ products(%s) { totalCount totalItems edges { node { %s } } } }" % (arguments, selection),
                     headers=headers)
    assert "errors" not in result, result
    return result["data"]["products"]


def test_graphql_products_category_id_search_and_channel_are_real_filters(client, graphql):
    first = products(client).json()[0]["id"]
    category_id = client.get(f"/api/shop/products/{first}").json()["categories"][0]["id"]
    by_argument = gql_products(graphql, f"first: 100, categoryId: {category_id}")
    by_filter = gql_products(graphql, 'first: 100, filter: "{\\"category_id\\": %d}"' % category_id)
    assert 0 < by_argument["totalCount"] == by_filter["totalCount"] < visible_count()
    assert by_argument["edges"] == by_filter["edges"]
    searched = gql_products(graphql, 'first: 100, search: "Shirt"', "name")
    assert searched == gql_products(graphql, 'first: 100, query: "Shirt"', "name")
    assert 0 < searched["totalCount"] < visible_count()
    assert all("Shirt" in edge["node"]["name"] for edge in searched["edges"])
    assert gql_products(graphql, 'first: 5, channel: "default"') == gql_products(graphql, "first: 5")
    assert gql_products(graphql, "first: 1")["totalItems"] == visible_count()


def test_graphql_sort_key_takes_strings_and_enum_literals(client, graphql):
    as_string = gql_products(graphql, 'first: 5, sortKey: "PRICE", reverse: true', "_id price")
    assert as_string == gql_products(graphql, "first: 5, sortKey: PRICE, reverse: true", "_id price")
    prices = [Decimal(edge["node"]["price"]) for edge in as_string["edges"]]
    assert gql_products(graphql, 'first: 5, sortKey: "created_at"') == gql_products(graphql, "first: 5, sortKey: CREATED_AT")
    assert len(prices) == 5
    response = client.post("/api/graphql", json={"query": '{ products(sortKey: "CHEAPEST") { totalCount } }'})
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "VALIDATION_FAILED" and list(error["extensions"]["errors"]) == ["sortKey"]


def test_graphql_product_attributes_weight_and_images(client, graphql):
    node = gql_products(graphql, 'first: 1, filter: "{\\"type\\": \\"simple\\"}"', """_id name weight urlKey
        productFlat { _id url metaTitle new featured status }
        images { edges { node { url publicPath alt position } } }
        attributes { edges { node { id _id attributeId code label value } } }
        bookingProducts { edges { node { _id } } totalCount }""")["edges"][0]["node"]
    rest = client.get(f"/api/shop/products/{node['_id']}").json()
    assert node["weight"] == 1.0
    images = [edge["node"] for edge in node["images"]["edges"]]
    assert images and all(image["url"] == image["publicPath"] and image["alt"] == node["name"] for image in images)
    assert [image["position"] for image in images] == [str(image["position"]) for image in rest["images"]]
    attributes = {edge["node"]["code"]: edge["node"] for edge in node["attributes"]["edges"]}
    assert attributes["color"]["value"] == rest["color"]["label"]
    assert attributes["color"]["label"] == "Color" and attributes["color"]["id"] == f"/api/shop/attributes/{attribute_id('color')}"
    assert attributes["size"]["value"] == rest["size"]["label"]
    assert node["bookingProducts"] == {"edges": [], "totalCount": 0}
    flat = node["productFlat"]
    assert flat["_id"] == node["_id"] and flat["url"].startswith("http") and flat["url"].endswith("/" + node["urlKey"])
    assert (flat["new"], flat["featured"], flat["status"]) == (rest["new"], rest["featured"], rest["status"])
    with database.connection_context():
        assert flat["metaTitle"] == ProductTranslation.get(product=node["_id"], locale="en").meta_title
    french = gql_products(graphql, f'first: 1, filter: "{{\\"type\\": \\"simple\\"}}"',
                          "attributes { edges { node { code label value } } }", headers={"X-Locale": "fr"})
    french_color = [edge["node"] for edge in french["edges"][0]["node"]["attributes"]["edges"]
                    if edge["node"]["code"] == "color"][0]
    assert french_color["label"] != "Color" and french_color["value"] != attributes["color"]["value"]


def test_graphql_super_attributes_match_rest(client, graphql):
    node = gql_products(graphql, 'first: 1, filter: "{\\"type\\": \\"configurable\\"}"', """_id
        superAttributes { edges { node { _id code label options { edges { node { _id label value } } } } } }""")[
        "edges"][0]["node"]
    rest = client.get(f"/api/shop/products/{node['_id']}").json()["superAttributes"]
    ours = [edge["node"] for edge in node["superAttributes"]["edges"]]
    assert [(a["_id"], a["code"]) for a in ours] == [(a["id"], a["code"]) for a in rest]
    assert ours[0]["label"] == "Color"
    options = [edge["node"] for edge in ours[0]["options"]["edges"]]
    assert [(o["_id"], o["label"], o["value"]) for o in options] == [
        (o["id"], o["translation"]["label"], str(o["id"])) for o in rest[0]["options"]]


def test_rest_attribute_shorthand_filters_are_declared(client):
    red = products(client, color=1, per_page=50)
    assert red.json() == products(client, filter='{"color": "1"}', per_page=50).json()
    assert 0 < int(red.headers["X-Total-Count"]) < visible_count()
    assert int(products(client, color="1,2").headers["X-Total-Count"]) > int(red.headers["X-Total-Count"])
    bad = client.get("/api/shop/products", params={"color": "red"})
    assert bad.status_code == 400 and "color" in bad.json()["errors"]
    for params, field in (({"size": "99999999999"}, "size"), ({"filter": '{"brand": "3,99999999999"}'}, "brand")):
        too_big = client.get("/api/shop/products", params=params)
        assert too_big.status_code == 400 and list(too_big.json()["errors"]) == [field]


def test_graphql_filters_input_sort_and_order(client, graphql):
    def total(arguments: str) -> int:
        return gql_products(graphql, arguments)["totalCount"]

    everything = visible_count()
    assert total('filters: {status: "active", priceFrom: 10, priceTo: 100}') == total('filter: "{\\"price\\": \\"10,100\\"}"')
    assert total("filters: {price: {from: 10, to: 100}}") == total("filters: {priceFrom: 10, priceTo: 100}") < everything
    assert total("filters: {status: [1]}") == everything and total('filters: {status: "inactive"}') == 0
    on_sale, not_on_sale = total("filters: {onSale: true}"), total("filters: {onSale: false}")
    assert 0 < on_sale < everything and on_sale + not_on_sale == everything
    sale = gql_products(graphql, "first: 50, filters: {onSale: true}", "price specialPrice")["edges"]
    assert all(Decimal(edge["node"]["specialPrice"]) < Decimal(edge["node"]["price"]) for edge in sale)
    assert total('filters: {brand: ["Acme"]}') == total('filter: "{\\"brand\\": \\"10\\"}"') > 0
    assert total('filters: {brand: ["acme", "11"]}') > total('filters: {brand: ["Acme"]}')
    assert total('filters: {brand: ["Nope"]}') == 0
    newest = gql_products(graphql, 'first: 5, sort: "newest"', "createdAt")["edges"]
    assert newest == gql_products(graphql, "first: 5, sortKey: CREATED_AT, reverse: true", "createdAt")["edges"]
    by_name = gql_products(graphql, 'first: 5, sort: "name", order: "DESC"', "name")["edges"]
    assert by_name == gql_products(graphql, "first: 5, sortKey: TITLE, reverse: true", "name")["edges"]
    for arguments, field in (('sort: "cheapest"', "sort"), ('sort: "name", order: "up"', "order"),
                             ('filters: {status: "archived"}', "filters.status")):
        response = client.post("/api/graphql", json={"query": "{ products(%s) { totalCount } }" % arguments})
        assert list(response.json()["errors"][0]["extensions"]["errors"]) == [field]


def test_booking_rows_of_a_product_are_empty(client):
    first = products(client).json()[0]["id"]
    response = client.get(f"/api/shop/products/{first}/booking-products")
    assert response.status_code == 200 and response.json() == []
    assert client.get("/api/shop/products/99999/booking-products").status_code == 404


def test_graphql_product_by_sku_and_url_and_availability(graphql):
    node = gql_products(graphql, "first: 1", "_id sku urlKey isSaleable availability")["edges"][0]["node"]
    assert node["availability"] == ("in_stock" if node["isSaleable"] == "1" else "out_of_stock")
    by_sku = graphql('{ productBySkU(sku: "%s") { _id availability } }' % node["sku"])["data"]["productBySkU"]
    by_url = graphql('{ productByUrl(url: "%s") { _id } }' % node["urlKey"])["data"]["productByUrl"]
    assert by_sku == {"_id": node["_id"], "availability": node["availability"]} and by_url == {"_id": node["_id"]}
    missing = graphql('{ productByUrl(url: "no-such-product") { _id } }')
    assert missing["data"]["productByUrl"] is None and missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    sold_out = graphql('{ products(first: 100) { edges { node { isSaleable availability } } } }')["data"]["products"]
    assert {(e["node"]["isSaleable"], e["node"]["availability"]) for e in sold_out["edges"]} <= {
        ("1", "in_stock"), ("0", "out_of_stock")}


def test_graphql_yes_no_fields_are_the_pages_strings_and_rest_keeps_booleans(client, graphql):
    rest = client.get("/api/shop/products", params={"per_page": 5}).json()
    nodes = {edge["node"]["_id"]: edge["node"] for edge in gql_products(
        graphql, "first: 5", "_id status new featured guestCheckout isSaleable")["edges"]}
    assert set(nodes) == {row["id"] for row in rest}
    for row in rest:
        node = nodes[row["id"]]
        assert isinstance(row["status"], bool) and node["status"] == ("1" if row["status"] else "0")
        assert (node["new"], node["featured"]) == ("1" if row["new"] else "0", "1" if row["featured"] else "0")
        assert node["guestCheckout"] == "1" and node["isSaleable"] in ("1", "0")
