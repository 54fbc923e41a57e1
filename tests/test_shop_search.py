"""Catalog search: full-text `?query=` with relevance, facets with counts, suggestions, the index kept in
step with admin product writes, and the filterable attributes of each category. REST and GraphQL.

Demo catalog (240 products): the 12 visible hoodies are configurable products of category Hoodies (4,
under Clothing 3), priced from 107.13 to 497.89: five in [100, 200), two in [200, 300), three in
[300, 400), two in [400, 500). Brands: Acme 1, Northwind 6, Contoso 3, Globex 2. Colors through their
variants: Red 3, Green 8, Black 6, White 6, Blue 1.
"""
import pytest

from storage.db import database
from storage.models import Category, CategoryTranslation, Product
from storage.search_models import CategoryFilterableAttribute, ProductSearchDocument
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.catalog_fixtures import restored
from tests.helpers import attribute_id, option_id
from tests.product_fixtures import restored_products

PRODUCTS = "/api/admin/catalog/products"
HOODIES = [32, 68, 104, 140, 176, 212, 248, 284, 320, 356, 392, 428]


def search(client, text: str, **params) -> list[dict]:
    response = client.get("/api/shop/products", params={"query": text, "per_page": 50, **params})
    assert response.status_code == 200, response.text
    return response.json()


def skus(items: list[dict]) -> list[str]:
    return [item["sku"] for item in items]


def gql_search(graphql, text: str) -> list[int]:
    data = graphql('query($q: String) { products(first: 50, query: $q) { edges { node { _id } } } }', {"q": text})
    return [edge["node"]["_id"] for edge in data["data"]["products"]["edges"]]


# --- full-text search and relevance ---------------------------------------------------------

def test_words_match_name_sku_and_searchable_attributes(client, graphql):
    hoodies = search(client, "hoodie")
    assert sorted(item["id"] for item in hoodies) == HOODIES
    assert [item["id"] for item in hoodies] == HOODIES  # one rank (a whole word of the name): by id
    assert gql_search(graphql, "hoodie") == HOODIES
    assert [item["id"] for item in search(client, "HOOD")] == HOODIES  # word starts, any case
    assert all("Northwind" in item["name"] and "Hoodie" in item["name"] for item in search(client, "northwind hood"))
    assert len(search(client, "northwind hood")) == 6
    assert skus(search(client, "SKU-000012")) == ["SKU-000012"]
    # color is searchable: its label finds the products whose own color is red, in the reader's locale
    red = client.get("/api/shop/products", params={"color": option_id("color", "Red"), "type": "simple", "per_page": 50})
    assert {item["id"] for item in search(client, "red")} == {item["id"] for item in red.json()} != set()
    rouge = client.get("/api/shop/products", params={"query": "rouge", "per_page": 50}, headers={"X-Locale": "fr"})
    assert {item["id"] for item in rouge.json()} < {item["id"] for item in red.json()}  # less those without French
    assert search(client, "!!!") == [] and search(client, "zzzzunknown") == []


def test_partial_words_when_no_word_starts_with_the_text(client):
    assert [item["id"] for item in search(client, "oodi")] == HOODIES
    assert [item["id"] for item in search(client, "oodi", price_from=0)] == HOODIES
    assert client.get("/api/shop/products", params={"query": "oodi"}).headers["X-Total-Count"] == "12"
    assert search(client, "od") == []  # too short to match inside a word


def test_exact_sku_first_then_name_matches(admin_client, client, graphql):
    """Exact SKU, name starting with the text, whole word, word start, elsewhere; ties by id."""
    with restored_products(1, 2, 3, 5):
        assert admin_client.put(f"{PRODUCTS}/5", json={"sku": "HOODIE"}).status_code == 200
        assert admin_client.put(f"{PRODUCTS}/3", json={"name": "Hoodie Deluxe Set"}).status_code == 200
        assert admin_client.put(f"{PRODUCTS}/2", json={"name": "Winter Hoodies Pack"}).status_code == 200
        assert admin_client.put(f"{PRODUCTS}/1", json={"description": "Wear it over a hoodie."}).status_code == 200
        ranked = [item["id"] for item in search(client, "hoodie")]
        assert ranked == [5, 3, *HOODIES, 2, 1]
        assert [item["id"] for item in search(client, "hoodie", price_from=0)] == ranked  # ranked in SQL, not the index
        assert [item["id"] for item in search(client, "hoodie", per_page=5, page=3)] == ranked[10:15]
        french = client.get("/api/shop/products", params={"query": "hoodie", "per_page": 50}, headers={"X-Locale": "fr"})
        assert [item["id"] for item in french.json()] == ranked and french.headers["X-Total-Count"] == "16"
        assert [item["id"] for item in suggest(client, "hoodie", limit=3)] == [5, 3, HOODIES[0]]
        assert suggest(client, "hood", limit=1)[0]["id"] == 3  # the name starts with it
        assert gql_search(graphql, "hoodie") == ranked
        by_price = [item["id"] for item in search(client, "hoodie", sort="id-desc")]
        assert by_price == sorted(ranked, reverse=True)  # an explicit sort wins over relevance
    assert [item["id"] for item in search(client, "hoodie")] == HOODIES


# --- the index follows product writes ---------------------------------------------------------

def test_admin_writes_keep_the_index_in_step(admin_client, client, graphql):
    response = admin_client.post(PRODUCTS, json={"attribute_family_id": 1, "type": "simple", "sku": "t-search-parka"})
    assert response.status_code == 201, response.text
    product_id = response.json()["id"]
    try:
        update = admin_client.put(f"{PRODUCTS}/{product_id}", json={
            "name": "Zephyr Parka", "url_key": "t-zephyr-parka", "price": "120", "status": 1, "channels": [1],
            "visible_individually": 1})
        assert update.status_code == 200, update.text
        assert [item["id"] for item in search(client, "zephyr")] == [product_id]
        assert [item["id"] for item in search(client, "t-search-parka")] == [product_id]
        renamed = admin_client.put(f"{PRODUCTS}/{product_id}", json={"name": "Quasar Parka"})
        assert renamed.status_code == 200, renamed.text
        assert [item["id"] for item in search(client, "quasar")] == [product_id]
        assert search(client, "zephyr") == []
        assert gql_search(graphql, "quasar parka") == [product_id]
        assert admin_client.delete(f"{PRODUCTS}/{product_id}").status_code == 204
        assert search(client, "quasar") == []
        with database.connection_context():
            assert not ProductSearchDocument.select().where(ProductSearchDocument.product == product_id).exists()
    finally:
        with database.connection_context():
            Product.delete().where(Product.id == product_id).execute()


def test_a_translation_is_found_in_its_locale(admin_client, client):
    with restored_products(4):
        response = admin_client.put(f"{PRODUCTS}/4", params={"locale": "fr"}, json={"name": "Chemise Boréale"})
        assert response.status_code == 200, response.text
        french = client.get("/api/shop/products", params={"query": "boreale"}, headers={"X-Locale": "fr"}).json()
        assert [item["id"] for item in french] == [4]
        assert search(client, "boreale") == []  # English readers do not see the French name


# --- facets -------------------------------------------------------------------------------------

def facets(client, **params) -> dict:
    response = client.get("/api/shop/search/facets", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def options(facet: dict, code: str) -> dict[str, int]:
    attribute = next(item for item in facet["attributes"] if item["code"] == code)
    return {option["label"]: option["count"] for option in attribute["options"]}


def test_facet_counts_of_a_search(client, graphql):
    found = facets(client, query="hoodie")
    assert found["total"] == 12
    assert found["price"]["min"] == 107.13 and found["price"]["max"] == 497.89
    assert [(r["from"], r["to"], r["count"]) for r in found["price"]["ranges"]] == [
        (100, 200, 5), (200, 300, 2), (300, 400, 3), (400, 500, 2)]
    assert found["price"]["ranges"][0]["formattedFrom"] == "$100.00"
    assert options(found, "brand") == {"Acme": 1, "Northwind": 6, "Contoso": 3, "Globex": 2}
    assert options(found, "color") == {"Red": 3, "Green": 8, "Black": 6, "White": 6, "Blue": 1}
    assert [a["code"] for a in found["attributes"]] == ["color", "size", "brand"]
    assert [(c["id"], c["name"], c["count"]) for c in found["categories"]] == [(3, "Clothing", 12), (4, "Hoodies", 12)]
    data = graphql('{ productFacets(search: "hoodie") { total price { ranges { from to count } } '
                   'attributes { code options { id label count } } categories { id name count } } }')["data"]
    assert data["productFacets"]["total"] == 12
    assert data["productFacets"]["categories"] == [{"id": 3, "name": "Clothing", "count": 12},
                                                   {"id": 4, "name": "Hoodies", "count": 12}]
    brand = next(a for a in data["productFacets"]["attributes"] if a["code"] == "brand")
    assert {o["label"]: o["count"] for o in brand["options"]} == {"Acme": 1, "Northwind": 6, "Contoso": 3, "Globex": 2}


def test_a_facet_ignores_its_own_filter(client):
    red = option_id("color", "Red")
    filtered = facets(client, query="hoodie", color=str(red))
    assert filtered["total"] == 3 == len(search(client, "hoodie", color=str(red)))
    assert options(filtered, "color") == {"Red": 3, "Green": 8, "Black": 6, "White": 6, "Blue": 1}
    assert sum(options(filtered, "brand").values()) == 3
    assert [(r["from"], r["to"], r["count"]) for r in filtered["price"]["ranges"]] == [
        (150, 200, 1), (300, 350, 1), (350, 400, 1)]
    in_category = facets(client, query="hoodie", category_id=5)
    assert in_category["total"] == 0 and in_category["price"] == {"min": None, "max": None, "ranges": []}
    assert [(c["id"], c["count"]) for c in in_category["categories"]] == [(3, 12), (4, 12)]


def test_facets_refuse_bad_filters(client):
    bad = client.get("/api/shop/search/facets", params={"price": "cheap"})
    assert bad.status_code == 400 and "price" in bad.json()["errors"]
    assert client.get("/api/shop/search/facets", params={"filter": "[1]"}).status_code == 400
    listed = client.get("/api/shop/products", params={"per_page": 1}).headers["X-Total-Count"]
    assert facets(client)["total"] == int(listed)


# --- suggestions --------------------------------------------------------------------------------

def suggest(client, text: str, **params) -> list[dict]:
    response = client.get("/api/shop/search/suggestions", params={"query": text, **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_suggestions_as_you_type(client, graphql):
    typed = suggest(client, "northwind hoo", limit=3)
    assert [item["sku"] for item in typed] == ["SKU-000020", "SKU-000100", "SKU-000120"]  # one rank: by id
    assert typed[0] == {"id": 32, "sku": "SKU-000020", "name": "Northwind Classic Hoodie 00020",
                        "urlKey": "northwind-classic-hoodie-00020-32"}
    assert len(suggest(client, "hood")) == 8  # the default limit
    assert [item["sku"] for item in suggest(client, "sku-000012")] == ["SKU-000012"]
    started = [item["sku"] for item in suggest(client, "SKU-00012", limit=20)]
    assert sorted(started) == [f"SKU-00012{digit}" for digit in range(10)]
    assert suggest(client, "oodi") == []  # words only, no partial matches
    french = client.get("/api/shop/search/suggestions", params={"query": "northwind hoo", "limit": 1},
                        headers={"X-Locale": "fr"}).json()
    assert french[0]["name"] == "Northwind Classic Hoodie 00020 (FR)"
    data = graphql('{ productSuggestions(query: "northwind hoo", limit: 3) { id _id sku name } }')["data"]
    assert [node["_id"] for node in data["productSuggestions"]] == [item["id"] for item in typed]
    assert data["productSuggestions"][0]["id"] == "/api/shop/products/32"
    assert client.get("/api/shop/search/suggestions", params={"query": "a", "limit": 99}).status_code == 400
    assert client.get("/api/shop/search/suggestions").status_code == 400


# --- category filterable attributes ---------------------------------------------------------

@pytest.fixture
def categories():
    with restored(Category, CategoryTranslation, CategoryFilterableAttribute):
        yield


def test_a_category_filters_by_its_own_attributes(admin_client, admin_graphql, client, graphql, categories):
    color, size = attribute_id("color"), attribute_id("size")
    assert [a["id"] for a in client.get("/api/shop/categories/4").json()["filterableAttributes"]] == [
        attribute_id("price"), color, size, attribute_id("brand")]
    response = admin_client.put("/api/admin/catalog/categories/4", json={
        "position": 1, "attributes": [size, color], "en": {"slug": "men-hoodies", "name": "Hoodies"}})
    assert response.status_code == 200, response.text
    assert response.json()["filterableAttributeIds"] == [color, size]  # by attribute position
    shop = client.get("/api/shop/categories/4").json()["filterableAttributes"]
    assert [(a["id"], a["code"]) for a in shop] == [(color, "color"), (size, "size")]
    assert shop[0]["options"][0]["adminName"] == "Red"
    node = graphql('{ category(id: "/api/shop/categories/4") { filterableAttributes { edges { node { _id code } } } } }')
    assert [edge["node"]["code"] for edge in node["data"]["category"]["filterableAttributes"]["edges"]] == [
        "color", "size"]
    detail = admin_graphql('{ adminCategory(id: "/api/admin/catalog/categories/4") { filterableAttributeIds } }')
    assert detail["data"]["adminCategory"]["filterableAttributeIds"] == [color, size]
    assert [a["code"] for a in facets(client, category_id=4)["attributes"]] == ["color", "size"]
    assert [a["id"] for a in client.get("/api/shop/categories/5").json()["filterableAttributes"]] == [
        attribute_id("price"), color, size, attribute_id("brand")]  # other categories keep theirs
