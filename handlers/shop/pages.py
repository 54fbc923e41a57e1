"""CMS pages of the channel, by id and by URL key, REST and GraphQL.

graphql-api/shop/queries/get-pages.md, get-page.md, graphql-api/shop/pages.md. Only active pages
assigned to the request channel exist here; `translation` is the request locale's, else the
channel's default locale's (a page without either is not listed).
"""
from collections import defaultdict

from domain.common import Page, RequestContext, Window, iso, translated
from domain.errors import ApiError
from domain.seo.url_rewrites import follow
from storage.content_models import CmsPage, CmsPageChannel, CmsPageTranslation
from storage.models import Channel


class PageNotFound(ApiError):
    def __init__(self, key):
        super().__init__(404, f'Page with ID "{key}" not found' if isinstance(key, int)
                         else f'Page with URL key "{key}" not found', "not_found")


def channel_pages(context: RequestContext):
    """Active pages of the channel that have a translation in the request or the fallback locale."""
    in_channel = CmsPageChannel.select(CmsPageChannel.page).where(CmsPageChannel.channel == context.channel_id)
    translated_ids = CmsPageTranslation.select(CmsPageTranslation.page).where(
        CmsPageTranslation.locale.in_(context.locales))
    return CmsPage.select().where(CmsPage.is_active == True, CmsPage.id.in_(in_channel),  # noqa: E712
                                  CmsPage.id.in_(translated_ids))


def with_url_key(query, context: RequestContext, url_key: str):
    """Pages whose URL key in the request locale (or, without one there, the fallback locale) is `url_key`."""
    matches = list(CmsPageTranslation.select(CmsPageTranslation.page, CmsPageTranslation.locale)
                   .where(CmsPageTranslation.url_key == url_key, CmsPageTranslation.locale.in_(context.locales))
                   .tuples())
    candidates = {page_id for page_id, _ in matches}
    own = {page_id for page_id, locale in matches if locale == context.locale}
    fallback_only = candidates - own
    if fallback_only:  # a fallback key counts only where the page has no translation of its own
        shadowed = {page_id for page_id, in CmsPageTranslation.select(CmsPageTranslation.page)
                    .where(CmsPageTranslation.page.in_(fallback_only), CmsPageTranslation.locale == context.locale)
                    .tuples()}
        candidates -= shadowed
    return query.where(CmsPage.id.in_(sorted(candidates) or [0]))


def page_documents(context: RequestContext, pages: list[CmsPage]) -> list[dict]:
    ids = [page.id for page in pages]
    translations = defaultdict(dict)
    for row in CmsPageTranslation.select().where(CmsPageTranslation.page.in_(ids),
                                                 CmsPageTranslation.locale.in_(context.locales)):
        translations[row.page_id][row.locale] = row
    channels = defaultdict(list)
    for page_id, code in (CmsPageChannel.select(CmsPageChannel.page, Channel.code).join(Channel)
                          .where(CmsPageChannel.page.in_(ids)).order_by(Channel.code).tuples()):
        channels[page_id].append(code)
    documents = []
    for page in pages:
        translation = translated(translations[page.id], context)
        documents.append({
            "id": page.id, "layout": page.layout, "channels": channels[page.id],
            "createdAt": iso(page.created_at), "updatedAt": iso(page.updated_at),
            "translation": translation_document(translation) if translation else None,
        })
    return documents


def translation_document(row: CmsPageTranslation) -> dict:
    return {"id": row.id, "pageTitle": row.page_title, "urlKey": row.url_key, "htmlContent": row.html_content,
            "metaTitle": row.meta_title, "metaDescription": row.meta_description,
            "metaKeywords": row.meta_keywords, "locale": row.locale}


def list_pages(context: RequestContext, window: Window, url_key: str | None = None) -> Page:
    query = channel_pages(context)
    if url_key is not None:
        query = with_url_key(query, context, url_key)
    rows = list(query.order_by(CmsPage.id).offset(window.offset).limit(window.limit))
    return Page(page_documents(context, rows), query.count())


def get_page(context: RequestContext, id: int) -> dict:
    page = channel_pages(context).where(CmsPage.id == id).first()
    if page is None:
        raise PageNotFound(id)
    return page_documents(context, [page])[0]


def get_page_by_url_key(context: RequestContext, url_key: str) -> dict:
    page = with_url_key(channel_pages(context), context, url_key).order_by(CmsPage.id).first()
    if page is None and (target := follow("cms_page", url_key, context.locales)):
        page = with_url_key(channel_pages(context), context, target).order_by(CmsPage.id).first()  # URL rewrite
    if page is None:
        raise PageNotFound(url_key)
    return page_documents(context, [page])[0]
