"""Webhooks: events recorded in an outbox inside the transaction of the change (`outbox.emit`), turned
into signed HTTP deliveries by background jobs once committed (`tasks.py`, `delivery.py`), with
outgoing addresses checked against SSRF (`urls.py`)."""
