"""Admin search synonyms: /api/admin/marketing/search-synonyms (CRUD, mass delete); GraphQL
adminMarketingSearchSynonym(s).

A group's terms are kept as written (comma-separated, trimmed); the shop's product search reads them
on the next request (`domain/seo/synonyms.py`).
"""
from domain.errors import Unprocessable
from domain.seo.synonyms import group_words
from handlers.admin.crud import AdminResource, partial, plain_document
from storage.seo_models import SearchSynonym


def synonym_values(body: dict, row: SearchSynonym | None) -> dict:
    values, errors = {}, {}
    if body.get("name") is not None:
        values["name"] = body["name"].strip()
        if not values["name"]:
            errors["name"] = ["The name field is required."]
    if body.get("terms") is not None:
        parts = list(dict.fromkeys(part.strip() for part in body["terms"].split(",") if part.strip()))
        if len(group_words(",".join(parts))) < 2:
            errors["terms"] = ["Give at least two comma-separated terms made of letters or digits."]
        values["terms"] = ",".join(parts)
    if errors:
        raise Unprocessable(errors)
    return values


search_synonyms = AdminResource(
    model=SearchSynonym, label="Search synonym", plural="Search synonyms",
    document=plain_document("id", "name", "terms", "created_at", "updated_at"),
    filters={"name": partial(SearchSynonym.name), "terms": partial(SearchSynonym.terms)},
    sorts={"id": SearchSynonym.id, "name": SearchSynonym.name},
    values=synonym_values,
)

list_admin_search_synonyms = search_synonyms.list_handler()
get_admin_search_synonym = search_synonyms.get_handler()
create_admin_search_synonym = search_synonyms.create_handler()
update_admin_search_synonym = search_synonyms.update_handler()
delete_admin_search_synonym = search_synonyms.delete_handler()
mass_delete_admin_search_synonyms = search_synonyms.mass_delete_handler()
