"""Admin analytics: /api/admin/analytics/meta (the catalogue of models, measures and dimensions) and
/analytics/query (measures grouped by dimensions over a date range); GraphQL adminAnalyticsMeta and
runAdminAnalyticsQuery. Everything is decided in domain/reporting/analytics.py."""
from domain.common import RequestContext
from domain.reporting import analytics


def get_admin_analytics_meta(context: RequestContext) -> dict:
    return analytics.meta()


def run_admin_analytics_query(context: RequestContext, body: dict) -> dict:
    return analytics.run(body)
