"""CMS pages: the demo pages by id and URL key, active ones of the channel only, the locale's translation."""
from storage.content_models import CmsPage, CmsPageTranslation
from storage.db import database
from tests.helpers import changed

DEMO_KEYS = ["about-us", "privacy-policy", "terms-conditions", "contact-us"]


def test_demo_pages_are_listed_in_order(client):
    response = client.get("/api/shop/pages")
    assert response.status_code == 200, response.text
    pages = response.json()
    assert [page["translation"]["urlKey"] for page in pages] == DEMO_KEYS
    assert response.headers["X-Total-Count"] == "4"
    about = pages[0]
    assert about["translation"]["pageTitle"] == "About Us" and about["translation"]["locale"] == "en"
    assert about["translation"]["metaKeywords"] == "about, us" and "high-quality" in about["translation"]["htmlContent"]
    assert "default" in about["channels"]


def test_page_by_id_and_url_key(client, graphql):
    pages = client.get("/api/shop/pages").json()
    privacy = next(page for page in pages if page["translation"]["urlKey"] == "privacy-policy")
    assert client.get(f"/api/shop/pages/{privacy['id']}").json() == privacy
    assert client.get("/api/shop/pages/url-key/privacy-policy").json() == privacy
    assert client.get("/api/shop/pages", params={"url_key": "privacy-policy"}).json() == [privacy]
    assert client.get("/api/shop/pages/url-key/nothing-here").status_code == 404
    assert client.get("/api/shop/pages/99999").status_code == 404

    data = graphql("""query($id: ID!) { page(id: $id) { id _id layout translation { id _id pageTitle urlKey locale } }
        pages(urlKey: "terms-conditions") { totalCount edges { node { _id translation { pageTitle } } } }
        pageByUrlKey(urlKey: "contact-us") { translation { pageTitle } } }""",
                   {"id": f"/api/shop/pages/{privacy['id']}"})["data"]
    assert data["page"]["id"] == f"/api/shop/pages/{privacy['id']}" and data["page"]["_id"] == privacy["id"]
    translation = data["page"]["translation"]
    assert translation["id"] == f"/api/shop/page_translations/{translation['_id']}"
    assert (translation["pageTitle"], translation["urlKey"], translation["locale"]) == \
        ("Privacy Policy", "privacy-policy", "en")
    assert data["pages"]["totalCount"] == 1
    assert data["pages"]["edges"][0]["node"]["translation"]["pageTitle"] == "Terms & Conditions"
    assert data["pageByUrlKey"]["translation"]["pageTitle"] == "Contact Us"


def test_inactive_pages_are_not_served(client):
    pages = client.get("/api/shop/pages").json()
    terms = next(page for page in pages if page["translation"]["urlKey"] == "terms-conditions")
    with changed(CmsPage, terms["id"], is_active=False):
        assert client.get(f"/api/shop/pages/{terms['id']}").status_code == 404
        assert client.get("/api/shop/pages/url-key/terms-conditions").status_code == 404
        assert "terms-conditions" not in [page["translation"]["urlKey"] for page in client.get("/api/shop/pages").json()]


def test_translation_follows_the_locale_with_fallback(client):
    pages = client.get("/api/shop/pages").json()
    about = pages[0]
    with database.connection_context():
        french = CmsPageTranslation.create(page=about["id"], locale="fr", page_title="À propos", url_key="a-propos",
                                           html_content="<p>Bonjour</p>")
    try:
        french_page = client.get(f"/api/shop/pages/{about['id']}", headers={"X-Locale": "fr"}).json()
        assert (french_page["translation"]["pageTitle"], french_page["translation"]["locale"]) == ("À propos", "fr")
        assert client.get("/api/shop/pages/url-key/a-propos", headers={"X-Locale": "fr"}).json()["id"] == about["id"]
        # in French the page answers to its French key, not the English one; other pages fall back to English
        assert client.get("/api/shop/pages/url-key/about-us", headers={"X-Locale": "fr"}).status_code == 404
        privacy = client.get("/api/shop/pages/url-key/privacy-policy", headers={"X-Locale": "fr"}).json()
        assert privacy["translation"]["locale"] == "en"
        assert client.get(f"/api/shop/pages/{about['id']}").json()["translation"]["locale"] == "en"
    finally:
        with database.connection_context():
            french.delete_instance()
