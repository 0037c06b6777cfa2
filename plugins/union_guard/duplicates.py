"""Two source files that would be published under the same slug.

Pelican groups items by slug to find translations: a second article with the
same slug and language is not an error to it, and one file silently
overwrites the other.  Here the older article keeps the slug - a published
address must not change under readers' feet - and the newer one is skipped
until it gets its own ``Slug:``.  Same date (or pages, which have none): the
file whose path sorts first keeps it, so the outcome never depends on the
order the disk lists files in.
"""

from __future__ import annotations

import logging
from datetime import datetime

from union_core.report import ERROR, Problem, display_path, report

logger = logging.getLogger(__name__)
# Everything a generator keeps a list of content in (a dropped file must leave them all).
CONTENT_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                 "drafts_translations", "pages", "hidden_pages", "draft_pages", "draft_translations")


def slug_key(content) -> tuple:
    """Items sharing this key would be treated as translations of each other, or overwrite each other.

    Drafts are written under drafts/, so a draft does not clash with a published article.
    """
    group = "draft" if getattr(content, "status", "") == "draft" else "listed"
    return (type(content).__name__, group, getattr(content, "slug", None), getattr(content, "lang", None))


def _age(content):
    date = getattr(content, "date", None)
    if isinstance(date, datetime):
        return (0, date.replace(tzinfo=None).isoformat(), str(content.source_path))
    return (1, "", str(content.source_path))


def choose_survivor(first, second):
    """(kept, dropped): the older item keeps the slug; ties go to the path that sorts first."""
    return (first, second) if _age(first) <= _age(second) else (second, first)


class SlugRegistry:
    """Slugs seen so far in one generator run (reset when the generator is created)."""

    def __init__(self):
        self.owners = {}
        self.dropped = set()

    def claim(self, content):
        """None if the slug is free; else (kept, dropped) after deciding who keeps it."""
        key = slug_key(content)
        owner = self.owners.get(key)
        if owner is None or owner is content or owner.source_path == content.source_path:
            self.owners[key] = content
            return None
        kept, dropped = choose_survivor(owner, content)
        self.owners[key] = kept
        self.dropped.add(dropped.source_path)
        return kept, dropped


class DuplicateSlug(Exception):
    """Raised for the newer of two files sharing a slug, so Pelican skips it."""


def check_duplicate_slug(registry: SlugRegistry, content) -> None:
    """content_object_init: claim the slug; skip (raise) or mark the file that loses it."""
    clash = registry.claim(content)
    if clash is None:
        return
    kept, dropped = clash
    when = f" ({kept.date:%Y-%m-%d})" if getattr(kept, "date", None) else ""
    report(Problem(ERROR, display_path(dropped.source_path),
                   f"Slug {dropped.slug!r} is already used by {display_path(kept.source_path)}{when}",
                   "this file is skipped (the older one keeps its address); give it its own \"Slug:\" line",
                   field="Slug", source="union_guard"), logger)
    if dropped is content:
        raise DuplicateSlug(f"slug {content.slug!r} already used by {kept.source_path}")
    # Read earlier and already accepted: removed at pretaxonomy.  Until then a slug of its own keeps
    # Pelican from grouping the two files as translations (and warning about it).
    dropped.slug = f"{dropped.slug}--duplicate-{id(dropped):x}"


def drop_duplicates(registry: SlugRegistry, generator) -> None:
    """Remove the files that lost their slug after they had been read (the newer one came first)."""
    if not registry.dropped:
        return
    for name in CONTENT_LISTS:
        items = getattr(generator, name, None)
        if isinstance(items, list):
            items[:] = [item for item in items if item.source_path not in registry.dropped]
            for item in items:
                item.translations = [t for t in getattr(item, "translations", [])
                                     if t.source_path not in registry.dropped]
