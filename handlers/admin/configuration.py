"""Admin configuration: /api/admin/configuration (values, update) and /configuration/menu; GraphQL
menuAdminConfigurationMenu, valuesAdminConfigurationValues, createAdminConfigurationUpdate; the store settings under
short names at /configuration/store-settings (GraphQL configuration, updateConfiguration).

The tree and its validation live in domain/configuration; REST answers the read operations as
one-element arrays, GraphQL as the object. Image and file fields take uploads (multipart parts named
`values[<code>]`), stored with the media files; the value is the stored path.
"""
import re
import secrets

from domain.common import RequestContext
from domain.configuration import store_settings
from domain.configuration import values as configuration
from domain.errors import Unprocessable
from handlers.admin.catalog.product_media import read_image
from storage.files import media_storage

UPDATED = "Configuration updated successfully."
UPLOAD_PART = re.compile(r"^values\[(.+)\]$")


def get_admin_configuration_menu(context: RequestContext, slug: str | None = None, include_values: bool = False,
                                 graphql: bool = False):
    menu = configuration.menu(slug, bool(include_values), context.channel_code, context.locale)
    return menu if graphql else [menu]


def get_admin_configuration_values(context: RequestContext, slug: str | None = None, graphql: bool = False):
    values = configuration.slug_values(slug, context.channel_code, context.locale)
    return values if graphql else [values]


def argument_name(part: str) -> str:
    """The name connexion gives a multipart file part's argument (`values[a.b]` -> `values_ab`)."""
    return re.sub("^[^a-zA-Z_]+", "", re.sub("[^0-9a-zA-Z_]", "", re.sub(r"\[(?!])", "_", part)))


FILE_PARTS = {argument_name(f"values[{code}]"): code for code, field in configuration.FIELDS.items()
              if field.type in ("image", "file")}


def upload_code(name: str) -> str | None:
    match = UPLOAD_PART.match(name)
    return match.group(1) if match else FILE_PARTS.get(name)


def stored_uploads(body: dict) -> dict:
    """Files of a multipart body (parts `values[<code>]`) read and named for the media, as {code: (bytes, path)}."""
    uploads = {}
    for name, upload in body.items():
        code = upload_code(name)
        if code is None or not hasattr(upload, "file"):
            continue
        try:
            data, extension = read_image(upload)
        except Unprocessable as error:
            raise Unprocessable({f"values.{code}": error.errors["image"]}) from None
        uploads[code] = (data, f"configuration/{secrets.token_hex(16)}.{extension}")
    return uploads


def update_admin_configuration(context: RequestContext, body: dict) -> dict:
    values = body.get("values")
    if values is None and not any(upload_code(name) for name in body):
        raise Unprocessable({"values": ["The values field is required."]})
    if values is not None and not isinstance(values, dict):
        raise Unprocessable({"values": ["The values must be an object of code -> value."]})
    files = stored_uploads(body)
    storage = media_storage()
    for data, path in files.values():
        storage.save(path, data)
    try:
        result = configuration.write_values(body["slug"], body.get("channel"), body.get("locale"), values or {},
                                            context.channel_code, context.locale,
                                            uploads={code: path for code, (_, path) in files.items()})
    except Exception:
        for _, path in files.values():
            storage.delete(path)
        raise
    return {"success": True, "message": UPDATED, **result}


def get_admin_store_settings(context: RequestContext) -> dict:
    return store_settings.read(context.channel_code, context.locale)


def update_admin_store_settings(context: RequestContext, body: dict) -> dict:
    sections = {key: value for key, value in body.items() if key not in ("channel", "locale")}
    settings = store_settings.write(sections, body.get("channel"), body.get("locale"), context.channel_code,
                                    context.locale)
    return {"status": "success", "message": UPDATED, "settings": settings}
