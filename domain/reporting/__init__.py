"""Reports of the admin Reporting pages (sales, customers, products, overview) and the dashboard:
figures over time compared with the window before (figures.py), ranked tables (tables.py), in the
buckets of windows.py. Every report is `{entity, type, dateRange, statistics}`; the detailed view is
`{columns, records}` and the CSV export the same table."""
import csv
import io
from decimal import Decimal

from domain.common import CurrencyFormat, json_number
from domain.errors import Unprocessable
from domain.reporting.figures import FIGURES, Figure, Scope, point, series
from domain.reporting.tables import TABLES, Table
from domain.reporting.windows import Window, bucket_key, chosen_period, progress, requested_window
from storage.models import Channel, Currency

ENTITIES = {
    "sales": ("total-sales", "average-sales", "total-orders", "purchase-funnel", "abandoned-carts", "refunds",
              "tax-collected", "shipping-collected", "top-payment-methods"),
    "customers": ("total-customers", "customers-traffic", "customers-with-most-sales", "customers-with-most-orders",
                  "customers-with-most-reviews", "top-customer-groups"),
    "products": ("total-sold-quantities", "total-products-added-to-wishlist", "top-selling-products-by-revenue",
                 "top-selling-products-by-quantity", "products-with-most-reviews", "products-with-most-visits",
                 "last-search-terms", "top-search-terms"),
    "overview": ("total-sales", "total-orders", "total-customers", "top-selling-products-by-revenue"),
}
STATS_ROWS = 5
VIEW_ROWS = 100


def channel_scope(code: str | None) -> Scope:
    """The channel a report is narrowed to (every channel without one); an unknown code is a 422."""
    if code is None:
        return Scope()
    channel_id = Channel.select(Channel.id).where(Channel.code == code).scalar()
    if channel_id is None:
        raise Unprocessable({"channel": ["The selected channel is invalid."]})
    return Scope(channel_id)


def base_currency(scope: Scope) -> CurrencyFormat:
    """How base amounts are written: the channel's base currency (the first channel's for every channel)."""
    query = Currency.select(Currency).join(Channel, on=(Channel.base_currency == Currency.id))
    currency = (query.where(Channel.id == scope.channel_id) if scope.channel_id else query.order_by(Channel.id)).first()
    return CurrencyFormat(code=currency.code, symbol=currency.symbol, decimals=currency.decimal,
                          group_separator=currency.group_separator, decimal_separator=currency.decimal_separator,
                          position=currency.currency_position, rate=Decimal(1))


def chosen_type(entity: str, kind: str | None) -> str:
    kinds = ENTITIES[entity]
    kind = kind or kinds[0]
    if kind not in kinds:
        raise Unprocessable({"type": [f"The type must be one of: {', '.join(kinds)}."]})
    return kind


def as_json(value):
    return json_number(value) if isinstance(value, Decimal) else value


def figure_statistics(figure: Figure, window: Window, scope: Scope, period: str, currency: CurrencyFormat) -> dict:
    current = series(figure, window, scope, period)
    previous = series(figure, window.before(), scope, period)
    headline = {"previous": as_json(previous.total), "current": as_json(current.total)}
    if figure.money:
        headline["formatted_total"] = currency.format(current.total)
    headline["progress"] = progress(previous.total, current.total)
    return {figure.key: headline, "over_time": {
        "previous": [point(start, value, count, figure, period, as_json) for start, value, count in previous.points],
        "current": [point(start, value, count, figure, period, as_json) for start, value, count in current.points]}}


def table_rows(table: Table, window: Window, scope: Scope, limit: int, currency: CurrencyFormat) -> list[dict]:
    rows = []
    for row in table.rows(window, scope, limit):
        document = {key: as_json(value) for key, value in row.items()}
        for column in table.columns:
            if column.kind == "money":
                document[f"formatted_{column.key}"] = currency.format(row[column.key])
        rows.append(document)
    return rows


def report(entity: str, kind: str | None, start=None, end=None, channel: str | None = None,
           period: str | None = None) -> dict:
    """The summary of one report type: a figure with its progress and points, or the top rows of a table."""
    kind = chosen_type(entity, kind)
    window, scope = requested_window(start, end), channel_scope(channel)
    period = chosen_period(window, period)
    currency = base_currency(scope)
    if kind in FIGURES:
        statistics = figure_statistics(FIGURES[kind], window, scope, period, currency)
    else:
        statistics = table_rows(TABLES[kind], window, scope, STATS_ROWS, currency)
    return {"entity": entity, "type": kind, "dateRange": date_range(window), "statistics": statistics}


def date_range(window: Window) -> dict:
    return {"previous": window.before().label(), "current": window.label()}


def view(entity: str, kind: str | None, start=None, end=None, channel: str | None = None,
         period: str | None = None) -> dict:
    """The detailed table of one report type: `{columns, records}` (a figure per bucket, or every ranked row)."""
    kind = chosen_type(entity, kind)
    window, scope = requested_window(start, end), channel_scope(channel)
    period = chosen_period(window, period)
    currency = base_currency(scope)
    if kind in FIGURES:
        figure = FIGURES[kind]
        columns = [{"key": "date", "label": "Date"}, {"key": "total", "label": figure.label}]
        if figure.counted:
            columns.append({"key": "count", "label": "Orders" if entity != "products" else "Items"})
        records = []
        for start_day, value, count in series(figure, window, scope, period).points:
            record = {"date": bucket_key(start_day, period),
                      "total": currency.format(value) if figure.money else as_json(value)}
            if figure.counted:
                record["count"] = count
            records.append(record)
    else:
        table = TABLES[kind]
        columns = [{"key": column.key, "label": column.label} for column in table.columns]
        records = [{column.key: currency.format(row[column.key]) if column.kind == "money" else as_json(row[column.key])
                    for column in table.columns} for row in table.rows(window, scope, VIEW_ROWS)]
    return {"entity": entity, "type": kind, "dateRange": date_range(window),
            "statistics": {"columns": columns, "records": records, "period": period}}


def csv_text(detail: dict) -> str:
    """The detailed table as CSV: a header of column labels, then one line per record."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = detail["statistics"]["columns"]
    writer.writerow([column["label"] for column in columns])
    for record in detail["statistics"]["records"]:
        writer.writerow(["" if record.get(column["key"]) is None else record[column["key"]] for column in columns])
    return buffer.getvalue()
