"""Test fixtures: a freshly migrated and seeded database (SQLite, or DATABASE_URL), the app and a key.

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL points at one.
"""
import os
import tempfile
import warnings

import pytest

# Key lookups stay cached for the whole run, so SQL statement counts never include a cache refill.
os.environ.setdefault("KEY_CACHE_SECONDS", "3600")
# The whole suite is one client address ("testclient") presenting many invalid credentials on purpose;
# tests/test_hardening_limits.py checks the invalid-credential limit on an app of its own.
os.environ.setdefault("INVALID_CREDENTIALS_PER_MINUTE", "1000000")

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

from starlette.testclient import TestClient  # noqa: E402

from server.config import Settings  # noqa: E402
from storage.db import database, init_database  # noqa: E402
from peewee import fn  # noqa: E402

from storage.models import Product, StorefrontKey  # noqa: E402
from storage.schema import migrate  # noqa: E402
from storage.seed import seed_catalog  # noqa: E402
from domain.storefront_keys import hash_key  # noqa: E402

TEST_KEY = "pk_storefront_test_key_for_contract_tests_0001"
INACTIVE_KEY = "pk_storefront_test_key_inactive_000000000000002"


def reset_database(url: str):
    init_database(url)
    with database.connection_context():
        tables = database.get_tables()
        if tables:
            if url.startswith("postgres"):
                database.execute_sql("DROP TABLE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
            else:
                database.execute_sql("PRAGMA foreign_keys = OFF")
                for table in tables:
                    database.execute_sql(f'DROP TABLE "{table}"')
        migrate()
        seed_catalog(products=240)
        global seeded_product_max
        seeded_product_max = Product.select(fn.MAX(Product.id)).scalar()
        ensure_test_keys()


def ensure_test_keys():
    """(Re)create the suite's storefront keys as the tests expect them (the admin contract test may
    rotate, deactivate or delete any key)."""
    from domain.storefront_keys import forget_cached_keys
    with database.connection_context():
        for name, raw, active, limit in (("tests", TEST_KEY, True, 10**9), ("inactive", INACTIVE_KEY, False, 100)):
            StorefrontKey.delete().where((StorefrontKey.name == name) | (StorefrontKey.key_hash == hash_key(raw))).execute()
            StorefrontKey.create(name=name, key_prefix=raw[:18], key_hash=hash_key(raw), status=active, rate_limit=limit)
    forget_cached_keys()


_scratch = tempfile.TemporaryDirectory(prefix="specshop-tests-")
# The background-job queue of this session (domain/jobs.py); tests run the queued jobs themselves.
os.environ.setdefault("JOBS_DB", os.path.join(_scratch.name, "jobs.db"))
os.environ.setdefault("JOBS_QUEUE", f"specshop-tests-{os.getpid()}")
seeded_product_max = None  # the highest product id of the seed; tests' own products come after it
_app = None


def get_app():
    """The app over a freshly seeded database; built once per test session (also at collection time)."""
    global _app
    if _app is None:
        reset_database(os.environ.get("DATABASE_URL") or f"sqlite:///{_scratch.name}/test.db")
        from server.app import create_app
        _app = create_app(Settings(validate_responses=True))
    return _app


@pytest.fixture(scope="session")
def app():
    return get_app()


@pytest.fixture(scope="session")
def client(app):
    with TestClient(app, headers={"X-STOREFRONT-KEY": TEST_KEY}) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def anonymous(app):
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def graphql(client):
    def run(query: str, variables: dict | None = None, headers: dict | None = None):
        response = client.post("/api/graphql", json={"query": query, "variables": variables or {}},
                               headers=headers or {})
        assert response.status_code == 200, response.text
        return response.json()
    return run


def pytest_collection_modifyitems(items):
    """Contract tests run last: their fuzzed admin writes (renamed, disabled or deleted seed rows) must
    not reach the behaviour tests, which rely on the seed."""
    items.sort(key=lambda item: item.nodeid.startswith("tests/test_contract.py"))


@pytest.fixture(autouse=True)
def test_products_removed():
    """Products a test makes (fixtures, admin creates and copies) are deleted after it: their lines,
    stock and links cascade, order items keep their copied names. Later listings and counts see the
    seed catalog only."""
    yield
    from storage.models import Product
    if seeded_product_max is not None:
        with database.connection_context():
            Product.delete().where(Product.id > seeded_product_max).execute()
