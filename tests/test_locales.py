"""Locales over REST and GraphQL; pagination headers and page-past-the-end behaviour."""


def test_list_locales_with_paging_headers(client):
    response = client.get("/api/shop/locales", params={"per_page": 1, "page": 2})
    assert response.status_code == 200
    assert [locale["code"] for locale in response.json()] == ["fr"]
    assert response.headers["X-Total-Count"] == "2"
    assert response.headers["X-Page"] == "2"
    assert response.headers["X-Per-Page"] == "1"
    assert response.headers["X-Total-Pages"] == "2"


def test_page_past_the_end_is_empty_array(client):
    response = client.get("/api/shop/locales", params={"page": 9})
    assert response.status_code == 200
    assert response.json() == []
    assert response.headers["X-Total-Count"] == "2"


def test_per_page_is_capped_at_50(client):
    response = client.get("/api/shop/locales", params={"per_page": 500})
    assert response.headers["X-Per-Page"] == "50"


def test_invalid_parameters_list_every_field(client):
    response = client.get("/api/shop/locales", params={"page": 0, "per_page": "x"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "validation_failed"
    assert set(body["errors"]) == {"page", "per_page"}


def test_get_locale_and_404(client):
    assert client.get("/api/shop/locales/1").json() == {
        "id": 1, "code": "en", "name": "English", "direction": "ltr", "logoPath": "locales/en.png",
        "logoUrl": "http://127.0.0.1:8000/storage/locales/en.png", "createdAt": "2026-01-15T09:30:00+00:00",
        "updatedAt": "2026-01-15T09:30:00+00:00"}
    missing = client.get("/api/shop/locales/999")
    assert missing.status_code == 404
    assert missing.json() == {"message": "Locale not found", "error": "not_found"}


def test_graphql_locales_connection(graphql):
    result = graphql("""{ locales(first: 1) { edges { cursor node { id _id code } }
                          pageInfo { hasNextPage endCursor } totalCount } }""")
    connection = result["data"]["locales"]
    assert connection["totalCount"] == 2
    assert connection["edges"] == [{"cursor": "MA==", "node": {"id": "/api/shop/locales/1", "_id": 1, "code": "en"}}]
    assert connection["pageInfo"] == {"hasNextPage": True, "endCursor": "MA=="}
    second = graphql('{ locales(first: 1, after: "MA==") { edges { node { code } } pageInfo { hasNextPage } } }')
    assert second["data"]["locales"]["edges"][0]["node"]["code"] == "fr"
    assert second["data"]["locales"]["pageInfo"]["hasNextPage"] is False


def test_graphql_locale_by_iri_and_not_found(graphql):
    assert graphql('{ locale(id: "/api/shop/locales/2") { code } }')["data"]["locale"] == {"code": "fr"}
    missing = graphql('{ locale(id: "/api/shop/locales/99") { code } }')
    assert missing["data"]["locale"] is None
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_graphql_locales_carry_timestamps(graphql):
    node = graphql("{ locales(first: 1) { edges { node { code createdAt updatedAt } } } }")["data"]["locales"]["edges"][0]
    assert node["node"] == {"code": "en", "createdAt": "2026-01-15T09:30:00+00:00",
                            "updatedAt": "2026-01-15T09:30:00+00:00"}
