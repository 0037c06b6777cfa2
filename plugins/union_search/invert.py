"""Invert a collection of articles into per-term postings with numpy: no Python loop per posting.

Three kinds of terms (docs/search-export-format.md): jieba words, from each
article's cached analysis (a dict per field), and the substring net
(bigrams with their offsets, single characters), derived from the text by
net.net_arrays().  `Inverter.add` keeps each article's rows as arrays;
`Inverter.postings` sorts a kind's rows by (term, document, field), merges
each document's title and body rows into one posting and computes its q
(scoring.quantize, vectorised: the same float operations in the same
order, hence the same integers).

`Postings.postings_streams` / `positions_streams` then gap-code and
varint-encode every posting (and bigram position) of a kind in one pass;
a term's stream is a slice of that buffer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import scoring
from .encoding import encode_varint_array, varint_size, varint_sizes
from .net import bigram_text, net_arrays

KINDS = ("words", "unigrams", "bigrams")
PREFIX = {"words": "w:", "unigrams": "u:", "bigrams": "b:"}


@dataclass
class Postings:
    """Every term of one kind: keys in code point order, postings in document order."""

    keys: list[str]  # terms (without the kind prefix), sorted
    starts: np.ndarray  # int64, len(keys) + 1: term i's postings are starts[i]:starts[i + 1]
    docs: np.ndarray  # int32 per posting
    qs: np.ndarray  # int32 per posting
    pos_starts: np.ndarray | None = None  # int64, postings + 1 (bigrams): positions of posting p
    positions: np.ndarray | None = None  # int32: title offsets, then body offsets + title length + 1

    def doc_freqs(self) -> np.ndarray:
        return np.diff(self.starts)

    def postings_streams(self) -> "Streams":
        """Per posting: doc gap (from the term's previous document, or −1), q."""
        gaps = _gaps(self.docs, self.starts)
        values = np.empty(2 * len(gaps), dtype=np.int32)
        values[0::2] = gaps
        values[1::2] = self.qs
        del gaps
        sizes = varint_sizes(values)
        record = sizes[0::2].astype(np.int32) + sizes[1::2]
        return Streams(encode_varint_array(values, sizes), record, sizes[0::2], self.docs)

    def positions_streams(self) -> "Streams":
        """Per posting: doc gap, count, position gaps (from −1 within each posting)."""
        counts = np.diff(self.pos_starts).astype(np.int32)
        record_values = counts.astype(np.int64) + 2
        value_starts = np.cumsum(record_values) - record_values
        del record_values
        values = np.empty(2 * len(counts) + len(self.positions), dtype=np.int32)
        values[value_starts] = _gaps(self.docs, self.starts)
        values[value_starts + 1] = counts
        position_gaps = np.empty_like(self.positions)
        position_gaps[1:] = self.positions[1:] - self.positions[:-1]
        firsts = self.pos_starts[:-1]
        position_gaps[firsts] = self.positions[firsts] + 1
        values[np.repeat(value_starts + 2 - self.pos_starts[:-1], counts) + np.arange(len(self.positions))] = (
            position_gaps)
        del position_gaps
        sizes = varint_sizes(values)
        data = encode_varint_array(values, sizes)
        del values
        record = np.add.reduceat(sizes, value_starts, dtype=np.int32) if len(sizes) else np.zeros(0, np.int32)
        return Streams(data, record, sizes[value_starts], self.docs)


def _gaps(docs: np.ndarray, starts: np.ndarray) -> np.ndarray:
    gaps = np.empty_like(docs)
    if len(docs):
        gaps[1:] = docs[1:] - docs[:-1]
        firsts = starts[:-1][np.diff(starts) > 0]
        gaps[firsts] = docs[firsts] + 1
    return gaps


class Streams:
    """The encoded records of every posting of a kind, back to back; ranges slice out of it."""

    def __init__(self, data: bytes, record_sizes: np.ndarray, gap_sizes: np.ndarray, docs: np.ndarray):
        self.data = data
        self.ends = np.cumsum(record_sizes, dtype=np.int64)
        self.record_sizes = record_sizes
        self.gap_sizes = gap_sizes
        self.docs = docs

    def doc(self, p: int) -> int:
        return int(self.docs[p])

    def _start(self, a: int) -> int:
        return int(self.ends[a]) - int(self.record_sizes[a])

    def size(self, a: int, z: int) -> int:
        """Bytes of postings a..z−1 encoded as a stream of their own (first gap from −1)."""
        return int(self.ends[z - 1]) - self._start(a) - int(self.gap_sizes[a]) + varint_size(self.doc(a) + 1)

    def encode(self, a: int, z: int, term_start: int) -> bytes:
        """Postings a..z−1 as a stream of their own (a segment restarts its gaps from −1)."""
        start, end = self._start(a), int(self.ends[z - 1])
        if a == term_start:
            return self.data[start:end]
        return varint_bytes(self.doc(a) + 1) + self.data[start + int(self.gap_sizes[a]) : end]


def varint_bytes(value: int) -> bytes:
    return encode_varint_array(np.array([value], dtype=np.int64))


class _WordRows:
    """Word rows, one (document, field) dict at a time: term ids and frequencies."""

    def __init__(self):
        self.vocab: dict[str, int] = {}  # term → id, ids in insertion order
        self.ids: list[np.ndarray] = []
        self.tfs: list[np.ndarray] = []
        self.blocks: list[tuple[int, int, int]] = []  # (doc, field, rows)

    def add(self, doc: int, field: int, mapping: dict) -> None:
        if not mapping:
            return
        vocab = self.vocab
        new = mapping.keys() - vocab.keys()
        if new:
            vocab.update(zip(new, range(len(vocab), len(vocab) + len(new))))
        n = len(mapping)
        self.ids.append(np.fromiter(map(vocab.__getitem__, mapping), np.int64, n))
        self.tfs.append(np.fromiter(mapping.values(), np.int64, n))
        self.blocks.append((doc, field, n))


class Inverter:
    """Collects articles (add) and inverts them (postings)."""

    def __init__(self):
        self.words = _WordRows()
        self.lengths: dict[int, tuple[int, int, int, int]] = {}  # doc → title/body words, title/body chars
        # per document: (doc, title chars, bigram codes, bigram offsets, char codes, title bigrams)
        self.net: list[tuple[int, int, np.ndarray, np.ndarray, np.ndarray, int]] = []

    def add(self, doc: int, analysis, title: str, body: str) -> None:
        """One article: its analysis (the words) and its title and body text (the net)."""
        t, b = analysis.title, analysis.body
        self.lengths[doc] = (t.word_len, b.word_len, t.char_len, b.char_len)
        self.words.add(doc, 0, t.words)
        self.words.add(doc, 1, b.words)
        title_codes, title_offsets, title_chars = net_arrays(title)
        body_codes, body_offsets, body_chars = net_arrays(body)
        shift = len(title) + 1  # body offsets follow the title's in the combined text
        self.net.append((doc, len(title_chars),
                         np.concatenate((title_codes, body_codes)),
                         np.concatenate((title_offsets, body_offsets + shift)),
                         np.concatenate((title_chars, body_chars)),
                         len(title_codes)))

    def postings(self, kind: str, averages: tuple[float, float], lens=None) -> Postings:
        """Every term of `kind` with its postings; q from each document's lengths and `averages`
        (the collection's average title and body lengths, in words or characters as the kind counts).

        `lens` (doc → title/body words, title/body characters) overrides the lengths the analyses
        gave: the reference lengths an edited article keeps (export.py)."""
        if kind == "words":
            keys, terms, docs, fields, tfs = self._word_rows()
            order = np.lexsort((fields, docs, terms))
            terms, docs, fields, tfs = terms[order], docs[order], fields[order], tfs[order]
            positions = None
        else:
            terms, docs, fields, positions = self._net_rows(kind == "bigrams")
            tfs = None
        first = np.ones(len(terms), dtype=bool)
        first[1:] = (terms[1:] != terms[:-1]) | (docs[1:] != docs[:-1])
        heads = np.flatnonzero(first)
        in_title = (fields == 0).astype(np.int64) if tfs is None else np.where(fields == 0, tfs, 0)
        in_body = (fields == 1).astype(np.int64) if tfs is None else np.where(fields == 1, tfs, 0)
        tf_title = np.add.reduceat(in_title, heads) if len(heads) else in_title[:0]
        tf_body = np.add.reduceat(in_body, heads) if len(heads) else in_body[:0]
        posting_docs = docs[heads].astype(np.int32)
        qs = self._quantize(kind, posting_docs, tf_title, tf_body, averages, lens or self.lengths)
        term_heads = heads[np.flatnonzero(np.diff(terms[heads], prepend=-1))] if len(heads) else heads
        if kind != "words":
            values = terms[term_heads].tolist()
            keys = [bigram_text(c) for c in values] if kind == "bigrams" else [chr(c) for c in values]
        starts = np.append(np.searchsorted(heads, term_heads), len(heads)).astype(np.int64)
        result = Postings(keys, starts, posting_docs, qs)
        if positions is not None:
            result.positions = positions.astype(np.int32)
            result.pos_starts = np.append(heads, len(terms)).astype(np.int64)
        return result

    def _word_rows(self):
        rows = self.words
        keys = sorted(rows.vocab)
        rank = np.empty(len(keys), dtype=np.int64)
        rank[np.fromiter(map(rows.vocab.__getitem__, keys), np.int64, len(keys))] = np.arange(len(keys))
        if not rows.blocks:
            empty = np.zeros(0, dtype=np.int64)
            return keys, empty, empty, empty, empty
        sizes = np.array([n for _, _, n in rows.blocks], dtype=np.int64)
        docs = np.repeat(np.array([d for d, _, _ in rows.blocks], dtype=np.int64), sizes)
        fields = np.repeat(np.array([f for _, f, _ in rows.blocks], dtype=np.int64), sizes)
        return keys, rank[np.concatenate(rows.ids)], docs, fields, np.concatenate(rows.tfs)

    def _net_rows(self, bigrams: bool):
        """One row per occurrence, sorted by (code, doc, offset): code, doc, field[, offset]."""
        pick, title_pick = (2, 5) if bigrams else (4, 1)
        codes = [entry[pick] for entry in self.net]
        sizes = np.array([len(c) for c in codes], dtype=np.int64)
        codes = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64)
        doc_ids = np.array([entry[0] for entry in self.net], dtype=np.int32)
        docs = np.repeat(doc_ids, sizes)
        within = np.arange(len(codes), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        fields = (within >= np.repeat(np.array([entry[title_pick] for entry in self.net], dtype=np.int64),
                                      sizes)).astype(np.int8)
        del within
        in_order = bool(np.all(np.diff(doc_ids) > 0)) if len(doc_ids) > 1 else True
        # rows are in (doc, offset) order when documents came in id order: a stable sort by code suffices
        order = (np.argsort(codes, kind="stable") if in_order
                 else np.lexsort((np.arange(len(codes)), docs, codes)))
        positions = None
        if bigrams:
            positions = np.concatenate([entry[3] for entry in self.net])[order] if self.net else None
        return codes[order], docs[order], fields[order], positions

    def _quantize(self, kind, docs, tf_title, tf_body, averages, lens) -> np.ndarray:
        """scoring.quantize for every posting: the same float operations, the same order."""
        a, b = (0, 1) if kind == "words" else (2, 3)
        size = max(self.lengths, default=-1) + 1
        factors = np.zeros((size, 2), dtype=np.float64)
        for doc in self.lengths:
            lengths = lens[doc]
            factors[doc] = scoring.field_factors(lengths[a], lengths[b], *averages)
        total = tf_title * factors[docs, 0] + tf_body * factors[docs, 1]
        return np.maximum(1, np.floor(total * scoring.Q_SCALE + 0.5)).astype(np.int32)
