"""Data transfer: CSV imports (products, customers, tax rates) run in batches by a background job."""
