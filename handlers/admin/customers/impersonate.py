"""Admin impersonation: POST /api/admin/customers/{customerId}/impersonate; GraphQL
createAdminCustomerImpersonate. A one-hour customer token for the calling admin, recorded
(domain/customer_accounts.py)."""
from domain import customer_accounts as accounts
from domain.access import caller_id, created
from domain.common import RequestContext


def impersonate_admin_customer(context: RequestContext, customer_id: int):
    return created(accounts.impersonate(customer_id, caller_id(context)))
