"""The export's term index: entries, their streams and segments, chunks and index pages (format 3).

Every rule here is a pure function of the entries, so that an export
updated in place (update_terms: only the terms an edit touched) is byte for
byte the export a full build would write (write_terms):

- a term's key is "<term> <kind>" (kind w, b, u or p); keys sort by code
  point, so the keys one query needs (爱, 爱心, 爱心驿站 as words, 爱心 as a
  bigram …) sit next to each other;
- a stream longer than INLINE_MAX bytes is cut every N postings into
  segment files (N fixed for postings, a power of two from the term's
  density for positions): an edit rewrites the segment holding the
  document, and a new article (the highest id) only the last one;
- chunks end after a key whose CRC-32 is 0 modulo CHUNK_CUT once they hold
  CHUNK_MIN bytes (or at CHUNK_MAX): an edit changes the chunks holding its
  keys, and the cut points after them fall where they fell before;
- index pages are cut the same way over the chunk list.
"""

from __future__ import annotations

import base64
import bisect
import json
import os
import zlib
from dataclasses import dataclass, field

import numpy as np

from .encoding import decode_varint_array
from .invert import Postings, Streams

INLINE_MAX = 192  # bytes of a stream kept inline (base64) in its entry
SEGMENT_MAX = 16 * 1024  # target bytes of a segment file
POSTINGS_PER_SEGMENT = 4096  # a postings segment holds this many postings (≈ 12–16 KB)
CHUNK_MIN, CHUNK_MAX, CHUNK_CUT = 2048, 8192, 64  # term chunks: ≈ 4 KB
PAGE_MIN, PAGE_MAX, PAGE_CUT = 32, 256, 96  # chunks listed per index page: ≈ 128
KIND_LETTER = {"words": "w", "bigrams": "b", "unigrams": "u"}


def term_key(term: str, letter: str) -> str:
    return f"{term} {letter}"


def split_key(key: str) -> tuple[str, str]:
    term, _, letter = key.rpartition(" ")
    return term, letter


def positions_per_segment(df: int, npos: int) -> int:
    """Postings per positions segment: a power of two, about SEGMENT_MAX bytes at the term's density."""
    per_posting = 3 + 2 * npos / max(1, df)
    count = 1
    while count * 2 * per_posting <= SEGMENT_MAX and count < POSTINGS_PER_SEGMENT:
        count *= 2
    return count


def _cut_hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def entry_bytes(entry: list) -> bytes:
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ---------------------------------------------------------------- streams


def stream_value(streams: Streams, start: int, end: int, per_segment: int, pieces):
    """A term's stream (postings start..end−1 of `streams`): base64 inline, or segment files."""
    if end - start <= per_segment and streams.size(start, end) <= INLINE_MAX:
        return base64.b64encode(streams.encode(start, end, start)).decode("ascii")
    return {"segments": [[streams.doc(a), streams.doc(min(end, a + per_segment) - 1),
                          pieces.write("p", streams.encode(a, min(end, a + per_segment), start), "bin")]
                         for a in range(start, end, per_segment)]}


def _decode_postings(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    numbers = decode_varint_array(data)
    return np.cumsum(numbers[0::2]) - 1, numbers[1::2]


def _decode_positions(data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(docs, counts, positions) of one positions stream (records: doc gap, count, position gaps)."""
    numbers = decode_varint_array(data)
    listed = numbers.tolist()
    heads, i = [], 0
    while i < len(listed):
        heads.append(i)
        i += 2 + listed[i + 1]
    heads = np.array(heads, dtype=np.int64)
    counts = numbers[heads + 1]
    docs = np.cumsum(numbers[heads]) - 1
    is_position = np.ones(len(numbers), dtype=bool)
    is_position[heads] = False
    is_position[heads + 1] = False
    running = np.cumsum(numbers[is_position])
    before = np.cumsum(counts) - counts  # positions of the earlier postings
    base = np.where(before > 0, running[np.maximum(before - 1, 0)], 0)
    return docs, counts, running - np.repeat(base, counts) - 1


def _stream_parts(value, root: str) -> list[bytes]:
    if isinstance(value, str):
        return [base64.b64decode(value)]
    parts = []
    for _, _, name in value["segments"]:
        with open(os.path.join(root, name), "rb") as handle:
            parts.append(handle.read())
    return parts


def decode_entry(entry: list, root: str) -> tuple:
    """(docs, qs[, counts, positions]) of a stored entry's streams."""
    decoded = [_decode_postings(data) for data in _stream_parts(entry[2], root)]
    docs = np.concatenate([d for d, _ in decoded])
    qs = np.concatenate([q for _, q in decoded])
    if len(entry) < 4:
        return docs, qs
    parts = [_decode_positions(data) for data in _stream_parts(entry[3], root)]
    return docs, qs, np.concatenate([c for _, c, _ in parts]), np.concatenate([p for _, _, p in parts])


def entry_pieces(entry: list) -> list[str]:
    return [segment[2] for stream in entry[2:4] if isinstance(stream, dict) for segment in stream["segments"]]


def changed_entries(keys: list[str], old_entries: dict, gone: set, new_rows: dict, root: str, pieces) -> dict:
    """New entries (None: the term is gone) of word, character and bigram terms after an update.

    Each term keeps its stored postings but those of the `gone` documents,
    plus `new_rows[key]` ({doc: (q, positions)}); all the terms are encoded
    together, exactly as full_entries encodes them.
    """
    out: dict = {}
    gone_ids = np.fromiter(gone, np.int64, len(gone))
    for bigram in (False, True):
        batch = [key for key in keys if (split_key(key)[1] == "b") == bigram and split_key(key)[1] != "p"]
        if not batch:
            continue
        terms, docs, qs, counts, positions = [], [], [], [], []
        for t, key in enumerate(batch):
            old = old_entries.get(key)
            if old is not None:
                stored = decode_entry(old, root)
                keep = ~np.isin(stored[0], gone_ids)
                terms.append(np.full(int(keep.sum()), t, dtype=np.int64))
                docs.append(stored[0][keep])
                qs.append(stored[1][keep])
                if bigram:
                    counts.append(stored[2][keep])
                    positions.append(stored[3][np.repeat(keep, stored[2])])
            rows = new_rows.get(key)
            if rows:
                listed = sorted(rows.items())
                terms.append(np.full(len(listed), t, dtype=np.int64))
                docs.append(np.array([d for d, _ in listed], dtype=np.int64))
                qs.append(np.array([q for _, (q, _) in listed], dtype=np.int64))
                if bigram:
                    counts.append(np.array([len(p) for _, (_, p) in listed], dtype=np.int64))
                    positions.append(np.array([x for _, (_, p) in listed for x in p], dtype=np.int64))
        terms, docs, qs = np.concatenate(terms), np.concatenate(docs), np.concatenate(qs)
        order = np.lexsort((docs, terms))
        postings = Postings(batch, np.searchsorted(terms[order], np.arange(len(batch) + 1)).astype(np.int64),
                            docs[order].astype(np.int32), qs[order].astype(np.int32))
        if bigram:
            counts = np.concatenate(counts)
            flat = np.concatenate(positions)
            starts = np.cumsum(counts) - counts
            lengths = counts[order]
            gather = np.repeat(starts[order] - (np.cumsum(lengths) - lengths), lengths) + np.arange(len(flat))
            postings.positions = flat[gather].astype(np.int32)
            postings.pos_starts = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        streams = postings.postings_streams()
        position_streams = postings.positions_streams() if bigram else None
        bounds = postings.starts.tolist()
        for i, key in enumerate(batch):
            a, z = bounds[i], bounds[i + 1]
            if a == z:
                out[key] = None
                continue
            entry = [key, z - a, stream_value(streams, a, z, POSTINGS_PER_SEGMENT, pieces)]
            if bigram:
                npos = int(postings.pos_starts[z] - postings.pos_starts[a])
                entry += [stream_value(position_streams, a, z, positions_per_segment(z - a, npos), pieces), npos]
            out[key] = entry
    return out


def full_entries(postings: dict[str, Postings], pinyin: dict[str, list[str]], pieces):
    """(key, entry) of every term of a full inversion, in key order."""
    order = []
    encoded = {}
    for kind, found in postings.items():
        letter = KIND_LETTER[kind]
        encoded[letter] = (found, found.postings_streams(),
                           found.positions_streams() if found.positions is not None else None)
        order.extend((term_key(term, letter), letter, i) for i, term in enumerate(found.keys))
    order.extend((term_key(term, "p"), "p", term) for term in pinyin)
    order.sort(key=lambda item: item[0])
    for key, letter, index in order:
        if letter == "p":
            words = pinyin[index]
            yield key, [key, len(words), words]
            continue
        found, streams, positions = encoded[letter]
        a, z = int(found.starts[index]), int(found.starts[index + 1])
        entry = [key, z - a, stream_value(streams, a, z, POSTINGS_PER_SEGMENT, pieces)]
        if positions is not None:
            npos = int(found.pos_starts[z] - found.pos_starts[a])
            entry += [stream_value(positions, a, z, positions_per_segment(z - a, npos), pieces), npos]
        yield key, entry


# ---------------------------------------------------------------- chunks and pages


@dataclass
class _Cutter:
    """The chunk rule, fed one entry at a time: yields whole chunks."""

    pieces: object
    chunks: list = field(default_factory=list)  # [first key, file]
    current: list = field(default_factory=list)
    size: int = 0

    def add(self, key: str, entry: list) -> None:
        """Add the next entry (keys in order); a chunk ends after it if the rule says so."""
        self.current.append(entry)
        self.size += len(entry_bytes(entry))
        if self.size >= CHUNK_MAX or (self.size >= CHUNK_MIN and _cut_hash(key) % CHUNK_CUT == 0):
            self.flush()

    def flush(self) -> None:
        if self.current:
            self.chunks.append([self.current[0][0], self.pieces.write_json("t", {"terms": self.current})])
            self.current, self.size = [], 0


def write_pages(chunks: list, pieces) -> list:
    """Index pages over the chunk list: [first key, file] for the manifest."""
    pages, current = [], []
    for chunk in chunks:
        current.append(chunk)
        if len(current) >= PAGE_MAX or (len(current) >= PAGE_MIN and _cut_hash(chunk[0]) % PAGE_CUT == 0):
            pages.append([current[0][0], pieces.write_json("i", {"chunks": current})])
            current = []
    if current:
        pages.append([current[0][0], pieces.write_json("i", {"chunks": current})])
    return pages


def write_terms(entries, pieces) -> tuple[list, int]:
    """Chunks and index pages of a full export; (pages, number of terms)."""
    cutter = _Cutter(pieces)
    count = 0
    for key, entry in entries:
        cutter.add(key, entry)
        count += 1
    cutter.flush()
    return write_pages(cutter.chunks, pieces), count


def read_chunk_list(root: str, manifest: dict) -> list:
    chunks = []
    for _, page in manifest["pages"]:
        with open(os.path.join(root, page), encoding="utf-8") as handle:
            chunks.extend(json.load(handle)["chunks"])
    return chunks


def _load_chunk(root: str, name: str) -> list:
    with open(os.path.join(root, name), encoding="utf-8") as handle:
        return json.load(handle)["terms"]


def update_terms(root: str, manifest: dict, changes: dict, pieces) -> tuple[list, int, set]:
    """Apply `changes` (key → new entry, or None to delete) to the export's chunks in place.

    Only the chunks holding changed keys are rebuilt; the chunk rule runs
    from the first of them until it cuts where the old chunks were cut.
    Returns (pages, change in the number of terms, names of the old chunks
    read again: those the new list does not name any more can go).
    """
    chunks = read_chunk_list(root, manifest)
    firsts = [first for first, _ in chunks]
    by_chunk: dict[int, dict] = {}
    for key, entry in changes.items():
        index = max(0, bisect.bisect_right(firsts, key) - 1)
        by_chunk.setdefault(index, {})[key] = entry
    rescanned: set[str] = set()
    out: list = []
    delta = 0
    position = 0  # next old chunk not yet copied or rescanned
    for index in sorted(by_chunk):
        if index < position:
            continue  # already rescanned as part of the previous run
        out.extend(chunks[position:index])
        cutter = _Cutter(pieces)
        k = index
        while True:
            entries = _load_chunk(root, chunks[k][1]) if k < len(chunks) else []
            if k < len(chunks):
                rescanned.add(chunks[k][1])
            updates = by_chunk.get(k, {})
            merged = {entry[0]: entry for entry in entries}
            for key, entry in updates.items():
                if entry is None:
                    delta -= key in merged
                    merged.pop(key, None)
                else:
                    delta += key not in merged
                    merged[key] = entry
            for key in sorted(merged):
                cutter.add(key, merged[key])
            k += 1
            if k >= len(chunks):
                cutter.flush()
                break
            if not cutter.current and k not in by_chunk:
                break  # cut where the old chunks were cut: the rest is unchanged
        out.extend(cutter.chunks)
        position = k
    out.extend(chunks[position:])
    return write_pages(out, pieces), delta, rescanned
