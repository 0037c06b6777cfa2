"""union_guard: hostile and broken input never stops the build nor reaches a reader's browser.

Pelican glue is in glue.py; the logic is in plain modules: content_files (which files are read,
and how much), decode (bytes → text), header (full-width and repeated metadata keys),
markdown_limits (text that would make Markdown super-linear, a CPU time limit), sanitize (the
HTML allowlist, nh3), checks (metadata and body checks), reader (the Markdown reader that applies
them), duplicates (who keeps a shared slug), outputs (reserved output paths, who writes where),
names (slugs short enough for file names), escaping (the theme's autoescape), pelican_cache
(Pelican's reader cache), problems (the records editors read).  List it first in PLUGINS so that
other plugins' content_object_init handlers only ever see clean content.

Errors skip the file and warnings repair it; both go into the build report and through
Pelican's logger, so `make html` reports and continues while `make publish`
(`--fatal warnings`) stops.
"""

from .settings import DEFAULTS  # noqa: F401 - the settings table, read by union_core


def register():
    from pelican import signals

    import union_core

    from . import glue

    union_core.register()
    signals.initialized.connect(glue.set_defaults)
    signals.readers_init.connect(glue.use_guarded_reader)
    signals.article_generator_context.connect(glue.report_reader_problems)
    signals.page_generator_context.connect(glue.report_reader_problems)
    signals.article_generator_init.connect(glue.reset_slugs)
    signals.page_generator_init.connect(glue.reset_slugs)
    signals.content_object_init.connect(glue.guard_other_readers)
    signals.content_object_init.connect(glue.shorten_long_slugs)
    signals.content_object_init.connect(glue.check_duplicate_slug)
    signals.article_generator_pretaxonomy.connect(glue.drop_duplicate_slugs)
    signals.article_generator_pretaxonomy.connect(glue.check_before_listing)
    signals.page_generator_finalized.connect(glue.drop_duplicate_slugs)
    signals.page_generator_finalized.connect(glue.check_before_listing)
