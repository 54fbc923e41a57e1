"""Admin dashboard: /api/admin/dashboard/stats; GraphQL statsAdminDashboard (domain/reporting/dashboard.py).

REST answers a one-element array with the window as a label; GraphQL the object, its `dateRange` null
as the GraphQL page documents.
"""
from domain.common import RequestContext
from domain.reporting.dashboard import dashboard


def get_admin_dashboard_stats(context: RequestContext, type: str | None = None, start=None, end=None,
                              graphql: bool = False):
    document = dashboard(type, start, end, context.requested_channel, media=context.media)
    if graphql:
        return {**document, "dateRange": None}
    return [document]
