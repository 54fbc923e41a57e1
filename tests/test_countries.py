"""Countries and country states over REST and GraphQL: inline states/translations, nested vs flat
state URLs, locale fallback per row, paging and constant query counts."""
import pytest

from storage.db import database
from storage.models import CountryStateTranslation, CountryTranslation
from tests.helpers import count_queries, list_statement_counts

CA_STATES = [("ON", "Ontario"), ("QC", "Quebec"), ("BC", "British Columbia")]


@pytest.fixture
def partial_french(app):
    """Quebec gets a French name of its own; British Columbia and Japan lose their French rows."""
    with database.connection_context():
        quebec = CountryStateTranslation.get(country_state=14, locale="fr")
        quebec.default_name = "Québec"
        quebec.save()
        removed = [CountryStateTranslation.get(country_state=15, locale="fr"),
                   CountryTranslation.get(country=7, locale="fr")]
        for row in removed:
            row.delete_instance()
    yield
    with database.connection_context():
        CountryStateTranslation.update(default_name="Quebec").where(CountryStateTranslation.id == quebec.id).execute()
        for row in removed:
            type(row).insert(row.__data__).execute()


def test_list_countries_with_inline_states_and_translations(client):
    response = client.get("/api/shop/countries", params={"per_page": 2})
    assert response.status_code == 200
    assert (response.headers["X-Total-Count"], response.headers["X-Total-Pages"]) == ("7", "4")
    us, india = response.json()
    assert (us["id"], us["code"], us["name"]) == (1, "US", "United States")
    assert [state["code"] for state in us["states"]] == ["CA", "NY", "TX", "WA", "IL", "MA", "FL"]
    assert us["states"][0] == {"id": 1, "countryId": 1, "countryCode": "US", "code": "CA",
                               "defaultName": "California",
                               "translations": ["/api/shop/country_state_translations/1",
                                                "/api/shop/country_state_translations/2"]}
    assert us["translations"] == [{"id": 1, "countryId": 1, "locale": "en", "name": "United States"},
                                  {"id": 2, "countryId": 1, "locale": "fr", "name": "États-Unis"}]
    assert (india["code"], len(india["states"])) == ("IN", 3)


def test_country_names_follow_x_locale(client):
    names = [country["name"] for country in
             client.get("/api/shop/countries", headers={"X-Locale": "fr"}).json()]
    assert names == ["États-Unis", "Inde", "Allemagne", "France", "Canada", "Royaume-Uni", "Japon"]
    unknown = client.get("/api/shop/countries/3", headers={"X-Locale": "xx"}).json()
    assert unknown["name"] == "Germany"


def test_country_without_states_has_empty_array(client):
    japan = client.get("/api/shop/countries/7").json()
    assert (japan["code"], japan["states"]) == ("JP", [])
    assert [row["name"] for row in japan["translations"]] == ["Japan", "Japon"]


def test_get_country_404(client):
    response = client.get("/api/shop/countries/999")
    assert response.status_code == 404
    assert response.json() == {"message": "Country not found", "error": "not_found"}


def test_per_row_locale_fallback(client, partial_french):
    canada = client.get("/api/shop/countries/5", headers={"X-Locale": "fr"}).json()
    assert [state["defaultName"] for state in canada["states"]] == ["Ontario", "Québec", "British Columbia"]
    assert len(canada["states"][2]["translations"]) == 1
    japan = client.get("/api/shop/countries/7", headers={"X-Locale": "fr"}).json()
    assert japan["name"] == "Japan"
    english = client.get("/api/shop/country-states/14").json()
    assert english["defaultName"] == "Quebec"


def test_nested_states_of_a_country(client):
    response = client.get("/api/shop/countries/5/states", params={"per_page": 2, "page": 2})
    assert response.status_code == 200
    assert (response.headers["X-Total-Count"], response.headers["X-Total-Pages"]) == ("3", "2")
    assert response.json() == [{"id": 15, "countryId": 5, "countryCode": "CA", "code": "BC",
                                "defaultName": "British Columbia",
                                "translations": ["/api/shop/country_state_translations/29",
                                                 "/api/shop/country_state_translations/30"]}]


def test_nested_states_of_a_country_without_states_and_unknown_country(client):
    empty = client.get("/api/shop/countries/6/states")
    assert (empty.status_code, empty.json(), empty.headers["X-Total-Count"]) == (200, [], "0")
    missing = client.get("/api/shop/countries/999/states")
    assert missing.status_code == 404
    assert missing.json() == {"message": "Country not found", "error": "not_found"}


def test_nested_single_state_checks_the_country(client):
    quebec = client.get("/api/shop/countries/5/states/14")
    assert quebec.status_code == 200
    assert (quebec.json()["code"], quebec.json()["countryCode"]) == ("QC", "CA")
    mismatch = client.get("/api/shop/countries/1/states/14")
    assert mismatch.status_code == 404
    assert mismatch.json() == {"message": "Country state not found", "error": "not_found"}


def test_flat_states_share_ids_with_nested(client):
    response = client.get("/api/shop/country-states", params={"per_page": 50})
    assert response.headers["X-Total-Count"] == "18"
    states = response.json()
    assert [state["id"] for state in states] == list(range(1, 19))
    assert [(state["countryCode"], state["code"]) for state in states[12:15]] == [("CA", code) for code, _ in CA_STATES]
    assert [(state["countryCode"], state["code"]) for state in states[15:]] == [("US", "IL"), ("US", "MA"), ("US", "FL")]
    assert client.get("/api/shop/country-states/14").json() == client.get("/api/shop/countries/5/states/14").json()
    missing = client.get("/api/shop/country-states/999")
    assert missing.status_code == 404
    assert missing.json()["message"] == "Country state not found"


def test_invalid_paging_is_400(client):
    response = client.get("/api/shop/countries/5/states", params={"page": 0, "per_page": "many"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"page", "per_page"}


@pytest.mark.parametrize("path", ["/api/shop/countries", "/api/shop/country-states", "/api/shop/countries/1/states"])
def test_list_query_count_is_constant(client, path):
    counts = list_statement_counts(client, path)
    assert counts[0] == counts[1]


def test_graphql_countries_with_states_and_translations(graphql):
    result = graphql("""{ countries(first: 2) {
        edges { cursor node { id _id code name
          states(first: 2) { edges { node { id _id code defaultName countryId countryCode
                                            translation { id _id countryStateId locale defaultName } } }
                             pageInfo { hasNextPage endCursor } totalCount }
          translations { edges { node { id _id countryId locale name } } totalCount } } }
        pageInfo { hasNextPage endCursor } totalCount } }""")
    connection = result["data"]["countries"]
    assert connection["totalCount"] == 7
    assert connection["pageInfo"] == {"hasNextPage": True, "endCursor": "MQ=="}
    us = connection["edges"][0]["node"]
    assert (us["id"], us["_id"], us["code"], us["name"]) == ("/api/shop/countries/1", 1, "US", "United States")
    assert us["states"]["totalCount"] == 7
    assert us["states"]["pageInfo"] == {"hasNextPage": True, "endCursor": "MQ=="}
    assert us["states"]["edges"][0]["node"] == {
        "id": "/api/shop/country-states/1", "_id": 1, "code": "CA", "defaultName": "California",
        "countryId": 1, "countryCode": "US",
        "translation": {"id": "/api/shop/country-state-translations/1", "_id": 1, "countryStateId": 1,
                        "locale": "en", "defaultName": "California"}}
    assert us["translations"]["edges"][1]["node"] == {"id": "/api/shop/country-translations/2", "_id": 2,
                                                      "countryId": 1, "locale": "fr", "name": "États-Unis"}


def test_graphql_country_in_french(graphql):
    result = graphql('query($id: ID!) { country(id: $id) { code name states { totalCount } } }',
                     {"id": "/api/shop/countries/3"}, headers={"X-Locale": "fr"})
    assert result["data"]["country"] == {"code": "DE", "name": "Allemagne", "states": {"totalCount": 3}}
    numeric = graphql('{ country(id: "6") { name states { totalCount edges { node { code } } } } }')
    assert numeric["data"]["country"] == {"name": "United Kingdom", "states": {"totalCount": 0, "edges": []}}


def test_graphql_country_not_found(graphql):
    result = graphql('{ country(id: "/api/shop/countries/404") { code } }')
    assert result["data"]["country"] is None
    assert result["errors"][0]["message"] == "Country not found"


def test_graphql_country_states(graphql, partial_french):
    result = graphql("""query($countryId: Int!) { countryStates(countryId: $countryId, first: 2) {
        edges { cursor node { code defaultName translation { locale } translations { totalCount } } }
        pageInfo { hasNextPage } totalCount } }""", {"countryId": 5}, headers={"X-Locale": "fr"})
    connection = result["data"]["countryStates"]
    assert connection["totalCount"] == 3
    assert connection["pageInfo"]["hasNextPage"] is True
    assert [edge["node"]["defaultName"] for edge in connection["edges"]] == ["Ontario", "Québec"]
    rest = graphql('{ countryStates(countryId: 5, first: 1, after: "MQ==") { edges { node { code defaultName '
                   'translation { locale } translations { totalCount } } } } }', headers={"X-Locale": "fr"})
    assert rest["data"]["countryStates"]["edges"] == [{"node": {
        "code": "BC", "defaultName": "British Columbia", "translation": {"locale": "en"},
        "translations": {"totalCount": 1}}}]


def test_graphql_country_states_unknown_country(graphql):
    result = graphql("{ countryStates(countryId: 999) { totalCount } }")
    assert result["data"] == {"countryStates": None}
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_graphql_country_state_by_iri_or_number(graphql):
    by_iri = graphql('{ countryState(id: "/api/shop/country-states/6") { id code defaultName countryId countryCode '
                     'translations { edges { node { id locale defaultName } } totalCount } } }')
    state = by_iri["data"]["countryState"]
    assert (state["id"], state["code"], state["defaultName"], state["countryId"], state["countryCode"]) == (
        "/api/shop/country-states/6", "MH", "Maharashtra", 2, "IN")
    assert [edge["node"]["locale"] for edge in state["translations"]["edges"]] == ["en", "fr"]
    assert graphql('{ countryState(id: "6") { code } }')["data"]["countryState"] == {"code": "MH"}
    assert graphql('{ countryState(id: "99") { code } }')["data"]["countryState"] is None


@pytest.mark.parametrize("template", [
    "{{ countries(first: {size}) {{ edges {{ node {{ code states {{ edges {{ node {{ translation {{ locale }} }} }} }} }} }} }} }}",
    "{{ countryStates(countryId: 1, first: {size}) {{ edges {{ node {{ code translations {{ totalCount }} }} }} }} }}",
])
def test_graphql_list_query_count_is_constant(graphql, template):
    counts = []
    for size in (1, 50):
        with count_queries() as statements:
            assert "errors" not in graphql(template.format(size=size))
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_graphql_country_states_without_country_lists_every_state(client, graphql):
    rest = client.get("/api/shop/country-states", params={"per_page": 50})
    result = graphql("{ countryStates(first: 50) { totalCount pageInfo { totalCount } edges { node { _id countryId } } } }")
    connection = result["data"]["countryStates"]
    assert connection["totalCount"] == connection["pageInfo"]["totalCount"] == int(rest.headers["X-Total-Count"])
    assert [(edge["node"]["_id"], edge["node"]["countryId"]) for edge in connection["edges"]] == [
        (state["id"], state["countryId"]) for state in rest.json()]
    assert len({edge["node"]["countryId"] for edge in connection["edges"]}) > 1
    one = graphql("{ countryStates(countryId: 1) { totalCount } }")["data"]["countryStates"]
    assert one == {"totalCount": 7}
