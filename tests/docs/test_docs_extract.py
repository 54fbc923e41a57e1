"""The example extractor and the pure parts of the checks, on real documentation pages."""
import pytest

from tests.docs.conformance import compare_shape, read_exceptions
from tests.docs.extract import (
    SEEDS, documented_mixed, documented_nullable, parse_curl, parse_raw_http, only_schema_definitions, read_page,
    strip_graphql_comments,
)

pytestmark = pytest.mark.skipif(not SEEDS.exists(), reason="the Bagisto pages are not next to the project")


def test_graphql_front_matter_examples():
    examples = read_page("graphql-api/shop/queries/get-channel.md").examples
    assert [e.name for e in examples] == [
        "get-channel-by-id-basic", "get-channel-complete", "get-channel-with-branding",
        "get-channel-maintenance-details", "get-channel-with-relationships", "get-channel-with-translations"]
    first = examples[0]
    assert (first.kind, first.surface, first.area, first.source) == ("graphql", "shop", "graphql-api/shop/queries",
                                                                      "front-matter")
    assert first.document.startswith("query getChannelByID($id: ID!) { channel(id: $id) {")
    assert first.variables == {"id": "/api/shop/channels/1"}
    assert first.documented_response == {"data": {"channel": {
        "id": "/api/shop/channels/1", "_id": 1, "code": "default", "hostname": "https://api-demo.bagisto.com",
        "timezone": None}}}
    # the HTML description of a translation keeps its line breaks inside the JSON string
    complete = examples[1].documented_response["data"]["channel"]
    assert complete["translations"]["totalCount"] == 5


def test_admin_graphql_page_is_the_admin_surface():
    (example,) = read_page("graphql-api/admin/settings/currencies/create.md").examples
    assert (example.kind, example.surface, example.name) == ("graphql", "admin", "gql")
    assert example.variables == {"input": {"code": "EUR", "name": "Euro", "symbol": "€"}}
    assert example.documented_response["data"]["createAdminSettingsCurrency"]["adminSettingsCurrency"]["_id"] == 2


def test_curl_in_front_matter_query_key():
    (example,) = read_page("rest-api/admin/settings/currencies/create.md").examples
    assert (example.kind, example.surface, example.method, example.path) == (
        "rest", "admin", "POST", "/api/admin/settings/currencies")
    assert example.body_kind == "json"
    assert example.body == {"code": "EUR", "name": "Euro", "symbol": "€"}
    assert example.auth == ("bearer",)
    assert example.documented_response == {"id": 2, "code": "EUR", "name": "Euro", "symbol": "€"}


def test_curl_with_query_string_and_http_status_line():
    listing, single = read_page("rest-api/shop/channels/get-channel-translations.md").examples
    assert (listing.method, listing.path, listing.query) == ("GET", "/api/shop/channel_translations",
                                                            [("per_page", "2")])
    assert listing.auth == ("storefront-key",)
    assert listing.documented_status == 200
    assert [row["locale"] for row in listing.documented_response] == ["en", "fr"]
    assert single.path == "/api/shop/channel_translations/1" and single.documented_response["id"] == 1


def test_raw_http_requests_in_front_matter():
    examples = read_page("rest-api/shop/cart/add-to-cart.md").examples
    assert [e.name for e in examples] == ["add-simple", "add-configurable", "add-bundle", "add-grouped",
                                          "add-downloadable"]
    simple = examples[0]
    assert (simple.method, simple.path, simple.body) == ("POST", "/api/shop/add-product-in-cart",
                                                         {"productId": 1, "quantity": 2})
    assert simple.auth == ("storefront-key", "bearer")
    assert simple.documented_response["items"][0]["sku"] == "COASTALBREEZEMENSHOODIE"
    assert examples[2].body["bundleOptions"] == {"1": [1], "2": [2], "3": [3], "4": [4]}


def test_body_fences_of_an_overview_page():
    examples = read_page("graphql-api/shop-api.md").examples
    assert len(examples) == 47
    tree = examples[0]
    assert (tree.name, tree.source, tree.surface) == ("get-category-tree", "fence", "shop")
    assert tree.document.startswith("query { treeCategories(parentId: 1) {")
    assert tree.documented_response["data"]["treeCategories"]["translation"]["slug"] == "root"
    assert next(e for e in examples if e.name == "shopping-cart").document == \
        "mutation { createCartToken(input: {}) { cartToken } }"


def test_curl_tabs_pair_with_the_response_after_the_language_variants():
    examples = read_page("rest-api/shop/cart-checkout.md").examples
    assert len(examples) == 17
    create = examples[0]
    assert (create.method, create.path, create.body) == ("POST", "/api/cart_tokens", {})
    assert create.documented_response["@type"] == "CartToken"


def test_multipart_curl():
    (upload,) = read_page("rest-api/admin/catalog/products/images-upload.md").examples
    assert (upload.method, upload.path, upload.body_kind) == ("POST", "/api/admin/catalog/products/12/images", "form")
    assert upload.body == {"image": "@/path/to/photo.webp", "position": "1"}


def test_a_block_of_several_operations_becomes_one_example_each():
    names = [e.name for e in read_page("graphql-api/authentication.md").examples]
    assert names[2:5] == ["guest-cart-workflow-op1", "guest-cart-workflow-op2", "guest-cart-workflow-op3"]


def test_legacy_stub_pages_are_reported_not_dropped():
    found = read_page("graphql-api/admin/orders.md")
    assert found.examples == []
    assert found.skipped == [("graphql-api/admin/orders.md", "front matter example get-all-orders",
                              "a GraphQL block holding only comments")]


def test_schema_definition_blocks_are_reported_not_run():
    skipped = [entry for entry in read_page("graphql-api/best-practices.md").skipped
               if entry[2] == "a GraphQL block holding only schema definitions (SDL)"]
    assert len(skipped) == 2
    assert only_schema_definitions('type Product { id: ID! }')
    assert not only_schema_definitions('query { products { totalCount } }')
    assert not only_schema_definitions('query { products {')


def test_comments_whose_line_end_was_lost():
    assert strip_graphql_comments("# 1. Create a cart mutation { createCartToken(input: {}) { cartToken } }") == \
        "mutation { createCartToken(input: {}) { cartToken } }"
    assert strip_graphql_comments('query { product(sku: "a#b") { id } }') == 'query { product(sku: "a#b") { id } }'


def test_curl_and_raw_http_parsing():
    curl = parse_curl("curl -X 'GET' \\ 'https://demo.test/api/shop/locales/1' \\ -H 'accept: application/json' "
                      "# then read it")
    assert curl == {"method": "GET", "url": "https://demo.test/api/shop/locales/1",
                    "headers": {"accept": "application/json"}, "data": None, "form": {}}
    assert parse_curl('curl "https://x.test/api/shop/cart" -d \'{"a": 1}\'')["method"] == "POST"
    raw = parse_raw_http("PUT /api/shop/reviews/1 Content-Type: application/json Authorization: Bearer 1|abc "
                         '{ "rating": 4 }')
    assert raw["headers"] == {"Content-Type": "application/json", "Authorization": "Bearer 1|abc"}
    assert raw["data"] == '{ "rating": 4 }'


def test_shape_comparison():
    documented = {"data": {"items": [{"id": 1, "name": "x", "price": None}], "total": 3, "...": "more"}}
    assert compare_shape(documented, {"data": {"items": [{"id": 7, "name": "y", "price": 2}], "total": 9}}) == []
    assert compare_shape(documented, {"data": {"items": [], "total": 0}}) == []  # nothing to compare an item with
    assert compare_shape(documented, {"data": {"items": [{"id": "7", "name": None}], "total": 1.5}}) == [
        "string where the doc shows number at data.items[].id",
        "null where the doc shows string at data.items[].name",
        "missing field `price` at data.items[]"]
    assert compare_shape({"a": 1}, [1]) == ["array where the doc shows object at (top)"]
    # our null is fine where the page documents the field as nullable
    assert compare_shape({"data": {"logo": "x.png", "code": "c"}}, {"data": {"logo": None, "code": None}},
                         nullable=frozenset({"logo"})) == ["null where the doc shows string at data.code"]


def test_nullable_fields_from_the_page_tables():
    assert documented_nullable("| `id` | `ID!` | x | | `logo` | `String` | y | | `translation.name` | `String!` | z |"
                               " | `description` | string \\| null | w | | `count` | integer | v |") == \
        frozenset({"logo", "description"})
    assert {"logo", "logoUrl", "theme"} <= read_page("graphql-api/shop/queries/get-channel.md").examples[0].nullable
    # a row of typed columns of which only one is populated: each of them is null on the other rows
    columns = "| `textValue` / `integerValue` / `booleanValue` | mixed | The typed column — only one is populated per row |"
    assert documented_nullable(columns) == frozenset({"textValue", "integerValue", "booleanValue"})
    assert documented_nullable(columns.replace("only one is populated", "all are set")) == frozenset()
    page = read_page("rest-api/shop/products/product-subresources.md").examples[0]
    assert {"textValue", "integerValue"} <= page.nullable and "locale" not in page.nullable
    assert {"value", "textValue", "locale", "uniqueId", "attribute", "product"} <= page.mixed["value"]


def test_elided_values_are_not_compared():
    assert compare_shape({"slots": ["..."], "id": 1}, {"slots": [{"from": "10:00"}], "id": 1}) == []
    assert compare_shape({"slots": ["…"]}, {"slots": None}) == ["null where the doc shows array at slots"]
    assert compare_shape({"name": ""}, {"name": 1}) == ["number where the doc shows string at name"]


def test_mixed_fields_take_any_scalar():
    tables = "### Row | `id` | integer | x | | `value` | mixed | any | ### Price | `value` | number | y | | `qty` | integer | z |"
    mixed = documented_mixed(tables)
    assert mixed == {"value": frozenset({"id", "value"})}
    documented = {"rows": [{"value": "text", "id": 1}]}
    assert compare_shape(documented, {"rows": [{"value": 10, "id": 1}]}, mixed=mixed) == []
    assert compare_shape(documented, {"rows": [{"value": 10, "id": "1"}]}, mixed=mixed) == [
        "string where the doc shows number at rows[].id"]
    assert compare_shape(documented, {"rows": [{"value": {"a": 1}, "id": 1}]}, mixed=mixed) == [
        "object where the doc shows string at rows[].value"]
    assert compare_shape(documented, {"rows": [{"value": 10, "id": 1}]}) == [
        "number where the doc shows string at rows[].value"]
    # the other table's `value` keeps its type
    assert compare_shape({"value": 1, "qty": 2}, {"value": "1", "qty": 2}, mixed=mixed) == [
        "string where the doc shows number at value"]


def test_exceptions_table():
    text = ("# Title\n\n## Documentation examples we answer differently\n\nprose\n\n| page | example | reason |\n"
            "|---|---|---|\n| `rest-api/x.md` | `*` | legacy page |\n| `graphql-api/y.md` | `ex-2` | renamed |\n\n"
            "## Next section\n| `a.md` | `b` | not in the section |\n")
    assert read_exceptions(text) == {("rest-api/x.md", "*"): "legacy page", ("graphql-api/y.md", "ex-2"): "renamed"}


def test_commented_out_front_matter_examples_are_not_read():
    """get-product-reviews.md keeps two examples commented out (`# - id: ...`): they are not examples."""
    names = [example.name for example in read_page("graphql-api/shop/queries/get-product-reviews.md").examples]
    assert names == ["get-product-reviews-basic", "get-product-reviews-by-product-id",
                     "get-product-reviews-by-status", "get-product-reviews-by-rating"]
