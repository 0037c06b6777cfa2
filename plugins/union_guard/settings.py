"""union_guard's settings table (see the README's settings table)."""

DEFAULTS = {
    # Larger Markdown files are an error (skipped); over 300 KB a warning.
    "UNION_GUARD_MAX_BYTES": 2_000_000,
    # CPU seconds Markdown may spend on one file before it is stopped and the file skipped.
    "UNION_GUARD_MARKDOWN_SECONDS": 10,
    # The templates an article's or a page's `Template:` may name (others are an error).
    "UNION_GUARD_ARTICLE_TEMPLATES": ["article"],
    "UNION_GUARD_PAGE_TEMPLATES": ["page"],
    # Outputs written under fixed names that no *_SAVE_AS setting declares (a trailing / reserves
    # a whole folder): no Save_as, URL or slug may take them.
    "UNION_GUARD_RESERVED_PATHS": ["catalog.json", "sitemap.xml", "feeds/"],
}
