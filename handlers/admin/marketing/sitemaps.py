"""Admin sitemaps: /api/admin/marketing/sitemaps (CRUD) and /sitemaps/{id}/generate; GraphQL
adminMarketingSitemap(s), createAdminMarketingSitemapGenerate.

Saving a row writes no file. Generating queues the background job (`domain/seo/tasks.py`) that
writes the XML file set into the media storage (`storage/sitemap_files.py`); deleting a row removes
its files.
"""
from domain.seo.tasks import queue_generation
from handlers.admin.crud import AdminResource, partial, plain_value
from storage import sitemap_files as files
from storage.seo_models import Sitemap

QUEUED = "Sitemap regeneration queued."


def sitemap_document(row: Sitemap) -> dict:
    """A list row: the generated files are detail only (null here)."""
    return {"id": row.id, "fileName": row.file_name, "path": row.path, "generatedAt": plain_value(row.generated_at),
            "indexFile": None, "indexUrl": None, "generatedSitemaps": None,
            "createdAt": plain_value(row.created_at), "updatedAt": plain_value(row.updated_at)}


def sitemap_detail(row: Sitemap, context) -> dict:
    return {**sitemap_document(row), "indexFile": row.index_file, "indexUrl": files.file_url(row.index_file),
            "generatedSitemaps": list(row.generated_sitemaps) if row.generated_sitemaps is not None else None}


def sitemap_values(body: dict, row: Sitemap | None) -> dict:
    return {key: body[key] for key in ("file_name", "path") if body.get(key) is not None}


def remove_files(ids: list[int]):
    for row in Sitemap.select().where(Sitemap.id.in_(ids)):
        files.remove_files(row)


sitemaps = AdminResource(
    model=Sitemap, label="Sitemap", plural="Sitemaps",
    document=sitemap_document, detail=sitemap_detail,
    filters={"file_name": partial(Sitemap.file_name)},
    sorts={"id": Sitemap.id, "file_name": Sitemap.file_name},
    values=sitemap_values, before_delete=remove_files,
)

list_admin_sitemaps = sitemaps.list_handler()
get_admin_sitemap = sitemaps.get_handler()
create_admin_sitemap = sitemaps.create_handler()
update_admin_sitemap = sitemaps.update_handler()
delete_admin_sitemap = sitemaps.delete_handler()


def generate_admin_sitemap(context, id: int) -> tuple[dict, int]:
    """Queue the generation; the answer (202) holds the last completed one."""
    row = sitemaps.find(id)
    task = queue_generation(row.id)
    return {"id": row.id, "sitemapId": row.id, "indexFile": row.index_file,
            "generatedSitemaps": list(row.generated_sitemaps) if row.generated_sitemaps is not None else None,
            "generatedAt": plain_value(row.generated_at), "queued": True, "taskId": getattr(task, "id", None),
            "message": QUEUED}, 202
