"""One search build: analyse (cached), write the static export, then bring the editors' index in line."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from .analysis import AnalysisCache, prefill
from .export import ExportReport, write_export
from .index import IndexUpdate, read_site, record_site, sync_index
from .records import ArticleRecord

DEFAULT_EXPORT = "export"  # inside the index directory when no site output is given (tests, tools)


@dataclass
class BuildReport:
    export: ExportReport | None  # None: the export was already current
    index: IndexUpdate | None  # None: not synced here (a background process does it) or already current
    analysed: int
    analysis_cache_hits: int
    seconds: float

    def summary(self) -> str:
        text = f"search export: {self.analysed} analysed, {self.analysis_cache_hits} from cache"
        e = self.export
        if e:
            how = "updated in place" if e.incremental else "written in full"
            text += (f"; {e.documents} documents, {e.terms} terms ({e.terms_rewritten} rewritten, {how}), "
                     f"{e.files_written} files written, {e.files_kept} kept, {e.files_removed} removed")
        else:
            text += "; unchanged"
        if self.index:
            i = self.index
            text += (f"; editors' index: {i.added} added, {i.updated} updated, {i.removed} removed, "
                     f"{i.unchanged} unchanged")
        return text + f" in {self.seconds:.1f} s"


def export_search(records: list[ArticleRecord], index_dir: str, cache_dir: str,
                  export_dir: str | None = None) -> tuple[ExportReport, AnalysisCache]:
    """The export only (what the site needs); the editors' index follows with sync_index()."""
    export_dir = export_dir or os.path.join(index_dir, DEFAULT_EXPORT)
    cache = AnalysisCache(cache_dir)
    prefill(cache, records)
    record_site(index_dir, export_dir, cache_dir)
    return write_export(export_dir, records, cache.get, index_dir, cache.by_hash), cache


def build_search(records: list[ArticleRecord], index_dir: str, cache_dir: str,
                 export_dir: str | None = None, sync: bool = True) -> BuildReport:
    """Write the export of `records` into `export_dir` and (with `sync`) update the Whoosh index."""
    started = time.monotonic()
    report, cache = export_search(records, index_dir, cache_dir, export_dir)
    index = sync_index(index_dir) if sync else None
    return BuildReport(report if report.changed else None, index, cache.misses, cache.hits,
                       time.monotonic() - started)


def export_path(index_dir: str) -> str:
    """The export the index at `index_dir` follows (what a build published)."""
    return read_site(index_dir)["export"]
