"""The life of an import: upload, validate, process in batches, link, index; cancel, stats, reports.

States: pending → validated (or failed when the file is not valid) → processing → processed → linked
→ completed; cancelled from any state before the end. Processing writes one batch per transaction:
the batch's rows and the import's progress (`batches_done`, counts) commit together, and the batch is
claimed with a conditional update, so a run that stops (a crash, a cancel) continues with the next
batch and no row is written twice. Rows are checked in full before any of their values is written;
a row that fails is reported by its file row number (the header is row 1) and never written.
"""
import csv
import io
import os
import uuid

from domain.catalog.search import reindex_products
from domain.data_transfer.importers import IMPORTERS
from domain.errors import ApiError, Unprocessable
from storage.data_transfer_models import DataTransferImport
from storage.db import database
from storage.files import media_storage
from storage.models import Product, utcnow

TERMINAL = ("completed", "processed", "failed", "cancelled")
DEFAULT_MAX_ROWS = 10000
DEFAULT_MAX_BYTES = 1024 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def max_rows() -> int:
    """Most data rows one file may hold (`MAX_IMPORT_ROWS`, default 10,000)."""
    return int(os.environ.get("MAX_IMPORT_ROWS") or DEFAULT_MAX_ROWS)


def max_bytes() -> int:
    return int(os.environ.get("MAX_IMPORT_BYTES") or DEFAULT_MAX_BYTES)


def refuse(message: str, error: str = "import_refused", status: int = 400):
    return ApiError(status, message, error)


# --- files ------------------------------------------------------------------------------------

def parse(data: bytes, separator: str) -> tuple[list[str], list[dict]]:
    """(header, rows as {column: stripped text}); ValueError naming what is wrong with the file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("The file must be UTF-8 encoded text.")
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except csv.Error as error:
        raise ValueError(f"The file is not valid CSV: {error}.")
    if not lines or not any(cell.strip() for cell in lines[0]):
        raise ValueError("The file has no header row.")
    header = [cell.strip().lower() for cell in lines[0]]
    rows = [{column: (cells[index].strip() if index < len(cells) else "") for index, column in enumerate(header)}
            for cells in lines[1:] if any(cell.strip() for cell in cells)]
    return header, rows


def read_upload(upload, kind: str, separator: str) -> tuple[bytes, str, int]:
    """(bytes, file name, data rows) of an uploaded CSV, or a 422 naming `file`."""
    if upload is None or not hasattr(upload, "file"):
        raise Unprocessable({"file": ["The file field is required."]})
    name = os.path.basename(upload.filename or "import.csv")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension != "csv":
        raise Unprocessable({"file": ["The file must be a file of type: csv."]})
    data = upload.file.read(max_bytes() + 1)
    if not data:
        raise Unprocessable({"file": ["The file is empty."]})
    if len(data) > max_bytes():
        raise Unprocessable({"file": [f"The file may not be greater than {max_bytes() // 1024} kilobytes."]})
    try:
        header, rows = parse(data, separator)
    except ValueError as error:
        raise Unprocessable({"file": [str(error)]})
    importer = IMPORTERS[kind]
    missing = [column for column in (importer.key,) if column not in header]
    if missing:
        raise Unprocessable({"file": ["The file lacks the columns: " + ", ".join(missing) + "."]})
    unknown = [column for column in header if column not in importer.columns]
    if unknown:
        raise Unprocessable({"file": ["The file has unknown columns: " + ", ".join(unknown) + "."]})
    if len(rows) > max_rows():
        raise Unprocessable({"file": [f"The file may not hold more than {max_rows()} rows."]})
    return data, name, len(rows)


def store_file(data: bytes, name: str) -> str:
    path = f"imports/{uuid.uuid4().hex}/{name}"
    media_storage().save(path, data)
    return path


def rows_of(record: DataTransferImport) -> list[dict]:
    data = media_storage().read(record.file_path) if record.file_path else None
    if data is None:
        raise refuse("The import file is missing.", "import_file_missing")
    return parse(data, record.field_separator)[1]


def safe_cell(value) -> str:
    """A report cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def error_report(problems: list[tuple[int, str, str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["row", "column", "value", "error"])
    for number, column, value, message in problems:
        writer.writerow([number, safe_cell(column), safe_cell(value), safe_cell(message)])
    return buffer.getvalue().encode("utf-8")


# --- lifecycle --------------------------------------------------------------------------------

REQUIRED_SETTINGS = ("type", "action", "validation_strategy", "allowed_errors", "field_separator")


def settings_of(body: dict) -> dict:
    missing = {name: [f"The {name.replace('_', ' ')} field is required."] for name in REQUIRED_SETTINGS
               if body.get(name) in (None, "")}
    if missing:
        raise Unprocessable(missing)
    values = {"type": body["type"], "action": body["action"], "validation_strategy": body["validation_strategy"],
              "allowed_errors": int(body["allowed_errors"]), "field_separator": body["field_separator"]}
    if body.get("process_in_queue") is not None:
        values["process_in_queue"] = body["process_in_queue"] in (True, "true", "1", 1)
    if body.get("images_directory_path") is not None:
        values["images_directory_path"] = body["images_directory_path"]
    return values


def reset_values() -> dict:
    return {"state": "pending", "processed_rows": 0, "invalid_rows": 0, "errors_count": 0, "invalid_row_numbers": [],
            "batches_done": 0, "created_count": 0, "updated_count": 0, "deleted_count": 0, "failure": None,
            "started_at": None, "completed_at": None}


def create(body: dict) -> DataTransferImport:
    values = settings_of(body)
    data, name, count = read_upload(body.get("file"), values["type"], values["field_separator"])
    path = store_file(data, name)
    return DataTransferImport.create(**values, file_path=path, file_name=name, file_size=len(data), total_rows=count)


def update(record: DataTransferImport, body: dict) -> DataTransferImport:
    if record.state == "processing" and record.process_in_queue:
        raise refuse("The import is being processed by the queue; cancel it before changing it.")
    values = {**settings_of(body), **reset_values(), "updated_at": utcnow()}
    old_files = [record.error_report_path]
    if body.get("file") is not None:
        data, name, count = read_upload(body["file"], values["type"], values["field_separator"])
        old_files.append(record.file_path)
        values.update(file_path=store_file(data, name), file_name=name, file_size=len(data), total_rows=count)
    values["error_report_path"] = None
    DataTransferImport.update(**values).where(DataTransferImport.id == record.id).execute()
    for path in old_files:
        if path:
            media_storage().delete(path)
    return DataTransferImport.get_by_id(record.id)


def delete(record: DataTransferImport):
    record.delete_instance()
    for path in (record.file_path, record.error_report_path):
        if path:
            media_storage().delete(path)


def validate(record: DataTransferImport) -> bool:
    """Check every row without writing any; keep the failing row numbers and an error report."""
    if record.state in ("processing", "processed", "linked", "completed"):
        raise refuse("The import has already been processed.")
    importer = IMPORTERS[record.type]
    seen, problems, invalid = {}, [], []
    for number, row in enumerate(rows_of(record), start=2):
        found = check_row(importer, row, seen, record.action)
        if found:
            invalid.append(number)
            problems += [(number, column, row.get(column, ""), message) for column, message in found]
    if record.validation_strategy == "skip-errors":
        valid = len(problems) <= record.allowed_errors
    else:
        valid = not problems
    report = None
    if problems:
        report = f"imports/{record.id}/error-report-{uuid.uuid4().hex[:8]}.csv"
        media_storage().save(report, error_report(problems))
    if record.error_report_path:
        media_storage().delete(record.error_report_path)
    DataTransferImport.update(state="validated" if valid else "failed", invalid_rows=len(invalid),
                              errors_count=len(problems), invalid_row_numbers=invalid, error_report_path=report,
                              updated_at=utcnow()).where(DataTransferImport.id == record.id).execute()
    return valid


def check_row(importer, row: dict, seen: dict, action: str) -> list:
    required = (importer.key,) if action == "delete" else importer.required
    missing = [(column, f"The {column} field is required.") for column in required if not row.get(column)]
    return missing or importer.check(row, seen, action)


def batch_count(record: DataTransferImport) -> int:
    return -(-record.total_rows // record.batch_size)


def begin(record: DataTransferImport):
    """Move a validated import to `processing`; 400 when it is not valid or has nothing left."""
    if record.state in ("pending", "failed"):
        raise refuse("The import has not been validated, or is not valid.", "import_not_validated")
    if record.state not in ("validated", "processing") or record.batches_done >= batch_count(record):
        raise refuse("Nothing left to import.", "nothing_to_import")
    DataTransferImport.update(state="processing", started_at=record.started_at or utcnow(), updated_at=utcnow()).where(
        DataTransferImport.id == record.id, DataTransferImport.state.in_(("validated", "processing"))).execute()


def process_batch(import_id: int) -> bool:
    """Write the next batch in one transaction; True when a batch ran, False when nothing is left
    (or the import was cancelled). Rows are checked again before writing: the store may have changed
    since validation; a row that fails now is counted invalid (stop-on-errors stops the import)."""
    with database.atomic():
        record = DataTransferImport.get_or_none(DataTransferImport.id == import_id)
        if record is None or record.state != "processing":
            return False
        index = record.batches_done
        if index >= batch_count(record):
            finish(record)
            return False
        claimed = DataTransferImport.update(batches_done=index + 1, updated_at=utcnow()).where(
            DataTransferImport.id == import_id, DataTransferImport.batches_done == index).execute()
        if not claimed:
            return True  # another worker took this batch
        with database.atomic() as batch:
            counts = write_rows(record, index)
            if counts is None:
                batch.rollback()  # nothing of a stopped batch stays
        if counts is None:
            DataTransferImport.update(batches_done=index, state="failed", failure="A row failed while importing.",
                                      updated_at=utcnow()).where(DataTransferImport.id == import_id).execute()
            return False
        DataTransferImport.update(
            processed_rows=DataTransferImport.processed_rows + counts["processed"],
            invalid_rows=DataTransferImport.invalid_rows + counts["invalid"],
            errors_count=DataTransferImport.errors_count + counts["invalid"],
            created_count=DataTransferImport.created_count + counts["created"],
            updated_count=DataTransferImport.updated_count + counts["updated"],
            deleted_count=DataTransferImport.deleted_count + counts["deleted"],
        ).where(DataTransferImport.id == import_id).execute()
        if index + 1 >= batch_count(record):
            finish(DataTransferImport.get_by_id(import_id))
    return True


def write_rows(record: DataTransferImport, index: int) -> dict | None:
    """Write one batch's rows (inside the caller's transaction); None when stop-on-errors meets a bad row."""
    importer = IMPORTERS[record.type]
    rows = rows_of(record)
    start = index * record.batch_size
    skipped = set(record.invalid_row_numbers)
    counts = {"processed": 0, "invalid": 0, "created": 0, "updated": 0, "deleted": 0}
    touched = []
    for number, row in enumerate(rows[start:start + record.batch_size], start=start + 2):
        counts["processed"] += 1
        if number in skipped:
            continue
        if check_row(importer, row, {}, record.action):
            if record.validation_strategy != "skip-errors":
                return None
            counts["invalid"] += 1
            continue
        outcome, key = importer.write(row, record.action)
        if outcome in counts:
            counts[outcome] += 1
        touched.append(key)
    if record.type == "products":
        reindex_products(touched)
    return counts


def finish(record: DataTransferImport):
    DataTransferImport.update(state="processed", updated_at=utcnow()).where(
        DataTransferImport.id == record.id, DataTransferImport.state == "processing").execute()


def run(import_id: int) -> int:
    """Every remaining batch, one transaction each (the background job); returns how many ran."""
    ran = 0
    while process_batch(import_id):
        ran += 1
    return ran


def link(record: DataTransferImport):
    if record.state != "processed":
        raise refuse("The import has not finished processing.", "import_not_processed")
    DataTransferImport.update(state="linked", updated_at=utcnow()).where(DataTransferImport.id == record.id).execute()


def index(record: DataTransferImport):
    """The last stage: the imported products' search documents are rebuilt, the import completes."""
    if record.state != "linked":
        raise refuse("The import has not been linked.", "import_not_linked")
    if record.type == "products" and record.action == "append":
        skus = [row.get("sku") for row in rows_of(record)]
        for start in range(0, len(skus), 500):
            ids = [pid for (pid,) in Product.select(Product.id).where(Product.sku.in_(skus[start:start + 500])).tuples()]
            reindex_products(ids)
    DataTransferImport.update(state="completed", completed_at=utcnow(), updated_at=utcnow()).where(
        DataTransferImport.id == record.id).execute()


def cancel(record: DataTransferImport):
    if record.state in TERMINAL:
        raise ApiError(422, f"The import is {record.state} and cannot be cancelled.", "import_finished",
                       {"state": [f"The import is {record.state}."]})
    DataTransferImport.update(state="cancelled", updated_at=utcnow()).where(DataTransferImport.id == record.id).execute()


def sample(kind: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(IMPORTERS[kind].sample)
    return buffer.getvalue().encode("utf-8")
