"""Admin email templates: /api/admin/marketing/templates (CRUD); GraphQL adminMarketingTemplate(s).
The HTML `content` is what the campaigns using the template mail (domain/marketing/campaigns.py)."""
from handlers.admin.crud import AdminResource, exact, partial, plain_value
from storage.marketing_models import MarketingTemplate


def template_document(row: MarketingTemplate) -> dict:
    return {"id": row.id, "name": row.name, "status": row.status, "createdAt": plain_value(row.created_at),
            "updatedAt": plain_value(row.updated_at)}


def template_detail(row: MarketingTemplate, context) -> dict:
    return {**template_document(row), "content": row.content}


templates = AdminResource(
    model=MarketingTemplate, label="Email template", plural="Email templates",
    document=template_document, detail=template_detail,
    filters={"name": partial(MarketingTemplate.name), "status": exact(MarketingTemplate.status)},
    sorts={"id": MarketingTemplate.id, "name": MarketingTemplate.name},
)

list_admin_marketing_templates = templates.list_handler()
get_admin_marketing_template = templates.get_handler()
create_admin_marketing_template = templates.create_handler()
update_admin_marketing_template = templates.update_handler()
delete_admin_marketing_template = templates.delete_handler()
