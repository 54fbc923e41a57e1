"""Admin channels over REST and GraphQL: list and detail with relations, create with locale/currency
membership rules and unique code/hostname, per-locale texts, delete guards, and the shop seeing edits."""
import pytest

from storage.db import database
from storage.models import Channel
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.helpers import list_statement_counts
from tests.settings_snapshot import SettingsSnapshot

BASE = "/api/admin/settings/channels"
US_STORE = {"code": "us", "name": "US Store", "hostname": "us.example.com", "locales": [1], "currencies": [1, 2],
            "inventory_sources": [1], "default_locale_id": 1, "base_currency_id": 2, "description": "Our US storefront",
            "seo_title": "Best products", "seo_description": "Welcome to our shop"}


@pytest.fixture(scope="module")
def root_category_id(app):
    with database.connection_context():
        return Channel.get_by_id(1).root_category_id


@pytest.fixture
def restored(app):
    """Whatever a test changes in the settings tables is put back afterwards."""
    snapshot = SettingsSnapshot()
    yield
    snapshot.restore()


@pytest.fixture
def us_store(admin_client, root_category_id, restored):
    response = admin_client.post(BASE, json={**US_STORE, "root_category_id": root_category_id})
    assert response.status_code == 201, response.text
    return response.json()


def test_list_and_detail(admin_client, root_category_id):
    summary = {"id": 1, "code": "default", "name": "Default Store", "hostname": "http://127.0.0.1:8000",
               "rootCategoryId": root_category_id, "defaultLocaleId": 1, "baseCurrencyId": 1}
    assert admin_client.get(BASE).json() == {
        "data": [summary], "meta": {"currentPage": 1, "perPage": 10, "lastPage": 1, "total": 1, "from": 1, "to": 1}}
    french = admin_client.get(BASE, params={"locale": "fr"}).json()["data"][0]
    assert french["name"] == "Boutique par défaut"
    detail = admin_client.get(f"{BASE}/1").json()
    assert detail == {**summary, "theme": "default", "timezone": "UTC", "isMaintenanceOn": 0, "allowedIps": "",
                      "locales": [{"id": 1, "code": "en"}, {"id": 2, "code": "fr"}],
                      "currencies": [{"id": 1, "code": "USD"}, {"id": 2, "code": "EUR"}],
                      "inventorySources": [{"id": 1, "code": "default"}],
                      "translations": [
                          {"locale": "en", "name": "Default Store", "description": "specshop demo store",
                           "maintenanceModeText": "", "seoTitle": "specshop demo store", "seoDescription": "",
                           "seoKeywords": ""},
                          {"locale": "fr", "name": "Boutique par défaut", "description": "Boutique de démonstration",
                           "maintenanceModeText": "", "seoTitle": "Boutique specshop", "seoDescription": "",
                           "seoKeywords": ""}]}
    assert admin_client.get(f"{BASE}/99").json() == {"message": "Channel not found", "error": "not_found"}


def test_create_writes_links_and_translations_and_the_shop_lists_it(admin_client, client, us_store,
                                                                   root_category_id):
    assert us_store["code"] == "us"
    assert us_store["baseCurrencyId"] == 2
    assert us_store["locales"] == [{"id": 1, "code": "en"}]
    assert us_store["currencies"] == [{"id": 1, "code": "USD"}, {"id": 2, "code": "EUR"}]
    assert us_store["translations"] == [{"locale": "en", "name": "US Store", "description": "Our US storefront",
                                         "maintenanceModeText": "", "seoTitle": "Best products",
                                         "seoDescription": "Welcome to our shop", "seoKeywords": ""}]
    shop = client.get("/api/shop/channels")
    assert shop.headers["X-Total-Count"] == "2"
    listed = shop.json()[1]
    assert (listed["code"], listed["baseCurrency"], listed["locales"]) == ("us", "/api/shop/currencies/2",
                                                                           ["/api/shop/locales/1"])
    assert listed["homeSeo"] == {"meta_title": "Best products", "meta_keywords": "",
                                 "meta_description": "Welcome to our shop"}
    assert admin_client.get(BASE, params={"sort": "code", "order": "desc"}).json()["data"][0]["code"] == "us"
    assert [row["code"] for row in admin_client.get(BASE, params={"code": "us"}).json()["data"]] == ["us"]


def test_list_statement_count_does_not_grow_with_the_page(admin_client, us_store):
    counts = list_statement_counts(admin_client, BASE, sizes=(1, 50))
    assert counts[0] == counts[1]


def test_create_validation_names_the_fields(admin_client, root_category_id):
    body = {**US_STORE, "root_category_id": root_category_id}
    outside = admin_client.post(BASE, json={**body, "default_locale_id": 2, "base_currency_id": 1, "currencies": [2]})
    assert outside.status_code == 422
    assert outside.json()["errors"] == {
        "default_locale_id": ["The default locale must be one of the channel's locales."],
        "base_currency_id": ["The base currency must be one of the channel's currencies."]}
    unknown = admin_client.post(BASE, json={**body, "locales": [1, 999], "inventory_sources": [999]})
    assert unknown.json()["errors"] == {"locales": ["The selected locales are invalid."],
                                        "inventory_sources": ["The selected inventory sources are invalid."]}
    taken = admin_client.post(BASE, json={**body, "code": "default", "hostname": "http://127.0.0.1:8000",
                                          "root_category_id": 999999})
    assert taken.json()["errors"] == {"code": ["The code has already been taken."],
                                      "hostname": ["The hostname has already been taken."],
                                      "root_category_id": ["The selected root category id is invalid."]}
    missing = admin_client.post(BASE, json={"code": "x y"})
    assert missing.status_code == 422
    assert {"code", "name", "locales", "currencies", "inventory_sources", "default_locale_id", "base_currency_id",
            "root_category_id"} <= set(missing.json()["errors"])
    assert admin_client.get(BASE).json()["meta"]["total"] == 1


def test_a_renamed_channel_shows_in_the_shop_at_once(admin_client, client, graphql, restored):
    response = admin_client.put(f"{BASE}/1", json={"translations": {"en": {
        "name": "United Store", "description": "New text", "seo_description": "Welcome"}}})
    assert response.status_code == 200
    assert response.json()["name"] == "United Store"
    assert response.json()["translations"][0] == {
        "locale": "en", "name": "United Store", "description": "New text", "maintenanceModeText": "",
        "seoTitle": "specshop demo store", "seoDescription": "Welcome", "seoKeywords": ""}
    assert response.json()["translations"][1]["name"] == "Boutique par défaut"
    shop = client.get("/api/shop/channels").json()[0]
    assert shop["homeSeo"]["meta_description"] == "Welcome"
    assert client.get(shop["translation"]).json()["name"] == "United Store"
    names = graphql("{ channels { edges { node { translation { name } } } } }")
    assert names["data"]["channels"]["edges"][0]["node"]["translation"]["name"] == "United Store"


def test_top_level_texts_go_to_every_locale(admin_client, restored):
    response = admin_client.put(f"{BASE}/1", json={"name": "Everywhere", "seo_keywords": "shoes",
                                                   "is_maintenance_on": 1, "hostname": "shop.example.com"})
    body = response.json()
    assert [(row["locale"], row["name"], row["seoKeywords"]) for row in body["translations"]] == [
        ("en", "Everywhere", "shoes"), ("fr", "Everywhere", "shoes")]
    assert (body["isMaintenanceOn"], body["hostname"], body["code"]) == (1, "shop.example.com", "default")
    unknown_locale = admin_client.put(f"{BASE}/1", json={"translations": {"xx": {"name": "?"}}, "locales": [2]})
    assert unknown_locale.status_code == 422
    assert unknown_locale.json()["errors"] == {
        "default_locale_id": ["The default locale must be one of the channel's locales."],
        "translations.xx": ["The locale is not a locale of the store."]}


def test_delete_guards(admin_client, us_store):
    only_default = admin_client.delete(f"{BASE}/1")
    assert only_default.status_code == 400
    assert only_default.json() == {"message": "The default channel cannot be deleted.", "error": "default_channel"}
    assert admin_client.delete(f"{BASE}/{us_store['id']}").json() == {"message": "Channel deleted."}
    last = admin_client.delete(f"{BASE}/1")
    assert last.json() == {"message": "The last remaining channel cannot be deleted.", "error": "last_channel"}


# --- GraphQL -----------------------------------------------------------------------

def test_graphql_list_and_detail(admin_graphql, root_category_id):
    listed = admin_graphql("""{ adminSettingsChannels(first: 10) { edges { cursor node { id _id code name hostname } }
        pageInfo { hasNextPage endCursor } totalCount } }""")
    assert listed["data"]["adminSettingsChannels"] == {
        "edges": [{"cursor": "MA==", "node": {"id": "/api/admin/settings/channels/1", "_id": 1, "code": "default",
                                             "name": "Default Store", "hostname": "http://127.0.0.1:8000"}}],
        "pageInfo": {"hasNextPage": False, "endCursor": "MA=="}, "totalCount": 1}
    french = admin_graphql('{ adminSettingsChannels(locale: "fr") { edges { node { name } } } }')
    assert french["data"]["adminSettingsChannels"]["edges"][0]["node"]["name"] == "Boutique par défaut"
    detail = admin_graphql("""{ adminSettingsChannel(id: "/api/admin/settings/channels/1") { _id rootCategoryId
        defaultLocaleId baseCurrencyId locales { id code } translations { locale name } } }""")
    assert detail["data"]["adminSettingsChannel"] == {
        "_id": 1, "rootCategoryId": root_category_id, "defaultLocaleId": 1, "baseCurrencyId": 1,
        "locales": [{"id": 1, "code": "en"}, {"id": 2, "code": "fr"}],
        "translations": [{"locale": "en", "name": "Default Store"}, {"locale": "fr", "name": "Boutique par défaut"}]}


def test_graphql_mutations(admin_graphql, client, root_category_id, restored):
    created = admin_graphql("""mutation($input: createAdminSettingsChannelInput!) {
        createAdminSettingsChannel(input: $input) { adminSettingsChannel { id _id code name hostname } } }""",
                            {"input": {"code": "eu", "name": "EU Store", "hostname": "eu.example.com",
                                       "locales": [1, 2], "currencies": [2], "inventorySources": [1],
                                       "defaultLocaleId": 2, "baseCurrencyId": 2, "rootCategoryId": root_category_id}})
    node = created["data"]["createAdminSettingsChannel"]["adminSettingsChannel"]
    assert node == {"id": f"/api/admin/settings/channels/{node['_id']}", "_id": node["_id"], "code": "eu",
                    "name": "EU Store", "hostname": "eu.example.com"}
    updated = admin_graphql("""mutation($input: updateAdminSettingsChannelInput!) {
        updateAdminSettingsChannel(input: $input) { adminSettingsChannel { _id name translations { locale name seoTitle } } } }""",
                            {"input": {"id": node["id"], "name": "Europe",
                                       "translations": [{"locale": "fr", "name": "Europe (FR)", "seoTitle": "Bienvenue"}]}})
    assert updated["data"]["updateAdminSettingsChannel"]["adminSettingsChannel"] == {
        "_id": node["_id"], "name": "Europe",
        "translations": [{"locale": "en", "name": "Europe", "seoTitle": ""},
                         {"locale": "fr", "name": "Europe (FR)", "seoTitle": "Bienvenue"}]}
    invalid = admin_graphql("""mutation { updateAdminSettingsChannel(input: {id: "1", defaultLocaleId: 99}) {
        adminSettingsChannel { id } } }""")
    assert invalid["errors"][0]["extensions"]["errors"] == {
        "defaultLocaleId": ["The default locale must be one of the channel's locales."]}
    deleted = admin_graphql("""mutation($input: deleteAdminSettingsChannelInput!) {
        deleteAdminSettingsChannel(input: $input) { adminSettingsChannel { id } } }""", {"input": {"id": node["id"]}})
    assert deleted["data"]["deleteAdminSettingsChannel"] == {"adminSettingsChannel": None}
    refused = admin_graphql("""mutation { deleteAdminSettingsChannel(input: {id: "/api/admin/settings/channels/1"}) {
        adminSettingsChannel { id } } }""")
    assert refused["errors"][0]["extensions"]["code"] == "LAST_CHANNEL"
    assert client.get("/api/shop/channels").headers["X-Total-Count"] == "1"
