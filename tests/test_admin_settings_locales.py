"""Admin locales over REST and GraphQL: list filters and sort, unique codes, delete guards (last locale,
channel default), mass delete that skips guarded rows, and the shop listing admin changes at once."""
import pytest

from storage.db import database
from storage.models import Locale
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.helpers import list_statement_counts

BASE = "/api/admin/settings/locales"
ENGLISH = {"id": 1, "code": "en", "name": "English", "direction": "ltr", "logoPath": "locales/en.png",
           "logoUrl": "http://127.0.0.1:8000/storage/locales/en.png"}
FRENCH = {"id": 2, "code": "fr", "name": "Français", "direction": "ltr", "logoPath": "locales/fr.png",
          "logoUrl": "http://127.0.0.1:8000/storage/locales/fr.png"}
CHANNEL_DEFAULT = "This locale is the default locale of a channel and cannot be deleted."


@pytest.fixture
def arabic(admin_client):
    response = admin_client.post(BASE, json={"code": "ar", "name": "Arabic", "direction": "rtl",
                                             "logo_path": "locales/ar.png"})
    assert response.status_code == 201, response.text
    yield response.json()
    with database.connection_context():
        Locale.delete().where(Locale.code == "ar").execute()


def test_list_envelope_filters_and_sort(admin_client):
    body = admin_client.get(BASE).json()
    assert body == {"data": [ENGLISH, FRENCH],
                    "meta": {"currentPage": 1, "perPage": 10, "lastPage": 1, "total": 2, "from": 1, "to": 2}}
    assert admin_client.get(BASE, params={"code": "F"}).json()["data"] == [FRENCH]
    assert admin_client.get(BASE, params={"name": "ngl", "direction": "ltr"}).json()["data"] == [ENGLISH]
    assert admin_client.get(BASE, params={"direction": "rtl"}).json()["meta"]["total"] == 0
    by_name_desc = admin_client.get(BASE, params={"sort": "name", "order": "desc"}).json()["data"]
    assert [row["code"] for row in by_name_desc] == ["fr", "en"]
    invalid = admin_client.get(BASE, params={"direction": "up", "per_page": 0})
    assert invalid.status_code == 400
    assert set(invalid.json()["errors"]) == {"direction", "per_page"}


def test_list_statement_count_does_not_grow_with_the_page(admin_client, arabic):
    counts = list_statement_counts(admin_client, BASE, sizes=(1, 50))
    assert counts[0] == counts[1]


def test_a_new_locale_shows_in_the_shop_at_once(admin_client, client, arabic):
    assert arabic == {"id": arabic["id"], "code": "ar", "name": "Arabic", "direction": "rtl",
                      "logoPath": "locales/ar.png", "logoUrl": "http://127.0.0.1:8000/storage/locales/ar.png"}
    shop = client.get("/api/shop/locales")
    assert shop.headers["X-Total-Count"] == "3"
    assert {key: value for key, value in shop.json()[-1].items() if key not in ("createdAt", "updatedAt")} == arabic
    assert client.get(f"/api/shop/locales/{arabic['id']}").json()["direction"] == "rtl"


def test_a_renamed_locale_shows_in_the_shop_at_once(admin_client, client):
    try:
        response = admin_client.put(f"{BASE}/2", json={"name": "French"})
        assert response.json() == {**FRENCH, "name": "French"}
        assert client.get("/api/shop/locales/2").json()["name"] == "French"
    finally:
        admin_client.put(f"{BASE}/2", json={"name": "Français"})
    assert client.get("/api/shop/locales/2").json()["name"] == "Français"


def test_create_and_update_validation_name_the_fields(admin_client, arabic):
    taken = admin_client.post(BASE, json={"code": "en", "name": "English again", "direction": "ltr"})
    assert taken.status_code == 422
    assert taken.json()["errors"] == {"code": ["The code has already been taken."]}
    malformed = admin_client.post(BASE, json={"code": "EN-us!", "name": "", "direction": "up"})
    assert malformed.status_code == 422
    assert set(malformed.json()["errors"]) == {"code", "name", "direction"}
    same_code = admin_client.put(f"{BASE}/{arabic['id']}", json={"code": "ar", "name": "العربية"})
    assert same_code.json()["name"] == "العربية"
    clash = admin_client.put(f"{BASE}/{arabic['id']}", json={"code": "fr"})
    assert clash.status_code == 422
    assert clash.json()["errors"] == {"code": ["The code has already been taken."]}
    assert admin_client.put(f"{BASE}/999999", json={"name": "x"}).json() == {
        "message": "Locale not found", "error": "not_found"}


def test_delete_refuses_a_channel_default_then_deletes(admin_client, client, arabic):
    refused = admin_client.delete(f"{BASE}/1")
    assert refused.status_code == 400
    assert refused.json() == {"message": CHANNEL_DEFAULT, "error": "channel_default_locale"}
    deleted = admin_client.delete(f"{BASE}/{arabic['id']}")
    assert deleted.json() == {"message": "Locale deleted."}
    assert admin_client.get(f"{BASE}/{arabic['id']}").status_code == 404
    assert client.get("/api/shop/locales").headers["X-Total-Count"] == "2"


def test_mass_delete_skips_guarded_locales_with_the_reason(admin_client, arabic):
    response = admin_client.post(f"{BASE}/mass-delete", json={"indices": [arabic["id"], 1, 999999]})
    assert response.status_code == 200
    assert response.json() == {"deleted": [arabic["id"]], "skipped": [{"id": 1, "reason": CHANNEL_DEFAULT}],
                               "message": "Locales processed."}
    assert admin_client.post(f"{BASE}/mass-delete", json={"indices": []}).status_code == 422


# --- GraphQL -----------------------------------------------------------------------

def test_graphql_list_and_detail(admin_graphql):
    listed = admin_graphql("""{ adminSettingsLocales(first: 1, sort: "code", order: "desc") {
        edges { cursor node { id _id code name direction logoUrl } } pageInfo { hasNextPage endCursor } totalCount } }""")
    assert listed["data"]["adminSettingsLocales"] == {
        "edges": [{"cursor": "MA==", "node": {"id": "/api/admin/settings/locales/2", "_id": 2, "code": "fr",
                                             "name": "Français", "direction": "ltr", "logoUrl": FRENCH["logoUrl"]}}],
        "pageInfo": {"hasNextPage": True, "endCursor": "MA=="}, "totalCount": 2}
    detail = admin_graphql('{ adminSettingsLocale(id: "/api/admin/settings/locales/1") { _id code name } }')
    assert detail["data"]["adminSettingsLocale"] == {"_id": 1, "code": "en", "name": "English"}


def test_graphql_mutations(admin_graphql, client):
    created = admin_graphql("""mutation($input: createAdminSettingsLocaleInput!) {
        createAdminSettingsLocale(input: $input) { adminSettingsLocale { id _id code name } } }""",
                            {"input": {"code": "de", "name": "German", "direction": "ltr"}})
    node = created["data"]["createAdminSettingsLocale"]["adminSettingsLocale"]
    assert node == {"id": f"/api/admin/settings/locales/{node['_id']}", "_id": node["_id"], "code": "de",
                    "name": "German"}
    updated = admin_graphql("""mutation($input: updateAdminSettingsLocaleInput!) {
        updateAdminSettingsLocale(input: $input) { adminSettingsLocale { _id name } } }""",
                            {"input": {"id": node["id"], "name": "Deutsch"}})
    assert updated["data"]["updateAdminSettingsLocale"]["adminSettingsLocale"] == {"_id": node["_id"], "name": "Deutsch"}
    assert client.get(f"/api/shop/locales/{node['_id']}").json()["name"] == "Deutsch"
    mass = admin_graphql("""mutation($input: createAdminSettingsLocaleMassDeleteInput!) {
        createAdminSettingsLocaleMassDelete(input: $input) { adminSettingsLocaleMassDelete { deleted skipped message } } }""",
                         {"input": {"indices": [1, node["_id"]]}})
    assert mass["data"]["createAdminSettingsLocaleMassDelete"]["adminSettingsLocaleMassDelete"] == {
        "deleted": [node["_id"]], "skipped": [{"id": 1, "reason": CHANNEL_DEFAULT}], "message": "Locales processed."}
    refused = admin_graphql("""mutation { deleteAdminSettingsLocale(input: {id: "/api/admin/settings/locales/1"}) {
        adminSettingsLocale { id } } }""")
    assert refused["errors"][0]["extensions"]["code"] == "CHANNEL_DEFAULT_LOCALE"
    invalid = admin_graphql("""mutation { createAdminSettingsLocale(input: {code: "en", name: "E", direction: "ltr",
        logoPath: "x.png"}) { adminSettingsLocale { id } } }""")
    assert invalid["errors"][0]["extensions"]["errors"] == {"code": ["The code has already been taken."]}
