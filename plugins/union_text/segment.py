"""jieba segmentation with the union user dictionary, plus the substring net.

Word tokens carry sequential word positions (punctuation takes none);
search-mode sub-words (dictionary words inside a longer word, e.g. 驿站 in
爱心驿站) share their parent's position.  Offsets are into the text given,
which callers fold first (fold() is length-preserving, so they are offsets
into the original too).

Python jieba is the reference segmenter.  rjieba (jieba-rs, the Rust port,
same dictionary and HMM model) cuts the same words about 15× faster; it is
used when installed, fed the same dictionary with the same frequencies and
the same dictionary total, so every route probability is jieba's.
tests/test_segmenter_parity.py proves identical tokens on the seeds.  Set
UNION_TEXT_SEGMENTER=jieba to force the reference.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections import Counter
from typing import NamedTuple

import jieba

from .fold import word_flags
from .synonyms import synonym_groups

USER_DICT_PATH = os.path.join(os.path.dirname(__file__), "userdict.txt")
# Measured: 2,000 keeps 工资集体协商 or 快递小哥 whole without splitting their
# neighbours (20,000 turns 县总工会主席 into 县|总|工会主席); 产改 needs more
# and carries its own frequency in userdict.txt.
DEFAULT_USER_FREQ = 2000
MAX_SUBWORD_SOURCE = 16  # longer tokens (URLs, digit runs) get no sub-words
SEGMENTER_ENV = "UNION_TEXT_SEGMENTER"  # "jieba" forces the reference segmenter

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_added_words: list[tuple[str, int, int]] = []  # (word, frequency, frequency before) in add order
_rust = None  # rjieba.Jieba mirroring _tokenizer, or False when not used


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
                added = []

                def add(word: str, freq: int) -> None:
                    added.append((word, freq, tk.FREQ.get(word, 0)))
                    tk.add_word(word, freq)

                for word, freq in read_user_dictionary():
                    add(word, freq)
                for group in synonym_groups():
                    for word in group:
                        if tk.FREQ.get(word, 0) < DEFAULT_USER_FREQ:
                            add(word, DEFAULT_USER_FREQ)
                _added_words[:] = added
                _tokenizer = tk
    return _tokenizer


# Never in any text jieba segments (private-use characters are not in its
# word pattern): carries the frequency that makes rjieba's total jieba's.
_TOTAL_PADDING_WORD = "\ue000\ue001"


def _rjieba():
    """rjieba.Jieba with jieba's dictionary state, or None (not installed, or not wanted)."""
    global _rust
    if _rust is None:
        tk = tokenizer()
        with _lock:
            if _rust is None:
                _rust = _make_rjieba(tk) or False
    return _rust or None


def _make_rjieba(tk: jieba.Tokenizer):
    if not _rjieba_wanted():
        return None
    import rjieba
    rust = rjieba.Jieba()  # jieba's own dict.txt, compiled in
    # Python jieba adds a re-added word's frequency to its total without
    # taking the old one off; jieba-rs replaces it.  Pad the difference so
    # both divide by the same total.
    padding = 0
    for word, freq, before in _added_words:
        rust.add_word(word, freq, None)
        padding += before
    if padding:
        rust.add_word(_TOTAL_PADDING_WORD, padding, None)
    return rust


def _rjieba_wanted() -> bool:
    """Whether _rjieba() will give an instance, decided without loading any dictionary."""
    import importlib.util

    return (os.environ.get(SEGMENTER_ENV, "").strip().lower() != "jieba"
            and importlib.util.find_spec("rjieba") is not None)


def segmenter_name() -> str:
    """Which segmenter cuts words: 'rjieba-<version>' or 'jieba-<version>' (part of the fingerprint).

    Cheap: caches are checked against the fingerprint before anything is segmented.
    """
    uses_rust = _rjieba_wanted() if _rust is None else bool(_rust)
    if uses_rust:
        from importlib.metadata import version
        return f"rjieba-{version('rjieba')}"
    return f"jieba-{jieba.__version__}"


def cut(folded: str, reference: bool = False) -> list[tuple[str, int, int]]:
    """Default-mode (HMM) tokens of `folded` as (word, start, end); `reference` forces Python jieba.

    The two segmenters group non-Chinese runs differently (jieba-rs keeps
    2023-05-12 as one token, jieba cuts 2023|-|05|-|12); word_positions()
    splits tokens at non-word characters, after which they agree.
    """
    rust = None if reference else _rjieba()
    if rust is not None and not _RUST_DIVERGES.search(folded):
        return rust.tokenize(folded, "default", True)
    return list(tokenizer().tokenize(folded, mode="default", HMM=True))


# Text where jieba-rs is known to cut differently from jieba, even after the
# split at non-word characters; such text (rare in bulletins) goes to jieba:
# - ideographs jieba's block pattern [\u4E00-\u9FD5] leaves out (extension
#   planes, the newest unified block): jieba yields them one by one, jieba-rs
#   joins them to their neighbours;
# - a decimal run followed by a letter (2.5km): jieba cuts 2.5|km.
_RUST_DIVERGES = re.compile(
    "[\u3400-\u4DBF\u9FD6-\u9FFF\uF900-\uFAFF\U00020000-\U0003FFFF]|\\.[0-9]+[a-zA-Z]"
)


def is_dictionary_word(word: str) -> bool:
    return tokenizer().FREQ.get(word, 0) > 0


class Token(NamedTuple):
    text: str
    pos: int  # word position; sub-words share their parent's
    start: int  # character offsets [start, end)
    end: int
    sub: bool = False


_RUN = re.compile("w+")  # over word_flags(): one "w" per word character


def sub_words(word: str) -> tuple[tuple[str, int], ...]:
    """Dictionary words strictly inside `word`, as (text, offset in word), longest first."""
    if len(word) <= 2 or len(word) > MAX_SUBWORD_SOURCE:
        return ()
    found = _sub_word_cache.get(word)
    if found is None:
        freq = tokenizer().FREQ
        found = tuple(
            (word[offset : offset + length], offset)
            for length in range(len(word) - 1, 1, -1)
            for offset in range(0, len(word) - length + 1)
            if freq.get(word[offset : offset + length], 0) > 0
        )
        if len(_sub_word_cache) < _SUB_WORD_CACHE_SIZE:
            _sub_word_cache[word] = found
    return found


_sub_word_cache: dict[str, tuple] = {}  # the dictionary never changes once loaded
_SUB_WORD_CACHE_SIZE = 200_000


def word_positions(folded: str, reference: bool = False) -> list[tuple[str, int]]:
    """jieba's words as (text, start offset); the i-th is at word position i.

    Tokens are split at non-word characters (5.2% → 5, 2) and punctuation
    takes no position.
    """
    flags = word_flags(folded)
    out: list[tuple[str, int]] = []
    append = out.append
    for word, start, end in cut(folded, reference):
        kinds = flags[start:end]
        if "-" not in kinds:
            append((word, start))
        elif "w" in kinds:  # mixed, e.g. 5.2%: one position per run of word characters
            out.extend((folded[m.start() : m.end()], m.start()) for m in _RUN.finditer(flags, start, end))
    return out


def word_counts(folded: str) -> tuple[dict[str, int], int]:
    """({term: frequency}, number of word positions) of segment(folded), without its Tokens."""
    positions = word_positions(folded)
    counts = Counter(word for word, _ in positions)
    for word, n in list(counts.items()):
        for piece, _ in sub_words(word):
            counts[piece] += n
    return dict(counts), len(positions)


def segment(folded: str, reference: bool = False) -> list[Token]:
    """Word tokens (jieba default mode, HMM on) plus search-mode sub-words."""
    tokens: list[Token] = []
    append = tokens.append
    for position, (run, run_start) in enumerate(word_positions(folded, reference)):
        append(Token(run, position, run_start, run_start + len(run)))
        for piece, offset in sub_words(run):
            begin = run_start + offset
            append(Token(piece, position, begin, begin + len(piece), True))
    return tokens


def bigram_offsets(runs: list[tuple[str, int]]) -> dict[str, list[int]]:
    """The substring net, {bigram: offsets}: every pair of adjacent characters of each word run
    (runs as word_runs() gives them)."""
    offsets: dict[str, list[int]] = {}
    get = offsets.get
    for run, start in runs:
        for offset, gram in enumerate(map(str.__add__, run, run[1:]), start):
            found = get(gram)
            if found is None:
                offsets[gram] = [offset]
            else:
                found.append(offset)
    return offsets


def bigrams(folded: str) -> list[tuple[str, int]]:
    """The substring net as (bigram, offset) pairs in text order."""
    pairs = [(gram, offset) for gram, offsets in bigram_offsets(word_runs(folded)).items()
             for offset in offsets]
    return sorted(pairs, key=lambda pair: pair[1])


def unigrams(folded: str) -> list[tuple[str, int]]:
    """Single word characters with offsets (the net for one-character queries)."""
    out = []
    for run, start in word_runs(folded):
        out.extend(zip(run, range(start, start + len(run))))
    return out


def word_runs(folded: str) -> list[tuple[str, int]]:
    """Maximal runs of word characters (how queries and phrases are split)."""
    return [(folded[m.start() : m.end()], m.start()) for m in _RUN.finditer(word_flags(folded))]
