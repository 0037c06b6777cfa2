"""Pelican's slugify reads Han characters as pinyin (the transliteration is union_text.pinyin's)."""

import unicodedata

from union_text.pinyin import transliterate


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
