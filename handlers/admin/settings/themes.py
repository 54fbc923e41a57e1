"""Admin theme customizations: /api/admin/settings/themes (CRUD, mass delete, mass status);
GraphQL adminSettingsTheme(s) and mutations.

A block (carousel, static content, footer links, ...) is created first (name, type, position,
channel, theme) and filled per locale afterwards: an update with `locale` and `options` replaces that
locale's options. The shop shows enabled blocks of its channel's theme on the next request.
"""
from handlers.admin.crud import AdminResource, exact, flag, partial, plain_document
from domain.errors import Unprocessable
from storage.models import Locale, ThemeCustomization, ThemeCustomizationTranslation

theme_fields = plain_document("id", "name", "type", "sort_order", "channel_id", "theme_code", "status")


def translations_by_theme(theme_ids: list[int]) -> dict[int, list[dict]]:
    found = {key: [] for key in theme_ids}
    for row in (ThemeCustomizationTranslation.select()
                .where(ThemeCustomizationTranslation.theme_customization.in_(theme_ids))
                .order_by(ThemeCustomizationTranslation.locale)):
        found[row.theme_customization_id].append({"locale": row.locale, "options": row.options or {}})
    return found


def theme_detail(row: ThemeCustomization, context) -> dict:
    return {**theme_fields(row), "translations": translations_by_theme([row.id])[row.id]}


def theme_values(body: dict, row) -> dict:
    if "options" in body and not body.get("locale"):
        raise Unprocessable({"locale": ["The locale field is required with options."]})
    if body.get("locale") and not Locale.select().where(Locale.code == body["locale"]).exists():
        raise Unprocessable({"locale": ["The selected locale is invalid."]})
    values = {key: body[key] for key in ("name", "type", "sort_order", "theme_code") if key in body}
    if "channel_id" in body:
        values["channel"] = body["channel_id"]
    if "status" in body:
        values["status"] = bool(body["status"])
    return values


def write_options(row: ThemeCustomization, body: dict, is_new: bool):
    if "options" not in body:
        return
    updated = (ThemeCustomizationTranslation.update(options=body["options"])
               .where(ThemeCustomizationTranslation.theme_customization == row.id,
                      ThemeCustomizationTranslation.locale == body["locale"]).execute())
    if not updated:
        ThemeCustomizationTranslation.create(theme_customization=row.id, locale=body["locale"], options=body["options"])


themes = AdminResource(
    model=ThemeCustomization, label="Theme customization", plural="Themes",
    document=theme_fields, detail=theme_detail,
    filters={"name": partial(ThemeCustomization.name), "type": exact(ThemeCustomization.type),
             "channel_id": exact(ThemeCustomization.channel), "theme_code": exact(ThemeCustomization.theme_code),
             "status": flag(ThemeCustomization.status)},
    sorts={"id": ThemeCustomization.id, "name": ThemeCustomization.name, "type": ThemeCustomization.type,
           "sort_order": ThemeCustomization.sort_order, "status": ThemeCustomization.status},
    values=theme_values, after_save=write_options, messages={"deleted": "Theme deleted."},
)

list_admin_themes = themes.list_handler()
get_admin_theme = themes.get_handler()
create_admin_theme = themes.create_handler()
update_admin_theme = themes.update_handler()
delete_admin_theme = themes.delete_handler()
mass_delete_admin_themes = themes.mass_delete_handler()
mass_update_admin_theme_status = themes.mass_update_status_handler()


