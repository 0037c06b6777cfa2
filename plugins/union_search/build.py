"""One search build: analyse (cached), update the Whoosh index, export the static pieces."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass

from .analysis import AnalysisCache, prefill
from .export import ExportReport, export_index, export_is_current
from .index import EXPORT_DIR, IndexUpdate, current_path, update_index
from .records import ArticleRecord

EXPORT_REPORT = "export-report.json"


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


def build_search(records: list[ArticleRecord], index_dir: str, cache_dir: str) -> BuildReport:
    """Update the index (and its export, in the same atomic generation) from `records`."""
    started = time.monotonic()
    cache = AnalysisCache(cache_dir)
    prefill(cache, records)
    exported: list[ExportReport] = []

    def write_export(generation_dir: str) -> None:
        root = os.path.join(generation_dir, EXPORT_DIR)
        report = export_index(generation_dir, root, records, cache.get, cache.by_hash)
        exported.append(report)
        with open(os.path.join(generation_dir, EXPORT_REPORT), "w", encoding="utf-8") as handle:
            json.dump(asdict(report), handle)  # read back when a forked child wrote the export

    index_report = update_index(index_dir, records, cache.get, finish=write_export, parallel_finish=True,
                                refresh=not export_is_current(export_path(index_dir)))
    if not exported and index_report.exported:
        with open(os.path.join(current_path(index_dir), EXPORT_REPORT), encoding="utf-8") as handle:
            exported.append(ExportReport(**json.load(handle)))
    return BuildReport(index_report, exported[0] if exported else None, cache.misses, cache.hits,
                       time.monotonic() - started)


def export_path(index_dir: str) -> str:
    """The export of the current generation (what gets published to output/search)."""
    return os.path.join(current_path(index_dir), EXPORT_DIR)
