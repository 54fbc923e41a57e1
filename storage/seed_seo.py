"""Demo search & SEO data of the documentation: search terms as the shop's search records them, the
synonym group "shirt-group", URL rewrites (an old product URL key to product 1's, an old CMS page path to
`about-us`) and the sitemap `sitemap.xml` at `/`, generated (its files written to the media storage)."""
import datetime

from storage import sitemap_files
from storage.models import ProductTranslation
from storage.seo_models import SearchSynonym, SearchTerm, Sitemap, UrlRewrite

SEED_TIME = datetime.datetime(2026, 1, 15, 9, 30, 0)
TERMS = (("red shirt", 23, 142), ("hoodie", 12, 87), ("blue jeans", 0, 5))  # (term, results, uses)


def seed_seo():
    if SearchSynonym.select().exists() or Sitemap.select().exists():
        return
    stamps = {"created_at": SEED_TIME, "updated_at": SEED_TIME}
    SearchTerm.insert_many([{"term": term, "channel": 1, "locale": "en", "results": results, "uses": uses, **stamps}
                            for term, results, uses in TERMS]).execute()
    SearchSynonym.create(name="shirt-group", terms="shirt,tshirt,tee", **stamps)
    first = (ProductTranslation.select(ProductTranslation.url_key)
             .where(ProductTranslation.product == 1, ProductTranslation.locale == "en").scalar())
    if first:
        UrlRewrite.create(entity_type="product", request_path=f"old-{first}", target_path=first, redirect_type="301",
                          locale="en", **stamps)
    UrlRewrite.create(entity_type="cms_page", request_path="page/about", target_path="page/about-us",
                      redirect_type="302", locale="en", **stamps)
    sitemap = Sitemap.create(file_name="sitemap.xml", path="/", **stamps)
    sitemap_files.generate(sitemap.id, now=SEED_TIME)
