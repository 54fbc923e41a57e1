"""Admin data transfer imports: upload, validate (error report by row number), batches written by the
background job (each in one transaction, resumed after a crash without duplicates), cancel, stats,
downloads and samples; REST and GraphQL."""
import csv
import io
from decimal import Decimal

import pytest

from domain.data_transfer import imports
from domain.jobs import huey, run_queued
from storage.customer_models import Customer
from storage.data_transfer_models import DataTransferImport
from storage.db import database
from storage.models import Product, ProductInventory, ProductTranslation, TaxRate
from storage.search_models import ProductSearchDocument
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.product_fixtures import media_root  # noqa: F401 (fixture)

BASE = "/api/admin/settings/data-transfer/imports"
PRODUCT_HEADER = "sku,type,name,price,status,qty,url_key\n"


@pytest.fixture
def clean_imports(media_root):
    run_queued()
    with database.connection_context():
        seeded = DataTransferImport.select(DataTransferImport.id).order_by(DataTransferImport.id.desc()).scalar() or 0
    yield
    with database.connection_context():
        DataTransferImport.delete().where(DataTransferImport.id > seeded).execute()
        skus = [sku for (sku,) in Product.select(Product.sku).where(Product.sku.startswith("IMP-")).tuples()]
        Product.delete().where(Product.sku.in_(skus)).execute()
        TaxRate.delete().where(TaxRate.identifier.startswith("IMP-")).execute()
        Customer.delete().where(Customer.email.endswith("@import.test")).execute()
    huey.flush()


def upload(admin_client, text: str, kind: str = "products", strategy: str = "skip-errors", allowed: int = 10,
           queue: bool = False, name: str = "products.csv"):
    response = admin_client.post(BASE, data={"type": kind, "action": "append", "validation_strategy": strategy,
                                             "allowed_errors": str(allowed), "field_separator": ",",
                                             "process_in_queue": "true" if queue else "false"},
                                 files={"file": (name, text.encode(), "text/csv")})
    assert response.status_code == 201, response.text
    return response.json()


def small_batches(import_id: int, size: int):
    with database.connection_context():
        DataTransferImport.update(batch_size=size).where(DataTransferImport.id == import_id).execute()


def product(sku: str):
    with database.connection_context():
        row = Product.get_or_none(Product.sku == sku)
        if row is None:
            return None
        name = ProductTranslation.get(ProductTranslation.product == row.id, ProductTranslation.locale == "en").name
        stock = ProductInventory.select().where(ProductInventory.product == row.id).first()
        return {"price": row.price, "status": row.status, "name": name, "qty": stock.qty if stock else None}


def test_bad_rows_are_reported_by_row_number_and_never_written(admin_client, admin_graphql, clean_imports):
    text = (PRODUCT_HEADER
            + "IMP-GOOD-1,simple,Good One,12.50,1,7,imp-good-1\n"
            + "IMP-BAD-PRICE,simple,Bad Price,-3,1,1,\n"          # row 3: negative price
            + "IMP-GOOD-2,simple,Good Two,0.99,0,,\n"
            + ",simple,No Sku,1,1,,\n"                           # row 5: sku missing
            + "IMP-GOOD-1,simple,Again,1,1,,\n"                  # row 6: sku twice in the file
            + "IMP-BAD-NAME,simple,=HYPERLINK(1),abc,1,,\n")     # row 7: price not a number
    created = upload(admin_client, text)
    assert created["state"] == "pending" and created["totalRowsCount"] == 6 and created["type"] == "products"
    assert created["file"] == {"name": "products.csv", "size": len(text.encode())}

    validated = admin_client.post(f"{BASE}/{created['id']}/validate").json()
    assert validated["is_valid"] is True  # skip-errors, 4 errors allowed up to 10
    assert validated["import"]["state"] == "validated"
    assert validated["import"]["invalidRowsCount"] == 4 and validated["import"]["errorsCount"] == 4
    assert product("IMP-GOOD-1") is None  # validation writes nothing

    report = admin_client.get(f"{BASE}/{created['id']}/download-error-report")
    assert report.status_code == 200 and report.headers["content-type"] == "application/octet-stream"
    lines = list(csv.reader(io.StringIO(report.text)))
    assert lines[0] == ["row", "column", "value", "error"]
    assert [(row, column) for row, column, _value, _error in lines[1:]] == [
        ("3", "price"), ("5", "sku"), ("6", "sku"), ("7", "price")]
    assert lines[4][2] == "abc"
    assert lines[1][2] == "'-3"  # a formula-like cell is quoted for spreadsheets

    stats = admin_client.post(f"{BASE}/{created['id']}/start").json()
    assert stats["import"]["state"] == "processed"
    assert stats["stats"] == {"processed": 6, "total": 6, "invalid": 4}
    assert stats["import"]["summary"] == {"created": 2, "updated": 0, "deleted": 0}
    assert product("IMP-GOOD-1") == {"price": Decimal("12.50"), "status": True, "name": "Good One", "qty": 7}
    assert product("IMP-GOOD-2") == {"price": Decimal("0.99"), "status": False, "name": "Good Two", "qty": None}
    assert product("IMP-BAD-PRICE") is None and product("IMP-BAD-NAME") is None
    again = admin_client.post(f"{BASE}/{created['id']}/start")
    assert again.status_code == 400 and again.json()["error"] == "nothing_to_import"

    # the batch rewrote the imported products' search documents, as the admin product writes do
    with database.connection_context():
        titles = {title for (title,) in ProductSearchDocument.select(ProductSearchDocument.title).join(Product).where(
            Product.sku.in_(["IMP-GOOD-1", "IMP-GOOD-2"])).tuples()}
    assert titles == {"Good One", "Good Two"}

    linked = admin_graphql("mutation($i: linkAdminSettingsDataTransferImportLinkInput!) { "
                           "linkAdminSettingsDataTransferImportLink(input: $i) { adminSettingsDataTransferImportLink "
                           "{ id state processedRowsCount } } }", {"i": {"importId": created["id"]}})
    assert linked["data"]["linkAdminSettingsDataTransferImportLink"]["adminSettingsDataTransferImportLink"] == {
        "id": created["id"], "state": "linked", "processedRowsCount": 6}
    indexed = admin_client.post(f"{BASE}/{created['id']}/index").json()
    assert indexed["import"]["state"] == "completed"
    cancel = admin_client.post(f"{BASE}/{created['id']}/cancel")
    assert cancel.status_code == 422


def test_stop_on_errors_refuses_an_invalid_file(admin_client, admin_graphql, clean_imports):
    created = upload(admin_client, "identifier,country,tax_rate\nIMP-TX-1,US,5\nIMP-TX-2,USA,5\n",
                     kind="tax_rates", strategy="stop-on-errors", allowed=0, name="rates.csv")
    answer = admin_graphql("mutation($i: validateAdminSettingsDataTransferImportValidateInput!) { "
                           "validateAdminSettingsDataTransferImportValidate(input: $i) { "
                           "adminSettingsDataTransferImportValidate { id isValid state } } }",
                           {"i": {"importId": created["id"]}})
    assert answer["data"]["validateAdminSettingsDataTransferImportValidate"][
        "adminSettingsDataTransferImportValidate"] == {"id": created["id"], "isValid": False, "state": "failed"}
    refused = admin_client.post(f"{BASE}/{created['id']}/start")
    assert refused.status_code == 400 and refused.json()["error"] == "import_not_validated"
    with database.connection_context():
        assert not TaxRate.select().where(TaxRate.identifier.startswith("IMP-")).exists()


def test_a_crashed_import_resumes_with_the_next_batch_without_duplicates(admin_client, clean_imports, monkeypatch):
    rows = "".join(f"IMP-CR-{n},simple,Crash {n},{n}.25,1,{n},\n" for n in range(1, 8))
    created = upload(admin_client, PRODUCT_HEADER + rows, queue=True)
    small_batches(created["id"], 3)
    assert admin_client.post(f"{BASE}/{created['id']}/validate").json()["is_valid"] is True

    original, calls = imports.process_batch, []

    def crash_after_first_batch(import_id):
        ran = original(import_id)
        calls.append(ran)
        if len(calls) == 1:
            raise RuntimeError("worker died")
        return ran
    monkeypatch.setattr(imports, "process_batch", crash_after_first_batch)

    started = admin_client.post(f"{BASE}/{created['id']}/start").json()
    assert started["import"]["state"] == "processing" and started["stats"]["processed"] == 0  # queued, not run
    run_queued()
    with database.connection_context():
        record = DataTransferImport.get_by_id(created["id"])
        assert (record.batches_done, record.processed_rows, record.state) == (1, 3, "processing")
        assert Product.select().where(Product.sku.startswith("IMP-CR-")).count() == 3

    run_queued()  # the retry continues with batch 2
    stats = admin_client.get(f"{BASE}/{created['id']}/stats").json()
    assert stats["stats"] == {"processed": 7, "total": 7, "invalid": 0}
    assert stats["import"]["state"] == "processed"
    assert stats["import"]["summary"] == {"created": 7, "updated": 0, "deleted": 0}
    with database.connection_context():
        skus = [sku for (sku,) in Product.select(Product.sku).where(Product.sku.startswith("IMP-CR-")).tuples()]
    assert sorted(skus) == [f"IMP-CR-{n}" for n in range(1, 8)]
    assert product("IMP-CR-5") == {"price": Decimal("5.25"), "status": True, "name": "Crash 5", "qty": 5}


def test_cancel_stops_between_batches(admin_client, admin_graphql, clean_imports):
    rows = "".join(f"imp-c{n}@import.test,First{n},Last{n},,,wholesale,1\n" for n in range(1, 6))
    created = upload(admin_client, "email,first_name,last_name,gender,phone,customer_group,status\n" + rows,
                     kind="customers", name="customers.csv")
    small_batches(created["id"], 2)
    admin_client.post(f"{BASE}/{created['id']}/validate")
    first = admin_client.post(f"{BASE}/{created['id']}/start").json()
    assert first["stats"] == {"processed": 2, "total": 5, "invalid": 0} and first["import"]["state"] == "processing"
    answer = admin_graphql("mutation($i: cancelAdminSettingsDataTransferImportCancelInput!) { "
                           "cancelAdminSettingsDataTransferImportCancel(input: $i) { "
                           "adminSettingsDataTransferImportCancel { id state message } } }",
                           {"i": {"id": f"{BASE}/{created['id']}"}})
    assert answer["data"]["cancelAdminSettingsDataTransferImportCancel"]["adminSettingsDataTransferImportCancel"] == {
        "id": created["id"], "state": "cancelled", "message": "Import cancelled successfully."}
    assert admin_client.post(f"{BASE}/{created['id']}/start").status_code == 400
    assert admin_client.post(f"{BASE}/{created['id']}/cancel").status_code == 422
    with database.connection_context():
        emails = sorted(c.email for c in Customer.select().where(Customer.email.endswith("@import.test")))
        assert emails == ["imp-c1@import.test", "imp-c2@import.test"]
        assert Customer.get(Customer.email == "imp-c1@import.test").customer_group.code == "wholesale"


def test_stats_list_detail_downloads_and_samples(admin_client, admin_graphql, clean_imports, media_root):  # noqa: F811
    text = "identifier,country,state,tax_rate\nIMP-TX-A,US,NY,8.875\n"
    created = upload(admin_client, text, kind="tax_rates", name="rates.csv")
    admin_client.post(f"{BASE}/{created['id']}/validate")
    admin_client.post(f"{BASE}/{created['id']}/start")
    with database.connection_context():
        rate = TaxRate.get(TaxRate.identifier == "IMP-TX-A")
        assert (rate.country, rate.state, rate.tax_rate) == ("US", "NY", Decimal("8.875"))

    scoped = admin_client.get(f"{BASE}/{created['id']}/stats", params={"state": "processed"}).json()
    assert scoped["stats"] == {"processed": 1, "total": 1, "invalid": 0}
    other = admin_client.get(f"{BASE}/{created['id']}/stats", params={"state": "linked"}).json()
    assert other["stats"]["processed"] == 0
    stats = admin_graphql("query($id: ID!) { adminSettingsDataTransferImportStats(id: $id) { id _id type action "
                          "state processedRowsCount invalidRowsCount errorsCount } }",
                          {"id": f"{BASE}/{created['id']}/stats"})
    assert "errors" not in stats, stats
    stats = stats["data"]["adminSettingsDataTransferImportStats"]
    assert stats == {"id": f"{BASE}/{created['id']}/stats", "_id": created["id"], "type": "tax_rates",
                     "action": "append", "state": "processed", "processedRowsCount": 1, "invalidRowsCount": 0,
                     "errorsCount": 0}

    listed = admin_client.get(BASE, params={"type": "tax_rates", "state": "processed"}).json()
    newest = admin_client.get(BASE).json()["data"][0]
    assert newest["id"] == created["id"]  # newest first
    assert [row["id"] for row in listed["data"]] == [created["id"]] and listed["meta"]["total"] == 1
    nodes = admin_graphql("{ adminSettingsDataTransferImports(first: 5, code: \"tax_rates\", state: \"processed\") { totalCount edges "
                          "{ node { id _id code state summary } } } }")["data"]["adminSettingsDataTransferImports"]
    assert nodes["totalCount"] == 1
    assert nodes["edges"][0]["node"] == {"id": f"{BASE}/{created['id']}", "_id": created["id"], "code": "tax_rates",
                                         "state": "processed", "summary": {"created": 1, "updated": 0, "deleted": 0}}
    detail = admin_graphql("query($id: ID!) { adminSettingsDataTransferImport(id: $id) { _id processedRowsCount } }",
                           {"id": f"{BASE}/{created['id']}"})["data"]["adminSettingsDataTransferImport"]
    assert detail == {"_id": created["id"], "processedRowsCount": 1}

    source = admin_client.get(f"{BASE}/{created['id']}/download")
    assert source.status_code == 200 and source.content == text.encode()
    assert (media_root / created["filePath"]).is_file()
    assert admin_client.get(f"/storage/{created['filePath']}").status_code == 404  # never served as media
    assert admin_client.get(f"{BASE}/{created['id']}/download-error-report").status_code == 404

    sample = admin_client.get(f"{BASE}/sample/products/csv")
    assert sample.status_code == 200 and sample.headers["content-type"] == "application/octet-stream"
    assert sample.text.splitlines()[0] == "sku,type,name,price,status,qty,url_key,short_description,description"
    assert 'filename="products-sample.csv"' in sample.headers["content-disposition"]
    assert admin_client.get(f"{BASE}/sample/widgets/csv").status_code == 404
    assert admin_client.get(f"{BASE}/sample/products/xlsx").status_code == 422

    deleted = admin_graphql("mutation($i: deleteAdminSettingsDataTransferImportInput!) { "
                            "deleteAdminSettingsDataTransferImport(input: $i) { adminSettingsDataTransferImport { id } } }",
                            {"i": {"id": f"{BASE}/{created['id']}"}})
    assert deleted["data"]["deleteAdminSettingsDataTransferImport"]["adminSettingsDataTransferImport"] is None
    assert admin_client.get(f"{BASE}/{created['id']}").json()["message"] == "Import not found"


def test_uploads_are_checked_and_graphql_cannot_upload(admin_client, admin_graphql, clean_imports, monkeypatch):
    def post(name, body, **form):
        data = {"type": "products", "action": "append", "validation_strategy": "skip-errors", "allowed_errors": "0",
                "field_separator": ",", **form}
        return admin_client.post(BASE, data=data, files={"file": (name, body, "text/csv")})
    assert post("p.xlsx", b"sku\nA\n").json()["errors"] == {"file": ["The file must be a file of type: csv."]}
    assert "unknown columns: colour" in post("p.csv", b"sku,colour\nA,red\n").json()["errors"]["file"][0]
    assert post("p.csv", b"name\nA\n").status_code == 422
    monkeypatch.setenv("MAX_IMPORT_ROWS", "2")
    assert "more than 2 rows" in post("p.csv", b"sku\nA\nB\nC\n").json()["errors"]["file"][0]
    assert post("p.csv", b"sku\nA\n", validation_strategy="maybe").status_code in (400, 422)

    created = upload(admin_client, PRODUCT_HEADER + "IMP-U-1,simple,U,1,1,,\n")
    changed = admin_client.put(f"{BASE}/{created['id']}", data={
        "type": "products", "action": "append", "validation_strategy": "stop-on-errors", "allowed_errors": "0",
        "field_separator": ";"}, files={"file": ("next.csv", b"sku;name;price\nIMP-U-2;U2;3\n", "text/csv")})
    assert changed.status_code == 200, changed.text
    assert changed.json()["file"]["name"] == "next.csv" and changed.json()["fieldSeparator"] == ";"
    assert admin_client.post(f"{BASE}/{created['id']}/validate").json()["is_valid"] is True
    admin_client.post(f"{BASE}/{created['id']}/start")
    assert product("IMP-U-2")["price"] == Decimal("3") and product("IMP-U-1") is None

    refused = admin_graphql("mutation($i: createAdminSettingsDataTransferImportInput!) { "
                            "createAdminSettingsDataTransferImport(input: $i) { adminSettingsDataTransferImport { id } } }",
                            {"i": {"type": "products", "action": "append"}})
    assert "multipart/form-data" in refused["errors"][0]["message"]


def test_every_setting_is_required(admin_client, clean_imports):
    response = admin_client.post(BASE, data={"type": "products"}, files={"file": ("p.csv", b"sku\nA\n", "text/csv")})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"action", "validation_strategy", "allowed_errors", "field_separator"}
