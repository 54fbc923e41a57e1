"""Answers replayed while what they were built from is unchanged (server/answer_cache.py, domain/replay.py):
an identical anonymous catalog read is one read of the versions; any write to the catalog or the settings
shows on the next request; callers with credentials, searches and answers that read anything outside the
versions are built afresh every time; rate limits, GraphQL cost and key checks still apply to a replay."""
import datetime
import secrets

from domain.catalog import detail_cache
from domain.storefront_keys import hash_key
from server import answer_cache
from storage.db import database
from storage.models import Product, StorefrontKey
from tests.admin_fixtures import admin_client, super_admin  # noqa: F401 (fixtures)
from tests.customer_fixtures import customer  # noqa: F401 (fixtures)
from tests.helpers import count_queries
from tests.product_fixtures import restored_products
from tests.test_limits import make_key

ADMIN = "/api/admin/catalog/products"
LIST = "/api/shop/products?per_page=5&page=1"
CARDS = "query { products(first: 5) { edges { node { id sku name price } } } }"
VERSIONS_ONLY = ["settings_version"]


def read_twice(send) -> tuple:
    """(first answer, second answer, the statements of the second)."""
    first = send()
    with count_queries() as statements:
        second = send()
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    return first, second, statements


def tables(statements: list[str]) -> list[str]:
    return ["settings_version" if '"settings_version"' in sql else sql for sql in statements]


def graphql(client, query: str, **headers):
    return client.post("/api/graphql", json={"query": query}, headers=headers)


def test_an_identical_catalog_read_is_one_read_of_the_versions(client):
    answer_cache.forget()
    for path in (LIST, "/api/shop/products/1"):
        first, second, statements = read_twice(lambda path=path: client.get(path))
        assert tables(statements) == VERSIONS_ONLY, statements
        assert second.content == first.content and second.headers["ETag"] == first.headers["ETag"]
        assert second.headers["X-Total-Count" if path == LIST else "Content-Type"] == \
            first.headers["X-Total-Count" if path == LIST else "Content-Type"]
        assert second.headers["X-Request-Id"] != first.headers["X-Request-Id"]  # the outer middlewares still run
    first, second, statements = read_twice(lambda: graphql(client, CARDS))
    assert tables(statements) == VERSIONS_ONLY, statements
    assert second.json()["data"] == first.json()["data"] and len(first.json()["data"]["products"]["edges"]) == 5


def test_another_scope_or_query_is_another_answer(client):
    english, french = client.get("/api/shop/products/1"), client.get("/api/shop/products/1", headers={"X-Locale": "fr"})
    assert english.json()["name"] != french.json()["name"] or english.json()["description"] != french.json()["description"]
    assert client.get("/api/shop/products/1").json() == english.json()
    euros = client.get("/api/shop/products/1", headers={"X-Currency": "EUR"}).json()
    assert euros["formattedPrice"] != english.json()["formattedPrice"]
    second_page = client.get("/api/shop/products?per_page=5&page=2").json()
    assert {card["id"] for card in second_page}.isdisjoint({card["id"] for card in client.get(LIST).json()})


def test_admin_writes_show_on_the_next_request(admin_client, client):
    with restored_products(1):
        read_twice(lambda: client.get("/api/shop/products/1"))
        read_twice(lambda: client.get("/api/shop/products?per_page=5&page=1&sort=id"))
        read_twice(lambda: graphql(client, '{ product(id: "/api/shop/products/1") { name price } }'))
        assert admin_client.put(f"{ADMIN}/1", json={"price": "12.5", "name": "Renamed"}).status_code == 200
        shown = client.get("/api/shop/products/1").json()
        assert (shown["price"], shown["formattedPrice"], shown["name"]) == (12.5, "$12.50", "Renamed")
        card = next(card for card in client.get("/api/shop/products?per_page=5&page=1&sort=id").json() if card["id"] == 1)
        assert (card["price"], card["name"]) == (12.5, "Renamed")
        product = graphql(client, '{ product(id: "/api/shop/products/1") { name price } }').json()["data"]["product"]
        assert product == {"name": "Renamed", "price": "12.5"}
    assert client.get("/api/shop/products/1").json()["price"] == 263.75


def test_a_setting_write_shows_on_the_next_request(client):
    before = client.get("/api/shop/products/1").json()
    with database.connection_context():  # what an admin currency change does: raise the settings version
        database.execute_sql("UPDATE currency SET symbol = 'US$' WHERE code = 'USD'")
    try:
        assert client.get("/api/shop/products/1").json()["formattedPrice"] == before["formattedPrice"].replace("$", "US$")
    finally:
        with database.connection_context():
            database.execute_sql("UPDATE currency SET symbol = '$' WHERE code = 'USD'")
    assert client.get("/api/shop/products/1").json() == before


def test_callers_with_credentials_get_their_own_answer(client, customer):
    client.get(LIST, headers=customer["headers"])
    with count_queries() as statements:
        assert client.get(LIST, headers=customer["headers"]).status_code == 200
    assert len(statements) > 1  # built afresh: their wishlist flags and group prices are theirs


def test_searches_are_recorded_every_time(client):
    read = lambda: client.get("/api/shop/products?query=silver")  # noqa: E731
    _first, _second, statements = read_twice(read)
    assert any("search_term" in sql for sql in statements), statements


def test_an_answer_that_reads_outside_the_versions_is_built_every_time(client):
    """Review counts are not under a version: the product query that selects them is executed each time."""
    query = '{ product(id: "/api/shop/products/1") { name averageRating totalReviews } }'
    _first, second, statements = read_twice(lambda: graphql(client, query))
    assert "errors" not in second.json() and len(statements) > 1, statements


def test_a_special_price_opens_on_time(client, monkeypatch):
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
    opens = now + datetime.timedelta(hours=1)
    with restored_products(1):
        with database.connection_context():
            Product.update(special_price=100, special_price_from=opens, special_price_to=None).where(
                Product.id == 1).execute()
        _first, second, statements = read_twice(lambda: client.get("/api/shop/products/1"))
        assert second.json()["specialPrice"] is None and tables(statements) == VERSIONS_ONLY
        later = opens + datetime.timedelta(minutes=1)
        monkeypatch.setattr(detail_cache, "utcnow", lambda: later)
        monkeypatch.setattr("handlers.shop.products.utcnow", lambda: later)
        assert client.get("/api/shop/products/1").json()["specialPrice"] == 100


def test_replays_count_against_the_rate_limit_and_the_key_is_checked(client):
    raw = make_key(f"pk_answer_{secrets.token_hex(8)}", rate_limit=3)
    headers = {"X-STOREFRONT-KEY": raw}
    remaining = [client.get(LIST, headers=headers).headers["X-RateLimit-Remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    refused = client.get(LIST, headers=headers)
    assert refused.status_code == 429 and refused.json()["error"] == "rate_limit_exceeded"
    other = make_key(f"pk_answer_{secrets.token_hex(8)}", rate_limit=100)
    assert client.get(LIST, headers={"X-STOREFRONT-KEY": other}).status_code == 200
    with database.connection_context():
        StorefrontKey.update(status=False).where(StorefrontKey.key_prefix == other[:18]).execute()
    revoked = client.get(LIST, headers={"X-STOREFRONT-KEY": other})
    assert revoked.status_code == 403 and revoked.json()["error"] == "invalid_key"


def test_a_replayed_graphql_query_is_charged_its_cost(client):
    raw = make_key(f"pk_answer_{secrets.token_hex(8)}", rate_limit=10)
    query = "{ products(first: 40) { edges { node { id sku } } } }"
    costs = [graphql(client, query, **{"X-STOREFRONT-KEY": raw}).json()["extensions"]["cost"] for _ in range(2)]
    assert [cost["requestsCharged"] for cost in costs] == [3, 3]
    assert [cost["throttleStatus"]["currentlyAvailable"] for cost in costs] == [7, 4]


def test_every_table_a_replayed_list_reads_raises_a_version(client):
    """What a list reads, whatever its filters and sort, is under a trigger of 0027, 0033 or 0034."""
    import importlib
    import re
    from domain.catalog import listing_cache
    listing = importlib.import_module("storage.migrations.0027_catalog_listing")
    details = importlib.import_module("storage.migrations.0033_product_detail_version")
    settings = importlib.import_module("storage.migrations.0034_settings_version")
    covered = {*listing.LISTED_TABLES, *details.DETAIL_TABLES, *settings.SETTINGS_TABLES, "storefront_key",
               "product_inventory", "catalog_version", "settings_version"}
    read = set()
    for query in ("per_page=5", "sort=name&order=desc", "price=10,500", "category_id=2", "color=1,2", "new=1",
                  "featured=1", "type=configurable", "sort=price"):
        answer_cache.forget()
        listing_cache.forget()
        with count_queries() as statements:
            first = client.get(f"/api/shop/products?{query}")
        assert first.status_code == 200, (query, first.text)
        with count_queries() as replayed:
            assert client.get(f"/api/shop/products?{query}").content == first.content
        if any(card["type"] == "booking" for card in first.json()):  # tickets price by the moment
            assert len(replayed) > 1, (query, replayed)
        else:
            assert tables(replayed) == VERSIONS_ONLY, (query, replayed)
        read |= {table for sql in statements for table in re.findall(r'(?:FROM|JOIN)\s+"?(\w+)"?', sql)}
    assert read - covered == set(), read - covered


def test_a_key_that_expires_is_refused_not_replayed_to(client, monkeypatch):
    raw = f"pk_answer_{secrets.token_hex(8)}"
    expires = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + datetime.timedelta(hours=1)
    with database.connection_context():
        StorefrontKey.create(name="expiring answer", key_prefix=raw[:18], key_hash=hash_key(raw), rate_limit=100,
                             expires_at=expires)
    _first, _second, statements = read_twice(lambda: client.get(LIST, headers={"X-STOREFRONT-KEY": raw}))
    assert tables(statements) == VERSIONS_ONLY
    monkeypatch.setattr("server.security.utcnow", lambda: expires + datetime.timedelta(seconds=1))
    expired = client.get(LIST, headers={"X-STOREFRONT-KEY": raw})
    assert expired.status_code == 403 and expired.json()["error"] == "invalid_key"
