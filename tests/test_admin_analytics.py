"""Admin analytics queries over REST and GraphQL: totals equal hand-computed sums of known orders per
dimension (day, week, month, channel, status, customer group, product, category), customers by
registration, the catalogue, and the refusals (unknown names, SQL-looking names, ranges, limits,
cardinality).

Each test places its orders in a year of its own (tests/report_fixtures.py), so no window sees another
test's orders.
"""
import datetime
import uuid
from decimal import Decimal

import pytest

from domain.sales.documents import ORDER_STATUSES
from storage.customer_models import Customer
from storage.db import database
from storage.models import ProductCategory
from tests.admin_fixtures import admin_client, admin_graphql, make_admin, super_admin  # noqa: F401 (fixtures)
from tests.report_fixtures import at, place_orders

QUERY = "/api/admin/analytics/query"


def run(admin_client, **body) -> dict:
    response = admin_client.post(QUERY, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def refused(admin_client, status: int = 422, **body) -> dict:
    response = admin_client.post(QUERY, json=body)
    assert response.status_code == status, response.text
    return response.json()["errors"]


def test_order_totals_equal_the_hand_sums(admin_client):
    window = place_orders(2041)["window"]
    # 03-04: 60.00 (ann, 2 units) + 73.05 (bob, 2 units, tax 2.50); 03-06: 120.00 (ann, 3 units, EUR: base
    # amounts count); 03-07: 35.00 canceled, left out
    result = run(admin_client, model="orders", filters=window, measures=[
        "count", "revenue", "average_order_value", "items_quantity", "distinct_customers", "tax", "shipping",
        "discount"])
    expected = {"count": 3, "revenue": "253.05", "average_order_value": "84.35", "items_quantity": 7,
                "distinct_customers": 2, "tax": "2.50", "shipping": "15.55", "discount": "0.00"}
    assert result["rows"] == [expected] and result["totals"] == expected
    assert (result["currency"], result["groups"], result["start"], result["end"]) == ("USD", 1, "2041-03-01",
                                                                                      "2041-03-10")
    by_day = run(admin_client, model="orders", measures=["count", "revenue"], dimensions=["day"], filters=window)
    assert by_day["rows"] == [{"day": "2041-03-04", "count": 2, "revenue": "133.05"},
                              {"day": "2041-03-06", "count": 1, "revenue": "120.00"}]
    assert by_day["totals"] == {"count": 3, "revenue": "253.05"} and by_day["groups"] == 2


def test_week_and_month_buckets(admin_client):
    place_orders(2042)
    window = {"start": "2042-02-01", "end": "2042-03-31"}
    months = run(admin_client, model="orders", measures=["count", "revenue", "distinct_customers"],
                 dimensions=["month"], filters=window)
    assert months["rows"] == [{"month": "2042-02", "count": 1, "revenue": "110.00", "distinct_customers": 1},
                              {"month": "2042-03", "count": 3, "revenue": "253.05", "distinct_customers": 2}]
    weeks = run(admin_client, model="orders", measures=["count", "revenue"], dimensions=["week"], filters=window)
    monday = {day: (datetime.date(2042, *day) - datetime.timedelta(days=datetime.date(2042, *day).weekday())).isoformat()
              for day in ((2, 27), (3, 4), (3, 6))}
    expected = {}
    for day, count, revenue in (((2, 27), 1, 110), ((3, 4), 2, 133.05), ((3, 6), 1, 120)):
        row = expected.setdefault(monday[day], [0, 0])
        row[0] += count
        row[1] = round(row[1] + revenue, 2)
    assert [(row["week"], row["count"], float(row["revenue"])) for row in weeks["rows"]] == \
        [(week, count, revenue) for week, (count, revenue) in sorted(expected.items())]


def test_channel_status_and_customer_group_dimensions(admin_client):
    window = place_orders(2043)["window"]
    statuses = run(admin_client, model="orders", measures=["count", "revenue"], dimensions=["status"],
                   filters={**window, "status": list(ORDER_STATUSES)})
    rows = {row.pop("status"): row for row in statuses["rows"]}
    assert rows.pop("canceled") == {"count": 1, "revenue": "35.00"}  # only when the status filter names it
    assert (sum(row["count"] for row in rows.values()), sum(Decimal(row["revenue"]) for row in rows.values())) == \
        (3, Decimal("253.05"))
    assert statuses["totals"] == {"count": 4, "revenue": "288.05"}
    channels = run(admin_client, model="orders", measures=["count"], dimensions=["channel", "customer_group"],
                   filters={**window, "channel": "default", "customerGroup": "guest"})
    assert channels["rows"] == [{"channel": "default", "customer_group": "guest", "count": 3}]
    general = run(admin_client, model="orders", measures=["count"], filters={**window, "customerGroup": "general"})
    assert general["totals"] == {"count": 0}
    ordered = run(admin_client, model="orders", measures=["revenue"], dimensions=["day"], filters=window,
                  order=[{"by": "revenue", "direction": "desc"}], limit=1)
    assert ordered["rows"] == [{"day": "2041-03-04".replace("2041", "2043"), "revenue": "133.05"}]
    assert ordered["groups"] == 2 and ordered["totals"] == {"revenue": "253.05"}


def test_order_items_by_product_and_category(admin_client):
    orders = place_orders(2044)
    window = orders["window"]
    with database.connection_context():
        ProductCategory.create(product=orders["a"], category=1)
    try:
        products = run(admin_client, model="order_items", measures=["quantity", "revenue", "orders", "count"],
                       dimensions=["product"], filters=window, order=[{"by": "revenue", "direction": "desc"}])
        # A: 2 + 1 units = 75.00 in two orders; B: 1 + 3 units = 160.00 in two orders
        assert [{key: value for key, value in row.items() if key != "product"} for row in products["rows"]] == \
            [{"quantity": 4, "revenue": "160.00", "orders": 2, "count": 2},
             {"quantity": 3, "revenue": "75.00", "orders": 2, "count": 2}]
        assert products["totals"] == {"quantity": 7, "revenue": "235.00", "orders": 3, "count": 4}
        categories = run(admin_client, model="order_items", measures=["quantity", "revenue"],
                         dimensions=["category"], filters=window)
        assert categories["rows"] == [{"category": 1, "quantity": 3, "revenue": "75.00"},
                                      {"category": None, "quantity": 4, "revenue": "160.00"}]
        assert categories["totals"] == {"quantity": 7, "revenue": "235.00"}
    finally:
        with database.connection_context():
            ProductCategory.delete().where(ProductCategory.product == orders["a"]).execute()


def test_customers_by_registration(admin_client):
    with database.connection_context():
        created = [Customer.create(first_name="New", last_name="Customer", email=f"an-{uuid.uuid4().hex[:8]}@example.com",
                                   password="x", api_token=uuid.uuid4().hex, channel=1, customer_group=group,
                                   created_at=at(2045, 3, day), updated_at=at(2045, 3, day)).id
                   for day, group in ((2, 2), (2, 3), (9, 2))]
    try:
        result = run(admin_client, model="customers", measures=["count"], dimensions=["day", "customer_group"],
                     filters={"start": "2045-03-01", "end": "2045-03-31"})
        assert result["rows"] == [{"day": "2045-03-02", "customer_group": "general", "count": 1},
                                  {"day": "2045-03-02", "customer_group": "wholesale", "count": 1},
                                  {"day": "2045-03-09", "customer_group": "general", "count": 1}]
        assert result["totals"] == {"count": 3}
        refusal = refused(admin_client, model="customers", measures=["revenue"],
                          filters={"start": "2045-03-01", "end": "2045-03-31"})
        assert refusal == {"measures": ["Unknown measure: revenue."]}
    finally:
        with database.connection_context():
            Customer.delete().where(Customer.id.in_(created)).execute()


def test_meta_lists_the_models(admin_client):
    response = admin_client.get("/api/admin/analytics/meta")
    assert response.status_code == 200
    models = {model["name"]: model for model in response.json()["models"]}
    assert set(models) == {"orders", "order_items", "customers"}
    assert {"count", "revenue", "average_order_value", "distinct_customers", "items_quantity"} <= \
        {measure["name"] for measure in models["orders"]["measures"]}
    assert {"day", "week", "month", "channel", "category", "product", "customer_group", "status"} == \
        {dimension["name"] for dimension in models["order_items"]["dimensions"]}
    assert response.json()["limits"] == {"maxDays": 731, "maxLimit": 1000, "maxDimensions": 3, "maxMeasures": 10,
                                         "maxGroups": 10000}


@pytest.mark.parametrize("name", ["revenue; DROP TABLE sales_order", "count) FROM customer --", "id",
                                  "base_grand_total", "1=1"])
def test_names_outside_the_catalogue_are_refused(admin_client, name):
    window = {"start": "2046-01-01", "end": "2046-01-31"}
    assert refused(admin_client, model="orders", measures=[name], filters=window) == \
        {"measures": [f"Unknown measure: {name}."]}
    assert refused(admin_client, model="orders", measures=["count"], dimensions=[name], filters=window) == \
        {"dimensions": [f"Unknown dimension: {name}."]}
    assert refused(admin_client, model="orders", measures=["count"], filters=window,
                   order=[{"by": name}])["order"] == [f"Unknown order: {name} (order by a measure or dimension of the query)."]
    assert list(refused(admin_client, model=name, measures=["count"], filters=window)) == ["model"]


def test_bounds_are_refused(admin_client):
    window = {"start": "2046-01-01", "end": "2046-01-31"}
    assert refused(admin_client, model="orders", measures=["count"], filters={"start": "2040-01-01", "end": "2046-01-01"}) \
        == {"filters.end": ["The date range may span at most 731 days."]}
    assert refused(admin_client, model="orders", measures=["count"], filters={"start": "2046-02-01", "end": "2046-01-01"}) \
        == {"filters.end": ["The end date must be on or after the start date."]}
    assert "filters.end" in refused(admin_client, model="orders", measures=["count"], filters={"start": "2046-02-01"})
    assert "limit" in refused(admin_client, model="orders", measures=["count"], filters=window, limit=1001)
    assert "dimensions" in refused(admin_client, model="orders", measures=["count"], filters=window,
                                   dimensions=["day", "channel", "status", "customer_group"])
    assert refused(admin_client, model="orders", measures=["count"], dimensions=["day", "month"], filters=window) == \
        {"dimensions": ["At most one time dimension (day, week or month)."]}
    assert refused(admin_client, model="orders", measures=["count"], filters={**window, "channel": "nowhere"}) == \
        {"filters.channel": ["Unknown channel: nowhere."]}
    assert refused(admin_client, model="orders", measures=["count"], filters={**window, "status": ["lost"]}) == \
        {"filters.status": ["Unknown order status: lost."]}
    assert refused(admin_client, model="customers", measures=["count"], filters={**window, "status": ["pending"]}) == \
        {"filters.status": ["Unknown filter for customers: status."]}


def test_too_many_groups_are_refused(admin_client, monkeypatch):
    from domain.reporting import analytics
    place_orders(2047)
    monkeypatch.setattr(analytics, "MAX_GROUPS", 1)
    errors = refused(admin_client, model="orders", measures=["count"], dimensions=["day"],
                     filters={"start": "2047-03-01", "end": "2047-03-10"})
    assert list(errors) == ["dimensions"] and "more than 1 groups" in errors["dimensions"][0]


def test_permission_is_required(app):
    from starlette.testclient import TestClient
    _admin, token = make_admin(["reporting.sales"], label="analytics")
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        assert client.get("/api/admin/analytics/meta").status_code == 403
        assert client.post(QUERY, json={"model": "orders", "measures": ["count"],
                                        "filters": {"start": "2046-01-01", "end": "2046-01-02"}}).status_code == 403


def test_graphql(admin_graphql):
    place_orders(2048)
    data = admin_graphql("""{ adminAnalyticsMeta { models { name measures { name type } } limits { maxDays } } }""")
    assert data["data"]["adminAnalyticsMeta"]["limits"] == {"maxDays": 731}
    result = admin_graphql("""mutation ($input: runAdminAnalyticsQueryInput!) {
        runAdminAnalyticsQuery(input: $input) { adminAnalyticsResult { model currency rows totals groups } } }""",
                           {"input": {"model": "orders", "measures": ["count", "revenue"], "dimensions": ["day"],
                                      "filters": {"start": "2048-03-01", "end": "2048-03-10"},
                                      "order": [{"by": "revenue", "direction": "desc"}]}})
    answer = result["data"]["runAdminAnalyticsQuery"]["adminAnalyticsResult"]
    assert answer["rows"] == [{"day": "2048-03-04", "count": 2, "revenue": "133.05"},
                              {"day": "2048-03-06", "count": 1, "revenue": "120.00"}]
    assert (answer["totals"], answer["groups"], answer["currency"]) == ({"count": 3, "revenue": "253.05"}, 2, "USD")
    refusal = admin_graphql("""mutation { runAdminAnalyticsQuery(input: {model: "orders", measures: ["x'--"],
        filters: {start: "2048-03-01", end: "2048-03-10"}}) { adminAnalyticsResult { groups } } }""")
    assert refusal["errors"][0]["extensions"]["errors"] == {"measures": ["Unknown measure: x'--."]}
