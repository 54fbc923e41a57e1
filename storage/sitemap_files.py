"""Sitemaps: the XML file set of a sitemap row, derived from the catalog as the search documents are
(`search_index.py`), written by a background job (`domain/seo/tasks.py`) and by the demo seed.

The files go to the media storage (`storage/files.py`, MEDIA_ROOT, served under MEDIA_URL) in the
folder `sitemaps/<path>`: the index file named by the row (`sitemap.xml`) and its child sitemaps
(`sitemap-<id>-<n>.xml`, 50,000 URLs each, the protocol's limit) listing the default channel's active
categories (below its root), its enabled products that are visible on their own and its active CMS
pages, each at its storefront URL in the channel's default locale. `indexFile` and
`generatedSitemaps` are the paths relative to the sitemaps folder ("/sitemap.xml"), as the admin
pages show them. A generation replaces the previous file set; deleting the row deletes its files.
"""
import datetime
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape

from storage.content_models import CmsPage, CmsPageChannel, CmsPageTranslation
from storage.db import database
from storage.files import media_storage
from storage.models import (
    Category, CategoryTranslation, Channel, Locale, Product, ProductChannel, ProductTranslation, utcnow,
)
from storage.seo_models import Sitemap

FOLDER = "sitemaps"
URLS_PER_FILE = 50_000
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def folder_of(path: str) -> str:
    """'/' -> '', '/seo/' -> 'seo/'."""
    inner = path.strip("/")
    return f"{inner}/" if inner else ""


def storage_path(shown: str) -> str:
    """'/seo/sitemap.xml' -> 'sitemaps/seo/sitemap.xml' (where the media storage keeps it)."""
    return f"{FOLDER}/{shown.lstrip('/')}"


def file_url(shown: str | None) -> str | None:
    return media_storage().url(storage_path(shown)) if shown else None


def default_channel() -> Channel:
    return Channel.select().order_by(Channel.id).first()


def storefront_base(channel: Channel) -> str:
    hostname = channel.hostname
    if not hostname:
        parts = urlsplit(media_storage().base_url)
        return f"{parts.scheme}://{parts.netloc}"
    return (hostname if "://" in hostname else f"http://{hostname}").rstrip("/")


def channel_urls(channel: Channel) -> list[tuple[str, datetime.datetime | None]]:
    """(storefront URL, last modified) of every public category, product and page of the channel."""
    base = storefront_base(channel)
    locale = Locale.get_by_id(channel.default_locale_id).code
    urls = []
    root = Category.get_or_none(Category.id == channel.root_category_id) if channel.root_category_id else None
    categories = (Category.select(Category.id, Category.updated_at, CategoryTranslation.slug)
                  .join(CategoryTranslation, on=((CategoryTranslation.category == Category.id)
                                                 & (CategoryTranslation.locale == locale)))
                  .where(Category.status == True, Category.parent.is_null(False))  # noqa: E712
                  .order_by(Category.lft, Category.id))
    if root is not None:
        categories = categories.where(Category.lft > root.lft, Category.rgt < root.rgt)
    urls += [(f"{base}/{quote(row.categorytranslation.slug)}", row.updated_at) for row in categories]
    in_channel = (ProductChannel.product == Product.id) & (ProductChannel.channel == channel.id)
    products = (Product.select(Product.id, Product.updated_at, ProductTranslation.url_key)
                .join(ProductChannel, on=in_channel)
                .join_from(Product, ProductTranslation, on=((ProductTranslation.product == Product.id)
                                                            & (ProductTranslation.locale == locale)))
                .where(Product.parent.is_null(), Product.status == True,  # noqa: E712
                       Product.visible_individually == True)  # noqa: E712
                .order_by(Product.id))
    urls += [(f"{base}/{quote(row.producttranslation.url_key)}", row.updated_at) for row in products]
    pages = (CmsPage.select(CmsPage.id, CmsPage.updated_at, CmsPageTranslation.url_key)
             .join(CmsPageChannel, on=((CmsPageChannel.page == CmsPage.id) & (CmsPageChannel.channel == channel.id)))
             .join_from(CmsPage, CmsPageTranslation, on=((CmsPageTranslation.page == CmsPage.id)
                                                         & (CmsPageTranslation.locale == locale)))
             .where(CmsPage.is_active == True).order_by(CmsPage.id))  # noqa: E712
    urls += [(f"{base}/page/{quote(row.cmspagetranslation.url_key)}", row.updated_at) for row in pages]
    return urls


def day(moment) -> str | None:
    return moment.date().isoformat() if isinstance(moment, datetime.datetime) else None


def urlset(urls) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{NAMESPACE}">']
    for loc, modified in urls:
        stamp = day(modified)
        lines.append(f"<url><loc>{escape(loc)}</loc>" + (f"<lastmod>{stamp}</lastmod>" if stamp else "") + "</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


def index(locations: list[str], today: str) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{NAMESPACE}">']
    lines += [f"<sitemap><loc>{escape(loc)}</loc><lastmod>{today}</lastmod></sitemap>" for loc in locations]
    lines.append("</sitemapindex>")
    return ("\n".join(lines) + "\n").encode()


def shown_files(row: Sitemap) -> list[str]:
    return [name for name in [row.index_file, *(row.generated_sitemaps or [])] if name]


def remove_files(row: Sitemap) -> None:
    storage = media_storage()
    for shown in shown_files(row):
        storage.delete(storage_path(shown))


def generate(sitemap_id: int, now: datetime.datetime | None = None) -> dict | None:
    """Write the file set of one sitemap and record it on the row (generated `now`, default the current
    time); None when the row is gone (deleted after the job was queued). Idempotent: a second run
    rewrites the same files."""
    row = Sitemap.get_or_none(Sitemap.id == sitemap_id)
    if row is None:
        return None
    channel = default_channel()
    urls = channel_urls(channel) if channel else []
    folder = folder_of(row.path)
    chunks = [urls[start:start + URLS_PER_FILE] for start in range(0, len(urls), URLS_PER_FILE)] or [[]]
    storage = media_storage()
    children = []
    for number, chunk in enumerate(chunks, start=1):
        shown = f"/{folder}sitemap-{row.id}-{number}.xml"
        storage.save(storage_path(shown), urlset(chunk))
        children.append(shown)
    index_file = f"/{folder}{row.file_name}"
    now = now or utcnow()
    storage.save(storage_path(index_file), index([file_url(shown) for shown in children], now.date().isoformat()))
    stale = set(shown_files(row)) - {index_file, *children}
    with database.atomic():
        Sitemap.update(generated_at=now, index_file=index_file, generated_sitemaps=children,
                       updated_at=now).where(Sitemap.id == row.id).execute()
    for shown in stale:
        storage.delete(storage_path(shown))
    return {"sitemapId": row.id, "indexFile": index_file, "generatedSitemaps": children, "urls": len(urls)}
