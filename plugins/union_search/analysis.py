"""One analysis per article, cached by the hash of its text.

The Whoosh index and the static export are both built from these numbers,
so the command line and the browser rank from identical statistics.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from dataclasses import dataclass

import union_text

from .net import word_char_count
from .progress import Progress
from .records import ArticleRecord


@dataclass
class FieldAnalysis:
    words: dict[str, int]  # word term → frequency (sub-words included)
    word_len: int  # number of word positions (BM25 length of the word fields)
    char_len: int  # number of word characters (BM25 length of the net fields)


@dataclass
class DocAnalysis:
    """What segmentation finds in one article (the slow part of analysis, hence cached).

    The substring net (bigrams with offsets, single characters) is not kept:
    net.net_arrays() derives it from the text in a few array operations
    whenever it is needed.
    """

    text_hash: str
    title_len: int  # characters in the title (body offsets are shifted by title_len + 1)
    title: FieldAnalysis
    body: FieldAnalysis


def analyze_field(text: str) -> FieldAnalysis:
    folded = union_text.fold(text)
    words, word_len = union_text.word_counts(folded)  # the terms of union_text.segment()
    return FieldAnalysis(words, word_len, word_char_count(folded))


def _field_to_tuple(f: FieldAnalysis) -> tuple:
    return (f.words, f.word_len, f.char_len)


def to_builtins(analysis: DocAnalysis) -> tuple:
    """Plain builtins for marshal (several times faster to load than pickle)."""
    return (analysis.text_hash, analysis.title_len,
            _field_to_tuple(analysis.title), _field_to_tuple(analysis.body))


def from_builtins(data: tuple) -> DocAnalysis:
    text_hash, title_len, title, body = data
    return DocAnalysis(text_hash, title_len, FieldAnalysis(*title), FieldAnalysis(*body))


def analyze_record(record: ArticleRecord) -> DocAnalysis:
    return DocAnalysis(
        text_hash=record.text_hash(),
        title_len=len(record.title),
        title=analyze_field(record.title),
        body=analyze_field(record.body),
    )


CACHE_FORMAT = "w"  # changes when DocAnalysis does: "w" = words only (no net)


class AnalysisCache:
    """Marshalled analyses under `directory`, keyed by text hash and analyzer fingerprint."""

    def __init__(self, directory: str):
        self.directory = os.path.join(directory, f"{union_text.analyzer_fingerprint()}-{CACHE_FORMAT}")
        self.hits = 0
        self.misses = 0
        self.prefilled: set[str] = set()  # analysed by prefill()'s second process: count as misses

    def _path(self, text_hash: str) -> str:
        return os.path.join(self.directory, text_hash[:2], text_hash + ".marshal")

    def by_hash(self, text_hash: str) -> DocAnalysis | None:
        """A cached analysis, or None when it is missing or damaged (no counting)."""
        try:
            with open(self._path(text_hash), "rb") as handle:
                return from_builtins(marshal.loads(handle.read()))
        except (OSError, EOFError, ValueError, TypeError):
            return None

    def ensure(self, record: ArticleRecord) -> bool:
        """Analyse and store `record` unless its analysis is on disk; True if it was analysed.

        Unlike get(), a cached analysis is not read (or checked): a damaged
        file is found and replaced by the get() of the build itself.
        """
        if os.path.exists(self._path(record.text_hash())):
            return False
        self.get(record)
        return True

    def get(self, record: ArticleRecord) -> DocAnalysis:
        text_hash = record.text_hash()
        path = self._path(text_hash)
        try:
            with open(path, "rb") as handle:
                analysis = from_builtins(marshal.loads(handle.read()))
            if text_hash in self.prefilled:
                self.prefilled.discard(text_hash)
                self.misses += 1
            else:
                self.hits += 1
            return analysis
        except (OSError, EOFError, ValueError, TypeError):
            pass  # missing or damaged: analyse again
        analysis = analyze_record(record)
        self.misses += 1
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            marshal.dump(to_builtins(analysis), out)
        os.replace(temp, path)
        return analysis


# Below this many uncached articles a second process does not pay for its start.
PARALLEL_MIN = 48


def prefill(cache: AnalysisCache, records: list[ArticleRecord], workers: int | None = None) -> int:
    """Analyse uncached records on two cores (fork); returns how many the second process did.

    This is the fallback when the early analyser (early.py) did not run or
    did not finish: analysis is CPU-bound Python around the segmenter.  A forked child analyses every other missing record into the
    cache (each file written atomically) while this process does the rest.
    If the child fails, its records are simply analysed again on demand.
    """
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    seen: set[str] = set()
    missing = []
    for record in records:
        text_hash = record.text_hash()
        if text_hash not in seen and not os.path.exists(cache._path(text_hash)):
            seen.add(text_hash)
            missing.append(record)
    if workers < 2 or len(missing) < PARALLEL_MIN or not hasattr(os, "fork"):
        return 0
    union_text.tokenizer()  # load jieba and the user dictionary once, shared by both processes
    theirs = missing[1::2]
    pid = os.fork()
    if pid == 0:  # child: analyse, write to the cache, exit without running any cleanup
        status = 1
        try:
            for record in theirs:
                cache.get(record)
            status = 0
        finally:
            os._exit(status)
    progress = Progress("analysed", len(missing))
    try:
        for record in missing[0::2]:
            cache.get(record)
            progress.advance(2)  # the child analyses the interleaved other half alongside
        progress.done()
    finally:
        _, status = os.waitpid(pid, 0)
    done = [r.text_hash() for r in theirs if os.path.exists(cache._path(r.text_hash()))]
    cache.prefilled.update(done)
    return len(done)
