"""The editors' Whoosh index, brought in line with the static export: off the build's critical path.

Whoosh's writer is pure Python (about 10 s per 1,000 new articles), so the
site never waits for it.  A build writes the static export (export.py) and
records where it is (site.json); the index then follows the export
(sync_index): after the build, in a background process, or before a query
when that process has not finished (the command line catches up first, so a
query never answers from a stale index).  Everything the index holds comes
from the export's documents (their fragments) and the cached analyses.

Layout of the index directory (SEARCH_INDEX_PATH):
    current -> gen-<id>/    symlink, swapped with os.replace (atomic)
    gen-<id>/               Whoosh files + stats.json (which export manifest it holds)
    site.json               where the export and the analysis cache are
    export-state.marshal    what the next build needs to update the export (export_state.py)
A sync copies the current generation aside, updates the copy (only
documents whose fragment changed), then swaps the symlink: a sync killed at
any point leaves `current` pointing at a complete index.

Whoosh holds the words (title_w, body_w: frequencies only), the stored
documents, facets and per-document columns.  The substring net (bigrams
with positions, single characters) lives only in the export's compact
pieces, which the command line reads too (whoosh_source.py).
"""

from __future__ import annotations

import hashlib
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

from . import locks
from .analysis import DocAnalysis
from .progress import Progress
from .records import ArticleRecord, facet_values

CURRENT = "current"
STATS_FILE = "stats.json"
INDEX_NAME = "MAIN"
MANIFEST = "manifest.json"  # the export's (export.MANIFEST)
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
    """What results display (the Whoosh stored field; the export's fragment holds the same)."""
    return {
        "url": record.url, "title": record.title, "date": record.date,
        "regions": list(record.regions), "topics": list(record.topics), "body": record.body,
    }


def document_fields(record: ArticleRecord, analysis: DocAnalysis, lens, fragment: str) -> dict:
    """Whoosh fields of one document; `lens` are the lengths its export postings were scored with,
    `fragment` the name of its export fragment (what identifies this version of it)."""
    t, b = analysis.title, analysis.body
    stored = stored_document(record)
    return dict(
        key=record.url,
        key_col=record.url.encode("utf-8"),
        hash_col=fragment.encode("utf-8"),
        lens_col=LENS.pack(*lens, analysis.title_len),
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


def existing_fragments(ix) -> dict[str, str]:
    """URL → export fragment name of every document in the index."""
    with ix.reader() as reader:
        keys = column(reader, "key_col")
        fragments = column(reader, "hash_col")
        return {keys[d].decode("utf-8"): fragments[d].decode("utf-8") for d in keys}


SITE_FILE = "site.json"
WRITER_LIMIT_MB = 256  # about 1.5 million postings (1,500 articles) before spilling


@dataclass
class IndexUpdate:
    added: int
    updated: int
    removed: int
    unchanged: int
    path: str
    seconds: float
    analysed: int = 0  # documents whose analysis was not cached


def record_site(index_dir: str, export_dir: str, cache_dir: str) -> None:
    """Where the export this index follows and the analysis cache are (written by each build)."""
    os.makedirs(index_dir, exist_ok=True)
    data = json.dumps({"export": os.path.abspath(export_dir), "cache": os.path.abspath(cache_dir)})
    handle, temp = tempfile.mkstemp(dir=index_dir, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(data)
    os.replace(temp, os.path.join(index_dir, SITE_FILE))


def read_site(index_dir: str) -> dict:
    try:
        with open(os.path.join(index_dir, SITE_FILE), encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError) as exc:
        raise IndexMissing(f"no search index at {index_dir}: build the site first (make html)") from exc


def manifest_id(export_dir: str) -> str | None:
    """SHA-1 of the export's manifest (what identifies one version of the whole export)."""
    try:
        with open(os.path.join(export_dir, MANIFEST), "rb") as handle:
            return hashlib.sha1(handle.read()).hexdigest()
    except OSError:
        return None


def is_current(index_dir: str) -> bool:
    """Whether the index holds exactly the export the last build wrote."""
    try:
        site = read_site(index_dir)
        return read_stats(index_dir).get("manifest") == manifest_id(site["export"]) is not None
    except (IndexMissing, OSError, ValueError, KeyError):
        return False


def ensure_current(index_dir: str) -> IndexUpdate | None:
    """Bring the index in line with the export before it answers (None: it already was).

    Waits for a sync already running (the one a build starts in the
    background) and syncs only if the index is still behind after it.
    """
    if is_current(index_dir):
        return None
    with locks.whoosh(index_dir):
        if is_current(index_dir):
            return None
        site = read_site(index_dir)
        return _sync(index_dir, site["export"], site["cache"])


def sync_index(index_dir: str, blocking: bool = True) -> IndexUpdate | None:
    """Bring the index in line with the export recorded in site.json (None: nothing to do, or another
    process is syncing and `blocking` is False)."""
    with locks.whoosh(index_dir, blocking) as mine:
        if not mine or is_current(index_dir):
            return None
        site = read_site(index_dir)
        return _sync(index_dir, site["export"], site["cache"])


def _sync(index_dir: str, export_dir: str, cache_dir: str) -> IndexUpdate:
    from .analysis import AnalysisCache
    from .export import read_fragment

    started = time.monotonic()
    cache = AnalysisCache(cache_dir)
    with locks.export_read(index_dir):
        try:
            with open(os.path.join(export_dir, MANIFEST), "rb") as handle:
                manifest_bytes = handle.read()
        except OSError as exc:
            raise IndexMissing(f"no search export at {export_dir}: build the site first (make html)") from exc
        manifest = json.loads(manifest_bytes)
        names = []
        for _, docmap in manifest["docmaps"]:
            with open(os.path.join(export_dir, docmap), encoding="utf-8") as handle:
                names.extend(json.load(handle)["fragments"])
        fingerprint = union_text.analyzer_fingerprint()
        old_dir, old = None, {}
        if os.path.isdir(current_path(index_dir)):
            try:
                if read_stats(index_dir).get("analyzer") == fingerprint:
                    old_dir = os.path.realpath(current_path(index_dir))
                    old = existing_fragments(open_current(index_dir))
            except (OSError, ValueError, whoosh_index.EmptyIndexError):
                old_dir, old = None, {}
        known = {fragment: url for url, fragment in old.items()}
        to_add = [name for name in names if name not in known]
        keep = {known[name] for name in names if name in known}
        to_remove = [url for url in old if url not in keep]
        report = IndexUpdate(added=0, updated=0, removed=0, unchanged=len(keep), path=index_dir, seconds=0.0)
        building = tempfile.mkdtemp(prefix=".building-", dir=index_dir)
        try:
            if old_dir:
                shutil.copytree(old_dir, building, dirs_exist_ok=True)
                ix = whoosh_index.open_dir(building, indexname=INDEX_NAME)
            else:
                ix = whoosh_index.create_in(building, make_schema(), indexname=INDEX_NAME)
            # In-memory posting pool: at the default 128 MB Whoosh spills sorted runs to
            # disk and merges them back (about a third of its time at 1,000 articles).
            writer = ix.writer(limitmb=WRITER_LIMIT_MB)
            try:
                for url in to_remove:
                    writer.delete_by_term("key", url)
                progress = Progress("indexed", len(to_add))
                added_urls = set()
                for name in to_add:
                    data = read_fragment(export_dir, name)
                    record = ArticleRecord(url=data["url"], title=data["title"], body=data["body"],
                                           date=data["date"], regions=tuple(data["regions"]),
                                           topics=tuple(data["topics"]))
                    misses = cache.misses
                    analysis = cache.get(record)
                    report.analysed += cache.misses - misses
                    writer.add_document(**document_fields(record, analysis, data["lens"], name))
                    added_urls.add(record.url)
                    progress.advance()
                writer.commit()
                progress.done()
            except BaseException:
                writer.cancel()
                raise
            report.updated = len(added_urls & set(old))
            report.added = len(added_urls) - report.updated
            report.removed = len([url for url in to_remove if url not in added_urls])
            stats = {"doc_count": len(names), "analyzer": fingerprint, "manifest": hashlib.sha1(manifest_bytes).hexdigest(),
                     "avg_title_words": manifest["avg"]["title_words"], "avg_body_words": manifest["avg"]["body_words"],
                     "avg_title_chars": manifest["avg"]["title_chars"], "avg_body_chars": manifest["avg"]["body_chars"]}
            with open(os.path.join(building, STATS_FILE), "w", encoding="utf-8") as handle:
                json.dump(stats, handle)
            generation = os.path.join(index_dir, f"gen-{time.time_ns():x}")
            os.rename(building, generation)
            _swap_current(index_dir, os.path.basename(generation))
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
    _remove_old_generations(index_dir, keep=os.path.basename(generation))
    report.seconds = time.monotonic() - started
    return report


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
