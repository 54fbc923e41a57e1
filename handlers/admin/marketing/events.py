"""Admin marketing events: /api/admin/marketing/events (CRUD); GraphQL adminMarketingEvent(s)."""
import datetime

from domain.errors import Unprocessable
from domain.promotions.rules import day_text, moment_filter
from handlers.admin.crud import AdminResource, partial, plain_value
from storage.marketing_models import MarketingEvent


def event_document(row: MarketingEvent) -> dict:
    return {"id": row.id, "name": row.name, "description": row.description or "", "date": day_text(row.date),
            "createdAt": plain_value(row.created_at), "updatedAt": plain_value(row.updated_at)}


def event_values(body: dict, row: MarketingEvent | None) -> dict:
    values = {key: body[key] for key in ("name", "description") if body.get(key) is not None}
    if body.get("date") is not None:
        try:
            values["date"] = datetime.date.fromisoformat(body["date"])
        except ValueError:
            raise Unprocessable({"date": ["The value must be a date (YYYY-MM-DD)."]}) from None
    return values


events = AdminResource(
    model=MarketingEvent, label="Marketing event", plural="Marketing events",
    document=event_document, values=event_values,
    filters={"name": partial(MarketingEvent.name),
             "date_from": moment_filter(MarketingEvent.date, "date_from", as_date=True),
             "date_to": moment_filter(MarketingEvent.date, "date_to", upper=True, as_date=True)},
    sorts={"id": MarketingEvent.id, "name": MarketingEvent.name, "date": MarketingEvent.date},
)

list_admin_marketing_events = events.list_handler()
get_admin_marketing_event = events.get_handler()
create_admin_marketing_event = events.create_handler()
update_admin_marketing_event = events.update_handler()
delete_admin_marketing_event = events.delete_handler()
