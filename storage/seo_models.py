"""Search and SEO: the terms shoppers searched, search synonyms, URL rewrites and sitemaps.

Search terms are written by the shop's product search (one upsert per search, `domain/seo/search_terms.py`);
synonyms widen the shop's search (`domain/seo/synonyms.py`); URL rewrites answer old storefront URLs with a
redirect (`domain/seo/url_rewrites.py`); a sitemap row names the XML file set that a background job writes
into the media storage (`storage/sitemap_files.py`).
"""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, JSONField, TextField

from storage.models import Channel, TimestampedModel


class SearchTerm(TimestampedModel):
    term = CharField()  # as searched, trimmed and lowercased
    channel = ForeignKeyField(Channel, backref="+", on_delete="CASCADE")
    locale = CharField(max_length=16)
    results = IntegerField(default=0)  # products found by the latest search
    uses = IntegerField(default=0)  # searches so far
    redirect_url = TextField(null=True)

    class Meta:
        indexes = ((("term", "channel", "locale"), True),)


class SearchSynonym(TimestampedModel):
    name = CharField()
    terms = TextField()  # comma-separated: "shirt,tshirt,tee"


class UrlRewrite(TimestampedModel):
    entity_type = CharField(max_length=16)  # product | category | cms_page
    request_path = CharField(index=True)  # storefront path without the leading slash: "old-path"
    target_path = CharField()
    redirect_type = CharField(max_length=3)  # "301" | "302"
    locale = CharField(max_length=16)


class Sitemap(TimestampedModel):
    file_name = CharField()  # "sitemap.xml"
    path = CharField()  # "/" : the folder of the files, under the sitemaps folder of the media storage
    generated_at = DateTimeField(null=True)
    index_file = CharField(null=True)  # "/sitemap.xml"
    generated_sitemaps = JSONField(null=True)  # ["/sitemap-4-1.xml"]


MODELS = [SearchTerm, SearchSynonym, UrlRewrite, Sitemap]
