"""union_guard: hostile and broken input never stops the build nor reaches a reader's browser.

Pelican glue only; the logic is in plain modules:
decode (bytes → text), header (full-width metadata keys), sanitize (the HTML
allowlist, nh3), checks (metadata and body checks), reader (the Markdown
reader that applies them), duplicates (who keeps a shared slug), problems
(message format).  List it first in PLUGINS so that other plugins'
content_object_init handlers only ever see clean content.

Errors skip the file and warnings repair it; both go through Pelican's
logger, so `make html` reports and continues while `make publish`
(`--fatal warnings`) stops.
"""

import logging

from pelican import signals
from pelican.contents import Article, Page
from pelican.readers import MarkdownReader

from .checks import MACHINE_FIELDS, MAX_FILE_BYTES, plain_text_field, sanitize_body
from .duplicates import SlugRegistry
from .problems import ERROR, PROBLEMS_KEY, Problems, display_path
from .reader import GuardedMarkdownReader

logger = logging.getLogger(__name__)
READER_NAME = GuardedMarkdownReader.__name__.replace("Reader", "").lower()
_registries = {"Article": SlugRegistry(), "Page": SlugRegistry()}


def set_defaults(pelican):
    pelican.settings.setdefault("UNION_GUARD_MAX_BYTES", MAX_FILE_BYTES)


def use_guarded_reader(readers):
    """Replace Pelican's Markdown reader (unless the site configured its own)."""
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class is MarkdownReader:
            readers.reader_classes[extension] = GuardedMarkdownReader


def log_problems(items):
    for level, text in items:
        (logger.error if level == ERROR else logger.warning)("%s", text)


def report_reader_problems(generator, metadata):
    """Report what the reader found (also for files served from Pelican's reader cache); skip on error."""
    items = metadata.pop(PROBLEMS_KEY, None) or ()
    log_problems(items)
    if any(level == ERROR for level, _ in items):
        metadata["status"] = "skip"


def guard_other_readers(content):
    """Safety net for content not read by GuardedMarkdownReader (HTML or reST files, other plugins)."""
    if not isinstance(content, (Article, Page)) or content._content is None:
        return
    if content.metadata.get("reader") == READER_NAME:
        return
    problems = Problems(content.source_path)
    content._content = sanitize_body(content._content, [], problems)
    if getattr(content, "_summary", None):
        content._summary = sanitize_body(content._summary, [], problems, "Summary")
        content.metadata["summary"] = content._summary
    for key, value in list(content.metadata.items()):
        if key in MACHINE_FIELDS or key == "summary" or not isinstance(value, str):
            continue
        cleaned = plain_text_field(key, value, None, problems)
        if cleaned != value:
            content.metadata[key] = cleaned
            setattr(content, key, cleaned)
            if key == "title":
                reslug_from_title(content)
    log_problems(problems.items)


def reslug_from_title(content):
    """Pelican made the slug from the title before it was cleaned: make it again, unless explicit."""
    from pelican import contents

    settings = content.settings
    if "slug" in content.metadata or settings.get("SLUGIFY_SOURCE") != "title":
        return
    content.slug = contents.slugify(content.title,
                                    regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
                                    preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
                                    use_unicode=settings.get("SLUGIFY_USE_UNICODE", False))


def reset_slugs(generator):
    kind = "Page" if generator.__class__.__name__.startswith("Pages") else "Article"
    _registries[kind] = SlugRegistry()


class DuplicateSlug(Exception):
    """Raised for the newer of two files sharing a slug, so Pelican skips it."""


def check_duplicate_slug(content):
    if not isinstance(content, (Article, Page)):
        return
    registry = _registries["Page" if isinstance(content, Page) else "Article"]
    clash = registry.claim(content)
    if clash is None:
        return
    kept, dropped = clash
    when = f" ({kept.date:%Y-%m-%d})" if getattr(kept, "date", None) else ""
    logger.error("%s: Slug %r is already used by %s%s — this file is skipped (the older one keeps "
                 "its address); give it its own \"Slug:\" line",
                 display_path(dropped.source_path), dropped.slug, display_path(kept.source_path), when)
    if dropped is content:
        raise DuplicateSlug(f"slug {content.slug!r} already used by {kept.source_path}")
    # Read earlier and already accepted: removed at pretaxonomy.  Until then a slug of its own keeps
    # Pelican from grouping the two files as translations (and warning about it).
    dropped.slug = f"{dropped.slug}--duplicate-{id(dropped):x}"


def drop_duplicate_slugs(generator):
    """Remove the files that lost their slug after they had been read (the newer one came first)."""
    registry = _registries["Page" if generator.__class__.__name__.startswith("Pages") else "Article"]
    if not registry.dropped:
        return
    for name in ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                 "drafts_translations", "pages", "hidden_pages", "draft_pages", "draft_translations"):
        items = getattr(generator, name, None)
        if isinstance(items, list):
            items[:] = [item for item in items if item.source_path not in registry.dropped]
            for item in items:
                item.translations = [t for t in getattr(item, "translations", [])
                                     if t.source_path not in registry.dropped]


def register():
    signals.initialized.connect(set_defaults)
    signals.readers_init.connect(use_guarded_reader)
    signals.article_generator_context.connect(report_reader_problems)
    signals.page_generator_context.connect(report_reader_problems)
    signals.article_generator_init.connect(reset_slugs)
    signals.page_generator_init.connect(reset_slugs)
    signals.content_object_init.connect(guard_other_readers)
    signals.content_object_init.connect(check_duplicate_slug)
    signals.article_generator_pretaxonomy.connect(drop_duplicate_slugs)
    signals.page_generator_finalized.connect(drop_duplicate_slugs)
