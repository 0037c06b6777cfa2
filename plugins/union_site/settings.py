"""union_site's settings table (see the README's settings table)."""

DEFAULTS = {
    # Reading speed for the "约 N 分钟读完" line on articles (Chinese characters per minute).
    "UNION_READING_CHARS_PER_MINUTE": 400,
    # Write output/catalog.json (every article as open data).
    "UNION_CATALOG": True,
    # Write output/sitemap.xml.
    "UNION_SITEMAP": True,
    # Render a page again only when something its template can show changed (the previous build's
    # record is in CACHE_PATH/union_site-pages.json; read unless LOAD_CONTENT_CACHE is off).
    "UNION_INCREMENTAL_WRITES": True,
}
