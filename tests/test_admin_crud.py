"""The generic admin CRUD path (handlers/admin_crud.py) against the spec: every list built from an
AdminResource accepts exactly the filters and sort columns its operation declares, over REST and GraphQL."""
from functools import lru_cache
from pathlib import Path

import pytest
import yaml
from graphql import build_schema

from generated.graphql_bindings import ROOT_FIELDS
from generated.operations import REST_OPERATIONS
from handlers.admin.crud import id_list
from domain.common import snake_case
from domain.errors import InvalidRequest
from server.handler_table import load_handler
from storage.models import Currency
from tests.admin_fixtures import admin_client, super_admin  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parent.parent
PAGING = {"page", "per_page", "itemsPerPage", "limit", "sort", "order"}
CONTEXT = {"locale", "channel"}  # applied to the request context, not filters
RELAY = {"first", "after", "last", "before"}


def generic_lists() -> list[str]:
    return sorted(op_id for op_id, op in REST_OPERATIONS.items()
                  if getattr(load_handler(op["handler"], planned=op["planned"]), "admin_kind", None) == "list")


@lru_cache(maxsize=1)
def admin_document() -> dict:
    return yaml.safe_load((ROOT / "generated" / "openapi" / "admin.yaml").read_text(encoding="utf-8"))


def sort_enum(operation_id: str) -> set[str]:
    operation = REST_OPERATIONS[operation_id]
    spec = admin_document()["paths"][operation["path"].removeprefix("/api/admin")]["get"]
    for parameter in spec.get("parameters", []):
        if parameter.get("name") == "sort":
            return set(parameter["schema"]["enum"])
    return {"id"}


def test_the_settings_lists_are_generic():
    assert {"listAdminCurrencies", "listAdminLocales", "listAdminExchangeRates"} <= set(generic_lists())


@pytest.mark.parametrize("operation_id", generic_lists())
def test_rest_list_declares_exactly_the_resource_filters_and_sorts(operation_id):
    operation = REST_OPERATIONS[operation_id]
    resource = load_handler(operation["handler"]).admin_resource
    assert set(operation["parameters"]) - PAGING - CONTEXT == set(resource.filters)
    assert sort_enum(operation_id) == set(resource.sorts)
    assert resource.default_sort in resource.sorts


@pytest.mark.parametrize("operation_id", generic_lists())
def test_graphql_list_takes_the_same_arguments(operation_id):
    schema = build_schema((ROOT / "generated" / "graphql" / "admin.graphql").read_text(encoding="utf-8"))
    fields = [field["field"] for field in ROOT_FIELDS["admin"] if field.get("operation_id") == operation_id]
    resource = load_handler(REST_OPERATIONS[operation_id]["handler"]).admin_resource
    assert fields, f"no GraphQL twin of {operation_id}"
    for name in fields:
        arguments = set(schema.query_type.fields[name].args) - RELAY - CONTEXT
        # a camelCase argument (`isConfigurable`) is another spelling of the filter `is_configurable`
        assert {snake_case(argument) for argument in arguments} == set(resource.filters) | {"sort", "order"}, name


def test_id_list_filter_takes_one_or_several_ids():
    assert id_list(Currency.id)("1,2").rhs == [1, 2]
    with pytest.raises(InvalidRequest) as refused:
        id_list(Currency.id, "category_id")("1,x")
    assert set(refused.value.errors) == {"category_id"}


def test_range_filters_refuse_values_the_column_cannot_hold():
    from handlers.admin.settings.exchange_rates import exchange_rates
    with pytest.raises(InvalidRequest) as refused:
        exchange_rates.filtered({"rate_from": 1e300})
    assert refused.value.errors == {"rate_from": ["The value is out of range."]}
    assert exchange_rates.filtered({"rate_to": 0.5, "target_currency": None}) is not None


def test_nul_characters_never_reach_the_database(admin_client):
    refused = admin_client.get("/api/admin/settings/currencies", params={"name": "Eu\x00ro"})
    assert refused.status_code == 400 and refused.json()["errors"] == {"name": ["The value must not contain NUL characters."]}
    response = admin_client.post("/api/admin/settings/currencies", json={"code": "NUL", "name": "a\x00b"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"name": ["The value must not contain NUL characters."]}
    nested = admin_client.put("/api/admin/settings/channels/1", json={"translations": {"e\x00n": {"name": "x"}}})
    assert nested.json()["errors"] == {"translations": ["The value must not contain NUL characters."]}
