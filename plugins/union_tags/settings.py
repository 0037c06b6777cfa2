"""union_tags' settings table (see the README's settings table)."""

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
