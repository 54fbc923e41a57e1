"""Categories over REST and GraphQL: visibility (active, inside the channel's tree), translations with
fallback, inline children, the nested tree, and a constant number of SQL statements per request.

Seed: root 1 -> Men 2 (Clothing 3: Hoodies 4, Shirts 5; Footwear 6; Accessories 9), Women 12, Home 22,
Electronics 29; 34 categories below the root. Category N has translations en (id 2N-1) and fr (id 2N).
"""

from storage.models import Category, CategoryTranslation
from tests.helpers import attribute_id, changed, count_queries


def names(documents):
    return [document["translation"]["name"] for document in documents]


# --- REST: flat list and single category -----------------------------------------

def test_list_categories_default_page_of_15_without_the_root(client):
    response = client.get("/api/shop/categories")
    assert response.status_code == 200
    assert [category["id"] for category in response.json()] == list(range(2, 17))
    assert response.headers["X-Total-Count"] == "34"
    assert response.headers["X-Per-Page"] == "15"
    assert response.headers["X-Total-Pages"] == "3"
    last = client.get("/api/shop/categories", params={"page": 3}).json()
    assert [category["id"] for category in last] == [32, 33, 34, 35]


def test_parent_id_lists_direct_children_and_accepts_parent_id_alias(client):
    response = client.get("/api/shop/categories", params={"parent_id": 1, "per_page": 2})
    assert names(response.json()) == ["Men", "Women"]
    assert response.headers["X-Total-Count"] == "4"
    assert response.headers["X-Total-Pages"] == "2"
    alias = client.get("/api/shop/categories", params={"parentId": 3})
    assert names(alias.json()) == ["Hoodies", "Shirts"]
    assert client.get("/api/shop/categories", params={"parent_id": 4}).json() == []
    assert client.get("/api/shop/categories", params={"parent_id": 999}).headers["X-Total-Count"] == "0"


def test_category_document(client):
    category = client.get("/api/shop/categories/2").json()
    assert category["position"] == 1
    assert category["status"] == 1
    assert category["displayMode"] == "products_and_description"
    assert (category["_lft"], category["_rgt"]) == (2, 21)
    assert category["url"] == "http://127.0.0.1:8000/men"
    assert category["logoPath"] is None and category["logoUrl"] is None
    assert category["translation"] == {
        "id": 3, "categoryId": 2, "name": "Men", "slug": "men", "urlPath": "men", "description": "<p>Men</p>",
        "metaTitle": "Men", "metaDescription": "", "metaKeywords": "", "localeId": 1, "locale": "en"}
    assert category["translations"] == ["/api/shop/category_translations/3", "/api/shop/category_translations/4"]
    assert category["parent"] == "/api/shop/categories/1"
    assert [(child["id"], child["translation"]["name"]) for child in category["children"]] == [
        (3, "Clothing"), (6, "Footwear"), (9, "Accessories")]
    assert "children" not in category["children"][0]
    assert category["children"][0]["url"] == "http://127.0.0.1:8000/men-clothing"
    attributes = category["filterableAttributes"]
    assert [attribute["code"] for attribute in attributes] == ["price", "color", "size", "brand"]
    assert attributes[0] == {"id": attribute_id("price"), "code": "price", "type": "price", "isFilterable": 1,
                             "options": []}
    assert [option["adminName"] for option in attributes[1]["options"]] == [
        "Red", "Green", "Yellow", "Black", "White", "Blue"]


def test_leaf_has_no_children_and_root_has_no_parent(client):
    assert client.get("/api/shop/categories/4").json()["children"] == []
    root = client.get("/api/shop/categories/1").json()
    assert root["parent"] is None
    assert names(root["children"]) == ["Men", "Women", "Home", "Electronics"]


def test_french_translations_and_fallback(client):
    french = client.get("/api/shop/categories/2", headers={"X-Locale": "fr"}).json()
    assert french["translation"]["name"] == "Hommes"
    assert french["translation"]["localeId"] == 2
    assert names(french["children"]) == ["Vêtements", "Chaussures", "Accessoires"]
    unknown = client.get("/api/shop/categories/2", headers={"X-Locale": "de"}).json()
    assert unknown["translation"]["name"] == "Men"
    with changed(CategoryTranslation, 4, locale="xx"):
        missing = client.get("/api/shop/categories/2", headers={"X-Locale": "fr"}).json()
        assert missing["translation"]["locale"] == "en"
        assert missing["translation"]["name"] == "Men"
        assert names(missing["children"]) == ["Vêtements", "Chaussures", "Accessoires"]


def test_unknown_category_is_404(client):
    response = client.get("/api/shop/categories/999")
    assert response.status_code == 404
    assert response.json() == {"message": "Category not found", "error": "not_found"}


def test_disabled_category_is_hidden_everywhere(client, graphql):
    with changed(Category, 3, status=False):
        assert client.get("/api/shop/categories/3").status_code == 404
        listed = client.get("/api/shop/categories", params={"per_page": 50})
        assert 3 not in [category["id"] for category in listed.json()]
        assert listed.headers["X-Total-Count"] == "33"
        assert names(client.get("/api/shop/categories/2").json()["children"]) == ["Footwear", "Accessories"]
        tree = client.get("/api/shop/category-trees", params={"parentId": 2}).json()
        assert names(tree) == ["Footwear", "Accessories"]
        men = graphql('{ category(id: 2) { children { totalCount } } }')["data"]["category"]
        assert men["children"]["totalCount"] == 2


def test_invalid_parameters_are_400(client):
    response = client.get("/api/shop/categories", params={"per_page": 0, "parent_id": "x"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"per_page", "parent_id"}
    assert client.get("/api/shop/category-trees", params={"parentId": 1, "depth": 0}).status_code == 400


# --- REST: tree ---------------------------------------------------------------

def test_category_tree_with_depth(client):
    response = client.get("/api/shop/category-trees", params={"parentId": 1, "depth": 2})
    assert response.status_code == 200
    assert "X-Total-Count" not in response.headers
    tree = response.json()
    assert names(tree) == ["Men", "Women", "Home", "Electronics"]
    men = tree[0]
    assert set(men) == {"id", "position", "status", "displayMode", "_lft", "_rgt", "createdAt", "updatedAt", "url",
                        "translation", "children"}
    assert names(men["children"]) == ["Clothing", "Footwear", "Accessories"]
    assert men["children"][0]["children"] == []


def test_category_tree_default_depth_reaches_the_leaves(client):
    tree = client.get("/api/shop/category-trees", params={"parentId": 1}, headers={"X-Locale": "fr"}).json()
    electronics = tree[3]
    assert electronics["translation"]["name"] == "Électronique"
    assert [names(mid["children"]) for mid in electronics["children"]] == [
        ["Casques", "Enceintes"], ["Montres", "Bracelets"]]
    assert electronics["children"][0]["children"][0]["children"] == []


def test_category_tree_subtree_and_empty_cases(client):
    assert names(client.get("/api/shop/category-trees", params={"parentId": 3}).json()) == ["Hoodies", "Shirts"]
    assert client.get("/api/shop/category-trees").json() == []
    assert client.get("/api/shop/category-trees", params={"parentId": 999}).json() == []
    assert client.get("/api/shop/category-trees", params={"parentId": 4}).json() == []


# --- query counts ---------------------------------------------------------------

def test_list_query_count_does_not_grow_with_page_size(client):
    with count_queries() as small:
        assert len(client.get("/api/shop/categories", params={"per_page": 1}).json()) == 1
    with count_queries() as large:
        assert len(client.get("/api/shop/categories", params={"per_page": 50}).json()) == 34
    assert len(small) == len(large)


def test_tree_query_count_does_not_grow_with_tree_size(client):
    with count_queries() as small:
        client.get("/api/shop/category-trees", params={"parentId": 3})
    with count_queries() as large:
        client.get("/api/shop/category-trees", params={"parentId": 1, "depth": 10})
    assert len(small) == len(large)


def test_graphql_query_count_does_not_grow_with_page_size(graphql):
    query = """query($first: Int) { categories(first: $first) { edges { node { _id translation { name }
               translations { totalCount } filterableAttributes { totalCount }
               children { edges { node { _id children { totalCount } } } } } } } }"""
    with count_queries() as small:
        assert len(graphql(query, {"first": 1})["data"]["categories"]["edges"]) == 1
    with count_queries() as large:
        assert len(graphql(query, {"first": 50})["data"]["categories"]["edges"]) == 34
    assert len(small) == len(large)


# --- GraphQL --------------------------------------------------------------------

def test_graphql_categories_connection(graphql):
    result = graphql("""{ categories(first: 2) { edges { cursor node { id _id position status _lft _rgt url
                          translation { id _id name slug categoryId localeId locale } } }
                          pageInfo { hasNextPage endCursor } totalCount } }""")
    connection = result["data"]["categories"]
    assert connection["totalCount"] == 34
    assert connection["pageInfo"] == {"hasNextPage": True, "endCursor": "MQ=="}
    first = connection["edges"][0]
    assert first["cursor"] == "MA=="
    assert first["node"] == {
        "id": "/api/shop/categories/2", "_id": 2, "position": 1, "status": "1", "_lft": "2", "_rgt": "21",
        "url": "http://127.0.0.1:8000/men",
        "translation": {"id": "/api/shop/category_translations/3", "_id": 3, "name": "Men", "slug": "men",
                        "categoryId": "2", "localeId": "1", "locale": "en"}}
    assert connection["edges"][1]["node"]["_id"] == 3
    after = graphql('{ categories(first: 1, after: "MQ==") { edges { node { _id } } } }')
    assert after["data"]["categories"]["edges"][0]["node"]["_id"] == 4


def test_graphql_category_with_children_translations_and_attributes(graphql):
    query = """query($id: ID!) { category(id: $id) { id translation { name }
               translations { totalCount edges { node { id locale name } } }
               filterableAttributes { edges { node { id _id code adminName type } } }
               children(first: 2) { totalCount pageInfo { hasNextPage }
                 edges { node { _id translation { name } children { totalCount } } } } } }"""
    category = graphql(query, {"id": "/api/shop/categories/2"}, headers={"X-Locale": "fr"})["data"]["category"]
    assert category["id"] == "/api/shop/categories/2"
    assert category["translation"]["name"] == "Hommes"
    assert category["translations"]["totalCount"] == 2
    assert [edge["node"] for edge in category["translations"]["edges"]] == [
        {"id": "/api/shop/category_translations/3", "locale": "en", "name": "Men"},
        {"id": "/api/shop/category_translations/4", "locale": "fr", "name": "Hommes"}]
    color = attribute_id("color")
    assert category["filterableAttributes"]["edges"][1]["node"] == {
        "id": f"/api/shop/attributes/{color}", "_id": color, "code": "color", "adminName": "Color", "type": "select"}
    children = category["children"]
    assert children["totalCount"] == 3
    assert children["pageInfo"]["hasNextPage"] is True
    assert [edge["node"] for edge in children["edges"]] == [
        {"_id": 3, "translation": {"name": "Vêtements"}, "children": {"totalCount": 2}},
        {"_id": 6, "translation": {"name": "Chaussures"}, "children": {"totalCount": 2}}]
    by_number = graphql("{ category(id: 29) { translation { name } } }")
    assert by_number["data"]["category"]["translation"]["name"] == "Electronics"


def test_graphql_category_not_found(graphql):
    missing = graphql('{ category(id: "/api/shop/categories/999") { id } }')
    assert missing["data"]["category"] is None
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert missing["errors"][0]["message"] == "Category not found"


def test_graphql_tree_categories(graphql):
    result = graphql("""{ treeCategories(parentId: 1) { id translation { name }
                          children { edges { node { translation { name }
                            children { edges { node { translation { name } } } } } } } } }""")
    tree = result["data"]["treeCategories"]
    assert [node["translation"]["name"] for node in tree] == ["Men", "Women", "Home", "Electronics"]
    assert tree[2]["id"] == "/api/shop/categories/22"
    furniture = tree[2]["children"]["edges"][0]["node"]
    assert furniture["translation"]["name"] == "Furniture"
    assert [edge["node"]["translation"]["name"] for edge in furniture["children"]["edges"]] == ["Sofas", "Tables"]
    subtree = graphql("{ treeCategories(parentId: 23) { _id } }")["data"]["treeCategories"]
    assert subtree == [{"_id": 24}, {"_id": 25}]
    assert graphql("{ treeCategories(parentId: 999) { _id } }")["data"]["treeCategories"] == []
