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

from datetime import datetime


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
