"""The vendor balance ledger, commissions and payouts.

Each sub-order writes one `sale` entry at placement: its lines' net amount (line totals minus their
discounts, tax and shipping stay with the store) minus the commission, at the vendor's own percent when it
has one, else the marketplace default (`default_commission_percent`, 0 until an admin sets it). The credit
is pending until the vendor delivers the sub-order; delivery adds it to the vendor's `available_balance`.
A payout takes at most that: one conditional `UPDATE ... SET available_balance = available_balance - x
WHERE id = ? AND available_balance >= x` (rowcount checked), so concurrent payouts never take more than is
there and the balance never goes negative, then a negative `payout` entry. The ledger's sum per vendor is
therefore always its sub-orders' vendor amounts minus its payouts."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain.errors import ApiError, Unprocessable
from storage.db import database
from storage.marketplace_models import MarketplaceLedgerEntry, MarketplaceSetting, MarketplaceVendor
from storage.models import utcnow

DEFAULT_COMMISSION = "default_commission_percent"


def default_commission_percent() -> Decimal:
    value = MarketplaceSetting.select(MarketplaceSetting.value).where(
        MarketplaceSetting.code == DEFAULT_COMMISSION).scalar()
    try:
        return Decimal(value) if value is not None else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def set_default_commission_percent(percent) -> Decimal:
    value = f"{Decimal(str(percent)).quantize(Decimal('0.0001')):f}"
    with database.atomic():
        updated = MarketplaceSetting.update(value=value).where(MarketplaceSetting.code == DEFAULT_COMMISSION).execute()
        if not updated:
            MarketplaceSetting.insert(code=DEFAULT_COMMISSION, value=value).on_conflict(
                conflict_target=[MarketplaceSetting.code], update={MarketplaceSetting.value: value}).execute()
    return default_commission_percent()


def credit_sale(sub_order):
    MarketplaceLedgerEntry.create(vendor=sub_order.vendor_id, type="sale", amount=sub_order.vendor_amount,
                                  sub_order=sub_order.id, reference=f"order {sub_order.order_id}")


def release_sale(sub_order):
    """The delivered sub-order's credit becomes available for a payout."""
    MarketplaceVendor.update(available_balance=MarketplaceVendor.available_balance + sub_order.vendor_amount,
                             updated_at=utcnow()).where(MarketplaceVendor.id == sub_order.vendor_id).execute()


def pay_out(vendor_id: int, amount, reference: str = "") -> MarketplaceLedgerEntry:
    """Pay `amount` (all that is available when None) out of the vendor's available balance."""
    if "\x00" in (reference or ""):
        raise Unprocessable({"reference": ["The value must not contain NUL characters."]})
    with database.atomic():
        vendor = MarketplaceVendor.get_or_none(MarketplaceVendor.id == vendor_id)
        if vendor is None:
            raise Unprocessable({"vendor_id": ["The selected vendor is invalid."]})
        if amount is None:
            amount = vendor.available_balance
        amount = Decimal(str(amount)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)  # what money holds
        if amount <= 0:
            raise ApiError(409, "The vendor has no available balance to pay out.", "insufficient_balance")
        taken = (MarketplaceVendor.update(available_balance=MarketplaceVendor.available_balance - amount,
                                          updated_at=utcnow())
                 .where(MarketplaceVendor.id == vendor_id, MarketplaceVendor.available_balance >= amount).execute())
        if taken != 1:
            raise ApiError(409, "The amount exceeds the vendor's available balance.", "insufficient_balance")
        return MarketplaceLedgerEntry.create(vendor=vendor_id, type="payout", amount=-amount,
                                             reference=reference or "payout")


def entries(vendor_id: int, kind: str | None = None):
    query = MarketplaceLedgerEntry.select().where(MarketplaceLedgerEntry.vendor == vendor_id)
    if kind:
        query = query.where(MarketplaceLedgerEntry.type == kind)
    return query

