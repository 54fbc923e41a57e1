"""Catalog search: the product search documents and the database's full-text index over them
(SQLite: FTS5 tables fed by triggers; PostgreSQL: a tsvector side table fed by a trigger, GIN and
pg_trgm indexes), `attribute.is_searchable`, and the filterable attributes of each category.
Existing categories keep the navigation they showed before (every filterable attribute) and existing
products are indexed."""
from peewee import *

SQLITE = [
    "CREATE VIRTUAL TABLE product_search_fts USING fts5(sku, name, description, attributes, scope, "
    "content='product_search_document', content_rowid='id', tokenize='unicode61', prefix='2 3')",
    "CREATE VIRTUAL TABLE product_search_trigram USING fts5(sku, name, scope, "
    "content='product_search_document', content_rowid='id', tokenize='trigram')",
    """CREATE TRIGGER product_search_document_insert AFTER INSERT ON product_search_document BEGIN
        INSERT INTO product_search_fts (rowid, sku, name, description, attributes, scope)
            VALUES (new.id, new.sku, new.name, new.description, new.attributes, new.scope);
        INSERT INTO product_search_trigram (rowid, sku, name, scope) VALUES (new.id, new.sku, new.name, new.scope);
    END""",
    """CREATE TRIGGER product_search_document_delete AFTER DELETE ON product_search_document BEGIN
        INSERT INTO product_search_fts (product_search_fts, rowid, sku, name, description, attributes, scope)
            VALUES ('delete', old.id, old.sku, old.name, old.description, old.attributes, old.scope);
        INSERT INTO product_search_trigram (product_search_trigram, rowid, sku, name, scope)
            VALUES ('delete', old.id, old.sku, old.name, old.scope);
    END""",
    """CREATE TRIGGER product_search_document_update AFTER UPDATE ON product_search_document BEGIN
        INSERT INTO product_search_fts (product_search_fts, rowid, sku, name, description, attributes, scope)
            VALUES ('delete', old.id, old.sku, old.name, old.description, old.attributes, old.scope);
        INSERT INTO product_search_trigram (product_search_trigram, rowid, sku, name, scope)
            VALUES ('delete', old.id, old.sku, old.name, old.scope);
        INSERT INTO product_search_fts (rowid, sku, name, description, attributes, scope)
            VALUES (new.id, new.sku, new.name, new.description, new.attributes, new.scope);
        INSERT INTO product_search_trigram (rowid, sku, name, scope) VALUES (new.id, new.sku, new.name, new.scope);
    END""",
]

POSTGRES = [
    """CREATE TABLE product_search_index (
        id BIGINT PRIMARY KEY REFERENCES product_search_document (id) ON DELETE CASCADE,
        vector TSVECTOR NOT NULL,
        words TEXT NOT NULL)""",
    "CREATE INDEX product_search_index_vector ON product_search_index USING GIN (vector)",
    """CREATE OR REPLACE FUNCTION product_search_index_sync() RETURNS trigger AS $$
    BEGIN
        INSERT INTO product_search_index (id, vector, words) VALUES (
            NEW.id,
            setweight(to_tsvector('simple', NEW.sku), 'A') || setweight(to_tsvector('simple', NEW.name), 'B')
                || setweight(to_tsvector('simple', NEW.description), 'C')
                || setweight(to_tsvector('simple', NEW.attributes), 'D'),
            NEW.sku || ' ' || NEW.name)
        ON CONFLICT (id) DO UPDATE SET vector = EXCLUDED.vector, words = EXCLUDED.words;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER product_search_document_sync AFTER INSERT OR UPDATE ON product_search_document
        FOR EACH ROW EXECUTE FUNCTION product_search_index_sync()""",
]
TRIGRAM = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX product_search_index_words ON product_search_index USING GIN (words gin_trgm_ops)",
]


def up(migrator, db):
    class Product(Model):
        class Meta:
            database = db
            table_name = 'product'

    class Category(Model):
        class Meta:
            database = db
            table_name = 'category'

    class Attribute(Model):
        class Meta:
            database = db
            table_name = 'attribute'

    migrator.migrate(migrator.add_column('attribute', 'is_searchable', BooleanField(default=False)))

    class ProductSearchDocument(Model):
        id = BigAutoField()
        product = ForeignKeyField(Product, on_delete='CASCADE')
        locale = CharField(max_length=16, default='')
        sku_key = CharField(index=True)
        scope = TextField(default='')
        title = CharField(default='')
        url_key = CharField(default='')
        sku = TextField(default='')
        name = TextField(default='')
        description = TextField(default='')
        attributes = TextField(default='')
        class Meta:
            database = db
            table_name = 'product_search_document'
            indexes = ((('product', 'locale'), True),)

    class CategoryFilterableAttribute(Model):
        category = ForeignKeyField(Category, on_delete='CASCADE')
        attribute = ForeignKeyField(Attribute, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'category_filterable_attribute'
            indexes = ((('category', 'attribute'), True),)
    db.create_tables([ProductSearchDocument, CategoryFilterableAttribute])

    if isinstance(db, SqliteDatabase):
        for statement in SQLITE:
            db.execute_sql(statement)
    else:
        for statement in POSTGRES:
            db.execute_sql(statement)
        try:
            with db.atomic():  # a savepoint: without pg_trgm, partial matches run unindexed
                for statement in TRIGRAM:
                    db.execute_sql(statement)
        except DatabaseError:
            pass

    db.execute_sql("UPDATE attribute SET is_searchable = %s WHERE code IN ('color', 'size', 'brand')"
                   % ('1' if isinstance(db, SqliteDatabase) else 'TRUE'))
    db.execute_sql("INSERT INTO category_filterable_attribute (category_id, attribute_id) "
                   "SELECT category.id, attribute.id FROM category CROSS JOIN attribute "
                   "WHERE attribute.is_filterable = %s" % ('1' if isinstance(db, SqliteDatabase) else 'TRUE'))
    from storage.search_index import reindex_all
    reindex_all()


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        for name in ('insert', 'delete', 'update'):
            db.execute_sql(f'DROP TRIGGER IF EXISTS product_search_document_{name}')
        db.execute_sql('DROP TABLE IF EXISTS product_search_trigram')
        db.execute_sql('DROP TABLE IF EXISTS product_search_fts')
    else:
        db.execute_sql('DROP TABLE IF EXISTS product_search_index')
        db.execute_sql('DROP TRIGGER IF EXISTS product_search_document_sync ON product_search_document')
        db.execute_sql('DROP FUNCTION IF EXISTS product_search_index_sync()')
    migrator.migrate(migrator.drop_table('category_filterable_attribute'))
    migrator.migrate(migrator.drop_table('product_search_document'))
    migrator.migrate(migrator.drop_column('attribute', 'is_searchable'))
