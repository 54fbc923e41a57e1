"""Search and SEO: search terms recorded by the shop's search, synonyms, URL rewrites and the sitemap jobs
(the sitemap files themselves are derived in `storage/sitemap_files.py`)."""
