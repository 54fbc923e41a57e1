"""URL rewrites: an old storefront path answered with a redirect to its new one.

A storefront request for `/<request_path>` is answered `301`/`302` with `Location: /<target_path>` (a
target with a scheme as is), by the rewrite of the request's locale when there is one, else by any
rewrite of that path. The shop's reads by URL key (a product, a CMS page) follow a rewrite of their
entity type to the key it names (`follow`).
"""
from storage.seo_models import UrlRewrite

ENTITY_TYPES = ("product", "category", "cms_page")
REDIRECT_TYPES = ("301", "302")


def clean_path(path: str | None) -> str:
    """'/old-path/' -> 'old-path' (the form stored)."""
    return (path or "").strip().strip("/")


def find_rewrite(path: str, locale: str | None = None, entity_type: str | None = None) -> UrlRewrite | None:
    key = clean_path(path)
    if not key:
        return None
    query = UrlRewrite.select().where(UrlRewrite.request_path == key)
    if entity_type:
        query = query.where(UrlRewrite.entity_type == entity_type)
    rows = list(query.order_by(UrlRewrite.id).limit(20))
    return next((row for row in rows if row.locale == locale), rows[0] if rows else None)


def location(rewrite: UrlRewrite) -> str:
    target = rewrite.target_path.strip()
    return target if "://" in target else "/" + target.lstrip("/")


def follow(entity_type: str, key: str, locales: tuple[str, ...]) -> str | None:
    """The key a rewrite of `entity_type` sends `key` to (one hop; None without a rewrite)."""
    rewrite = find_rewrite(key, locales[0] if locales else None, entity_type)
    if rewrite is None or "://" in rewrite.target_path:
        return None
    target = clean_path(rewrite.target_path)
    return target if target and target != clean_path(key) else None
