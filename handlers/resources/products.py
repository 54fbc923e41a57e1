"""Catalog reads under the legacy resource paths (`/api/products`, `/api/products/{id or url key}`):
aliases of the shop's product list and product document."""
from domain.common import Page, RequestContext, Window
from handlers.shop import products as shop_products


def resource_list_products(context: RequestContext, window: Window, **params) -> Page:
    return shop_products.list_products(context, window=window, **params)


def resource_get_product(context: RequestContext, id: str) -> dict:
    key = id.strip()
    if key.isdigit():
        return shop_products.get_product(context, id=int(key))
    return shop_products.get_product(context, url_key=key)
