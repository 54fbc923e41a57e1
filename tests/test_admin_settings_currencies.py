"""Admin currencies over REST and GraphQL: the {data, meta} list with filters and sort, unique upper-case
codes, immutable code, delete guards (last currency, channel base), mass delete, and the shop seeing edits."""
from decimal import Decimal

import pytest

from storage.db import database
from storage.models import Currency
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.helpers import list_statement_counts

BASE = "/api/admin/settings/currencies"
USD = {"id": 1, "code": "USD", "name": "US Dollar", "symbol": "$", "decimal": "2", "groupSeparator": ",",
       "decimalSeparator": ".", "currencyPosition": "left", "createdAt": "2026-01-15T09:30:00+00:00"}


@pytest.fixture
def pound(admin_client):
    """A GBP currency, removed afterwards."""
    response = admin_client.post(BASE, json={"code": "gbp", "name": "Pound Sterling", "symbol": "£"})
    assert response.status_code == 201, response.text
    yield response.json()
    with database.connection_context():
        Currency.delete().where(Currency.code == "GBP").execute()


def test_list_is_an_envelope_with_meta(admin_client):
    response = admin_client.get(BASE)
    assert response.status_code == 200
    body = response.json()
    assert body["data"][0] == USD
    assert [row["code"] for row in body["data"]] == ["USD", "EUR"]
    assert body["meta"] == {"currentPage": 1, "perPage": 10, "lastPage": 1, "total": 2, "from": 1, "to": 2}
    second = admin_client.get(BASE, params={"per_page": 1, "page": 2}).json()
    assert [row["code"] for row in second["data"]] == ["EUR"]
    assert second["meta"] == {"currentPage": 2, "perPage": 1, "lastPage": 2, "total": 2, "from": 2, "to": 2}


def test_filters_are_partial_and_combined(admin_client):
    assert [row["code"] for row in admin_client.get(BASE, params={"name": "eur"}).json()["data"]] == ["EUR"]
    assert [row["code"] for row in admin_client.get(BASE, params={"code": "us", "symbol": "$"}).json()["data"]] == ["USD"]
    empty = admin_client.get(BASE, params={"code": "us", "name": "euro"}).json()
    assert empty == {"data": [], "meta": {"currentPage": 1, "perPage": 10, "lastPage": 1, "total": 0,
                                          "from": None, "to": None}}


def test_sort_and_order(admin_client):
    by_code_desc = admin_client.get(BASE, params={"sort": "code", "order": "desc"}).json()["data"]
    assert [row["code"] for row in by_code_desc] == ["USD", "EUR"]
    by_name = admin_client.get(BASE, params={"sort": "name"}).json()["data"]
    assert [row["name"] for row in by_name] == ["Euro", "US Dollar"]
    bad = admin_client.get(BASE, params={"sort": "symbol", "order": "up"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"sort", "order"}


def test_list_statement_count_does_not_grow_with_the_page(admin_client, pound):
    counts = list_statement_counts(admin_client, BASE, sizes=(1, 50))
    assert counts[0] == counts[1]


def test_create_uppercases_the_code_and_defaults(admin_client, pound):
    assert pound == {"id": pound["id"], "code": "GBP", "name": "Pound Sterling", "symbol": "£", "decimal": "2",
                     "groupSeparator": ",", "decimalSeparator": ".", "currencyPosition": "left",
                     "createdAt": pound["createdAt"]}
    assert admin_client.get(f"{BASE}/{pound['id']}").json() == pound


def test_create_without_symbol_shows_the_code(admin_client):
    response = admin_client.post(BASE, json={"code": "CHF", "name": "Swiss Franc", "decimal": 2,
                                             "currency_position": "left_with_space"})
    try:
        assert response.status_code == 201
        assert response.json()["symbol"] == "CHF"
        assert response.json()["currencyPosition"] == "left_with_space"
    finally:
        with database.connection_context():
            Currency.delete().where(Currency.code == "CHF").execute()


def test_decimal_takes_a_digit_string_and_answers_one(admin_client, pound):
    response = admin_client.put(f"{BASE}/{pound['id']}", json={"decimal": "3"})
    assert response.status_code == 200
    assert response.json()["decimal"] == "3"
    assert admin_client.put(f"{BASE}/{pound['id']}", json={"decimal": 0}).json()["decimal"] == "0"
    for wrong in ("5", 5, "2.5"):
        refused = admin_client.put(f"{BASE}/{pound['id']}", json={"decimal": wrong})
        assert refused.status_code == 422, wrong
        assert set(refused.json()["errors"]) == {"decimal"}
    with database.connection_context():
        assert Currency.get_by_id(pound["id"]).decimal == 0


def test_create_validation_names_the_fields(admin_client):
    taken = admin_client.post(BASE, json={"code": "usd", "name": "Dollar again"})
    assert taken.status_code == 422
    assert taken.json() == {"message": "The given data was invalid.", "error": "validation_failed",
                            "errors": {"code": ["The code has already been taken."]}}
    malformed = admin_client.post(BASE, json={"code": "EURO", "currency_position": "middle"})
    assert malformed.status_code == 422
    assert set(malformed.json()["errors"]) == {"code", "name", "currency_position"}
    with database.connection_context():
        assert Currency.select().count() == 2


def test_update_is_partial_and_code_is_immutable(admin_client, pound):
    response = admin_client.put(f"{BASE}/{pound['id']}", json={"code": "XXX", "name": "British Pound",
                                                                "decimal_separator": ","})
    assert response.status_code == 200
    assert response.json() == {**pound, "name": "British Pound", "decimalSeparator": ","}
    missing = admin_client.put(f"{BASE}/999999", json={"name": "x"})
    assert missing.status_code == 404
    assert missing.json() == {"message": "Currency not found", "error": "not_found"}


def test_delete_refuses_a_channel_base_currency(admin_client):
    response = admin_client.delete(f"{BASE}/1")
    assert response.status_code == 400
    assert response.json() == {"message": "This currency is the base currency of a channel and cannot be deleted.",
                               "error": "channel_base_currency"}
    assert admin_client.get(f"{BASE}/1").status_code == 200


def test_a_batch_of_every_currency_is_refused_as_the_last_one(admin_client):
    response = admin_client.post(f"{BASE}/mass-delete", json={"indices": [1, 2, 999999]})
    assert response.status_code == 400
    assert response.json() == {"message": "The last remaining currency cannot be deleted.", "error": "last_currency"}
    assert [row["code"] for row in admin_client.get(BASE).json()["data"]] == ["USD", "EUR"]


def test_delete_then_404(admin_client, pound):
    response = admin_client.delete(f"{BASE}/{pound['id']}")
    assert response.status_code == 200
    assert response.json() == {"message": "Currency deleted."}
    assert admin_client.get(f"{BASE}/{pound['id']}").status_code == 404


def test_mass_delete_refuses_the_whole_batch_or_skips_unknown_ids(admin_client, pound):
    refused = admin_client.post(f"{BASE}/mass-delete", json={"indices": [pound["id"], 1]})
    assert refused.status_code == 400
    assert refused.json()["error"] == "channel_base_currency"
    assert admin_client.get(f"{BASE}/{pound['id']}").status_code == 200
    deleted = admin_client.post(f"{BASE}/mass-delete", json={"indices": [pound["id"], 999999]})
    assert deleted.json() == {"deleted": [pound["id"]], "message": "Currencies deleted."}
    empty = admin_client.post(f"{BASE}/mass-delete", json={"indices": []})
    assert empty.status_code == 422
    assert set(empty.json()["errors"]) == {"indices"}


def test_a_currency_edit_shows_in_shop_prices_on_the_next_request(admin_client, client):
    before = client.get("/api/shop/products/1", headers={"X-Currency": "EUR"}).json()
    price = Decimal(str(before["price"]))
    try:
        response = admin_client.put(f"{BASE}/2", json={"symbol": "EUR", "currency_position": "left_with_space",
                                                       "group_separator": " "})
        assert response.status_code == 200
        after = client.get("/api/shop/products/1", headers={"X-Currency": "EUR"}).json()
        converted = (price * Decimal("0.92")).quantize(Decimal("0.01"))
        whole, cents = f"{converted:.2f}".split(".")
        assert after["formattedPrice"] == "EUR " + f"{int(whole):,}".replace(",", " ") + f",{cents}"
    finally:
        admin_client.put(f"{BASE}/2", json={"symbol": "€", "currency_position": "right_with_space",
                                            "group_separator": "."})
    assert client.get("/api/shop/products/1", headers={"X-Currency": "EUR"}).json() == before


# --- GraphQL -----------------------------------------------------------------------

def test_graphql_list_with_filters_and_detail(admin_graphql):
    result = admin_graphql("""{ adminSettingsCurrencies(first: 10, code: "eu") {
        edges { cursor node { id _id code name symbol } } pageInfo { hasNextPage endCursor } totalCount } }""")
    assert result["data"]["adminSettingsCurrencies"] == {
        "edges": [{"cursor": "MA==", "node": {"id": "/api/admin/settings/currencies/2", "_id": 2, "code": "EUR",
                                             "name": "Euro", "symbol": "€"}}],
        "pageInfo": {"hasNextPage": False, "endCursor": "MA=="}, "totalCount": 1}
    detail = admin_graphql('{ adminSettingsCurrency(id: "/api/admin/settings/currencies/1") { _id code currencyPosition } }')
    assert detail["data"]["adminSettingsCurrency"] == {"_id": 1, "code": "USD", "currencyPosition": "left"}


def test_graphql_create_update_mass_delete(admin_graphql):
    created = admin_graphql("""mutation($input: createAdminSettingsCurrencyInput!) {
        createAdminSettingsCurrency(input: $input) { adminSettingsCurrency { id _id code name symbol } } }""",
                            {"input": {"code": "jpy", "name": "Yen", "symbol": "¥", "decimal": 0}})
    node = created["data"]["createAdminSettingsCurrency"]["adminSettingsCurrency"]
    assert node == {"id": f"/api/admin/settings/currencies/{node['_id']}", "_id": node["_id"], "code": "JPY",
                    "name": "Yen", "symbol": "¥"}
    updated = admin_graphql("""mutation($input: updateAdminSettingsCurrencyInput!) {
        updateAdminSettingsCurrency(input: $input) { adminSettingsCurrency { _id name decimal } } }""",
                            {"input": {"id": node["id"], "name": "Japanese Yen"}})
    assert updated["data"]["updateAdminSettingsCurrency"]["adminSettingsCurrency"] == {
        "_id": node["_id"], "name": "Japanese Yen", "decimal": "0"}
    duplicate = admin_graphql("""mutation { createAdminSettingsCurrency(input: {code: "JPY", name: "Again"}) {
        adminSettingsCurrency { id } } }""")
    assert duplicate["errors"][0]["extensions"]["errors"] == {"code": ["The code has already been taken."]}
    deleted = admin_graphql("""mutation($input: createAdminSettingsCurrencyMassDeleteInput!) {
        createAdminSettingsCurrencyMassDelete(input: $input) { adminSettingsCurrencyMassDelete { deleted message } } }""",
                            {"input": {"indices": [node["_id"], 999999]}})
    assert deleted["data"]["createAdminSettingsCurrencyMassDelete"]["adminSettingsCurrencyMassDelete"] == {
        "deleted": [node["_id"]], "message": "Currencies deleted."}


def test_graphql_delete_guard_and_invalid_input(admin_graphql):
    refused = admin_graphql("""mutation { deleteAdminSettingsCurrency(input: {id: "/api/admin/settings/currencies/1"}) {
        adminSettingsCurrency { id } } }""")
    assert refused["errors"][0]["extensions"]["code"] == "CHANNEL_BASE_CURRENCY"
    invalid = admin_graphql("""mutation { createAdminSettingsCurrency(input: {code: "EURO", name: "x",
        currencyPosition: "middle"}) { adminSettingsCurrency { id } } }""")
    assert set(invalid["errors"][0]["extensions"]["errors"]) == {"code", "currencyPosition"}
