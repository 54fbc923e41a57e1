"""The benchmark's baseline (bench/bare.py) answers the shop's own documents, so its throughput is a
fair measure: the list's cards and paging headers as ours, the detail's fields as ours."""
import pytest
from starlette.testclient import TestClient

from tests.conftest import TEST_KEY


@pytest.fixture(scope="module")
def bare(app):
    import bench.bare
    with TestClient(bench.bare.app, headers={"X-STOREFRONT-KEY": TEST_KEY}) as client:
        yield client


@pytest.mark.parametrize("page", [1, 3])
def test_the_baseline_list_is_ours(client, bare, page):
    ours = client.get("/api/shop/products", params={"per_page": 30, "page": page})
    baseline = bare.get("/api/shop/products", params={"per_page": 30, "page": page})
    assert baseline.status_code == 200
    assert baseline.json() == ours.json() and len(ours.json()) == 30
    for name in ("X-Total-Count", "X-Page", "X-Per-Page", "X-Total-Pages"):
        assert baseline.headers[name] == ours.headers[name]


def test_the_baseline_detail_fields_are_ours(client, bare):
    for product in client.get("/api/shop/products", params={"per_page": 20}).json():
        ours = client.get(f"/api/shop/products/{product['id']}").json()
        baseline = bare.get(f"/api/shop/products/{product['id']}").json()
        assert {name: ours[name] for name in baseline} == baseline
    assert bare.get("/api/shop/products/99999999").status_code == 404
    assert bare.get("/api/shop/products/1", headers={"X-STOREFRONT-KEY": "pk_wrong"}).status_code == 403
