"""Admin categories over REST and GraphQL: the datagrid list (locale, filters, compound sort), the tree
(rootId, status keeping ancestors), the detail, create and update with locale-nested translations, moves
that keep the nested set exact, delete guards, mass delete, mass status, and the shop seeing each change.

Seed: root 1 -> Men 2 (Clothing 3: Hoodies 4, Shirts 5; Footwear 6: Sneakers 7, Boots 8; Accessories 9:
Caps 10, Belts 11), Women 12 (Clothing 13: Dresses 14, Tops 15; ...), Home 22, Electronics 29; 35
categories, root bounds (1, 70), Men (2, 21). Root 1 is the channel's root category.
"""
import pytest

from storage.db import database
from storage.models import Category, CategoryTranslation
from storage.search_models import CategoryFilterableAttribute
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.catalog_fixtures import expected_bounds, restored, stored_bounds
from tests.helpers import attribute_id, list_statement_counts

BASE = "/api/admin/catalog/categories"
SEEDED = "2026-01-15T09:30:00+00:00"


def filterable() -> list[int]:
    """Every filterable attribute by position: price, color, size, brand (the seeded categories filter by all)."""
    return [attribute_id(code) for code in ("price", "color", "size", "brand")]


@pytest.fixture
def tree():
    """Categories and translations come back as seeded (bounds included) after the test."""
    with restored(Category, CategoryTranslation, CategoryFilterableAttribute):
        yield


def create(admin_client, **fields):
    body = {"position": 1, "attributes": [attribute_id("color")], **fields}
    response = admin_client.post(BASE, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["data"]]


def shop_children(client, parent_id: int) -> list[tuple[int, str]]:
    """Active children in the shop's tree, by position."""
    rows = client.get("/api/shop/category-trees", params={"parentId": parent_id, "depth": 1}).json()
    return [(row["id"], row["translation"]["name"]) for row in rows]


# --- list ----------------------------------------------------------------------------

def test_list_is_an_envelope_of_every_category_newest_first(admin_client):
    body = admin_client.get(BASE).json()
    assert [row["id"] for row in body["data"]] == list(range(35, 25, -1))
    assert body["meta"] == {"currentPage": 1, "perPage": 10, "lastPage": 4, "total": 35, "from": 1, "to": 10}
    assert admin_client.get(BASE, params={"category_id": "2"}).json()["data"] == [{
        "id": 2, "position": 1, "status": 1, "parentId": 1, "displayMode": "products_and_description",
        "logoUrl": None, "bannerUrl": None, "name": "Men", "slug": "men", "description": "<p>Men</p>",
        "locale": "en", "createdAt": SEEDED, "updatedAt": SEEDED, "translations": None,
        "filterableAttributeIds": None}]


def test_filters_locale_and_sort(admin_client):
    assert ids(admin_client.get(BASE, params={"parent_id": 1})) == [29, 22, 12, 2]
    assert ids(admin_client.get(BASE, params={"name": "CLOTH"})) == [13, 3]
    french = admin_client.get(BASE, params={"name": "vête", "locale": "fr"}).json()["data"]
    assert [(row["id"], row["name"], row["locale"]) for row in french] == [(13, "Vêtements", "fr"), (3, "Vêtements", "fr")]
    assert ids(admin_client.get(BASE, params={"category_id": "4,5,13", "position": 2})) == [5]
    assert admin_client.get(BASE, params={"status": 7}).json()["meta"]["total"] == 35
    assert admin_client.get(BASE, params={"status": 0}).json()["meta"]["total"] == 0
    by_name = admin_client.get(BASE, params={"sort": "name-asc", "parent_id": 1}).json()["data"]
    assert [row["name"] for row in by_name] == ["Electronics", "Home", "Men", "Women"]
    explicit = admin_client.get(BASE, params={"sort": "name-asc", "order": "desc", "parent_id": 1}).json()["data"]
    assert [row["name"] for row in explicit] == ["Women", "Men", "Home", "Electronics"]
    by_position = admin_client.get(BASE, params={"sort": "position", "order": "asc", "parent_id": 2})
    assert ids(by_position) == [3, 6, 9]
    bad = admin_client.get(BASE, params={"sort": "slug", "category_id": "4,x"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"sort", "category_id"}


def test_list_statement_count_does_not_grow_with_the_page(admin_client):
    counts = list_statement_counts(admin_client, BASE, sizes=(1, 35))
    assert counts[0] == counts[1]


# --- tree ----------------------------------------------------------------------------

def test_tree_nests_every_level_by_position(admin_client):
    body = admin_client.get(f"{BASE}/tree").json()
    assert body["meta"] == {"currentPage": 1, "perPage": 50, "lastPage": 1, "total": 1, "from": 1, "to": 1}
    [root] = body["data"]
    assert {key: root[key] for key in ("id", "name", "slug", "status", "position", "parentId")} == {
        "id": 1, "name": "Root", "slug": "root", "status": 1, "position": 0, "parentId": None}
    assert [child["name"] for child in root["children"]] == ["Men", "Women", "Home", "Electronics"]
    men = root["children"][0]
    assert [(child["id"], [leaf["id"] for leaf in child["children"]]) for child in men["children"]] == [
        (3, [4, 5]), (6, [7, 8]), (9, [10, 11])]
    assert men["children"][0]["children"][0] == {
        "id": 4, "name": "Hoodies", "slug": "men-hoodies", "status": 1, "position": 1, "parentId": 3,
        "displayMode": "products_and_description", "children": []}
    subtree = admin_client.get(f"{BASE}/tree", params={"rootId": 6, "locale": "fr"}).json()["data"]
    assert [(node["id"], node["name"], [leaf["name"] for leaf in node["children"]]) for node in subtree] == [
        (6, "Chaussures", ["Baskets", "Bottes"])]
    assert admin_client.get(f"{BASE}/tree", params={"rootId": 999999}).json() == {
        "data": [], "meta": {"currentPage": 1, "perPage": 50, "lastPage": 1, "total": 0, "from": None, "to": None}}


def test_tree_status_filter_keeps_ancestors(admin_client, tree):
    assert admin_client.post(f"{BASE}/mass-update-status", json={"indices": [5, 7], "value": 0}).status_code == 200
    disabled = admin_client.get(f"{BASE}/tree", params={"status": 0}).json()["data"]
    men = disabled[0]["children"]
    assert [node["id"] for node in men] == [2]
    assert [(node["id"], node["status"], [leaf["id"] for leaf in node["children"]]) for node in men[0]["children"]] == [
        (3, 1, [5]), (6, 1, [7])]
    enabled = admin_client.get(f"{BASE}/tree", params={"status": 1, "rootId": 3}).json()["data"]
    assert [leaf["id"] for leaf in enabled[0]["children"]] == [4]


# --- detail ----------------------------------------------------------------------------

def test_detail_has_every_translation(admin_client):
    men = admin_client.get(f"{BASE}/2", params={}).json()
    assert men["translations"] == [
        {"locale": "en", "name": "Men", "slug": "men", "description": "<p>Men</p>", "metaTitle": "Men",
         "metaDescription": "", "metaKeywords": ""},
        {"locale": "fr", "name": "Hommes", "slug": "men", "description": "<p>Hommes</p>", "metaTitle": "Hommes",
         "metaDescription": "", "metaKeywords": ""}]
    assert men["filterableAttributeIds"] == filterable()
    assert (men["name"], men["locale"], men["parentId"]) == ("Men", "en", 1)
    assert admin_client.get(f"{BASE}/2", headers={"X-Locale": "fr"}).json()["name"] == "Hommes"
    assert admin_client.get(f"{BASE}/999999").json() == {"message": "Category not found", "error": "not_found"}


# --- create ----------------------------------------------------------------------------

def test_create_places_the_category_and_keeps_the_nested_set(admin_client, client, tree):
    before = stored_bounds()
    jackets = create(admin_client, slug="men-jackets", name="Jackets", parent_id=3, position=2,
                     description="Warm", display_mode="products_and_description", meta_title="Jackets")
    assert {key: jackets[key] for key in ("parentId", "position", "status", "name", "slug", "description", "locale")} == {
        "parentId": 3, "position": 2, "status": 1, "name": "Jackets", "slug": "men-jackets", "description": "Warm",
        "locale": "en"}
    assert jackets["translations"] == [{"locale": "en", "name": "Jackets", "slug": "men-jackets", "description": "Warm",
                                        "metaTitle": "Jackets", "metaDescription": "", "metaKeywords": ""}]
    bounds = stored_bounds()
    assert bounds == expected_bounds()
    # after Shirts (position 2, an older id): Hoodies (4, 5), Shirts (6, 7), Jackets (8, 9)
    assert (bounds[5], bounds[jackets["id"]], bounds[1], bounds[2]) == ((6, 7), (8, 9), (1, 72), (2, 23))
    assert bounds[12] == (before[12][0] + 2, before[12][1] + 2)
    assert shop_children(client, 3) == [(4, "Hoodies"), (5, "Shirts"), (jackets["id"], "Jackets")]
    first = create(admin_client, slug="men-vests", name="Vests", parent_id=3, position=0, status=0, locale="fr")
    assert (first["name"], first["locale"], first["status"]) == (None, "en", 0)
    assert first["translations"][0]["locale"] == "fr"
    assert stored_bounds()[first["id"]] == (4, 5)
    assert stored_bounds() == expected_bounds()
    assert shop_children(client, 3) == [(4, "Hoodies"), (5, "Shirts"), (jackets["id"], "Jackets")]
    default_parent = create(admin_client, slug="outlet", name="Outlet", position=9)
    assert default_parent["parentId"] == 1
    assert shop_children(client, 1)[-1] == (default_parent["id"], "Outlet")  # position 9, after Electronics


def test_create_validation(admin_client, tree):
    response = admin_client.post(BASE, json={"slug": "men", "name": "Men again", "position": 1, "attributes": [1, attribute_id("color")],
                                             "parent_id": 999999, "display_mode": "description_only", "locale": "xx"})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "parent_id": ["The selected parent id is invalid."], "locale": ["Unknown locale."],
        "description": ["The description is required when the display mode is description_only."],
        "slug": ["The slug has already been taken."],
        "attributes": ["Every attribute must exist and be filterable."]}
    malformed = admin_client.post(BASE, json={"slug": "Not A Slug", "attributes": []})
    assert set(malformed.json()["errors"]) == {"slug", "name", "position", "attributes"}
    assert stored_bounds() == expected_bounds() and len(stored_bounds()) == 35


# --- update and move ------------------------------------------------------------------

def test_rename_and_disable_show_in_the_shop(admin_client, client, tree):
    response = admin_client.put(f"{BASE}/2", json={"position": 1, "attributes": [attribute_id("color")], "status": 1,
                                                   "en": {"slug": "men", "name": "Gentlemen"},
                                                   "fr": {"slug": "hommes", "name": "Messieurs", "meta_title": "M"}})
    assert response.status_code == 200
    assert response.json()["name"] == "Gentlemen"
    assert [(t["locale"], t["name"], t["slug"], t["description"], t["metaTitle"]) for t in response.json()["translations"]] == [
        ("en", "Gentlemen", "men", "<p>Men</p>", "Men"), ("fr", "Messieurs", "hommes", "<p>Hommes</p>", "M")]
    assert client.get("/api/shop/categories/2").json()["translation"]["name"] == "Gentlemen"
    assert client.get("/api/shop/categories/2", headers={"X-Locale": "fr"}).json()["translation"]["name"] == "Messieurs"
    disabled = admin_client.put(f"{BASE}/3", json={"position": 1, "attributes": [attribute_id("color")], "status": 0,
                                                   "en": {"slug": "men-clothing", "name": "Clothing"}})
    assert disabled.json()["status"] == 0
    assert shop_children(client, 2) == [(6, "Footwear"), (9, "Accessories")]
    assert client.get("/api/shop/categories/3").status_code == 404


def test_move_carries_the_subtree_and_keeps_the_nested_set(admin_client, client, tree):
    seeded = stored_bounds()
    moved = admin_client.put(f"{BASE}/3", json={"parent_id": 12, "position": 3, "attributes": [attribute_id("color")],
                                                "en": {"slug": "men-clothing", "name": "Clothing"}})
    assert moved.status_code == 200
    assert moved.json()["parentId"] == 12
    bounds = stored_bounds()
    assert bounds == expected_bounds()
    assert bounds[2] == (2, 15)  # Men lost Clothing's 6 slots
    assert bounds[3][1] - bounds[3][0] == 5 and bounds[4][0] == bounds[3][0] + 1
    assert bounds[12][0] < bounds[3][0] < bounds[3][1] < bounds[12][1]
    assert shop_children(client, 2) == [(6, "Footwear"), (9, "Accessories")]
    assert [child_id for child_id, _ in shop_children(client, 12)] == [13, 16, 3, 19]  # position 3, before Bags (id 19)
    shop = client.get("/api/shop/categories/4").json()
    assert (shop["_lft"], shop["_rgt"]) == bounds[4]
    back = admin_client.put(f"{BASE}/3", json={"parent_id": 2, "position": 1, "attributes": [attribute_id("color")],
                                               "en": {"slug": "men-clothing", "name": "Clothing"}})
    assert back.status_code == 200
    assert stored_bounds() == seeded


def test_reorder_among_siblings(admin_client, client, tree):
    response = admin_client.put(f"{BASE}/9", json={"position": 0, "attributes": [attribute_id("color")],
                                                   "en": {"slug": "men-accessories", "name": "Accessories"}})
    assert response.status_code == 200
    bounds = stored_bounds()
    assert bounds == expected_bounds()
    assert (bounds[9], bounds[10], bounds[3]) == ((3, 8), (4, 5), (9, 14))
    assert shop_children(client, 2) == [(9, "Accessories"), (3, "Clothing"), (6, "Footwear")]


def test_update_validation(admin_client, tree):
    under_itself = admin_client.put(f"{BASE}/2", json={"parent_id": 4, "position": 1, "attributes": [attribute_id("color")],
                                                       "en": {"slug": "men", "name": "Men"}})
    assert under_itself.status_code == 422
    assert under_itself.json()["errors"] == {"parent_id": ["A category cannot move under itself or its descendants."]}
    root = admin_client.put(f"{BASE}/1", json={"parent_id": 2, "position": 0, "attributes": [attribute_id("color")],
                                               "en": {"slug": "root", "name": "Root"}})
    assert root.json()["errors"] == {"parent_id": ["A root category cannot be moved."]}
    locales = admin_client.put(f"{BASE}/2", json={"locale": "fr", "position": 1, "attributes": [attribute_id("color")],
                                                  "en": {"slug": "women", "name": "Men"},
                                                  "xx": {"slug": "x", "name": "x"}, "display_mode": "description_only"})
    assert locales.json()["errors"] == {
        "xx": ["Unknown locale."], "fr": ["The fr translation (slug, name) is required."],
        "en.description": ["The description is required when the display mode is description_only."],
        "en.slug": ["The slug has already been taken."]}
    nested = admin_client.put(f"{BASE}/2", json={"position": 1, "attributes": [attribute_id("color")], "en": {"slug": "Men!"}})
    assert set(nested.json()["errors"]) == {"en.slug", "en.name"}
    assert admin_client.put(f"{BASE}/999999", json={"position": 1, "attributes": [attribute_id("color")],
                                                    "en": {"slug": "x", "name": "x"}}).status_code == 404
    assert stored_bounds() == expected_bounds()
    with database.connection_context():
        assert Category.get_by_id(2).parent_id == 1


# --- delete ----------------------------------------------------------------------------

def test_delete_takes_the_subtree_and_closes_the_gap(admin_client, client, tree):
    seeded = stored_bounds()
    outlet = create(admin_client, slug="outlet", name="Outlet", parent_id=2, position=5)
    child = create(admin_client, slug="outlet-shoes", name="Shoes", parent_id=outlet["id"])
    assert stored_bounds()[outlet["id"]] == (21, 24) and stored_bounds()[child["id"]] == (22, 23)  # after Accessories
    deleted = admin_client.delete(f"{BASE}/{outlet['id']}")
    assert deleted.json() == {"message": "Category deleted successfully."}
    assert stored_bounds() == seeded
    assert admin_client.get(f"{BASE}/{child['id']}").status_code == 404
    with database.connection_context():
        assert not CategoryTranslation.select().where(CategoryTranslation.slug == "outlet-shoes").exists()
    root = admin_client.delete(f"{BASE}/1")
    assert root.status_code == 400
    assert root.json() == {"message": "Root and channel-root categories cannot be deleted.", "error": "root_category"}


def test_mass_delete_is_all_or_nothing(admin_client, tree):
    seeded = stored_bounds()
    one = create(admin_client, slug="one", name="One", parent_id=22)
    two = create(admin_client, slug="two", name="Two", parent_id=one["id"])
    refused = admin_client.post(f"{BASE}/mass-delete", json={"indices": [one["id"], 1]})
    assert refused.status_code == 400 and refused.json()["error"] == "root_category"
    assert admin_client.get(f"{BASE}/{one['id']}").status_code == 200
    deleted = admin_client.post(f"{BASE}/mass-delete", json={"indices": [two["id"], one["id"], 999999]})
    assert deleted.json() == {"deleted": sorted([one["id"], two["id"]]), "message": "Categories deleted successfully."}
    assert stored_bounds() == seeded


def test_mass_update_status_shows_in_the_shop(admin_client, client, tree):
    response = admin_client.post(f"{BASE}/mass-update-status", json={"indices": [4, 5, 999999], "value": 0})
    assert response.json() == {"updated": [4, 5], "value": 0, "message": "Categories status updated successfully."}
    assert shop_children(client, 3) == []
    assert [row["status"] for row in admin_client.get(BASE, params={"parent_id": 3}).json()["data"]] == [0, 0]
    admin_client.post(f"{BASE}/mass-update-status", json={"indices": [4], "value": 1})
    assert shop_children(client, 3) == [(4, "Hoodies")]
    bad = admin_client.post(f"{BASE}/mass-update-status", json={"indices": [4], "value": 2})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"value"}


# --- GraphQL ---------------------------------------------------------------------------

def test_graphql_list_tree_and_detail(admin_graphql):
    listed = admin_graphql("""{ adminCategories(first: 2, parent_id: 1, sort: "id-asc", locale: "fr") {
        edges { node { id _id name locale parentId translations } } totalCount } }""")
    assert listed["data"]["adminCategories"] == {"totalCount": 4, "edges": [
        {"node": {"id": "/api/admin/catalog/categories/2", "_id": 2, "name": "Hommes", "locale": "fr",
                  "parentId": 1, "translations": None}},
        {"node": {"id": "/api/admin/catalog/categories/12", "_id": 12, "name": "Femmes", "locale": "fr",
                  "parentId": 1, "translations": None}}]}
    by_name = admin_graphql('{ adminCategories(parent_id: 1, sort: "name", order: "asc") { edges { node { name } } } }')
    assert [edge["node"]["name"] for edge in by_name["data"]["adminCategories"]["edges"]] == [
        "Electronics", "Home", "Men", "Women"]
    by_ids = admin_graphql('{ adminCategories(category_id: "4,5") { edges { node { _id } } } }')
    assert [edge["node"]["_id"] for edge in by_ids["data"]["adminCategories"]["edges"]] == [5, 4]
    trees = admin_graphql('{ adminCategoryTrees(rootId: 9) { edges { node { id _id name children } } totalCount } }')
    [edge] = trees["data"]["adminCategoryTrees"]["edges"]
    assert (edge["node"]["id"], edge["node"]["name"]) == ("/api/admin/catalog/categories/9", "Accessories")
    assert [(child["id"], child["name"], child["children"]) for child in edge["node"]["children"]] == [
        (10, "Caps", []), (11, "Belts", [])]
    detail = admin_graphql('{ adminCategory(id: "/api/admin/catalog/categories/9") { name translations filterableAttributeIds } }')
    assert detail["data"]["adminCategory"]["filterableAttributeIds"] == filterable()
    assert [t["name"] for t in detail["data"]["adminCategory"]["translations"]] == ["Accessories", "Accessoires"]


def test_graphql_mutations(admin_graphql, client, tree):
    seeded = stored_bounds()
    created = admin_graphql("""mutation($input: createAdminCategoryInput!) {
        createAdminCategory(input: $input) { adminCategory { id _id name parentId } } }""",
                            {"input": {"slug": "home-garden", "name": "Garden", "position": 3, "attributes": [attribute_id("color"), attribute_id("size")],
                                       "parentId": 22, "displayMode": "products_only", "metaTitle": "Garden"}})
    node = created["data"]["createAdminCategory"]["adminCategory"]
    assert (node["name"], node["parentId"]) == ("Garden", 22)
    moved = admin_graphql("""mutation($input: updateAdminCategoryInput!) {
        updateAdminCategory(input: $input) { adminCategory { parentId position translations } } }""",
                          {"input": {"id": node["id"], "position": 1, "attributes": [attribute_id("color")], "parentId": 29,
                                     "en": {"slug": "home-garden", "name": "Garden", "metaTitle": "Outdoor"}}})
    category = moved["data"]["updateAdminCategory"]["adminCategory"]
    assert (category["parentId"], category["position"], category["translations"][0]["metaTitle"]) == (29, 1, "Outdoor")
    assert stored_bounds() == expected_bounds()
    invalid = admin_graphql("""mutation($input: updateAdminCategoryInput!) {
        updateAdminCategory(input: $input) { adminCategory { id } } }""",
                            {"input": {"id": node["id"], "position": 1, "attributes": [attribute_id("color")], "parentId": node["_id"],
                                       "en": {"slug": "home-garden", "name": "Garden"}}})
    assert invalid["errors"][0]["extensions"]["errors"] == {
        "parentId": ["A category cannot move under itself or its descendants."]}
    status = admin_graphql("""mutation($input: createAdminCategoryMassUpdateStatusInput!) {
        createAdminCategoryMassUpdateStatus(input: $input) { adminCategoryMassUpdateStatus { id updated value message } } }""",
                           {"input": {"indices": [node["_id"]], "value": 0}})
    assert status["data"]["createAdminCategoryMassUpdateStatus"]["adminCategoryMassUpdateStatus"] == {
        "id": "/api/admin/catalog/categories/mass-update-status", "updated": [node["_id"]], "value": 0,
        "message": "Categories status updated successfully."}
    refused = admin_graphql('mutation { deleteAdminCategory(input: {id: "/api/admin/catalog/categories/1"}) '
                            '{ adminCategory { id } } }')
    assert refused["errors"][0]["message"] == "Root and channel-root categories cannot be deleted."
    deleted = admin_graphql("""mutation($input: createAdminCategoryMassDeleteInput!) {
        createAdminCategoryMassDelete(input: $input) { adminCategoryMassDelete { deleted message } } }""",
                            {"input": {"indices": [node["_id"]]}})
    assert deleted["data"]["createAdminCategoryMassDelete"]["adminCategoryMassDelete"] == {
        "deleted": [node["_id"]], "message": "Categories deleted successfully."}
    assert stored_bounds() == seeded


def test_graphql_children_are_the_direct_children_by_position(admin_graphql):
    result = admin_graphql('{ adminCategories(first: 1, category_id: "2") { edges { node { _id name '
                           'children { totalCount edges { node { _id name parentId } } } } } } }')
    men = result["data"]["adminCategories"]["edges"][0]["node"]
    with database.connection_context():
        expected = [row.id for row in Category.select().where(Category.parent == 2)
                    .order_by(Category.position, Category.id)]
    children = men["children"]
    assert children["totalCount"] == len(expected) == 3
    assert [edge["node"]["_id"] for edge in children["edges"]] == expected
    assert [edge["node"]["name"] for edge in children["edges"]] == ["Clothing", "Footwear", "Accessories"]
    assert {edge["node"]["parentId"] for edge in children["edges"]} == {2}
    leaf = admin_graphql('{ adminCategory(id: "/api/admin/catalog/categories/%d") { children { totalCount '
                         'pageInfo { endCursor } } } }' % expected[0])
    grandchildren = leaf["data"]["adminCategory"]["children"]
    assert grandchildren["totalCount"] == 2 and grandchildren["pageInfo"]["endCursor"] is not None


def test_graphql_delete_answers_the_category_as_it_was(admin_client, admin_graphql, tree):
    node = create(admin_client, slug="to-remove", name="To remove")
    deleted = admin_graphql('mutation { deleteAdminCategory(input: {id: "/api/admin/catalog/categories/%d"}) '
                            '{ adminCategory { id _id name slug } } }' % node["id"])
    assert deleted["data"]["deleteAdminCategory"]["adminCategory"] == {
        "id": f"/api/admin/catalog/categories/{node['id']}", "_id": node["id"], "name": "To remove",
        "slug": "to-remove"}
    assert admin_client.get(f"{BASE}/{node['id']}").status_code == 404
