"""Admin reporting over REST and GraphQL: totals equal hand-computed sums of known orders in a date range
(base currency, canceled orders excepted), the previous window and progress, buckets by day, week,
month and year, ranked tables, the detailed view and its CSV export, channel scope and bad input.

Each test places its orders in a year of its own, so the windows never see another test's orders.
"""
import csv
import io
import uuid

from storage.customer_models import Customer
from storage.db import database
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.report_fixtures import at, place_orders

BASE = "/api/admin/reporting"


def report(admin_client, path: str, **params) -> dict:
    response = admin_client.get(f"{BASE}/{path}", params=params)
    assert response.status_code == 200, response.text
    [document] = response.json()
    return document


def test_total_sales_equal_the_hand_sums_with_progress_and_day_buckets(admin_client):
    orders = place_orders(2011)
    document = report(admin_client, "sales", type="total-sales", **orders["window"])
    assert (document["entity"], document["type"]) == ("sales", "total-sales")
    assert document["dateRange"] == {"previous": "19 Feb 2011 - 28 Feb 2011", "current": "01 Mar 2011 - 10 Mar 2011"}
    sales = document["statistics"]["sales"]
    assert sales == {"previous": 110, "current": 253.05, "formatted_total": "$253.05", "progress": 130.05}
    current = document["statistics"]["over_time"]["current"]
    assert [point["label"] for point in current] == [f"{day:02d} Mar" for day in range(1, 11)]
    assert {point["label"]: (point["total"], point["count"]) for point in current if point["count"]} == \
        {"04 Mar": (133.05, 2), "06 Mar": (120, 1)}
    previous = document["statistics"]["over_time"]["previous"]
    assert len(previous) == 10 and sum(point["total"] for point in previous) == 110
    overview = report(admin_client, "stats", **orders["window"])
    assert overview["entity"] == "overview" and overview["statistics"]["sales"]["current"] == 253.05


def test_other_sales_figures(admin_client):
    window = place_orders(2012)["window"]
    figures = {kind: report(admin_client, "sales", type=kind, **window)["statistics"]
               for kind in ("average-sales", "total-orders", "tax-collected", "shipping-collected")}
    assert figures["average-sales"]["sales"]["current"] == 84.35  # 253.05 / 3
    assert figures["average-sales"]["sales"]["previous"] == 110
    assert figures["total-orders"]["orders"] == {"previous": 1, "current": 3, "progress": 200.0}
    assert figures["tax-collected"]["tax_collected"]["current"] == 2.5
    assert figures["shipping-collected"]["shipping_collected"]["current"] == 15.55
    quantities = report(admin_client, "products", type="total-sold-quantities", **window)["statistics"]["quantities"]
    assert (quantities["previous"], quantities["current"]) == (4, 7)


def test_grouping_by_week_month_and_year(admin_client):
    window = place_orders(2013)["window"]  # 2013-03-01 is a Friday
    weeks = report(admin_client, "sales", type="total-sales", period="week", **window)["statistics"]["over_time"]["current"]
    assert [(point["label"], point["total"], point["count"]) for point in weeks] == \
        [("25 Feb", 0, 0), ("04 Mar", 253.05, 3)]
    months = report(admin_client, "sales", type="total-sales", start="2013-02-01", end="2013-03-31",
                    period="month")["statistics"]
    assert [(point["label"], point["total"]) for point in months["over_time"]["current"]] == \
        [("Feb 2013", 110), ("Mar 2013", 253.05)]
    years = report(admin_client, "sales", type="total-orders", start="2012-06-01", end="2013-12-31", period="year")
    assert [(point["label"], point["total"]) for point in years["statistics"]["over_time"]["current"]] == \
        [("2012", 0), ("2013", 4)]
    auto = report(admin_client, "sales", type="total-sales", start="2013-01-01", end="2013-05-31")
    assert auto["statistics"]["over_time"]["current"][0]["label"] == "31 Dec"  # weeks (from Monday) for 5 months


def test_ranked_tables(admin_client):
    orders = place_orders(2014)
    window = orders["window"]
    customers = report(admin_client, "customers", type="customers-with-most-sales", **window)["statistics"]
    assert [(row["email"], row["total"], row["orders"], row["formatted_total"]) for row in customers] == \
        [("ann2014@example.com", 180, 2, "$180.00"), ("bob2014@example.com", 73.05, 1, "$73.05")]
    by_orders = report(admin_client, "customers", type="customers-with-most-orders", **window)["statistics"]
    assert by_orders[0]["email"] == "ann2014@example.com" and by_orders[0]["orders"] == 2
    products = report(admin_client, "products", type="top-selling-products-by-revenue", **window)["statistics"]
    assert [(row["name"], row["revenue"], row["quantity"]) for row in products] == \
        [("Report Chair 2014", 160, 4), ("Report Lamp 2014", 75, 3)]
    by_quantity = report(admin_client, "products", type="top-selling-products-by-quantity", **window)["statistics"]
    assert [row["quantity"] for row in by_quantity] == [4, 3]
    methods = report(admin_client, "sales", type="top-payment-methods", **window)["statistics"]
    assert [(row["method"], row["orders"], row["total"]) for row in methods] == \
        [("cashondelivery", 2, 180), ("moneytransfer", 1, 73.05)]
    funnel = report(admin_client, "sales", type="purchase-funnel", **window)["statistics"]
    assert funnel[-1] == {"stage": "Orders Placed", "total": 3}


def test_new_customers_by_day(admin_client):
    with database.connection_context():
        for day in (2, 2, 9):
            Customer.create(first_name="New", last_name="Customer", email=f"new-{uuid.uuid4().hex[:8]}@example.com",
                            password="x", api_token=uuid.uuid4().hex, channel=1, customer_group=2,
                            created_at=at(2015, 3, day), updated_at=at(2015, 3, day))
    document = report(admin_client, "customers", type="total-customers", start="2015-03-01", end="2015-03-10")
    assert document["statistics"]["customers"] == {"previous": 0, "current": 3, "progress": 100.0}
    points = {point["label"]: point["total"] for point in document["statistics"]["over_time"]["current"]}
    assert (points["02 Mar"], points["09 Mar"], points["05 Mar"]) == (2, 1, 0)
    groups = report(admin_client, "customers", type="top-customer-groups", start="2015-03-01", end="2015-03-10")
    assert groups["statistics"] == [{"id": 2, "name": "General", "total": 3}]


def test_view_and_csv_export(admin_client):
    window = place_orders(2016)["window"]
    detail = report(admin_client, "sales/view", type="total-sales", **window)
    assert detail["statistics"]["columns"] == [{"key": "date", "label": "Date"}, {"key": "total", "label": "Total Sales"},
                                               {"key": "count", "label": "Orders"}]
    records = {record["date"]: record for record in detail["statistics"]["records"]}
    assert len(records) == 10 and records["2016-03-04"] == {"date": "2016-03-04", "total": "$133.05", "count": 2}
    top = report(admin_client, "products/view", type="top-selling-products-by-revenue", **window)["statistics"]
    assert top["records"][0] == {"name": "Report Chair 2016", "sku": top["records"][0]["sku"], "revenue": "$160.00",
                                 "quantity": 4}
    response = admin_client.get(f"{BASE}/customers/export", params={"type": "customers-with-most-sales", **window},
                                headers={"Accept": "text/csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="customers-report.csv"' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows == [["Customer", "Email", "Total Sales", "Orders"], ["Jane Doe", "ann2016@example.com", "$180.00", "2"],
                    ["Jane Doe", "bob2016@example.com", "$73.05", "1"]]
    bad = admin_client.get(f"{BASE}/sales/export", params={"format": "xlsx"}, headers={"Accept": "text/csv"})
    assert bad.status_code == 422
    assert admin_client.get(f"{BASE}/sales/export", headers={"Accept": "application/json"}).status_code == 406


def test_channel_scope_and_bad_input(admin_client):
    window = place_orders(2017)["window"]
    scoped = report(admin_client, "sales", type="total-sales", channel="default", **window)
    assert scoped["statistics"]["sales"]["current"] == 253.05
    unknown = admin_client.get(f"{BASE}/sales", params={"channel": "nowhere", **window})
    assert unknown.status_code == 422 and set(unknown.json()["errors"]) == {"channel"}
    wrong_type = admin_client.get(f"{BASE}/products", params={"type": "total-sales"})
    assert wrong_type.status_code == 422 and set(wrong_type.json()["errors"]) == {"type"}
    backwards = admin_client.get(f"{BASE}/sales", params={"start": "2017-03-10", "end": "2017-03-01"})
    assert backwards.status_code == 422 and set(backwards.json()["errors"]) == {"end"}
    too_fine = admin_client.get(f"{BASE}/sales", params={"start": "2000-01-01", "end": "2017-01-01", "period": "day"})
    assert too_fine.status_code == 422 and set(too_fine.json()["errors"]) == {"period"}
    not_a_date = admin_client.get(f"{BASE}/sales", params={"start": "yesterday"})
    assert not_a_date.status_code == 422 and set(not_a_date.json()["errors"]) == {"start"}


def test_graphql_reports(admin_graphql):
    place_orders(2018)
    data = admin_graphql("""{
        sales: statsAdminReportingSales(type: "total-sales", start: "2018-03-01", end: "2018-03-10") { entity type dateRange statistics }
        overview: statsAdminReportingOverview(type: "total-orders", start: "2018-03-01", end: "2018-03-10", channel: "default") { statistics }
        view: viewStatsAdminReportingProducts(type: "top-selling-products-by-quantity", start: "2018-03-01", end: "2018-03-10") { statistics }
        customers: statsAdminReportingCustomers(type: "customers-with-most-orders", start: "2018-03-01", end: "2018-03-10") { statistics }
        salesView: viewStatsAdminReportingSales(type: "total-orders", start: "2018-03-01", end: "2018-03-10", period: "month") { statistics }
        customersView: viewStatsAdminReportingCustomers(type: "customers-with-most-sales", start: "2018-03-01", end: "2018-03-10") { statistics }
        products: statsAdminReportingProducts(start: "2018-03-01", end: "2018-03-10") { type statistics } }""")["data"]
    assert data["sales"]["statistics"]["sales"]["current"] == 253.05
    assert data["sales"]["dateRange"]["current"] == "01 Mar 2018 - 10 Mar 2018"
    assert data["overview"]["statistics"]["orders"]["current"] == 3
    assert [record["quantity"] for record in data["view"]["statistics"]["records"]] == [4, 3]
    assert data["customers"]["statistics"][0]["orders"] == 2
    assert data["salesView"]["statistics"]["records"] == [{"date": "2018-03", "total": 3}]
    assert data["customersView"]["statistics"]["records"][0]["total"] == "$180.00"
    assert data["products"]["type"] == "total-sold-quantities" and data["products"]["statistics"]["quantities"]["current"] == 7
