"""The settings version: one row whose number triggers raise on every write to the store settings a
request reads before its handler runs (channels with their locales and currencies, locales,
currencies, exchange rates, storefront keys), and those the cart and checkout read on every call
(configuration values, customer groups, countries and states, tax rates), in the writer's own
transaction. Each worker keeps what it derived from them under the version
(`domain/settings_cache.py`), so an admin write is seen by every worker on its next request.

A storefront key's `last_used_at` (written at most once a minute per key) does not raise it.
"""
from peewee import *

SETTINGS_TABLES = ("channel", "channel_locale", "channel_currency", "locale", "currency", "exchange_rate",
                   "core_config", "customer_group", "country", "country_state", "tax_rate", "tax_category_rate")
KEY_COLUMNS = ("key_hash", "status", "expires_at", "rate_limit")
BUMP = "UPDATE settings_version SET version = version + 1 WHERE id = 1"

POSTGRES_FUNCTION = f"""CREATE OR REPLACE FUNCTION bump_settings_version() RETURNS trigger AS $$
    BEGIN
        {BUMP};
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql"""


def sqlite_triggers(table: str) -> list[str]:
    events = ("INSERT", "DELETE", f"UPDATE OF {', '.join(KEY_COLUMNS)}") if table == "storefront_key" else \
        ("INSERT", "UPDATE", "DELETE")
    return [f"CREATE TRIGGER {table}_settings_version_{event.split()[0].lower()} AFTER {event} ON {table} "
            f"BEGIN {BUMP}; END" for event in events]


def postgres_trigger(table: str) -> str:
    update = f"UPDATE OF {', '.join(KEY_COLUMNS)}" if table == "storefront_key" else "UPDATE"
    return (f"CREATE TRIGGER {table}_settings_version AFTER INSERT OR {update} OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION bump_settings_version()")


def up(migrator, db):
    class SettingsVersion(Model):
        version = BigIntegerField(default=0)

        class Meta:
            database = db
            table_name = 'settings_version'

    db.create_tables([SettingsVersion])
    SettingsVersion.insert(id=1, version=1).execute()
    tables = (*SETTINGS_TABLES, "storefront_key")
    if not isinstance(db, SqliteDatabase):
        db.execute_sql(POSTGRES_FUNCTION)
        for table in tables:
            db.execute_sql(postgres_trigger(table))
    else:
        for table in tables:
            for statement in sqlite_triggers(table):
                db.execute_sql(statement)


def down(migrator, db):
    tables = (*SETTINGS_TABLES, "storefront_key")
    if not isinstance(db, SqliteDatabase):
        for table in tables:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_settings_version ON {table}")
        db.execute_sql("DROP FUNCTION IF EXISTS bump_settings_version()")
    else:
        for table in tables:
            for event in ("insert", "update", "delete"):
                db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_settings_version_{event}")
    migrator.migrate(migrator.drop_table('settings_version'))
