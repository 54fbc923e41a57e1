"""Admin attribute families over REST and GraphQL: the slim list (envelope, filters, sort), the detail with
groups and their attributes, create with a list of groups, update with groups keyed by id or `group_*`
(omitted groups deleted), delete guards, and the shop's product detail showing a renamed family.

Seed: one family, 1 `default` (system) with the seven groups of a default install (1 general, 2 description,
3 meta_description, 4 price, 5 shipping, 6 settings, 7 inventories) holding the 28 standard attributes;
every product belongs to it.
"""
import pytest

from storage.db import database
from storage.models import AttributeFamily, AttributeGroup, AttributeGroupMapping, Product
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.catalog_fixtures import restored
from tests.helpers import attribute_id, list_statement_counts

BASE = "/api/admin/catalog/families"


def electronics_body() -> dict:
    return {"code": "electronics", "name": "Electronics", "attribute_groups": [
        {"code": "general", "name": "General", "column": 1, "position": 1,
         "custom_attributes": [{"id": attribute_id("sku")}, {"id": attribute_id("name")}]},
        {"code": "specs", "name": "Specifications", "column": 2, "position": 2,
         "custom_attributes": [{"id": attribute_id("brand"), "position": 5},
                               {"id": attribute_id("color"), "position": 1}]}]}


@pytest.fixture
def families():
    with restored(AttributeFamily, AttributeGroup, AttributeGroupMapping):
        yield


@pytest.fixture
def electronics(admin_client, families):
    response = admin_client.post(BASE, json=electronics_body())
    assert response.status_code == 201, response.text
    return response.json()


def test_list_is_slim_and_newest_first(admin_client, electronics):
    body = admin_client.get(BASE).json()
    assert body == {"data": [{"id": electronics["id"], "code": "electronics", "name": "Electronics"},
                             {"id": 1, "code": "default", "name": "Default"}],
                    "meta": {"currentPage": 1, "perPage": 10, "lastPage": 1, "total": 2, "from": 1, "to": 2}}
    assert admin_client.get(BASE, params={"sort": "code", "order": "asc"}).json()["data"][0]["code"] == "default"
    assert [row["code"] for row in admin_client.get(BASE, params={"name": "ELEC"}).json()["data"]] == ["electronics"]
    assert [row["id"] for row in admin_client.get(BASE, params={"id": "1", "code": "def"}).json()["data"]] == [1]
    assert admin_client.get(BASE, params={"id": "1", "code": "elec"}).json()["meta"]["total"] == 0
    assert admin_client.get(BASE, params={"sort": "position"}).status_code == 400


def test_list_statement_count_does_not_grow_with_the_page(admin_client, electronics):
    counts = list_statement_counts(admin_client, BASE, sizes=(1, 50))
    assert counts[0] == counts[1]


def test_detail_has_groups_with_their_attributes(admin_client):
    family = admin_client.get(f"{BASE}/1").json()
    assert (family["id"], family["code"], family["name"]) == (1, "default", "Default")
    groups = family["attributeGroups"]
    assert [(group["id"], group["code"], group["name"], group["column"], group["position"]) for group in groups] == [
        (1, "general", "General", 1, 1), (4, "price", "Price", 2, 1), (2, "description", "Description", 1, 2),
        (5, "shipping", "Shipping", 2, 2), (3, "meta_description", "Meta Description", 1, 3),
        (6, "settings", "Settings", 2, 3), (7, "inventories", "Inventories", 2, 4)]
    general = groups[0]
    assert general["attributes"][0] == {"id": 1, "code": "sku", "type": "text", "isRequired": 1, "column": 1,
                                        "position": 1}
    assert [attribute["code"] for attribute in general["attributes"]] == [
        "sku", "product_number", "name", "url_key", "tax_category_id", "color", "size", "brand"]
    assert sorted(attribute["id"] for group in groups for attribute in group["attributes"]) == list(range(1, 29))
    missing = admin_client.get(f"{BASE}/999999")
    assert missing.json() == {"message": "Attribute family not found", "error": "not_found"}


def test_create_with_groups(admin_client, electronics):
    general, specs = electronics["attributeGroups"]
    assert (electronics["code"], electronics["name"]) == ("electronics", "Electronics")
    assert [(attribute["code"], attribute["position"], attribute["column"]) for attribute in general["attributes"]] == [
        ("sku", 1, 1), ("name", 2, 1)]
    assert [(attribute["code"], attribute["position"], attribute["column"]) for attribute in specs["attributes"]] == [
        ("color", 1, 2), ("brand", 5, 2)]
    assert admin_client.get(f"{BASE}/{electronics['id']}").json() == electronics


def test_create_validation(admin_client, families):
    taken = admin_client.post(BASE, json={"code": "default", "name": "Again"})
    assert taken.status_code == 422
    assert taken.json()["errors"] == {"code": ["The code has already been taken."]}
    malformed = admin_client.post(BASE, json={"code": "Not Snake", "attribute_groups": [{"code": "g"}]})
    assert set(malformed.json()["errors"]) == {"code", "name", "attribute_groups.0.name"}
    groups = admin_client.post(BASE, json={"code": "gadgets", "name": "Gadgets", "attribute_groups": [
        {"code": "one", "name": "One", "custom_attributes": [{"id": 1}, {"id": 999999}]},
        {"code": "one", "name": "Two", "custom_attributes": [{"id": 1}]}]})
    assert groups.status_code == 422
    assert groups.json()["errors"] == {
        "attribute_groups.0.custom_attributes": ["Attribute 999999 does not exist."],
        "attribute_groups.1.code": ["The group code is used twice in this family."],
        "attribute_groups.1.custom_attributes": ["Attribute 1 is already in another group of this family."]}
    with database.connection_context():
        assert AttributeFamily.select().count() == 1


def test_update_restructures_groups(admin_client, electronics):
    general, specs = electronics["attributeGroups"]
    response = admin_client.put(f"{BASE}/{electronics['id']}", json={
        "code": "electronics", "name": "Electronics (updated)", "attribute_groups": {
            str(general["id"]): {"code": "general", "name": "Basics", "column": 1, "position": 2,
                                 "custom_attributes": [{"id": 2, "position": 1}]},
            "group_new_1": {"code": "pricing", "name": "Pricing", "column": 2, "position": 1,
                            "custom_attributes": [{"id": attribute_id("price")},
                                                      {"id": attribute_id("special_price")}]}}})
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Electronics (updated)"
    assert [(group["code"], group["name"], group["position"]) for group in body["attributeGroups"]] == [
        ("pricing", "Pricing", 1), ("general", "Basics", 2)]
    assert body["attributeGroups"][1]["id"] == general["id"]
    assert [attribute["code"] for attribute in body["attributeGroups"][0]["attributes"]] == ["price", "special_price"]
    assert [attribute["code"] for attribute in body["attributeGroups"][1]["attributes"]] == ["name"]
    with database.connection_context():  # the `specs` group and its attribute links are gone
        groups = AttributeGroup.select().where(AttributeGroup.attribute_family == electronics["id"])
        assert sorted(group.code for group in groups) == ["general", "pricing"]
        assert AttributeGroupMapping.select().where(AttributeGroupMapping.attribute_group.in_(
            [group.id for group in groups])).count() == 3
        assert specs["code"] == "specs"
    renamed_only = admin_client.put(f"{BASE}/{electronics['id']}", json={"code": "gadgets", "name": "Gadgets"})
    assert [group["code"] for group in renamed_only.json()["attributeGroups"]] == ["pricing", "general"]
    foreign = admin_client.put(f"{BASE}/{electronics['id']}", json={
        "code": "gadgets", "name": "Gadgets", "attribute_groups": {"1": {"code": "general", "name": "General"}}})
    assert foreign.status_code == 422
    assert foreign.json()["errors"] == {"attribute_groups.1": ["Use the id of a group of this family or a group_* key."]}
    taken = admin_client.put(f"{BASE}/{electronics['id']}", json={"code": "default", "name": "x"})
    assert taken.json()["errors"] == {"code": ["The code has already been taken."]}
    partial = admin_client.put(f"{BASE}/{electronics['id']}", json={"name": "x"})
    assert partial.status_code == 422 and set(partial.json()["errors"]) == {"code"}


def test_a_renamed_family_shows_in_the_product_detail(admin_client, client, families):
    response = admin_client.put(f"{BASE}/1", json={"code": "default", "name": "Standard"})
    assert response.status_code == 200
    product = client.get("/api/shop/products/1").json()
    assert product["attributeFamily"] == {"id": 1, "code": "default", "name": "Standard"}


def test_delete_guards(admin_client, electronics):
    in_use = admin_client.delete(f"{BASE}/1")
    assert in_use.status_code == 400
    with database.connection_context():
        products = Product.select().where(Product.attribute_family == 1).count()
    assert in_use.json() == {"message": f"Cannot delete — attribute family is in use by {products} product(s).",
                             "error": "family_in_use"}
    deleted = admin_client.delete(f"{BASE}/{electronics['id']}")
    assert deleted.json() == {"message": "Attribute family deleted successfully."}
    assert admin_client.get(f"{BASE}/{electronics['id']}").status_code == 404
    with database.connection_context():
        assert not AttributeGroup.select().where(AttributeGroup.attribute_family == electronics["id"]).exists()
    last = admin_client.delete(f"{BASE}/1")
    assert last.json() == {"message": "At least one attribute family is required.", "error": "last_family"}


def test_graphql_twins(admin_graphql, families):
    created = admin_graphql("""mutation($input: createAdminAttributeFamilyInput!) {
        createAdminAttributeFamily(input: $input) { adminAttributeFamily { id _id code attributeGroups } } }""",
                            {"input": {"code": "books", "name": "Books", "attributeGroups": [
                                {"code": "general", "name": "General", "customAttributes": [{"id": 2}, {"id": 1}]}]}})
    node = created["data"]["createAdminAttributeFamily"]["adminAttributeFamily"]
    assert node["id"] == f"/api/admin/catalog/families/{node['_id']}"
    [group] = node["attributeGroups"]
    assert [(attribute["code"], attribute["position"]) for attribute in group["attributes"]] == [("name", 1), ("sku", 2)]
    listed = admin_graphql('{ adminAttributeFamilies(first: 1, sort: "id", order: "desc", name: "book") '
                           '{ edges { node { _id code name attributeGroups } } totalCount } }')
    assert listed["data"]["adminAttributeFamilies"] == {
        "edges": [{"node": {"_id": node["_id"], "code": "books", "name": "Books", "attributeGroups": None}}],
        "totalCount": 1}
    updated = admin_graphql("""mutation($input: updateAdminAttributeFamilyInput!) {
        updateAdminAttributeFamily(input: $input) { adminAttributeFamily { name attributeGroups } } }""",
                            {"input": {"id": node["id"], "code": "books", "name": "Books & Comics", "attributeGroups": {
                                "group_a": {"code": "meta", "name": "Meta", "customAttributes": [{"id": 3}]}}}})
    family = updated["data"]["updateAdminAttributeFamily"]["adminAttributeFamily"]
    assert family["name"] == "Books & Comics"
    assert [(g["code"], [a["code"] for a in g["attributes"]]) for g in family["attributeGroups"]] == [("meta", ["url_key"])]
    detail = admin_graphql(f'{{ adminAttributeFamily(id: "{node["id"]}") {{ code attributeGroups }} }}')
    assert detail["data"]["adminAttributeFamily"] == {"code": "books", "attributeGroups": family["attributeGroups"]}
    refused = admin_graphql('mutation { deleteAdminAttributeFamily(input: {id: "/api/admin/catalog/families/1"}) '
                            '{ adminAttributeFamily { id } } }')
    assert refused["errors"][0]["extensions"]["code"] == "FAMILY_IN_USE"
    deleted = admin_graphql(f'mutation {{ deleteAdminAttributeFamily(input: {{id: "{node["id"]}"}}) '
                            '{ adminAttributeFamily { id code } } }')
    # the payload holds the family as it was just before the delete; it is gone afterwards
    assert deleted["data"]["deleteAdminAttributeFamily"] == {"adminAttributeFamily": {"id": node["id"], "code": "books"}}
    gone = admin_graphql(f'{{ adminAttributeFamily(id: "{node["id"]}") {{ id }} }}')
    assert gone["data"]["adminAttributeFamily"] is None
