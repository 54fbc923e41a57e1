"""Theme customizations: GET /api/shop/theme-customizations, /theme-customizations/{id};
GraphQL themeCustomizations, themeCustomization.

Only published blocks of the request channel and of the channel's theme are visible.
"""
import json

from domain.common import Page, RequestContext, Window, iso, translated
from domain.errors import NotFound
from storage.models import Channel, ThemeCustomization, ThemeCustomizationTranslation


def visible(context: RequestContext):
    return (ThemeCustomization.select(ThemeCustomization)
            .join(Channel, on=(Channel.id == ThemeCustomization.channel))
            .where(ThemeCustomization.channel == context.channel_id, ThemeCustomization.status == True,  # noqa: E712
                   ThemeCustomization.theme_code == Channel.theme))


def translation_document(row: ThemeCustomizationTranslation) -> dict:
    return {"id": row.id, "themeCustomizationId": row.theme_customization_id, "locale": row.locale,
            "options": json.dumps(row.options, ensure_ascii=False)}


def translations_by_block(ids: list[int]) -> dict[int, dict[str, dict]]:
    rows = (ThemeCustomizationTranslation.select()
            .where(ThemeCustomizationTranslation.theme_customization.in_(ids))
            .order_by(ThemeCustomizationTranslation.id))
    grouped: dict[int, dict[str, dict]] = {}
    for row in rows:
        grouped.setdefault(row.theme_customization_id, {})[row.locale] = translation_document(row)
    return grouped


def theme_documents(blocks: list[ThemeCustomization], context: RequestContext) -> list[dict]:
    translations = translations_by_block([block.id for block in blocks]) if blocks else {}
    return [theme_document(block, translations.get(block.id, {}), context) for block in blocks]


def theme_document(block: ThemeCustomization, translations: dict[str, dict], context: RequestContext) -> dict:
    return {"id": block.id, "themeCode": block.theme_code, "channelId": block.channel_id, "type": block.type,
            "name": block.name, "sortOrder": block.sort_order, "status": int(block.status),
            "createdAt": iso(block.created_at), "updatedAt": iso(block.updated_at),
            "translation": translated(translations, context), "translations": list(translations.values())}


def list_theme_customizations(context: RequestContext, window: Window, type: str | None = None) -> Page:
    query = visible(context)
    if type is not None:
        query = query.where(ThemeCustomization.type == type)
    blocks = list(query.order_by(ThemeCustomization.sort_order, ThemeCustomization.id)
                  .offset(window.offset).limit(window.limit))
    return Page(theme_documents(blocks, context), query.count())


def get_theme_customization(context: RequestContext, id: int) -> dict:
    block = visible(context).where(ThemeCustomization.id == id).first()
    if block is None:
        raise NotFound("Theme customization")
    return theme_documents([block], context)[0]
