"""One search build: analyse (cached), update the Whoosh index, export the static pieces."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass

from .analysis import AnalysisCache
from .export import ExportReport, export_index
from .index import IndexUpdate, update_index
from .records import ArticleRecord


@dataclass
class BuildReport:
    index: IndexUpdate
    export: ExportReport | None
    analysed: int
    analysis_cache_hits: int
    seconds: float

    def summary(self) -> str:
        i = self.index
        text = (
            f"search index: {i.added} added, {i.updated} updated, {i.removed} removed, "
            f"{i.unchanged} unchanged ({self.analysed} analysed, {self.analysis_cache_hits} from cache)"
        )
        if self.export:
            e = self.export
            text += (
                f"; export: {e.documents} documents, {e.terms} terms, {e.files_written} files written, "
                f"{e.files_kept} kept, {e.bytes_total / 1e6:.1f} MB"
            )
        return text + f" in {self.seconds:.1f} s"


def build_search(records: list[ArticleRecord], index_dir: str, cache_dir: str,
                 export_dir: str | None) -> BuildReport:
    started = time.monotonic()
    cache = AnalysisCache(cache_dir)
    index_report = update_index(index_dir, records, cache.get)
    export_report = None
    if export_dir and not _export_is_current(index_dir, export_dir):
        export_report = export_index(index_dir, export_dir, records, cache.get)
    return BuildReport(index_report, export_report, cache.misses, cache.hits, time.monotonic() - started)


def _export_is_current(index_dir: str, export_dir: str) -> bool:
    """The staged export was made from the index generation now current."""
    from .export import MANIFEST, referenced_names
    from .index import current_path

    try:
        with open(os.path.join(export_dir, MANIFEST), encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return False
    generation = os.path.basename(os.path.realpath(current_path(index_dir)))
    if manifest.get("index_generation") != generation:
        return False
    return all(os.path.exists(os.path.join(export_dir, n)) for n in referenced_names(export_dir))
