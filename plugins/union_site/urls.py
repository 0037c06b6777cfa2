"""Each content object's URL formatted once per build instead of on every use.

Pelican recomputes ``url`` on every access: it copies the metadata, resolves the source path
and formats the URL pattern (dates through its own strftime).  A story's URL is read about
30 times per build (its own page, every listing it appears in, related stories, feeds,
catalog.json, sitemap.xml): 5 s of a 25 s profile at 1,000 articles.  Once every generator
has its context, slugs, dates and statuses are final; the URL is then stored as the object's
``override_url``, which Pelican's ``url`` property itself returns (the mechanism behind a
``URL:`` metadata line, which is left as it is).  ``save_as`` is untouched: Pelican treats an
``override_save_as`` as permission to overwrite another file.
"""

from __future__ import annotations

from pelican.contents import Content

# Where Pelican's article and page generators keep their content objects.
CONTENT_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                 "drafts_translations", "pages", "hidden_pages", "draft_pages", "draft_translations")


def freeze_urls(generators) -> int:
    """all_generators_finalized: store every content object's URL; returns how many were stored."""
    frozen = 0
    for generator in generators:
        for name in CONTENT_LISTS:
            for item in getattr(generator, name, None) or ():
                if isinstance(item, Content) and "override_url" not in vars(item):
                    item.override_url = item.url
                    frozen += 1
    return frozen
