"""Newsletter subscription under the resource path of rest-api/shop/customers/index.md: an alias of the
shop's POST /newsletter-subscriptions, answered with the page's snake_case JSON-LD document."""
from domain.common import RequestContext
from handlers.resources import shop_body
from handlers.shop import newsletter as shop_newsletter


def resource_create_newsletter_subscription(context: RequestContext, body: dict):
    document, status = shop_newsletter.create_newsletter_subscription(
        context, shop_body(body, {"email": "email"}, "NewsletterSubscriptionInput"))
    return {"@context": "/api/contexts/NewsletterSubscription",
            "@id": f"/api/newsletter_subscriptions/{document['id']}", "@type": "NewsletterSubscription",
            "id": document["id"], "email": document["email"], "is_subscribed": document["isSubscribed"],
            "is_confirmed": document["isConfirmed"], "created_at": document["createdAt"],
            "message": document["message"]}, status
