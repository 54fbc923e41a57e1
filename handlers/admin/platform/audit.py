"""The audit trail: /api/admin/platform/audit (list with filters, one entry, one entity's history);
GraphQL adminAuditEntries, adminAuditEntry, adminAuditHistory. Entries are written by `domain/audit.py`
inside the transaction of each admin write; this module only reads them, newest first."""
import datetime
import re

from domain.common import Page, RequestContext, Window, get_or_not_found, iso
from domain.errors import InvalidRequest
from storage.audit_models import AuditEntry

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# RFC 3339: any fraction length, lower-case t/z, a leap second; Python's parser wants at most 6 digits and :59
MOMENT = re.compile(r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?([Zz]|[+-]\d{2}:\d{2})?")


def entry_document(row: AuditEntry) -> dict:
    return {"id": row.id, "entityType": row.entity_type, "entityId": row.entity_id, "action": row.action,
            "changes": row.changes or {},
            "actor": {"type": row.actor_type, "id": row.actor_id, "name": row.actor_name,
                      "adminUserId": row.admin_user_id, "email": row.admin_email},
            "requestId": row.request_id, "operation": row.operation, "createdAt": iso(row.created_at)}


def moment(value: str | None, name: str) -> tuple[datetime.datetime | None, bool]:
    """(naive UTC moment, whether a whole day was named) of a `from` / `to` value."""
    if value is None:
        return None, False
    try:
        if DAY.fullmatch(value):
            return datetime.datetime.combine(datetime.date.fromisoformat(value), datetime.time()), True
        match = MOMENT.fullmatch(value)
        if match is None:
            raise ValueError(value)
        day, minutes, seconds, fraction, offset = match.groups()
        text = f"{day}T{minutes}:{min(int(seconds or 0), 59):02d}.{(fraction or '0')[:6]:0<6}"
        parsed = datetime.datetime.fromisoformat(text + ("+00:00" if offset in (None, "Z", "z") else offset))
    except ValueError:
        raise InvalidRequest({name: ["Must be a day (YYYY-MM-DD) or a moment (YYYY-MM-DDTHH:MM:SSZ)."]}) from None
    try:
        return parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None), False
    except OverflowError:  # the first or last representable day, shifted by its offset past the calendar
        return (datetime.datetime.min if parsed.year == 1 else datetime.datetime.max), False


def filtered(query, action=None, bounds: dict | None = None):
    """`action`, and `from` / `to` (both inclusive; a day as `to` includes that whole day)."""
    if action:
        query = query.where(AuditEntry.action == action)
    (start, _), (finish, whole_day) = moment((bounds or {}).get("from"), "from"), moment((bounds or {}).get("to"), "to")
    if start is not None:
        query = query.where(AuditEntry.created_at >= start)
    if finish is not None and not (whole_day and finish.date() == datetime.date.max):
        query = query.where(AuditEntry.created_at < finish + datetime.timedelta(days=1) if whole_day
                            else AuditEntry.created_at <= finish)
    return query


def page_of(query, window: Window) -> Page:
    ordered = query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    rows = ordered.offset(window.offset).limit(window.limit)
    return Page([entry_document(row) for row in rows], query.count())


def list_admin_audit_entries(context: RequestContext, window: Window, entity_type=None, entity_id=None, action=None,
                             actor_type=None, actor_id=None, request_id=None, **bounds) -> Page:
    query = AuditEntry.select()
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == str(entity_id))
    if actor_id is not None:
        if actor_type == "admin_user":
            query = query.where(AuditEntry.admin_user_id == actor_id)
        else:
            query = query.where(AuditEntry.actor_type == "integration_token", AuditEntry.actor_id == actor_id)
    elif actor_type:
        query = query.where(AuditEntry.actor_type == actor_type)
    if request_id:
        query = query.where(AuditEntry.request_id == request_id)
    return page_of(filtered(query, action, bounds), window)


def get_admin_audit_entry(context: RequestContext, id: int) -> dict:
    return entry_document(get_or_not_found(AuditEntry, id, "Audit entry"))


def list_admin_audit_history(context: RequestContext, window: Window, entity_type: str, entity_id,
                             action=None, **bounds) -> Page:
    query = AuditEntry.select().where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == str(entity_id))
    return page_of(filtered(query, action, bounds), window)
