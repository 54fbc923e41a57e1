"""Search and SEO: search terms recorded by the shop's search, synonyms, URL rewrites and sitemaps."""
