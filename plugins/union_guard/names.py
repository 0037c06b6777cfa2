"""Slugs short enough to be file names.

A slug is a folder or file name in output/ (`tag/<slug>/index.html`,
`feeds/category/<slug>.atom.xml`).  A name of ~60 Chinese characters - an author, tag or
category pasted with a whole sentence - becomes a pinyin slug of 300+ characters, over the
255 bytes a file name may have, and Pelican stops the whole build when it writes it.  Such a
slug is cut at a hyphen and given a hash of the full slug: the same name always gets the
same short slug (links and feeds stay stable), two long names sharing a beginning stay apart.

MAX_SLUG_LENGTH leaves room for the longest suffix the site adds (".atom.xml") and keeps every
slug that ever built unchanged (published addresses must not move).
"""

from __future__ import annotations

import hashlib

MAX_SLUG_LENGTH = 200
_HASH_LENGTH = 8


def short_slug(slug: str, limit: int = MAX_SLUG_LENGTH) -> str:
    """`slug` itself when short enough, else its first part and a stable hash (≤ limit characters)."""
    if len(slug) <= limit:
        return slug
    digest = hashlib.sha256(slug.encode("utf-8")).hexdigest()[:_HASH_LENGTH]
    head = slug[: limit - _HASH_LENGTH - 1]
    if "-" in head:
        head = head.rsplit("-", 1)[0]
    return f"{head.rstrip('-')}-{digest}"


def long_slugs(content) -> list:
    """[(field, name, old slug, new slug)] for every over-long slug of a content item, repaired.

    The item's own slug, its category, tags and authors (Pelican's URLWrapper objects, whose
    slug can be set).  Each article has its own wrapper objects, so each is repaired where it is
    read; the same name always gets the same slug, so the taxonomy still groups them.
    """
    repaired = []
    slug = getattr(content, "slug", None)
    if isinstance(slug, str) and len(slug) > MAX_SLUG_LENGTH:
        content.slug = short_slug(slug)
        repaired.append(("Title" if "slug" not in content.metadata else "Slug", content.title, slug, content.slug))
    wrappers = [("Category", getattr(content, "category", None))]
    wrappers += [("Tags", tag) for tag in getattr(content, "tags", None) or ()]
    wrappers += [("Authors", author) for author in getattr(content, "authors", None) or ()]
    for field_name, wrapper in wrappers:
        wrapper_slug = getattr(wrapper, "slug", None)
        if isinstance(wrapper_slug, str) and len(wrapper_slug) > MAX_SLUG_LENGTH:
            wrapper.slug = short_slug(wrapper_slug)
            repaired.append((field_name, wrapper.name, wrapper_slug, wrapper.slug))
    return repaired
