"""Two source files that would be published under the same slug.

Pelican groups items by slug to find translations: a second article with the
same slug and language is not an error to it, and one file silently
overwrites the other.  Here the older article keeps the slug - a published
address must not change under readers' feet - and the newer one is skipped
until it gets its own ``Slug:``.  Same date (or pages, which have none): the
file whose path sorts first keeps it, so the outcome never depends on the
order the disk lists files in.

A second language version (same slug, another ``Lang:``) is the same clash: Pelican
would make it a "translation", written at ARTICLE_LANG_SAVE_AS and left out of every
listing, catalog.json, the search and the sitemap - published but unfindable.  The site
publishes one version per story, so it is an error naming both files; the version in the
site's language keeps the slug.  A story in another language is published with its own
``Slug:``.
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
    The language is not part of the key: another Lang: with the same slug is a clash too.
    """
    group = "draft" if getattr(content, "status", "") == "draft" else "listed"
    return (type(content).__name__, group, getattr(content, "slug", None))


def _age(content):
    other_language = 0 if getattr(content, "in_default_lang", True) else 1
    date = getattr(content, "date", None)
    if isinstance(date, datetime):
        return (other_language, 0, date.replace(tzinfo=None).isoformat(), str(content.source_path))
    return (other_language, 1, "", str(content.source_path))


def choose_survivor(first, second):
    """(kept, dropped): the version in the site's language, then the older item keeps the slug;
    ties go to the path that sorts first."""
    return (first, second) if _age(first) <= _age(second) else (second, first)


class SlugRegistry:
    """Slugs seen so far in one generator run (reset when the generator is created)."""

    def __init__(self):
        self.owners = {}
        self.dropped = set()
        self.losers = []   # (dropped item, slug key), reported once every file is read

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
        self.losers.append((dropped, key))
        return kept, dropped


def check_duplicate_slug(registry: SlugRegistry, content) -> None:
    """content_object_init: claim the slug; mark the file that loses it.

    The loser gets a slug of its own at once (so Pelican does not group the two files as
    translations, nor warn about them); it is reported and removed once every file is read
    (drop_duplicates), naming the file that finally keeps the slug: with three files sharing one,
    the first winner may lose to the third.
    """
    clash = registry.claim(content)
    if clash is None:
        return
    _, dropped = clash
    dropped.slug = f"{dropped.slug}--duplicate-{id(dropped):x}"


def report_losers(registry: SlugRegistry) -> None:
    """Report every file that lost its slug, naming the file that keeps it."""
    for dropped, key in registry.losers:
        kept = registry.owners[key]
        report_loser(kept, dropped, key[2])
    registry.losers = []


def report_loser(kept, dropped, slug) -> None:
    when = f" ({kept.date:%Y-%m-%d})" if getattr(kept, "date", None) else ""
    if getattr(kept, "lang", None) != getattr(dropped, "lang", None):
        message = (f"Slug {slug!r} is already used by {display_path(kept.source_path)}{when}, "
                   f"in Lang {kept.lang}; this file (Lang {dropped.lang}) would be hidden as a translation")
        todo = ("the site publishes one version of a story: give this file its own \"Slug:\" line to "
                "publish it as a story of its own; it is skipped until then")
    else:
        message = f"Slug {slug!r} is already used by {display_path(kept.source_path)}{when}"
        todo = "this file is skipped (the older one keeps its address); give it its own \"Slug:\" line"
    report(Problem(ERROR, display_path(dropped.source_path), message, todo, field="Slug",
                   source="union_guard"), logger)


def drop_duplicates(registry: SlugRegistry, generator) -> None:
    """Report the files that lost their slug; remove those read before the file that won."""
    report_losers(registry)
    remove_from_generator(generator, registry.dropped)


def generator_items(generator) -> list:
    """Every content item a generator holds, in any of its lists (published, hidden, drafts …)."""
    seen, items = set(), []
    for name in CONTENT_LISTS:
        for item in getattr(generator, name, None) or ():
            if id(item) not in seen:
                seen.add(id(item))
                items.append(item)
    return items


def remove_from_generator(generator, source_paths) -> None:
    """Take the items read from `source_paths` out of every list of the generator (before the
    taxonomies are built), and make `{filename}` links to them unresolved rather than stale."""
    if not source_paths:
        return
    generated = generator.context.get("generated_content") if hasattr(generator, "context") else None
    for name in CONTENT_LISTS:
        items = getattr(generator, name, None)
        if isinstance(items, list):
            for item in items:
                if item.source_path in source_paths and isinstance(generated, dict):
                    generated[item.get_relative_source_path()] = None
            items[:] = [item for item in items if item.source_path not in source_paths]
            for item in items:
                item.translations = [t for t in getattr(item, "translations", [])
                                     if t.source_path not in source_paths]
