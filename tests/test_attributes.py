"""Attributes, attribute options and attribute translations over REST and GraphQL.

Seed: the 28 attributes of a default Bagisto install with its ids (1 sku, 2 name, 11 price, 23 color,
24 size, 25 brand, ...; only color, size and brand have a fr name besides en), 14 options (the default
install's color 1-5 Red/Green/Yellow/Black/White and size 6-9, then brand 10-13 and the demo's Blue 14)
with en + fr labels, and 31 attribute translations (color's are 23/en and 24/fr).
"""
import pytest

from tests.helpers import count_queries, list_statement_counts

SKU = {
    "id": 1, "code": "sku", "adminName": "SKU", "type": "text", "swatchType": None, "position": 1,
    "isRequired": 1, "isUnique": 1, "isFilterable": 0, "isComparable": 0, "isConfigurable": 0, "isUserDefined": 0,
    "isVisibleOnFront": 0, "valuePerLocale": 0, "valuePerChannel": 0, "enableWysiwyg": 0,
    "createdAt": "2026-01-15T09:30:00+00:00", "updatedAt": "2026-01-15T09:30:00+00:00",
    "columnName": "text_value", "validations": "{ required: true }", "options": [],
    "translation": {"id": 1, "attributeId": 1, "locale": "en", "name": "SKU"},
    "translations": ["/api/shop/attribute_translations/1"],
}
RED = {
    "id": 1, "adminName": "Red", "sortOrder": 1,
    "translation": {"id": 1, "attributeOptionId": 1, "locale": "en", "label": "Red"},
    "translations": [{"id": 1, "attributeOptionId": 1, "locale": "en", "label": "Red"},
                     {"id": 2, "attributeOptionId": 1, "locale": "fr", "label": "Rouge"}],
}


def test_list_attributes_in_id_order_with_paging_headers(client):
    response = client.get("/api/shop/attributes")
    assert response.status_code == 200
    assert [attribute["code"] for attribute in response.json()] == [
        "sku", "name", "url_key", "tax_category_id", "new", "featured", "visible_individually", "status",
        "short_description", "description"]
    assert response.headers["X-Total-Count"] == "28"
    assert response.headers["X-Per-Page"] == "10"
    assert response.headers["X-Total-Pages"] == "3"
    second = client.get("/api/shop/attributes", params={"page": 2})
    assert [attribute["code"] for attribute in second.json()] == [
        "price", "cost", "special_price", "special_price_from", "special_price_to", "meta_title", "meta_keywords",
        "meta_description", "length", "width"]
    third = client.get("/api/shop/attributes", params={"page": 3})
    assert [attribute["code"] for attribute in third.json()] == [
        "height", "weight", "color", "size", "brand", "guest_checkout", "product_number", "manage_stock"]
    assert client.get("/api/shop/attributes", params={"page": 4}).json() == []


def test_text_attribute_has_the_documented_shape(client):
    assert client.get("/api/shop/attributes", params={"per_page": 1}).json() == [SKU]
    assert client.get("/api/shop/attributes/1").json() == SKU


def test_derived_column_name_and_validations(client):
    by_code = {attribute["code"]: attribute for attribute in client.get("/api/shop/attributes",
                                                                        params={"per_page": 50}).json()}
    assert (by_code["price"]["columnName"], by_code["price"]["validations"]) == (
        "float_value", "{ required: true, decimal: true }")
    assert (by_code["special_price"]["columnName"], by_code["special_price"]["validations"]) == (
        "float_value", "{ decimal: true }")
    assert by_code["status"]["columnName"] == "boolean_value"
    assert by_code["description"]["valuePerLocale"] == 1
    assert (by_code["brand"]["columnName"], by_code["brand"]["validations"]) == ("integer_value", "{ }")
    assert by_code["brand"]["isConfigurable"] == 0 and by_code["size"]["isConfigurable"] == 1


def test_select_attribute_inlines_options_by_sort_order(client):
    color = client.get("/api/shop/attributes/23").json()
    assert (color["code"], color["type"], color["swatchType"]) == ("color", "select", "color")
    assert (color["isFilterable"], color["isComparable"], color["isUserDefined"]) == (1, 1, 1)
    assert [option["adminName"] for option in color["options"]] == [
        "Red", "Green", "Yellow", "Black", "White", "Blue"]
    assert color["options"][0] == RED
    assert color["translation"] == {"id": 23, "attributeId": 23, "locale": "en", "name": "Color"}
    assert color["translations"] == ["/api/shop/attribute_translations/23", "/api/shop/attribute_translations/24"]
    sizes = client.get("/api/shop/attributes/24").json()["options"]
    assert [(option["id"], option["adminName"]) for option in sizes] == [(6, "S"), (7, "M"), (8, "L"), (9, "XL")]


def test_french_translations_and_fallback(client):
    color = client.get("/api/shop/attributes/23", headers={"X-Locale": "fr"}).json()
    assert color["translation"]["name"] == "Couleur"
    assert [option["translation"]["label"] for option in color["options"]] == [
        "Rouge", "Vert", "Jaune", "Noir", "Blanc", "Bleu"]
    sku = client.get("/api/shop/attributes/1", headers={"X-Locale": "fr"}).json()
    assert sku["translation"] == {"id": 1, "attributeId": 1, "locale": "en", "name": "SKU"}
    unknown = client.get("/api/shop/attributes/25", headers={"X-Locale": "de"}).json()
    assert unknown["translation"]["name"] == "Brand"


def test_translation_iris_dereference(client):
    iris = client.get("/api/shop/attributes/24").json()["translations"]
    assert [client.get(iri).json() for iri in iris] == [
        {"id": 25, "attributeId": 24, "locale": "en", "name": "Size"},
        {"id": 26, "attributeId": 24, "locale": "fr", "name": "Taille"}]


def test_list_attribute_options_flat(client):
    response = client.get("/api/shop/attribute-options", params={"per_page": 2})
    assert response.status_code == 200
    assert response.headers["X-Total-Count"] == "14"
    assert response.headers["X-Total-Pages"] == "7"
    assert [option["adminName"] for option in response.json()] == ["Red", "Green"]
    assert response.json()[0] == RED
    last = client.get("/api/shop/attribute-options", params={"per_page": 2, "page": 7}).json()
    assert [(option["id"], option["adminName"], option["sortOrder"]) for option in last] == [
        (13, "Globex", 4), (14, "Blue", 6)]


def test_get_attribute_option_in_french(client):
    option = client.get("/api/shop/attribute-options/14", headers={"X-Locale": "fr"}).json()
    assert option["adminName"] == "Blue"
    assert option["translation"] == {"id": 28, "attributeOptionId": 14, "locale": "fr", "label": "Bleu"}
    assert "attribute" not in option and "attributeId" not in option


def test_list_attribute_translations(client):
    response = client.get("/api/shop/attribute_translations", params={"per_page": 2})
    assert response.json() == [{"id": 1, "attributeId": 1, "locale": "en", "name": "SKU"},
                               {"id": 2, "attributeId": 2, "locale": "en", "name": "Name"}]
    assert response.headers["X-Total-Count"] == "31"
    assert response.headers["X-Total-Pages"] == "16"
    everything = client.get("/api/shop/attribute_translations", params={"per_page": 50}).json()
    assert [row["name"] for row in everything if row["locale"] == "fr"] == ["Couleur", "Taille", "Marque"]


@pytest.mark.parametrize("path, body", [
    ("/api/shop/attributes/999", {"message": "Attribute not found", "error": "not_found"}),
    ("/api/shop/attribute-options/999", {"message": "Attribute option not found", "error": "not_found"}),
    ("/api/shop/attribute_translations/999", {"message": "Attribute translation not found", "error": "not_found"}),
])
def test_missing_ids_are_404(client, path, body):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == body


def test_invalid_paging_lists_every_field(client):
    response = client.get("/api/shop/attribute-options", params={"page": 0, "per_page": "many"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"page", "per_page"}


def test_storefront_key_is_required(anonymous):
    assert anonymous.get("/api/shop/attributes").status_code == 401


@pytest.mark.parametrize("path", ["/api/shop/attributes", "/api/shop/attribute-options",
                                  "/api/shop/attribute_translations"])
def test_list_query_count_is_constant(client, path):
    counts = list_statement_counts(client, path)
    assert counts[0] == counts[1]


def test_graphql_attributes_query_count_is_constant(graphql):
    query = """query($first: Int) { attributes(first: $first) { edges { node { code
                 options { edges { node { translation { label } translations { edges { node { label } } } } } }
                 translations { edges { node { name } } } } } } }"""
    counts = []
    for first in (1, 50):
        with count_queries() as statements:
            graphql(query, {"first": first})
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_graphql_attributes_connection(graphql):
    result = graphql("""{ attributes(first: 2, after: "MjI=") { totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { id _id code isRequired isFilterable isConfigurable position validations columnName
        options { totalCount edges { node { adminName swatchValue } } } } } } }""")
    connection = result["data"]["attributes"]
    assert connection["totalCount"] == 28
    assert connection["pageInfo"] == {"hasNextPage": True, "endCursor": "MjQ="}
    size, brand = (edge["node"] for edge in connection["edges"])
    assert connection["edges"][0]["cursor"] == "MjM="
    assert size == {"id": "/api/shop/attributes/24", "_id": 24, "code": "size", "isRequired": "0",
                    "isFilterable": "1", "isConfigurable": "1", "position": 24, "validations": "{ }",
                    "columnName": "integer_value",
                    "options": {"totalCount": 4, "edges": [{"node": {"adminName": name, "swatchValue": None}}
                                                           for name in ("S", "M", "L", "XL")]}}
    assert brand["isConfigurable"] == "0"


def test_graphql_attribute_with_nested_connections_in_french(graphql):
    result = graphql("""query($id: ID!) { attribute(id: $id) { code type swatchType validation regex defaultValue
        translation { name } translations { totalCount edges { node { id _id attributeId locale name } } }
        options(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { id _id adminName sortOrder
          swatchValue swatchValueUrl translation { id label } translations { edges { node { locale label } } } } } } } }""",
                     {"id": "/api/shop/attributes/23"}, headers={"X-Locale": "fr"})
    color = result["data"]["attribute"]
    assert (color["code"], color["type"], color["swatchType"]) == ("color", "select", "color")
    assert (color["validation"], color["regex"], color["defaultValue"]) == (None, None, None)
    assert color["translation"] == {"name": "Couleur"}
    assert color["translations"]["totalCount"] == 2
    assert color["translations"]["edges"][1]["node"] == {
        "id": "/api/shop/attribute_translations/24", "_id": 24, "attributeId": "23", "locale": "fr", "name": "Couleur"}
    options = color["options"]
    assert options["totalCount"] == 6
    assert options["pageInfo"] == {"hasNextPage": True, "endCursor": "MQ=="}
    assert options["edges"][0]["node"] == {
        "id": "/api/shop/attribute-options/1", "_id": 1, "adminName": "Red", "sortOrder": 1, "swatchValue": "red",
        "swatchValueUrl": None, "translation": {"id": "/api/attribute_option_translations/2", "label": "Rouge"},
        "translations": {"edges": [{"node": {"locale": "en", "label": "Red"}},
                                   {"node": {"locale": "fr", "label": "Rouge"}}]}}


def test_graphql_attribute_accepts_numeric_id_and_reports_missing(graphql):
    assert graphql('{ attribute(id: "25") { code } }')["data"]["attribute"] == {"code": "brand"}
    missing = graphql('{ attribute(id: "/api/shop/attributes/999") { code } }')
    assert missing["data"]["attribute"] is None
    assert missing["errors"][0]["message"] == "Attribute not found"
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_graphql_attribute_options_connection(graphql):
    result = graphql("""{ attributeOptions(last: 2) { totalCount pageInfo { hasNextPage hasPreviousPage }
        edges { cursor node { _id adminName sortOrder translation { locale label } } } } }""")
    connection = result["data"]["attributeOptions"]
    assert connection["totalCount"] == 14
    assert connection["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True}
    assert connection["edges"] == [
        {"cursor": "MTI=", "node": {"_id": 13, "adminName": "Globex", "sortOrder": 4,
                                     "translation": {"locale": "en", "label": "Globex"}}},
        {"cursor": "MTM=", "node": {"_id": 14, "adminName": "Blue", "sortOrder": 6,
                                     "translation": {"locale": "en", "label": "Blue"}}}]


def test_graphql_attribute_option_by_iri(graphql):
    result = graphql("""{ attributeOption(id: "/api/shop/attribute-options/5") { id _id adminName swatchValue
        translation { _id attributeOptionId locale label }
        translations { totalCount edges { node { id label } } } } }""", headers={"X-Locale": "fr"})
    assert result["data"]["attributeOption"] == {
        "id": "/api/shop/attribute-options/5", "_id": 5, "adminName": "White", "swatchValue": "white",
        "translation": {"_id": 10, "attributeOptionId": "5", "locale": "fr", "label": "Blanc"},
        "translations": {"totalCount": 2, "edges": [
            {"node": {"id": "/api/attribute_option_translations/9", "label": "White"}},
            {"node": {"id": "/api/attribute_option_translations/10", "label": "Blanc"}}]}}
    missing = graphql('{ attributeOption(id: "/api/shop/attribute-options/999") { id } }')
    assert missing["data"]["attributeOption"] is None
    assert missing["errors"][0]["message"] == "Attribute option not found"


def test_graphql_attribute_options_of_one_attribute(graphql):
    result = graphql("""{ attributeOptions(attributeId: 24, first: 3) { totalCount pageInfo { hasNextPage totalCount }
        edges { node { _id attributeId adminName label value } } } }""", headers={"X-Locale": "fr"})
    connection = result["data"]["attributeOptions"]
    assert connection["totalCount"] == connection["pageInfo"]["totalCount"] == 4
    assert connection["pageInfo"]["hasNextPage"] is True
    nodes = [edge["node"] for edge in connection["edges"]]
    assert [node["_id"] for node in nodes] == [6, 7, 8]
    assert all(node["attributeId"] == 24 and node["value"] == str(node["_id"]) for node in nodes)
    assert [node["adminName"] for node in nodes] == ["S", "M", "L"]
    brands = graphql('{ attributeOptions(attributeId: 25) { edges { node { _id label } } } }')["data"]
    assert [edge["node"]["_id"] for edge in brands["attributeOptions"]["edges"]] == [10, 11, 12, 13]
    none = graphql("{ attributeOptions(attributeId: 999) { totalCount edges { cursor } pageInfo { endCursor } } }")
    assert none["data"]["attributeOptions"] == {"totalCount": 0, "edges": [], "pageInfo": {"endCursor": None}}


def test_graphql_attribute_by_code_with_translated_name(graphql):
    english = graphql('{ attribute(code: "color") { _id name label adminName } }')["data"]["attribute"]
    assert english == {"_id": 23, "name": "Color", "label": "Color", "adminName": "Color"}
    french = graphql('{ attribute(code: "color") { name label options(first: 1) { edges { node { label } } } } }',
                     headers={"X-Locale": "fr"})["data"]["attribute"]
    assert french["name"] == french["label"] == "Couleur"
    assert french["options"]["edges"][0]["node"]["label"] == "Rouge"
    sku = graphql('{ attribute(id: "1") { name } }')["data"]["attribute"]
    assert sku == {"name": "SKU"}
    missing = graphql('{ attribute(code: "nope") { _id } }')
    assert missing["data"]["attribute"] is None and missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    neither = graphql("{ attribute { _id } }")
    assert neither["data"]["attribute"] is None and neither["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_reference_ids_of_a_default_install(client):
    """Storefronts built against a default Bagisto install hard-code these ids."""
    codes = {attribute["id"]: attribute["code"] for attribute in client.get("/api/shop/attributes",
                                                                              params={"per_page": 50}).json()}
    assert codes == {
        1: "sku", 2: "name", 3: "url_key", 4: "tax_category_id", 5: "new", 6: "featured", 7: "visible_individually",
        8: "status", 9: "short_description", 10: "description", 11: "price", 12: "cost", 13: "special_price",
        14: "special_price_from", 15: "special_price_to", 16: "meta_title", 17: "meta_keywords",
        18: "meta_description", 19: "length", 20: "width", 21: "height", 22: "weight", 23: "color", 24: "size",
        25: "brand", 26: "guest_checkout", 27: "product_number", 28: "manage_stock"}
    price = client.get("/api/shop/attributes/11").json()
    assert (price["code"], price["type"], price["isFilterable"]) == ("price", "price", 1)
    color = client.get("/api/shop/attributes/23").json()
    assert (color["isFilterable"], color["isConfigurable"]) == (1, 1)
    assert [(option["id"], option["adminName"]) for option in color["options"][:5]] == [
        (1, "Red"), (2, "Green"), (3, "Yellow"), (4, "Black"), (5, "White")]
    size = client.get("/api/shop/attributes/24").json()
    assert (size["isFilterable"], size["isConfigurable"]) == (1, 1)
    assert client.get("/api/shop/attributes/25").json()["isFilterable"] == 1
    types = {attribute["code"]: attribute["type"] for attribute in client.get(
        "/api/shop/attributes", params={"per_page": 50}).json()}
    assert (types["tax_category_id"], types["visible_individually"], types["special_price_from"],
            types["guest_checkout"], types["manage_stock"], types["product_number"]) == (
        "select", "boolean", "date", "boolean", "boolean", "text")
