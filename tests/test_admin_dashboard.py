"""Admin dashboard over REST and GraphQL: each section's figures equal hand sums of known orders in a
window (base currency, canceled orders excepted), today's orders, stock alerts at the configured
threshold, top products and customers, and an unknown section refused."""
import datetime
from decimal import Decimal as D

from domain.sales.store_config import set_config
from storage.db import database
from storage.models import CoreConfig
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.order_fixtures import Line, create_order, default_source, make_product
from tests.report_fixtures import place_orders

BASE = "/api/admin/dashboard/stats"


def section(admin_client, **params):
    response = admin_client.get(BASE, params=params)
    assert response.status_code == 200, response.text
    [document] = response.json()
    return document


def test_over_all_cards(admin_client):
    window = place_orders(2021)["window"]
    document = section(admin_client, type="over-all", **window)
    assert (document["type"], document["dateRange"]) == ("over-all", "01 Mar - 10 Mar")
    cards = document["statistics"]
    assert cards["total_orders"] == {"previous": 1, "current": 3, "progress": 200.0}
    assert cards["total_sales"] == {"previous": 110, "current": 253.05, "formatted_total": "$253.05", "progress": 130.05}
    assert cards["avg_sales"]["current"] == 84.35 and cards["avg_sales"]["formatted_total"] == "$84.35"
    assert set(cards["total_unpaid_invoices"]) == {"total", "formatted_total"}
    assert section(admin_client, **window)["type"] == "over-all"  # the default section


def test_sales_chart_and_top_lists(admin_client):
    window = place_orders(2022)["window"]
    chart = section(admin_client, type="total-sales", **window)["statistics"]
    assert chart["total_sales"]["current"] == 253.05 and chart["total_orders"]["current"] == 3
    assert len(chart["over_time"]) == 10
    assert chart["over_time"][3] == {"label": "04 Mar", "total": 133.05, "count": 2}
    products = section(admin_client, type="top-selling-products", **window)["statistics"]
    assert [(row["name"], row["revenue"], row["formatted_revenue"]) for row in products] == \
        [("Report Chair 2022", "160.0000", "$160.00"), ("Report Lamp 2022", "75.0000", "$75.00")]
    assert products[0]["price"] == "40.0000" and products[0]["images"] == []
    customers = section(admin_client, type="top-customers", **window)["statistics"]
    assert [(row["email"], row["total"], row["orders"]) for row in customers] == \
        [("ann2022@example.com", "180.0000", 2), ("bob2022@example.com", "73.0500", 1)]
    visitors = section(admin_client, type="total-visitors", **window)["statistics"]
    assert visitors["total"] == {"previous": 0, "current": 0, "progress": 0} and len(visitors["over_time"]) == 10


def test_today_lists_todays_orders(admin_client):
    product = make_product("12.50", {default_source(): 10}, name="Dashboard Today Mug")
    order = create_order(None, [Line(product, 2, D("12.50"))], shipping="5.00", email="today@example.com")
    today = section(admin_client, type="today")["statistics"]
    assert today["total_orders"]["current"] >= 1
    row = next(row for row in today["orders"] if row["id"] == order.id)
    assert row["base_grand_total"] == "30.0000" and row["formatted_base_grand_total"] == "$30.00"
    assert row["items"] == "Dashboard Today Mug × 2" and row["billing_address"] == "Los Angeles, US"
    assert row["payment_method"] == "Cash On Delivery"  # invoiced at once (seeded payment setting): processing
    assert (row["status"], row["status_label"]) == ("processing", "Processing")
    assert row["created_at"].startswith(datetime.datetime.now(datetime.timezone.utc).strftime("%d %b %Y"))


def test_stock_alerts_follow_the_configured_threshold(admin_client):
    try:
        with database.connection_context():
            set_config("catalog.inventory.stock_options.stock_threshold", "-1")
        assert section(admin_client, type="stock-threshold-products")["statistics"] == []
        with database.connection_context():
            set_config("catalog.inventory.stock_options.stock_threshold", "2")
        rows = section(admin_client, type="stock-threshold-products")["statistics"]
        assert 1 <= len(rows) <= 5 and all(int(row["total_qty"]) <= 2 for row in rows)
        assert [int(row["total_qty"]) for row in rows] == sorted(int(row["total_qty"]) for row in rows)
        assert set(rows[0]) == {"id", "sku", "name", "price", "formatted_price", "total_qty", "image"}
    finally:
        with database.connection_context():
            CoreConfig.delete().where(CoreConfig.code == "catalog.inventory.stock_options.stock_threshold").execute()


def test_unknown_section_and_graphql(admin_client, admin_graphql):
    refused = admin_client.get(BASE, params={"type": "weather"})
    assert refused.status_code == 400
    assert refused.json() == {"message": "Invalid dashboard stat type.", "error": "invalid-type", "errors": {"type": [
        "Must be one of: over-all, today, stock-threshold-products, total-sales, total-visitors, top-selling-products, "
        "top-customers."]}}
    place_orders(2023)
    data = admin_graphql("""{ statsAdminDashboard(type: "over-all", start: "2023-03-01", end: "2023-03-10", channel: "default") {
        type dateRange statistics } }""")["data"]["statsAdminDashboard"]
    assert data["type"] == "over-all" and data["dateRange"] is None
    assert data["statistics"]["total_sales"]["current"] == 253.05
