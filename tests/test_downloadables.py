"""Downloadable purchases: recorded when the order is placed, available once a paid invoice covers
them, downloads counted atomically up to the limit, files from the media folder, URLs by redirect."""
import threading
from decimal import Decimal

import pytest

from domain.sales import documents as sales_documents
from handlers.shop.downloadables import count_download
from storage.db import database
from storage.sales_models import DownloadableLinkPurchased, Invoice
from tests.customer_fixtures import customer, other_customer  # noqa: F401 (fixtures)
from tests.order_fixtures import Line, add_link, create_order, graphql_error, make_product, payment_config

D = Decimal
PDF_BYTES = b"%PDF-1.4 the finance guide"
WORKBOOK_URL = "https://cdn.example.com/files/budget-workbook.xlsx"


@pytest.fixture
def media(tmp_path, monkeypatch):
    monkeypatch.setenv("DOWNLOADS_ROOT", str(tmp_path))
    (tmp_path / "downloadable").mkdir()
    (tmp_path / "downloadable" / "finance-guide.pdf").write_bytes(PDF_BYTES)
    return tmp_path


def downloadable_product(guide_downloads=2, workbook_downloads=0):
    product = make_product("0", kind="downloadable", name="Order Test Finance Guide")
    guide = add_link(product, "Full eBook (PDF)", guide_downloads, file="downloadable/finance-guide.pdf", price="19.00")
    workbook = add_link(product, "Budget Workbook", workbook_downloads, kind="url", url=WORKBOOK_URL, price="9.00")
    return product, guide, workbook


def buy(customer, links, qty=1, invoice_status="pending"):
    product, guide, workbook = links
    with payment_config("cashondelivery", generate_invoice=True, invoice_status=invoice_status):
        order = create_order(customer["id"], [Line(product, qty, D("28.00"), additional={"links": [guide, workbook]})],
                             shipping="0")
    with database.connection_context():
        purchases = {row.name: row for row in DownloadableLinkPurchased.select()
                     .where(DownloadableLinkPurchased.order == order.id)}
    return order, purchases


def document(client, customer, purchase_id):
    response = client.get(f"/api/shop/customer-downloadable-products/{purchase_id}", headers=customer["headers"])
    assert response.status_code == 200, response.text
    return response.json()


def download(client, customer, purchase_id):
    return client.get(f"/api/shop/customer-downloadable-products/{purchase_id}/download", headers=customer["headers"],
                      follow_redirects=False)


def test_purchase_waits_for_a_paid_invoice_then_counts_down_to_expired(client, customer, media):
    order, purchases = buy(customer, downloadable_product(guide_downloads=2))
    guide = purchases["Full eBook (PDF)"]
    first = document(client, customer, guide.id)
    assert {key: first[key] for key in ("productName", "name", "file", "fileName", "type", "downloadBought",
                                        "downloadUsed", "downloadCanceled", "status", "remainingDownloads",
                                        "orderId", "customerId")} == {
        "productName": "Order Test Finance Guide", "name": "Full eBook (PDF)",
        "file": "downloadable/finance-guide.pdf", "fileName": "finance-guide.pdf", "type": "file",
        "downloadBought": 2, "downloadUsed": 0, "downloadCanceled": 0, "status": "pending",
        "remainingDownloads": 2, "orderId": order.id, "customerId": customer["id"]}
    # invoiced (pending payment) and nothing to ship: the order is complete, the download waits for payment
    assert first["order"] == {"id": order.id, "incrementId": str(order.id), "status": "completed", "grandTotal": 28}
    assert first["downloadUrl"] == f"http://127.0.0.1:8000/api/shop/customer-downloadable-products/{guide.id}/download"

    refused = download(client, customer, guide.id)
    assert (refused.status_code, refused.json()["error"]) == (403, "download_not_available")

    with database.connection_context():
        sales_documents.mark_invoice_paid(Invoice.get(Invoice.order == order.id))
    assert document(client, customer, guide.id)["status"] == "available"

    for used in (1, 2):
        response = download(client, customer, guide.id)
        assert response.status_code == 200
        assert response.content == PDF_BYTES
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["content-disposition"] == 'attachment; filename="finance-guide.pdf"'
        assert document(client, customer, guide.id)["downloadUsed"] == used
    after = document(client, customer, guide.id)
    assert (after["status"], after["remainingDownloads"]) == ("expired", 0)
    exhausted = download(client, customer, guide.id)
    assert exhausted.status_code == 403
    assert exhausted.json() == {"message": "Download limit reached: every download of this link has been used.",
                                "error": "download_limit_reached"}
    assert document(client, customer, guide.id)["downloadUsed"] == 2


def test_url_links_redirect_and_unlimited_links_have_no_remaining(client, customer, media):
    _order, purchases = buy(customer, downloadable_product(), invoice_status="paid")
    workbook = purchases["Budget Workbook"]
    for _ in range(3):
        response = download(client, customer, workbook.id)
        assert (response.status_code, response.headers["location"]) == (302, WORKBOOK_URL)
    after = document(client, customer, workbook.id)
    assert (after["type"], after["fileName"], after["downloadBought"], after["downloadUsed"],
            after["remainingDownloads"], after["status"]) == ("url", "budget-workbook.xlsx", 0, 3, None, "available")


def test_downloads_bought_scale_with_quantity_and_only_chosen_links_are_bought(client, customer, media):
    product, guide, workbook = downloadable_product(guide_downloads=3)
    with payment_config("cashondelivery", generate_invoice=True, invoice_status="paid"):
        order = create_order(customer["id"], [Line(product, 2, D("19.00"), additional={"links": [guide]})],
                             shipping="0")
    with database.connection_context():
        rows = [(row.name, row.download_bought, row.status) for row in
                DownloadableLinkPurchased.select().where(DownloadableLinkPurchased.order == order.id)]
    assert rows == [("Full eBook (PDF)", 6, "available")]


def test_concurrent_downloads_never_exceed_the_limit(customer):
    _order, purchases = buy(customer, downloadable_product(guide_downloads=3), invoice_status="paid")
    purchase_id = purchases["Full eBook (PDF)"].id
    results, start = [], threading.Barrier(8)

    def attempt():
        start.wait()
        with database.connection_context():
            results.append(count_download(purchase_id))

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True] * 3
    with database.connection_context():
        row = DownloadableLinkPurchased.get_by_id(purchase_id)
    assert (row.download_used, row.status) == (3, "expired")


def test_missing_file_is_404_and_not_counted(client, customer, tmp_path, monkeypatch):
    monkeypatch.setenv("DOWNLOADS_ROOT", str(tmp_path))
    _order, purchases = buy(customer, downloadable_product(), invoice_status="paid")
    guide = purchases["Full eBook (PDF)"]
    response = download(client, customer, guide.id)
    assert (response.status_code, response.json()["error"]) == (404, "file_not_found")
    assert document(client, customer, guide.id)["downloadUsed"] == 0


def test_canceling_the_order_expires_its_downloads(client, customer, media):
    with payment_config("cashondelivery", generate_invoice=False):
        product, guide, workbook = downloadable_product(guide_downloads=4)
        order = create_order(customer["id"], [Line(product, 1, D("28.00"), additional={"links": [guide, workbook]})])
    with database.connection_context():
        sales_documents.cancel_order(order)
        rows = {row.name: (row.status, row.download_canceled) for row in
                DownloadableLinkPurchased.select().where(DownloadableLinkPurchased.order == order.id)}
    assert rows == {"Full eBook (PDF)": ("expired", 4), "Budget Workbook": ("expired", 0)}
    guide_id = [p["id"] for p in client.get("/api/shop/customer-downloadable-products", headers=customer["headers"]
                                            ).json() if p["name"] == "Full eBook (PDF)"][0]
    assert document(client, customer, guide_id)["remainingDownloads"] == 0
    assert download(client, customer, guide_id).json()["error"] == "download_limit_reached"


def test_another_customers_purchase_is_404(client, graphql, customer, other_customer, media):
    _order, purchases = buy(other_customer, downloadable_product(), invoice_status="paid")
    guide = purchases["Full eBook (PDF)"]
    expected = {"message": f'Customer downloadable product with ID "{guide.id}" not found', "error": "not_found"}
    for path in (f"/api/shop/customer-downloadable-products/{guide.id}",
                 f"/api/shop/customer-downloadable-products/{guide.id}/download"):
        response = client.get(path, headers=customer["headers"])
        assert (response.status_code, response.json()) == (404, expected)
    assert client.get("/api/shop/customer-downloadable-products", headers=customer["headers"]).json() == []
    result = graphql('query($id: ID!) { customerDownloadableProduct(id: $id) { _id } }',
                     {"id": f"/api/shop/customer-downloadable-products/{guide.id}"}, customer["headers"])
    assert result["data"]["customerDownloadableProduct"] is None
    assert result["errors"][0]["message"] == expected["message"]
    with database.connection_context():
        assert DownloadableLinkPurchased.get_by_id(guide.id).download_used == 0


def test_rest_list_and_graphql_twins(client, graphql, customer, media):
    older_order, older = buy(customer, downloadable_product(), invoice_status="pending")
    newer_order, newer = buy(customer, downloadable_product(), invoice_status="paid")

    listed = client.get("/api/shop/customer-downloadable-products", params={"per_page": 3},
                        headers=customer["headers"])
    assert listed.headers["X-Total-Count"] == "4"
    assert [row["orderId"] for row in listed.json()] == [newer_order.id, newer_order.id, older_order.id]
    pending = client.get("/api/shop/customer-downloadable-products", params={"status": "pending"},
                         headers=customer["headers"])
    assert sorted(row["id"] for row in pending.json()) == sorted(row.id for row in older.values())

    query = """query($status: String) { customerDownloadableProducts(first: 10, status: $status) { totalCount
      edges { node { id _id productName name fileName type downloadBought downloadUsed remainingDownloads status
        downloadUrl order { id _id incrementId status grandTotal } } } } }"""
    result = graphql(query, {"status": "available"}, customer["headers"])
    assert "errors" not in result, result
    connection = result["data"]["customerDownloadableProducts"]
    assert connection["totalCount"] == 2
    nodes = {edge["node"]["name"]: edge["node"] for edge in connection["edges"]}
    guide = nodes["Full eBook (PDF)"]
    assert guide == {
        "id": f"/api/shop/customer-downloadable-products/{newer['Full eBook (PDF)'].id}",
        "_id": newer["Full eBook (PDF)"].id, "productName": "Order Test Finance Guide", "name": "Full eBook (PDF)",
        "fileName": "finance-guide.pdf", "type": "file", "downloadBought": 2, "downloadUsed": 0,
        "remainingDownloads": 2, "status": "available",
        "downloadUrl": "http://127.0.0.1:8000/api/shop/customer-downloadable-products/"
                       f"{newer['Full eBook (PDF)'].id}/download",
        "order": {"id": f"/api/shop/customer-orders/{newer_order.id}", "_id": newer_order.id,
                  "incrementId": str(newer_order.id), "status": "completed", "grandTotal": 28.0}}
    assert nodes["Budget Workbook"]["remainingDownloads"] is None
    single = graphql('query($id: ID!) { customerDownloadableProduct(id: $id) { _id status } }',
                     {"id": str(older["Budget Workbook"].id)}, customer["headers"])
    assert single["data"]["customerDownloadableProduct"] == {"_id": older["Budget Workbook"].id, "status": "pending"}
    bad = graphql_error(client, '{ customerDownloadableProducts(status: "gone") { totalCount } }',
                        headers=customer["headers"])
    assert (bad["extensions"]["code"], list(bad["extensions"]["errors"])) == ("VALIDATION_FAILED", ["status"])
