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

import os
from array import array
from dataclasses import dataclass

import numpy as np

from . import scoring
from .encoding import encode_varint_array, varint_size, varint_sizes
from .net import CODE_SHIFT, bigram_text, net_arrays

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


class _RowStore:
    """Rows of one (partition, kind), appended as columns; in memory, or in a file once big.

    A partition's rows are read back whole (rows()), once, when it is inverted.
    """

    FLUSH_BYTES = 16 << 20

    def __init__(self, columns: tuple[str, ...], dtypes: tuple, spill_path: str | None):
        self.columns, self.dtypes, self.spill_path = columns, dtypes, spill_path
        self.pending: list[tuple] = []
        self.pending_bytes = 0
        self.flushed = 0  # rows written to the spill file

    def append(self, *arrays) -> None:
        if len(arrays[0]):
            self.pending.append(arrays)
            self.pending_bytes += sum(a.nbytes for a in arrays)
            if self.spill_path and self.pending_bytes >= self.FLUSH_BYTES:
                self.flush()

    def flush(self) -> None:
        if not self.pending or not self.spill_path:
            return
        with open(self.spill_path, "ab") as out:
            out.write(self._table().tobytes())
        self.flushed += sum(len(arrays[0]) for arrays in self.pending)
        self.pending, self.pending_bytes = [], 0

    def _table(self) -> np.ndarray:
        """The pending rows as one record array (each column concatenated once)."""
        dtype = np.dtype(list(zip(self.columns, self.dtypes)))
        table = np.empty(sum(len(arrays[0]) for arrays in self.pending), dtype=dtype)
        for c, name in enumerate(self.columns):
            table[name] = np.concatenate([arrays[c] for arrays in self.pending]) if self.pending else []
        return table

    def rows(self) -> tuple:
        dtype = np.dtype(list(zip(self.columns, self.dtypes)))
        parts = []
        if self.flushed:
            parts.append(np.fromfile(self.spill_path, dtype=dtype))
        if self.pending:
            parts.append(self._table())
        self.pending = []
        table = np.concatenate(parts) if len(parts) > 1 else parts[0] if parts else np.zeros(0, dtype=dtype)
        return tuple(np.ascontiguousarray(table[c]) for c in self.columns)


# Rows per kind: words (one row per document, field and word), characters (per document, field and
# character), bigrams (one row per occurrence: its position).
_COLUMNS = {
    "words": (("term", "doc", "field", "tf"), (np.int32, np.int32, np.int8, np.int32)),
    "unigrams": (("term", "doc", "field", "tf"), (np.int32, np.int32, np.int8, np.int32)),
    "bigrams": (("term", "doc", "position"), (np.int64, np.int32, np.int32)),
}


class Inverter:
    """Collects articles (add) and inverts them (postings), one partition of the keys at a time.

    A partition holds the terms whose first character lies in a range of code
    points (`bounds`: the first code point of each partition), so partitions
    follow the keys' order and a big collection is inverted a slice at a time
    (rows beyond a few megabytes wait in files under `spill_dir`).
    """

    def __init__(self, bounds: list[int] | None = None, spill_dir: str | None = None):
        self.bounds = np.array(bounds or [0], dtype=np.int64)
        self.spill_dir = spill_dir
        self.vocab: dict[str, int] = {}  # word → id, ids in insertion order
        self.word_part = array("l")  # word id → partition
        self.word_df = np.zeros(1024, dtype=np.int64)  # word id → documents holding it (grown by doubling)
        self.lengths: dict[int, tuple[int, int, int, int]] = {}  # doc → title/body words, title/body chars
        self.title_ends: dict[int, int] = {}  # doc → where its body starts in the combined text
        self.stores: dict[tuple[int, str], _RowStore] = {}
        self._word_keys: list[str] | None = None  # the vocabulary in key order, once adding is over
        self._factors: dict = {}  # length normalisation per document, for the last (kind, averages, lens)

    @property
    def partitions(self) -> range:
        return range(len(self.bounds))

    def partition_of(self, first_code_points: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.bounds, first_code_points, side="right") - 1

    PENDING_LIMIT = 32 << 20  # bytes of rows kept in memory across all partitions before spilling

    def _spill_if_needed(self) -> None:
        if self.spill_dir and sum(store.pending_bytes for store in self.stores.values()) > self.PENDING_LIMIT:
            for store in self.stores.values():
                store.flush()

    def _store(self, part: int, kind: str) -> _RowStore:
        store = self.stores.get((part, kind))
        if store is None:
            columns, dtypes = _COLUMNS[kind]
            path = (os.path.join(self.spill_dir, f"{part}-{kind}.rows")
                    if self.spill_dir and len(self.bounds) > 1 else None)
            store = self.stores[(part, kind)] = _RowStore(columns, dtypes, path)
        return store

    def _append(self, kind: str, parts: np.ndarray, *columns) -> None:
        if len(self.bounds) == 1:
            self._store(0, kind).append(*columns)
            return
        order = np.argsort(parts, kind="stable")
        counts = np.bincount(parts, minlength=len(self.bounds))
        ends = np.cumsum(counts)
        for part in np.flatnonzero(counts).tolist():
            chosen = order[ends[part] - counts[part] : ends[part]]
            self._store(part, kind).append(*(c[chosen] for c in columns))

    def add(self, doc: int, analysis, title: str, body: str) -> None:
        """One article: its analysis (the words) and its title and body text (the net)."""
        t, b = analysis.title, analysis.body
        self.lengths[doc] = (t.word_len, b.word_len, t.char_len, b.char_len)
        self.title_ends[doc] = len(title) + 1
        ids, fields, tfs = [], [], []
        for field, mapping in ((0, t.words), (1, b.words)):
            if not mapping:
                continue
            new = mapping.keys() - self.vocab.keys()
            if new:
                start = len(self.vocab)
                self.vocab.update(zip(new, range(start, start + len(new))))
                self.word_part.extend(self.partition_of(np.fromiter((ord(w[0]) for w in new), np.int64,
                                                                    len(new))).tolist())
            ids.append(np.fromiter(map(self.vocab.__getitem__, mapping), np.int64, len(mapping)))
            tfs.append(np.fromiter(mapping.values(), np.int64, len(mapping)))
            fields.append(np.full(len(mapping), field, dtype=np.int64))
        if ids:
            ids, fields, tfs = np.concatenate(ids), np.concatenate(fields), np.concatenate(tfs)
            while len(self.word_df) < len(self.vocab):
                self.word_df = np.concatenate((self.word_df, np.zeros(len(self.word_df), np.int64)))
            self.word_df[np.unique(ids)] += 1
            parts = (np.frombuffer(self.word_part, dtype=np.int64)[ids] if len(self.bounds) > 1 else None)
            self._append("words", parts, ids, np.full(len(ids), doc), fields, tfs)
        title_codes, title_offsets, title_chars = net_arrays(title)
        body_codes, body_offsets, body_chars = net_arrays(body)
        codes = np.concatenate((title_codes, body_codes))
        positions = np.concatenate((title_offsets, body_offsets + (len(title) + 1)))  # combined text
        self._append("bigrams", self.partition_of(codes >> CODE_SHIFT) if len(self.bounds) > 1 else None,
                     codes, np.full(len(codes), doc), positions)
        # per character and field (code point · 2 + field): its frequency
        keys, counts = np.unique(np.concatenate((title_chars * 2, body_chars * 2 + 1)), return_counts=True)
        self._append("unigrams", self.partition_of(keys >> 1) if len(self.bounds) > 1 else None,
                     keys >> 1, np.full(len(keys), doc), keys & 1, counts)
        self._spill_if_needed()

    def finish(self) -> None:
        """Every row added: write what waits to the spill files."""
        for store in self.stores.values():
            store.flush()

    def words_df(self) -> dict[str, int]:
        """Word → number of documents holding it (known before any partition is inverted)."""
        df = self.word_df.tolist()
        return {word: df[i] for word, i in self.vocab.items()}

    def _word_ranks(self) -> np.ndarray:
        """Word id → rank of the word in key order (self._word_keys)."""
        self._word_keys = sorted(self.vocab)
        rank = np.empty(len(self._word_keys), dtype=np.int64)
        rank[np.fromiter(map(self.vocab.__getitem__, self._word_keys), np.int64, len(rank))] = np.arange(len(rank))
        self._rank = rank
        return rank

    def postings(self, kind: str, averages: tuple[float, float], lens=None, part: int | None = None) -> Postings:
        """The terms of `kind` (in partition `part`, or all) with their postings; q from each
        document's lengths and `averages` (the collection's average title and body lengths, in words
        or characters as the kind counts).

        `lens` (doc → title/body words, title/body characters) overrides the lengths the analyses
        gave: the reference lengths an edited article keeps (export.py)."""
        parts = self.partitions if part is None else [part]
        tables = [self.stores[(p, kind)].rows() for p in parts if (p, kind) in self.stores]
        columns = len(_COLUMNS[kind][0])
        rows = [np.concatenate([t[c] for t in tables]) for c in range(columns)] if tables else [
            np.zeros(0, dtype=d) for d in _COLUMNS[kind][1]]
        if kind == "bigrams":
            terms, docs, positions = rows
            order = np.lexsort((positions, docs, terms))
            terms, docs, positions = terms[order], docs[order], positions[order]
            fields = (positions >= self._title_ends(docs)).astype(np.int8)
            tfs = None
        else:
            terms, docs, fields, tfs = rows
            if kind == "words":
                ranks = self._rank if self._word_keys is not None else self._word_ranks()
                terms = ranks[terms]
            order = np.lexsort((fields, docs, terms))
            terms, docs, fields, tfs = terms[order], docs[order], fields[order], tfs[order].astype(np.int64)
            positions = None
        del rows, order
        first = np.ones(len(terms), dtype=bool)
        first[1:] = (terms[1:] != terms[:-1]) | (docs[1:] != docs[:-1])
        heads = np.flatnonzero(first)
        del first
        # per posting, its rows' frequencies in the title and in the body (running sums at its ends)
        weights = np.ones(len(terms), dtype=np.int32) if tfs is None else tfs.astype(np.int32)
        in_title = np.concatenate(([0], np.cumsum(np.where(fields == 0, weights, 0), dtype=np.int64)))
        in_body = np.concatenate(([0], np.cumsum(np.where(fields == 1, weights, 0), dtype=np.int64)))
        ends = np.append(heads[1:], len(terms))
        tf_title, tf_body = in_title[ends] - in_title[heads], in_body[ends] - in_body[heads]
        del in_title, in_body, fields, tfs, weights, ends
        posting_docs = docs[heads].astype(np.int32)
        qs = self._quantize(kind, posting_docs, tf_title, tf_body, averages, lens or self.lengths)
        term_heads = heads[np.flatnonzero(np.diff(terms[heads], prepend=-1))] if len(heads) else heads
        values = terms[term_heads].tolist()
        if kind == "words":
            keys = [self._word_keys[r] for r in values]
        else:
            keys = [bigram_text(c) for c in values] if kind == "bigrams" else [chr(c) for c in values]
        starts = np.append(np.searchsorted(heads, term_heads), len(heads)).astype(np.int64)
        result = Postings(keys, starts, posting_docs, qs)
        if positions is not None:
            result.positions = positions.astype(np.int32)
            result.pos_starts = np.append(heads, len(terms)).astype(np.int64)
        return result

    def _title_ends(self, docs: np.ndarray) -> np.ndarray:
        """Per row, where its document's body begins in the combined text (title length + 1)."""
        size = max(self.lengths, default=-1) + 1
        ends = np.zeros(size, dtype=np.int64)
        for doc, end in self.title_ends.items():
            ends[doc] = end
        return ends[docs]

    def _quantize(self, kind, docs, tf_title, tf_body, averages, lens) -> np.ndarray:
        """scoring.quantize for every posting: the same float operations, the same order."""
        a, b = (0, 1) if kind == "words" else (2, 3)
        key = (a, tuple(averages), id(lens))
        factors = self._factors.get(key)
        if factors is None:  # per document, once per kind of length (partitions share it)
            size = max(self.lengths, default=-1) + 1
            factors = np.zeros((size, 2), dtype=np.float64)
            for doc in self.lengths:
                lengths = lens[doc]
                factors[doc] = scoring.field_factors(lengths[a], lengths[b], *averages)
            self._factors = {key: factors}
        total = tf_title * factors[docs, 0] + tf_body * factors[docs, 1]
        return np.maximum(1, np.floor(total * scoring.Q_SCALE + 0.5)).astype(np.int32)
