"""Admin search & SEO (REST and GraphQL) and what the shop does with it: search terms recorded by the
shop's product search, synonyms that widen it, URL rewrites answered with their redirect, and sitemaps
whose XML files a background job writes (enqueued for real, then run with `domain.jobs.run_queued`)."""
import uuid
import xml.etree.ElementTree as ElementTree

import pytest

from domain.jobs import huey, run_queued
from storage.db import database
from storage.models import ProductTranslation
from storage.search_index import reindex_products
from storage.seo_models import SearchSynonym, SearchTerm, Sitemap, UrlRewrite
from tests.admin_fixtures import FORBIDDEN, admin_client, admin_graphql, make_admin, super_admin  # noqa: F401
from tests.cart_fixtures import gql, product  # noqa: F401 (gql: fixture)
from tests.customer_fixtures import bearer
from tests.product_fixtures import media_root  # noqa: F401 (fixture)

TERMS = "/api/admin/marketing/search-terms"
SYNONYMS = "/api/admin/marketing/search-synonyms"
REWRITES = "/api/admin/marketing/url-rewrites"
SITEMAPS = "/api/admin/marketing/sitemaps"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def word(label: str) -> str:
    """A word no other product holds (letters only: the search index splits on digits too)."""
    return label + "".join(chr(ord("a") + int(char, 16) % 26) for char in uuid.uuid4().hex[:8])


def searchable(name: str, **options):
    row = product(name=name, **options)
    with database.connection_context():
        reindex_products([row.id])
    return row


def shop_search(client, query: str, **params) -> dict:
    response = client.get("/api/shop/products", params={"query": query, **params})
    assert response.status_code == 200, response.text
    return {"ids": [item["id"] for item in response.json()], "total": int(response.headers["X-Total-Count"])}


@pytest.fixture
def empty_queue():
    run_queued()
    yield
    huey.flush()


# --- search terms ------------------------------------------------------------------

def test_the_shop_search_records_its_terms_with_uses_and_results(client, admin_client, admin_graphql, gql):
    name = word("terms")
    first, second = searchable(f"{name} Jacket"), searchable(f"{name} Scarf")
    assert shop_search(client, f"  {name.upper()} ")["total"] == 2
    assert shop_search(client, name, per_page=1)["ids"] == [first.id]
    assert shop_search(client, name, per_page=1, page=2)["ids"] == [second.id]  # a next page counts nothing
    shop_search(client, f"{name} nothing")  # no product: recorded with 0 results

    listed = admin_client.get(TERMS, params={"term": name, "sort": "uses", "order": "desc"}).json()
    assert listed["meta"]["total"] == 2
    top, other = listed["data"]
    assert (top["term"], top["uses"], top["results"], top["channelId"], top["channelName"], top["locale"]) == (
        name, 2, 2, 1, "Default Store", "en")
    assert (other["term"], other["uses"], other["results"]) == (f"{name} nothing", 1, 0)
    assert top["redirectUrl"] is None

    detail = admin_graphql("query($id: ID!) { adminMarketingSearchTerm(id: $id) { id _id term uses results "
                           "channelName locale } }", {"id": f"{TERMS}/{top['id']}"})["data"]["adminMarketingSearchTerm"]
    assert detail == {"id": f"{TERMS}/{top['id']}", "_id": top["id"], "term": name, "uses": 2, "results": 2,
                      "channelName": "Default Store", "locale": "en"}

    updated = admin_client.put(f"{TERMS}/{top['id']}", json={"term": f"{name} Coats",
                                                             "redirect_url": "https://example.com/coats"})
    assert updated.status_code == 200, updated.text
    assert (updated.json()["term"], updated.json()["redirectUrl"], updated.json()["uses"]) == (
        f"{name} coats", "https://example.com/coats", 2)
    assert admin_client.put(f"{TERMS}/{top['id']}", json={"uses": 99}).status_code == 422  # counts are the shop's
    clash = admin_client.put(f"{TERMS}/{top['id']}", json={"term": f"{name} nothing"})
    assert clash.status_code == 422 and list(clash.json()["errors"]) == ["term"]

    result = admin_graphql("mutation($input: updateAdminMarketingSearchTermInput!) { updateAdminMarketingSearchTerm("
                           "input: $input) { adminMarketingSearchTerm { term redirectUrl } } }",
                           {"input": {"id": f"{TERMS}/{top['id']}", "redirectUrl": None}})
    assert result["data"]["updateAdminMarketingSearchTerm"]["adminMarketingSearchTerm"] == {
        "term": f"{name} coats", "redirectUrl": None}

    deleted = admin_client.post(f"{TERMS}/mass-delete", json={"indices": [top["id"], other["id"], 2_000_000_000]})
    assert deleted.json() == {"deleted": sorted([top["id"], other["id"]]), "message": "Search terms deleted."}
    assert admin_client.get(f"{TERMS}/{top['id']}").json() == {"message": "Search term not found",
                                                               "error": "not_found"}
    shop_search(client, name)  # the shop records it again from scratch
    found = gql("query($q: String) { products(query: $q, first: 1) { totalCount } }", {"q": name})
    assert found["data"]["products"]["totalCount"] == 2
    assert client.get("/api/products", params={"search": name}).status_code == 200
    with database.connection_context():
        again = SearchTerm.get(SearchTerm.term == name)
        assert (again.uses, again.results) == (3, 2)  # REST, GraphQL and the resource path alike
        SearchTerm.delete().where(SearchTerm.term.startswith(name)).execute()


# --- search synonyms ---------------------------------------------------------------

def test_a_synonym_finds_the_products_of_its_other_terms(client, admin_client, admin_graphql):
    stored, asked, third = word("tee"), word("polo"), word("henley")
    item = searchable(f"Cotton {stored} Classic")
    assert shop_search(client, asked)["total"] == 0

    created = admin_client.post(SYNONYMS, json={"name": "shirt-group", "terms": f"{third}, {asked} ,{stored},{third}"})
    assert created.status_code == 201, created.text
    synonym = created.json()
    assert (synonym["name"], synonym["terms"]) == ("shirt-group", f"{third},{asked},{stored}")
    found = shop_search(client, asked)
    assert (found["ids"], found["total"]) == ([item.id], 1)
    assert shop_search(client, f"cotton {asked.upper()}")["ids"] == [item.id]  # every word must still match
    assert shop_search(client, f"linen {asked}")["total"] == 0
    brand, nickname = word("brand"), word("nick")
    zipped = searchable(f"Zip {brand} Jacket")
    hyphenated = admin_client.post(SYNONYMS, json={"name": "hyphens", "terms": f"Zip-{brand.title()}, {nickname}"})
    assert hyphenated.status_code == 201, hyphenated.text
    assert shop_search(client, nickname)["ids"] == [zipped.id]  # a two-word term matches as a phrase
    assert shop_search(client, f"zip-{brand}")["ids"] == [zipped.id]
    admin_client.delete(f"{SYNONYMS}/{hyphenated.json()['id']}")
    suggestions = client.get("/api/shop/search/suggestions", params={"query": asked})
    assert suggestions.status_code == 200 and item.sku in suggestions.text

    removed = admin_graphql("mutation($input: updateAdminMarketingSearchSynonymInput!) { "
                            "updateAdminMarketingSearchSynonym(input: $input) { adminMarketingSearchSynonym { _id terms } } }",
                            {"input": {"id": f"{SYNONYMS}/{synonym['id']}", "terms": f"{third},{asked}"}})
    assert removed["data"]["updateAdminMarketingSearchSynonym"]["adminMarketingSearchSynonym"] == {
        "_id": synonym["id"], "terms": f"{third},{asked}"}
    assert shop_search(client, asked)["total"] == 0  # the next request reads the change

    refused = admin_client.post(SYNONYMS, json={"name": "lonely", "terms": " ,tee, "})
    assert refused.status_code == 422 and list(refused.json()["errors"]) == ["terms"]
    assert admin_client.post(SYNONYMS, json={"name": "x"}).status_code == 422
    listed = admin_client.get(SYNONYMS, params={"terms": asked}).json()
    assert [row["id"] for row in listed["data"]] == [synonym["id"]]

    gone = admin_graphql("mutation($input: deleteAdminMarketingSearchSynonymInput!) { deleteAdminMarketingSearchSynonym("
                         "input: $input) { adminMarketingSearchSynonym { id _id name } } }",
                         {"input": {"id": f"{SYNONYMS}/{synonym['id']}"}})
    assert gone["data"]["deleteAdminMarketingSearchSynonym"]["adminMarketingSearchSynonym"] == {
        "id": f"{SYNONYMS}/{synonym['id']}", "_id": synonym["id"], "name": "shirt-group"}
    with database.connection_context():
        assert not SearchSynonym.select().where(SearchSynonym.id == synonym["id"]).exists()


# --- URL rewrites ------------------------------------------------------------------

def test_a_url_rewrite_redirects_the_storefront_path(anonymous, client, admin_client, admin_graphql, gql):
    item = product()
    old, new = f"old-{item.sku.lower()}", item.sku.lower()
    assert anonymous.get(f"/{old}", follow_redirects=False).status_code == 404

    created = admin_client.post(REWRITES, json={"entity_type": "product", "request_path": f"/{old}",
                                                "target_path": new, "redirect_type": "301", "locale": "en"})
    assert created.status_code == 201, created.text
    rewrite = created.json()
    assert {key: rewrite[key] for key in ("entityType", "requestPath", "targetPath", "redirectType", "locale")} == {
        "entityType": "product", "requestPath": old, "targetPath": new, "redirectType": "301", "locale": "en"}
    response = anonymous.get(f"/{old}", params={"ref": "mail"}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (301, f"/{new}?ref=mail")

    # the shop's read by URL key follows the rewrite too
    document = gql("query($key: String!) { product(urlKey: $key) { _id sku } }", {"key": old})
    assert document["data"]["product"] == {"_id": item.id, "sku": item.sku}

    updated = admin_graphql("mutation($input: updateAdminMarketingUrlRewriteInput!) { updateAdminMarketingUrlRewrite("
                            "input: $input) { adminMarketingUrlRewrite { targetPath redirectType } } }",
                            {"input": {"id": f"{REWRITES}/{rewrite['id']}", "targetPath": "sale/shoes",
                                       "redirectType": "302"}})
    assert updated["data"]["updateAdminMarketingUrlRewrite"]["adminMarketingUrlRewrite"] == {
        "targetPath": "sale/shoes", "redirectType": "302"}
    response = anonymous.get(f"/{old}", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (302, "/sale/shoes")

    taken = admin_client.post(REWRITES, json={"entity_type": "category", "request_path": old, "target_path": "x",
                                              "redirect_type": "301", "locale": "en"})
    assert taken.status_code == 422 and list(taken.json()["errors"]) == ["request_path"]
    bad = admin_client.post(REWRITES, json={"entity_type": "page", "request_path": "a", "target_path": "b",
                                            "redirect_type": "307", "locale": "xx"})
    assert bad.status_code == 422 and {"entity_type", "redirect_type"} <= set(bad.json()["errors"])
    same = admin_client.post(REWRITES, json={"entity_type": "cms_page", "request_path": "loop", "target_path": "/loop/",
                                             "redirect_type": "301", "locale": "en"})
    assert same.status_code == 422 and list(same.json()["errors"]) == ["target_path"]

    listed = admin_client.get(REWRITES, params={"request_path": old, "redirect_type": "302"}).json()
    assert [row["id"] for row in listed["data"]] == [rewrite["id"]]
    assert admin_client.get(REWRITES, params={"request_path": old, "locale": "en"}).json()["meta"]["total"] == 1
    assert admin_client.get(REWRITES, params={"request_path": old, "locale": "fr"}).json()["meta"]["total"] == 0
    deleted = admin_client.post(f"{REWRITES}/mass-delete", json={"indices": [rewrite["id"], 2_000_000_000]})
    assert deleted.json() == {"deleted": [rewrite["id"]], "message": "URL rewrites deleted."}
    assert anonymous.get(f"/{old}", follow_redirects=False).status_code == 404
    assert anonymous.get("/api/shop/products", follow_redirects=False).status_code != 301  # API paths untouched


def test_a_cms_page_rewrite_is_followed_by_the_page_read(client, admin_client):
    created = admin_client.post(REWRITES, json={"entity_type": "cms_page", "request_path": "who-we-are",
                                                "target_path": "about-us", "redirect_type": "301", "locale": "en"})
    assert created.status_code == 201, created.text
    try:
        page = client.get("/api/shop/pages/url-key/who-we-are")
        assert page.status_code == 200, page.text
        assert page.json()["translation"]["urlKey"] == "about-us"
    finally:
        admin_client.delete(f"{REWRITES}/{created.json()['id']}")
    assert client.get("/api/shop/pages/url-key/who-we-are").status_code == 404


# --- sitemaps ----------------------------------------------------------------------

def test_a_sitemap_lists_the_active_products_once_its_job_has_run(admin_client, admin_graphql, media_root,
                                                                  empty_queue):
    active, disabled = product(), product(status=False)
    created = admin_client.post(SITEMAPS, json={"file_name": "sitemap.xml", "path": "/seo/"})
    assert created.status_code == 201, created.text
    sitemap = created.json()
    assert (sitemap["fileName"], sitemap["path"], sitemap["generatedAt"], sitemap["generatedSitemaps"]) == (
        "sitemap.xml", "/seo/", None, None)
    assert not (media_root / "sitemaps").exists()  # saving writes no file

    queued = admin_client.post(f"{SITEMAPS}/{sitemap['id']}/generate")
    assert queued.status_code == 202, queued.text
    assert (queued.json()["queued"], queued.json()["sitemapId"], queued.json()["indexFile"]) == (
        True, sitemap["id"], None)
    assert not (media_root / "sitemaps").exists()  # not inside the request
    assert run_queued() >= 1

    detail = admin_client.get(f"{SITEMAPS}/{sitemap['id']}").json()
    child = f"/seo/sitemap-{sitemap['id']}-1.xml"
    assert (detail["indexFile"], detail["generatedSitemaps"]) == ("/seo/sitemap.xml", [child])
    assert detail["generatedAt"] and detail["indexUrl"].endswith("/sitemaps/seo/sitemap.xml")
    index = ElementTree.parse(media_root / "sitemaps/seo/sitemap.xml").getroot()
    assert [loc.text.rsplit("/sitemaps", 1)[1] for loc in index.findall("s:sitemap/s:loc", NS)] == [child]
    urls = [loc.text for loc in ElementTree.parse(media_root / f"sitemaps{child}").getroot().findall("s:url/s:loc", NS)]
    assert any(url.endswith(f"/{active.sku.lower()}") for url in urls)
    assert not any(url.endswith(f"/{disabled.sku.lower()}") for url in urls)
    assert any(url.endswith("/page/about-us") for url in urls)
    with database.connection_context():
        assert len(urls) == len(set(urls)) and len(urls) >= ProductTranslation.select().where(
            ProductTranslation.url_key == active.sku.lower()).count() + 1
    listed = admin_client.get(SITEMAPS, params={"file_name": "sitemap"}).json()
    row = next(row for row in listed["data"] if row["id"] == sitemap["id"])
    assert (row["generatedAt"], row["indexFile"], row["generatedSitemaps"]) == (detail["generatedAt"], None, None)

    # GraphQL: generate by sitemapId, rename, delete (files gone with the row)
    result = admin_graphql("mutation($input: createAdminMarketingSitemapGenerateInput!) { "
                           "createAdminMarketingSitemapGenerate(input: $input) { adminMarketingSitemapGenerate { "
                           "sitemapId indexFile generatedSitemaps queued message } } }",
                           {"input": {"sitemapId": sitemap["id"]}})
    assert result["data"]["createAdminMarketingSitemapGenerate"]["adminMarketingSitemapGenerate"] == {
        "sitemapId": sitemap["id"], "indexFile": "/seo/sitemap.xml", "generatedSitemaps": [child], "queued": True,
        "message": "Sitemap regeneration queued."}
    renamed = admin_client.put(f"{SITEMAPS}/{sitemap['id']}", json={"file_name": "sitemap-v2.xml", "path": "/"})
    assert renamed.json()["fileName"] == "sitemap-v2.xml"
    assert run_queued() >= 1
    assert (media_root / "sitemaps/sitemap-v2.xml").is_file()
    assert not (media_root / "sitemaps/seo/sitemap.xml").exists()  # the previous set is replaced
    gone = admin_graphql("mutation($input: deleteAdminMarketingSitemapInput!) { deleteAdminMarketingSitemap("
                         "input: $input) { adminMarketingSitemap { _id fileName } } }",
                         {"input": {"id": f"{SITEMAPS}/{sitemap['id']}"}})
    assert gone["data"]["deleteAdminMarketingSitemap"]["adminMarketingSitemap"] == {
        "_id": sitemap["id"], "fileName": "sitemap-v2.xml"}
    assert not (media_root / "sitemaps/sitemap-v2.xml").exists()
    assert not (media_root / f"sitemaps/sitemap-{sitemap['id']}-1.xml").exists()


def test_sitemap_bodies_are_checked(admin_client):
    refused = admin_client.post(SITEMAPS, json={"file_name": "../evil.xml", "path": "/../"})
    assert refused.status_code == 422 and {"file_name", "path"} <= set(refused.json()["errors"])
    assert admin_client.post(f"{SITEMAPS}/2000000000/generate").json() == {"message": "Sitemap not found",
                                                                          "error": "not_found"}


def test_search_seo_permissions(app):
    from starlette.testclient import TestClient
    _admin, token = make_admin(["marketing.search_seo.url_rewrites.view"])
    with TestClient(app, headers=bearer(token)) as limited:
        assert limited.get(REWRITES).status_code == 200
        refused = limited.post(REWRITES, json={"entity_type": "product", "request_path": "a", "target_path": "b",
                                               "redirect_type": "301", "locale": "en"})
        assert (refused.status_code, refused.json()) == (403, FORBIDDEN)
        assert limited.post(f"{SITEMAPS}/1/generate").status_code == 403
    with database.connection_context():
        assert not UrlRewrite.select().where(UrlRewrite.request_path == "a").exists()
        assert Sitemap.select().count() >= 0
