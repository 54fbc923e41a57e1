"""Product translations of a batch of products, one query, each in the request's locale with fallback."""
from domain.common import RequestContext, translated
from storage.models import ProductTranslation


def product_translations(ids, context: RequestContext) -> dict[int, ProductTranslation]:
    rows = ProductTranslation.select().where(ProductTranslation.product.in_(ids),
                                             ProductTranslation.locale.in_(context.locales))
    grouped: dict[int, dict] = {}
    for row in rows:
        grouped.setdefault(row.product_id, {})[row.locale] = row
    return {pid: translated(by_locale, context) for pid, by_locale in grouped.items()}
