"""Demo storefront content: a few CMS pages (deterministic), shown in every channel, in English."""
from storage.content_models import CmsPage, CmsPageChannel, CmsPageTranslation
from storage.models import Channel

DEMO_PAGES = (
    ("about-us", "About Us", "about us", "about, us",
     "<p>We are dedicated to providing high-quality products and services to our customers.</p>"),
    ("privacy-policy", "Privacy Policy", "privacy policy", "privacy, policy",
     "<p>We collect only the data needed to process your orders and never sell it.</p>"),
    ("terms-conditions", "Terms & Conditions", "terms & conditions", "terms, conditions",
     "<p>These terms and conditions govern your use of our store.</p>"),
    ("contact-us", "Contact Us", "contact us", "contact, us",
     "<p>Write to us with the contact form; we answer within two business days.</p>"),
)


def seed_content():
    """The demo pages, once (a database that has pages keeps them)."""
    if CmsPage.select().exists():
        return
    channels = [channel.id for channel in Channel.select(Channel.id).order_by(Channel.id)]
    for url_key, title, meta_title, keywords, html in DEMO_PAGES:
        page = CmsPage.create(layout=None, is_active=True)
        CmsPageTranslation.create(page=page, locale="en", page_title=title, url_key=url_key, html_content=html,
                                  meta_title=meta_title, meta_keywords=keywords, meta_description="")
        for channel_id in channels:
            CmsPageChannel.create(page=page, channel=channel_id)
