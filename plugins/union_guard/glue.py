"""Pelican glue for union_guard: swap in the guarded reader, report problems, settle slug clashes."""

from __future__ import annotations

import logging

from pelican.contents import Article, Page
from pelican.readers import MarkdownReader

from union_core.report import report
from union_core.settings import apply_defaults

from . import duplicates, escaping, pelican_cache
from .checks import MACHINE_FIELDS, plain_text_field, sanitize_body
from .problems import ERROR, PROBLEMS_KEY, Problems
from .reader import GuardedMarkdownReader
from .settings import DEFAULTS

logger = logging.getLogger("union_guard")
READER_NAME = GuardedMarkdownReader.__name__.replace("Reader", "").lower()


class GuardState:
    """What union_guard keeps during one build: who owns each slug, per kind of content."""

    def __init__(self):
        self.registries = {"Article": duplicates.SlugRegistry(), "Page": duplicates.SlugRegistry()}


_state = GuardState()


def _kind(generator) -> str:
    return "Page" if generator.__class__.__name__.startswith("Pages") else "Article"


def set_defaults(pelican):
    global _state
    settings = apply_defaults(pelican.settings, DEFAULTS)
    _state = GuardState()
    problem = escaping.require_autoescape(settings)
    if problem:
        report(problem, logger)
    pelican_cache.install_safe_cache()
    if settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE"):
        pelican_cache.drop_if_code_changed(settings["CACHE_PATH"])


def use_guarded_reader(readers):
    """Replace Pelican's Markdown reader (unless the site configured its own)."""
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class is MarkdownReader:
            readers.reader_classes[extension] = GuardedMarkdownReader


def log_problems(items):
    for problem in items:
        report(problem, logger)


def report_reader_problems(generator, metadata):
    """Report what the reader found (also for files served from Pelican's reader cache); skip on error."""
    items = metadata.pop(PROBLEMS_KEY, None) or ()
    log_problems(items)
    if any(problem.level == ERROR for problem in items):
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
    _state.registries[_kind(generator)] = duplicates.SlugRegistry()


def check_duplicate_slug(content):
    if isinstance(content, (Article, Page)):
        duplicates.check_duplicate_slug(_state.registries["Page" if isinstance(content, Page) else "Article"],
                                        content)


def drop_duplicate_slugs(generator):
    duplicates.drop_duplicates(_state.registries[_kind(generator)], generator)
