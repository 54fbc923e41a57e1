"""Admin theme customizations over REST and GraphQL: list filters and sort, create then per-locale options,
mass status and mass delete, and the shop's theme blocks following every write.

Seed: 5 blocks of channel 1, theme "default", sort orders 1..5 (image_carousel, static_content,
category_carousel, product_carousel, footer_links), each with en and fr options."""
import json

import pytest

from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.helpers import list_statement_counts
from tests.settings_snapshot import SettingsSnapshot

BASE = "/api/admin/settings/themes"
SHOP = "/api/shop/theme-customizations"
FOOTER = {"id": 5, "name": "Footer Links", "type": "footer_links", "sortOrder": 5, "channelId": 1,
          "themeCode": "default", "status": 1}
BANNER = {"name": "Homepage Banner", "type": "image_carousel", "sort_order": 0, "channel_id": 1, "theme_code": "default"}


@pytest.fixture
def restored(app):
    snapshot = SettingsSnapshot()
    yield
    snapshot.restore()


def shop_ids(client) -> list[int]:
    return [block["id"] for block in client.get(SHOP).json()]


def test_list_detail_filters_and_sort(admin_client):
    body = admin_client.get(BASE).json()
    assert body["data"][-1] == FOOTER
    assert [row["type"] for row in body["data"]] == ["image_carousel", "static_content", "category_carousel",
                                                     "product_carousel", "footer_links"]
    assert body["meta"] == {"currentPage": 1, "perPage": 10, "lastPage": 1, "total": 5, "from": 1, "to": 5}
    detail = admin_client.get(f"{BASE}/5").json()
    assert detail == {**FOOTER, "translations": [
        {"locale": "en", "options": {"column_1": [{"url": "/about", "title": "About us", "sort_order": 1}]}},
        {"locale": "fr", "options": {"column_1": [{"url": "/about", "title": "À propos", "sort_order": 1}]}}]}
    assert admin_client.get(BASE, params={"type": "footer_links", "channel_id": 1, "status": 1}).json()["data"] == [FOOTER]
    assert [row["id"] for row in admin_client.get(BASE, params={"name": "carousel"}).json()["data"]] == [1]
    by_position = admin_client.get(BASE, params={"sort": "sort_order", "order": "desc", "per_page": 2}).json()
    assert [row["id"] for row in by_position["data"]] == [5, 4]
    assert by_position["meta"]["lastPage"] == 3
    assert admin_client.get(BASE, params={"theme_code": "other"}).json()["meta"]["total"] == 0


def test_list_statement_count_does_not_grow_with_the_page(admin_client):
    counts = list_statement_counts(admin_client, BASE, sizes=(1, 50))
    assert counts[0] == counts[1]


def test_create_then_options_per_locale_show_in_the_shop(admin_client, client, restored):
    created = admin_client.post(BASE, json=BANNER)
    assert created.status_code == 201
    block = created.json()
    assert block == {"id": block["id"], "name": "Homepage Banner", "type": "image_carousel", "sortOrder": 0,
                     "channelId": 1, "themeCode": "default", "status": 1, "translations": []}
    assert shop_ids(client) == [block["id"], 1, 2, 3, 4, 5]
    options = {"images": [{"title": "Welcome", "link": "/", "image": "storage/theme/9/welcome.webp"}]}
    updated = admin_client.put(f"{BASE}/{block['id']}", json={"locale": "en", "options": options})
    assert updated.json()["translations"] == [{"locale": "en", "options": options}]
    shop_block = client.get(f"{SHOP}/{block['id']}").json()
    assert json.loads(shop_block["translation"]["options"]) == options
    replaced = admin_client.put(f"{BASE}/{block['id']}", json={"locale": "en", "options": {"images": []},
                                                                "name": "Banner"})
    assert replaced.json()["name"] == "Banner"
    assert replaced.json()["translations"] == [{"locale": "en", "options": {"images": []}}]
    assert client.get(f"{SHOP}/{block['id']}").json()["name"] == "Banner"


def test_validation_names_the_fields(admin_client):
    wrong = admin_client.post(BASE, json={**BANNER, "type": "video", "channel_id": 0})
    assert wrong.status_code == 422
    assert set(wrong.json()["errors"]) == {"type", "channel_id"}
    unknown_channel = admin_client.post(BASE, json={**BANNER, "channel_id": 999})
    assert unknown_channel.json()["errors"] == {"channel_id": ["The selected channel id is invalid."]}
    no_locale = admin_client.put(f"{BASE}/1", json={"options": {"title": "x"}})
    assert no_locale.json()["errors"] == {"locale": ["The locale field is required with options."]}
    bad_locale = admin_client.put(f"{BASE}/1", json={"locale": "xx", "options": {}})
    assert bad_locale.json()["errors"] == {"locale": ["The selected locale is invalid."]}
    assert admin_client.put(f"{BASE}/999", json={"name": "x"}).json() == {
        "message": "Theme customization not found", "error": "not_found"}
    assert admin_client.get(BASE).json()["meta"]["total"] == 5


def test_mass_status_hides_blocks_in_the_shop(admin_client, client, restored):
    response = admin_client.post(f"{BASE}/mass-update-status", json={"indices": [3, 4, 999], "value": 0})
    assert response.json() == {"updated": [3, 4], "value": 0, "message": "Statuses updated."}
    assert shop_ids(client) == [1, 2, 5]
    assert admin_client.get(BASE, params={"status": 0}).json()["meta"]["total"] == 2
    assert admin_client.post(f"{BASE}/mass-update-status", json={"indices": [3], "value": 2}).status_code == 422
    admin_client.post(f"{BASE}/mass-update-status", json={"indices": [3, 4], "value": 1})
    assert shop_ids(client) == [1, 2, 3, 4, 5]


def test_delete_and_mass_delete(admin_client, client, restored):
    assert admin_client.delete(f"{BASE}/2").json() == {"message": "Theme deleted."}
    assert client.get(f"{SHOP}/2").status_code == 404
    response = admin_client.post(f"{BASE}/mass-delete", json={"indices": [1, 2, 999]})
    assert response.json() == {"deleted": [1], "message": "Themes deleted."}
    assert shop_ids(client) == [3, 4, 5]
    assert admin_client.post(f"{BASE}/mass-delete", json={"indices": []}).status_code == 422


# --- GraphQL -----------------------------------------------------------------------

def test_graphql_list_and_detail(admin_graphql):
    listed = admin_graphql("""{ adminSettingsThemes(first: 1, type: "footer_links") {
        edges { cursor node { id _id name type sortOrder channelId themeCode status } }
        pageInfo { hasNextPage endCursor } totalCount } }""")
    assert listed["data"]["adminSettingsThemes"] == {
        "edges": [{"cursor": "MA==", "node": {**FOOTER, "id": "/api/admin/settings/themes/5", "_id": 5}}],
        "pageInfo": {"hasNextPage": False, "endCursor": "MA=="}, "totalCount": 1}
    detail = admin_graphql('{ adminSettingsTheme(id: "/api/admin/settings/themes/2") { _id translations } }')
    assert detail["data"]["adminSettingsTheme"] == {"_id": 2, "translations": [
        {"locale": "en", "options": {"html": "<p>Free shipping over $50</p>", "css": ""}},
        {"locale": "fr", "options": {"html": "<p>Livraison gratuite dès 50 €</p>", "css": ""}}]}


def test_graphql_mutations(admin_graphql, client, restored):
    created = admin_graphql("""mutation($input: createAdminSettingsThemeInput!) {
        createAdminSettingsTheme(input: $input) { adminSettingsTheme { id _id name } } }""",
                            {"input": {"name": "Homepage Banner", "type": "static_content", "sortOrder": 9,
                                       "channelId": 1, "themeCode": "default"}})
    node = created["data"]["createAdminSettingsTheme"]["adminSettingsTheme"]
    assert node == {"id": f"/api/admin/settings/themes/{node['_id']}", "_id": node["_id"], "name": "Homepage Banner"}
    updated = admin_graphql("""mutation($input: updateAdminSettingsThemeInput!) {
        updateAdminSettingsTheme(input: $input) { adminSettingsTheme { _id name translations } } }""",
                            {"input": {"id": node["id"], "locale": "fr", "options": {"html": "<p>Bonjour</p>"}}})
    assert updated["data"]["updateAdminSettingsTheme"]["adminSettingsTheme"] == {
        "_id": node["_id"], "name": "Homepage Banner", "translations": [{"locale": "fr", "options": {"html": "<p>Bonjour</p>"}}]}
    french = client.get(f"{SHOP}/{node['_id']}", headers={"X-Locale": "fr"}).json()
    assert json.loads(french["translation"]["options"]) == {"html": "<p>Bonjour</p>"}
    status = admin_graphql("""mutation { createAdminSettingsThemeMassUpdateStatus(input: {indices: [%d], value: 0}) {
        adminSettingsThemeMassUpdateStatus { id updated value message } } }""" % node["_id"])
    assert status["data"]["createAdminSettingsThemeMassUpdateStatus"]["adminSettingsThemeMassUpdateStatus"] == {
        "id": "/api/admin/settings/themes/mass-update-status", "updated": [node["_id"]], "value": 0,
        "message": "Statuses updated."}
    assert client.get(f"{SHOP}/{node['_id']}").status_code == 404
    deleted = admin_graphql("""mutation { createAdminSettingsThemeMassDelete(input: {indices: [%d]}) {
        adminSettingsThemeMassDelete { id deleted message } } }""" % node["_id"])
    assert deleted["data"]["createAdminSettingsThemeMassDelete"]["adminSettingsThemeMassDelete"] == {
        "id": "/api/admin/settings/themes/mass-delete", "deleted": [node["_id"]], "message": "Themes deleted."}
    invalid = admin_graphql("""mutation { updateAdminSettingsTheme(input: {id: "1", options: {title: "x"}}) {
        adminSettingsTheme { id } } }""")
    assert invalid["errors"][0]["extensions"]["errors"] == {"locale": ["The locale field is required with options."]}
    removed = admin_graphql("""mutation { deleteAdminSettingsTheme(input: {id: "/api/admin/settings/themes/4"}) {
        adminSettingsTheme { id } } }""")
    assert removed["data"]["deleteAdminSettingsTheme"] == {"adminSettingsTheme": None}
