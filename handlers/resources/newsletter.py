"""Newsletter subscription under the resource path of rest-api/shop/customers/index.md: an alias of the
shop's POST /newsletter-subscriptions, answered with the page's snake_case JSON-LD document."""
from domain.common import RequestContext
from handlers.resources import item, jsonld, shop_body
from handlers.shop import newsletter as shop_newsletter


@jsonld
def resource_create_newsletter_subscription(context: RequestContext, body: dict):
    document, status = shop_newsletter.create_newsletter_subscription(
        context, shop_body(body, {"email": "email"}, "NewsletterSubscriptionInput"))
    return item("NewsletterSubscription", f"/api/newsletter_subscriptions/{document['id']}", {
        "id": document["id"], "email": document["email"], "is_subscribed": document["isSubscribed"],
        "is_confirmed": document["isConfirmed"], "created_at": document["createdAt"],
        "message": document["message"]}), status
