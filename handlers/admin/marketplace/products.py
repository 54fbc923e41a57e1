"""The vendor of a product: PUT /api/admin/marketplace/products/{id}/vendor; GraphQL
assignAdminMarketplaceProductVendor (docs/marketplace.md)."""
from domain.common import RequestContext
from domain.marketplace import vendors


def assign_admin_marketplace_product_vendor(context: RequestContext, id: int, body: dict) -> dict:
    product = vendors.assign_product(id, body.get("vendor_id"))
    return {"productId": product.id, "sku": product.sku, "vendorId": vendors.product_vendor_ids([product.id]).get(product.id)}
