"""Locales: GET /api/shop/locales, /locales/{id}; GraphQL locales, locale."""
from handlers.common import Page, RequestContext, Window
from handlers.errors import NotFound
from storage.models import Locale


def locale_document(locale: Locale, context: RequestContext) -> dict:
    return {"id": locale.id, "code": locale.code, "name": locale.name, "direction": locale.direction,
            "logoPath": locale.logo_path, "logoUrl": context.media(locale.logo_path)}


def list_locales(context: RequestContext, window: Window) -> Page:
    query = Locale.select().order_by(Locale.id)
    rows = query.offset(window.offset).limit(window.limit)
    return Page([locale_document(row, context) for row in rows], query.count())


def get_locale(context: RequestContext, id: int) -> dict:
    locale = Locale.get_or_none(Locale.id == id)
    if locale is None:
        raise NotFound("Locale")
    return locale_document(locale, context)
