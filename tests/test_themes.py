"""Theme customizations over REST and GraphQL: channel/theme/status scoping, sortOrder, the type filter,
options as a JSON string from the request locale's translation (with fallback), constant SQL per request.

Seed: 5 blocks of channel 1, theme "default", sort orders 1..5: image_carousel, static_content,
category_carousel, product_carousel, footer_links. Block N has translations en (id 2N-1) and fr (id 2N).
"""
import json

from storage.models import ThemeCustomization, ThemeCustomizationTranslation
from tests.helpers import changed, count_queries

TYPES = ["image_carousel", "static_content", "category_carousel", "product_carousel", "footer_links"]


def test_list_in_sort_order_with_paging_headers(client):
    response = client.get("/api/shop/theme-customizations")
    assert response.status_code == 200
    assert [block["type"] for block in response.json()] == TYPES
    assert response.headers["X-Total-Count"] == "5"
    assert response.headers["X-Per-Page"] == "10"
    page = client.get("/api/shop/theme-customizations", params={"per_page": 2, "page": 3})
    assert [block["name"] for block in page.json()] == ["Footer Links"]
    assert page.headers["X-Total-Pages"] == "3"


def test_block_document(client):
    block = client.get("/api/shop/theme-customizations/1").json()
    assert {key: block[key] for key in ("id", "themeCode", "channelId", "type", "name", "sortOrder", "status")} == {
        "id": 1, "themeCode": "default", "channelId": 1, "type": "image_carousel", "name": "Image Carousel",
        "sortOrder": 1, "status": 1}
    assert block["createdAt"].endswith("+00:00")
    translation = block["translation"]
    assert (translation["id"], translation["themeCustomizationId"], translation["locale"]) == (1, 1, "en")
    assert isinstance(translation["options"], str)
    assert json.loads(translation["options"]) == {
        "images": [{"title": "Summer sale", "link": "/sale", "image": "storage/theme/1/banner.webp"}]}
    assert [(t["id"], t["locale"]) for t in block["translations"]] == [(1, "en"), (2, "fr")]


def test_type_filter_is_exact(client):
    footer = client.get("/api/shop/theme-customizations", params={"type": "footer_links"})
    assert [block["id"] for block in footer.json()] == [5]
    assert json.loads(footer.json()[0]["translation"]["options"])["column_1"][0]["title"] == "About us"
    unknown = client.get("/api/shop/theme-customizations", params={"type": "footer"})
    assert unknown.json() == []
    assert unknown.headers["X-Total-Count"] == "0"


def test_french_options_and_fallback(client):
    french = client.get("/api/shop/theme-customizations/2", headers={"X-Locale": "fr"}).json()
    assert french["translation"]["locale"] == "fr"
    assert json.loads(french["translation"]["options"])["html"] == "<p>Livraison gratuite dès 50 €</p>"
    assert "dès 50 €" in french["translation"]["options"]
    with changed(ThemeCustomizationTranslation, 4, locale="xx"):
        fallback = client.get("/api/shop/theme-customizations/2", headers={"X-Locale": "fr"}).json()
        assert fallback["translation"]["locale"] == "en"
        assert json.loads(fallback["translation"]["options"])["html"] == "<p>Free shipping over $50</p>"


def test_unknown_block_is_404(client):
    response = client.get("/api/shop/theme-customizations/999")
    assert response.status_code == 404
    assert response.json() == {"message": "Theme customization not found", "error": "not_found"}


def test_disabled_or_other_theme_blocks_are_hidden(client, graphql):
    with changed(ThemeCustomization, 3, status=False):
        assert client.get("/api/shop/theme-customizations/3").status_code == 404
        listed = client.get("/api/shop/theme-customizations")
        assert [block["id"] for block in listed.json()] == [1, 2, 4, 5]
        assert listed.headers["X-Total-Count"] == "4"
        assert graphql("{ themeCustomizations { totalCount } }")["data"]["themeCustomizations"]["totalCount"] == 4
    with changed(ThemeCustomization, 1, theme_code="other"):
        assert client.get("/api/shop/theme-customizations/1").status_code == 404
        assert client.get("/api/shop/theme-customizations").headers["X-Total-Count"] == "4"


def test_sort_order_decides_the_order(client):
    with changed(ThemeCustomization, 5, sort_order=0):
        assert [block["id"] for block in client.get("/api/shop/theme-customizations").json()] == [5, 1, 2, 3, 4]


def test_invalid_parameters_are_400(client):
    response = client.get("/api/shop/theme-customizations", params={"page": 0, "type": "x" * 65})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"page", "type"}


def test_list_query_count_does_not_grow_with_page_size(client):
    with count_queries() as small:
        assert len(client.get("/api/shop/theme-customizations", params={"per_page": 1}).json()) == 1
    with count_queries() as large:
        assert len(client.get("/api/shop/theme-customizations", params={"per_page": 50}).json()) == 5
    assert len(small) == len(large)


def test_graphql_query_count_does_not_grow_with_page_size(graphql):
    query = """query($first: Int) { themeCustomizations(first: $first) { edges { node { _id
               translation { options } translations { edges { node { locale } } } } } } }"""
    with count_queries() as small:
        assert len(graphql(query, {"first": 1})["data"]["themeCustomizations"]["edges"]) == 1
    with count_queries() as large:
        assert len(graphql(query, {"first": 50})["data"]["themeCustomizations"]["edges"]) == 5
    assert len(small) == len(large)


def test_graphql_theme_customizations_connection(graphql):
    result = graphql("""{ themeCustomizations(first: 2) { edges { cursor node { id _id type name status themeCode
                          sortOrder channelId translation { id _id themeCustomizationId locale } } }
                          pageInfo { hasNextPage endCursor } totalCount } }""")
    connection = result["data"]["themeCustomizations"]
    assert connection["totalCount"] == 5
    assert connection["pageInfo"] == {"hasNextPage": True, "endCursor": "MQ=="}
    assert connection["edges"][0] == {"cursor": "MA==", "node": {
        "id": "/api/shop/theme-customizations/1", "_id": 1, "type": "image_carousel", "name": "Image Carousel",
        "status": "1", "themeCode": "default", "sortOrder": 1, "channelId": "1",
        "translation": {"id": "/api/shop/theme_customization_translations/1", "_id": 1,
                        "themeCustomizationId": "1", "locale": "en"}}}
    last = graphql("{ themeCustomizations(last: 1) { edges { node { type } } } }")
    assert last["data"]["themeCustomizations"]["edges"][0]["node"]["type"] == "footer_links"


def test_graphql_type_filter_and_translations(graphql):
    result = graphql("""query($type: String) { themeCustomizations(type: $type) { totalCount edges { node {
                          _id translation { options } translations { totalCount edges { node { locale options } } }
                        } } } }""", {"type": "product_carousel"}, headers={"X-Locale": "fr"})
    connection = result["data"]["themeCustomizations"]
    assert connection["totalCount"] == 1
    node = connection["edges"][0]["node"]
    assert node["_id"] == 4
    assert json.loads(node["translation"]["options"])["title"] == "Nouveautés"
    assert node["translations"]["totalCount"] == 2
    assert [json.loads(edge["node"]["options"])["title"] for edge in node["translations"]["edges"]] == [
        "New Products", "Nouveautés"]


def test_graphql_single_block_by_iri_or_number(graphql):
    by_iri = graphql('{ themeCustomization(id: "/api/shop/theme-customizations/5") { id name type } }')
    assert by_iri["data"]["themeCustomization"] == {
        "id": "/api/shop/theme-customizations/5", "name": "Footer Links", "type": "footer_links"}
    assert graphql("{ themeCustomization(id: 3) { name } }")["data"]["themeCustomization"] == {
        "name": "Categories Collections"}
    missing = graphql('{ themeCustomization(id: "/api/shop/theme-customizations/99") { id } }')
    assert missing["data"]["themeCustomization"] is None
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
