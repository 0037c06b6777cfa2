"""Static export of the Whoosh index into output/search/ (format: docs/search-export-format.md).

Built from the same cached per-article analyses the Whoosh index was fed,
inverted into compact arrays one article at a time.  Pieces have content-hashed names; a piece that
already exists is not rewritten, and the manifest is replaced last, so a
reader never sees a manifest naming a missing piece.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import tempfile
import time
from array import array
from dataclasses import dataclass

import union_text

from . import concepts as search_concepts
from . import export_state
from . import index as search_index
from . import scoring
from .scoring import Q_SCALE
from .analysis import DocAnalysis
from .encoding import encode_doc_set, encode_positions, encode_postings
from .engine import MAX_QUERY_WORD
from .highlight import PART_CHARS, PART_LEAD, SNIPPET_CHARS, SNIPPET_LEAD
from .pinyin import pinyin_table
from .query import FILTER_NAMES
from .records import ArticleRecord, facet_values

FORMAT_VERSION = 2  # 2: facet document sets may be bitmaps (encode_doc_set)
INLINE_MAX = 192
SEGMENT_MAX = 16 * 1024
CHUNK_TARGET = 4 * 1024
DOCMAP_SIZE = 64  # documents per doc map, doubled while the manifest would list over MAX_DOCMAPS
MAX_DOCMAPS = 256
PAGE_SIZE = 128  # chunk entries per index page (keeps the manifest tiny at 10,000 articles)
MANIFEST = "manifest.json"


def doc_order_key(date: str, url: str):
    """Export document ids follow this order: date descending, then URL ascending."""
    return (tuple(-ord(c) for c in date) + (1,), url)


@dataclass
class ExportReport:
    directory: str
    documents: int = 0
    terms: int = 0
    files_written: int = 0
    files_kept: int = 0
    files_removed: int = 0
    bytes_total: int = 0
    seconds: float = 0.0
    largest_file: int = 0
    incremental: bool = False  # postings reused from the previous export (export_state.py)


class _PieceWriter:
    """Writes content-hashed files under the export directory, skipping existing ones.

    The directory belongs to a generation being built (index.update_index),
    which is discarded unless the build completes, so a piece is written in
    place, without a temporary file and rename: a one-article rebuild writes
    thousands of them.
    """

    def __init__(self, root: str, report: ExportReport):
        self.root = root
        self.report = report
        self.names: set[str] = set()

    def write(self, subdir: str, data: bytes, ext: str) -> str:
        name = f"{subdir}/{hashlib.sha256(data).hexdigest()[:16]}.{ext}"
        path = os.path.join(self.root, name)
        self.names.add(name)
        self.report.bytes_total += len(data)
        self.report.largest_file = max(self.report.largest_file, len(data))
        if os.path.exists(path):
            self.report.files_kept += 1
            return name
        os.makedirs(os.path.dirname(path), exist_ok=True)
        _write_new(path, data)
        self.report.files_written += 1
        return name

    def write_json(self, subdir: str, obj) -> str:
        return self.write(subdir, _json_bytes(obj), "json")


def _json_bytes(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write_new(path: str, data: bytes) -> None:
    """Create `path` (it must not exist: an existing piece may be a hard link into the previous generation)."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.fchmod(handle, 0o644)  # served by any web server, whatever the umask
        with os.fdopen(handle, "wb", closefd=False) as out:
            out.write(data)
    finally:
        os.close(handle)


def _atomic_write(path: str, data: bytes) -> None:
    handle, temp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.chmod(temp, 0o644)  # served by any web server
    os.replace(temp, path)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _store(segments, pieces: _PieceWriter):
    if len(segments) == 1 and len(segments[0][2]) <= INLINE_MAX:
        return _b64(segments[0][2])
    return {"segments": [[a, b, pieces.write("p", data, "bin")] for a, b, data in segments]}


def _segments(docs, encode_range, start: int = 0, end: int | None = None) -> list:
    """Split docs[start:end] so each encoded part is at most SEGMENT_MAX bytes (one document never splits)."""
    end = len(docs) if end is None else end
    data = encode_range(start, end)
    if len(data) <= SEGMENT_MAX or end - start == 1:
        return [(docs[start], docs[end - 1], data)]
    parts = -(-len(data) // SEGMENT_MAX) + 1
    step = max(1, -(-(end - start) // parts))
    out = []
    for a in range(start, end, step):
        out.extend(_segments(docs, encode_range, a, min(end, a + step)))
    return out


class _Inverted:
    """Postings of every term, gathered one document at a time into compact arrays."""

    def __init__(self, stats: dict):
        self.avg_words = (stats["avg_title_words"], stats["avg_body_words"])
        self.avg_chars = (stats["avg_title_chars"], stats["avg_body_chars"])
        self.words: dict[str, tuple[array, array]] = {}
        self.unigrams: dict[str, tuple[array, array]] = {}
        self.bigrams: dict[str, tuple[array, array, array, array]] = {}

    @staticmethod
    def _add_counts(table, doc, title, body, factors):
        # same arithmetic as scoring.quantize, inlined: this loop runs once per posting
        factor_title, factor_body = factors
        floor = math.floor
        for term, tf in body.items():
            total = title.get(term, 0) * factor_title + tf * factor_body
            entry = table.get(term)
            if entry is None:
                entry = table[term] = (array("I"), array("I"))
            entry[0].append(doc)
            entry[1].append(max(1, floor(total * Q_SCALE + 0.5)))
        for term, tf in title.items():
            if term in body:
                continue
            total = tf * factor_title + 0 * factor_body
            entry = table.get(term)
            if entry is None:
                entry = table[term] = (array("I"), array("I"))
            entry[0].append(doc)
            entry[1].append(max(1, floor(total * Q_SCALE + 0.5)))

    def add(self, doc: int, analysis: DocAnalysis) -> None:
        t, b = analysis.title, analysis.body
        word_factors = scoring.field_factors(t.word_len, b.word_len, *self.avg_words)
        char_factors = scoring.field_factors(t.char_len, b.char_len, *self.avg_chars)
        self._add_counts(self.words, doc, t.words, b.words, word_factors)
        self._add_counts(self.unigrams, doc, t.unigrams, b.unigrams, char_factors)
        shift = (analysis.title_len + 1).__add__  # body offsets follow the title's
        quantize = scoring.quantize
        q_of: dict[tuple[int, int], int] = {}  # (tf title, tf body) → q: few distinct pairs per document
        bigrams = self.bigrams
        title_bigrams = t.bigrams
        for term, in_body in b.bigrams.items():  # this loop runs once per bigram posting
            in_title = title_bigrams.get(term, ())
            tfs = (len(in_title), len(in_body))
            q = q_of.get(tfs)
            if q is None:
                q = q_of[tfs] = quantize(tfs[0], tfs[1], char_factors)
            entry = bigrams.get(term)
            if entry is None:
                entry = bigrams[term] = (array("I"), array("I"), array("I"), array("I"))
            entry[0].append(doc)
            entry[1].append(q)
            entry[2].append(tfs[0] + tfs[1])
            positions = entry[3]
            if in_title:
                positions.extend(in_title)
            positions.extend(map(shift, in_body))
        for term, in_title in title_bigrams.items():
            if term in b.bigrams:
                continue
            entry = bigrams.get(term)
            if entry is None:
                entry = bigrams[term] = (array("I"), array("I"), array("I"), array("I"))
            entry[0].append(doc)
            entry[1].append(quantize(len(in_title), 0, char_factors))
            entry[2].append(len(in_title))
            entry[3].extend(in_title)

    def keys(self) -> list[str]:
        """All term keys in code point order (the chunk order)."""
        self.pinyin = pinyin_table({word: len(entry[0]) for word, entry in self.words.items()})
        return sorted(
            [f"b:{t}" for t in self.bigrams] + [f"u:{t}" for t in self.unigrams]
            + [f"w:{t}" for t in self.words] + [f"p:{t}" for t in self.pinyin]
        )


def _term_entry(key: str, inverted: _Inverted, pieces: _PieceWriter) -> list:
    kind, term = key[0], key[2:]
    if kind == "p":
        words = inverted.pinyin[term]
        return [key, len(words), words]
    if kind == "b":
        docs, qs, counts, flat = inverted.bigrams[term]
    else:
        docs, qs = (inverted.words if kind == "w" else inverted.unigrams)[term]
    postings = _segments(docs, lambda a, z: encode_postings(docs[a:z], qs[a:z]))
    entry = [key, len(docs), _store(postings, pieces)]
    if kind == "b":
        offsets = [0]
        for count in counts:
            offsets.append(offsets[-1] + count)
        lists = [flat[offsets[i] : offsets[i + 1]] for i in range(len(docs))]
        positions = _segments(docs, lambda a, z: encode_positions(docs[a:z], lists[a:z]))
        entry.append(_store(positions, pieces))
    return entry


def _entry_pieces(entry: list) -> list[str]:
    return [segment[2] for stream in entry[2:] if isinstance(stream, dict) for segment in stream["segments"]]


def _write_terms(inverted: _Inverted, pieces: _PieceWriter, report: ExportReport,
                 reusable: dict | None = None, entries: dict | None = None) -> list:
    """Term chunks and index pages.  `reusable`: key → (entry, piece bytes) of terms whose
    streams are unchanged since the previous build; `entries` collects the same for the next."""
    reusable = reusable or {}
    chunks: list = []
    current: list = []
    size = 0
    for key in inverted.keys():
        previous = reusable.get(key)
        if previous is not None and all(os.path.exists(os.path.join(pieces.root, name))
                                        for name in _entry_pieces(previous[0])):
            entry, piece_bytes = previous
            names = _entry_pieces(entry)
            pieces.names.update(names)
            report.files_kept += len(names)
            report.bytes_total += piece_bytes
        else:
            before = report.bytes_total
            entry = _term_entry(key, inverted, pieces)
            piece_bytes = report.bytes_total - before
        if entries is not None and key[0] != "p":
            entries[key] = (entry, piece_bytes)
        report.terms += 1
        current.append(entry)
        size += len(_json_bytes(entry))
        if size >= CHUNK_TARGET:
            chunks.append([current[0][0], pieces.write_json("t", {"terms": current})])
            current, size = [], 0
    if current:
        chunks.append([current[0][0], pieces.write_json("t", {"terms": current})])
    return [
        [chunks[i][0], pieces.write_json("i", {"chunks": chunks[i : i + PAGE_SIZE]})]
        for i in range(0, len(chunks), PAGE_SIZE)
    ]


def docmap_size(doc_count: int) -> int:
    """Documents per doc map.  A query's ten results usually sit in ten different maps, so
    small maps mean fewer bytes per query (at 10,000 articles 256 per map cost 21 KB gzip of
    maps per first query, 64 cost 7 KB); the manifest, fetched by every query, lists them all,
    so the size doubles to keep that list at most MAX_DOCMAPS long."""
    size = DOCMAP_SIZE
    while doc_count > size * MAX_DOCMAPS:
        size *= 2
    return size


def _write_documents(ordered: list[ArticleRecord], pieces: _PieceWriter):
    fragments = []
    facet_docs: dict[str, dict[str, tuple[str, list[int]]]] = {"region": {}, "topic": {}, "year": {}}
    for i, record in enumerate(ordered):
        fragments.append(pieces.write_json("d", search_index.stored_document(record)))
        values = {
            "region": facet_values(record.regions),
            "topic": facet_values(record.topics),
            "year": (record.year,) if record.year else (),
        }
        for facet, names in values.items():
            for name in names:
                folded = union_text.fold(name)
                facet_docs[facet].setdefault(folded, (name, []))[1].append(i)
    size = docmap_size(len(fragments))
    docmaps = [
        [start, pieces.write_json("m", {"first": start, "fragments": fragments[start : start + size]})]
        for start in range(0, len(fragments), size)
    ]
    facets = {
        facet: [[folded, name, _b64(encode_doc_set(docs, len(ordered)))]
                for folded, (name, docs) in sorted(values.items())]
        for facet, values in facet_docs.items()
    }
    return docmaps, facets


def export_index(generation_dir: str, root: str, records: list[ArticleRecord], get_analysis,
                 analysis_by_hash=None) -> ExportReport:
    """Write the export into directory `root` from the articles' cached analyses.

    The Whoosh generation at `generation_dir` must hold exactly these
    articles: its stats.json supplies the collection statistics, so both
    rank with the same numbers.  With `analysis_by_hash(text_hash)` (an
    analysis or None), the postings saved by the previous export in `root`
    are reused and only changed articles are inverted (export_state.py).
    """
    started = time.monotonic()
    os.makedirs(root, exist_ok=True)
    report = ExportReport(directory=root)
    pieces = _PieceWriter(root, report)
    stats = search_index.read_generation_stats(generation_dir)
    ordered = sorted(records, key=lambda r: doc_order_key(r.date, r.url))
    if stats["doc_count"] != len(ordered):
        raise RuntimeError(
            f"search index at {generation_dir} holds {stats['doc_count']} articles, the site {len(ordered)}: "
            "delete the index directory and build again"
        )
    report.documents = len(ordered)
    docmaps, facets = _write_documents(ordered, pieces)
    inverted = _Inverted(stats)
    state_key = export_state.state_key(stats)
    identities = [export_state.doc_identity(r, r.date) for r in ordered]
    state = export_state.load(root, state_key) if analysis_by_hash else None
    reusable = {}
    if state and export_state.invert_incrementally(
            state, identities, inverted, lambda doc: get_analysis(ordered[doc]), analysis_by_hash):
        report.incremental = True
        reusable = {key: state["entries"][key] for key in inverted.unchanged if key in state["entries"]}
    else:
        for doc, record in enumerate(ordered):
            inverted.add(doc, get_analysis(record))
    del state
    entries: dict = {}
    pages = _write_terms(inverted, pieces, report, reusable, entries)
    export_state.save(root, state_key, identities, inverted, entries)
    vocabulary_chars = set(inverted.unigrams)
    del inverted

    charmap = {t: s for t, s in sorted(union_text.t2s_map().items()) if s in vocabulary_chars}
    manifest = {
        "format": FORMAT_VERSION,
        "code": export_state.code_digest()[:16],  # a build re-exports when the export code changed
        "analyzer": stats["analyzer"],
        "doc_count": report.documents,
        "bm25": {
            "k1": scoring.K1, "b": scoring.B,
            "title_weight": scoring.TITLE_WEIGHT, "body_weight": scoring.BODY_WEIGHT,
            "q_scale": scoring.Q_SCALE, "score_grain": scoring.SCORE_GRAIN,
        },
        "avg": {
            "title_words": stats["avg_title_words"], "body_words": stats["avg_body_words"],
            "title_chars": stats["avg_title_chars"], "body_chars": stats["avg_body_chars"],
        },
        "max_query_word": MAX_QUERY_WORD,
        "snippet": {"chars": SNIPPET_CHARS, "lead": SNIPPET_LEAD, "part_chars": PART_CHARS, "part_lead": PART_LEAD},
        "filters": FILTER_NAMES,
        "pages": pages,
        "docmaps": docmaps,
        "facets": pieces.write_json("f", facets),
        "charmap": pieces.write_json("c", {"map": charmap}),
        "synonyms": pieces.write_json("y", {"groups": [list(g) for g in union_text.synonym_groups()]}),
        "concepts": search_concepts.write_concepts(ordered, pieces),
    }
    manifest_path = os.path.join(root, MANIFEST)
    previous_names = _manifest_names(manifest_path)
    data = _json_bytes(manifest)
    report.bytes_total += len(data)
    _atomic_write(manifest_path, data)
    report.files_removed = _remove_unreferenced(root, pieces.names | previous_names)
    report.seconds = time.monotonic() - started
    return report


def export_is_current(root: str) -> bool:
    """Whether the export in `root` was written by this code (else a build writes it again,
    even when no article changed)."""
    try:
        with open(os.path.join(root, MANIFEST), encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return False
    return manifest.get("format") == FORMAT_VERSION and manifest.get("code") == export_state.code_digest()[:16]


def _manifest_names(path: str) -> set[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return set()
    root = os.path.dirname(path)

    def load(name):
        try:
            with open(os.path.join(root, name), encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, ValueError):
            return {}

    names = {manifest.get(k) for k in ("facets", "charmap", "synonyms")}
    for _, page in manifest.get("pages", []):
        names.add(page)
        for _, chunk in load(page).get("chunks", []):
            names.add(chunk)
            for entry in load(chunk).get("terms", []):
                for stream in entry[2:]:
                    if isinstance(stream, dict):
                        names.update(segment[2] for segment in stream["segments"])
    for _, docmap in manifest.get("docmaps", []):
        names.add(docmap)
        names.update(load(docmap).get("fragments", []))
    names |= search_concepts.referenced(manifest, load)
    names.discard(None)
    return names


def referenced_names(root: str) -> set[str]:
    """Every piece the manifest in `root` needs (the manifest itself excluded)."""
    return _manifest_names(os.path.join(root, MANIFEST))


def publish(staging: str, destination: str) -> int:
    """Copy a finished export into `destination` (e.g. output/search): pieces first, manifest last.

    Returns the number of files copied; pieces already present are skipped
    (their names are content hashes).
    """
    import shutil

    names = referenced_names(staging)
    copied = 0
    for name in sorted(names):
        target = os.path.join(destination, name)
        if os.path.exists(target):
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            os.link(os.path.join(staging, name), target)
        except OSError:
            shutil.copy2(os.path.join(staging, name), target)
        copied += 1
    previous = referenced_names(destination)
    with open(os.path.join(staging, MANIFEST), "rb") as handle:
        _atomic_write(os.path.join(destination, MANIFEST), handle.read())
    _remove_unreferenced(destination, names | previous)
    return copied


def _remove_unreferenced(root: str, keep: set[str]) -> int:
    removed = 0
    for subdir in ("i", "t", "p", "m", "d", "f", "c", "y", "k", "s"):
        directory = os.path.join(root, subdir)
        if not os.path.isdir(directory):
            continue
        for name in os.listdir(directory):
            if f"{subdir}/{name}" not in keep:
                os.remove(os.path.join(directory, name))
                removed += 1
    return removed
