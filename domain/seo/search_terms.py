"""Search terms: every product search of the shop (`?query=` on the product list) is counted here,
one row per term, channel and locale (`uses` searches so far, `results` what the latest found).

Recording is one upsert (INSERT ... ON CONFLICT on the unique term/channel/locale index, on SQLite and
PostgreSQL alike), done once per search (the first page; paging through the same results counts
nothing), and never fails the search: a database error is logged and the search answers as usual.
"""
import logging

from peewee import DatabaseError

from domain.common import RequestContext
from storage.db import database
from storage.models import utcnow
from storage.seo_models import SearchTerm

MAX_TERM = 255
logger = logging.getLogger("specshop.search_terms")


def normalized_term(text: str | None) -> str:
    """'  Red   Shirt ' -> 'red shirt' (at most 255 characters)."""
    return " ".join((text or "").split()).lower()[:MAX_TERM]


def record_search(text: str | None, context: RequestContext, results: int) -> None:
    term = normalized_term(text)
    if not term or "\x00" in term:
        return
    now = utcnow()
    try:
        with database.atomic():
            (SearchTerm.insert(term=term, channel=context.channel_id, locale=context.locale, results=results,
                               uses=1, created_at=now, updated_at=now)
             .on_conflict(conflict_target=[SearchTerm.term, SearchTerm.channel, SearchTerm.locale],
                          update={SearchTerm.uses: SearchTerm.uses + 1, SearchTerm.results: results,
                                  SearchTerm.updated_at: now})
             .execute())
    except DatabaseError as error:
        logger.warning("search term %r not recorded: %s", term, error)
