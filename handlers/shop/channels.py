"""Channels: GET /api/shop/channels, /channels/{id}, /channel_translations, /channel_translations/{id};
GraphQL channels, channel.

REST gives a channel's relations as IRI strings; GraphQL resolves them to objects. Both shapes are
built from one `ChannelRows` load: a page of channels costs five queries whatever its size.
"""
import json
from dataclasses import dataclass, field

from domain.common import Page, RequestContext, Window, get_or_not_found, iso, paginate, translated
from handlers.shop.currencies import currency_document
from domain.errors import NotFound
from handlers.shop.locales import locale_document
from storage.models import Channel, ChannelCurrency, ChannelLocale, ChannelTranslation, Currency, Locale

SEO_KEYS = ("meta_title", "meta_keywords", "meta_description")


@dataclass
class ChannelRows:
    """One channel with its translations (by locale code), locales and currencies (by id)."""
    channel: Channel
    translations: list = field(default_factory=list)
    locales: list = field(default_factory=list)
    currencies: list = field(default_factory=list)

    def current_translation(self, context: RequestContext) -> ChannelTranslation | None:
        return translated({row.locale: row for row in self.translations}, context)


def channel_query():
    """Channels with their default locale and base currency joined in."""
    return (Channel.select(Channel, Locale, Currency)
            .join(Locale, on=(Channel.default_locale == Locale.id), attr="default_locale")
            .switch(Channel).join(Currency, on=(Channel.base_currency == Currency.id), attr="base_currency")
            .order_by(Channel.id))


def load_channels(query) -> list[ChannelRows]:
    bundles = {channel.id: ChannelRows(channel) for channel in query}
    ids = list(bundles)
    for row in (ChannelTranslation.select().where(ChannelTranslation.channel << ids)
                .order_by(ChannelTranslation.locale, ChannelTranslation.id)):
        bundles[row.channel_id].translations.append(row)
    locales = (Locale.select(Locale, ChannelLocale.channel.alias("link_channel"))
               .join(ChannelLocale, on=(ChannelLocale.locale == Locale.id))
               .where(ChannelLocale.channel << ids).order_by(Locale.id).objects())
    for locale in locales:
        bundles[locale.link_channel].locales.append(locale)
    currencies = (Currency.select(Currency, ChannelCurrency.channel.alias("link_channel"))
                  .join(ChannelCurrency, on=(ChannelCurrency.currency == Currency.id))
                  .where(ChannelCurrency.channel << ids).order_by(Currency.id).objects())
    for currency in currencies:
        bundles[currency.link_channel].currencies.append(currency)
    return list(bundles.values())


def load_channel(id: int) -> ChannelRows:
    bundles = load_channels(channel_query().where(Channel.id == id))
    if not bundles:
        raise NotFound("Channel")
    return bundles[0]


def load_page(window: Window) -> Page:
    bundles = load_channels(channel_query().offset(window.offset).limit(window.limit))
    return Page(bundles, Channel.select().count())


def home_seo(translation: ChannelTranslation | None) -> dict:
    stored = translation.home_seo if translation is not None and isinstance(translation.home_seo, dict) else {}
    return {key: stored.get(key) or "" for key in SEO_KEYS}


def iri(collection: str, key: int) -> str:
    return f"/api/shop/{collection}/{key}"


def channel_fields(bundle: ChannelRows, context: RequestContext) -> dict:
    """The scalar fields both transports share."""
    channel = bundle.channel
    return {
        "id": channel.id, "code": channel.code, "timezone": channel.timezone, "theme": channel.theme,
        "hostname": channel.hostname, "logo": channel.logo_path, "favicon": channel.favicon_path,
        "homeSeo": home_seo(bundle.current_translation(context)),
        "isMaintenanceOn": int(channel.is_maintenance_on), "allowedIps": channel.allowed_ips,
        "createdAt": iso(channel.created_at), "updatedAt": iso(channel.updated_at),
        "logoUrl": context.media(channel.logo_path), "faviconUrl": context.media(channel.favicon_path),
    }


def channel_document(bundle: ChannelRows, context: RequestContext) -> dict:
    """REST shape: relations as IRIs."""
    current = bundle.current_translation(context)
    return channel_fields(bundle, context) | {
        "locales": [iri("locales", locale.id) for locale in bundle.locales],
        "currencies": [iri("currencies", currency.id) for currency in bundle.currencies],
        "defaultLocale": iri("locales", bundle.channel.default_locale_id),
        "baseCurrency": iri("currencies", bundle.channel.base_currency_id),
        "translation": iri("channel_translations", current.id) if current else None,
        "translations": [iri("channel_translations", row.id) for row in bundle.translations],
    }


def channel_graphql_document(bundle: ChannelRows, context: RequestContext) -> dict:
    """GraphQL shape: relations as objects, flags as "0"/"1", homeSeo as a JSON string."""
    fields = channel_fields(bundle, context)
    current = bundle.current_translation(context)
    return fields | {
        "name": current.name if current else None, "rootCategoryId": bundle.channel.root_category_id,
        "currencyCode": bundle.channel.base_currency.code, "localeCode": bundle.channel.default_locale.code,
        "isMaintenanceOn": str(fields["isMaintenanceOn"]),
        "homeSeo": json.dumps(fields["homeSeo"], ensure_ascii=False),
        "translation": translation_document(current) if current else None,
        "translations": [translation_document(row) for row in bundle.translations],
        "locales": [locale_document(locale, context) for locale in bundle.locales],
        "currencies": [currency_document(currency) for currency in bundle.currencies],
        "defaultLocale": locale_document(bundle.channel.default_locale, context),
        "baseCurrency": currency_document(bundle.channel.base_currency),
    }


def translation_document(row: ChannelTranslation) -> dict:
    return {"id": row.id, "channelId": row.channel_id, "locale": row.locale, "name": row.name,
            "description": row.description, "maintenanceModeText": row.maintenance_mode_text,
            "homeSeo": home_seo(row), "createdAt": None, "updatedAt": None}


# `graphql`: the GraphQL shape (relations as objects), passed by the GraphQL bridge.

def list_channels(context: RequestContext, window: Window, graphql: bool = False) -> Page:
    page = load_page(window)
    present = channel_graphql_document if graphql else channel_document
    return Page([present(bundle, context) for bundle in page.items], page.total)


def get_channel(context: RequestContext, id: int | None = None, graphql: bool = False,
                code: str | None = None) -> dict:
    """By id; over GraphQL also by code, or the request's channel when neither is given."""
    if id is None:
        found = Channel.get_or_none(Channel.code == code) if code is not None else None
        id = found.id if found else (context.channel_id if code is None else None)
        if id is None:
            raise NotFound("Channel")
    return (channel_graphql_document if graphql else channel_document)(load_channel(id), context)


def list_channel_translations(context: RequestContext, window: Window) -> Page:
    return paginate(ChannelTranslation.select().order_by(ChannelTranslation.id), window, translation_document)


def get_channel_translation(context: RequestContext, id: int) -> dict:
    return translation_document(get_or_not_found(ChannelTranslation, id, "Channel translation"))
