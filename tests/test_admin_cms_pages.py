"""Admin CMS pages over REST and GraphQL: the {data, meta} list with the locale's content, filters and
sort; the detail with every translation and channel; create broadcast to every locale, locale-nested
update, URL keys unique per channel and locale, deletes, CSV export, and the shop serving the result."""
import csv
import io

import pytest

from storage.content_models import CmsPage, CmsPageChannel, CmsPageTranslation
from storage.db import database
from storage.models import Channel, ChannelTranslation
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.helpers import list_statement_counts

BASE = "/api/admin/cms/pages"
DEMO_KEYS = ["about-us", "privacy-policy", "terms-conditions", "contact-us"]


def demo_id(url_key: str) -> int:
    with database.connection_context():
        return CmsPageTranslation.get(CmsPageTranslation.url_key == url_key, CmsPageTranslation.locale == "en").page_id


@pytest.fixture
def cleanup():
    """Ids of pages a test creates, removed afterwards (the shop tests count the demo pages)."""
    created = []
    yield created
    with database.connection_context():
        ids = created + [page_id for page_id, in CmsPageTranslation.select(CmsPageTranslation.page)
                         .where(CmsPageTranslation.url_key.startswith("cms-test-")).tuples()]
        CmsPageTranslation.delete().where(CmsPageTranslation.page.in_(ids)).execute()
        CmsPageChannel.delete().where(CmsPageChannel.page.in_(ids)).execute()
        CmsPage.delete().where(CmsPage.id.in_(ids)).execute()


@pytest.fixture
def second_channel():
    with database.connection_context():
        first = Channel.get_by_id(1)
        channel = Channel.create(code="cms-second", hostname="http://second.test", default_locale=first.default_locale_id,
                                 base_currency=first.base_currency_id, root_category=first.root_category_id)
        ChannelTranslation.create(channel=channel, locale="en", name="Second Store")
    yield channel.id
    with database.connection_context():
        CmsPageChannel.delete().where(CmsPageChannel.channel == channel.id).execute()
        ChannelTranslation.delete().where(ChannelTranslation.channel == channel.id).execute()
        Channel.delete().where(Channel.id == channel.id).execute()


def create(admin_client, **fields):
    body = {"url_key": "cms-test-page", "page_title": "Test Page", "html_content": "<p>Hello</p>", "channels": [1],
            **fields}
    response = admin_client.post(BASE, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_list_rows_carry_the_locale_content_without_the_body(admin_client):
    body = admin_client.get(BASE).json()
    assert [row["urlKey"] for row in body["data"]] == DEMO_KEYS
    assert body["meta"] == {"currentPage": 1, "perPage": 10, "lastPage": 1, "total": 4, "from": 1, "to": 4}
    about = body["data"][0]
    assert about["pageTitle"] == "About Us" and about["metaTitle"] == "about us" and about["metaKeywords"] == "about, us"
    assert about["htmlContent"] is None and about["locale"] == "en" and about["channel"] == "default"
    assert about["channels"] == ["default"] and about["previewUrl"].endswith("/page/about-us")
    assert about["createdAt"].endswith("+00:00") and "translations" not in about


def test_list_filters_sort_and_paging(admin_client):
    titled = admin_client.get(BASE, params={"page_title": "policy", "channel": "1", "locale": "en"}).json()
    assert [row["urlKey"] for row in titled["data"]] == ["privacy-policy"]
    assert [row["urlKey"] for row in admin_client.get(BASE, params={"url_key": "us"}).json()["data"]] == \
        ["about-us", "contact-us"]
    assert admin_client.get(BASE, params={"id": demo_id("contact-us")}).json()["meta"]["total"] == 1
    assert admin_client.get(BASE, params={"channel": "default"}).json()["meta"]["total"] == 4
    assert admin_client.get(BASE, params={"channel": "999"}).json()["meta"]["total"] == 0
    by_title = admin_client.get(BASE, params={"sort": "page_title", "order": "desc"}).json()["data"]
    assert [row["pageTitle"] for row in by_title] == ["Terms & Conditions", "Privacy Policy", "Contact Us", "About Us"]
    second = admin_client.get(BASE, params={"per_page": 2, "page": 2, "sort": "id", "order": "desc"}).json()
    assert [row["urlKey"] for row in second["data"]] == ["privacy-policy", "about-us"]
    assert second["meta"]["lastPage"] == 2
    bad = admin_client.get(BASE, params={"sort": "layout"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"sort"}


def test_list_statement_count_does_not_grow_with_the_page(admin_client):
    counts = list_statement_counts(admin_client, BASE, sizes=(1, 4))
    assert counts[0] == counts[1]


def test_detail_has_the_body_translations_and_channels(admin_client):
    page = admin_client.get(f"{BASE}/{demo_id('about-us')}").json()
    assert "high-quality" in page["htmlContent"]
    assert page["channels"] == [{"id": 1, "code": "default", "name": "Default Store"}]
    assert page["translations"] == [{"locale": "en", "url_key": "about-us", "page_title": "About Us",
                                     "html_content": page["htmlContent"], "meta_title": "about us",
                                     "meta_keywords": "about, us", "meta_description": ""}]
    missing = admin_client.get(f"{BASE}/999999")
    assert missing.status_code == 404 and missing.json()["message"] == "CMS page not found"


def test_create_writes_every_locale_and_the_shop_serves_it(admin_client, client, cleanup):
    page = create(admin_client, meta_title="Test meta", meta_keywords="test")
    cleanup.append(page["id"])
    assert (page["urlKey"], page["pageTitle"], page["htmlContent"], page["metaTitle"]) == \
        ("cms-test-page", "Test Page", "<p>Hello</p>", "Test meta")
    assert sorted(row["locale"] for row in page["translations"]) == ["en", "fr"]
    assert {row["page_title"] for row in page["translations"]} == {"Test Page"}
    shop = client.get("/api/shop/pages/url-key/cms-test-page")
    assert shop.status_code == 200, shop.text
    assert shop.json()["id"] == page["id"] and shop.json()["translation"]["htmlContent"] == "<p>Hello</p>"
    french = client.get(f"/api/shop/pages/{page['id']}", headers={"X-Locale": "fr"}).json()
    assert french["translation"]["locale"] == "fr"


def test_create_refuses_a_taken_key_missing_fields_and_unknown_channels(admin_client, cleanup):
    taken = admin_client.post(BASE, json={"url_key": "about-us", "page_title": "Again", "html_content": "<p>x</p>",
                                          "channels": [1]})
    assert taken.status_code == 422 and taken.json()["errors"] == {"url_key": ["The url key has already been taken."]}
    missing = admin_client.post(BASE, json={"url_key": "cms-test-x", "channels": []})
    assert missing.status_code == 422
    assert {"page_title", "html_content", "channels"} <= set(missing.json()["errors"])
    unknown = admin_client.post(BASE, json={"url_key": "cms-test-x", "page_title": "X", "html_content": "<p>x</p>",
                                            "channels": [999]})
    assert unknown.status_code == 422 and set(unknown.json()["errors"]) == {"channels"}
    bad_key = admin_client.post(BASE, json={"url_key": "Not A Slug", "page_title": "X", "html_content": "x",
                                            "channels": [1]})
    assert bad_key.status_code == 422 and set(bad_key.json()["errors"]) == {"url_key"}
    with database.connection_context():
        assert not CmsPageTranslation.select().where(CmsPageTranslation.url_key == "cms-test-x").exists()


def test_url_key_is_unique_per_channel(admin_client, client, cleanup, second_channel):
    elsewhere = create(admin_client, url_key="about-us", page_title="Second About", channels=[second_channel])
    cleanup.append(elsewhere["id"])
    assert elsewhere["channels"] == [{"id": second_channel, "code": "cms-second", "name": "Second Store"}]
    assert client.get("/api/shop/pages/url-key/about-us").json()["translation"]["pageTitle"] == "About Us"
    moved = admin_client.put(f"{BASE}/{elsewhere['id']}", json={
        "locale": "en", "channels": [1, second_channel],
        "en": {"url_key": "about-us", "page_title": "Second About", "html_content": "<p>x</p>"}})
    assert moved.status_code == 422 and moved.json()["errors"] == {"en.url_key": ["The url key has already been taken."]}


def test_update_writes_one_locale_and_the_channels(admin_client, client, cleanup):
    page = create(admin_client)
    cleanup.append(page["id"])
    response = admin_client.put(f"{BASE}/{page['id']}", json={
        "locale": "fr", "channels": [1],
        "fr": {"url_key": "cms-test-page-fr", "page_title": "Page d'essai", "html_content": "<p>Bonjour</p>",
               "meta_description": "essai"}})
    assert response.status_code == 200, response.text
    translations = {row["locale"]: row for row in response.json()["translations"]}
    assert translations["fr"]["page_title"] == "Page d'essai" and translations["fr"]["meta_description"] == "essai"
    assert translations["en"]["page_title"] == "Test Page"
    assert response.json()["pageTitle"] == "Test Page"  # the request locale is en
    shop = client.get("/api/shop/pages/url-key/cms-test-page-fr", headers={"X-Locale": "fr"})
    assert shop.status_code == 200 and shop.json()["translation"]["htmlContent"] == "<p>Bonjour</p>"

    missing_block = admin_client.put(f"{BASE}/{page['id']}", json={"locale": "en", "channels": [1]})
    assert missing_block.status_code == 422
    assert set(missing_block.json()["errors"]) == {"en.url_key", "en.page_title", "en.html_content"}
    unknown_locale = admin_client.put(f"{BASE}/{page['id']}", json={
        "locale": "de", "channels": [1], "de": {"url_key": "x", "page_title": "x", "html_content": "x"}})
    assert unknown_locale.status_code == 422 and "locale" in unknown_locale.json()["errors"]
    no_channels = admin_client.put(f"{BASE}/{page['id']}", json={
        "locale": "en", "channels": [], "en": {"url_key": "x", "page_title": "x", "html_content": "x"}})
    assert no_channels.status_code == 422 and set(no_channels.json()["errors"]) == {"channels"}
    assert admin_client.put(f"{BASE}/999999", json={
        "locale": "en", "channels": [1], "en": {"url_key": "x", "page_title": "x", "html_content": "x"}}).status_code == 404


def test_delete_and_mass_delete(admin_client, client, cleanup):
    first, second = create(admin_client), create(admin_client, url_key="cms-test-two")
    cleanup += [first["id"], second["id"]]
    assert admin_client.delete(f"{BASE}/{first['id']}").status_code == 204
    assert admin_client.get(f"{BASE}/{first['id']}").status_code == 404
    assert admin_client.delete(f"{BASE}/{first['id']}").status_code == 404
    assert client.get("/api/shop/pages/url-key/cms-test-page").status_code == 404
    response = admin_client.post(f"{BASE}/mass-delete", json={"indices": [second["id"], 999999]})
    assert response.json() == {"deleted": [second["id"], 999999], "message": "CMS pages deleted successfully."}
    with database.connection_context():
        assert not CmsPageTranslation.select().where(CmsPageTranslation.page == second["id"]).exists()
    assert admin_client.post(f"{BASE}/mass-delete", json={"indices": []}).status_code == 422


def test_export_is_csv_of_every_matching_page(admin_client):
    response = admin_client.get(f"{BASE}/export", params={"format": "csv"}, headers={"Accept": "text/csv"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="cms-pages.csv"' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["ID", "Page Title", "URL Key", "Channel", "Locale"]
    assert [row[2] for row in rows[1:]] == DEMO_KEYS
    assert rows[1] == [str(demo_id("about-us")), "About Us", "about-us", "default", "en"]
    filtered = admin_client.get(f"{BASE}/export", params={"page_title": "policy"}, headers={"Accept": "text/csv"})
    assert [row[2] for row in csv.reader(io.StringIO(filtered.text))][1:] == ["privacy-policy"]
    bad = admin_client.get(f"{BASE}/export", params={"format": "xlsx"}, headers={"Accept": "text/csv"})
    assert bad.status_code == 422 and bad.json()["message"] == "Only the csv export format is supported."
    assert admin_client.get(f"{BASE}/export", headers={"Accept": "application/json"}).status_code == 406


def test_graphql_list_and_detail(admin_graphql):
    data = admin_graphql("""{ adminCmsPages(first: 1, sort: "id", order: "asc") { totalCount pageInfo { hasNextPage }
        edges { node { id _id urlKey pageTitle htmlContent previewUrl locale channel
          channels { edges { node { id code name } } }
          translations { edges { node { locale pageTitle urlKey metaTitle } } } } } } }""")["data"]["adminCmsPages"]
    assert data["totalCount"] == 4 and data["pageInfo"]["hasNextPage"] is True
    node = data["edges"][0]["node"]
    about = demo_id("about-us")
    assert node["id"] == f"/api/admin/cms/pages/{about}" and node["_id"] == about
    assert node["urlKey"] == "about-us" and "high-quality" in node["htmlContent"]
    assert node["channels"]["edges"][0]["node"] == {"id": "/api/admin/settings/channels/1", "code": "default",
                                                    "name": "Default Store"}
    assert node["translations"]["edges"][0]["node"] == {"locale": "en", "pageTitle": "About Us", "urlKey": "about-us",
                                                        "metaTitle": "about us"}
    detail = admin_graphql("query($id: ID!) { adminCmsPage(id: $id) { _id pageTitle translations { edges { node { locale } } } } }",
                           {"id": f"/api/admin/cms/pages/{about}"})["data"]["adminCmsPage"]
    assert detail["_id"] == about and detail["pageTitle"] == "About Us"


def test_graphql_create_update_delete(admin_graphql, client, cleanup):
    created = admin_graphql("""mutation($input: createAdminCmsPageInput!) { createAdminCmsPage(input: $input) {
        adminCmsPage { id _id urlKey pageTitle } } }""", {"input": {
        "urlKey": "cms-test-gql", "pageTitle": "GraphQL Page", "htmlContent": "<p>gql</p>", "channels": [1]}})
    page = created["data"]["createAdminCmsPage"]["adminCmsPage"]
    cleanup.append(page["_id"])
    assert page["id"] == f"/api/admin/cms/pages/{page['_id']}" and page["urlKey"] == "cms-test-gql"
    assert client.get("/api/shop/pages/url-key/cms-test-gql").status_code == 200

    updated = admin_graphql("""mutation($input: updateAdminCmsPageInput!) { updateAdminCmsPage(input: $input) {
        adminCmsPage { _id pageTitle } } }""", {"input": {
        "id": f"/api/admin/cms_pages/{page['_id']}", "locale": "en", "channels": [1],
        "en": {"url_key": "cms-test-gql", "page_title": "GraphQL Page (Updated)", "html_content": "<p>gql 2</p>"}}})
    assert updated["data"]["updateAdminCmsPage"]["adminCmsPage"]["pageTitle"] == "GraphQL Page (Updated)"
    assert client.get("/api/shop/pages/url-key/cms-test-gql").json()["translation"]["htmlContent"] == "<p>gql 2</p>"

    taken = admin_graphql("""mutation($input: createAdminCmsPageInput!) { createAdminCmsPage(input: $input) {
        adminCmsPage { id } } }""", {"input": {
        "urlKey": "about-us", "pageTitle": "x", "htmlContent": "x", "channels": [1]}})
    assert taken["errors"][0]["extensions"]["errors"] == {"urlKey": ["The url key has already been taken."]}

    deleted = admin_graphql("""mutation($input: deleteAdminCmsPageInput!) { deleteAdminCmsPage(input: $input) {
        adminCmsPage { id pageTitle } } }""", {"input": {"id": f"/api/admin/cms/pages/{page['_id']}"}})
    assert deleted["data"]["deleteAdminCmsPage"]["adminCmsPage"]["pageTitle"] == "GraphQL Page (Updated)"
    assert client.get("/api/shop/pages/url-key/cms-test-gql").status_code == 404

    mass = admin_graphql("""mutation { createAdminCmsPageMassDelete(input: {indices: [999998]}) {
        adminCmsPageMassDelete { id deleted message } } }""")["data"]["createAdminCmsPageMassDelete"]
    assert mass["adminCmsPageMassDelete"]["deleted"] == [999998]
