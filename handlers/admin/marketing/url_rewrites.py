"""Admin URL rewrites: /api/admin/marketing/url-rewrites (CRUD, mass delete); GraphQL
adminMarketingUrlRewrite(s).

The storefront answers a rewritten path with the redirect on the next request
(`domain/seo/url_rewrites.py`). One rewrite per request path and locale; a rewrite may not send a
path to itself.
"""
from domain.errors import Unprocessable
from domain.seo.url_rewrites import clean_path
from handlers.admin.crud import AdminResource, exact, partial, plain_document
from handlers.admin.marketing.search_terms import locale_list_handler
from storage.models import Locale
from storage.seo_models import UrlRewrite

TAKEN = "A rewrite of this request path already exists for this locale."


def rewrite_values(body: dict, row: UrlRewrite | None) -> dict:
    values, errors = {}, {}
    for key in ("entity_type", "redirect_type"):
        if body.get(key) is not None:
            values[key] = body[key]
    for key in ("request_path", "target_path"):
        if body.get(key) is not None:
            values[key] = body[key].strip() if "://" in body[key] else clean_path(body[key])
            if not values[key]:
                errors[key] = [f"The {key.replace('_', ' ')} must name a path other than /."]
    if body.get("locale") is not None:
        values["locale"] = body["locale"]
        if not Locale.select().where(Locale.code == body["locale"]).exists():
            errors["locale"] = ["The selected locale is invalid."]
    if "://" in values.get("request_path", ""):
        errors["request_path"] = ["The request path must be a path of the storefront, not a URL."]
    request_path = values.get("request_path", row.request_path if row else None)
    target_path = values.get("target_path", row.target_path if row else None)
    locale = values.get("locale", row.locale if row else None)
    if request_path and target_path and clean_path(target_path) == request_path and not errors:
        errors["target_path"] = ["The target path must differ from the request path."]
    if request_path and locale and not errors:
        clash = UrlRewrite.select().where(UrlRewrite.request_path == request_path, UrlRewrite.locale == locale)
        if row is not None:
            clash = clash.where(UrlRewrite.id != row.id)
        if clash.exists():
            errors["request_path"] = [TAKEN]
    if errors:
        raise Unprocessable(errors)
    return values


url_rewrites = AdminResource(
    model=UrlRewrite, label="URL rewrite", plural="URL rewrites",
    document=plain_document("id", "entity_type", "request_path", "target_path", "redirect_type", "locale",
                            "created_at", "updated_at"),
    filters={"entity_type": exact(UrlRewrite.entity_type), "request_path": partial(UrlRewrite.request_path),
             "redirect_type": exact(UrlRewrite.redirect_type)},
    sorts={"id": UrlRewrite.id, "entity_type": UrlRewrite.entity_type, "locale": UrlRewrite.locale,
           "redirect_type": UrlRewrite.redirect_type},
    values=rewrite_values,
)

list_admin_url_rewrites = locale_list_handler(url_rewrites, UrlRewrite.locale)
get_admin_url_rewrite = url_rewrites.get_handler()
create_admin_url_rewrite = url_rewrites.create_handler()
update_admin_url_rewrite = url_rewrites.update_handler()
delete_admin_url_rewrite = url_rewrites.delete_handler()
mass_delete_admin_url_rewrites = url_rewrites.mass_delete_handler()
