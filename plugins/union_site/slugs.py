"""Pelican's slugify reads Han characters as pinyin (the transliteration is union_text.pinyin's).

Pelican slugifies every category, tag and author name of every article it reads (and again when
it compares them), about seven times per article for a few hundred distinct names.  Each
distinct text is transliterated once; with a store (union_site's cache file) a rebuild
transliterates nothing and never loads pypinyin's dictionaries for it.
"""

import unicodedata

from union_text.pinyin import transliterate   # pypinyin itself loads on the first miss only

_KEY = "slug:"


class Transliterations:
    """text → pinyin transliteration, memoised (and kept in `store` between builds when given)."""

    def __init__(self, store=None):
        self.store = store
        self.memo = {}

    def __call__(self, text: str) -> str:
        found = self.memo.get(text)
        if found is None:
            found = self.store.get(_KEY + text) if self.store is not None else None
            if found is None:
                found = transliterate(text)
            if self.store is not None:
                self.store.put(_KEY + text, found)
            self.memo[text] = found
        return found


def install_pinyin_slugify(store=None):
    """Make Pelican's own slugify read Han characters as pinyin.

    Pelican has no hook for transliteration, and it slugifies in two modules
    (contents for articles and pages, urlwrappers for categories, tags and
    authors, including its string comparisons), so both names are rebound to
    one wrapper.  Idempotent: safe under autoreload.
    """
    from pelican import contents, urlwrappers, utils

    original = getattr(utils.slugify, "__wrapped_slugify__", utils.slugify)
    transliterate = Transliterations(store)

    def slugify(value, regex_subs=(), preserve_case=False, use_unicode=False):
        if not use_unicode:
            value = transliterate(unicodedata.normalize("NFKC", value or ""))
        return original(value, regex_subs=regex_subs, preserve_case=preserve_case,
                        use_unicode=use_unicode)

    slugify.__wrapped_slugify__ = original
    for module in (utils, contents, urlwrappers):
        module.slugify = slugify
