"""`itemsPerPage` and `limit` (API Platform and the legacy pages) are read as `per_page` on every paginated list."""
import pytest

from generated.operations import REST_OPERATIONS
from tests.admin_fixtures import admin_client, super_admin  # noqa: F401 (fixtures)


def test_every_paginated_operation_declares_both_aliases():
    paginated = [op for op in REST_OPERATIONS.values() if op["pagination"] in ("page", "envelope")]
    assert len(paginated) > 30
    missing = [op_id for op_id, op in REST_OPERATIONS.items() if op in paginated
               and not {"per_page", "itemsPerPage", "limit"} <= set(op["parameters"])]
    assert missing == []


@pytest.mark.parametrize("alias", ["itemsPerPage", "limit"])
def test_an_alias_sets_the_page_size_of_a_bare_array_list(client, alias):
    response = client.get("/api/shop/locales", params={alias: 1, "page": 2})
    assert response.status_code == 200
    assert [locale["code"] for locale in response.json()] == ["fr"]
    assert (response.headers["X-Per-Page"], response.headers["X-Total-Pages"]) == ("1", "2")


def test_per_page_wins_over_its_aliases(client):
    response = client.get("/api/shop/locales", params={"per_page": 2, "itemsPerPage": 1, "limit": 1})
    assert response.headers["X-Per-Page"] == "2"
    assert len(response.json()) == 2


def test_an_alias_above_the_cap_is_clamped_and_below_one_is_refused(client):
    assert client.get("/api/shop/locales", params={"limit": 100000}).headers["X-Per-Page"] == "50"
    refused = client.get("/api/shop/locales", params={"itemsPerPage": 0})
    assert refused.status_code == 400
    assert refused.json()["error"] == "validation_failed" and set(refused.json()["errors"]) == {"itemsPerPage"}


def test_an_alias_sets_the_page_size_of_an_envelope_list(admin_client):
    meta = admin_client.get("/api/admin/catalog/attributes", params={"limit": 3}).json()["meta"]
    assert (meta["perPage"], meta["from"], meta["to"]) == (3, 1, 3)
