"""The settings each request reads (channel, locale, currency, storefront key, store configuration) come
from a per-worker cache kept under the settings version: every write to those tables raises it, a warm
request reads the version once and no settings row, and an admin write through one worker is seen by
another worker on its next request."""
import os
import time

import httpx
import pytest

from domain import settings_cache
from domain.storefront_keys import create_key, hash_key, record_use
from domain.scope import scoped_context
from storage.db import database, is_sqlite
from storage.models import (
    Channel, CoreConfig, Country, Currency, ExchangeRate, Locale, StorefrontKey, TaxRate,
)
from tests.admin_fixtures import bearer, make_admin
from tests.conftest import TEST_KEY
from tests.helpers import count_queries
from tests.test_limits import free_port, start_worker

SETTINGS_TABLES = ("channel", "channel_locale", "channel_currency", "locale", "currency", "exchange_rate",
                   "core_config", "customer_group", "country", "country_state", "tax_rate", "tax_category_rate")


def version() -> int:
    with database.connection_context():
        return settings_cache.read_version()


@pytest.mark.parametrize("model, column", [(Channel, "hostname"), (Locale, "name"), (Currency, "symbol"),
                                           (ExchangeRate, "rate"), (CoreConfig, "value"), (Country, "name"),
                                           (TaxRate, "identifier")])
def test_a_settings_write_raises_the_version(app, model, column):
    with database.connection_context():
        row = model.select().order_by(model.id).first()
        before = version()
        model.update(**{column: getattr(row, column)}).where(model.id == row.id).execute()
        assert version() == before + 1
        with database.atomic() as transaction:  # a rolled-back write leaves the version as it was
            model.update(**{column: getattr(row, column)}).where(model.id == row.id).execute()
            transaction.rollback()
        assert version() == before + 1


def test_storefront_key_changes_raise_the_version_but_its_use_does_not(app):
    with database.connection_context():
        before = version()
        record, _raw = create_key("version check")
        assert version() == before + 1
        record_use(record.id)
        assert StorefrontKey.get_by_id(record.id).last_used_at is not None and version() == before + 1
        StorefrontKey.update(status=False).where(StorefrontKey.id == record.id).execute()
        assert version() == before + 2
        StorefrontKey.delete().where(StorefrontKey.id == record.id).execute()
        assert version() == before + 3


def test_every_settings_table_has_its_triggers(app):
    with database.connection_context():
        if is_sqlite():
            names = {row[0] for row in database.execute_sql(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?", ("%settings_version%",))}
        else:
            names = {row[0] for row in database.execute_sql(
                "SELECT event_object_table FROM information_schema.triggers WHERE trigger_name LIKE %s",
                ("%settings_version",))}
    assert names == {*SETTINGS_TABLES, "storefront_key"}


def test_a_warm_request_reads_the_version_and_no_settings_row(client):
    headers = {"X-Locale": "en", "X-Currency": "USD"}
    client.get("/api/shop/locales", headers=headers)  # warm
    with count_queries() as statements:
        response = client.get("/api/shop/locales", headers=headers)
    assert response.status_code == 200
    assert sum('FROM "settings_version"' in sql for sql in statements) == 1
    for table in ("storefront_key", "channel", "currency", "exchange_rate"):
        assert not any(f'FROM "{table}" AS' in sql for sql in statements), (table, statements)


def test_the_context_follows_a_committed_change_at_once(app):
    with database.connection_context():
        usd = Currency.get(Currency.code == "USD")
        assert scoped_context("http://media").currency.symbol == usd.symbol
        Currency.update(symbol="US$").where(Currency.id == usd.id).execute()
        try:
            assert scoped_context("http://media").currency.symbol == "US$"
        finally:
            Currency.update(symbol=usd.symbol).where(Currency.id == usd.id).execute()
        assert scoped_context("http://media").currency.symbol == usd.symbol


def test_two_workers_see_an_admin_write_through_the_other_on_the_next_request(app):
    """Worker A takes the admin writes, worker B serves the shop: B has cached the key and the
    currency before, and follows each write on its very next request."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{database.obj.database}"
    environment = {**os.environ, "DATABASE_URL": url, "PYTHONWARNINGS": "ignore"}
    environment.pop("REDIS_URL", None)
    ports = [free_port(), free_port()]
    workers = [start_worker(port, environment) for port in ports]
    writer, reader = (f"http://127.0.0.1:{port}" for port in ports)
    _admin, token = make_admin("all", label="two workers")
    admin = bearer(token)
    with database.connection_context():
        usd = Currency.get(Currency.code == "USD")
    try:
        shop = {"X-STOREFRONT-KEY": TEST_KEY}
        first = httpx.get(f"{reader}/api/shop/products", params={"per_page": 1}, headers=shop, timeout=30).json()[0]
        assert first["formattedPrice"].startswith(usd.symbol)

        updated = httpx.put(f"{writer}/api/admin/settings/currencies/{usd.id}", json={"symbol": "US$"},
                            headers=admin, timeout=30)
        assert updated.status_code == 200 and updated.json()["symbol"] == "US$"
        product = httpx.get(f"{reader}/api/shop/products/{first['id']}", headers=shop, timeout=30).json()
        assert product["formattedPrice"] == "US$" + first["formattedPrice"][len(usd.symbol):]

        created = httpx.post(f"{writer}/api/admin/settings/storefront-keys", json={"name": "two workers"},
                             headers=admin, timeout=30)
        assert created.status_code == 201
        key_id, raw_key = created.json()["id"], created.json()["key"]
        assert httpx.get(f"{reader}/api/shop/locales", headers={"X-STOREFRONT-KEY": raw_key}, timeout=30).status_code == 200
        deleted = httpx.delete(f"{writer}/api/admin/settings/storefront-keys/{key_id}", headers=admin, timeout=30)
        assert deleted.status_code == 200
        refused = httpx.get(f"{reader}/api/shop/locales", headers={"X-STOREFRONT-KEY": raw_key}, timeout=30)
        assert refused.status_code == 403 and refused.json()["error"] == "invalid_key"
    finally:
        with database.connection_context():
            Currency.update(symbol=usd.symbol).where(Currency.id == usd.id).execute()
            StorefrontKey.delete().where(StorefrontKey.name == "two workers").execute()
        for worker in workers:
            worker.terminate()
            worker.wait()


def test_a_value_read_inside_a_transaction_that_wrote_settings_is_not_kept(app):
    with database.connection_context():
        usd = Currency.get(Currency.code == "USD")
        scoped_context("http://media")  # cached under the current version
        with database.atomic() as transaction:
            Currency.update(symbol="X$").where(Currency.id == usd.id).execute()
            assert scoped_context("http://media").currency.symbol == "X$"
            transaction.rollback()
        assert scoped_context("http://media").currency.symbol == usd.symbol


def test_unknown_keys_are_refused_and_cached_lookups_keep_their_expiry(client):
    raw = f"pk_storefront_expiring_{int(time.time() * 1000)}"
    with database.connection_context():
        StorefrontKey.create(name="expiring", key_prefix=raw[:18], key_hash=hash_key(raw), rate_limit=100)
    try:
        assert client.get("/api/shop/locales", headers={"X-STOREFRONT-KEY": raw}).status_code == 200
        with database.connection_context():
            StorefrontKey.update(expires_at=StorefrontKey.created_at).where(StorefrontKey.name == "expiring").execute()
        assert client.get("/api/shop/locales", headers={"X-STOREFRONT-KEY": raw}).status_code == 403
    finally:
        with database.connection_context():
            StorefrontKey.delete().where(StorefrontKey.name == "expiring").execute()


def test_a_full_cache_starts_over(app, monkeypatch):
    monkeypatch.setattr(settings_cache, "MAX_ENTRIES", 2)
    computed = []

    def value(key):
        return settings_cache.cached("test entry", key, lambda: computed.append(key) or key)

    with database.connection_context(), settings_cache.request_scope():
        settings_cache.forget()
        assert [value(1), value(1), value(2), value(3), value(3), value(1)] == [1, 1, 2, 3, 3, 1]
    assert computed == [1, 2, 3, 1]  # the third entry cleared the first two
    settings_cache.forget()
