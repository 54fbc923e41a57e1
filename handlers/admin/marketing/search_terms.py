"""Admin search terms: /api/admin/marketing/search-terms (list, detail, update, delete, mass delete);
GraphQL adminMarketingSearchTerm(s).

The shop's product search records the terms (`domain/seo/search_terms.py`); the admin edits the term
and its redirect URL, never the counts, and deletes.
"""
from domain.common import Page
from domain.errors import Unprocessable
from domain.seo.search_terms import normalized_term
from handlers.admin.crud import AdminResource, exact, partial, plain_value
from storage.models import ChannelTranslation, Locale
from storage.seo_models import SearchTerm

TAKEN = "The term has already been recorded for this channel and locale."


def channel_names(channel_ids: set[int]) -> dict[int, str]:
    """The channel names in the default locale (`en`), else any locale."""
    names: dict[int, str] = {}
    default = (Locale.select(Locale.code).order_by(Locale.id).first() or Locale(code="en")).code
    for row in ChannelTranslation.select().where(ChannelTranslation.channel.in_(sorted(channel_ids))):
        if row.channel_id not in names or row.locale == default:
            names[row.channel_id] = row.name
    return names


def term_documents(rows: list[SearchTerm], context) -> list[dict]:
    names = channel_names({row.channel_id for row in rows}) if rows else {}
    return [{"id": row.id, "term": row.term, "results": row.results, "uses": row.uses,
             "redirectUrl": row.redirect_url or None, "channelId": row.channel_id,
             "channelName": names.get(row.channel_id), "locale": row.locale,
             "createdAt": plain_value(row.created_at), "updatedAt": plain_value(row.updated_at)} for row in rows]


def term_values(body: dict, row: SearchTerm | None) -> dict:
    values = {}
    if body.get("term") is not None:
        term = normalized_term(body["term"])
        if not term:
            raise Unprocessable({"term": ["The term field is required."]})
        clash = SearchTerm.select().where(SearchTerm.term == term, SearchTerm.channel == row.channel_id,
                                          SearchTerm.locale == row.locale, SearchTerm.id != row.id)
        if clash.exists():
            raise Unprocessable({"term": [TAKEN]})
        values["term"] = term
    if "redirect_url" in body:
        values["redirect_url"] = (body["redirect_url"] or "").strip() or None
    return values


search_terms = AdminResource(
    model=SearchTerm, label="Search term", plural="Search terms",
    documents=term_documents,
    filters={"term": partial(SearchTerm.term), "channel_id": exact(SearchTerm.channel)},
    sorts={"id": SearchTerm.id, "term": SearchTerm.term, "uses": SearchTerm.uses, "results": SearchTerm.results},
    values=term_values,
)

def locale_list_handler(resource: AdminResource, column):
    """The resource's list, narrowed to the `?locale=` the caller named (REST: the parameter also scopes
    the request; over GraphQL `locale` is the scope argument of every field and does not filter)."""
    def handler(context, window, sort: str | None = None, order: str | None = None, **filters) -> Page:
        query = resource.filtered(filters)
        named = context.query_params.get("locale")
        if named:
            query = query.where(column == named)
        rows = list(query.order_by(*resource.ordering(sort, order)).offset(window.offset).limit(window.limit))
        return Page(resource.present(rows, context), query.count())
    return resource.named(handler, "list")


list_admin_search_terms = locale_list_handler(search_terms, SearchTerm.locale)
get_admin_search_term = search_terms.get_handler()
update_admin_search_term = search_terms.update_handler()
delete_admin_search_term = search_terms.delete_handler()
mass_delete_admin_search_terms = search_terms.mass_delete_handler()
