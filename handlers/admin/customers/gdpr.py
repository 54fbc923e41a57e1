"""Admin GDPR requests: /api/admin/customers/gdpr-requests (list, detail, update, delete, process) and
/api/admin/customers/{customerId}/gdpr-download-data; GraphQL adminCustomerGdprRequest(s) and the
process and download mutations. The rules (erasure, export) live in domain/gdpr.py.
"""
import datetime

from domain import gdpr
from domain.common import RequestContext, iso
from domain.customer_accounts import calendar_day
from handlers.admin.crud import AdminResource, exact, partial, refuse_nul
from storage.customer_care_models import GdprDataRequest
from storage.customer_models import Customer



def customer_name_filter(value):
    text = value.strip()
    matching = Customer.select(Customer.id).where(
        Customer.first_name.contains(text) | Customer.last_name.contains(text)
        | Customer.first_name.concat(" ").concat(Customer.last_name).contains(text))
    return GdprDataRequest.customer_id.in_(matching)


def request_documents(rows: list, context: RequestContext) -> list[dict]:
    ids = {row.customer_id for row in rows}
    names = {key: f"{first} {last}".strip() for key, first, last in Customer.select(
        Customer.id, Customer.first_name, Customer.last_name).where(Customer.id.in_(list(ids))).tuples()} if ids else {}
    return [{"id": row.id, "customerId": row.customer_id, "customerName": names.get(row.customer_id),
             "email": row.email, "type": row.type, "status": row.status, "message": row.message,
             "revokedAt": iso(row.revoked_at), "createdAt": iso(row.created_at), "updatedAt": iso(row.updated_at)}
            for row in rows]


requests = AdminResource(
    model=GdprDataRequest, label="GDPR request", plural="GDPR requests", documents=request_documents,
    filters={"status": exact(GdprDataRequest.status), "type": exact(GdprDataRequest.type),
             "customer_id": exact(GdprDataRequest.customer_id), "email": partial(GdprDataRequest.email),
             "customer_name": customer_name_filter,
             "created_at_from": lambda value: GdprDataRequest.created_at >= datetime.datetime.combine(
                 calendar_day(value), datetime.time.min),
             "created_at_to": lambda value: GdprDataRequest.created_at <= datetime.datetime.combine(
                 calendar_day(value), datetime.time.max)},
    sorts={"id": GdprDataRequest.id, "status": GdprDataRequest.status, "type": GdprDataRequest.type,
           "created_at": GdprDataRequest.created_at},
    default_order="desc", messages={"deleted": "GDPR request deleted."},
)

list_admin_gdpr_requests = requests.list_handler()
get_admin_gdpr_request = requests.get_handler()
delete_admin_gdpr_request = requests.delete_handler()


def update_admin_gdpr_request(context: RequestContext, id: int, body: dict) -> dict:
    refuse_nul(body)
    return requests.present_one(gdpr.update_request(id, body), context)


def process_admin_gdpr_request(context: RequestContext, id: int, body: dict | None = None) -> dict:
    body = body or {}
    refuse_nul(body)
    return gdpr.process_request(id, body.get("message"))


def process_input(fields: dict) -> dict:
    """The GraphQL input names the request `requestId` (`id` is the IRI of a resource)."""
    fields = dict(fields)
    if "requestId" in fields:
        fields["id"] = fields.pop("requestId")
    return fields


def download_admin_customer_gdpr_data(context: RequestContext, customer_id: int):
    export = gdpr.export_customer(context, customer_id)
    return export, 200, {"Content-Disposition": f'attachment; filename="customer-{customer_id}-data.json"'}
