"""Search synonyms: a group of terms ("shirt,tshirt,tee") that the shop's product search treats as one.

`alternatives(words)` answers, for each word of a query (its normalized terms, as the search index
stores them), the other words of every group holding it; the search then matches a product having
the word or any of its alternatives (`domain/catalog/search.py`). One query per search, narrowed in
SQL to the groups whose text holds one of the words.
"""
import functools
import operator

from storage.search_index import terms
from storage.seo_models import SearchSynonym

MAX_WORDS = 10  # words of a query looked up (a longer query keeps its other words as they are)


def group_words(text: str) -> list[tuple[str, ...]]:
    """'Shirt, T-Shirt ,tee' -> [('shirt',), ('t', 'shirt'), ('tee',)] (empty entries dropped, each once)."""
    found = [tuple(terms(part).split()) for part in (text or "").split(",")]
    return list(dict.fromkeys(word for word in found if word))


def alternatives(words: tuple[tuple[str, ...], ...]) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """For each query word, the other words of the synonym groups that hold it (often none)."""
    looked_up = [word for word in words[:MAX_WORDS] if word]
    if not looked_up:
        return tuple(() for _ in words)
    # narrowed by the longest term of each word (a group written "T-Shirt" holds "shirt"), then matched exactly
    holds = functools.reduce(operator.or_, [SearchSynonym.terms.contains(max(word, key=len)) for word in looked_up])
    groups = [group_words(row.terms) for row in SearchSynonym.select(SearchSynonym.terms).where(holds)]
    result = []
    for word in words:
        others: dict = {}
        for group in groups:
            if word in group:
                others.update(dict.fromkeys(member for member in group if member != word))
        result.append(tuple(others))
    return tuple(result)
