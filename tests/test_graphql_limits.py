"""GraphQL request limits (server/graphql_limits.py, docs/security.md "GraphQL limits"): document size,
tokens, aliases, depth, query cost, the execution time budget, cost-based rate limiting and the
bounded document cache. Each reported attack is replayed at a bounded size."""
import dataclasses
import hashlib
import re
import time
from pathlib import Path

import pytest
from ariadne import make_executable_schema
from graphql import (
    GraphQLArgument, GraphQLField, GraphQLInt, GraphQLList, GraphQLObjectType, GraphQLSchema, OperationDefinitionNode,
    get_introspection_query, graphql_sync, parse, validate,
)
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from generated.graphql_bindings import SCHEMA_FILES
from server.config import Settings
from server.graphql import create_graphql_app
from server.graphql_limits import (
    CostCounter, Deadline, DocumentCache, GraphQLLimits, QueryGuard, count_tokens, document_shape, keep_one_timeout,
    query_cost,
)
from server.middleware import BodyLimitMiddleware, RateLimitMiddleware
from tests.conftest import TEST_KEY
from tests.helpers import count_queries
from tests.test_limits import make_key

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT.parent / "shared" / "seeds" / "bagisto" / "graphql-api"
DEFAULTS = GraphQLLimits()
PRODUCT_IDS = "edges { node { id } }"


@pytest.fixture(scope="module")
def schemas() -> dict:
    return {surface: make_executable_schema((ROOT / path).read_text(encoding="utf-8"))
            for surface, path in SCHEMA_FILES.items()}


@pytest.fixture(scope="module")
def shop_schema(schemas):
    return schemas["shop"]


@pytest.fixture(scope="module")
def endpoint(app):
    """The shop GraphQL endpoint on its own, behind the body and rate limits, so a test can read its
    document cache and change its limits."""
    graphql_app = create_graphql_app("shop", Settings())
    routed = Starlette(routes=[Route("/api/graphql", graphql_app, methods=["GET", "POST"])])
    with TestClient(BodyLimitMiddleware(RateLimitMiddleware(routed)), headers={"X-STOREFRONT-KEY": TEST_KEY}) as client:
        client.guard = graphql_app.http_handler.guard
        yield client


@pytest.fixture
def limits_of(endpoint):
    """Replace the endpoint's limits for one test."""
    original = endpoint.guard.limits

    def change(**values):
        endpoint.guard.limits = dataclasses.replace(original, **values)
    yield change
    endpoint.guard.limits = original


def executed(statements: list[str]) -> list[str]:
    """SQL beyond the storefront-key lookup: the settings version its cache is checked against (once per
    request), and the key itself when its cache was reset."""
    return [sql for sql in statements if '"storefront_key"' not in sql and '"settings_version"' not in sql]


def refusal(response) -> dict:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "data" not in body and len(body["errors"]) == 1, body
    return body["errors"][0]


def aliased_pages(count: int, size: int = 100, selection: str = PRODUCT_IDS) -> str:
    return "{" + " ".join(f"a{index}:products(first:{size}){{{selection}}}" for index in range(count)) + "}"


# --- attack 2: many aliased product pages ---------------------------------------------------------------

def test_three_hundred_aliased_product_pages_are_refused_before_execution(client):
    document = aliased_pages(300, selection="totalCount")  # 88 KB in the report; 10 tokens an alias here
    assert count_tokens(document) <= DEFAULTS.max_tokens  # the aliases are what is refused, not the size
    started = time.monotonic()
    with count_queries() as statements:
        response = client.post("/api/graphql", json={"query": document})
    assert time.monotonic() - started < 2
    error = refusal(response)
    assert error["extensions"] == {"code": "TOO_MANY_ALIASES", "limit": 30, "actual": 300,
                                   "classification": "BAD_USER_INPUT"}
    assert error["message"] == "The query has 300 aliases; the limit is 30."
    assert executed(statements) == []  # nothing executed


def test_costly_pages_within_the_alias_limit_are_refused_by_cost(client):
    with count_queries() as statements:
        response = client.post("/api/graphql", json={"query": aliased_pages(30)})
    error = refusal(response)
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "limit": 50000, "actual": 30 * (1 + 100 * 53),
                                   "classification": "BAD_USER_INPUT"}
    assert executed(statements) == []


def test_a_legitimate_page_runs_and_reports_its_cost(client):
    query = "{ products(first: 5) { totalCount edges { node { id } } } }"
    response = client.post("/api/graphql", json={"query": query})
    assert response.status_code == 200
    body = response.json()
    assert len(body["data"]["products"]["edges"]) == 5
    cost = body["extensions"]["cost"]
    assert (cost["requestedQueryCost"], cost["maximumQueryCost"], cost["requestsCharged"]) == (1 + 5 * 54, 50000, 1)
    assert set(cost["throttleStatus"]) == {"maximumAvailable", "currentlyAvailable", "resetAt"}


def test_depth_is_limited_with_fragments_followed(client):
    level = "children {{ edges {{ node {{ {} }} }} }}"
    inner = "id"
    for _ in range(3):
        inner = level.format(inner)
    fragment = f"fragment Deep on Category {{ {inner} }}"
    deep = ("{ categories(first: 1) { edges { node { children(first: 1) { edges { node { ...Deep } } } } } } } "
            + fragment)
    with count_queries() as statements:
        error = refusal(client.post("/api/graphql", json={"query": deep}))
    assert error["extensions"]["code"] == "QUERY_TOO_DEEP"
    assert (error["extensions"]["limit"], error["extensions"]["actual"]) == (15, 16)
    assert executed(statements) == []
    shallow = "{ categories(first: 1) { edges { node { ...Deep } } } } " + fragment
    assert client.post("/api/graphql", json={"query": shallow}).json().get("errors") is None


def test_too_many_tokens_are_refused_with_the_count(client):
    document = "{ " + " ".join(["a"] * 5200) + " }"
    assert len(document.encode()) < DEFAULTS.max_document_bytes
    error = refusal(client.post("/api/graphql", json={"query": document}))
    assert error["extensions"] == {"code": "TOO_MANY_TOKENS", "limit": 5000, "actual": 5202,
                                   "classification": "BAD_USER_INPUT"}


# --- attack 1: huge documents and the cache -------------------------------------------------------------

def test_a_huge_invalid_document_is_refused_before_parsing_and_never_cached(endpoint):
    document = "{ " + " ".join(f"a{index}: __typename" for index in range(40000)) + " unknownField }"
    before = (len(endpoint.guard.cache), endpoint.guard.cache.bytes)
    started = time.monotonic()
    error = refusal(endpoint.post("/api/graphql", json={"query": document}))
    assert time.monotonic() - started < 2
    assert error["extensions"]["code"] == "DOCUMENT_TOO_LARGE"
    assert error["extensions"]["limit"] == 32768 and error["extensions"]["actual"] == len(document)
    assert (len(endpoint.guard.cache), endpoint.guard.cache.bytes) == before


def test_documents_that_fail_are_never_cached_and_valid_ones_are(endpoint):
    cache = endpoint.guard.cache
    before = (len(cache), cache.bytes)
    invalid = "{ " + " ".join(f"a{index}: __typename" for index in range(25)) + " unknownField }" + " " * 30000
    unparsable = "{ locales { totalCount } " + " " * 30000
    aliased = aliased_pages(31, 1)
    for document in (invalid, unparsable, aliased):
        response = endpoint.post("/api/graphql", json={"query": document})
        assert response.json()["errors"], response.text
        assert (len(cache), cache.bytes) == before
    valid = "{ locales(first: 1) { totalCount } }" + " " * 1000
    for _ in range(2):
        assert endpoint.post("/api/graphql", json={"query": valid}).json()["data"]["locales"]["totalCount"] >= 1
    assert (len(cache), cache.bytes) == (before[0] + 1, before[1] + len(valid))
    assert cache.get(DocumentCache.key(valid)) is not None


def test_a_thousand_distinct_large_documents_stay_within_the_cache_bounds(shop_schema):
    guard = QueryGuard(DEFAULTS)
    padding = " " * 20000
    for index in range(1000):
        prepared = guard.prepare(shop_schema, {"query": f"{{ locales {{ totalCount }} }}{padding}# {index}"})
        assert prepared.errors == []
        assert guard.cache.bytes <= DEFAULTS.cache_max_bytes
    assert guard.cache.bytes == sum(entry.size for entry in guard.cache.entries.values())
    assert guard.cache.bytes > DEFAULTS.cache_max_bytes - 20100  # full, with the most recent documents
    assert DocumentCache.key(f"{{ locales {{ totalCount }} }}{padding}# 999") in guard.cache.entries
    assert DocumentCache.key(f"{{ locales {{ totalCount }} }}{padding}# 0") not in guard.cache.entries
    small = QueryGuard(DEFAULTS)
    for index in range(600):
        small.prepare(shop_schema, {"query": f"{{ locales {{ totalCount }} }} # {index}"})
    assert len(small.cache) == DEFAULTS.cache_max_entries


def test_the_cache_is_keyed_by_a_hash_of_the_query_and_serves_the_same_document(shop_schema):
    guard = QueryGuard(DEFAULTS)
    query = "{ locales { totalCount } }"
    first = guard.prepare(shop_schema, {"query": query})
    second = guard.prepare(shop_schema, {"query": query})
    assert first.document is second.document
    assert list(guard.cache.entries) == [hashlib.sha256(query.encode()).digest()]
    assert guard.validate(shop_schema, first.document) == []  # execution does not validate it again


def test_a_document_larger_than_the_whole_cache_is_not_kept(shop_schema):
    guard = QueryGuard(dataclasses.replace(DEFAULTS, cache_max_bytes=1000))
    assert guard.prepare(shop_schema, {"query": "{ locales { totalCount } }" + " " * 2000}).errors == []
    assert len(guard.cache) == 0 and guard.cache.bytes == 0


# --- cost ---------------------------------------------------------------------------------------------

def cost(schema, query: str, variables: dict | None = None, **limits) -> int:
    document = parse(query)
    assert validate(schema, document) == []
    return query_cost(schema, document, None, variables, dataclasses.replace(DEFAULTS, **limits))


def test_cost_counts_fields_and_multiplies_pages(shop_schema):
    page = "{ products(first: 100) { edges { node { id name } } } }"
    assert cost(shop_schema, page) == 1 + 100 * (50 + 1 + 1 + 2)
    assert cost(shop_schema, page.replace("first", "last")) == cost(shop_schema, page)
    # Larger pages are refused by the resolver before anything is read: they count as the largest page.
    assert cost(shop_schema, page.replace("100", "5000")) == cost(shop_schema, page)
    assert cost(shop_schema, "{ products { edges { node { id name } } } }") == 1 + 10 * 54  # default page
    assert cost(shop_schema, "{ products(first: 100) { edges { node { id name } } } }", root_item_cost=0) == 401


def test_cost_resolves_variables_and_their_defaults(shop_schema):
    query = "query($n: Int) { products(first: $n) { edges { node { id name } } } }"
    assert cost(shop_schema, query, {"n": 5}) == 1 + 5 * 54
    assert cost(shop_schema, query) == 1 + 10 * 54
    assert cost(shop_schema, query.replace("$n: Int", "$n: Int = 3")) == 1 + 3 * 54
    assert cost(shop_schema, query.replace("$n: Int", "$n: Int = 3"), {"n": 7}) == 1 + 7 * 54


def test_cost_follows_fragments_and_inline_fragments(shop_schema):
    plain = "{ products(first: 20) { edges { node { id name variants(first: 5) { edges { node { id } } } } } } }"
    fragments = """{ products(first: 20) { ...Page } }
      fragment Page on ProductCursorConnection { edges { node { ...Card } } }
      fragment Card on Product { id ... on Product { name variants(first: 5) { ...Ids } } }
      fragment Ids on ProductCursorConnection { edges { node { id } } }"""
    expected = 1 + 20 * (50 + 1 + 1 + 2 + (1 + 5 * (1 + 1 + 1)))
    assert cost(shop_schema, plain) == cost(shop_schema, fragments) == expected


def test_nested_connections_and_plain_lists_use_the_default_size(shop_schema):
    assert cost(shop_schema, '{ product(id: "1") { variants { edges { node { id } } } } }') == 1 + 50 + 1 + 10 * 3
    assert cost(shop_schema, "{ treeCategories(parentId: 1) { id } }") == 1 + 10 * (50 + 1)
    assert cost(shop_schema, "{ treeCategories(parentId: 1) { id } }", default_list_size=3) == 1 + 3 * (50 + 1)


def test_list_size_arguments_other_than_first_and_last_multiply_too():
    item = GraphQLObjectType("Item", {"id": GraphQLField(GraphQLInt)})
    schema = GraphQLSchema(GraphQLObjectType("Query", {"items": GraphQLField(
        GraphQLList(item), args={name: GraphQLArgument(GraphQLInt) for name in ("perPage", "limit", "pageSize")})}))
    for argument in ("perPage", "limit", "pageSize"):
        assert cost(schema, f"{{ items({argument}: 7) {{ id }} }}", root_item_cost=0) == 1 + 7
    assert cost(schema, "{ items { id } }", root_item_cost=0) == 1 + 10


def test_introspection_multiplies_nothing_and_the_full_introspection_query_runs(client, shop_schema):
    assert cost(shop_schema, "{ __schema { types { name fields { name } } } }") == 5
    introspection = get_introspection_query(descriptions=True)
    assert document_shape(parse(introspection))[0] <= DEFAULTS.max_depth
    response = client.post("/api/graphql", json={"query": introspection})
    assert response.status_code == 200 and response.json()["data"]["__schema"]["queryType"]["name"] == "Query"


def test_introspection_cycles_are_refused_by_validation(client):
    cycle = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    response = client.post("/api/graphql", json={"query": cycle})
    assert response.json()["errors"][0]["message"] == "Maximum introspection depth exceeded"


# --- execution time budget ----------------------------------------------------------------------------

def test_the_deadline_stops_execution_between_field_resolutions():
    slow = GraphQLObjectType("Slow", {"value": GraphQLField(GraphQLInt, resolve=lambda *_: time.sleep(0.02) or 1)})
    schema = GraphQLSchema(GraphQLObjectType("Query", {
        "items": GraphQLField(GraphQLList(slow), resolve=lambda *_: [{}] * 100)}))
    started = time.monotonic()
    result = graphql_sync(schema, "{ items { value } }", middleware=[Deadline(0.1)])
    elapsed = time.monotonic() - started
    assert elapsed < 1  # 100 resolutions of 20 ms each would take 2 s
    formatted = {"data": result.data, "errors": [
        {"message": error.message, "extensions": {"code": "TIMEOUT"}} for error in result.errors]}
    assert len(formatted["errors"]) > 1
    keep_one_timeout(formatted, 0.1, elapsed)
    assert [error["extensions"] for error in formatted["errors"]] == [
        {"code": "TIMEOUT", "limit": 0.1, "actual": round(elapsed, 3)}]


def test_a_query_over_its_time_budget_gets_one_timeout_error(endpoint, limits_of):
    limits_of(timeout_seconds=0)
    response = endpoint.post("/api/graphql", json={"query": "{ locales { totalCount } currencies { totalCount } }"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"] is None
    assert len(body["errors"]) == 1
    error = body["errors"][0]
    assert error["message"] == "The query did not finish within 0 seconds."
    assert error["extensions"]["code"] == "TIMEOUT" and error["extensions"]["limit"] == 0
    assert error["extensions"]["actual"] >= 0


# --- cost-based rate limiting -------------------------------------------------------------------------

def test_costly_queries_use_more_of_the_rate_limit(endpoint):
    key = make_key(f"pk_storefront_graphql_cost_{time.time_ns()}", 10)
    headers = {"X-STOREFRONT-KEY": key}
    three = endpoint.post("/api/graphql", json={"query": "{ products(first: 40) { %s } }" % PRODUCT_IDS},
                          headers=headers)
    assert three.status_code == 200
    cost = three.json()["extensions"]["cost"]
    assert (cost["requestedQueryCost"], cost["requestsCharged"]) == (1 + 40 * 53, 3)
    assert cost["throttleStatus"]["maximumAvailable"] == 10 and cost["throttleStatus"]["currentlyAvailable"] == 7
    assert three.headers["X-RateLimit-Remaining"] == "7"

    # 8 units: one is counted up front, the 7 more do not fit in the 6 left: refused, nothing executed.
    with count_queries() as statements:
        refused = endpoint.post("/api/graphql", json={"query": aliased_pages(2, 70)}, headers=headers)
    assert refused.status_code == 429
    body = refused.json()
    assert (body["message"], body["error"]) == ("Rate limit exceeded", "rate_limit_exceeded")
    assert 1 <= body["retry_after"] <= 60 and refused.headers["Retry-After"] == str(body["retry_after"])
    assert refused.headers["X-RateLimit-Remaining"] == "6"
    assert executed(statements) == []

    cheap = endpoint.post("/api/graphql", json={"query": "{ __typename }"}, headers=headers)
    assert cheap.status_code == 200 and cheap.headers["X-RateLimit-Remaining"] == "5"
    assert cheap.json()["extensions"]["cost"]["requestsCharged"] == 1


# --- the documentation's examples pass the default limits ------------------------------------------------

def documented_blocks() -> list[tuple[str, str]]:
    blocks = []
    for path in sorted(DOCS.rglob("*.md")):
        for index, block in enumerate(re.findall(r"```graphql(.*?)```", path.read_text(encoding="utf-8"), re.S)):
            blocks.append((f"{path.relative_to(DOCS)}#{index}", block))
    return blocks


@pytest.mark.skipif(not DOCS.is_dir(), reason="the Bagisto GraphQL pages are not beside the repository")
def test_the_documented_queries_pass_the_default_limits(schemas):
    measured = 0
    for label, block in documented_blocks():
        try:
            document = parse(block)
        except Exception:
            continue  # pages whose examples are not GraphQL on their own (fragments of queries, comments)
        measured += 1
        depth, aliases = document_shape(document)
        assert depth <= DEFAULTS.max_depth and aliases <= DEFAULTS.max_aliases, label
        assert count_tokens(block) <= DEFAULTS.max_tokens and len(block.encode()) <= DEFAULTS.max_document_bytes
        operations = [definition for definition in document.definitions
                      if isinstance(definition, OperationDefinitionNode)]
        for schema in schemas.values():
            # Fields this API lacks count as plain fields: the cost is measured on what the page asks.
            for operation in operations:
                assert CostCounter(schema, document, operation, {}, DEFAULTS).cost <= DEFAULTS.max_cost, label
            if not validate(schema, document):
                assert QueryGuard(DEFAULTS).prepare(schema, {"query": block}).errors == [], label
    assert measured > 200
