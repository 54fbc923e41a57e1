"""The one GraphQL bridge, the one id codec and the one input guard: what both transports share."""
import base64
import json

import pytest

from domain.errors import InvalidRequest, Unprocessable
from domain.ids import MAX_ID, parse_id, parse_nested_id
from generated.graphql_bindings import ROOT_FIELDS
from server.graphql_bridge import (
    body_from_input, declared_input, decode_cursor, payload, rest_arguments, shaped, window_from_args,
)
from server.input_guard import MAX_DEPTH, refused
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)

NUL = "The value must not contain NUL characters."


# --- the id codec -----------------------------------------------------------------------------------

@pytest.mark.parametrize("value, key", [(7, 7), ("7", 7), ("/api/shop/products/7", 7),
                                        ("/api/admin/settings/users/2147483647", MAX_ID)])
def test_ids_and_iris_decode_to_the_same_key(value, key):
    assert parse_id(value) == key


@pytest.mark.parametrize("value", [0, "0", -1, 2**31, "2147483648", "/api/shop/products/0", "abc", None, True,
                                   "/etc/passwd/1x", "99999999999"])
def test_ids_outside_one_to_two_to_the_31_are_refused_naming_the_argument(value):
    with pytest.raises(InvalidRequest) as refused_id:
        parse_id(value, "productId")
    assert list(refused_id.value.errors) == ["productId"]


def test_a_nested_iri_gives_the_parent_key_too():
    template = "/api/admin/catalog/products/{productId}/images/{id}"
    assert parse_nested_id("/api/admin/catalog/products/12/images/47", template) == (12, 47)
    assert parse_nested_id("47", template) == (None, 47)


# --- paging ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("offset", [-5, 2**31, 10**30])
def test_cursors_outside_the_id_range_are_refused(offset):
    cursor = base64.b64encode(str(offset).encode()).decode()
    with pytest.raises(InvalidRequest) as bad:
        decode_cursor(cursor, "after")
    assert bad.value.errors == {"after": ["Invalid cursor."]}


def test_page_sizes_above_the_maximum_clamp_and_below_zero_are_refused():
    assert window_from_args({"first": 250}, 10).limit == 100
    with pytest.raises(InvalidRequest):
        window_from_args({"first": -1}, 10)


def test_countries_first_250_answers_at_most_100(graphql):
    result = graphql("{ countries(first: 250) { edges { node { _id } } totalCount } }")
    countries = result["data"]["countries"]
    assert len(countries["edges"]) == min(100, countries["totalCount"])


# --- mutation inputs -----------------------------------------------------------------------------------

def test_inputs_are_renamed_to_the_body_schema_at_every_depth():
    body = body_from_input({"code": "XTS", "name": "Test", "decimal": 2, "groupSeparator": ",",
                            "decimalSeparator": ".", "currencyPosition": "left"}, "AdminCurrencyCreateBody", "admin")
    assert body["group_separator"] == "," and body["currency_position"] == "left" and "groupSeparator" not in body
    family = body_from_input({"code": "t_fam", "name": "Fam", "attributeGroups": [
        {"code": "general", "name": "General", "column": 1, "position": 1, "customAttributes": []}]},
        "AdminAttributeFamilyCreateBody", "admin")
    assert set(family["attribute_groups"][0]) >= {"custom_attributes", "column", "position"}


def test_input_errors_are_named_as_the_input_names_them():
    with pytest.raises(Unprocessable) as bad:
        body_from_input({"code": "12", "name": "Test", "groupSeparator": 5}, "AdminCurrencyCreateBody", "admin")
    assert "groupSeparator" in bad.value.errors and "code" in bad.value.errors


def test_rest_arguments_come_from_the_input_or_one_nested_iri():
    operation = {"path": "/api/admin/catalog/products/{productId}/customer-group-prices/{id}",
                 "parameters": ["productId", "id"], "path_parameters": ["productId", "id"]}
    assert rest_arguments(operation, {"id": "/api/admin/catalog/products/3/customer-group-prices/9"}) == {
        "product_id": 3, "id": 9}
    assert rest_arguments(operation, {"productId": 3, "id": "9"}) == {"product_id": 3, "id": 9}
    query = {"path": "/api/shop/remove-cart-item", "parameters": ["cartItemId"], "path_parameters": []}
    assert rest_arguments(query, {"cartItemId": 5}) == {"cart_item_id": 5}


def test_a_payload_declaration_gives_exactly_its_constants_and_answer_paths():
    answer = {"data": {"address": {"id": 7, "city": "Berlin"}}, "message": "Done", "grandTotal": 12.5}
    declaration = {"success": True, "status": "success", "message": "$.message", "count": 0, "nothing": None,
                   "address": "$.data.address", "city": "$.data.address.city", "missing": "$.data.none.id",
                   "whole": "$", "key": "$args.productId", "line": {"_": "$.data.address", "city": "Paris"},
                   "cart": {"total": "$.grandTotal", "kind": "cart"}}
    assert shaped(declaration, answer, {"product_id": 3}) == {
        "success": True, "status": "success", "message": "Done", "count": 0, "nothing": None,
        "address": {"id": 7, "city": "Berlin"}, "city": "Berlin", "missing": None, "whole": answer, "key": 3,
        "line": {"id": 7, "city": "Paris"}, "cart": {"total": 12.5, "kind": "cart"}}
    assert shaped("$.data", answer, {}) == answer["data"]  # a query's node


def test_a_declared_payload_replaces_the_one_field_envelope():
    binding = {"mutation": {"payload": None}, "shape": {"cart": "$", "success": True, "message": "Added"}}
    assert payload(binding, {"id": 4}, {"clientMutationId": "m1"}, {}) == {
        "cart": {"id": 4}, "success": True, "message": "Added", "clientMutationId": "m1"}


def test_declared_input_renames_nests_drops_and_adds_constants():
    sent = {"zipCode": "10115", "postcode": None, "paymentMethod": "cashondelivery", "deviceToken": "x",
            "city": "Berlin", "phoneNumber": None}
    renames = {"zipCode": "postcode", "paymentMethod": "payment.method", "deviceToken": None, "phoneNumber": "phone"}
    assert declared_input(sent, renames, {"id": 5}) == {
        "postcode": "10115", "payment": {"method": "cashondelivery"}, "city": "Berlin", "id": 5}
    # a value sent under the target name itself wins, over a rename and over a `with:` value
    assert declared_input({"zipCode": "1", "postcode": "2"}, {"zipCode": "postcode"}, None) == {"postcode": "2"}
    flags = {"defaultBilling": "defaultAddress", "defaultShipping": "defaultAddress"}
    assert declared_input({"defaultBilling": False, "defaultShipping": True}, flags, None) == {"defaultAddress": True}
    assert declared_input({"email": "a@example.com"}, None, {"email": "b@example.com", "status": 1}) == {
        "email": "a@example.com", "status": 1}


def test_declared_overview_forms_answer_their_payloads_over_the_api(graphql):
    forgot = graphql('mutation { forgotPassword(input: {email: "nobody@example.com", clientMutationId: "f"}) '
                     '{ status message clientMutationId } }')
    assert forgot["data"]["forgotPassword"]["status"] == "success"
    assert forgot["data"]["forgotPassword"]["clientMutationId"] == "f" and forgot["data"]["forgotPassword"]["message"]
    token = graphql("mutation { generateGuestToken { token clientMutationId } }")["data"]["generateGuestToken"]
    assert token["token"] and token["clientMutationId"] is None


def test_no_root_field_runs_a_function_that_is_gone():
    """Every @handler names a function that exists; every declaration names fields its types have
    (codegen checks them), so the bindings load."""
    from server.handler_table import load_handler
    for surface, fields in ROOT_FIELDS.items():
        for field in fields:
            if not field["planned"]:
                assert callable(load_handler(field["handler"])), (surface, field["field"])


def test_admin_mutations_bound_to_rest_need_no_graphql_python():
    """Every admin mutation with a REST twin runs through the bridge; the GraphQL-only ones are few and named."""
    admin = ROOT_FIELDS["admin"]
    bridged = [f for f in admin if f["mutation"] and f["operation_id"]]
    own = sorted(f["field"] for f in admin if f["mutation"] and not f["operation_id"])
    assert len(bridged) >= 60
    assert own == ["deleteAdminAttributeOption", "deleteAdminCatalogProductCustomerGroupPrice",
                   "updateAdminCatalogProductInventory"]


def test_a_bridged_admin_mutation_creates_updates_and_deletes(admin_graphql):
    created = admin_graphql("""mutation { createAdminSettingsCurrency(input: {code: "XBT", name: "Bridge coin",
        decimal: 3, groupSeparator: " ", clientMutationId: "c1"}) {
        adminSettingsCurrency { _id code name decimal groupSeparator } clientMutationId } }""")
    payload = created["data"]["createAdminSettingsCurrency"]
    assert payload["clientMutationId"] == "c1"
    assert payload["adminSettingsCurrency"]["code"] == "XBT" and payload["adminSettingsCurrency"]["decimal"] == "3"
    assert payload["adminSettingsCurrency"]["groupSeparator"] == " "
    key = payload["adminSettingsCurrency"]["_id"]
    updated = admin_graphql("""mutation($id: ID!) { updateAdminSettingsCurrency(input: {id: $id, name: "Renamed"}) {
        adminSettingsCurrency { _id name code } } }""", {"id": f"/api/admin/settings/currencies/{key}"})
    assert updated["data"]["updateAdminSettingsCurrency"]["adminSettingsCurrency"] == {
        "_id": key, "name": "Renamed", "code": "XBT"}
    deleted = admin_graphql("""mutation($id: ID!) { deleteAdminSettingsCurrency(input: {id: $id}) {
        adminSettingsCurrency { _id } } }""", {"id": str(key)})
    assert deleted["data"]["deleteAdminSettingsCurrency"]["adminSettingsCurrency"] is None
    again = admin_graphql("""mutation($id: ID!) { deleteAdminSettingsCurrency(input: {id: $id}) {
        adminSettingsCurrency { _id } } }""", {"id": str(key)})
    assert again["errors"][0]["extensions"]["status"] == 404


def test_a_bridged_mutation_refuses_a_bad_input_without_writing(admin_graphql, admin_client):
    before = admin_client.get("/api/admin/settings/currencies").json()["meta"]["total"]
    refused_create = admin_graphql("""mutation { createAdminSettingsCurrency(input: {code: "1", name: "x",
        currencyPosition: "sideways"}) { adminSettingsCurrency { _id } } }""")
    error = refused_create["errors"][0]
    assert error["extensions"]["status"] == 422
    assert set(error["extensions"]["errors"]) >= {"code", "currencyPosition"}
    assert admin_client.get("/api/admin/settings/currencies").json()["meta"]["total"] == before


# --- the input guard --------------------------------------------------------------------------------

def test_the_guard_names_every_refused_entry():
    deep = current = []
    for _ in range(MAX_DEPTH + 2):
        current.append([])
        current = current[0]
    assert refused({"a": "x\x00", "b": "\ud800", "c": float("nan"), "d": float("inf"), "e": deep, "f": "ok",
                    "g": {"h": ["fine", 1.5]}}) == {
        "a": [NUL], "b": ["The value must be valid Unicode text (no lone surrogates)."],
        "c": ["The value must be a finite number."], "d": ["The value must be a finite number."],
        "e": [f"The value must not be nested more than {MAX_DEPTH} levels deep."]}


def test_rest_query_parameters_with_nan_nul_or_surrogates_are_400(client):
    nan = client.get("/api/shop/products", params={"price_from": "NaN"})
    assert nan.status_code == 400 and "price_from" in nan.json()["errors"]
    nul = client.get("/api/shop/products", params={"query": "silver\x00"})
    assert nul.status_code == 400 and nul.json()["errors"] == {"query": [NUL]}


def test_rest_bodies_with_nan_deep_nesting_or_surrogates_are_refused(client):
    headers = {"Content-Type": "application/json"}
    nan = client.post("/api/shop/customer/login", content=b'{"email": "a@b.co", "password": NaN}', headers=headers)
    assert nan.status_code == 400 and "NaN" in nan.json()["message"]
    deep = client.post("/api/shop/customer/login", content=b"[" * 200_000, headers=headers)
    assert deep.status_code == 400
    surrogate = client.post("/api/shop/customer/login", content=b'{"email": "\\ud800@b.co", "password": "x"}',
                            headers=headers)
    assert surrogate.status_code == 422
    assert surrogate.json()["errors"] == {"email": ["The value must be valid Unicode text (no lone surrogates)."]}


def test_graphql_arguments_with_nul_or_surrogates_are_400_naming_the_argument(client):
    def graphql(query, variables):  # a refused root field leaves no data: the transport answers 400
        body = json.dumps({"query": query, "variables": variables})  # ASCII: a lone surrogate as its \\u escape
        return client.post("/api/graphql", content=body, headers={"Content-Type": "application/json"}).json()
    result = graphql('query($q: String) { products(query: $q) { totalCount } }', {"q": "a\x00"})
    assert result["errors"][0]["extensions"]["errors"] == {"query": [NUL]}
    assert result["errors"][0]["extensions"]["status"] == 400
    nested = graphql("""mutation($input: createAddProductInCartInput!) { createAddProductInCart(input: $input) {
        addProductInCart { id } } }""", {"input": {"productId": 1, "quantity": 1, "bookingNote": "\ud800"}})
    assert nested["errors"][0]["extensions"]["errors"] == {
        "input": ["The value must be valid Unicode text (no lone surrogates)."]}


def test_the_admin_token_is_checked_once_per_graphql_request(admin_graphql, monkeypatch):
    import server.graphql
    import server.middleware
    calls = []
    for module in (server.graphql, server.middleware):
        original = module.admin_claims
        monkeypatch.setattr(module, "admin_claims", lambda *a, _o=original: calls.append(a) or _o(*a))
    result = admin_graphql("{ adminSettingsCurrencies(first: 1) { totalCount } }")
    assert result["data"]["adminSettingsCurrencies"]["totalCount"] >= 1
    assert len(calls) == 1


@pytest.mark.parametrize("query, name", [
    ("{ adminInvoices(base_grand_total_from: 1e300) { totalCount } }", "base_grand_total_from"),
    ("{ adminRefunds(base_grand_total_to: -6.8e16) { totalCount } }", "base_grand_total_to"),
    ("{ adminCatalogProducts(price_to: 1e300) { totalCount } }", "price_to"),
])
def test_a_numeric_argument_outside_its_rest_parameters_range_is_a_400_naming_it(admin_client, query, name):
    response = admin_client.post("/api/admin/graphql", json={"query": query})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["extensions"]["status"], error["extensions"]["classification"]) == (400, "BAD_USER_INPUT")
    assert list(error["extensions"]["errors"]) == [name]


def test_a_numeric_argument_inside_the_range_filters(admin_graphql):
    found = admin_graphql("{ adminInvoices(base_grand_total_from: 0, base_grand_total_to: 1000000) { totalCount } }")
    assert "errors" not in found and found["data"]["adminInvoices"]["totalCount"] >= 1
