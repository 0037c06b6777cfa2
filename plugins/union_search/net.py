"""The substring net of a text as arrays (numpy): every bigram occurrence, every word character.

The same net as union_text.bigram_offsets(word_runs(fold(text))) and
union_text.unigrams(fold(text)): a bigram is any two adjacent word
characters of the folded text, a unigram any word character.  Folding and
the word-character test are union_text's own (fold_char, is_word_char),
looked up per code point in tables filled on first sight, so a text costs a
few array operations and no Python loop per character.

A bigram is coded as one integer, cp1 << 21 | cp2: sorting codes sorts the
bigrams in code point order (code points are below 2**21).
"""

from __future__ import annotations

import numpy as np

import union_text

CODE_SHIFT = 21
_LOW = (1 << CODE_SHIFT) - 1
_PLANES = 0x110000


class _Tables:
    """Folded code point and word-character flag of every code point seen so far."""

    def __init__(self):
        self.known = np.zeros(_PLANES, dtype=bool)
        self.folded = np.zeros(_PLANES, dtype=np.int32)
        self.word = np.zeros(_PLANES, dtype=bool)

    def learn(self, points: np.ndarray) -> None:
        new = np.unique(points[~self.known[points]])
        for point in new.tolist():
            folded = ord(union_text.fold_char(chr(point)))
            self.folded[point] = folded
            self.word[point] = union_text.is_word_char(chr(folded))
        self.known[new] = True


_tables: _Tables | None = None


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int32)


def net_arrays(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(bigram codes, bigram offsets, word characters' folded code points) of `text`, in text order.

    `text` need not be folded: folding keeps offsets, and each character is folded here.
    """
    global _tables
    if not text:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.astype(np.int32), empty
    if _tables is None:
        _tables = _Tables()
    points = _code_points(text)
    _tables.learn(points)
    folded = _tables.folded[points].astype(np.int64)
    word = _tables.word[points]
    offsets = np.flatnonzero(word[:-1] & word[1:]).astype(np.int32)
    codes = (folded[offsets] << CODE_SHIFT) | folded[offsets + 1]
    return codes, offsets, folded[word]


def word_char_count(folded: str) -> int:
    """Number of word characters of folded text (the BM25 length of the net's fields)."""
    return union_text.word_flags(folded).count("w")


def bigram_text(code: int) -> str:
    return chr(code >> CODE_SHIFT) + chr(code & _LOW)
