"""jieba segmentation with the union user dictionary, plus the substring net.

Word tokens carry sequential word positions (punctuation takes none);
search-mode sub-words (dictionary words inside a longer word, e.g. 驿站 in
爱心驿站) share their parent's position.  Offsets are into the text given,
which callers fold first (fold() is length-preserving, so they are offsets
into the original too).
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass

import jieba

from .fold import is_word_char
from .synonyms import synonym_groups

USER_DICT_PATH = os.path.join(os.path.dirname(__file__), "userdict.txt")
# Measured: 2,000 keeps 工资集体协商 or 快递小哥 whole without splitting their
# neighbours (20,000 turns 县总工会主席 into 县|总|工会主席); 产改 needs more
# and carries its own frequency in userdict.txt.
DEFAULT_USER_FREQ = 2000
MAX_SUBWORD_SOURCE = 16  # longer tokens (URLs, digit runs) get no sub-words

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


class UserDictionaryError(ValueError):
    """A malformed line in userdict.txt; the message names the line."""


def read_user_dictionary(path: str = USER_DICT_PATH) -> list[tuple[str, int]]:
    entries: list[tuple[str, int]] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            parts = text.split()
            if len(parts) > 2 or (len(parts) == 2 and not parts[1].isdigit()):
                raise UserDictionaryError(
                    f"{path}:{number}: expected 'word [frequency]', got {line.strip()!r}"
                )
            entries.append((parts[0], int(parts[1]) if len(parts) == 2 else DEFAULT_USER_FREQ))
    return entries


def tokenizer() -> jieba.Tokenizer:
    """The one jieba tokenizer, initialised once, quietly, with the user dictionary."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                logging.getLogger("jieba").setLevel(logging.WARNING)
                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.initialize()
                for word, freq in read_user_dictionary():
                    tk.add_word(word, freq)
                for group in synonym_groups():
                    for word in group:
                        if tk.FREQ.get(word, 0) < DEFAULT_USER_FREQ:
                            tk.add_word(word, DEFAULT_USER_FREQ)
                _tokenizer = tk
    return _tokenizer


def is_dictionary_word(word: str) -> bool:
    return tokenizer().FREQ.get(word, 0) > 0


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    pos: int  # word position; sub-words share their parent's
    start: int  # character offsets [start, end)
    end: int
    sub: bool = False


def _word_runs(word: str, start: int):
    """Split a jieba token at non-word characters (5.2% → 5, 2)."""
    run_start = None
    for index, char in enumerate(word + " "):
        if index < len(word) and is_word_char(char):
            if run_start is None:
                run_start = index
        elif run_start is not None:
            yield word[run_start:index], start + run_start
            run_start = None


def _sub_words(word: str, freq: dict) -> list[tuple[str, int]]:
    """Dictionary words strictly inside `word`, as (text, offset in word)."""
    if len(word) <= 2 or len(word) > MAX_SUBWORD_SOURCE:
        return []
    found = []
    for length in range(len(word) - 1, 1, -1):
        for offset in range(0, len(word) - length + 1):
            piece = word[offset : offset + length]
            if freq.get(piece, 0) > 0:
                found.append((piece, offset))
    return found


def segment(folded: str) -> list[Token]:
    """Word tokens (jieba default mode, HMM on) plus search-mode sub-words."""
    tk = tokenizer()
    tokens: list[Token] = []
    position = 0
    for word, start, _end in tk.tokenize(folded, mode="default", HMM=True):
        for run, run_start in _word_runs(word, start):
            tokens.append(Token(run, position, run_start, run_start + len(run)))
            for piece, offset in _sub_words(run, tk.FREQ):
                begin = run_start + offset
                tokens.append(Token(piece, position, begin, begin + len(piece), True))
            position += 1
    return tokens


def bigrams(folded: str) -> list[tuple[str, int]]:
    """The substring net: every pair of adjacent word characters, with its offset."""
    out = []
    previous_is_word = False
    for index, char in enumerate(folded):
        is_word = is_word_char(char)
        if is_word and previous_is_word:
            out.append((folded[index - 1 : index + 1], index - 1))
        previous_is_word = is_word
    return out


def unigrams(folded: str) -> list[tuple[str, int]]:
    """Single word characters with offsets (the net for one-character queries)."""
    return [(char, index) for index, char in enumerate(folded) if is_word_char(char)]


def word_runs(folded: str) -> list[tuple[str, int]]:
    """Maximal runs of word characters (how queries and phrases are split)."""
    return list(_word_runs(folded, 0))
