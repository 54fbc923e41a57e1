"""Locales: GET /api/shop/locales, /locales/{id}; GraphQL locales, locale."""
from domain.common import Page, RequestContext, Window, get_or_not_found, iso, paginate
from storage.models import Locale


def locale_document(locale: Locale, context: RequestContext) -> dict:
    return {"id": locale.id, "code": locale.code, "name": locale.name, "direction": locale.direction,
            "logoPath": locale.logo_path, "logoUrl": context.media(locale.logo_path)}


def shop_locale_document(locale: Locale, context: RequestContext) -> dict:
    """The locale operations also carry the timestamps (rest-api/shop/locales/list.md, single.md)."""
    return {**locale_document(locale, context), "createdAt": iso(locale.created_at),
            "updatedAt": iso(locale.updated_at)}


def list_locales(context: RequestContext, window: Window) -> Page:
    return paginate(Locale.select().order_by(Locale.id), window, lambda row: shop_locale_document(row, context))


def get_locale(context: RequestContext, id: int) -> dict:
    return shop_locale_document(get_or_not_found(Locale, id, "Locale"), context)
