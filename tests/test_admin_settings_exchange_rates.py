"""Admin exchange rates over REST and GraphQL: the joined list, one rate per currency, the shop's
conversion following every write, and update-rates from the local rate table (no network)."""
import json
from decimal import Decimal

import pytest

from storage.db import database
from storage.models import ExchangeRate, utcnow
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.helpers import changed, list_statement_counts

BASE = "/api/admin/settings/exchange-rates"
USD_RATE = {"id": 1, "targetCurrency": 1, "targetCurrencyCode": "USD", "targetCurrencyName": "US Dollar", "rate": 1}
EUR_RATE = {"id": 2, "targetCurrency": 2, "targetCurrencyCode": "EUR", "targetCurrencyName": "Euro", "rate": 0.92}


def euro_price(client) -> str:
    return client.get("/api/shop/products/1", headers={"X-Currency": "EUR"}).json()["formattedPrice"]


def formatted_euros(client, rate: str) -> str:
    price = Decimal(str(client.get("/api/shop/products/1").json()["price"]))
    converted = (price * Decimal(rate)).quantize(Decimal("0.01"))
    whole, cents = f"{converted:.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + f",{cents} €"


@pytest.fixture
def euro_rate_restored():
    """Put the seeded EUR rate (id 2, 0.92) back, whatever the test did to it."""
    yield
    with database.connection_context():
        ExchangeRate.delete().where(ExchangeRate.target_currency == 2).execute()
        ExchangeRate.insert(id=2, target_currency=2, rate=Decimal("0.92"), created_at=utcnow(),
                            updated_at=utcnow()).execute()


def test_list_joins_the_target_currency(admin_client):
    body = admin_client.get(BASE).json()
    assert body == {"data": [USD_RATE, EUR_RATE],
                    "meta": {"currentPage": 1, "perPage": 10, "lastPage": 1, "total": 2, "from": 1, "to": 2}}
    assert admin_client.get(f"{BASE}/2").json() == EUR_RATE


def test_filters_and_sort(admin_client):
    assert admin_client.get(BASE, params={"target_currency": 2}).json()["data"] == [EUR_RATE]
    assert admin_client.get(BASE, params={"rate_from": 0.5, "rate_to": 0.95}).json()["data"] == [EUR_RATE]
    assert admin_client.get(BASE, params={"rate_from": 0.93}).json()["data"] == [USD_RATE]
    by_rate = admin_client.get(BASE, params={"sort": "rate"}).json()["data"]
    assert [row["id"] for row in by_rate] == [2, 1]
    assert admin_client.get(BASE, params={"sort": "code"}).status_code == 400


def test_list_statement_count_does_not_grow_with_the_page(admin_client):
    counts = list_statement_counts(admin_client, BASE, sizes=(1, 50))
    assert counts[0] == counts[1]


def test_one_rate_per_existing_currency_and_positive(admin_client):
    taken = admin_client.post(BASE, json={"target_currency": 2, "rate": 0.9})
    assert taken.status_code == 422
    assert taken.json()["errors"] == {"target_currency": ["The target currency has already been taken."]}
    unknown = admin_client.post(BASE, json={"target_currency": 999999, "rate": 0.9})
    assert unknown.json()["errors"] == {"target_currency": ["The selected target currency is invalid."]}
    zero = admin_client.post(BASE, json={"target_currency": 2, "rate": 0})
    assert zero.status_code == 422
    assert set(zero.json()["errors"]) == {"rate"}
    moved = admin_client.put(f"{BASE}/2", json={"target_currency": 1})
    assert moved.json()["errors"] == {"target_currency": ["The target currency has already been taken."]}


def test_an_updated_rate_converts_shop_prices_at_once(admin_client, client, euro_rate_restored):
    assert euro_price(client) == formatted_euros(client, "0.92")
    response = admin_client.put(f"{BASE}/2", json={"rate": 0.5})
    assert response.json() == {**EUR_RATE, "rate": 0.5}
    assert euro_price(client) == formatted_euros(client, "0.5")


def test_a_new_rate_converts_shop_prices_at_once(admin_client, client, euro_rate_restored):
    assert admin_client.delete(f"{BASE}/2").json() == {"message": "Exchange rate deleted."}
    assert euro_price(client) == formatted_euros(client, "1")
    created = admin_client.post(BASE, json={"target_currency": 2, "rate": 0.8125})
    assert created.status_code == 201
    assert created.json() == {**EUR_RATE, "id": created.json()["id"], "rate": 0.8125}
    assert euro_price(client) == formatted_euros(client, "0.8125")


def test_mass_delete_skips_unknown_ids(admin_client, client, euro_rate_restored):
    response = admin_client.post(f"{BASE}/mass-delete", json={"indices": [2, 999999]})
    assert response.json() == {"deleted": [2], "message": "Exchange rates deleted."}
    assert admin_client.get(BASE).json()["data"] == [USD_RATE]


def test_update_rates_restores_the_reference_rates(admin_client, client, euro_rate_restored):
    with database.connection_context():
        ExchangeRate.update(rate=Decimal("0.5")).where(ExchangeRate.id == 2).execute()
    response = admin_client.post(f"{BASE}/update-rates")
    assert response.status_code == 200
    assert response.json() == {"success": True, "updated": 2, "message": "Exchange rates updated successfully."}
    assert admin_client.get(f"{BASE}/2").json() == EUR_RATE
    assert admin_client.get(f"{BASE}/1").json() == USD_RATE
    assert euro_price(client) == formatted_euros(client, "0.92")


def test_update_rates_reads_the_configured_table_in_the_base_currency(admin_client, client, euro_rate_restored,
                                                                     tmp_path, monkeypatch):
    table = tmp_path / "rates.json"
    table.write_text(json.dumps({"USD": 1.25, "EUR": 1, "GBP": 0.9}))
    monkeypatch.setenv("EXCHANGE_RATES_FILE", str(table))
    assert admin_client.post(f"{BASE}/update-rates").json()["updated"] == 2
    assert admin_client.get(f"{BASE}/2").json()["rate"] == 0.8
    assert euro_price(client) == formatted_euros(client, "0.8")


def test_update_rates_refuses_a_table_without_a_store_currency(admin_client, euro_rate_restored, tmp_path,
                                                               monkeypatch):
    table = tmp_path / "rates.json"
    table.write_text(json.dumps({"USD": 1, "GBP": 0.79}))
    monkeypatch.setenv("EXCHANGE_RATES_FILE", str(table))
    with changed(ExchangeRate, 2, rate=Decimal("0.5")):
        response = admin_client.post(f"{BASE}/update-rates")
        assert response.status_code == 422
        assert response.json() == {"message": "The local rate table has no rate for EUR.",
                                   "error": "rate_provider_failed"}
        assert admin_client.get(f"{BASE}/2").json()["rate"] == 0.5
    monkeypatch.setenv("EXCHANGE_RATE_PROVIDER", "no.such.module:Provider")
    assert admin_client.post(f"{BASE}/update-rates").status_code == 422


# --- GraphQL -----------------------------------------------------------------------

def test_graphql_list_and_detail(admin_graphql):
    listed = admin_graphql("""{ adminSettingsExchangeRates(first: 10, rate_to: 0.95) {
        edges { cursor node { id _id targetCurrency targetCurrencyCode targetCurrencyName rate } }
        pageInfo { hasNextPage endCursor } totalCount } }""")
    assert listed["data"]["adminSettingsExchangeRates"] == {
        "edges": [{"cursor": "MA==", "node": {"id": "/api/admin/settings/exchange-rates/2", "_id": 2,
                                             "targetCurrency": 2, "targetCurrencyCode": "EUR",
                                             "targetCurrencyName": "Euro", "rate": 0.92}}],
        "pageInfo": {"hasNextPage": False, "endCursor": "MA=="}, "totalCount": 1}
    detail = admin_graphql('{ adminSettingsExchangeRate(id: "/api/admin/settings/exchange-rates/1") { _id rate } }')
    assert detail["data"]["adminSettingsExchangeRate"] == {"_id": 1, "rate": 1.0}


def test_graphql_mutations(admin_graphql, client, euro_rate_restored):
    updated = admin_graphql("""mutation($input: updateAdminSettingsExchangeRateInput!) {
        updateAdminSettingsExchangeRate(input: $input) { adminSettingsExchangeRate { id _id rate } } }""",
                            {"input": {"id": "/api/admin/settings/exchange-rates/2", "rate": 0.75}})
    assert updated["data"]["updateAdminSettingsExchangeRate"]["adminSettingsExchangeRate"] == {
        "id": "/api/admin/settings/exchange-rates/2", "_id": 2, "rate": 0.75}
    assert euro_price(client) == formatted_euros(client, "0.75")
    synced = admin_graphql("""mutation { createAdminSettingsExchangeRateUpdateRates(input: {}) {
        adminSettingsExchangeRateUpdateRates { success updated message } } }""")
    assert synced["data"]["createAdminSettingsExchangeRateUpdateRates"]["adminSettingsExchangeRateUpdateRates"] == {
        "success": True, "updated": 2, "message": "Exchange rates updated successfully."}
    deleted = admin_graphql("""mutation { deleteAdminSettingsExchangeRate(input: {id: "/api/admin/settings/exchange-rates/2"}) {
        adminSettingsExchangeRate { id } } }""")
    assert deleted["data"]["deleteAdminSettingsExchangeRate"] == {"adminSettingsExchangeRate": None}
    created = admin_graphql("""mutation($input: createAdminSettingsExchangeRateInput!) {
        createAdminSettingsExchangeRate(input: $input) { adminSettingsExchangeRate { targetCurrency rate } } }""",
                            {"input": {"targetCurrency": 2, "rate": 0.9}})
    assert created["data"]["createAdminSettingsExchangeRate"]["adminSettingsExchangeRate"] == {
        "targetCurrency": 2, "rate": 0.9}
    taken = admin_graphql("""mutation { createAdminSettingsExchangeRate(input: {targetCurrency: 2, rate: 0.9}) {
        adminSettingsExchangeRate { id } } }""")
    assert taken["errors"][0]["extensions"]["errors"] == {"targetCurrency": ["The target currency has already been taken."]}
    mass = admin_graphql("""mutation { createAdminSettingsExchangeRateMassDelete(input: {indices: [999998]}) {
        adminSettingsExchangeRateMassDelete { deleted message } } }""")
    assert mass["data"]["createAdminSettingsExchangeRateMassDelete"]["adminSettingsExchangeRateMassDelete"] == {
        "deleted": [], "message": "Exchange rates deleted."}
