"""API versions (docs/compatibility.md, "API versions"): `/api/v1` is `/api`, `Accept-Version: 1` (or `v1`)
selects the one version offered, anything else is a 400 before routing, and every `/api` answer says
`Api-Version: 1`."""
import pytest

from tests.admin_fixtures import admin_client, super_admin  # noqa: F401 (fixtures)


def test_the_prefix_is_an_alias_and_every_answer_names_the_version(client):
    plain = client.get("/api/shop/products/1")
    aliased = client.get("/api/v1/shop/products/1")
    assert (plain.status_code, aliased.status_code) == (200, 200)
    assert aliased.json() == plain.json()
    assert plain.headers["Api-Version"] == aliased.headers["Api-Version"] == "1"
    listed = client.get("/api/v1/shop/products", params={"per_page": 2})
    assert listed.status_code == 200 and listed.headers["X-Per-Page"] == "2"
    missing = client.get("/api/v1/shop/products/999999")
    assert missing.status_code == 404 and missing.headers["Api-Version"] == "1"


def test_graphql_and_the_admin_surface_behind_the_prefix(client, admin_client):
    answer = client.post("/api/v1/graphql", json={"query": "{ __typename }"})
    assert answer.status_code == 200 and answer.json()["data"] == {"__typename": "Query"}
    admin = admin_client.get("/api/v1/admin/analytics/meta", headers={"Accept-Version": "v1"})
    assert admin.status_code == 200 and admin.headers["Api-Version"] == "1"
    assert len(admin.json()["models"]) == 3


@pytest.mark.parametrize("value", ["1", "v1", "V1", " 1 "])
def test_the_header_selects_version_one(client, value):
    response = client.get("/api/shop/products/1", headers={"Accept-Version": value})
    assert response.status_code == 200 and response.headers["Api-Version"] == "1"


@pytest.mark.parametrize("path,value", [("/api/shop/products/1", "2"), ("/api/shop/products/1", "latest"),
                                        ("/api/v2/shop/products/1", None), ("/api/v0/graphql", None),
                                        ("/api/v1/shop/products/1", "2")])
def test_a_version_not_offered_is_a_400(client, path, value):
    response = client.get(path, headers={"Accept-Version": value} if value else {})
    assert response.status_code == 400
    body = response.json()
    assert (body["error"], body["versions"], list(body["errors"])) == ("unsupported_version", ["1"], ["Accept-Version"])
    assert response.headers["Api-Version"] == "1"


def test_paths_outside_the_api_are_left_alone(client):
    response = client.get("/no-such-storefront-page", headers={"Accept-Version": "9"})
    assert response.status_code != 400 and "Api-Version" not in response.headers
