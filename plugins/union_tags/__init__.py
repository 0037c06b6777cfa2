"""Region and topic tagging for the union bulletin site (Pelican glue in glue.py).

The logic lives in plain modules: gazetteer, regions, topics, overrides,
tagger (one call per story), site (tree, listings, related stories), review
(the `make tags` table).  glue.py connects them to Pelican:

- content_object_init: tag each article (article.regions, .topics,
  .primary_region, .primary_region_name, .region_breadcrumb); override
  problems go into the build report as errors naming the file and field.
- initialized / finalized: open and save the tag cache (cache.py).
- get_generators: TagPagesGenerator writes the region tree, region pages,
  topic index, topic pages and their Atom feeds, and sets article.related.

Importing this package does not import Pelican, so the logic modules and
`python -m union_tags.review` work without it.
"""

from .settings import DEFAULTS  # noqa: F401 - the settings table, read by union_core


def register():
    from pelican import signals

    import union_core

    from . import glue

    union_core.register()
    signals.initialized.connect(glue.set_defaults)
    signals.content_object_init.connect(glue.tag_article)
    signals.get_generators.connect(glue.get_generators)
    signals.finalized.connect(glue.save_cache)
