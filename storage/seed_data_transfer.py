"""Demo imports: a short history of CSV imports in several states, with their files in the media storage.

Import 3 is a validated product file ready to start, import 12 a product file part-way through
(one batch of ten written, one invalid row reported), the others finished or cancelled runs.
"""
import datetime

from storage.data_transfer_models import DataTransferImport
from storage.files import media_storage

START = datetime.datetime(2026, 5, 25, 9, 0, 0)
PRODUCT_HEADER = "sku,type,name,price,status,qty,url_key\n"


def product_file(prefix: str, count: int, bad_row: int | None = None) -> str:
    lines = []
    for number in range(1, count + 1):
        price = "abc" if number + 1 == bad_row else f"{10 + number}.50"
        lines.append(f"{prefix}-{number},simple,Imported {prefix} {number},{price},1,{number * 2},\n")
    return PRODUCT_HEADER + "".join(lines)


# (type, state, file name, file text or None, processed rows, summary created)
HISTORY = (
    ("tax_rates", "completed", "tax-rates.csv", "identifier,country,tax_rate\nDEMO-TX-1,US,5\n", 1, 1),
    ("customers", "completed", "customers.csv", None, 40, 40),
    ("products", "validated", "products.csv", product_file("DEMO-IMP-A", 2), 0, 0),
    ("products", "completed", "products.csv", None, 150, 100),
    ("customers", "cancelled", "customers.csv", None, 0, 0),
    ("tax_rates", "failed", "tax-rates.csv", None, 0, 0),
    ("products", "completed", "products.csv", None, 12, 12),
    ("products", "completed", "products.csv", None, 30, 30),
    ("customers", "completed", "customers.csv", None, 8, 8),
    ("tax_rates", "completed", "tax-rates.csv", None, 4, 4),
    ("products", "cancelled", "products.csv", None, 0, 0),
    ("products", "processing", "products.csv", product_file("DEMO-IMP-B", 25, bad_row=5), 10, 9),
)


def seed_data_transfer():
    if DataTransferImport.select().exists():
        return
    storage = media_storage()
    for number, (kind, state, name, text, processed, created) in enumerate(HISTORY, start=1):
        path = None
        if text is not None:
            path = f"imports/demo-{number}/{name}"
            storage.save(path, text.encode())
        values = {"type": kind, "action": "append", "state": state, "validation_strategy": "skip-errors",
                  "allowed_errors": 10, "file_name": name, "file_path": path,
                  "file_size": len(text.encode()) if text else 0,
                  "total_rows": text.count("\n") - 1 if text else processed, "processed_rows": processed,
                  "created_count": created, "updated_count": processed - created if state == "completed" else 0,
                  "batch_size": 10, "batches_done": -(-processed // 10),
                  "created_at": START + datetime.timedelta(days=number), "updated_at": START + datetime.timedelta(days=number)}
        if number == 12:
            report = f"imports/demo-{number}/error-report.csv"
            storage.save(report, b"row,column,value,error\n5,price,abc,The price must be a number between 0 and 999999999.\n")
            values.update(invalid_rows=1, errors_count=1, invalid_row_numbers=[5], error_report_path=report,
                          started_at=START + datetime.timedelta(days=number))
        DataTransferImport.create(**values)
