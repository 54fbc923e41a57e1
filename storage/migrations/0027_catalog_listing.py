"""The product list at catalog scale: indexes for its filter and sorts, and the catalog version.

The shop lists top-level, enabled, individually visible products (`parent_id IS NULL AND status AND
visible_individually`), by id, by price or newest first: one index per order, the filter columns first
and the id last (PostgreSQL has no implicit row id at the end of an index), so the list is read from
the index in order instead of sorting the catalog.

`catalog_version` is one row whose number triggers raise on every insert, update and delete of the
tables a product list reads (products, their channels, categories, attribute values and translations,
attributes), in the writer's own transaction: a list cached under a version is never served after a
committed change (`domain/catalog/listing_cache.py`).
"""
from peewee import *

LISTED_TABLES = ("product", "product_channel", "product_category", "product_attribute_value",
                 "product_translation", "attribute")
BUMP = "UPDATE catalog_version SET version = version + 1 WHERE id = 1"

POSTGRES_FUNCTION = f"""CREATE OR REPLACE FUNCTION bump_catalog_version() RETURNS trigger AS $$
    BEGIN
        {BUMP};
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql"""


def sqlite_triggers(table: str) -> list[str]:
    return [f"CREATE TRIGGER {table}_catalog_version_{event.lower()} AFTER {event} ON {table} BEGIN {BUMP}; END"
            for event in ("INSERT", "UPDATE", "DELETE")]


def postgres_trigger(table: str) -> str:
    return (f"CREATE TRIGGER {table}_catalog_version AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version()")


def up(migrator, db):
    class Product(Model):
        parent_id = IntegerField(null=True)
        status = BooleanField()
        visible_individually = BooleanField()
        min_price = BigIntegerField()
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'product'

    class CatalogVersion(Model):
        version = BigIntegerField(default=0)

        class Meta:
            database = db
            table_name = 'catalog_version'

    db.create_tables([CatalogVersion])
    CatalogVersion.insert(id=1, version=1).execute()
    listed = ('parent_id', 'status', 'visible_individually')
    migrator.migrate(
        migrator.add_index('product', (*listed, 'id'), False),
        migrator.add_index('product', (*listed, 'min_price', 'id'), False),
        migrator.add_index('product', (*listed, 'created_at', 'id'), False),
    )
    if not isinstance(db, SqliteDatabase):
        db.execute_sql(POSTGRES_FUNCTION)
        for table in LISTED_TABLES:
            db.execute_sql(postgres_trigger(table))
    else:
        for table in LISTED_TABLES:
            for statement in sqlite_triggers(table):
                db.execute_sql(statement)


def down(migrator, db):
    if not isinstance(db, SqliteDatabase):
        for table in LISTED_TABLES:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_catalog_version ON {table}")
        db.execute_sql("DROP FUNCTION IF EXISTS bump_catalog_version()")
    else:
        for table in LISTED_TABLES:
            for event in ("insert", "update", "delete"):
                db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_catalog_version_{event}")
    listed = ('parent_id', 'status', 'visible_individually')
    for columns in ((*listed, 'id'), (*listed, 'min_price', 'id'), (*listed, 'created_at', 'id')):
        migrator.migrate(migrator.drop_index('product', 'product_' + '_'.join(columns)))
    migrator.migrate(migrator.drop_table('catalog_version'))
