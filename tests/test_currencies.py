"""Currencies over GraphQL (the only transport Bagisto documents for them)."""
from tests.helpers import count_queries

CURRENCY_FIELDS = "id _id code name symbol decimal groupSeparator decimalSeparator currencyPosition"


def test_currencies_connection_with_formatting_fields(graphql):
    result = graphql(f"{{ currencies {{ edges {{ cursor node {{ {CURRENCY_FIELDS} }} }} totalCount }} }}")
    connection = result["data"]["currencies"]
    assert connection["totalCount"] == 2
    assert [edge["cursor"] for edge in connection["edges"]] == ["MA==", "MQ=="]
    usd, eur = (edge["node"] for edge in connection["edges"])
    assert usd == {"id": "/api/shop/currencies/1", "_id": 1, "code": "USD", "name": "US Dollar", "symbol": "$",
                   "decimal": "2", "groupSeparator": ",", "decimalSeparator": ".", "currencyPosition": "left"}
    assert eur == {"id": "/api/shop/currencies/2", "_id": 2, "code": "EUR", "name": "Euro", "symbol": "€",
                   "decimal": "2", "groupSeparator": ".", "decimalSeparator": ",",
                   "currencyPosition": "right_with_space"}


def test_currencies_paging(graphql):
    first = graphql("{ currencies(first: 1) { edges { node { code } } pageInfo { hasNextPage endCursor } } }")
    assert first["data"]["currencies"]["edges"] == [{"node": {"code": "USD"}}]
    assert first["data"]["currencies"]["pageInfo"] == {"hasNextPage": True, "endCursor": "MA=="}
    last = graphql("{ currencies(last: 1) { edges { node { code } } pageInfo { hasPreviousPage } } }")
    assert last["data"]["currencies"]["edges"] == [{"node": {"code": "EUR"}}]
    assert last["data"]["currencies"]["pageInfo"]["hasPreviousPage"] is True


def test_currency_by_iri_or_numeric_id(graphql):
    by_iri = graphql('{ currency(id: "/api/shop/currencies/2") { id code symbol } }')
    by_number = graphql('{ currency(id: "2") { id code symbol } }')
    expected = {"id": "/api/shop/currencies/2", "code": "EUR", "symbol": "€"}
    assert by_iri["data"]["currency"] == by_number["data"]["currency"] == expected


def test_unknown_currency_is_null_with_not_found(graphql):
    result = graphql('{ currency(id: "/api/shop/currencies/99") { code } }')
    assert result["data"]["currency"] is None
    assert result["errors"][0]["message"] == "Currency not found"
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_invalid_currency_id_is_bad_user_input(graphql):
    result = graphql('{ currency(id: "usd") { code } }')
    assert result["errors"][0]["extensions"]["classification"] == "BAD_USER_INPUT"


def test_currencies_query_count_is_constant(graphql):
    counts = []
    for size in (1, 50):
        with count_queries() as statements:
            graphql(f"{{ currencies(first: {size}) {{ edges {{ node {{ code }} }} totalCount }} }}")
        counts.append(len(statements))
    assert counts[0] == counts[1]
