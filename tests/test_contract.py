"""Schemathesis over every implemented REST operation and GraphQL root field, in-process.

Settings (seed, no example database, one worker, all checks) live in schemathesis.toml.
Operations that still answer 501 are left out here and listed by `make coverage`. Operations
that need a customer or admin token get a fresh one for every generated case, so a case that
logs out, revokes or deletes cannot disturb the next one.
"""
import uuid

import graphql
import schemathesis
from hypothesis import strategies as st
from schemathesis.core.parameters import ParameterLocation
from starlette.testclient import TestClient

from generated.graphql_bindings import ROOT_FIELDS
from generated.operations import REST_OPERATIONS
from server.handler_table import load_handler
from server.rest import is_implemented
from storage.db import database
from tests.conftest import TEST_KEY, ensure_test_keys, get_app
from tests.settings_snapshot import settings_restored  # noqa: F401 (puts the store settings back after each test)

# JSON documents or cross-field rules a schema cannot express: a schema-valid value can still be a
# correct 4xx (`filter` holds JSON; `confirmPassword` must equal `password`).
NOT_EXPRESSIBLE = {"listProducts", "getProductFacets", "registerCustomer"}
# Review attachments are files: a schema-valid string is still a correct 422 unless it is an image that decodes whole.
NOT_EXPRESSIBLE |= {"createProductReview"}
# Cart writes depend on the catalog and the cart's content: a schema-valid request can still be a
# correct 4xx (quantity above stock, a configurable product without its variant, a coupon whose
# conditions are not met, an item id the body or query omits).
NOT_EXPRESSIBLE |= {"createCart", "createCartToken", "addProductInCart", "addCartItem", "updateCartItem",
                    "updateCartItemById", "removeCartItem", "applyCoupon", "mergeCart"}
# Checkout steps depend on the cart's state: a schema-valid request can still be a correct 400 (an
# earlier step is missing) or 422 (a method the cart is not offered, a region the store lacks, no stock).
NOT_EXPRESSIBLE |= {"setCheckoutAddress", "listCheckoutShippingMethods", "setCheckoutShippingMethod",
                    "setCheckoutPaymentMethod", "placeCheckoutOrder"}
# Availability depends on the product's type: a configurable, bundle or grouped product has no stock of its own (422).
NOT_EXPRESSIBLE |= {"getInventoryAvailability"}
# Admin reads with a documented 422 for a value the schema must leave open (`format`: only `csv` is
# an export format, yet other values are 422, not a 400 parameter error).
ADMIN_NOT_EXPRESSIBLE = {"exportAdminTaxRates", "exportAdminCatalogProducts", "exportAdminCmsPages",
                         "getAdminConfigurationValues"}  # `slug` is required, yet its absence is a documented 422
# Reports: a `type` the page lists per report (422, the dashboard's 400 `invalid-type`), an `end` before `start`
# and a channel code the store lacks.
ADMIN_NOT_EXPRESSIBLE |= {"getAdminDashboardStats", "getAdminReportingStats"} | {
    f"{action}AdminReporting{entity}" for action in ("get", "view", "export") for entity in ("Sales", "Customers", "Products")} | {
    "getAdminReportingSalesPeriods", "getAdminReportingCustomersSummary", "getAdminReportingProductsSummary"}
# GraphQL `Iterable` (superAttribute, links) is any JSON value; lists of ids are what clients send.
schemathesis.graphql.scalar("Iterable", st.lists(st.integers(1, 10_000).map(lambda n: graphql.IntValueNode(value=str(n))),
                                                 max_size=3).map(lambda nodes: graphql.ListValueNode(values=tuple(nodes))))


def implemented_rest(surface: str) -> list[str]:
    return sorted(op_id for op_id, op in REST_OPERATIONS.items() if op["surface"] == surface and is_implemented(op_id))


def implemented_graphql(surface: str) -> list[str]:
    return sorted(f"{f['type']}.{f['field']}" for f in ROOT_FIELDS.get(surface, ()) if load_handler(f["handler"], planned=f["planned"]))


def customer_bearer() -> dict:
    """A token of a live customer (a generated case may have deleted the previous one)."""
    from domain.customers import issue_token
    from storage.customer_models import Customer
    with database.connection_context():
        customer = Customer.select().where(Customer.email.startswith("contract-")).order_by(Customer.id.desc()).first()
        if customer is not None:
            return {"Authorization": f"Bearer {issue_token(customer.id, 'contract test')}"}
    with TestClient(get_app(), headers={"X-STOREFRONT-KEY": TEST_KEY}) as client:
        response = client.post("/api/shop/customers", json={
            "firstName": "Contract", "lastName": "Tester", "email": f"contract-{uuid.uuid4().hex[:12]}@example.com",
            "password": "Contract@12345", "confirmPassword": "Contract@12345"})
        assert response.status_code == 201, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}


shop_rest = schemathesis.openapi.from_asgi("/api/shop/openapi.json", get_app()).include(
    operation_id=implemented_rest("shop"))
shop_graphql = schemathesis.graphql.from_asgi("/api/graphql", get_app(), headers={"X-STOREFRONT-KEY": TEST_KEY}).include(
    name=implemented_graphql("shop"))


def admin_bearer() -> dict:
    """A fresh all-permissions, unlimited integration token of a new admin."""
    from tests.admin_fixtures import make_admin
    _admin, raw_token = make_admin("all", label="contract")
    return {"Authorization": f"Bearer {raw_token}"}


# The overview pages' resource paths (`/api/cart_tokens`, ...) are aliases of shop operations whose
# answers depend on the cart, the account or a token named in the body (`cart_id`, `item_id`, an emailed
# reset token): a schema-valid request can be a correct 4xx, as for the shop operations they call.
resources_rest = schemathesis.openapi.from_asgi("/api/openapi.json", get_app()).include(
    operation_id=implemented_rest("resources"))
admin_rest = schemathesis.openapi.from_asgi("/api/admin/openapi.json", get_app()).include(
    operation_id=implemented_rest("admin"))
admin_graphql = schemathesis.graphql.from_asgi("/api/admin/graphql", get_app(), headers=admin_bearer()).include(
    name=implemented_graphql("admin"))


@shop_rest.parametrize()
def test_shop_rest_contract(case):
    operation_id = case.operation.definition.raw.get("operationId")
    excluded = [schemathesis.checks.positive_data_acceptance] if operation_id in NOT_EXPRESSIBLE else []
    needs_customer = bool({"customerToken", "cartToken"} & set(REST_OPERATIONS[operation_id]["auth"]))
    headers = customer_bearer() if needs_customer else None
    if "adminToken" in REST_OPERATIONS[operation_id]["auth"]:
        # shop-resources.md's product writes: an admin token; a schema-valid body can name a SKU or URL key
        # another product has (422), as on the resource paths' catalog writes
        headers = None if drops_authorization(case) else admin_bearer()
        excluded = [schemathesis.checks.positive_data_acceptance]
    case.call_and_validate(headers=headers, excluded_checks=excluded)


@resources_rest.parametrize()
def test_resources_rest_contract(case):
    operation_id = case.operation.definition.raw.get("operationId")
    auth = set(REST_OPERATIONS[operation_id]["auth"])
    headers = customer_bearer() if {"customerToken", "cartToken"} & auth else None
    if "adminToken" in auth:  # products.md's catalog writes
        headers = None if drops_authorization(case) else admin_bearer()
    case.call_and_validate(headers=headers, excluded_checks=[schemathesis.checks.positive_data_acceptance])


# Answers the pages document as errors although nothing failed: toggle-wishlist.md answers a removal with
# the error-style message "Item Successfully Removed From Wishlist" (code REMOVED_FROM_WISHLIST, status 200).
DOCUMENTED_ERROR_ANSWERS = {"Mutation.toggleWishlist": "REMOVED_FROM_WISHLIST"}


def documented_error_answer(case, response) -> bool:
    code = DOCUMENTED_ERROR_ANSWERS.get(case.operation.label)
    try:
        errors = response.json().get("errors") or []
    except (ValueError, AttributeError):
        return False
    return bool(code and errors) and all(((error or {}).get("extensions") or {}).get("code") == code
                                         for error in errors)


@shop_graphql.parametrize()
def test_shop_graphql_contract(case):
    # SDL cannot state ranges (first <= 100), cursor formats or cross-field rules, so a schema-valid
    # `first: 17930` is still a client error with BAD_USER_INPUT; every other check stays on.
    headers = {"X-STOREFRONT-KEY": TEST_KEY, **customer_bearer()}
    excluded = [schemathesis.checks.positive_data_acceptance]
    if case.operation.label in DOCUMENTED_ERROR_ANSWERS:
        response = case.call(headers=headers)
        if not documented_error_answer(case, response):
            case.validate_response(response, excluded_checks=excluded, headers=headers)
        return
    case.call_and_validate(headers=headers, excluded_checks=excluded)


def drops_authorization(case) -> bool:
    """A negative case generated without its Authorization header must go out without one: adding a
    fresh token would turn it into a valid request that schemathesis still expects to be refused."""
    return (case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
            and "Authorization" not in (case.headers or {}))


@admin_rest.parametrize()
def test_admin_rest_contract(case):
    # Writes reference other records (role ids, unique emails), compare fields (confirmations) or time
    # (expiry after now): rules a schema cannot state, so a schema-valid write may rightly get 422.
    excluded = [schemathesis.checks.positive_data_acceptance] if case.method != "GET" else []
    if case.operation.definition.raw.get("operationId") in ADMIN_NOT_EXPRESSIBLE:
        excluded = [schemathesis.checks.positive_data_acceptance]
    try:
        headers = None if drops_authorization(case) else admin_bearer()
        case.call_and_validate(headers=headers, excluded_checks=excluded)
    finally:
        ensure_test_keys()


@admin_graphql.parametrize()
def test_admin_graphql_contract(case):
    try:
        case.call_and_validate(headers=admin_bearer(), excluded_checks=[schemathesis.checks.positive_data_acceptance])
    finally:
        ensure_test_keys()


def test_every_implemented_operation_is_contract_tested():
    for surface in ("shop", "admin"):
        assert implemented_rest(surface) and implemented_graphql(surface)
    assert implemented_rest("resources")
