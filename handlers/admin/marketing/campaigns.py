"""Admin marketing campaigns: /api/admin/marketing/campaigns (CRUD, send); GraphQL adminMarketingCampaign(s)
and createAdminMarketingCampaignSend.

A send records the recipients and queues the mailing job (domain/marketing/campaigns.py, tasks.py);
no mail goes out inside the request.
"""
from domain.common import RequestContext
from domain.errors import NotFound
from domain.marketing.campaigns import queue_deliveries
from domain.marketing.names import channel_names
from domain.marketing.tasks import queue_send
from handlers.admin.crud import AdminResource, exact, flag, partial, plain_value
from storage.db import database
from storage.marketing_models import MarketingCampaign, MarketingEvent, MarketingTemplate
from storage.models import CustomerGroup

REFERENCES = {"marketing_template_id": "marketing_template", "marketing_event_id": "marketing_event",
              "channel_id": "channel", "customer_group_id": "customer_group"}


def campaign_documents(rows: list, context: RequestContext) -> list[dict]:
    def names(model, column, ids):
        keys = sorted({key for key in ids if key})
        return dict(model.select(model.id, column).where(model.id.in_(keys)).tuples()) if keys else {}
    templates = names(MarketingTemplate, MarketingTemplate.name, [row.marketing_template_id for row in rows])
    events = names(MarketingEvent, MarketingEvent.name, [row.marketing_event_id for row in rows])
    groups = names(CustomerGroup, CustomerGroup.code, [row.customer_group_id for row in rows])
    channels = channel_names([row.channel_id for row in rows], context)
    return [{"id": row.id, "name": row.name, "subject": row.subject, "status": int(row.status),
             "marketingTemplateId": row.marketing_template_id, "marketingEventId": row.marketing_event_id,
             "channelId": row.channel_id, "customerGroupId": row.customer_group_id,
             "marketingTemplateName": templates.get(row.marketing_template_id),
             "marketingEventName": events.get(row.marketing_event_id),
             "channelName": channels.get(row.channel_id), "customerGroupCode": groups.get(row.customer_group_id),
             "createdAt": plain_value(row.created_at), "updatedAt": plain_value(row.updated_at)} for row in rows]


def campaign_values(body: dict, row: MarketingCampaign | None) -> dict:
    values = {key: body[key] for key in ("name", "subject") if body.get(key) is not None}
    values.update({column: body[key] for key, column in REFERENCES.items() if body.get(key) is not None})
    if body.get("status") is not None:
        values["status"] = bool(body["status"])
    return values


campaigns = AdminResource(
    model=MarketingCampaign, label="Campaign", plural="Campaigns",
    documents=campaign_documents, values=campaign_values,
    filters={"name": partial(MarketingCampaign.name), "status": flag(MarketingCampaign.status),
             "marketing_template_id": exact(MarketingCampaign.marketing_template),
             "marketing_event_id": exact(MarketingCampaign.marketing_event),
             "channel_id": exact(MarketingCampaign.channel),
             "customer_group_id": exact(MarketingCampaign.customer_group)},
    sorts={"id": MarketingCampaign.id, "name": MarketingCampaign.name},
)

list_admin_marketing_campaigns = campaigns.list_handler()
get_admin_marketing_campaign = campaigns.get_handler()
create_admin_marketing_campaign = campaigns.create_handler()
update_admin_marketing_campaign = campaigns.update_handler()
delete_admin_marketing_campaign = campaigns.delete_handler()


def send_admin_marketing_campaign(context: RequestContext, id: int) -> dict:
    with database.atomic():
        campaign = MarketingCampaign.select().where(MarketingCampaign.id == id).first()
        if campaign is None:
            raise NotFound("Campaign")
        queued = queue_deliveries(campaign)
    if queued:
        queue_send(campaign.id)
    return {"id": campaign.id, "campaignId": campaign.id, "queued": queued,
            "message": f"Campaign queued for {queued} recipient(s)."}
