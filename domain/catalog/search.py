"""Catalog search: full-text matching with the database's own engine, relevance, suggestions.

A query is normalized like the documents it searches (`storage.search_index.terms`): lowercased,
accents folded, split into words of letters and digits. A product matches when every word of the
query starts a word of its SKU, name, descriptions or searchable attribute values, in the request
locale or its fallback (SQLite FTS5 prefix queries; PostgreSQL `tsvector @@ tsquery` with `:*`), or
when the whole query appears inside its SKU or name (3 characters or more: SQLite's trigram FTS5
table, PostgreSQL's `pg_trgm` index), which keeps "BREEZE" finding "COASTALBREEZEMENSHOODIE".

Relevance, best first: the exact SKU (case-insensitive); the name starting with the query; every
word of the query a whole word of the name; every word the start of a word of the name; anything
else that matched. Ties go by product id. The rank is computed on the matched rows only, with the
same SQL on both databases; only the match itself is dialect-specific.

`reindex_products(ids)` (storage.search_index) keeps the documents in step with product writes.
"""
import functools
import operator
from dataclasses import dataclass

from peewee import SQL, Case, Value, fn

from domain.common import RequestContext
from storage.db import database, is_sqlite
from storage.models import Product
from storage.search_index import reindex_products, terms
from storage.search_models import ProductSearchDocument as Document

__all__ = ["SearchText", "parse_search", "ranked_matches", "reindex_products", "suggestion_rows"]
TRIGRAM_MINIMUM = 3
# Rank values: lower is better.
EXACT_SKU, NAME_STARTS, NAME_WORDS, NAME_PREFIXES, OTHER = range(5)


@dataclass(frozen=True)
class SearchText:
    raw: str  # the query, trimmed and lowercased (the exact-SKU comparison)
    words: tuple[tuple[str, ...], ...]  # the terms of each word of the query ("sku-12" -> ("sku", "12"))

    @property
    def flat(self) -> str:
        return " ".join(" ".join(word) for word in self.words)


def parse_search(text: str | None) -> SearchText | None:
    """None when the query holds no letter or digit (it then matches nothing)."""
    words = tuple(tuple(terms(word).split()) for word in (text or "").split())
    words = tuple(word for word in words if word)
    return SearchText((text or "").strip().lower(), words) if words else None


def fts5_query(search: SearchText, columns: tuple[str, ...] = ()) -> str:
    """`"sku 000012"* AND "hood"*`: each word a phrase whose last term is a prefix."""
    expression = " AND ".join('"%s"*' % " ".join(word) for word in search.words)
    return "{%s} : (%s)" % (" ".join(columns), expression) if columns else expression


def ts_query(search: SearchText, weights: str = "") -> str:
    """`(sku <-> 000012:*) & (hood:*)`, optionally restricted to weights (A sku, B name, C text, D attributes)."""
    def phrase(word):
        *head, last = word
        return "(%s)" % " <-> ".join([f"{term}:{weights}" if weights else term for term in head]
                                     + [f"{last}:*{weights}"])
    return " & ".join(phrase(word) for word in search.words)


def matching_documents(search: SearchText, columns: tuple[str, ...] = (), partial: bool = True) -> SQL:
    """A parenthesized subquery of the ids of the matching search documents."""
    mark = database.param
    substring = partial and len(search.flat) >= TRIGRAM_MINIMUM
    if is_sqlite():
        sql = f"SELECT rowid FROM product_search_fts WHERE product_search_fts MATCH {mark}"
        params = [fts5_query(search, columns)]
        if substring:
            sql += f" UNION SELECT rowid FROM product_search_trigram WHERE product_search_trigram MATCH {mark}"
            params.append('"%s"' % search.flat)
        return SQL(f"({sql})", params)
    weights = "AB" if columns else ""
    sql = f"SELECT id FROM product_search_index WHERE vector @@ to_tsquery('simple', {mark})"
    params = [ts_query(search, weights)]
    if substring:
        sql += f" OR words LIKE {mark}"
        params.append(f"%{search.flat}%")
    return SQL(f"({sql})", params)


def rank_of(search: SearchText):
    """The relevance rank of a matched document (see the module docstring)."""
    spaced = Value(" ").concat(Document.name).concat(" ")
    whole = functools.reduce(operator.and_, [spaced.contains(f" {' '.join(word)} ") for word in search.words])
    starts = functools.reduce(operator.and_, [spaced.contains(f" {' '.join(word)}") for word in search.words])
    return Case(None, [(Document.sku_key == search.raw, EXACT_SKU), (Document.name.startswith(search.flat), NAME_STARTS),
                       (whole, NAME_WORDS), (starts, NAME_PREFIXES)], OTHER)


def ranked_matches(search: SearchText, context: RequestContext):
    """Subquery `search` of (product_id, rank): the products matching in the request's locales."""
    locales = [*context.locales, ""]
    condition = Document.id.in_(matching_documents(search)) & Document.locale.in_(locales)
    if len(context.locales) == 1:  # at most one document per product: no grouping needed
        query = Document.select(Document.product.alias("product_id"), rank_of(search).alias("rank")).where(condition)
    else:
        query = (Document.select(Document.product.alias("product_id"), fn.MIN(rank_of(search)).alias("rank"))
                 .where(condition).group_by(Document.product))
    return query.alias("search")


def suggestion_rows(search: SearchText, context: RequestContext, visible, limit: int) -> list[dict]:
    """Up to `limit` products whose SKU or name words start with the query's words (no partial
    matches): best rank first, then shortest name, then id; each once, named in the request locale
    when it has a document there. `visible` is a Product query of the products the shop lists."""
    locales = [*context.locales, ""]
    rank = rank_of(search)
    rows = (Document.select(Document.product, Product.sku, Document.title, Document.url_key, Document.locale,
                            rank.alias("rank"))
            .join(Product, on=(Product.id == Document.product))
            .where(Document.id.in_(matching_documents(search, ("sku", "name"), partial=False)),
                   Document.locale.in_(locales), Document.product.in_(visible))
            .order_by(rank, fn.LENGTH(Document.title), Document.product)
            .limit(limit * len(locales)).dicts())
    found: dict[int, dict] = {}
    for row in rows:
        best = found.setdefault(row["product"], row)
        if locales.index(row["locale"]) < locales.index(best["locale"]):
            found[row["product"]] = {**row, "rank": min(row["rank"], best["rank"])}
    ordered = sorted(found.values(), key=lambda row: (row["rank"], len(row["title"]), row["product"]))
    return ordered[:limit]
