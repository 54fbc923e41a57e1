"""Catalog search: full-text matching with the database's own engine, relevance, suggestions.

A query is normalized like the documents it searches (`storage.search_index.terms`): lowercased,
accents folded, split into words of letters and digits. A product matches when every word of the
query starts a word of its SKU, name, descriptions or searchable attribute values, in the request
locale or its fallback (SQLite FTS5 prefix queries; PostgreSQL `tsvector @@ tsquery` with `:*`). When
no product has such a word, a query of 3 characters or more matches inside SKUs and names (SQLite's
trigram FTS5 table, PostgreSQL's `pg_trgm` index): "oodi" finds the hoodies, "BREEZE" finds
"COASTALBREEZEMENSHOODIE".

Relevance, best first: the exact SKU (case-insensitive); the name starting with the query; every
word of the query a whole word of the name; every word the start of a word of the name; anything
else that matched. Ties go by product id. In general (other filters, PostgreSQL) the rank is
computed in SQL for the matched products; on SQLite a search alone is counted in the FTS5 index and
its page read rank by rank from it (`indexed_page`), with the same result.

`reindex_products(ids)` (storage.search_index) keeps the documents in step with product writes.
"""
import functools
import operator
from dataclasses import dataclass

from peewee import SQL, Case, Value, fn

from domain.common import RequestContext
from domain.seo.synonyms import alternatives
from storage.db import database, is_sqlite
from storage.models import Product
from storage.search_index import HIDDEN, LOCALE_SLOTS, reindex_products, terms
from storage.search_models import ProductSearchDocument as Document

__all__ = ["SearchText", "indexed_page", "matched_products", "parse_search", "product_rank", "reindex_products",
           "suggestion_rows"]
TRIGRAM_MINIMUM = 3
WORD_COLUMNS = ("sku", "name", "description", "attributes")
# Rank values: lower is better.
EXACT_SKU, NAME_STARTS, NAME_WORDS, NAME_PREFIXES, OTHER = range(5)


@dataclass(frozen=True)
class SearchText:
    raw: str  # the query, trimmed and lowercased (the exact-SKU comparison)
    words: tuple[tuple[str, ...], ...]  # the terms of each word of the query ("sku-12" -> ("sku", "12"))
    # per word, the other words of its search synonym groups (domain/seo/synonyms.py): any of them matches too
    alternatives: tuple[tuple[tuple[str, ...], ...], ...] = ()

    def choices(self, index: int) -> tuple[tuple[str, ...], ...]:
        """The word at `index` and its synonyms."""
        extra = self.alternatives[index] if index < len(self.alternatives) else ()
        return (self.words[index], *extra)

    @property
    def flat(self) -> str:
        return " ".join(" ".join(word) for word in self.words)


def parse_search(text: str | None) -> SearchText | None:
    """None when the query holds no letter or digit (it then matches nothing). Each word brings the
    other words of its search synonym groups."""
    words = tuple(tuple(terms(word).split()) for word in (text or "").split())
    words = tuple(word for word in words if word)
    return SearchText((text or "").strip().lower(), words, alternatives(words)) if words else None


def fts5_query(search: SearchText, columns: tuple[str, ...] = WORD_COLUMNS, prefix: bool = True) -> str:
    """`{sku name ...} : ("sku 000012"* AND "hood"*)`: each word a phrase (its last term a prefix)."""
    mark = "*" if prefix else ""

    def phrase(index):
        choices = ['"%s"%s' % (" ".join(word), mark) for word in search.choices(index)]
        return choices[0] if len(choices) == 1 else "(%s)" % " OR ".join(choices)
    expression = " AND ".join(phrase(index) for index in range(len(search.words)))
    return "{%s} : (%s)" % (" ".join(columns), expression)


def ts_query(search: SearchText, weights: str = "") -> str:
    """`(sku <-> 000012:*) & (hood:*)`, optionally restricted to weights (A sku, B name, C text, D attributes)."""
    def phrase(word):
        *head, last = word
        return "(%s)" % " <-> ".join([f"{term}:{weights}" if weights else term for term in head]
                                     + [f"{last}:*{weights}"])

    def either(index):
        choices = [phrase(word) for word in search.choices(index)]
        return choices[0] if len(choices) == 1 else "(%s)" % " | ".join(choices)
    return " & ".join(either(index) for index in range(len(search.words)))


def matching_words(search: SearchText) -> tuple[str, list]:
    """SQLite: the documents with a word match anywhere (listed or not), as in `matching_documents`."""
    return (f"SELECT rowid FROM product_search_fts WHERE product_search_fts MATCH {database.param}",
            [fts5_query(search)])


def matching_documents(search: SearchText, columns: tuple[str, ...] = (), partial: bool = True) -> SQL:
    """A parenthesized subquery of the ids of the matching search documents (`columns`: only those,
    among sku and name; default all but the scope): the word matches, or,
    when no document has one and the query is long enough, the documents holding it inside their
    SKU or name."""
    mark = database.param
    if is_sqlite():
        words = (f"SELECT rowid FROM product_search_fts WHERE product_search_fts MATCH {mark}",
                 [fts5_query(search, columns or WORD_COLUMNS)])
        inside = (f"SELECT rowid FROM product_search_trigram WHERE product_search_trigram MATCH {mark}",
                  ['{sku name} : "%s"' % search.flat])
    else:
        words = (f"SELECT id FROM product_search_index WHERE vector @@ to_tsquery('simple', {mark})",
                 [ts_query(search, "AB" if columns else "")])
        inside = (f"SELECT id FROM product_search_index WHERE words LIKE {mark}", [f"%{search.flat}%"])
    if partial and len(search.flat) >= TRIGRAM_MINIMUM and not any_row(*words):
        words = inside
    return SQL(f"({words[0]})", words[1])


def any_row(sql: str, params: list) -> bool:
    return database.execute_sql(f"{sql} LIMIT 1", params).fetchone() is not None


def rank_of(search: SearchText):
    """The relevance rank of a matched document (see the module docstring)."""
    spaced = Value(" ").concat(Document.name).concat(" ")
    whole = functools.reduce(operator.and_, [spaced.contains(f" {' '.join(word)} ") for word in search.words])
    starts = functools.reduce(operator.and_, [spaced.contains(f" {' '.join(word)}") for word in search.words])
    return Case(None, [(Document.sku_key == search.raw, EXACT_SKU), (Document.name.startswith(search.flat), NAME_STARTS),
                       (whole, NAME_WORDS), (starts, NAME_PREFIXES)], OTHER)


def matched_products(search: SearchText, context: RequestContext):
    """Subquery of the ids of the products matching in the request's locales (for `Product.id IN`).
    On SQLite the index answers alone (`listed_hits`: the products the channel lists)."""
    if is_sqlite():
        if len(search.flat) >= TRIGRAM_MINIMUM and not any_row(*matching_words(search)):
            sql, params = listed_hits('{sku name} : "%s"' % search.flat, context, "product_search_trigram")
        else:
            sql, params = listed_hits(fts5_query(search), context)
        return SQL(f"(SELECT pid FROM ({sql}))", params)
    return Document.select(Document.product).where(Document.id.in_(matching_documents(search)),
                                                   Document.locale.in_([*context.locales, ""]))


def product_rank(search: SearchText, context: RequestContext):
    """The rank of the outer query's product: its best document in the request's locales (a correlated
    subquery, evaluated for the matched products only)."""
    return (Document.select(fn.MIN(rank_of(search)))
            .where(Document.product == Product.id, Document.locale.in_([*context.locales, ""])))


def suggestion_rows(search: SearchText, context: RequestContext, visible, limit: int) -> list[dict]:
    """Up to `limit` products whose SKU or name words start with the query's words (no partial
    matches), best rank first, then by id; each named in the request locale (else its fallback).
    `visible` is a Product query of the products the shop lists."""
    locales = [*context.locales, ""]
    if is_sqlite():
        chosen = ranked_ids(search, context, limit, ("sku", "name"))
    else:
        rank = rank_of(search)
        best = (Document.select(Document.product, rank.alias("rank"))
                .where(Document.id.in_(matching_documents(search, ("sku", "name"), partial=False)),
                       Document.locale.in_(locales), Document.product.in_(visible))
                .order_by(rank, Document.product).limit(limit * len(locales)).tuples())
        chosen = list(dict.fromkeys(product_id for product_id, _rank in best))[:limit]
    rows: dict[int, dict] = {}
    for row in (Document.select(Document.product, Document.locale, Document.title, Document.url_key, Product.sku)
                .join(Product, on=(Product.id == Document.product))
                .where(Document.product.in_(chosen), Document.locale.in_(locales)).dicts()):
        kept = rows.get(row["product"])
        if kept is None or locales.index(row["locale"]) < locales.index(kept["locale"]):
            rows[row["product"]] = row
    return [rows[product_id] for product_id in chosen if product_id in rows]


# --- SQLite: a plain search counted and ranked in the full-text index alone -----------------------

def listed_hits(expression: str, context: RequestContext, table: str = "product_search_fts") -> tuple[str, list]:
    """Product ids (`pid`, by id, once per matching document) of the products the channel lists whose
    documents in the request's locales match an FTS5 expression. The document id carries product and
    locale (storage/search_index.py) and unlisted products are marked `hidden` in the index, so only
    the channel's product list is probed; rows stream in id order, so a reader may stop early."""
    mark = database.param
    locales = ", ".join([mark] * len(context.locales))
    return (f"SELECT rowid / {LOCALE_SLOTS} AS pid FROM {table} WHERE {table} MATCH {mark} "
            f"AND (rowid % {LOCALE_SLOTS} = 0 OR rowid % {LOCALE_SLOTS} IN (SELECT id FROM locale WHERE code IN "
            f"({locales}))) AND EXISTS (SELECT 1 FROM product_channel WHERE product_channel.product_id = "
            f"{table}.rowid / {LOCALE_SLOTS} AND product_channel.channel_id = {mark}) ORDER BY rowid",
            [f'({expression}) NOT {{scope}} : "{HIDDEN}"', *context.locales, context.channel_id])


def indexed_page(search: SearchText, context: RequestContext, offset: int, limit: int,
                 descending: bool = False) -> tuple[list[int], int] | None:
    """(product ids of the page, total) of a search without other filters, by relevance, on SQLite
    (None elsewhere and in reverse order: the general path answers). The ranks are read best first,
    each a query of the index in product id order read only as far as the page needs: a first page
    costs the count and a few short reads. Without a word match, the partial matches, by id."""
    if not is_sqlite() or descending:
        return None
    mark = database.param
    everything, params = listed_hits(fts5_query(search), context)
    counted = "COUNT(DISTINCT pid)" if len(context.locales) > 1 else "COUNT(*)"  # one document per locale
    total = database.execute_sql(f"SELECT {counted} FROM ({everything})", params).fetchone()[0]
    if not total:
        if len(search.flat) < TRIGRAM_MINIMUM or any_row(*matching_words(search)):
            return [], 0
        inside, inside_params = listed_hits('{sku name} : "%s"' % search.flat, context, "product_search_trigram")
        total = database.execute_sql(f"SELECT {counted} FROM ({inside})", inside_params).fetchone()[0]
        rows = database.execute_sql(f"SELECT DISTINCT pid FROM ({inside}) ORDER BY pid LIMIT {mark} OFFSET {mark}",
                                    [*inside_params, limit, offset]).fetchall()
        return [row[0] for row in rows], total
    return ranked_ids(search, context, offset + limit)[offset:], total


def ranked_ids(search: SearchText, context: RequestContext, needed: int,
               columns: tuple[str, ...] = WORD_COLUMNS) -> list[int]:
    """SQLite: the first `needed` listed products matching in `columns`, by relevance then id. Each
    rank is a query of the index in id order, read only as far as needed."""
    mark = database.param
    exact = (f"SELECT product_search_document.product_id AS pid FROM product_search_document JOIN product_channel ON "
             f"product_channel.product_id = product_search_document.product_id AND product_channel.channel_id = {mark} "
             f"WHERE sku_key = {mark} AND scope != {mark} ORDER BY pid", [context.channel_id, search.raw, HIDDEN])
    tiers = [exact, *(listed_hits(expression, context) for expression in (
        '{name} : ^"%s"*' % search.flat, fts5_query(search, ("name",), prefix=False), fts5_query(search, ("name",)),
        fts5_query(search, columns)))]
    found, seen = [], set()
    for sql, tier_params in tiers:
        cursor = database.execute_sql(sql, tier_params)
        while len(found) < needed:
            rows = cursor.fetchmany(64)
            if not rows:
                break
            for (pid,) in rows:
                if pid not in seen:
                    seen.add(pid)
                    found.append(pid)
        cursor.close()
        if len(found) >= needed:
            break
    return found[:needed]
