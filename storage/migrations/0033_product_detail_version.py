"""The version of everything a product's detail reads beyond the product list's tables.

Migration 0027's `catalog_version` row 1 is raised by writes to the tables a product list reads. The
detail document (`GET /api/shop/products/{id}`, GraphQL `product(id)`) also shows images, videos,
stock, catalog-rule prices, variants' super attributes, option labels, categories' names, links,
customizable options, grouped, bundle, downloadable and booking parts, and the channel, currency and
locale codes: row 2 of `catalog_version` is raised, in the writer's own transaction, by every insert,
update and delete of those tables, so a detail cached under the pair (row 1, row 2) is never served
after a committed change (`domain/catalog/detail_cache.py`).

Stock only shows as "in stock or not" (`isSaleable`): a change of `product_inventory` raises the
version when a quantity crosses zero (or is negative, or the row moves to another product), not on
every sale, so placing orders does not contend for the version row.
"""
from peewee import *

DETAIL_TABLES = (
    "product_image", "product_video", "product_super_attribute", "product_link", "product_customer_group_price",
    "product_customizable_option", "product_customizable_option_price", "product_customizable_option_translation",
    "product_grouped_product", "product_bundle_option", "product_bundle_option_product", "product_downloadable_link",
    "booking_product", "booking_slot_config", "booking_event_ticket", "catalog_rule_product_price",
    "attribute_translation", "attribute_option", "attribute_option_translation", "attribute_family",
    "category", "category_translation", "channel", "currency", "locale", "customer_group", "inventory_source",
)
BUMP = "UPDATE catalog_version SET version = version + 1 WHERE id = 2"
# A stock change shows when a quantity crosses zero; with negative quantities around, any change may.
SQLITE_STOCK_CHANGE = ("(OLD.qty > 0) <> (NEW.qty > 0) OR OLD.qty < 0 OR NEW.qty < 0 "
                       "OR OLD.product_id <> NEW.product_id "
                       "OR EXISTS (SELECT 1 FROM product_inventory s WHERE s.product_id = NEW.product_id AND s.qty < 0)")

POSTGRES_FUNCTION = f"""CREATE OR REPLACE FUNCTION bump_product_detail_version() RETURNS trigger AS $$
    BEGIN
        {BUMP};
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql"""
POSTGRES_STOCK_FUNCTION = f"""CREATE OR REPLACE FUNCTION bump_product_detail_version_on_stock() RETURNS trigger AS $$
    BEGIN
        IF TG_OP <> 'UPDATE' THEN
            {BUMP};
        ELSIF (OLD.qty > 0) <> (NEW.qty > 0) OR OLD.qty < 0 OR NEW.qty < 0 OR OLD.product_id <> NEW.product_id
                OR EXISTS (SELECT 1 FROM product_inventory s WHERE s.product_id = NEW.product_id AND s.qty < 0) THEN
            {BUMP};
        END IF;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql"""


def sqlite_triggers(table: str) -> list[str]:
    return [f"CREATE TRIGGER {table}_detail_version_{event.lower()} AFTER {event} ON {table} BEGIN {BUMP}; END"
            for event in ("INSERT", "UPDATE", "DELETE")]


def up(migrator, db):
    class CatalogVersion(Model):
        version = BigIntegerField(default=0)

        class Meta:
            database = db
            table_name = 'catalog_version'

    CatalogVersion.insert(id=2, version=1).execute()
    if not isinstance(db, SqliteDatabase):
        db.execute_sql(POSTGRES_FUNCTION)
        db.execute_sql(POSTGRES_STOCK_FUNCTION)
        for table in DETAIL_TABLES:
            db.execute_sql(f"CREATE TRIGGER {table}_detail_version AFTER INSERT OR UPDATE OR DELETE ON {table} "
                           "FOR EACH STATEMENT EXECUTE FUNCTION bump_product_detail_version()")
        db.execute_sql("CREATE TRIGGER product_inventory_detail_version AFTER INSERT OR UPDATE OR DELETE "
                       "ON product_inventory FOR EACH ROW EXECUTE FUNCTION bump_product_detail_version_on_stock()")
    else:
        for table in DETAIL_TABLES:
            for statement in sqlite_triggers(table):
                db.execute_sql(statement)
        for event in ("INSERT", "DELETE"):
            db.execute_sql(f"CREATE TRIGGER product_inventory_detail_version_{event.lower()} AFTER {event} "
                           f"ON product_inventory BEGIN {BUMP}; END")
        db.execute_sql(f"CREATE TRIGGER product_inventory_detail_version_update AFTER UPDATE ON product_inventory "
                       f"WHEN {SQLITE_STOCK_CHANGE} BEGIN {BUMP}; END")


def down(migrator, db):
    if not isinstance(db, SqliteDatabase):
        for table in (*DETAIL_TABLES, "product_inventory"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_detail_version ON {table}")
        db.execute_sql("DROP FUNCTION IF EXISTS bump_product_detail_version()")
        db.execute_sql("DROP FUNCTION IF EXISTS bump_product_detail_version_on_stock()")
    else:
        for table in (*DETAIL_TABLES, "product_inventory"):
            for event in ("insert", "update", "delete"):
                db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_detail_version_{event}")
    db.execute_sql("DELETE FROM catalog_version WHERE id = 2")
