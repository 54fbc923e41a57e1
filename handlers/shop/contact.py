"""Contact us, REST and GraphQL: graphql-api/shop/mutations/create-contact-us.md (rules in domain/contact.py)."""
from domain.common import RequestContext
from domain.contact import RECEIVED, submit_contact


def create_contact_us(context: RequestContext, body: dict) -> dict:
    submit_contact(context, body)
    return {"success": True, "message": RECEIVED}
