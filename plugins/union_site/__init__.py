"""Site foundation plugin: pinyin slugs, reading statistics, catalog.json, sitemap.xml,
previous/next links and the home page's lead story.

The logic lives in plain modules (slugs, text_stats, catalog, sitemap, neighbours, home);
glue.py connects it to Pelican's signals.
"""

from .settings import DEFAULTS  # noqa: F401 - the settings table, read by union_core


def register():
    from pelican import signals

    import union_core

    from . import glue

    union_core.register()
    signals.initialized.connect(glue.set_defaults)
    signals.content_object_init.connect(glue.add_reading_stats)
    signals.article_generator_finalized.connect(glue.link_articles)
    signals.get_generators.connect(glue.get_generators)
    signals.all_generators_finalized.connect(glue.prepare_writing)
    signals.get_writer.connect(glue.get_writer)
    signals.finalized.connect(glue.save_store)
