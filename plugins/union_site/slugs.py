"""ASCII slugs from Chinese titles.

Pelican's default slugify goes through unidecode, which reads 广东 as
"yan-dong".  Editors and readers expect Hanyu Pinyin, so every slug in the
project (articles, pages, categories, tags, regions, topics, importer output)
comes from here.
"""

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

MAX_SLUG_LENGTH = 80
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def transliterate(text: str) -> str:
    """Han characters become space-separated pinyin syllables; everything else is kept."""
    parts = lazy_pinyin(text or "", style=Style.NORMAL, errors=lambda chars: [chars])
    return " ".join(parts)


def pinyin_slug(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """Lowercase ASCII slug: pinyin syllables and ASCII words joined by '-'."""
    text = unicodedata.normalize("NFKC", text or "")
    slug = _NON_SLUG.sub("-", transliterate(text).lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug


def install_pinyin_slugify():
    """Make Pelican's own slugify read Han characters as pinyin.

    Pelican has no hook for transliteration, and it slugifies in two modules
    (contents for articles and pages, urlwrappers for categories, tags and
    authors, including its string comparisons), so both names are rebound to
    one wrapper.  Idempotent: safe under autoreload.
    """
    from pelican import contents, urlwrappers, utils

    original = getattr(utils.slugify, "__wrapped_slugify__", utils.slugify)

    def slugify(value, regex_subs=(), preserve_case=False, use_unicode=False):
        if not use_unicode:
            value = transliterate(unicodedata.normalize("NFKC", value or ""))
        return original(value, regex_subs=regex_subs, preserve_case=preserve_case,
                        use_unicode=use_unicode)

    slugify.__wrapped_slugify__ = original
    for module in (utils, contents, urlwrappers):
        module.slugify = slugify
