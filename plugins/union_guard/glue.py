"""Pelican glue for union_guard: swap in the guarded reader and the safe walk, report problems,
settle slug and output-path clashes, shorten over-long slugs."""

from __future__ import annotations

import logging
import os

from pelican.contents import Article, Page
from pelican.readers import MarkdownReader

from union_core.report import ERROR, WARNING, Problem, display_path, report
from union_core.settings import apply_defaults

from . import content_files, duplicates, escaping, names, outputs, pelican_cache
from .checks import MACHINE_FIELDS, check_template, plain_text_field, sanitize_body
from .problems import LINES_KEY, PROBLEMS_KEY, Problems
from .reader import GuardedMarkdownReader
from .settings import DEFAULTS

logger = logging.getLogger("union_guard")
READER_NAME = GuardedMarkdownReader.__name__.replace("Reader", "").lower()


class GuardState:
    """What union_guard keeps during one build: slug owners per kind of content, output paths
    claimed by content, files already refused by the walk (reported once)."""

    def __init__(self):
        self.registries = {"Article": duplicates.SlugRegistry(), "Page": duplicates.SlugRegistry()}
        self.paths = outputs.PathRegistry()
        self.refused = set()


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
    install_safe_walk()
    pelican_cache.install_safe_cache()
    if settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE"):
        pelican_cache.drop_if_code_changed(settings["CACHE_PATH"])


def use_guarded_reader(readers):
    """Replace Pelican's Markdown reader (unless the site configured its own)."""
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class is MarkdownReader:
            readers.reader_classes[extension] = GuardedMarkdownReader


# --- which files are read ------------------------------------------------------------------

def install_safe_walk() -> None:
    """Replace Generator.get_files by content_files.walk (idempotent: autoreload runs this again)."""
    from pelican.generators import Generator

    if getattr(Generator.get_files, "_union_guard_safe", False):
        return

    def get_files(self, paths, exclude=None, extensions=None):
        if isinstance(paths, str):
            paths = [paths]
        found = content_files.walk(self.path, paths, exclude or [], self.settings["IGNORE_FILES"],
                                   lambda relative: self._include_path(relative, extensions))
        for refusal in found.refused:
            report_refusal(self.path, refusal)
        return found.files

    get_files._union_guard_safe = True
    get_files.__wrapped__ = Generator.get_files
    Generator.get_files = get_files


def report_refusal(content_root: str, refusal) -> None:
    if refusal.path in _state.refused:
        return  # each generator walks: report a file once per build
    _state.refused.add(refusal.path)
    report(Problem(ERROR, display_path(os.path.join(content_root, refusal.path)), refusal.message,
                   refusal.todo, source="union_guard"), logger)


# --- what the reader found -------------------------------------------------------------------

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


def shorten_long_slugs(content):
    """content_object_init: slugs too long for a file name get a short stable form (a warning)."""
    if not isinstance(content, (Article, Page)):
        return
    for field_name, name, old, new in names.long_slugs(content):
        report(Problem(WARNING, display_path(content.source_path),
                       f"{name[:40]!r}… makes a web address of {len(old)} characters; shortened to {new!r}",
                       f"use a shorter {field_name[:-1] if field_name.endswith('s') else field_name} "
                       "(or a \"Slug:\" line for the article itself)",
                       field=field_name, lines=_lines(content, field_name.lower()), source="union_guard"), logger)


# --- who writes where -------------------------------------------------------------------------

def reset_slugs(generator):
    _state.registries[_kind(generator)] = duplicates.SlugRegistry()
    if _kind(generator) == "Article":
        _state.paths = outputs.PathRegistry()


def check_duplicate_slug(content):
    if isinstance(content, (Article, Page)):
        duplicates.check_duplicate_slug(_state.registries["Page" if isinstance(content, Page) else "Article"],
                                        content)


def drop_duplicate_slugs(generator):
    duplicates.drop_duplicates(_state.registries[_kind(generator)], generator)


def check_before_listing(generator):
    """Articles at pretaxonomy, pages when read: skip (with an error) every item whose Template:
    is not one for its kind, or that would write a generated page or another item's file."""
    settings = generator.settings
    kind = _kind(generator)
    items = duplicates.generator_items(generator)
    refused = []
    allowed = settings[f"UNION_GUARD_{kind.upper()}_TEMPLATES"]
    for item in items:
        if "template" in item.metadata:
            found = Problems(item.source_path)
            if not check_template(item.metadata["template"], kind.lower(), allowed, _line(item, "template"), found):
                log_problems(found.items)
                refused.append(item)
    reserved = outputs.reserved_outputs(settings)
    shapes = []
    if kind == "Article":  # an article may not take the shape of a page's address (pages come later)
        shapes = [outputs.pattern_shape(settings[key]) for key in
                  ("PAGE_SAVE_AS", "PAGE_LANG_SAVE_AS", "DRAFT_PAGE_SAVE_AS", "DRAFT_PAGE_LANG_SAVE_AS")
                  if settings.get(key)]
    for clash in _state.paths.settle([i for i in items if i not in refused], reserved, shapes):
        field_name = clash.claim.chosen_by or "Slug"
        report(Problem(ERROR, display_path(clash.item.source_path), clash.message, clash.todo,
                       field=field_name, lines=_lines(clash.item, field_name.lower()), source="union_guard"), logger)
        refused.append(clash.item)
    duplicates.remove_from_generator(generator, {item.source_path for item in refused})
    for item in items:
        if item not in refused:
            mismatch = outputs.align_url(item)
            if mismatch:
                report(Problem(WARNING, display_path(item.source_path), mismatch[0], mismatch[1], field="URL",
                               lines=_lines(item, "url"), source="union_guard"), logger)


def _line(item, key):
    return (item.metadata.get(LINES_KEY) or {}).get(key)


def _lines(item, key) -> tuple:
    line = _line(item, key)
    return (line,) if line else ()
