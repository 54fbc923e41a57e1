"""Analytics queries: measures of a model grouped by chosen dimensions over a date range.

A query names a model (orders, order items, customers), measures and dimensions from the catalogue
below (`META`), and filters; every name is checked against the catalogue (422 naming the unknown
ones), so the SQL is built from whitelisted Peewee expressions only, never from the request's text.
One grouped aggregate answers the rows, one ungrouped aggregate the totals. Days, weeks (from
Monday) and months are bucketed in the database (`bucket`: the same bucket starts on SQLite and
PostgreSQL), so distinct counts stay exact per bucket. Money is summed as the stored integers of the
base-currency columns and answered as exact decimal strings. Without a `status` filter, canceled
orders are left out, as in the reports.
"""
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from peewee import JOIN, fn

from domain.errors import Unprocessable
from domain.reporting import base_currency, channel_scope
from domain.reporting.figures import NOT_SALES, as_date, money
from domain.reporting.windows import Window, bucket_key, parse_date
from domain.sales.documents import ORDER_STATUSES
from storage.customer_models import Customer
from storage.db import is_sqlite
from storage.models import Channel, CustomerGroup, ProductCategory
from storage.sales_models import Order, OrderItem

MAX_DAYS = 731          # two years
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
MAX_DIMENSIONS = 3
MAX_MEASURES = 10
MAX_GROUPS = 10000      # groups a query may produce before its limit applies


def bucket(column, period: str):
    """The first day of `column`'s day, week (Monday) or month, as a date, on either database."""
    if period == "day":
        return fn.DATE(column)
    if is_sqlite():
        return fn.DATE(column, "weekday 0", "-6 days") if period == "week" else fn.DATE(column, "start of month")
    return fn.DATE(fn.date_trunc(period, column))


def money_sum(column):
    return fn.COALESCE(fn.SUM(column), 0).coerce(False)


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    type: str                      # count | quantity | money | average (money per order)
    sql: Callable                  # () -> aggregate expression (for an average: the money sum)
    per: Callable | None = None    # average: () -> the count it is divided by

    def expressions(self) -> list:
        return [self.sql()] + ([self.per()] if self.per else [])

    def value(self, raw: list):
        if self.type == "money":
            return decimal_text(money(raw[0]))
        if self.type == "average":
            count = int(raw[1] or 0)
            return decimal_text((money(raw[0]) / count).quantize(Decimal("0.01")) if count else Decimal(0))
        return int(raw[0] or 0)

    def ordering(self):
        """What rows are sorted by: the value itself (an average as a float, only its order matters)."""
        if self.per:
            return self.sql() * 1.0 / fn.NULLIF(self.per(), 0)
        return self.sql()


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str
    type: str                      # time | string | integer
    sql: Callable                  # () -> expression grouped by
    joins: tuple = ()              # names of the joins it needs (Model.joins)
    period: str | None = None      # time dimensions: day | week | month

    def value(self, raw):
        if self.period:
            return bucket_key(as_date(raw), self.period) if raw is not None else None
        return int(raw) if self.type == "integer" and raw is not None else raw


@dataclass(frozen=True)
class Model:
    name: str
    label: str
    source: Callable               # () -> the base query
    time: Callable                 # () -> the timestamp the date range and time dimensions read
    channel: Callable              # () -> the channel column
    joins: dict                    # join name -> (query -> query)
    measures: dict
    dimensions: dict
    filters: tuple
    sales: bool = True             # orders: canceled ones left out unless `status` is filtered

    def joined(self, query, names):
        for name in self.joins:    # declared order: a join's prerequisites come first
            if name in names:
                query = self.joins[name](query)
        return query


def measures(*items: Measure) -> dict:
    return {item.name: item for item in items}


def time_dimensions(column: Callable) -> list[Dimension]:
    return [Dimension(period, f"{period.title()}", "time", lambda period=period: bucket(column(), period),
                      period=period) for period in ("day", "week", "month")]


def dimensions(*items: Dimension) -> dict:
    return {item.name: item for item in items}


def group_code():
    return fn.COALESCE(CustomerGroup.code, "guest")


ORDER_JOINS = {
    "channel": lambda query: query.join_from(Order, Channel, JOIN.LEFT_OUTER, on=(Order.channel == Channel.id)),
    "customer": lambda query: query.join_from(Order, Customer, JOIN.LEFT_OUTER, on=(Order.customer == Customer.id)),
    "group": lambda query: query.join_from(Customer, CustomerGroup, JOIN.LEFT_OUTER,
                                           on=(Customer.customer_group == CustomerGroup.id)),
}
ITEM_JOINS = {**ORDER_JOINS, "category": lambda query: query.join_from(
    OrderItem, ProductCategory, JOIN.LEFT_OUTER, on=(ProductCategory.product == OrderItem.product))}
SALES_DIMENSIONS = (
    Dimension("channel", "Channel", "string", lambda: Channel.code, ("channel",)),
    Dimension("status", "Order status", "string", lambda: Order.status),
    Dimension("customer_group", "Customer group", "string", group_code, ("customer", "group")),
)
FILTERS = ("start", "end", "channel", "status", "customerGroup")

ORDERS = Model(
    "orders", "Orders", lambda: Order.select(), lambda: Order.created_at, lambda: Order.channel, ORDER_JOINS,
    measures(
        Measure("count", "Orders", "count", lambda: fn.COUNT(Order.id)),
        Measure("revenue", "Revenue (base grand total)", "money", lambda: money_sum(Order.base_grand_total)),
        Measure("average_order_value", "Average order value", "average", lambda: money_sum(Order.base_grand_total),
                lambda: fn.COUNT(Order.id)),
        Measure("items_quantity", "Items ordered", "quantity", lambda: fn.COALESCE(fn.SUM(Order.total_qty_ordered), 0)),
        Measure("distinct_customers", "Distinct customers (by email)", "count",
                lambda: fn.COUNT(Order.customer_email.distinct())),
        Measure("tax", "Tax (base)", "money", lambda: money_sum(Order.base_tax_amount)),
        Measure("shipping", "Shipping (base)", "money", lambda: money_sum(Order.base_shipping_amount)),
        Measure("discount", "Discount (base)", "money", lambda: money_sum(Order.base_discount_amount)),
    ),
    dimensions(*time_dimensions(lambda: Order.created_at), *SALES_DIMENSIONS),
    FILTERS)

ORDER_ITEMS = Model(
    "order_items", "Order items", lambda: OrderItem.select().join(Order).where(OrderItem.parent.is_null()),
    lambda: Order.created_at, lambda: Order.channel, ITEM_JOINS,
    measures(
        Measure("count", "Order lines", "count", lambda: fn.COUNT(OrderItem.id)),
        Measure("quantity", "Units ordered", "quantity", lambda: fn.COALESCE(fn.SUM(OrderItem.qty_ordered), 0)),
        Measure("revenue", "Revenue (base line totals net of discounts)", "money",
                lambda: money_sum(OrderItem.base_total - OrderItem.base_discount_amount)),
        Measure("orders", "Orders", "count", lambda: fn.COUNT(OrderItem.order.distinct())),
        Measure("distinct_customers", "Distinct customers (by email)", "count",
                lambda: fn.COUNT(Order.customer_email.distinct())),
    ),
    dimensions(*time_dimensions(lambda: Order.created_at), *SALES_DIMENSIONS,
               Dimension("product", "Product (SKU ordered)", "string", lambda: OrderItem.sku),
               Dimension("category", "Category id (a line counts in each of its product's categories)", "integer",
                         lambda: ProductCategory.category, ("category",))),
    FILTERS)

CUSTOMERS = Model(
    "customers", "Customers (by registration)", lambda: Customer.select(), lambda: Customer.created_at,
    lambda: Customer.channel, {
        "channel": lambda query: query.join_from(Customer, Channel, JOIN.LEFT_OUTER, on=(Customer.channel == Channel.id)),
        "group": lambda query: query.join_from(Customer, CustomerGroup, JOIN.LEFT_OUTER,
                                               on=(Customer.customer_group == CustomerGroup.id)),
    },
    measures(Measure("count", "Customers registered", "count", lambda: fn.COUNT(Customer.id))),
    dimensions(*time_dimensions(lambda: Customer.created_at),
               Dimension("channel", "Channel", "string", lambda: Channel.code, ("channel",)),
               Dimension("customer_group", "Customer group", "string", group_code, ("group",))),
    ("start", "end", "channel", "customerGroup"), sales=False)

MODELS = {model.name: model for model in (ORDERS, ORDER_ITEMS, CUSTOMERS)}


def meta() -> dict:
    """The catalogue: every model with its measures, dimensions and filters, and the query limits."""
    return {"models": [{
        "name": model.name, "label": model.label,
        "measures": [{"name": m.name, "label": m.label, "type": m.type} for m in model.measures.values()],
        "dimensions": [{"name": d.name, "label": d.label, "type": d.type} for d in model.dimensions.values()],
        "filters": list(model.filters)} for model in MODELS.values()],
        "limits": {"maxDays": MAX_DAYS, "maxLimit": MAX_LIMIT, "maxDimensions": MAX_DIMENSIONS,
                   "maxMeasures": MAX_MEASURES, "maxGroups": MAX_GROUPS}}


def decimal_text(value: Decimal) -> str:
    """An exact amount: two decimals, more only when the stored amount has them."""
    cents = value.quantize(Decimal("0.01"))
    return str(cents if cents == value else value.normalize())


@dataclass
class Query:
    model: Model
    window: Window
    measures: list
    dimensions: list
    order: list                    # [(expression, descending)]
    limit: int
    conditions: list = field(default_factory=list)
    filter_joins: set = field(default_factory=set)


def unknown(names, known, what: str) -> list[str]:
    return [f"Unknown {what}: {name}." for name in names if name not in known]


def checked(body: dict) -> Query:
    """The query the body asks for, every name checked against the catalogue; 422 naming what is wrong."""
    model = MODELS.get(body.get("model"))
    if model is None:
        raise Unprocessable({"model": [f"Unknown model: {body.get('model')}. Known: {', '.join(MODELS)}."]})
    errors = {}
    wanted_measures, wanted_dimensions = list(body.get("measures") or []), list(body.get("dimensions") or [])
    for key, names, known, what, most in (("measures", wanted_measures, model.measures, "measure", MAX_MEASURES),
                                          ("dimensions", wanted_dimensions, model.dimensions, "dimension",
                                           MAX_DIMENSIONS)):
        problems = unknown(names, known, what)
        if len(set(names)) != len(names):
            problems.append(f"Each {what} may be named once.")
        if len(names) > most:
            problems.append(f"At most {most} {key}.")
        if problems:
            errors[key] = problems
    if not wanted_measures and "measures" not in errors:
        errors["measures"] = ["At least one measure."]
    if sum(1 for name in wanted_dimensions if model.dimensions.get(name) and model.dimensions[name].period) > 1:
        errors.setdefault("dimensions", []).append("At most one time dimension (day, week or month).")
    filters = body.get("filters") or {}
    errors.update({f"filters.{name}": [f"Unknown filter for {model.name}: {name}."]
                   for name in filters if name not in model.filters})
    window = checked_window(filters, errors)
    limit = body.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        errors["limit"] = [f"The limit must be between 1 and {MAX_LIMIT}."]
    if errors:
        raise Unprocessable(errors)
    query = Query(model, window, [model.measures[name] for name in wanted_measures],
                  [model.dimensions[name] for name in wanted_dimensions], [], limit)
    query.order = ordering(query, body.get("order") or [])
    apply_filters(query, filters)
    return query


def checked_window(filters: dict, errors: dict) -> Window | None:
    try:
        start, end = parse_date(filters.get("start"), "filters.start"), parse_date(filters.get("end"), "filters.end")
    except Unprocessable as error:
        errors.update(error.errors)
        return None
    for name, value in (("start", start), ("end", end)):
        if value is None:
            errors[f"filters.{name}"] = ["The date range is required (start and end, YYYY-MM-DD)."]
    if start is None or end is None:
        return None
    if end < start:
        errors["filters.end"] = ["The end date must be on or after the start date."]
    elif (end - start).days + 1 > MAX_DAYS:
        errors["filters.end"] = [f"The date range may span at most {MAX_DAYS} days."]
    return Window(start, end)


def ordering(query: Query, order: list) -> list:
    """[(expression, descending)] for `order` ({by, direction}); by default the dimensions' order."""
    chosen, errors = [], []
    by_name = {**{d.name: d for d in query.dimensions}, **{m.name: m for m in query.measures}}
    for entry in order:
        name = (entry or {}).get("by")
        target = by_name.get(name)
        if target is None:
            errors.append(f"Unknown order: {name} (order by a measure or dimension of the query).")
            continue
        expression = target.ordering() if isinstance(target, Measure) else target.sql()
        chosen.append((expression, (entry.get("direction") or "asc") == "desc"))
    if errors:
        raise Unprocessable({"order": errors})
    return chosen + [(d.sql(), False) for d in query.dimensions]  # ties in a stable order


def apply_filters(query: Query, filters: dict):
    model, errors = query.model, {}
    if filters.get("channel") is not None:
        try:
            scope = channel_scope(filters["channel"])
        except Unprocessable:
            errors["filters.channel"] = [f"Unknown channel: {filters['channel']}."]
        else:
            query.conditions.append(model.channel() == scope.channel_id)
    statuses = filters.get("status")
    if statuses is not None:
        wrong = [status for status in statuses if status not in ORDER_STATUSES]
        if wrong:
            errors["filters.status"] = [f"Unknown order status: {status}." for status in wrong]
        query.conditions.append(Order.status.in_(list(statuses)))
    elif model.sales:
        query.conditions.append(Order.status.not_in(NOT_SALES))
    group = filters.get("customerGroup")
    if group is not None:
        if group != "guest" and not CustomerGroup.select().where(CustomerGroup.code == group).exists():
            errors["filters.customerGroup"] = [f"Unknown customer group: {group}."]
        query.conditions.append(group_code() == group)
        query.filter_joins |= {"customer", "group"} if "customer" in model.joins else {"group"}
    if errors:
        raise Unprocessable(errors)


def selection(query: Query, joins: set):
    time = query.model.time()
    return query.model.joined(query.model.source(), joins).where(
        time >= query.window.since, time < query.window.until, *query.conditions)


def run(body: dict) -> dict:
    """Rows (one per group, ordered, at most `limit`), the totals over every matching row, and how many
    groups there were; 422 when the query would produce more than MAX_GROUPS groups."""
    query = checked(body)
    joins = set(query.filter_joins) | {name for d in query.dimensions for name in d.joins}
    columns = [d.sql() for d in query.dimensions]
    aggregates = [expression for m in query.measures for expression in m.expressions()]
    grouped = selection(query, joins).select(*columns, *aggregates)
    if columns:
        grouped = grouped.group_by(*columns)
        groups = grouped.limit(MAX_GROUPS + 1).count()
        if groups > MAX_GROUPS:
            raise Unprocessable({"dimensions": [
                f"The query has more than {MAX_GROUPS} groups: narrow the date range or the filters, or use "
                "fewer or coarser dimensions (week or month instead of day)."]})
    rows = list(grouped.order_by(*[expression.desc(nulls="LAST") if descending else expression.asc(nulls="LAST")
                                   for expression, descending in query.order]).limit(query.limit).tuples()) \
        if columns else []
    totals_raw = list(selection(query, query.filter_joins).select(*aggregates).tuples())[0]
    if not columns:
        groups, rows = 1, [totals_raw]
    currency = base_currency(channel_scope(body.get("filters", {}).get("channel")))
    return {"model": query.model.name, "currency": currency.code, "start": query.window.start.isoformat(),
            "end": query.window.end.isoformat(), "dimensions": [d.name for d in query.dimensions],
            "measures": [m.name for m in query.measures], "rows": [row_document(query, row) for row in rows],
            "totals": measure_values(query, list(totals_raw)), "groups": groups, "limit": query.limit}


def measure_values(query: Query, raw: list) -> dict:
    values, position = {}, 0
    for measure in query.measures:
        width = len(measure.expressions())
        values[measure.name] = measure.value(raw[position:position + width])
        position += width
    return values


def row_document(query: Query, row) -> dict:
    row = list(row)
    width = len(query.dimensions)
    document = {d.name: d.value(value) for d, value in zip(query.dimensions, row[:width])}
    return {**document, **measure_values(query, row[width:])}

