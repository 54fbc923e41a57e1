"""Admin CMS pages: /api/admin/cms/pages (list, detail, create, update, delete, mass delete, CSV export);
GraphQL adminCmsPage(s).

Rows show the translation of the request locale (else the channel's default locale); the detail adds
the full body, every locale's content and the channels. The shop reads the same tables on every
request, so a page created or changed here is served at once (handlers/shop/pages.py).
"""
import csv
import io
from collections import defaultdict

from peewee import JOIN

from domain import cms_pages
from domain.access import created
from domain.common import Page, RequestContext, Window, iso
from domain.errors import InvalidRequest, Unprocessable
from storage.content_models import CmsPage, CmsPageChannel, CmsPageTranslation
from storage.models import Channel, ChannelTranslation

CSV_HEADER = ("ID", "Page Title", "URL Key", "Channel", "Locale")
SORTS = {"id", "page_title", "url_key", "created_at"}
CHANNEL_IRI = "/api/admin/settings/channels/{id}"


# --- reading -----------------------------------------------------------------------------------

def channel_filter(context: RequestContext) -> int | None:
    """The channel the caller named (id or code) as an id; 0 when it names none that exists."""
    named = context.requested_channel
    if named is None:
        return None
    query = Channel.select(Channel.id)
    query = query.where(Channel.id == int(named)) if named.isdigit() and len(named) <= 10 else query.where(Channel.code == named)
    return query.scalar() or 0


def listed(context: RequestContext, id: int | None = None, page_title: str | None = None,
           url_key: str | None = None, sort: str | None = None, order: str | None = None):
    """Pages matching the list filters, ordered; titles and keys are those of the request locale."""
    shown = CmsPageTranslation.alias()
    query = (CmsPage.select(CmsPage)
             .join(shown, JOIN.LEFT_OUTER, on=((shown.page == CmsPage.id) & (shown.locale == context.locale))))
    if id is not None:
        query = query.where(CmsPage.id == id)
    for name, value in (("page_title", page_title), ("url_key", url_key)):
        if value:
            if "\x00" in value:
                raise InvalidRequest({name: ["The value must not contain NUL characters."]})
            matching = CmsPageTranslation.select(CmsPageTranslation.page).where(
                CmsPageTranslation.locale.in_(context.locales), getattr(CmsPageTranslation, name).contains(value))
            query = query.where(CmsPage.id.in_(matching))
    channel_id = channel_filter(context)
    if channel_id is not None:
        query = query.where(CmsPage.id.in_(CmsPageChannel.select(CmsPageChannel.page)
                                           .where(CmsPageChannel.channel == channel_id)))
    name = sort or "id"
    if name not in SORTS:
        raise InvalidRequest({"sort": [f"Sort by one of: {', '.join(sorted(SORTS))}."]})
    column = {"id": CmsPage.id, "created_at": CmsPage.created_at, "page_title": shown.page_title,
              "url_key": shown.url_key}[name]
    descending = order == "desc"
    return query.order_by(column.desc() if descending else column.asc(),
                          CmsPage.id.desc() if descending else CmsPage.id)


def page_rows(context: RequestContext, pages: list, detail: bool = False, graphql: bool = False) -> list[dict]:
    """Documents of `pages`, relations batched: one query for translations, one for channels."""
    ids = [page.id for page in pages]
    translations = defaultdict(dict)
    query = CmsPageTranslation.select().where(CmsPageTranslation.page.in_(ids)).order_by(CmsPageTranslation.locale)
    if not (detail or graphql):
        query = query.where(CmsPageTranslation.locale.in_(context.locales))
    for row in query:
        translations[row.page_id][row.locale] = row
    channels = defaultdict(list)
    for page_id, channel_id, code, name in (
            CmsPageChannel.select(CmsPageChannel.page, Channel.id, Channel.code, ChannelTranslation.name)
            .join(Channel)
            .join(ChannelTranslation, JOIN.LEFT_OUTER, on=((ChannelTranslation.channel == Channel.id)
                                                           & (ChannelTranslation.locale == context.fallback_locale)))
            .where(CmsPageChannel.page.in_(ids)).order_by(Channel.id).tuples()):
        channels[page_id].append({"id": channel_id, "code": code, "name": name})
    return [page_document(context, page, translations[page.id], channels[page.id], detail, graphql) for page in pages]


def page_document(context: RequestContext, page: CmsPage, translations: dict, channels: list, detail: bool,
                  graphql: bool) -> dict:
    shown = next((translations[locale] for locale in context.locales if locale in translations), None)
    document = {
        "id": page.id,
        "urlKey": shown.url_key if shown else None,
        "pageTitle": shown.page_title if shown else None,
        "htmlContent": shown.html_content if shown and (detail or graphql) else None,
        "metaTitle": shown.meta_title if shown else None,
        "metaKeywords": shown.meta_keywords if shown else None,
        "metaDescription": shown.meta_description if shown else None,
        "layout": page.layout,
        "previewUrl": f"{context.public_url}/page/{shown.url_key}" if shown else None,
        "locale": shown.locale if shown else context.locale,
        "channel": context.channel_code,
        "channels": [channel["code"] for channel in channels],
        "createdAt": iso(page.created_at),
        "updatedAt": iso(page.updated_at),
    }
    if graphql:
        document["channels"] = [{**channel, "id": CHANNEL_IRI.format(id=channel["id"])} for channel in channels]
        document["translations"] = [{"locale": row.locale, "pageTitle": row.page_title, "urlKey": row.url_key,
                                     "htmlContent": row.html_content, "metaTitle": row.meta_title,
                                     "metaKeywords": row.meta_keywords, "metaDescription": row.meta_description}
                                    for row in translations.values()]
    elif detail:
        document["channels"] = channels
        document["translations"] = [{"locale": row.locale, **{name: getattr(row, name) for name in cms_pages.CONTENT_FIELDS}}
                                    for row in translations.values()]
    return document


def list_admin_cms_pages(context: RequestContext, window: Window, sort: str | None = None, order: str | None = None,
                         id: int | None = None, page_title: str | None = None, url_key: str | None = None,
                         graphql: bool = False) -> Page:
    query = listed(context, id, page_title, url_key, sort, order)
    rows = list(query.offset(window.offset).limit(window.limit))
    return Page(page_rows(context, rows, graphql=graphql), query.count())


def get_admin_cms_page(context: RequestContext, id: int, graphql: bool = False) -> dict:
    return page_rows(context, [cms_pages.find_page(id)], detail=True, graphql=graphql)[0]


def export_admin_cms_pages(context: RequestContext, format: str = "csv", sort: str | None = None,
                           order: str | None = None, id: int | None = None, page_title: str | None = None,
                           url_key: str | None = None):
    """Every page matching the list filters, as a `cms-pages.csv` attachment."""
    if format != "csv":
        raise Unprocessable({"format": ["Only the csv export format is supported."]},
                            "Only the csv export format is supported.")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in page_rows(context, list(listed(context, id, page_title, url_key, sort, order))):
        writer.writerow((row["id"], row["pageTitle"], row["urlKey"], row["channel"], row["locale"]))
    return buffer.getvalue(), 200, {"Content-Type": "text/csv",
                                    "Content-Disposition": 'attachment; filename="cms-pages.csv"'}


# --- writing -----------------------------------------------------------------------------------

def create_admin_cms_page(context: RequestContext, body: dict):
    return created(get_admin_cms_page(context, cms_pages.create_page(body)))


def update_admin_cms_page(context: RequestContext, id: int, body: dict) -> dict:
    cms_pages.update_page(id, body)
    return get_admin_cms_page(context, id)


def delete_admin_cms_page(context: RequestContext, id: int):
    cms_pages.find_page(id)
    cms_pages.delete_pages([id])
    return None, 204


def mass_delete_admin_cms_pages(context: RequestContext, body: dict) -> dict:
    """Unknown ids are skipped; the answer echoes the ids requested."""
    requested = list(dict.fromkeys(body["indices"]))
    cms_pages.delete_pages(requested)
    return {"deleted": requested, "message": "CMS pages deleted successfully."}
