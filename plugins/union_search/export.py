"""Static export of the search index into output/search/ (format 3: docs/search-export-format.md).

Written straight into its published directory: pieces have content-hashed
names and are written before the manifest, which is replaced atomically, so a
reader (or a build killed half way) never sees a manifest naming a missing
piece; pieces no manifest names are removed afterwards.

Built from the articles' cached analyses (the words) and their text (the
substring net, net.py), inverted in numpy (invert.py).  A rebuild updates
the export in place when few articles changed: only the terms whose
postings changed are rewritten (export_terms.update_terms), which a small
state file beside the editors' index makes possible (export_state.py).

Document ids follow date, oldest first (then URL, descending), so a new
article takes the next id and leaves every other posting as it was.  Each
posting's q is computed with the document's reference lengths, which an edit
keeps while the true lengths stay within LENGTH_TOLERANCE of them (and the
collection's reference averages within AVG_TOLERANCE), so that an edit
changes only the postings of the words it added or removed; fragments carry
the lengths so the editors' index ranks with the same numbers.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass

import numpy as np


import union_text

from . import concepts as search_concepts
from . import export_state, locks, scoring
from .analysis import DocAnalysis, analyze_record
from .encoding import encode_doc_set
from .engine import MAX_QUERY_WORD
from .export_state import DocState, ExportState
from .export_terms import (KIND_LETTER, changed_entries, entry_pieces, full_entries, read_chunk_list, split_key,
                           term_key, update_terms, write_terms)
from .highlight import PART_CHARS, PART_LEAD, SNIPPET_CHARS, SNIPPET_LEAD
from .invert import KINDS, Inverter
from .net import net_arrays
from .pinyin import pinyin_keys, top_words
from .query import FILTER_NAMES
from .records import ArticleRecord, facet_values

FORMAT_VERSION = 3
HEAD_CHARS = 600  # body characters in the fragment; the rest is a piece of its own, fetched when needed
DOCMAP_SIZE = 64  # documents per doc map, doubled while the manifest would list over MAX_DOCMAPS
MAX_DOCMAPS = 256
MANIFEST = "manifest.json"
AVG_TOLERANCE = 0.02
LENGTH_TOLERANCE = 0.03
MAX_TOUCHED_SHARE = 0.05  # above this share of changed documents (and MIN_TOUCHED) a full export is quicker
MIN_TOUCHED = 32
PIECE_DIRS = ("i", "t", "p", "m", "d", "r", "f", "c", "y", "k", "s")


@dataclass
class ExportReport:
    directory: str
    documents: int = 0
    terms: int = 0
    files_written: int = 0
    files_kept: int = 0
    files_removed: int = 0
    bytes_written: int = 0
    seconds: float = 0.0
    incremental: bool = False  # updated in place from the previous export
    terms_rewritten: int = 0
    changed: bool = True  # False: nothing to do, the export was current


class _PieceWriter:
    """Writes content-hashed files under the export directory, skipping existing ones."""

    def __init__(self, root: str, report: ExportReport):
        self.root = root
        self.report = report
        self.names: set[str] = set()
        self.segment_refs: dict[str, int] = {}  # p/ piece → entries written now that name it

    def write(self, subdir: str, data: bytes, ext: str) -> str:
        name = f"{subdir}/{hashlib.sha256(data).hexdigest()[:16]}.{ext}"
        self.names.add(name)
        if subdir == "p":
            self.segment_refs[name] = self.segment_refs.get(name, 0) + 1
        path = os.path.join(self.root, name)
        try:
            kept = os.stat(path).st_size == len(data)  # a shorter file: a killed build's partial write
        except FileNotFoundError:
            kept = False
        if kept:
            self.report.files_kept += 1
            return name
        _write_piece(path, data)
        self.report.files_written += 1
        self.report.bytes_written += len(data)
        return name

    def write_json(self, subdir: str, obj) -> str:
        return self.write(subdir, _json_bytes(obj), "json")


def _json_bytes(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write_piece(path: str, data: bytes) -> None:
    """Write a new piece in place.  No manifest names it yet, so no reader sees it before it is
    complete; a partial piece a killed build left is shorter than its data and written again."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.fchmod(handle, 0o644)  # served by any web server, whatever the umask
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
    finally:
        os.close(handle)


def _write_new(path: str, data: bytes) -> None:
    """Write a file through a temporary name and rename it: readers see the old or the new one."""
    handle, temp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, 0o644)  # served by any web server, whatever the umask
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def _atomic_write(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    _write_new(path, data)


# ---------------------------------------------------------------- documents


def doc_order_key(date: str, url: str):
    """Rank order (newest first, then URL ascending): export ids run the other way, oldest first."""
    return (tuple(-ord(c) for c in date) + (1,), url)


def order_records(records: list[ArticleRecord]) -> list[ArticleRecord]:
    """Records in export id order: the oldest first (a new article gets the next id)."""
    urls = [r.url for r in records]
    if len(set(urls)) != len(urls):
        seen: set[str] = set()
        dupes = sorted({u for u in urls if u in seen or seen.add(u)})
        raise ValueError(f"two articles share the URL {dupes[0]!r}: give one of them another slug")
    return sorted(records, key=lambda r: doc_order_key(r.date, r.url), reverse=True)


def lengths_of(analysis: DocAnalysis) -> tuple[int, int, int, int]:
    t, b = analysis.title, analysis.body
    return (t.word_len, b.word_len, t.char_len, b.char_len)


def _within(reference, actual, tolerance: float) -> bool:
    return all(abs(a - r) <= tolerance * max(a, 1) for r, a in zip(reference, actual))


def fragment(record: ArticleRecord, lens) -> tuple[dict, str]:
    """The document's display fragment (without its rest piece's name) and the body's rest."""
    body = record.body
    data = {"url": record.url, "title": record.title, "date": record.date,
            "regions": list(record.regions), "topics": list(record.topics),
            "lens": list(lens), "head": body[:HEAD_CHARS]}
    return data, body[HEAD_CHARS:]


def _write_fragment(record: ArticleRecord, lens, pieces: _PieceWriter) -> str:
    data, rest = fragment(record, lens)
    if rest:
        data["rest"] = pieces.write("r", rest.encode("utf-8"), "txt")
    return pieces.write_json("d", data)


def read_fragment(root: str, name: str, with_rest: bool = True) -> dict:
    """A fragment with its body put together ("body": head + rest)."""
    with open(os.path.join(root, name), encoding="utf-8") as handle:
        data = json.load(handle)
    body = data["head"]
    if with_rest and data.get("rest"):
        with open(os.path.join(root, data["rest"]), encoding="utf-8") as handle:
            body += handle.read()
    data["body"] = body
    return data


def docmap_size(doc_count: int) -> int:
    """Documents per doc map.  A query's ten results usually sit in ten different maps, so
    small maps mean fewer bytes per query; the manifest, fetched by every query, lists them all,
    so the size doubles to keep that list at most MAX_DOCMAPS long."""
    size = DOCMAP_SIZE
    while doc_count > size * MAX_DOCMAPS:
        size *= 2
    return size


def _write_docmaps(fragments: list[str], pieces: _PieceWriter) -> list:
    size = docmap_size(len(fragments))
    return [[start, pieces.write_json("m", {"first": start, "fragments": fragments[start : start + size]})]
            for start in range(0, len(fragments), size)]


def _write_facets(ordered: list[ArticleRecord], pieces: _PieceWriter) -> str:
    facet_docs: dict[str, dict[str, tuple[str, list[int]]]] = {"region": {}, "topic": {}, "year": {}}
    for i, record in enumerate(ordered):
        values = {
            "region": facet_values(record.regions),
            "topic": facet_values(record.topics),
            "year": (record.year,) if record.year else (),
        }
        for facet, names in values.items():
            for name in names:
                facet_docs[facet].setdefault(union_text.fold(name), (name, []))[1].append(i)
    import base64

    facets = {
        facet: [[folded, name, base64.b64encode(encode_doc_set(docs, len(ordered))).decode("ascii")]
                for folded, (name, docs) in sorted(values.items())]
        for facet, values in facet_docs.items()
    }
    return pieces.write_json("f", facets)


# ---------------------------------------------------------------- terms


def _averages(docs: list[DocState], previous: tuple | None) -> tuple[float, float, float, float]:
    count = len(docs)
    sums = [0, 0, 0, 0]
    for d in docs:
        for k in range(4):
            sums[k] += d.actual[k]
    averages = tuple(s / count if count else 0.0 for s in sums)
    if previous and all(abs(a - p) <= AVG_TOLERANCE * max(a, 1e-9) for a, p in zip(averages, previous)):
        return tuple(previous)
    return averages


def _postings(inverter: Inverter, averages, lens, part: int | None = None) -> dict:
    return {kind: inverter.postings(kind, averages[:2] if kind == "words" else averages[2:], lens, part)
            for kind in KINDS}


ROWS_PER_PARTITION = 1_000_000  # characters of text inverted at a time (≈ 100 bytes of memory each)
BOUNDS_SAMPLE = 256  # articles whose characters choose the partitions' bounds


def partition_bounds(ordered: list[ArticleRecord]) -> list[int]:
    """First code points of the key partitions, so that each holds about ROWS_PER_PARTITION characters
    (the articles' own characters, sampled, show how the keys spread over code points)."""
    total = sum(len(r.title) + len(r.body) for r in ordered)
    count = -(-total // ROWS_PER_PARTITION)
    if count <= 1:
        return [0]
    step = max(1, len(ordered) // BOUNDS_SAMPLE)
    sample = np.concatenate([net_arrays(r.title + "\n" + r.body)[2] for r in ordered[::step]] or
                            [np.zeros(0, np.int64)])
    if not len(sample):
        return [0]
    cuts = np.quantile(sample, np.arange(1, count) / count, method="lower").astype(np.int64).tolist()
    return [0] + sorted(set(c for c in cuts if c > 0))


def _rows(postings: dict) -> dict[str, dict[int, tuple]]:
    """key → {doc: (q, positions)} of a few documents' postings (to compare two versions)."""
    out: dict[str, dict[int, tuple]] = {}
    for kind, found in postings.items():
        letter = KIND_LETTER[kind]
        starts, docs, qs = found.starts.tolist(), found.docs.tolist(), found.qs.tolist()
        positions = found.positions.tolist() if found.positions is not None else None
        pos_starts = found.pos_starts.tolist() if found.positions is not None else None
        for i, term in enumerate(found.keys):
            rows = out.setdefault(term_key(term, letter), {})
            for p in range(starts[i], starts[i + 1]):
                rows[docs[p]] = (qs[p], tuple(positions[pos_starts[p] : pos_starts[p + 1]])
                                 if positions is not None else None)
    return out


def _pinyin_entries(words: set[str], word_df: dict[str, int], pinyin: dict[str, list[str]]) -> dict:
    """Update the pinyin map for `words` (new, changed or gone) and return the p: entries to write."""
    changed: set[str] = set()
    for word in words:
        for key in pinyin_keys(word):
            listed = pinyin.setdefault(key, [])
            if word_df.get(word, 0) and word not in listed:
                listed.append(word)
            elif not word_df.get(word, 0) and word in listed:
                listed.remove(word)
            changed.add(key)
    entries = {}
    for key in changed:
        listed = pinyin.get(key) or []
        if not listed:
            pinyin.pop(key, None)
            entries[term_key(key, "p")] = None
        else:
            best = top_words(listed, word_df)
            entries[term_key(key, "p")] = [term_key(key, "p"), len(best), best]
    return entries


# ---------------------------------------------------------------- the export


DIRTY = "export-dirty"  # in the index directory while an export is being written


def write_export(root: str, records: list[ArticleRecord], analysis_of, index_dir: str,
                 analysis_by_hash=None, force_full: bool = False) -> ExportReport:
    """Bring the export in directory `root` in line with `records`.

    `analysis_of(record)` gives a record's DocAnalysis (normally through the
    cache); `analysis_by_hash(text_hash)` an older analysis or None (the
    previous version of an edited article: its words leave the index).  The
    state for the next build is kept in `index_dir`.  `force_full` writes every
    term again, with the lengths an update in place would use (a check of the
    update in place: both must give the same files).
    """
    started = time.monotonic()
    root = os.path.abspath(root)
    os.makedirs(root, exist_ok=True)
    os.makedirs(index_dir, exist_ok=True)
    report = ExportReport(directory=root)
    pieces = _PieceWriter(root, report)
    ordered = order_records(records)
    report.documents = len(ordered)
    code, analyzer = export_state.code_digest(), union_text.analyzer_fingerprint()
    state_path = os.path.join(index_dir, export_state.STATE_FILE)
    manifest_path = os.path.join(root, MANIFEST)
    old_manifest_bytes = _read_bytes(manifest_path)
    previous = export_state.load(state_path)
    usable = bool(previous and old_manifest_bytes and previous.code == code and previous.analyzer == analyzer
                  and previous.export_dir == root
                  and previous.manifest == hashlib.sha1(old_manifest_bytes).hexdigest())
    old_by_url = {d.url: (i, d) for i, d in enumerate(previous.docs)} if usable else {}

    # 1. which documents changed (text hashes only: unchanged ones are not read again)
    docs: list[DocState] = []
    touched: list[int] = []
    for i, record in enumerate(ordered):
        text_hash = record.text_hash()
        old = old_by_url.get(record.url)
        if old and old[1].text_hash == text_hash:
            docs.append(DocState(record.url, record.date, text_hash, "", old[1].lens, old[1].actual))
            if old[0] != i:
                touched.append(i)
        else:
            docs.append(DocState(record.url, record.date, text_hash, "", (), ()))
            touched.append(i)
    new_urls = {d.url for d in docs}
    removed = [i for i, d in enumerate(previous.docs) if d.url not in new_urls] if usable else []
    if len(touched) + len(removed) > max(MIN_TOUCHED, MAX_TOUCHED_SHARE * len(docs)):
        usable = False
    keep_references = usable and force_full

    dirty = os.path.join(index_dir, DIRTY)
    full_gc = os.path.exists(dirty)  # the last export stopped half way: collect its leftovers too
    open(dirty, "w").close()
    inverter = None
    analyses: dict[int, DocAnalysis] = {}
    if usable:  # 2a. few changes: analyses of the changed documents only
        for i in touched:
            if not docs[i].actual:
                analyses[i] = analysis_of(ordered[i])
                actual = lengths_of(analyses[i])
                old = old_by_url.get(docs[i].url)
                docs[i].actual = actual
                docs[i].lens = old[1].lens if old and _within(old[1].lens, actual, LENGTH_TOLERANCE) else actual
        averages = _averages(docs, previous.averages)
        if averages != tuple(previous.averages):
            usable = keep_references = False
    if force_full:
        usable = False
    spill = None
    if not usable:  # 2b. a full export: every analysis once, into the inverter
        analyses.clear()
        bounds = partition_bounds(ordered)
        for stale in os.listdir(index_dir):
            if stale.startswith(".spill-"):  # left by a killed build
                shutil.rmtree(os.path.join(index_dir, stale), ignore_errors=True)
        spill = tempfile.mkdtemp(prefix=".spill-", dir=index_dir) if len(bounds) > 1 else None
        inverter = Inverter(bounds, spill)
        for i, record in enumerate(ordered):
            analysis = analysis_of(record)
            actual = lengths_of(analysis)
            if not keep_references:
                docs[i].lens = actual  # a full export ranks with the true lengths again
            docs[i].actual = actual
            inverter.add(i, analysis, record.title, record.body)
        inverter.finish()
        if not keep_references:
            averages = _averages(docs, None)

    for i, record in enumerate(ordered):
        docs[i].fragment = _write_fragment(record, docs[i].lens, pieces)
    docmaps = _write_docmaps([d.fragment for d in docs], pieces)
    facets = _write_facets(ordered, pieces)
    concepts = search_concepts.write_concepts(ordered, pieces)  # columns and short names: not in the fragments

    if usable:
        state = ExportState(code, analyzer, root, "", averages, docs, previous.word_df, previous.char_df,
                            previous.pinyin)
        old_manifest = json.loads(old_manifest_bytes)
        if not touched and not removed and _same_documents(old_manifest, docmaps, facets, concepts):
            os.unlink(dirty)
            report.changed = False
            report.terms = old_manifest.get("terms", 0)
            report.seconds = time.monotonic() - started
            return report
        pages, terms, rescanned, old_segments = _update_terms(
            root, old_manifest, ordered, docs, previous, touched, removed, averages, analyses, analysis_of,
            analysis_by_hash, state, pieces, report)
        report.incremental = True
        refs = dict(previous.segment_refs)
        for name in old_segments:
            refs[name] = refs.get(name, 0) - 1
        for name, count in pieces.segment_refs.items():
            refs[name] = refs.get(name, 0) + count
        dead_segments = {name for name, count in refs.items() if count <= 0}
        for name in dead_segments:
            del refs[name]
        state.segment_refs = refs
        dead_chunks = rescanned - pieces.names
    else:
        try:
            word_df = inverter.words_df()
            pinyin_map: dict[str, list[str]] = {}
            for word in word_df:
                for key in pinyin_keys(word):
                    pinyin_map.setdefault(key, []).append(word)
            pinyin = {key: top_words(listed, word_df) for key, listed in pinyin_map.items()}
            char_df: dict[str, int] = {}
            lens = {i: d.lens for i, d in enumerate(docs)}

            def entries():  # one partition of the keys at a time: bounded memory
                for part in inverter.partitions:
                    postings = _postings(inverter, averages, lens, part)
                    chars = postings["unigrams"]
                    char_df.update(zip(chars.keys, chars.doc_freqs().tolist()))
                    mine = {key: words for key, words in pinyin.items()
                            if int(inverter.partition_of(np.array([ord(key[0])]))[0]) == part}
                    yield from full_entries(postings, mine, pieces)

            pages, terms = write_terms(entries(), pieces)
        finally:
            if spill:
                shutil.rmtree(spill, ignore_errors=True)
        report.terms_rewritten = terms
        del inverter
        state = ExportState(code, analyzer, root, "", averages, docs, word_df, char_df, pinyin_map,
                            pieces.segment_refs)
        dead_segments = dead_chunks = None  # everything not written or kept now
    report.terms = terms

    charmap = {t: s for t, s in sorted(union_text.t2s_map().items()) if s in state.char_df}
    manifest = {
        "format": FORMAT_VERSION,
        "code": code[:16],  # a build re-exports when the export code changed
        "analyzer": analyzer,
        "doc_count": len(docs),
        "terms": terms,
        "bm25": {
            "k1": scoring.K1, "b": scoring.B,
            "title_weight": scoring.TITLE_WEIGHT, "body_weight": scoring.BODY_WEIGHT,
            "q_scale": scoring.Q_SCALE, "score_grain": scoring.SCORE_GRAIN,
        },
        "avg": {"title_words": averages[0], "body_words": averages[1],
                "title_chars": averages[2], "body_chars": averages[3]},
        "max_query_word": MAX_QUERY_WORD,
        "snippet": {"chars": SNIPPET_CHARS, "lead": SNIPPET_LEAD, "part_chars": PART_CHARS, "part_lead": PART_LEAD},
        "filters": FILTER_NAMES,
        "pages": pages,
        "docmaps": docmaps,
        "facets": facets,
        "charmap": pieces.write_json("c", {"map": charmap}),
        "synonyms": pieces.write_json("y", {"groups": [list(g) for g in union_text.synonym_groups()]}),
        "concepts": concepts,
    }
    data = _json_bytes(manifest)
    _atomic_write(manifest_path, data)
    state.manifest = hashlib.sha1(data).hexdigest()
    export_state.save(state_path, state)
    with locks.export_prune(index_dir) as allowed:
        if allowed:  # else a reader holds the export: the next build collects the garbage
            report.files_removed = _collect_garbage(root, pieces, state, pages, dead_chunks, dead_segments,
                                                    full_gc)
            os.unlink(dirty)
    report.seconds = time.monotonic() - started
    return report


def _same_documents(manifest: dict, docmaps: list, facets: str, concepts) -> bool:
    return (manifest.get("docmaps") == docmaps and manifest.get("facets") == facets
            and manifest.get("concepts") == concepts)


def _update_terms(root, old_manifest, ordered, docs, previous: ExportState, touched, removed, averages,
                  analyses, analysis_of, analysis_by_hash, state: ExportState, pieces, report):
    """Rewrite the entries of the terms whose postings the touched documents changed.

    Returns (pages, number of terms, names of the old chunks read again, the segments the
    rewritten entries named before, each as often as named)."""
    old_ids = {d.url: i for i, d in enumerate(previous.docs)}
    gone = sorted({old_ids[docs[i].url] for i in touched if docs[i].url in old_ids} | set(removed))
    old_docs = previous.docs
    old_inverter = Inverter()
    for old_id in gone:
        data = read_fragment(root, old_docs[old_id].fragment)
        found = analysis_by_hash(old_docs[old_id].text_hash) if analysis_by_hash else None
        analysis = found or analyze_record(ArticleRecord(url="", title=data["title"], body=data["body"]))
        old_inverter.add(old_id, analysis, data["title"], data["body"])
    old_rows = _rows(_postings(old_inverter, averages, {i: old_docs[i].lens for i in gone}))
    new_inverter = Inverter()
    for i in touched:
        analysis = analyses.get(i) or analysis_of(ordered[i])
        new_inverter.add(i, analysis, ordered[i].title, ordered[i].body)
    new_rows = _rows(_postings(new_inverter, averages, {i: docs[i].lens for i in touched}))
    changed_keys = sorted(k for k in old_rows.keys() | new_rows.keys() if old_rows.get(k) != new_rows.get(k))
    old_entries = _old_entries(root, old_manifest, changed_keys)
    old_segments = [name for entry in old_entries.values() for name in entry_pieces(entry)]
    changes = changed_entries(changed_keys, old_entries, set(gone), new_rows, root, pieces)
    changed_words: set[str] = set()
    for key, entry in changes.items():
        term, letter = split_key(key)
        df = entry[1] if entry else 0
        table = state.word_df if letter == "w" else state.char_df if letter == "u" else None
        if table is None:
            continue
        before = table.get(term, 0)
        if df:
            table[term] = df
        else:
            table.pop(term, None)
        if letter == "w" and before != df:
            changed_words.add(term)
    changes.update(_pinyin_entries(changed_words, state.word_df, state.pinyin))
    report.terms_rewritten = len(changes)
    pages, delta, rescanned = update_terms(root, old_manifest, changes, pieces)
    return pages, old_manifest.get("terms", 0) + delta, rescanned, old_segments


def _old_entries(root: str, manifest: dict, keys: list[str]) -> dict:
    import bisect

    chunks = read_chunk_list(root, manifest)
    firsts = [first for first, _ in chunks]
    wanted: dict[int, set] = {}
    for key in keys:
        index = bisect.bisect_right(firsts, key) - 1
        if index >= 0:
            wanted.setdefault(index, set()).add(key)
    found = {}
    for index, names in wanted.items():
        with open(os.path.join(root, chunks[index][1]), encoding="utf-8") as handle:
            for entry in json.load(handle)["terms"]:
                if entry[0] in names:
                    found[entry[0]] = entry
    return found


def _read_bytes(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


# ---------------------------------------------------------------- reading back, pruning


def export_is_current(root: str) -> bool:
    """Whether the export in `root` was written by this code."""
    try:
        with open(os.path.join(root, MANIFEST), encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return False
    return manifest.get("format") == FORMAT_VERSION and manifest.get("code") == export_state.code_digest()[:16]


def referenced_names(root: str) -> set[str]:
    """Every piece the manifest in `root` needs (the manifest itself excluded)."""
    try:
        with open(os.path.join(root, MANIFEST), encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return set()

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
                for stream in entry[2:4]:
                    if isinstance(stream, dict):
                        names.update(segment[2] for segment in stream["segments"])
    for _, docmap in manifest.get("docmaps", []):
        names.add(docmap)
        for name in load(docmap).get("fragments", []):
            names.add(name)
            rest = load(name).get("rest")
            if rest:
                names.add(rest)
    names |= search_concepts.referenced(manifest, load)
    names.discard(None)
    return names


def _collect_garbage(root: str, pieces: _PieceWriter, state: ExportState, pages: list, dead_chunks, dead_segments,
                     full: bool) -> int:
    """Delete the pieces the new manifest does not name.

    Every fragment, rest, doc map, index page, concept shard (and its
    document pieces) and facets/char map/synonyms file the manifest names was
    written (or found) by this build: anything else in their folders goes.  Chunks and segments an update in place did
    not touch were not visited, so their garbage is known otherwise: the old
    chunks that were rebuilt, the segments no entry names any more
    (state.segment_refs counts the entries naming each).  After a build that
    stopped half way (`full`), chunks and segments are checked by listing
    too, against the chunks the pages name and the segment counts.
    """
    removed = 0
    for subdir in ("d", "r", "m", "i", "f", "c", "y", "k", "s"):
        removed += _remove_all_but(root, pieces.names, (subdir,))
    if dead_chunks is None:  # a full export: every chunk and segment was written now
        return removed + _remove_all_but(root, pieces.names, ("t", "p"))
    if full:
        chunks = {chunk for _, page in pages for _, chunk in _read_json(os.path.join(root, page))["chunks"]}
        return (removed + _remove_all_but(root, chunks, ("t",))
                + _remove_all_but(root, set(state.segment_refs), ("p",)))
    return removed + _remove(root, dead_chunks) + _remove(root, dead_segments)


def _remove(root: str, names) -> int:
    removed = 0
    for name in names:
        try:
            os.remove(os.path.join(root, name))
            removed += 1
        except FileNotFoundError:
            pass
    return removed


def _remove_all_but(root: str, keep: set[str], subdirs=PIECE_DIRS) -> int:
    """Delete every piece (and stray temporary file) in the export's `subdirs` but `keep`."""
    removed = 0
    for subdir in subdirs:
        directory = os.path.join(root, subdir)
        if not os.path.isdir(directory):
            continue
        for name in os.listdir(directory):
            if f"{subdir}/{name}" not in keep:
                os.remove(os.path.join(directory, name))
                removed += 1
    return removed


def _read_json(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}
