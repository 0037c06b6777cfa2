"""Static export of the Whoosh index into output/search/ (format: docs/search-export-format.md).

Streams the index term by term, so memory stays bounded by one term's
postings and one chunk.  Pieces have content-hashed names; a piece that
already exists is not rewritten, and the manifest is replaced last, so a
reader never sees a manifest naming a missing piece.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import json
import os
import tempfile
import time
from dataclasses import dataclass, field

from whoosh.reading import TermNotFound

import union_text

from . import index as search_index
from . import scoring
from .encoding import encode_doc_list, encode_positions_doc, put_varint
from .engine import MAX_QUERY_WORD
from .highlight import SNIPPET_CHARS, SNIPPET_LEAD
from .query import FILTER_NAMES
from .records import facet_values

FORMAT_VERSION = 1
INLINE_MAX = 192
SEGMENT_MAX = 16 * 1024
CHUNK_TARGET = 8 * 1024
DOCMAP_SIZE = 256
MANIFEST = "manifest.json"
KINDS = (  # key prefix, fields, length slots in LENS (title, body), has positions
    ("b", search_index.BIGRAM_FIELDS, (2, 3), True),
    ("u", search_index.UNIGRAM_FIELDS, (2, 3), False),
    ("w", search_index.WORD_FIELDS, (0, 1), False),
)


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


class _PieceWriter:
    """Writes content-hashed files under the export directory, skipping existing ones."""

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
        _atomic_write(path, data)
        self.report.files_written += 1
        return name

    def write_json(self, subdir: str, obj) -> str:
        return self.write(subdir, _json_bytes(obj), "json")


def _json_bytes(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _atomic_write(path: str, data: bytes) -> None:
    handle, temp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.chmod(temp, 0o644)  # served by any web server
    os.replace(temp, path)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _postings_stream(items, pieces: _PieceWriter):
    """items: sorted (doc, q).  Inline base64 or {"segments": [...]}."""
    segments, current, previous, first = [], bytearray(), -1, None
    last = None
    for doc, q in items:
        entry = bytearray()
        put_varint(entry, doc - previous)
        put_varint(entry, q)
        if current and len(current) + len(entry) > SEGMENT_MAX:
            segments.append((first, last, bytes(current)))
            current, previous, entry = bytearray(), -1, bytearray()
            put_varint(entry, doc + 1)
            put_varint(entry, q)
        if not current:
            first = doc
        current += entry
        previous = last = doc
    if current:
        segments.append((first, last, bytes(current)))
    return _store(segments, pieces)


def _positions_stream(items, pieces: _PieceWriter):
    """items: sorted (doc, positions)."""
    segments, current, previous, first, last = [], bytearray(), -1, None, None
    for doc, positions in items:
        entry = bytearray()
        encode_positions_doc(entry, doc - previous, positions)
        if current and len(current) + len(entry) > SEGMENT_MAX:
            segments.append((first, last, bytes(current)))
            current, entry = bytearray(), bytearray()
            encode_positions_doc(entry, doc + 1, positions)
        if not current:
            first = doc
        current += entry
        previous = last = doc
    if current:
        segments.append((first, last, bytes(current)))
    return _store(segments, pieces)


def _store(segments, pieces: _PieceWriter):
    if len(segments) == 1 and len(segments[0][2]) <= INLINE_MAX:
        return _b64(segments[0][2])
    return {"segments": [[a, b, pieces.write("p", data, "bin")] for a, b, data in segments]}


def _merged_terms(reader, fields: tuple[str, str]):
    """Sorted distinct terms of the title and body fields."""
    streams = [(t for t in reader.lexicon(name)) for name in fields]
    previous = None
    for term in heapq.merge(*streams):
        if term != previous:
            previous = term
            yield term.decode("utf-8")


def export_index(index_dir: str, root: str) -> ExportReport:
    """Write the export into directory `root` (normally output/search) from the index at index_dir."""
    started = time.monotonic()
    os.makedirs(root, exist_ok=True)
    report = ExportReport(directory=root)
    pieces = _PieceWriter(root, report)
    stats = search_index.read_stats(index_dir)
    ix = search_index.open_current(index_dir)
    with ix.reader() as reader:
        keys = reader.column_reader("key_col")
        dates = reader.column_reader("date_col")
        lens_col = reader.column_reader("lens_col")
        live = list(reader.all_doc_ids())
        ordered = sorted(live, key=lambda d: doc_order_key(dates[d].decode("ascii"), keys[d].decode("utf-8")))
        doc_id = {docnum: i for i, docnum in enumerate(ordered)}
        lens = {d: search_index.LENS.unpack(lens_col[d]) for d in live}
        report.documents = len(ordered)

        docmaps, facets = _write_documents(reader, ordered, pieces)
        chunks, vocabulary_chars = _write_terms(reader, stats, doc_id, lens, pieces, report)

    charmap = {t: s for t, s in sorted(union_text.t2s_map().items()) if s in vocabulary_chars}
    manifest = {
        "format": FORMAT_VERSION,
        "analyzer": stats["analyzer"],
        "index_generation": os.path.basename(os.path.realpath(search_index.current_path(index_dir))),
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
        "snippet": {"chars": SNIPPET_CHARS, "lead": SNIPPET_LEAD},
        "filters": FILTER_NAMES,
        "chunks": chunks,
        "docmaps": docmaps,
        "facets": pieces.write_json("f", facets),
        "charmap": pieces.write_json("c", {"map": charmap}),
        "synonyms": pieces.write_json("y", {"groups": [list(g) for g in union_text.synonym_groups()]}),
    }
    manifest_path = os.path.join(root, MANIFEST)
    previous_names = _manifest_names(manifest_path)
    data = _json_bytes(manifest)
    report.bytes_total += len(data)
    _atomic_write(manifest_path, data)
    report.files_removed = _remove_unreferenced(root, pieces.names | previous_names)
    report.seconds = time.monotonic() - started
    return report


def _write_documents(reader, ordered, pieces: _PieceWriter):
    fragments = []
    facet_docs: dict[str, dict[str, tuple[str, list[int]]]] = {"region": {}, "topic": {}, "year": {}}
    for i, docnum in enumerate(ordered):
        stored = reader.stored_fields(docnum)["doc"]
        fragments.append(pieces.write_json("d", stored))
        values = {
            "region": facet_values(tuple(stored.get("regions", ()))),
            "topic": facet_values(tuple(stored.get("topics", ()))),
            "year": (stored["date"][:4],) if stored.get("date") else (),
        }
        for facet, names in values.items():
            for name in names:
                folded = union_text.fold(name)
                facet_docs[facet].setdefault(folded, (name, []))[1].append(i)
    docmaps = [
        [start, pieces.write_json("m", {"first": start, "fragments": fragments[start : start + DOCMAP_SIZE]})]
        for start in range(0, len(fragments), DOCMAP_SIZE)
    ]
    facets = {
        facet: [[folded, name, _b64(encode_doc_list(docs))] for folded, (name, docs) in sorted(values.items())]
        for facet, values in facet_docs.items()
    }
    return docmaps, facets


def _write_terms(reader, stats, doc_id, lens, pieces: _PieceWriter, report: ExportReport):
    avgs = {
        "b": (stats["avg_title_chars"], stats["avg_body_chars"]),
        "u": (stats["avg_title_chars"], stats["avg_body_chars"]),
        "w": (stats["avg_title_words"], stats["avg_body_words"]),
    }
    chunks: list = []
    current: list = []
    size = 0
    vocabulary_chars: set[str] = set()

    def flush():
        nonlocal current, size
        if current:
            chunks.append([current[0][0], pieces.write_json("t", {"terms": current})])
        current, size = [], 0

    for kind, fields, (title_slot, body_slot), has_positions in KINDS:
        for term in _merged_terms(reader, fields):
            title = _field_postings(reader, fields[0], term, has_positions)
            body = _field_postings(reader, fields[1], term, has_positions)
            docs = sorted(
                (doc_id[d], d) for d in title.keys() | body.keys() if d in doc_id
            )
            if not docs:
                continue  # only in deleted documents
            if kind == "u":
                vocabulary_chars.add(term)
            items = []
            for exported, d in docs:
                tf_title, tf_body = _tf(title.get(d)), _tf(body.get(d))
                q = scoring.quantized_tf(tf_title, tf_body, lens[d][title_slot], lens[d][body_slot], *avgs[kind])
                items.append((exported, q))
            entry = [f"{kind}:{term}", len(items), _postings_stream(items, pieces)]
            if has_positions:
                positions = []
                for exported, d in docs:
                    shift = lens[d][4] + 1
                    combined = list(title.get(d, ())) + [p + shift for p in body.get(d, ())]
                    positions.append((exported, combined))
                entry.append(_positions_stream(positions, pieces))
            report.terms += 1
            current.append(entry)
            size += len(_json_bytes(entry))
            if size >= CHUNK_TARGET:
                flush()
    flush()
    return chunks, vocabulary_chars


def _field_postings(reader, fieldname: str, term: str, positions: bool) -> dict:
    try:
        matcher = reader.postings(fieldname, term)
    except TermNotFound:
        return {}
    return dict(matcher.items_as("positions" if positions else "frequency"))


def _tf(value) -> int:
    if value is None:
        return 0
    return value if isinstance(value, int) else len(value)


def _manifest_names(path: str) -> set[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return set()
    names = {manifest.get(k) for k in ("facets", "charmap", "synonyms")}
    names.update(f for _, f in manifest.get("chunks", []))
    names.update(f for _, f in manifest.get("docmaps", []))
    root = os.path.dirname(path)
    # chunk and docmap contents name segments and fragments
    for name in [f for _, f in manifest.get("chunks", [])] + [f for _, f in manifest.get("docmaps", [])]:
        try:
            with open(os.path.join(root, name), encoding="utf-8") as handle:
                piece = json.load(handle)
        except (OSError, ValueError):
            continue
        names.update(piece.get("fragments", []))
        for entry in piece.get("terms", []):
            for stream in entry[2:]:
                if isinstance(stream, dict):
                    names.update(segment[2] for segment in stream["segments"])
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
    for subdir in ("t", "p", "m", "d", "f", "c", "y"):
        directory = os.path.join(root, subdir)
        if not os.path.isdir(directory):
            continue
        for name in os.listdir(directory):
            if f"{subdir}/{name}" not in keep:
                os.remove(os.path.join(directory, name))
                removed += 1
    return removed
