"""Search and SEO: search terms, search synonyms, URL rewrites and sitemaps."""
from peewee import *


def up(migrator, db):
    class Channel(Model):
        class Meta:
            database = db
            table_name = 'channel'

    class SearchTerm(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        term = CharField()
        channel = ForeignKeyField(Channel, on_delete='CASCADE')
        locale = CharField(max_length=16)
        results = IntegerField(default=0)
        uses = IntegerField(default=0)
        redirect_url = TextField(null=True)
        class Meta:
            database = db
            table_name = 'search_term'
            indexes = ((('term', 'channel', 'locale'), True),)

    class SearchSynonym(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        name = CharField()
        terms = TextField()
        class Meta:
            database = db
            table_name = 'search_synonym'

    class UrlRewrite(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        entity_type = CharField(max_length=16)
        request_path = CharField(index=True)
        target_path = CharField()
        redirect_type = CharField(max_length=3)
        locale = CharField(max_length=16)
        class Meta:
            database = db
            table_name = 'url_rewrite'

    class Sitemap(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        file_name = CharField()
        path = CharField()
        generated_at = DateTimeField(null=True)
        index_file = CharField(null=True)
        generated_sitemaps = JSONField(null=True)
        class Meta:
            database = db
            table_name = 'sitemap'

    db.create_tables([SearchTerm, SearchSynonym, UrlRewrite, Sitemap])


def down(migrator, db):
    for table in ('sitemap', 'url_rewrite', 'search_synonym', 'search_term'):
        migrator.drop_table(table)
