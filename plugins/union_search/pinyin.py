"""Pinyin and initials for vocabulary words (gongzixieshang, gzxs → 工资协商).

A query run of ASCII letters that is the toneless pinyin of a vocabulary
word (or, for words of three or more characters, its initials) also
searches for that word.  The export carries the table as `p:` keys.
"""

from __future__ import annotations

import re

from union_text.pinyin import syllables as pinyin_syllables

MAX_WORDS_PER_KEY = 50
MIN_INITIALS_WORD = 3
_HAN_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")
_LETTERS = re.compile(r"^[a-z]{2,}$")


def pinyin_keys(word: str) -> list[str]:
    """Full toneless pinyin, and initials for words of 3+ characters ([] for non-Han words)."""
    if not _HAN_WORD.match(word):
        return []
    syllables = pinyin_syllables(word)
    if len(syllables) != len(word):
        return []
    keys = ["".join(syllables)]
    if len(word) >= MIN_INITIALS_WORD:
        keys.append("".join(s[0] for s in syllables))
    return keys


def is_pinyin_query(run: str) -> bool:
    return bool(_LETTERS.match(run))


def pinyin_table(word_doc_freqs: dict[str, int]) -> dict[str, list[str]]:
    """key → words, most frequent first (ties in code point order), at most MAX_WORDS_PER_KEY."""
    table: dict[str, list[str]] = {}
    for word in word_doc_freqs:
        for key in pinyin_keys(word):
            table.setdefault(key, []).append(word)
    return {key: top_words(words, word_doc_freqs) for key, words in table.items()}


def top_words(words, word_doc_freqs: dict[str, int]) -> list[str]:
    """The words a pinyin key lists: most frequent first (ties in code point order), at most 50."""
    return sorted(words, key=lambda w: (-word_doc_freqs[w], w))[:MAX_WORDS_PER_KEY]
