"""CMS page writes: content per locale, channels, URL keys unique per channel and locale.

A new page gets the same content in every locale of the store; an update writes the locale blocks it
carries (the one named by `locale` is required) and replaces the page's channels. A URL key may be
used by one page per channel and locale, since the shop finds a page by the key within its channel.
"""
from domain.errors import NotFound, Unprocessable
from storage.content_models import CmsPage, CmsPageChannel, CmsPageTranslation
from storage.db import database
from storage.models import Channel, Locale, utcnow

CONTENT_FIELDS = ("url_key", "page_title", "html_content", "meta_title", "meta_keywords", "meta_description")


def find_page(page_id: int) -> CmsPage:
    page = CmsPage.get_or_none(CmsPage.id == page_id)
    if page is None:
        raise NotFound("CMS page")
    return page


def store_locales() -> list[str]:
    return [code for code, in Locale.select(Locale.code).order_by(Locale.id).tuples()]


def check_channels(channel_ids: list[int]) -> list[int]:
    wanted = sorted(set(channel_ids))
    known = {key for key, in Channel.select(Channel.id).where(Channel.id.in_(wanted)).tuples()}
    if not wanted or set(wanted) - known:
        raise Unprocessable({"channels": ["The selected channels are invalid."]})
    return wanted


def url_key_clashes(url_keys: dict[str, str], channel_ids: list[int], page_id: int | None) -> list[str]:
    """Locales among `url_keys` ({locale: key}) where another page of one of the channels uses the key."""
    clashes = []
    sharing = CmsPageChannel.select(CmsPageChannel.page).where(CmsPageChannel.channel.in_(channel_ids))
    for locale, url_key in url_keys.items():
        query = CmsPageTranslation.select().where(CmsPageTranslation.locale == locale,
                                                  CmsPageTranslation.url_key == url_key,
                                                  CmsPageTranslation.page.in_(sharing))
        if page_id is not None:
            query = query.where(CmsPageTranslation.page != page_id)
        if query.exists():
            clashes.append(locale)
    return clashes


def content(block: dict) -> dict:
    return {name: block.get(name) for name in CONTENT_FIELDS if name in block}


def create_page(body: dict) -> int:
    """A page with `body`'s content in every locale of the store, shown in `body["channels"]`."""
    with database.atomic():
        channel_ids = check_channels(body["channels"])
        locales = store_locales()
        if url_key_clashes({locale: body["url_key"] for locale in locales}, channel_ids, None):
            raise Unprocessable({"url_key": ["The url key has already been taken."]})
        now = utcnow()
        page = CmsPage.create(layout=body.get("layout"), is_active=True, created_at=now, updated_at=now)
        values = content(body)
        CmsPageTranslation.insert_many([{"page": page.id, "locale": locale, **values} for locale in locales]).execute()
        CmsPageChannel.insert_many([{"page": page.id, "channel": key} for key in channel_ids]).execute()
        return page.id


def update_page(page_id: int, body: dict) -> None:
    """Write the locale blocks of `body` (the one `body["locale"]` names is required) and its channels."""
    with database.atomic():
        page = find_page(page_id)
        locales = set(store_locales())
        edited = body["locale"]
        blocks = {key: value for key, value in body.items() if key not in ("locale", "channels", "layout")}
        errors = {}
        if edited not in locales:
            errors["locale"] = ["The selected locale is invalid."]
        elif edited not in blocks:
            errors.update({f"{edited}.{name}": [f"The {edited}.{name} field is required."]
                           for name in ("url_key", "page_title", "html_content")})
        for key in blocks:
            if key not in locales:
                errors[key] = [f"Unknown locale {key}."]
        if errors:
            raise Unprocessable(errors)
        channel_ids = check_channels(body["channels"])
        clashes = url_key_clashes({locale: block["url_key"] for locale, block in blocks.items()}, channel_ids, page.id)
        if clashes:
            raise Unprocessable({f"{locale}.url_key": ["The url key has already been taken."] for locale in clashes})
        for locale, block in blocks.items():
            values = content(block)
            updated = (CmsPageTranslation.update(values)
                       .where(CmsPageTranslation.page == page.id, CmsPageTranslation.locale == locale).execute())
            if not updated:
                CmsPageTranslation.create(page=page.id, locale=locale, **values)
        CmsPageChannel.delete().where(CmsPageChannel.page == page.id, CmsPageChannel.channel.not_in(channel_ids)).execute()
        present = {key for key, in CmsPageChannel.select(CmsPageChannel.channel).where(CmsPageChannel.page == page.id).tuples()}
        missing = [key for key in channel_ids if key not in present]
        if missing:
            CmsPageChannel.insert_many([{"page": page.id, "channel": key} for key in missing]).execute()
        changes = {CmsPage.updated_at: utcnow()}
        if "layout" in body:
            changes[CmsPage.layout] = body["layout"]
        CmsPage.update(changes).where(CmsPage.id == page.id).execute()


def delete_pages(page_ids: list[int]) -> None:
    with database.atomic():
        CmsPageTranslation.delete().where(CmsPageTranslation.page.in_(page_ids)).execute()
        CmsPageChannel.delete().where(CmsPageChannel.page.in_(page_ids)).execute()
        CmsPage.delete().where(CmsPage.id.in_(page_ids)).execute()

