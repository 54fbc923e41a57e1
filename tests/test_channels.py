"""Channels and channel translations over REST and GraphQL: IRIs vs objects, locale fallback, paging."""
import json

import pytest

from storage.db import database
from storage.models import Channel, ChannelCurrency, ChannelLocale, ChannelTranslation
from tests.helpers import count_queries, list_statement_counts


@pytest.fixture
def second_channel(app):
    """A `mobile` channel (English only, euro base) for the duration of one test."""
    with database.connection_context():
        channel = Channel.create(code="mobile", hostname="https://m.example.com", default_locale=1,
                                 base_currency=2, timezone="Europe/Paris", logo_path="channels/m.png",
                                 is_maintenance_on=True, allowed_ips="10.0.0.1")
        translation = ChannelTranslation.create(channel=channel, locale="en", name="Mobile Store",
                                                home_seo={"meta_title": "Mobile", "meta_keywords": "m"})
        ChannelLocale.create(channel=channel, locale=1)
        ChannelCurrency.create(channel=channel, currency=2)
    yield channel, translation
    with database.connection_context():
        for model in (ChannelTranslation, ChannelLocale, ChannelCurrency):
            model.delete().where(model.channel == channel.id).execute()
        Channel.delete_by_id(channel.id)


def test_list_channels_with_relations_as_iris(client):
    response = client.get("/api/shop/channels")
    assert response.status_code == 200
    assert response.headers["X-Total-Count"] == "1"
    assert response.headers["X-Per-Page"] == "10"
    assert response.json() == [{
        "id": 1, "code": "default", "timezone": "UTC", "theme": "default", "hostname": "http://127.0.0.1:8000",
        "logo": None, "favicon": None,
        "homeSeo": {"meta_title": "specshop demo store", "meta_keywords": "", "meta_description": ""},
        "isMaintenanceOn": 0, "allowedIps": "",
        "createdAt": "2026-01-15T09:30:00+00:00", "updatedAt": "2026-01-15T09:30:00+00:00",
        "logoUrl": None, "faviconUrl": None,
        "locales": ["/api/shop/locales/1", "/api/shop/locales/2"],
        "currencies": ["/api/shop/currencies/1", "/api/shop/currencies/2"],
        "defaultLocale": "/api/shop/locales/1", "baseCurrency": "/api/shop/currencies/1",
        "translation": "/api/shop/channel_translations/1",
        "translations": ["/api/shop/channel_translations/1", "/api/shop/channel_translations/2"],
    }]


def test_channel_translation_and_seo_follow_x_locale(client):
    french = client.get("/api/shop/channels/1", headers={"X-Locale": "fr"}).json()
    assert french["translation"] == "/api/shop/channel_translations/2"
    assert french["homeSeo"]["meta_title"] == "Boutique specshop"
    unknown = client.get("/api/shop/channels/1", headers={"X-Locale": "de"}).json()
    assert unknown["translation"] == "/api/shop/channel_translations/1"


def test_get_channel_404(client):
    response = client.get("/api/shop/channels/999")
    assert response.status_code == 404
    assert response.json() == {"message": "Channel not found", "error": "not_found"}


def test_second_channel_paging_and_fallback(client, second_channel):
    channel, translation = second_channel
    response = client.get("/api/shop/channels", params={"per_page": 1, "page": 2}, headers={"X-Locale": "fr"})
    assert response.headers["X-Total-Count"] == "2"
    assert response.headers["X-Total-Pages"] == "2"
    [mobile] = response.json()
    assert mobile["code"] == "mobile"
    assert mobile["isMaintenanceOn"] == 1
    assert mobile["allowedIps"] == "10.0.0.1"
    assert mobile["logo"] == "channels/m.png"
    assert mobile["logoUrl"] == "http://127.0.0.1:8000/storage/channels/m.png"
    assert mobile["locales"] == ["/api/shop/locales/1"]
    assert mobile["currencies"] == ["/api/shop/currencies/2"]
    assert mobile["baseCurrency"] == "/api/shop/currencies/2"
    # No French translation on this channel: the default locale's row is used.
    assert mobile["translation"] == f"/api/shop/channel_translations/{translation.id}"
    assert mobile["homeSeo"] == {"meta_title": "Mobile", "meta_keywords": "m", "meta_description": ""}


def test_list_channels_query_count_is_constant(client, second_channel):
    counts = list_statement_counts(client, "/api/shop/channels")
    assert counts[0] == counts[1]


def test_channel_translations_flat_list(client):
    response = client.get("/api/shop/channel_translations", params={"per_page": 1, "page": 2})
    assert response.headers["X-Total-Count"] == "2"
    assert response.json() == [{
        "id": 2, "channelId": 1, "locale": "fr", "name": "Boutique par défaut",
        "description": "Boutique de démonstration", "maintenanceModeText": "",
        "homeSeo": {"meta_title": "Boutique specshop", "meta_keywords": "", "meta_description": ""},
        "createdAt": None, "updatedAt": None,
    }]


def test_channel_translation_iri_dereferences(client):
    iri = client.get("/api/shop/channels/1").json()["translation"]
    translation = client.get(iri)
    assert translation.status_code == 200
    assert translation.json()["name"] == "Default Store"
    missing = client.get("/api/shop/channel_translations/999")
    assert missing.status_code == 404
    assert missing.json() == {"message": "Channel translation not found", "error": "not_found"}


def test_channel_translations_query_count_is_constant(client):
    counts = list_statement_counts(client, "/api/shop/channel_translations")
    assert counts[0] == counts[1]


CHANNEL_QUERY = """query($id: ID!) { channel(id: $id) {
  id _id code timezone theme hostname isMaintenanceOn allowedIps homeSeo logoUrl
  translation { id _id channelId locale name description maintenanceModeText createdAt }
  translations { edges { cursor node { id locale name } } totalCount }
  locales { edges { node { id _id code name } } totalCount }
  currencies { edges { node { id _id code symbol } } totalCount }
  defaultLocale { id code } baseCurrency { id code }
} }"""


def test_graphql_channel_resolves_relations_to_objects(graphql):
    channel = graphql(CHANNEL_QUERY, {"id": "/api/shop/channels/1"})["data"]["channel"]
    assert (channel["id"], channel["_id"], channel["code"]) == ("/api/shop/channels/1", 1, "default")
    assert channel["isMaintenanceOn"] == "0"
    assert json.loads(channel["homeSeo"]) == {"meta_title": "specshop demo store", "meta_keywords": "",
                                              "meta_description": ""}
    assert channel["translation"] == {"id": "/api/shop/channel_translations/1", "_id": 1, "channelId": 1,
                                      "locale": "en", "name": "Default Store", "description": "specshop demo store",
                                      "maintenanceModeText": "", "createdAt": None}
    assert channel["translations"]["totalCount"] == 2
    assert [edge["cursor"] for edge in channel["translations"]["edges"]] == ["MA==", "MQ=="]
    assert [edge["node"]["code"] for edge in channel["locales"]["edges"]] == ["en", "fr"]
    assert channel["locales"]["edges"][1]["node"] == {"id": "/api/shop/locales/2", "_id": 2, "code": "fr",
                                                      "name": "Français"}
    assert [edge["node"]["symbol"] for edge in channel["currencies"]["edges"]] == ["$", "€"]
    assert channel["defaultLocale"] == {"id": "/api/shop/locales/1", "code": "en"}
    assert channel["baseCurrency"] == {"id": "/api/shop/currencies/1", "code": "USD"}


def test_graphql_channel_in_french_and_by_numeric_id(graphql):
    result = graphql('{ channel(id: "1") { translation { locale name } homeSeo } }', headers={"X-Locale": "fr"})
    channel = result["data"]["channel"]
    assert channel["translation"] == {"locale": "fr", "name": "Boutique par défaut"}
    assert json.loads(channel["homeSeo"])["meta_title"] == "Boutique specshop"


def test_graphql_channel_not_found(graphql):
    result = graphql('{ channel(id: "/api/shop/channels/42") { code } }')
    assert result["data"]["channel"] is None
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_graphql_channels_connection(graphql, second_channel):
    result = graphql("""{ channels(first: 1) { edges { cursor node { id code translation { name } } }
                          pageInfo { hasNextPage endCursor } totalCount } }""")
    connection = result["data"]["channels"]
    assert connection["totalCount"] == 2
    assert connection["edges"] == [{"cursor": "MA==", "node": {
        "id": "/api/shop/channels/1", "code": "default", "translation": {"name": "Default Store"}}}]
    assert connection["pageInfo"] == {"hasNextPage": True, "endCursor": "MA=="}
    second = graphql('{ channels(first: 1, after: "MA==") { edges { node { code isMaintenanceOn '
                     'baseCurrency { code } } } } }')
    assert second["data"]["channels"]["edges"] == [
        {"node": {"code": "mobile", "isMaintenanceOn": "1", "baseCurrency": {"code": "EUR"}}}]


def test_graphql_channels_query_count_is_constant(graphql, second_channel):
    counts = []
    graphql("{ channels(first: 1) { totalCount } }")  # warm: the first request after a settings write refills the cache
    for size in (1, 50):
        with count_queries() as statements:
            graphql(f"""{{ channels(first: {size}) {{ edges {{ node {{ code translation {{ name }}
                       translations {{ totalCount }} locales {{ totalCount }} currencies {{ totalCount }}
                       defaultLocale {{ code }} baseCurrency {{ code }} }} }} }} }}""")
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_graphql_channel_by_code_or_the_requests_channel(graphql, second_channel):
    fields = "_id code name rootCategoryId currencyCode localeCode"
    current = graphql("{ channel { %s } }" % fields)["data"]["channel"]
    assert current == {"_id": 1, "code": "default", "name": "Default Store", "rootCategoryId": 1,
                       "currencyCode": "USD", "localeCode": "en"}
    assert graphql('{ channel(code: "default") { %s } }' % fields)["data"]["channel"] == current
    french = graphql('{ channel(code: "default") { name } }', headers={"X-Locale": "fr"})["data"]["channel"]
    assert french == {"name": "Boutique par défaut"}
    mobile = graphql("{ channel { code name currencyCode } }", headers={"X-Channel": "mobile"})["data"]["channel"]
    assert mobile == {"code": "mobile", "name": "Mobile Store", "currencyCode": second_channel[0].base_currency.code}
    missing = graphql('{ channel(code: "nope") { _id } }')
    assert missing["data"]["channel"] is None and missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
