"""Admin vendor payouts: /api/admin/marketplace/payouts (list, create); GraphQL adminMarketplacePayouts,
createAdminMarketplacePayout (docs/marketplace.md)."""
from domain.access import created
from domain.common import Page, RequestContext, Window
from domain.marketplace import ledger
from handlers.admin.marketplace.documents import ledger_document, ledger_page
from storage.marketplace_models import MarketplaceLedgerEntry


def list_admin_marketplace_payouts(context: RequestContext, window: Window, vendor_id: int | None = None) -> Page:
    query = MarketplaceLedgerEntry.select().where(MarketplaceLedgerEntry.type == "payout")
    if vendor_id is not None:
        query = query.where(MarketplaceLedgerEntry.vendor == vendor_id)
    return ledger_page(query, window)


def create_admin_marketplace_payout(context: RequestContext, body: dict):
    entry = ledger.pay_out(body["vendor_id"], body.get("amount"), body.get("reference") or "")
    return created(ledger_document(entry))
