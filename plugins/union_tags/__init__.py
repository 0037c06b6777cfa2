"""Region and topic tagging for the union bulletin site (Pelican glue).

The logic lives in plain modules: gazetteer, regions, topics, overrides,
tagger (one call per story), site (tree, listings, related stories), review
(the `make tags` table).  This file connects them to Pelican:

- content_object_init: tag each article (article.regions, .topics,
  .primary_region, .primary_region_name, .region_breadcrumb); override
  problems are logged as errors naming the file.
- initialized / finalized: open and save the tag cache (cache.py).
- get_generators: TagPagesGenerator writes the region tree, region pages,
  topic index, topic pages and their Atom feeds, and sets article.related.

Importing this package does not import Pelican, so the logic modules and
`python -m union_tags.review` work without it.
"""

import logging

DEFAULTS = {
    "UNION_REGIONS_INDEX_URL": "regions/",
    "UNION_REGIONS_INDEX_SAVE_AS": "regions/index.html",
    "UNION_REGION_URL": "regions/{slug}/",
    "UNION_REGION_SAVE_AS": "regions/{slug}/index.html",
    "UNION_TOPICS_INDEX_URL": "topics/",
    "UNION_TOPICS_INDEX_SAVE_AS": "topics/index.html",
    "UNION_TOPIC_URL": "topics/{slug}/",
    "UNION_TOPIC_SAVE_AS": "topics/{slug}/index.html",
    # Feeds need absolute links: written only when SITEURL or FEED_DOMAIN is set.
    "UNION_REGION_FEED_ATOM": "feeds/region/{slug}.atom.xml",
    "UNION_TOPIC_FEED_ATOM": "feeds/topic/{slug}.atom.xml",
    "UNION_RELATED_COUNT": 5,
    "UNION_TAGS_CACHE": True,   # CACHE_PATH/union_tags.json, tags by content hash
    "UNION_TAGS_EXPLAIN": False,  # log every tag and its reason (pelican -v -e UNION_TAGS_EXPLAIN=true)
}
PAGINATED = ("region", "topic")

logger = logging.getLogger(__name__)


def set_defaults(pelican):
    settings = pelican.settings
    for key, value in DEFAULTS.items():
        settings.setdefault(key, value)
    paginated = settings.setdefault("PAGINATED_TEMPLATES", {})
    for name in PAGINATED:
        paginated.setdefault(name, None)
    from .glue import open_cache

    open_cache(settings)


def save_cache(pelican):
    from .glue import save_cache as save

    save(pelican)


def tag_article(content):
    """Set the tag attributes on an article; safe to run twice on the same object."""
    from pelican.contents import Article

    if not isinstance(content, Article) or content._content is None:
        return
    from .glue import apply_tags

    for error in apply_tags(content):
        logger.error("%s: %s", content.source_path, error)
    if content.settings.get("UNION_TAGS_EXPLAIN"):
        for region in content.regions:
            logger.info("%s: 地区%s %s — %s", content.source_path, "★" if region["primary"] else "",
                           "›".join(region["path"]), region["reason"])
        for topic in content.topics:
            logger.info("%s: 主题 %s — %s", content.source_path, topic["name"], topic["reason"])


def get_generators(pelican):
    from .glue import TagPagesGenerator

    return TagPagesGenerator


def register():
    from pelican import signals

    signals.initialized.connect(set_defaults)
    signals.content_object_init.connect(tag_article)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(save_cache)
