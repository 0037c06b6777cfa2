"""The editors' Whoosh index: lean schema, pre-analysed tokens, atomic swap, incremental.

Layout of the index directory (SEARCH_INDEX_PATH):
    current -> gen-<id>/    symlink, swapped with os.replace (atomic)
    gen-<id>/               Whoosh files + stats.json
    gen-<id>/export/        the static export made from this generation
A build copies the current generation aside (export pieces as hard links:
they never change), updates the copy (only articles whose content hash
changed are re-indexed), writes the export, then swaps the symlink: a build
killed at any point leaves `current` pointing at a complete index.

Whoosh holds the words (title_w, body_w: frequencies only), the stored
documents, facets and per-document columns.  The substring net (bigrams
with positions, single characters) is 4× the postings of the words and
would quadruple Whoosh's pure-Python writer time (measured: 3.4 s → 12.8 s
per 200 articles), so the net lives only in the export's compact pieces,
which the command line reads too (whoosh_source.py).
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
import time
from dataclasses import dataclass

from whoosh.system import pack_uint
from whoosh import columns, fields, formats, index as whoosh_index

import union_text

from .analysis import DocAnalysis
from .progress import Progress
from .records import ArticleRecord, facet_values

CURRENT = "current"
STATS_FILE = "stats.json"
INDEX_NAME = "MAIN"
LENS = struct.Struct("<5I")  # title word len, body word len, title char len, body char len, title length


class IndexMissing(RuntimeError):
    """No built index at the configured path."""


class PreAnalyzed(fields.FieldType):
    """A field fed with already analysed terms: {term: positions} or {term: frequency}."""

    indexed = True
    stored = False
    scorable = True

    def __init__(self, positions: bool = False):
        self.format = formats.Positions() if positions else formats.Frequency()
        self.vector = None
        self.analyzer = None
        self.column_type = None

    def index(self, value, **kwargs):
        if isinstance(self.format, formats.Positions):
            encode = self.format.encode
            for term, poslist in value.items():
                yield term.encode("utf-8"), len(poslist), float(len(poslist)), encode(poslist)
        else:
            for term, freq in value.items():
                yield term.encode("utf-8"), freq, float(freq), pack_uint(freq)


FACETS = ("region", "topic", "year")


def make_schema() -> fields.Schema:
    return fields.Schema(
        key=fields.ID(unique=True, stored=False),
        key_col=fields.COLUMN(columns.VarBytesColumn()),
        hash_col=fields.COLUMN(columns.VarBytesColumn()),
        lens_col=fields.COLUMN(columns.VarBytesColumn()),
        date_col=fields.COLUMN(columns.VarBytesColumn()),
        doc=fields.STORED(),
        title_w=PreAnalyzed(),
        body_w=PreAnalyzed(),
        region=PreAnalyzed(),
        topic=PreAnalyzed(),
        year=PreAnalyzed(),
    )


def stored_document(record: ArticleRecord) -> dict:
    """What results display (the Whoosh stored field and the export's fragment)."""
    return {
        "url": record.url, "title": record.title, "date": record.date,
        "regions": list(record.regions), "topics": list(record.topics),
        "summary": record.summary, "body": record.body,
    }


def document_fields(record: ArticleRecord, analysis: DocAnalysis) -> dict:
    t, b = analysis.title, analysis.body
    lens = doc_lens(analysis)
    stored = stored_document(record)
    return dict(
        key=record.url,
        key_col=record.url.encode("utf-8"),
        hash_col=record.content_hash().encode("ascii"),
        lens_col=lens,
        date_col=record.date.encode("ascii", "replace"),
        doc=stored,
        title_w=t.words, body_w=b.words,
        region={union_text.fold(v): 1 for v in facet_values(record.regions)},
        topic={union_text.fold(v): 1 for v in facet_values(record.topics)},
        year={record.year: 1} if record.year else {},
    )


def current_path(index_dir: str) -> str:
    return os.path.join(index_dir, CURRENT)


def open_current(index_dir: str):
    path = current_path(index_dir)
    if not os.path.isdir(path):
        raise IndexMissing(
            f"no search index at {index_dir}: build the site first (make html)"
        )
    return whoosh_index.open_dir(os.path.realpath(path), indexname=INDEX_NAME)


def read_stats(index_dir: str) -> dict:
    return read_generation_stats(current_path(index_dir))


def read_generation_stats(generation_dir: str) -> dict:
    with open(os.path.join(generation_dir, STATS_FILE), encoding="utf-8") as handle:
        return json.load(handle)


def column(reader, name: str) -> dict[int, bytes]:
    """docnum → value of a per-document column, live documents only ({} for an empty index)."""
    if reader.doc_count() == 0:
        return {}
    values = reader.column_reader(name)
    return {docnum: values[docnum] for docnum in reader.all_doc_ids()}


def existing_hashes(ix) -> dict[str, str]:
    with ix.reader() as reader:
        keys = column(reader, "key_col")
        hashes = column(reader, "hash_col")
        return {keys[d].decode("utf-8"): hashes[d].decode("ascii") for d in keys}


AVG_KEYS = ("avg_title_words", "avg_body_words", "avg_title_chars", "avg_body_chars")
AVG_TOLERANCE = 0.02


def stats_from_lens(lens, previous: dict | None = None) -> dict:
    """Document count and average field lengths from packed LENS values (see collect_stats)."""
    sums = [0, 0, 0, 0]
    count = 0
    for packed in lens:
        values = LENS.unpack(packed)
        for i in range(4):
            sums[i] += values[i]
        count += 1
    avg = [(s / count) if count else 0.0 for s in sums]
    if previous and all(
        abs(avg[i] - previous.get(key, -1.0)) <= AVG_TOLERANCE * max(avg[i], 1e-9)
        for i, key in enumerate(AVG_KEYS)
    ):
        avg = [previous[key] for key in AVG_KEYS]
    stats = {"doc_count": count, "analyzer": union_text.analyzer_fingerprint()}
    stats.update(zip(AVG_KEYS, avg))
    return stats


def doc_lens(analysis: DocAnalysis) -> bytes:
    t, b = analysis.title, analysis.body
    return LENS.pack(t.word_len, b.word_len, t.char_len, b.char_len, analysis.title_len)


def collect_stats(ix, previous: dict | None = None) -> dict:
    """Document count and average field lengths.

    The averages enter every posting's q; while they stay within
    AVG_TOLERANCE of the previous generation's, the previous values are
    kept, so an edit leaves other articles' postings (and pieces) unchanged.
    """
    with ix.reader() as reader:
        return stats_from_lens(column(reader, "lens_col").values(), previous)


@dataclass
class IndexUpdate:
    added: int
    updated: int
    removed: int
    unchanged: int
    path: str
    seconds: float
    exported: bool = False  # `finish` completed the new generation (here or in a forked child)


EXPORT_DIR = "export"
WRITER_LIMIT_MB = 256  # about 1.5 million postings (1,500 articles) before spilling


PARALLEL_EXPORT_MIN = 48  # a fresh index of fewer articles exports after Whoosh, in this process


def update_index(index_dir: str, records: list[ArticleRecord], analyze, finish=None,
                 parallel_finish: bool = False, refresh: bool = False) -> IndexUpdate:
    """Bring the index at `index_dir` in line with `records`.

    `analyze(record)` returns the record's DocAnalysis (normally through the
    cache); it is called only for new or changed articles.  `finish(path)`,
    if given, completes the new generation directory (writes the export)
    before it becomes current.  `refresh` makes a new generation (and runs
    `finish`) even when no article changed: the export code did.
    """
    started = time.monotonic()
    os.makedirs(index_dir, exist_ok=True)
    wanted = {record.url: record for record in records}
    if len(wanted) != len(records):
        seen: set[str] = set()
        dupes = sorted({r.url for r in records if r.url in seen or seen.add(r.url)})
        raise ValueError(f"two articles share the URL {dupes[0]!r}: give one of them another slug")
    old_hashes: dict[str, str] = {}
    old_dir = None
    old_stats = None
    fingerprint = union_text.analyzer_fingerprint()
    if os.path.isdir(current_path(index_dir)):
        try:
            old_stats = read_stats(index_dir)
            if old_stats.get("analyzer") == fingerprint:
                old_dir = os.path.realpath(current_path(index_dir))
                old_hashes = existing_hashes(open_current(index_dir))
        except (OSError, ValueError, whoosh_index.EmptyIndexError):
            old_dir, old_hashes, old_stats = None, {}, None  # unreadable: rebuild from scratch
    new_hashes = {url: record.content_hash() for url, record in wanted.items()}
    to_remove = [url for url in old_hashes if new_hashes.get(url) != old_hashes[url]]
    to_add = [url for url in sorted(wanted) if old_hashes.get(url) != new_hashes[url]]
    report = IndexUpdate(
        added=sum(1 for url in to_add if url not in old_hashes),
        updated=sum(1 for url in to_add if url in old_hashes),
        removed=sum(1 for url in to_remove if url not in wanted),
        unchanged=len(wanted) - len(to_add),
        path=index_dir,
        seconds=0.0,
    )
    if old_dir and not to_add and not to_remove and not refresh:
        report.seconds = time.monotonic() - started
        return report

    building = tempfile.mkdtemp(prefix=".building-", dir=index_dir)
    child = None
    try:
        if old_dir:
            shutil.copytree(old_dir, building, dirs_exist_ok=True, ignore=shutil.ignore_patterns(EXPORT_DIR))
            if os.path.isdir(os.path.join(old_dir, EXPORT_DIR)):
                shutil.copytree(os.path.join(old_dir, EXPORT_DIR), os.path.join(building, EXPORT_DIR),
                                copy_function=_link_or_copy)
            ix = whoosh_index.open_dir(building, indexname=INDEX_NAME)
        else:
            ix = whoosh_index.create_in(building, make_schema(), indexname=INDEX_NAME)
        predicted = None
        if (finish and parallel_finish and not old_dir and len(to_add) >= PARALLEL_EXPORT_MIN
                and hasattr(os, "fork") and (os.cpu_count() or 1) > 1):
            # A fresh index: every article is analysed, so the statistics are
            # known before Whoosh writes; the export runs on the second core.
            predicted = stats_from_lens(doc_lens(analyze(wanted[url])) for url in to_add)
            with open(os.path.join(building, STATS_FILE), "w", encoding="utf-8") as handle:
                json.dump(predicted, handle)
            child = _fork(finish, building)
        # In-memory posting pool: at the default 128 MB Whoosh spills sorted runs to
        # disk and merges them back (about a third of its time at 1,000 articles).
        writer = ix.writer(limitmb=WRITER_LIMIT_MB)
        try:
            for url in to_remove:
                writer.delete_by_term("key", url)
            progress = Progress("indexed", len(to_add))
            for url in to_add:
                writer.add_document(**document_fields(wanted[url], analyze(wanted[url])))
                progress.advance()
            writer.commit()
            progress.done()
        except BaseException:
            writer.cancel()
            raise
        stats = collect_stats(ix, old_stats if old_dir else None)
        exported_in_child = child is not None and _joined(child) and stats == predicted
        child = None
        with open(os.path.join(building, STATS_FILE), "w", encoding="utf-8") as handle:
            json.dump(stats, handle)
        if finish and not exported_in_child:
            finish(building)  # again, in this process, if the child failed or guessed other stats
        report.exported = bool(finish)
        generation = os.path.join(index_dir, f"gen-{time.time_ns():x}")
        os.rename(building, generation)
        _swap_current(index_dir, os.path.basename(generation))
    except BaseException:
        if child is not None:
            _joined(child)
        shutil.rmtree(building, ignore_errors=True)
        raise
    _remove_old_generations(index_dir, keep=os.path.basename(generation))
    report.seconds = time.monotonic() - started
    return report


def _fork(function, argument) -> int:
    """Run function(argument) in a forked child; returns its pid (see _joined)."""
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            function(argument)
            status = 0
        except BaseException:  # noqa: BLE001 - the parent redoes the work and reports errors
            pass
        finally:
            os._exit(status)
    return pid


def _joined(pid: int) -> bool:
    """Wait for a child started by _fork; True if it finished without error."""
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _swap_current(index_dir: str, generation_name: str) -> None:
    temp_link = os.path.join(index_dir, f".current-{os.getpid()}")
    if os.path.lexists(temp_link):
        os.remove(temp_link)
    os.symlink(generation_name, temp_link)
    os.replace(temp_link, current_path(index_dir))


def _remove_old_generations(index_dir: str, keep: str) -> None:
    for name in os.listdir(index_dir):
        path = os.path.join(index_dir, name)
        if name == keep or name == CURRENT:
            continue
        if name.startswith("gen-") or (name.startswith(".building-") and _older_than(path, 3600)):
            shutil.rmtree(path, ignore_errors=True)


def _older_than(path: str, seconds: float) -> bool:
    try:
        return time.time() - os.path.getmtime(path) > seconds
    except OSError:
        return False
