"""Admin reporting: /api/admin/reporting/stats (overview) and /reporting/{sales,customers,products} with
their /view and /export; GraphQL statsAdminReporting* and viewStatsAdminReporting*; the overview's summaries (salesReport,
customerReport, productReport) at /reporting/{sales/periods,customers/summary,products/summary}.

The reports are computed in domain/reporting; REST answers a one-element array, GraphQL the object,
and the export is the detailed table as CSV. `channel` names a channel code (every channel without it).
"""
from domain import reporting
from domain.common import RequestContext
from domain.errors import Unprocessable
from domain.reporting import summaries


def one(document: dict, graphql: bool):
    return document if graphql else [document]


def arguments(context: RequestContext, type, start, end, period) -> dict:
    return {"kind": type, "start": start, "end": end, "channel": context.requested_channel, "period": period}


def export(context: RequestContext, entity: str, format: str, type, start, end, period):
    if format != "csv":
        raise Unprocessable({"format": ["Only the csv export format is supported."]},
                            "Only the csv export format is supported.")
    detail = reporting.view(entity, **arguments(context, type, start, end, period))
    return reporting.csv_text(detail), 200, {"Content-Type": "text/csv",
                                             "Content-Disposition": f'attachment; filename="{entity}-report.csv"'}


def get_admin_reporting_stats(context: RequestContext, type: str | None = None, start=None, end=None,
                              period: str | None = None, graphql: bool = False):
    return one(reporting.report("overview", **arguments(context, type, start, end, period)), graphql)


def get_admin_reporting_sales(context: RequestContext, type: str | None = None, start=None, end=None,
                              period: str | None = None, graphql: bool = False):
    return one(reporting.report("sales", **arguments(context, type, start, end, period)), graphql)


def view_admin_reporting_sales(context: RequestContext, type: str | None = None, start=None, end=None,
                               period: str | None = None, graphql: bool = False):
    return one(reporting.view("sales", **arguments(context, type, start, end, period)), graphql)


def export_admin_reporting_sales(context: RequestContext, format: str = "csv", type: str | None = None, start=None,
                                 end=None, period: str | None = None):
    return export(context, "sales", format, type, start, end, period)


def get_admin_reporting_customers(context: RequestContext, type: str | None = None, start=None, end=None,
                                  period: str | None = None, graphql: bool = False):
    return one(reporting.report("customers", **arguments(context, type, start, end, period)), graphql)


def view_admin_reporting_customers(context: RequestContext, type: str | None = None, start=None, end=None,
                                   period: str | None = None, graphql: bool = False):
    return one(reporting.view("customers", **arguments(context, type, start, end, period)), graphql)


def export_admin_reporting_customers(context: RequestContext, format: str = "csv", type: str | None = None,
                                     start=None, end=None, period: str | None = None):
    return export(context, "customers", format, type, start, end, period)


def get_admin_reporting_products(context: RequestContext, type: str | None = None, start=None, end=None,
                                 period: str | None = None, graphql: bool = False):
    return one(reporting.report("products", **arguments(context, type, start, end, period)), graphql)


def view_admin_reporting_products(context: RequestContext, type: str | None = None, start=None, end=None,
                                  period: str | None = None, graphql: bool = False):
    return one(reporting.view("products", **arguments(context, type, start, end, period)), graphql)


def export_admin_reporting_products(context: RequestContext, format: str = "csv", type: str | None = None,
                                    start=None, end=None, period: str | None = None):
    return export(context, "products", format, type, start, end, period)


def get_admin_reporting_sales_periods(context: RequestContext, start=None, end=None, period: str | None = None):
    return summaries.sales_periods(reporting.channel_scope(context.requested_channel), start, end, period)


def get_admin_reporting_customers_summary(context: RequestContext, start=None, end=None):
    return summaries.customer_summary(reporting.channel_scope(context.requested_channel), start, end)


def get_admin_reporting_products_summary(context: RequestContext, start=None, end=None, limit: int = 10):
    return summaries.product_summary(reporting.channel_scope(context.requested_channel), start, end, limit)
