"""Marketplace in the shop: a signed-in customer's vendor application (POST/GET
/api/shop/marketplace/vendor-application; GraphQL applyMarketplaceVendor, marketplaceVendorApplication)."""
from domain.common import RequestContext, iso
from domain.marketplace import vendors


def application_document(row) -> dict:
    return {"id": row.id, "name": row.name, "slug": row.slug, "email": row.email, "phone": row.phone,
            "description": row.description, "businessName": row.business_name, "taxNumber": row.tax_number,
            "address": row.address, "documents": list(row.documents or []), "status": row.status,
            "statusReason": row.status_reason, "createdAt": iso(row.created_at)}


def apply_marketplace_vendor(context: RequestContext, body: dict):
    vendor, is_new = vendors.apply(context, body)
    return (application_document(vendor), 201) if is_new else application_document(vendor)


def get_marketplace_vendor_application(context: RequestContext) -> dict:
    return application_document(vendors.own_application(context))
