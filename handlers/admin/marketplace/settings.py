"""Admin marketplace settings: /api/admin/marketplace/settings (the default commission percent); GraphQL
adminMarketplaceSettings, updateAdminMarketplaceSettings (docs/marketplace.md)."""
from domain.common import RequestContext, json_number
from domain.marketplace import ledger


def get_admin_marketplace_settings(context: RequestContext) -> dict:
    return {"defaultCommissionPercent": json_number(ledger.default_commission_percent())}


def update_admin_marketplace_settings(context: RequestContext, body: dict) -> dict:
    return {"defaultCommissionPercent": json_number(
        ledger.set_default_commission_percent(body["default_commission_percent"]))}
