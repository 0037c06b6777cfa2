"""Hanyu Pinyin for slugs and search keys: the one place that transliterates.

Pelican's default slugify goes through unidecode, which reads 广东 as "yan-dong".  Editors and
readers expect pinyin, so every slug in the project (articles, pages, categories, tags,
regions, topics, importer output) and the search's pinyin keys come from here.
"""

from __future__ import annotations

import functools
import re
import unicodedata

MAX_SLUG_LENGTH = 80
_NON_SLUG = re.compile(r"[^a-z0-9]+")


@functools.cache
def _pypinyin():
    """pypinyin, imported on first use: its dictionaries cost about half a second and 55 MB, and
    a rebuild whose slugs all come from caches (or articles with their own Slug:) needs none."""
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin, Style.NORMAL


def transliterate(text: str) -> str:
    """Han characters become space-separated pinyin syllables; everything else is kept."""
    lazy_pinyin, normal = _pypinyin()
    parts = lazy_pinyin(text or "", style=normal, errors=lambda chars: [chars])
    return " ".join(parts)


def syllables(word: str) -> list[str]:
    """Toneless pinyin of each Han character of `word` (non-Han characters are left out)."""
    lazy_pinyin, normal = _pypinyin()
    return lazy_pinyin(word, style=normal, errors="ignore")


def pinyin_slug(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """Lowercase ASCII slug: pinyin syllables and ASCII words joined by '-'."""
    text = unicodedata.normalize("NFKC", text or "")
    slug = _NON_SLUG.sub("-", transliterate(text).lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug
