"""Product translations of a batch of products, one query, each in the request's locale with fallback."""
from domain.common import RequestContext, translated
from domain.catalog.product_reads import TRANSLATIONS
from storage.models import ProductTranslation


def product_translations(ids, context: RequestContext) -> dict[int, ProductTranslation]:
    rows = TRANSLATIONS.rows(ids, context.locales) if ids else []
    grouped: dict[int, dict] = {}
    for row in rows:
        grouped.setdefault(row.product_id, {})[row.locale] = row
    return {pid: translated(by_locale, context) for pid, by_locale in grouped.items()}
