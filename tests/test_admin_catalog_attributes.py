"""Admin attributes over REST and GraphQL: the datagrid list (envelope, filters, sort, locale), the detail
with translations and options, create/update rules (unique snake_case code, immutable code, type locked
by product values, system attributes), the option sub-resource, delete guards, mass delete, and the
shop seeing every edit on the next request.

Seed: the 28 attributes of a default install, all in family 1; cost, meta_description, length, width,
height and the selects color (swatch color), size and brand are user-defined, the other 20 are system
attributes. Ids are looked up by code (tests/helpers.py) except where a test is about the ordering.
"""
import pytest

from storage.db import database
from storage.models import (
    Attribute, AttributeOption, AttributeOptionTranslation, AttributeTranslation, ProductAttributeValue,
)
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.catalog_fixtures import restored
from tests.helpers import attribute_id, list_statement_counts, option_id

BASE = "/api/admin/catalog/attributes"
SEEDED = "2026-01-15T09:30:00+00:00"
BRAND_ROW = {
    "code": "brand", "type": "select", "adminName": "Brand", "isRequired": 0, "isUnique": 0,
    "valuePerLocale": 0, "valuePerChannel": 0, "isFilterable": 1, "isConfigurable": 0, "isVisibleOnFront": 1,
    "isUserDefined": 1, "swatchType": None, "locale": "en", "createdAt": SEEDED,
    "updatedAt": SEEDED, "translations": None, "options": None, "validation": None, "defaultValue": None,
}
MATERIAL = {
    "code": "material", "admin_name": "Material", "type": "select", "swatch_type": "text", "is_filterable": True,
    "is_visible_on_front": True, "position": 20,
    "translations": {"en": {"name": "Material"}, "fr": {"name": "Matière"}},
    "options": [{"admin_name": "Cotton", "sort_order": 1, "translations": {"en": {"label": "Cotton"},
                                                                           "fr": {"label": "Coton"}}},
                {"admin_name": "Wool", "sort_order": 2, "swatch_value": "wool"}],
}


@pytest.fixture
def catalog():
    """Attributes, options and their translations come back as seeded after the test."""
    with restored(Attribute, AttributeTranslation, AttributeOption, AttributeOptionTranslation):
        yield


@pytest.fixture
def material(admin_client, catalog):
    response = admin_client.post(BASE, json=MATERIAL)
    assert response.status_code == 201, response.text
    return response.json()


def codes(response) -> list[str]:
    return [row["code"] for row in response.json()["data"]]


# --- list ------------------------------------------------------------------------

def test_list_is_an_envelope_newest_first(admin_client):
    with database.connection_context():
        ids = [key for (key,) in Attribute.select(Attribute.id).order_by(Attribute.id.desc()).tuples()]
    total, pages = len(ids), -(-len(ids) // 10)
    body = admin_client.get(BASE).json()
    assert [row["id"] for row in body["data"]] == ids[:10]
    assert body["meta"] == {"currentPage": 1, "perPage": 10, "lastPage": pages, "total": total, "from": 1, "to": 10}
    second = admin_client.get(BASE, params={"page": 2, "per_page": 10}).json()
    assert [row["id"] for row in second["data"]] == ids[10:20]
    assert second["meta"] == {"currentPage": 2, "perPage": 10, "lastPage": pages, "total": total, "from": 11,
                              "to": min(20, total)}
    capped = admin_client.get(BASE, params={"per_page": 500}).json()["meta"]
    assert (capped["perPage"], capped["to"]) == (50, total)
    brand = admin_client.get(BASE, params={"code": "brand"}).json()["data"]
    assert brand == [{**BRAND_ROW, "id": attribute_id("brand"), "position": attribute_id("brand")}]


def test_filters_combine(admin_client):
    assert codes(admin_client.get(BASE, params={"type": "select", "is_configurable": 1})) == ["size", "color"]
    assert codes(admin_client.get(BASE, params={"admin_name": "PRICE"})) == [
        "special_price_to", "special_price_from", "special_price", "price"]
    assert codes(admin_client.get(BASE, params={"id": f"1,2,{attribute_id('color')}"})) == ["color", "name", "sku"]
    assert codes(admin_client.get(BASE, params={"code": "ur", "is_unique": 1})) == ["url_key"]
    system = admin_client.get(BASE, params={"is_user_defined": 0, "per_page": 50}).json()
    assert system["meta"]["total"] == 20
    assert codes(admin_client.get(BASE, params={"value_per_locale": 1, "is_required": 1})) == [
        "description", "short_description", "url_key", "name"]
    assert admin_client.get(BASE, params={"is_filterable": 1, "value_per_channel": 1}).json()["meta"]["total"] == 0
    bad = admin_client.get(BASE, params={"id": "1,x", "type": "colour", "is_unique": 2})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"id", "type", "is_unique"}


def test_sort_order_and_locale(admin_client):
    by_code = admin_client.get(BASE, params={"sort": "code", "order": "asc", "is_user_defined": 1})
    assert codes(by_code) == ["brand", "color", "cost", "height", "length", "meta_description", "size", "width"]
    by_type = admin_client.get(BASE, params={"sort": "type", "order": "asc", "per_page": 3})
    first_booleans = [attribute_id(code) for code in ("new", "featured", "visible_individually")]
    assert [(row["type"], row["id"]) for row in by_type.json()["data"]] == [("boolean", key) for key in first_booleans]
    by_name = admin_client.get(BASE, params={"sort": "admin_name", "is_user_defined": 1})
    assert codes(by_name) == ["width", "size", "meta_description", "length", "height", "cost", "color", "brand"]
    french = admin_client.get(BASE, params={"locale": "fr", "per_page": 1}).json()["data"][0]
    assert french["locale"] == "fr"
    bad = admin_client.get(BASE, params={"sort": "regex"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"sort"}


def test_list_statement_count_does_not_grow_with_the_page(admin_client):
    counts = list_statement_counts(admin_client, BASE, sizes=(1, 28))
    assert counts[0] == counts[1]


# --- detail ------------------------------------------------------------------------

def test_detail_embeds_translations_and_options(admin_client):
    color = admin_client.get(f"{BASE}/{attribute_id('color')}").json()
    assert {key: color[key] for key in ("code", "swatchType", "isComparable", "enableWysiwyg", "regex",
                                        "validation", "defaultValue", "locale")} == {
        "code": "color", "swatchType": "color", "isComparable": 1, "enableWysiwyg": 0, "regex": None,
        "validation": None, "defaultValue": None, "locale": "en"}
    assert color["translations"] == [{"locale": "en", "name": "Color"}, {"locale": "fr", "name": "Couleur"}]
    assert [option["adminName"] for option in color["options"]] == [
        "Red", "Green", "Yellow", "Black", "White", "Blue"]
    assert color["options"][0] == {"id": option_id("color", "Red"), "adminName": "Red", "sortOrder": 1, "swatchValue": "red",
                                   "swatchValueUrl": None, "translations": [{"locale": "en", "label": "Red"},
                                                                           {"locale": "fr", "label": "Rouge"}]}
    sku = admin_client.get(f"{BASE}/1").json()
    assert (sku["options"], sku["translations"], sku["isUserDefined"]) == (None, [{"locale": "en", "name": "SKU"}], 0)
    missing = admin_client.get(f"{BASE}/999999")
    assert missing.status_code == 404
    assert missing.json() == {"message": "Attribute not found", "error": "not_found"}


# --- create ------------------------------------------------------------------------

def test_create_answers_the_detail_and_the_shop_sees_it(admin_client, client, material):
    assert material["code"] == "material" and material["isUserDefined"] == 1
    assert (material["type"], material["swatchType"], material["isFilterable"], material["position"]) == (
        "select", "text", 1, 20)
    assert material["translations"] == [{"locale": "en", "name": "Material"}, {"locale": "fr", "name": "Matière"}]
    assert [(option["adminName"], option["sortOrder"], option["swatchValue"], option["translations"])
            for option in material["options"]] == [
        ("Cotton", 1, None, [{"locale": "en", "label": "Cotton"}, {"locale": "fr", "label": "Coton"}]),
        ("Wool", 2, "wool", [{"locale": "en", "label": "Wool"}])]
    assert admin_client.get(f"{BASE}/{material['id']}").json() == material
    shop = client.get(f"/api/shop/attributes/{material['id']}", headers={"X-Locale": "fr"}).json()
    assert shop["translation"]["name"] == "Matière"
    assert [(option["adminName"], option["translation"] and option["translation"]["label"])
            for option in shop["options"]] == [("Cotton", "Coton"), ("Wool", "Wool")]


def test_create_validation_names_every_field(admin_client, catalog):
    taken = admin_client.post(BASE, json={"code": "color", "admin_name": "Colour", "type": "select"})
    assert taken.status_code == 422
    assert taken.json() == {"message": "The given data was invalid.", "error": "validation_failed",
                            "errors": {"code": ["The code has already been taken."]}}
    malformed = admin_client.post(BASE, json={"code": "Bad-Code", "type": "colour"})
    assert malformed.status_code == 422
    assert set(malformed.json()["errors"]) == {"code", "admin_name", "type"}
    reserved = admin_client.post(BASE, json={"code": "attribute_family_id", "admin_name": "x", "type": "text"})
    assert set(reserved.json()["errors"]) == {"code"}
    rules = admin_client.post(BASE, json={"code": "fabric", "admin_name": "Fabric", "type": "multiselect",
                                          "is_configurable": True, "translations": {"xx": {"name": "?"}},
                                          "options": [{"admin_name": "Silk", "translations": {"yy": {"label": "?"}}}]})
    assert rules.status_code == 422
    assert rules.json()["errors"] == {"is_configurable": ["Only select attributes can be configurable."],
                                      "translations.xx": ["Unknown locale."],
                                      "options.0.translations.yy": ["Unknown locale."]}
    text_options = admin_client.post(BASE, json={"code": "fabric", "admin_name": "Fabric", "type": "text",
                                                 "options": [{"admin_name": "Silk"}]})
    assert text_options.json()["errors"] == {"options": ["This attribute type does not support options."]}
    with database.connection_context():
        assert not Attribute.select().where(Attribute.code.in_(["fabric", "Bad-Code", "attribute_family_id"])).exists()


# --- update ------------------------------------------------------------------------

def test_update_is_partial_and_translations_merge(admin_client, client, material):
    response = admin_client.put(f"{BASE}/{material['id']}", json={
        "code": "material", "admin_name": "Material (updated)", "translations": {"fr": {"name": "Tissu"}}})
    assert response.status_code == 200
    body = response.json()
    assert body["adminName"] == "Material (updated)" and body["isFilterable"] == 1
    assert body["translations"] == [{"locale": "en", "name": "Material"}, {"locale": "fr", "name": "Tissu"}]
    assert body["options"] == material["options"]
    shop = client.get(f"/api/shop/attributes/{material['id']}", headers={"X-Locale": "fr"}).json()
    assert shop["translation"]["name"] == "Tissu"
    changed_code = admin_client.put(f"{BASE}/{material['id']}", json={"code": "fabric"})
    assert changed_code.status_code == 422
    assert changed_code.json()["errors"] == {"code": ["Attribute code cannot be changed."]}
    assert admin_client.put(f"{BASE}/999999", json={"admin_name": "x"}).status_code == 404


def test_type_is_locked_once_products_hold_values(admin_client, material):
    free = admin_client.put(f"{BASE}/{material['id']}", json={"type": "multiselect"})
    assert free.status_code == 200 and free.json()["type"] == "multiselect"
    assert free.json()["swatchType"] == "text"
    text = admin_client.put(f"{BASE}/{material['id']}", json={"type": "text"})
    assert (text.json()["type"], text.json()["swatchType"], text.json()["options"]) == ("text", None, None)
    with database.connection_context():
        assert AttributeOption.select().where(AttributeOption.attribute == material["id"]).count() == 0
    locked = admin_client.put(f"{BASE}/{attribute_id('color')}", json={"type": "multiselect"})
    assert locked.status_code == 422
    assert locked.json()["errors"] == {"type": ["The type cannot change while products hold values of this attribute."]}
    configurable = admin_client.put(f"{BASE}/{material['id']}", json={"is_configurable": True})
    assert configurable.json()["errors"] == {"is_configurable": ["Only select attributes can be configurable."]}


def test_system_attributes_keep_code_and_type(admin_client, client, catalog):
    response = admin_client.put(f"{BASE}/1", json={"code": "stock_code", "type": "textarea",
                                                   "admin_name": "Stock Keeping Unit",
                                                   "translations": {"fr": {"name": "Référence"}}})
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["type"], body["adminName"]) == ("sku", "text", "Stock Keeping Unit")
    assert body["translations"] == [{"locale": "en", "name": "SKU"}, {"locale": "fr", "name": "Référence"}]
    assert client.get("/api/shop/attributes/1", headers={"X-Locale": "fr"}).json()["translation"]["name"] == "Référence"


def test_options_are_replaced_as_a_whole_set(admin_client, material):
    cotton, wool = material["options"]
    response = admin_client.put(f"{BASE}/{material['id']}", json={"options": [
        {"id": cotton["id"], "admin_name": "Organic Cotton", "sort_order": 3, "translations": {"fr": {"label": "Coton bio"}}},
        {"admin_name": "Linen", "sort_order": 1}]})
    assert response.status_code == 200
    options = response.json()["options"]
    assert [(option["adminName"], option["sortOrder"]) for option in options] == [("Linen", 1), ("Organic Cotton", 3)]
    assert options[1]["id"] == cotton["id"]
    assert options[1]["translations"] == [{"locale": "en", "label": "Cotton"}, {"locale": "fr", "label": "Coton bio"}]
    with database.connection_context():
        names = [name for (name,) in AttributeOption.select(AttributeOption.admin_name)
                 .where(AttributeOption.attribute == material["id"]).order_by(AttributeOption.id).tuples()]
    assert wool["adminName"] not in names and sorted(names) == ["Linen", "Organic Cotton"]
    foreign = admin_client.put(f"{BASE}/{material['id']}", json={"options": [{"id": 1, "admin_name": "Red"}]})
    assert foreign.status_code == 422
    assert foreign.json()["errors"] == {"options.0.id": ["The selected option does not belong to this attribute."]}


def test_replacing_options_keeps_those_products_use(admin_client, catalog):
    color, red = attribute_id("color"), option_id("color", "Red")
    with database.connection_context():
        red_users = (ProductAttributeValue.select(ProductAttributeValue.product).distinct()
                     .where(ProductAttributeValue.attribute == color, ProductAttributeValue.integer_value == red)
                     .count())
    assert red_users > 0
    options = admin_client.get(f"{BASE}/{color}").json()["options"]
    keep = [{"id": option["id"], "admin_name": option["adminName"]} for option in options if option["id"] != red]
    response = admin_client.put(f"{BASE}/{color}", json={"options": keep})
    assert response.status_code == 409
    assert response.json() == {"message": f"This option is used by {red_users} product(s) and cannot be deleted.",
                               "error": "option_in_use"}
    assert len(admin_client.get(f"{BASE}/{color}").json()["options"]) == len(options)


# --- options -------------------------------------------------------------------------

def test_option_crud_shows_in_the_shop(admin_client, client, catalog):
    color = attribute_id("color")
    before = [option["adminName"] for option in client.get(f"/api/shop/attributes/{color}").json()["options"]]
    created = admin_client.post(f"{BASE}/{color}/options", json={
        "admin_name": "Purple", "swatch_value": "#800080", "translations": {"en": {"label": "Purple"},
                                                                            "fr": {"label": "Violet"}}})
    assert created.status_code == 201
    purple = created.json()["options"][-1]
    assert (purple["adminName"], purple["sortOrder"], purple["swatchValue"]) == ("Purple", 7, "#800080")
    shop = client.get(f"/api/shop/attributes/{color}", headers={"X-Locale": "fr"}).json()
    assert shop["options"][-1]["translation"]["label"] == "Violet"
    updated = admin_client.put(f"{BASE}/{color}/options/{purple['id']}", json={"translations": {"fr": {"label": "Mauve"}},
                                                                         "sort_order": 0})
    assert updated.status_code == 200
    assert updated.json()["options"][0]["id"] == purple["id"]
    assert updated.json()["options"][0]["translations"] == [{"locale": "en", "label": "Purple"},
                                                            {"locale": "fr", "label": "Mauve"}]
    shop = client.get(f"/api/shop/attributes/{color}", headers={"X-Locale": "fr"}).json()
    assert shop["options"][0]["translation"]["label"] == "Mauve"
    deleted = admin_client.delete(f"{BASE}/{color}/options/{purple['id']}")
    assert deleted.json() == {"message": "Attribute option deleted successfully."}
    assert [option["adminName"] for option in client.get(f"/api/shop/attributes/{color}").json()["options"]] == before


def test_option_guards(admin_client, catalog):
    not_an_option_type = admin_client.post(f"{BASE}/1/options", json={"admin_name": "x"})
    assert not_an_option_type.status_code == 422
    assert not_an_option_type.json() == {"message": "This attribute type does not support options.",
                                         "error": "options_not_supported"}
    color, red = attribute_id("color"), option_id("color", "Red")
    missing_name = admin_client.post(f"{BASE}/{color}/options", json={"sort_order": 1})
    assert missing_name.status_code == 422 and set(missing_name.json()["errors"]) == {"admin_name"}
    other_attribute = admin_client.put(f"{BASE}/{attribute_id('size')}/options/{red}", json={"admin_name": "x"})
    assert other_attribute.status_code == 404
    assert other_attribute.json() == {"message": "Attribute option not found", "error": "not_found"}
    assert admin_client.post(f"{BASE}/999999/options", json={"admin_name": "x"}).status_code == 404
    in_use = admin_client.delete(f"{BASE}/{color}/options/{red}")
    assert in_use.status_code == 409 and in_use.json()["error"] == "option_in_use"
    assert in_use.json()["message"].startswith("This option is used by ")


# --- delete ----------------------------------------------------------------------------

def test_delete_guards_and_success(admin_client, client, material):
    system = admin_client.delete(f"{BASE}/1")
    assert system.status_code == 403
    assert system.json() == {"message": "System attributes cannot be deleted.", "error": "system_attribute"}
    in_family = admin_client.delete(f"{BASE}/{attribute_id('color')}")
    assert in_family.status_code == 409
    assert in_family.json() == {
        "message": "Attribute is part of one or more attribute families. Remove it from those families first.",
        "error": "attribute_in_family"}
    deleted = admin_client.delete(f"{BASE}/{material['id']}")
    assert deleted.json() == {"message": "Attribute deleted successfully."}
    assert admin_client.get(f"{BASE}/{material['id']}").status_code == 404
    assert client.get(f"/api/shop/attributes/{material['id']}").status_code == 404
    with database.connection_context():
        assert not AttributeOption.select().where(AttributeOption.attribute == material["id"]).exists()


def test_mass_delete_is_all_or_nothing(admin_client, material):
    system = admin_client.post(f"{BASE}/mass-delete", json={"indices": [material["id"], 2]})
    assert system.status_code == 422
    assert system.json() == {"message": "System attributes cannot be deleted.", "error": "system_attribute"}
    in_family = admin_client.post(f"{BASE}/mass-delete", json={"indices": [material["id"], attribute_id("size")]})
    assert in_family.status_code == 409
    assert admin_client.get(f"{BASE}/{material['id']}").status_code == 200
    deleted = admin_client.post(f"{BASE}/mass-delete", json={"indices": [999999, material["id"]]})
    assert deleted.json() == {"deleted": [material["id"]], "message": "Attributes deleted successfully."}
    assert admin_client.post(f"{BASE}/mass-delete", json={"indices": []}).status_code == 422


# --- GraphQL ---------------------------------------------------------------------------

def test_graphql_list_and_detail(admin_client, admin_graphql):
    listed = admin_graphql("""{ adminAttributes(first: 2, type: "select", is_configurable: 1, locale: "fr") {
        edges { cursor node { id _id code isConfigurable locale translations } } totalCount pageInfo { hasNextPage } } }""")
    size, color = attribute_id("size"), attribute_id("color")
    assert listed["data"]["adminAttributes"] == {
        "edges": [{"cursor": "MA==", "node": {"id": f"/api/admin/catalog/attributes/{size}", "_id": size,
                                             "code": "size", "isConfigurable": 1, "locale": "fr", "translations": None}},
                  {"cursor": "MQ==", "node": {"id": f"/api/admin/catalog/attributes/{color}", "_id": color,
                                             "code": "color", "isConfigurable": 1, "locale": "fr",
                                             "translations": None}}],
        "totalCount": 2, "pageInfo": {"hasNextPage": False}}
    by_ids = admin_graphql('{ adminAttributes(id: "1,%d", sort: "code", order: "asc") { edges { node { code } } } }'
                           % attribute_id("brand"))
    assert [edge["node"]["code"] for edge in by_ids["data"]["adminAttributes"]["edges"]] == ["brand", "sku"]
    bad_ids = admin_client.post("/api/admin/graphql", json={"query": '{ adminAttributes(id: "1,x") { totalCount } }'})
    assert bad_ids.json()["errors"][0]["extensions"]["errors"] == {
        "id": ["Must be an integer or a comma-separated list of integers."]}
    detail = admin_graphql('{ adminAttribute(id: "/api/admin/catalog/attributes/%d") { code translations options } }'
                           % size)
    size = detail["data"]["adminAttribute"]
    assert size["translations"] == [{"locale": "en", "name": "Size"}, {"locale": "fr", "name": "Taille"}]
    assert [option["adminName"] for option in size["options"]] == ["S", "M", "L", "XL"]
    missing = admin_graphql('{ adminAttribute(id: "/api/admin/catalog/attributes/999999") { code } }')
    assert missing["errors"][0]["message"] == "Attribute not found"


def test_graphql_mutations(admin_graphql, client, catalog):
    created = admin_graphql("""mutation($input: createAdminAttributeInput!) {
        createAdminAttribute(input: $input) { adminAttribute { id _id code adminName options } } }""",
                            {"input": {"code": "fabric", "adminName": "Fabric", "type": "select", "isFilterable": True,
                                       "translations": {"en": {"name": "Fabric"}},
                                       "options": [{"adminName": "Silk", "sortOrder": 1,
                                                    "translations": {"en": {"label": "Silk"}}}]}})
    node = created["data"]["createAdminAttribute"]["adminAttribute"]
    assert node["id"] == f"/api/admin/catalog/attributes/{node['_id']}"
    assert [(option["adminName"], option["sortOrder"]) for option in node["options"]] == [("Silk", 1)]
    updated = admin_graphql("""mutation($input: updateAdminAttributeInput!) {
        updateAdminAttribute(input: $input) { adminAttribute { adminName translations } } }""",
                            {"input": {"id": node["id"], "code": "fabric", "adminName": "Fabric (updated)",
                                       "translations": {"fr": {"name": "Tissu"}}}})
    assert updated["data"]["updateAdminAttribute"]["adminAttribute"] == {
        "adminName": "Fabric (updated)", "translations": [{"locale": "en", "name": "Fabric"},
                                                          {"locale": "fr", "name": "Tissu"}]}
    renamed = admin_graphql("""mutation($input: updateAdminAttributeInput!) {
        updateAdminAttribute(input: $input) { adminAttribute { code } } }""", {"input": {"id": node["id"], "code": "cloth"}})
    assert renamed["errors"][0]["extensions"]["errors"] == {"code": ["Attribute code cannot be changed."]}
    option = admin_graphql("""mutation($input: createAdminAttributeOptionInput!, $attributeId: Int!) {
        createAdminAttributeOption(input: $input, attributeId: $attributeId) { adminAttribute { _id options } } }""",
                           {"attributeId": node["_id"], "input": {"adminName": "Velvet", "translations": {"fr": {"label": "Velours"}}}})
    velvet = option["data"]["createAdminAttributeOption"]["adminAttribute"]["options"][-1]
    assert (velvet["adminName"], velvet["sortOrder"]) == ("Velvet", 2)
    changed = admin_graphql("""mutation($input: updateAdminAttributeOptionInput!, $a: Int!, $o: Int!) {
        updateAdminAttributeOption(input: $input, attributeId: $a, optionId: $o) { adminAttribute { options } } }""",
                            {"a": node["_id"], "o": velvet["id"], "input": {"adminName": "Crushed Velvet"}})
    assert changed["data"]["updateAdminAttributeOption"]["adminAttribute"]["options"][-1]["adminName"] == "Crushed Velvet"
    removed = admin_graphql("""mutation($input: deleteAdminAttributeOptionInput!) {
        deleteAdminAttributeOption(input: $input) { adminAttribute { options } } }""",
                            {"input": {"id": f"/api/admin/catalog/attributes/{node['_id']}/options/{velvet['id']}"}})
    assert [o["adminName"] for o in removed["data"]["deleteAdminAttributeOption"]["adminAttribute"]["options"]] == ["Silk"]
    refused = admin_graphql('mutation { deleteAdminAttribute(input: {id: "/api/admin/catalog/attributes/2"}) { adminAttribute { id } } }')
    assert refused["errors"][0]["extensions"]["code"] == "SYSTEM_ATTRIBUTE"
    mass = admin_graphql("""mutation($input: createAdminAttributeMassDeleteInput!) {
        createAdminAttributeMassDelete(input: $input) { adminAttributeMassDelete { id deleted message } } }""",
                         {"input": {"indices": [node["_id"]]}})
    assert mass["data"]["createAdminAttributeMassDelete"]["adminAttributeMassDelete"] == {
        "id": "/api/admin/catalog/attributes/mass-delete", "deleted": [node["_id"]],
        "message": "Attributes deleted successfully."}
    assert client.get(f"/api/shop/attributes/{node['_id']}").status_code == 404


def test_graphql_aliases_and_camel_case_filters(admin_graphql):
    result = admin_graphql('{ adminAttributes(first: 50, isConfigurable: 1, type: "select") { totalCount edges { node '
                           '{ code adminName label isRequired required isFilterable filterable isConfigurable '
                           'configurable } } } }')
    listing = result["data"]["adminAttributes"]
    with database.connection_context():
        expected = (Attribute.select().where((Attribute.is_configurable == True)  # noqa: E712
                                             & (Attribute.type == "select")).count())
    assert listing["totalCount"] == expected > 0
    for edge in listing["edges"]:
        node = edge["node"]
        assert node["configurable"] == node["isConfigurable"] == 1
        assert (node["label"], node["required"], node["filterable"]) == (
            node["adminName"], node["isRequired"], node["isFilterable"])
    snake = admin_graphql('{ adminAttributes(first: 50, is_configurable: 0) { totalCount } }')
    camel = admin_graphql('{ adminAttributes(first: 50, isConfigurable: 0) { totalCount } }')
    assert snake["data"] == {"adminAttributes": camel["data"]["adminAttributes"]}


def test_graphql_delete_answers_the_attribute_as_it_was(admin_client, admin_graphql, material):
    deleted = admin_graphql('mutation { deleteAdminAttribute(input: {id: "/api/admin/catalog/attributes/%d"}) '
                            '{ adminAttribute { _id code options } } }' % material["id"])
    gone = deleted["data"]["deleteAdminAttribute"]["adminAttribute"]
    assert (gone["_id"], gone["code"]) == (material["id"], "material")
    assert [option["adminName"] for option in gone["options"]] == ["Cotton", "Wool"]
    assert admin_client.get(f"{BASE}/{material['id']}").status_code == 404
