"""Downloadable sample URLs point where clients reach the API (docs/security.md, "Checkout
integrity"): PUBLIC_URL when it is set, else the base URL the request was sent to — never a port
written into the seed — and REST and GraphQL give the same URL."""
import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.config import Settings
from storage.db import database
from storage.models import Product, ProductDownloadableLink
from tests.conftest import TEST_KEY

SAMPLE_PATH = "/api/shop/downloadable/download-sample/sample/{}"
GRAPHQL_SAMPLES = """{ product(sku: "DL-FINANCE-GUIDE") {
    downloadableLinks { edges { node { _id sampleFileUrl } } }
    downloadableSamples { edges { node { _id fileUrl } } } } }"""


@pytest.fixture(scope="module")
def guide(app) -> tuple[int, list[int]]:
    """The seeded downloadable product with samples, and its link ids (each link has a sample)."""
    with database.connection_context():
        product_id = Product.get(Product.sku == "DL-FINANCE-GUIDE").id
        links = [link.id for link in ProductDownloadableLink.select()
                 .where(ProductDownloadableLink.product == product_id).order_by(ProductDownloadableLink.sort_order)]
    return product_id, links


def rest_urls(client, product_id: int) -> list[str]:
    response = client.get(f"/api/shop/products/{product_id}")
    assert response.status_code == 200, response.text
    product = response.json()
    return ([link["sampleFileUrl"] for link in product["downloadableLinks"]]
            + [sample["fileUrl"] for sample in product["downloadableSamples"]])


def sub_resource_urls(client, product_id: int, links: list[int]) -> list[str]:
    listed = client.get(f"/api/shop/products/{product_id}/downloadable-links").json()
    single = client.get(f"/api/shop/product-downloadable-samples/{links[0]}").json()
    return [link["sampleFileUrl"] for link in listed] + [single["fileUrl"]]


def graphql_urls(client) -> list[str]:
    response = client.post("/api/graphql", json={"query": GRAPHQL_SAMPLES})
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    product = response.json()["data"]["product"]
    return ([edge["node"]["sampleFileUrl"] for edge in product["downloadableLinks"]["edges"]]
            + [edge["node"]["fileUrl"] for edge in product["downloadableSamples"]["edges"]])


def expected(base: str, links: list[int]) -> list[str]:
    return [base + SAMPLE_PATH.format(link) for link in links + links]


@pytest.mark.parametrize("base", ["http://shop.example.test:8443", "https://localhost:9123", "http://10.1.2.3:8080"])
def test_sample_urls_follow_the_address_the_request_was_sent_to(app, guide, base):
    product_id, links = guide
    with TestClient(app, base_url=base, headers={"X-STOREFRONT-KEY": TEST_KEY}) as client:
        assert rest_urls(client, product_id) == expected(base, links)
        assert graphql_urls(client) == expected(base, links)
        assert sub_resource_urls(client, product_id, links) == [base + SAMPLE_PATH.format(link) for link in
                                                                 links + links[:1]]
        # the URL given is one this server answers: the sample download redirects to the file
        response = client.get(rest_urls(client, product_id)[0], follow_redirects=False)
        assert response.status_code == 302 and response.headers["Location"].endswith("sample-chapter.pdf")
    assert not any(":8000" in url for url in expected(base, links))


def test_public_url_setting_wins_over_the_request_host(guide):
    product_id, links = guide
    public = "https://api.shop.example:4443/edge"
    app = create_app(Settings(public_url=public + "/", validate_responses=True))
    with TestClient(app, base_url="http://internal-host:7000", headers={"X-STOREFRONT-KEY": TEST_KEY}) as client:
        assert rest_urls(client, product_id) == expected(public, links)
        assert graphql_urls(client) == expected(public, links)
        spoofed = client.get(f"/api/shop/products/{product_id}", headers={"Host": "attacker.example"})
        assert "attacker.example" not in spoofed.text
        assert [link["sampleFileUrl"] for link in spoofed.json()["downloadableLinks"]] == [
            public + SAMPLE_PATH.format(link) for link in links]
