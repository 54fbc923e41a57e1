"""Admin license keys: /api/admin/sales/licenses (list, detail, create, update, revoke) and the licensing
setting of a product, /sales/license-products/{id}; GraphQL adminSalesLicense(s) and their mutations.

The keys and their rules live in `domain/licenses.py`; this module lists and renders them."""
from domain import licenses
from domain.access import created
from domain.common import RequestContext, iso
from handlers.admin.crud import AdminResource, exact
from storage.license_models import License, LicenseProduct
from storage.models import utcnow


def license_documents(rows: list[License], context: RequestContext | None = None) -> list[dict]:
    activations = licenses.activations_of([row.id for row in rows])
    now = utcnow()
    return [{"id": row.id, "licenseKey": row.license_key, "status": licenses.state(row, now),
             "productId": row.product_id, "productName": row.product_name, "customerId": row.customer_id,
             "customerEmail": row.customer_email, "orderId": row.order_id, "orderItemId": row.order_item_id,
             "activationLimit": row.activation_limit, "activationCount": row.activation_count,
             "expiresAt": iso(row.expires_at), "activations": activations[row.id],
             "createdAt": iso(row.created_at), "updatedAt": iso(row.updated_at)} for row in rows]


def key_prefix(value: str):
    return License.license_key.startswith(licenses.normalized_key(value))


records = AdminResource(
    model=License, label="License", plural="Licenses", documents=license_documents,
    filters={"status": licenses.state_filter, "product_id": exact(License.product), "customer_id": exact(License.customer),
             "order_id": exact(License.order), "key": key_prefix},
    sorts={"id": License.id, "expires_at": License.expires_at, "activation_count": License.activation_count},
    default_order="desc",
)

list_admin_licenses = records.list_handler()
get_admin_license = records.get_handler()


def create_admin_license(context: RequestContext, body: dict):
    row = licenses.admin_create(body)
    return created(license_documents([License.get_by_id(row.id)])[0])


def update_admin_license(context: RequestContext, id: int, body: dict) -> dict:
    return license_documents([licenses.admin_update(id, body)])[0]


def revoke_admin_license(context: RequestContext, id: int) -> dict:
    return license_documents([licenses.revoke(id)])[0]


def setting_document(row: LicenseProduct) -> dict:
    return {"id": row.product_id, "productId": row.product_id, "enabled": row.enabled, "mode": row.mode,
            "activationLimit": row.activation_limit, "validityDays": row.validity_days,
            "createdAt": iso(row.created_at), "updatedAt": iso(row.updated_at)}


def get_admin_license_product(context: RequestContext, id: int) -> dict:
    return setting_document(licenses.product_setting(id))


def save_admin_license_product(context: RequestContext, id: int, body: dict) -> dict:
    return setting_document(licenses.save_product_setting(id, body))


def delete_admin_license_product(context: RequestContext, id: int) -> dict:
    licenses.delete_product_setting(id)
    return {"message": "License setting deleted."}
