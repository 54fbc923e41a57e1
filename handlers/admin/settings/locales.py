"""Admin locales: /api/admin/settings/locales (CRUD, mass delete); GraphQL adminSettingsLocale(s).

The shop lists every locale, so a new one shows in /api/shop/locales on the next request. The last
locale and a channel's default locale cannot be deleted; a mass delete skips those and reports why.
"""
from handlers.admin.crud import AdminResource, Refusal, exact, partial
from handlers.shop.locales import locale_document
from storage.models import Channel, Locale

LAST_LOCALE = Refusal("The last remaining locale cannot be deleted.", "last_locale")
CHANNEL_DEFAULT = Refusal("This locale is the default locale of a channel and cannot be deleted.",
                          "channel_default_locale")


def refuse_locale_delete(rows: list[Locale]) -> dict:
    ids = [row.id for row in rows]
    defaults = {channel.default_locale_id for channel in
                Channel.select(Channel.default_locale).where(Channel.default_locale.in_(ids))}
    refusals = {key: CHANNEL_DEFAULT for key in defaults}
    deletable = [key for key in ids if key not in refusals]
    if deletable and not Locale.select().where(Locale.id.not_in(deletable)).exists():
        refusals[deletable[-1]] = LAST_LOCALE
    return refusals


locales = AdminResource(
    model=Locale, label="Locale", plural="Locales",
    documents=lambda rows, context: [locale_document(row, context) for row in rows],
    filters={"code": partial(Locale.code), "name": partial(Locale.name), "direction": exact(Locale.direction)},
    sorts={"id": Locale.id, "code": Locale.code, "name": Locale.name},
    unique=("code",), refuse_delete=refuse_locale_delete, skip_refused=True,
    messages={"mass_deleted": "Locales processed."},
)

list_admin_locales = locales.list_handler()
get_admin_locale = locales.get_handler()
create_admin_locale = locales.create_handler()
update_admin_locale = locales.update_handler()
delete_admin_locale = locales.delete_handler()
mass_delete_admin_locales = locales.mass_delete_handler()


