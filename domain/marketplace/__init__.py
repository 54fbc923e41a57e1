"""Marketplace: vendors, their sub-orders, balance ledger, commissions and payouts (docs/marketplace.md)."""
