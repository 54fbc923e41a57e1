"""The signed-in customer's license keys: GET /api/shop/customer-licenses; GraphQL customerLicenses.

Keys are issued at order placement (`domain/licenses.py`); the customer sees the keys of their own
orders (and those an admin made for them), with the instances holding a seat."""
from domain import licenses
from domain.common import Page, RequestContext, Window, iso
from domain.customers import current_customer_id
from domain.errors import NotFound
from storage.license_models import License
from storage.models import utcnow


def license_documents(rows: list[License]) -> list[dict]:
    activations = licenses.activations_of([row.id for row in rows])
    now = utcnow()
    return [{"id": row.id, "licenseKey": row.license_key, "status": licenses.state(row, now),
             "productId": row.product_id, "productName": row.product_name, "orderId": row.order_id,
             "activationLimit": row.activation_limit, "activationCount": row.activation_count,
             "expiresAt": iso(row.expires_at), "activations": activations[row.id], "createdAt": iso(row.created_at)}
            for row in rows]


def list_customer_licenses(context: RequestContext, window: Window, status: str | None = None,
                           order_id: int | None = None) -> Page:
    query = License.select().where(License.customer == current_customer_id(context))
    if status:
        query = query.where(licenses.state_filter(status))
    if order_id is not None:
        query = query.where(License.order == order_id)
    rows = list(query.order_by(License.id.desc()).offset(window.offset).limit(window.limit))
    return Page(license_documents(rows), query.count())


def get_customer_license(context: RequestContext, id: int) -> dict:
    row = License.get_or_none(License.id == id, License.customer == current_customer_id(context))
    if row is None:
        raise NotFound("License")
    return license_documents([row])[0]
