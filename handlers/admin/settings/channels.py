"""Admin channels: /api/admin/settings/channels (CRUD); GraphQL adminSettingsChannel(s) and mutations.

A channel has translations per locale (name, description, maintenance text, home SEO), its locales
and currencies (the default locale and base currency among them) and a root category. Top-level
`name`, `description`, `maintenance_mode_text` and `seo_*` are written to every locale of the
channel; `translations` ({locale: {...}}) writes single locales. The shop reads channels on every
request, so changes show at once. Every channel draws stock from every inventory source (there is no
per-channel source list to store yet): `inventory_sources` is validated, and the document lists them all.
"""
from handlers.admin.crud import AdminResource, Refusal, partial
from handlers.shop.channels import SEO_KEYS, load_channels
from domain.common import RequestContext, snake_case
from domain.errors import Unprocessable
from storage.models import (
    Channel, ChannelCurrency, ChannelLocale, ChannelTranslation, Currency, InventorySource, Locale,
)
from storage.sales_models import Order

SCALARS = ("code", "hostname", "theme", "timezone", "allowed_ips")
TRANSLATED = ("name", "description", "maintenance_mode_text", "seo_title", "seo_description", "seo_keywords")
SEO_FIELDS = {"seo_title": "meta_title", "seo_description": "meta_description", "seo_keywords": "meta_keywords"}
LAST_CHANNEL = Refusal("The last remaining channel cannot be deleted.", "last_channel")
DEFAULT_CHANNEL = Refusal("The default channel cannot be deleted.", "default_channel")
HAS_ORDERS = Refusal("This channel has orders and cannot be deleted.", "channel_has_orders")


# --- documents --------------------------------------------------------------------

def channel_summary(bundle, context: RequestContext) -> dict:
    channel = bundle.channel
    translation = bundle.current_translation(context)
    return {"id": channel.id, "code": channel.code, "name": translation.name if translation else channel.code,
            "hostname": channel.hostname, "rootCategoryId": channel.root_category_id,
            "defaultLocaleId": channel.default_locale_id, "baseCurrencyId": channel.base_currency_id}


def translation_document(row: ChannelTranslation) -> dict:
    seo = row.home_seo if isinstance(row.home_seo, dict) else {}
    return {"locale": row.locale, "name": row.name, "description": row.description,
            "maintenanceModeText": row.maintenance_mode_text, "seoTitle": seo.get("meta_title") or "",
            "seoDescription": seo.get("meta_description") or "", "seoKeywords": seo.get("meta_keywords") or ""}


def channel_detail(bundle, context: RequestContext, sources: list) -> dict:
    channel = bundle.channel
    return {**channel_summary(bundle, context), "theme": channel.theme, "timezone": channel.timezone,
            "isMaintenanceOn": int(channel.is_maintenance_on), "allowedIps": channel.allowed_ips,
            "locales": [{"id": locale.id, "code": locale.code} for locale in bundle.locales],
            "currencies": [{"id": currency.id, "code": currency.code} for currency in bundle.currencies],
            "inventorySources": [{"id": source.id, "code": source.code} for source in sources],
            "translations": [translation_document(row) for row in bundle.translations]}


def channel_documents(rows: list, context: RequestContext) -> list[dict]:
    return [channel_summary(bundle, context) for bundle in load_channels(rows)]


def channel_detail_document(row: Channel, context: RequestContext) -> dict:
    sources = list(InventorySource.select(InventorySource.id, InventorySource.code).order_by(InventorySource.id))
    return channel_detail(load_channels([row])[0], context, sources)


# --- writes -----------------------------------------------------------------------

def channel_values(body: dict, row) -> dict:
    """Channel columns, after checking the locale/currency lists and their defaults (422 per field)."""
    values = {key: body[key] for key in SCALARS if key in body}
    for key, column in (("default_locale_id", "default_locale"), ("base_currency_id", "base_currency"),
                        ("root_category_id", "root_category")):
        if key in body:
            values[column] = body[key]
    if "is_maintenance_on" in body:
        values["is_maintenance_on"] = bool(body["is_maintenance_on"])
    check_memberships(body, row)
    return values


def check_memberships(body: dict, row):
    errors = {}
    for key, model in (("locales", Locale), ("currencies", Currency), ("inventory_sources", InventorySource)):
        wanted = set(body.get(key) or ())
        if wanted and model.select().where(model.id.in_(sorted(wanted))).count() != len(wanted):
            errors[key] = [f"The selected {key.replace('_', ' ')} are invalid."]
    locales = set(body["locales"]) if "locales" in body else linked_ids(ChannelLocale, "locale", row)
    currencies = set(body["currencies"]) if "currencies" in body else linked_ids(ChannelCurrency, "currency", row)
    default_locale = body.get("default_locale_id", row.default_locale_id if row else None)
    base_currency = body.get("base_currency_id", row.base_currency_id if row else None)
    if default_locale not in locales:
        errors["default_locale_id"] = ["The default locale must be one of the channel's locales."]
    if base_currency not in currencies:
        errors["base_currency_id"] = ["The base currency must be one of the channel's currencies."]
    for code in body.get("translations") or {}:
        if not Locale.select().where(Locale.code == code).exists():
            errors[f"translations.{code}"] = ["The locale is not a locale of the store."]
    if errors:
        raise Unprocessable(errors)


def linked_ids(link_model, column: str, row) -> set[int]:
    if row is None:
        return set()
    return {getattr(link, f"{column}_id") for link in link_model.select().where(link_model.channel == row.id)}


def save_channel_relations(row: Channel, body: dict, is_new: bool):
    """Locale and currency links, then translations: top-level fields for every locale of the
    channel, then the `translations` map per locale."""
    if "locales" in body:
        replace_links(ChannelLocale, "locale", row.id, body["locales"])
    if "currencies" in body:
        replace_links(ChannelCurrency, "currency", row.id, body["currencies"])
    broadcast = {key: body[key] for key in TRANSLATED if key in body}
    codes = [locale.code for locale in Locale.select(Locale.code).join(ChannelLocale)
             .where(ChannelLocale.channel == row.id).order_by(Locale.id)]
    if broadcast or is_new:
        for code in codes:
            write_translation(row, code, {"name": row.code, **broadcast} if is_new else broadcast)
    for code, fields in (body.get("translations") or {}).items():
        write_translation(row, code, fields)


def replace_links(link_model, column: str, channel_id: int, ids: list[int]):
    link_model.delete().where(link_model.channel == channel_id).execute()
    link_model.insert_many([{"channel": channel_id, column: key} for key in sorted(set(ids))]).execute()


def write_translation(channel: Channel, locale: str, fields: dict):
    translation = ChannelTranslation.get_or_none(channel=channel.id, locale=locale)
    if translation is None:
        translation = ChannelTranslation(channel=channel.id, locale=locale, name=channel.code, home_seo={})
    seo = {key: "" for key in SEO_KEYS} | (translation.home_seo if isinstance(translation.home_seo, dict) else {})
    for key, value in fields.items():
        if key in SEO_FIELDS:
            seo[SEO_FIELDS[key]] = value
        elif key in ("name", "description", "maintenance_mode_text"):
            setattr(translation, key, value)
    translation.home_seo = seo
    translation.save()


# --- deletes ----------------------------------------------------------------------

def refuse_channel_delete(rows: list[Channel]) -> dict:
    """The last channel, the default channel (the one the shop uses without X-Channel) and channels
    with orders stay."""
    ids = [row.id for row in rows]
    refusals = {}
    if not Channel.select().where(Channel.id.not_in(ids)).exists():
        refusals[ids[-1]] = LAST_CHANNEL
    default_id = Channel.select(Channel.id).order_by(Channel.id).scalar()
    if default_id in ids:
        refusals.setdefault(default_id, DEFAULT_CHANNEL)
    for order in Order.select(Order.channel).where(Order.channel.in_(ids)).distinct():
        refusals.setdefault(order.channel_id, HAS_ORDERS)
    return refusals


channels = AdminResource(
    model=Channel, label="Channel", plural="Channels",
    documents=channel_documents, detail=channel_detail_document,
    filters={"code": partial(Channel.code), "hostname": partial(Channel.hostname)},
    sorts={"id": Channel.id, "code": Channel.code},
    unique=("code", "hostname"), values=channel_values, after_save=save_channel_relations,
    refuse_delete=refuse_channel_delete,
)

list_admin_channels = channels.list_handler()
get_admin_channel = channels.get_handler()
create_admin_channel = channels.create_handler()
update_admin_channel = channels.update_handler()
delete_admin_channel = channels.delete_handler()



def translations_by_locale(data: dict) -> dict:
    """GraphQL sends `translations` as a list of {locale, ...}; REST as {locale: {...}}."""
    if not data.get("translations"):
        return data
    return {**data, "translations": {
        entry["locale"]: {snake_case(key): value for key, value in entry.items() if key != "locale"}
        for entry in data["translations"]}}
