"""Admin data transfer imports: /api/admin/settings/data-transfer/imports (upload, validate, start, link,
index, cancel, stats, downloads, samples); GraphQL adminSettingsDataTransferImport(s) and the stage
mutations. The rules (batches, resuming, row checks, the error report) are in domain/data_transfer/."""
import datetime

from handlers.admin.crud import AdminResource, exact
from domain.common import RequestContext, iso
from domain.customer_accounts import calendar_day
from domain.data_transfer import imports
from domain.data_transfer.importers import IMPORTERS
from domain.data_transfer.tasks import run_import
from domain.errors import NotFound, Unprocessable
from storage.data_transfer_models import DataTransferImport as Import
from storage.db import database
from storage.files import media_storage


def import_document(row: Import) -> dict:
    return {"id": row.id, "type": row.type, "code": row.type, "action": row.action, "state": row.state,
            "validationStrategy": row.validation_strategy, "allowedErrors": row.allowed_errors,
            "fieldSeparator": row.field_separator, "processInQueue": row.process_in_queue,
            "imagesDirectoryPath": row.images_directory_path,
            "processed": row.processed_rows, "processedRowsCount": row.processed_rows,
            "invalidRowsCount": row.invalid_rows, "errorsCount": row.errors_count, "totalRowsCount": row.total_rows,
            "summary": {"created": row.created_count, "updated": row.updated_count, "deleted": row.deleted_count},
            "file": {"name": row.file_name, "size": row.file_size} if row.file_path else None,
            "filePath": row.file_path, "errorReportAvailable": bool(row.error_report_path),
            "startedAt": iso(row.started_at), "completedAt": iso(row.completed_at), "createdAt": iso(row.created_at)}


resource = AdminResource(
    model=Import, label="Import", plural="Imports", document=import_document,
    filters={"code": exact(Import.type), "type": exact(Import.type), "action": exact(Import.action),
             "state": exact(Import.state),
             "created_at_from": lambda value: Import.created_at >= datetime.datetime.combine(
                 calendar_day(value), datetime.time.min),
             "created_at_to": lambda value: Import.created_at <= datetime.datetime.combine(
                 calendar_day(value), datetime.time.max)},
    sorts={"id": Import.id, "state": Import.state, "created_at": Import.created_at}, default_order="desc",
)

list_admin_data_transfer_imports = resource.list_handler()
get_admin_data_transfer_import = resource.get_handler()


def progress(row: Import, state: str | None = None) -> dict:
    counts = {"processed": row.processed_rows, "total": row.total_rows, "invalid": row.invalid_rows}
    if state and state != row.state:
        counts = {"processed": 0, "total": row.total_rows, "invalid": 0}
    return {"stats": counts, "import": import_document(row)}


def create_admin_data_transfer_import(context: RequestContext, body: dict):
    with database.atomic():
        row = imports.create(body)
    return import_document(row), 201


def update_admin_data_transfer_import(context: RequestContext, id: int, body: dict) -> dict:
    with database.atomic():
        return import_document(imports.update(resource.find(id), body))


def delete_admin_data_transfer_import(context: RequestContext, id: int) -> dict:
    with database.atomic():
        imports.delete(resource.find(id))
    return {"message": "Import deleted."}


def validate_admin_data_transfer_import(context: RequestContext, id: int) -> dict:
    with database.atomic():
        valid = imports.validate(resource.find(id))
    return {"is_valid": valid, "import": import_document(resource.find(id))}


def start_admin_data_transfer_import(context: RequestContext, id: int) -> dict:
    """Queued imports run in the background job; the others advance one batch per call."""
    with database.atomic():
        row = resource.find(id)
        imports.begin(row)
    if row.process_in_queue:
        run_import(id)
    else:
        imports.process_batch(id)
    return progress(resource.find(id))


def link_admin_data_transfer_import(context: RequestContext, id: int) -> dict:
    with database.atomic():
        imports.link(resource.find(id))
    return progress(resource.find(id))


def index_admin_data_transfer_import(context: RequestContext, id: int) -> dict:
    with database.atomic():
        imports.index(resource.find(id))
    return progress(resource.find(id))


def cancel_admin_data_transfer_import(context: RequestContext, id: int) -> dict:
    with database.atomic():
        imports.cancel(resource.find(id))
    return {"id": id, "state": "cancelled", "message": "Import cancelled successfully."}


def get_admin_data_transfer_import_stats(context: RequestContext, id: int, state: str | None = None) -> dict:
    return progress(resource.find(id), state)


def attachment(data: bytes, name: str):
    safe = "".join(char for char in name if char.isalnum() or char in "._-") or "download"
    return data, 200, {"Content-Type": "application/octet-stream",
                       "Content-Disposition": f'attachment; filename="{safe}"'}


def download_admin_data_transfer_import(context: RequestContext, id: int):
    row = resource.find(id)
    data = media_storage().read(row.file_path) if row.file_path else None
    if data is None:
        raise NotFound("Import file")
    return attachment(data, row.file_name or "import.csv")


def download_admin_data_transfer_import_error_report(context: RequestContext, id: int):
    row = resource.find(id)
    data = media_storage().read(row.error_report_path) if row.error_report_path else None
    if data is None:
        raise NotFound("Error report")
    return attachment(data, f"import-{id}-error-report.csv")


def download_admin_data_transfer_import_sample(context: RequestContext, type: str, format: str):
    if type not in IMPORTERS:
        raise NotFound("Import type")
    if format != "csv":
        raise Unprocessable({"format": ["The only sample format is csv."]})
    return attachment(imports.sample(type), f"{type}-sample.csv")

