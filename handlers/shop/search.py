"""Search around the product list: GET /api/shop/search/facets and /search/suggestions;
GraphQL productFacets and productSuggestions (bound to these operations)."""
from domain.catalog.facets import product_facets
from domain.catalog.filters import parse_criteria
from domain.catalog.search import parse_search, suggestion_rows
from domain.common import RequestContext
from handlers.shop.products import visible_products


def get_product_facets(context: RequestContext, **params) -> dict:
    criteria = parse_criteria(params, context.query_params)
    return product_facets(criteria, context, lambda: visible_products(context))


def list_product_suggestions(context: RequestContext, query: str, limit: int = 8, **_ignored) -> list[dict]:
    search = parse_search(query)
    if search is None:
        return []
    rows = suggestion_rows(search, context, visible_products(context), max(1, min(int(limit or 8), 20)))
    return [{"id": row["product"], "sku": row["sku"], "name": row["title"], "urlKey": row["url_key"]} for row in rows]
