"""Pelican glue: analyse articles while Pelican reads, export while it writes, index after it is done.

- content_object_init: each article's title and body text go to the early
  analyser (early.py), which fills the analysis cache on the second core;
- all_generators_finalized: the records are collected and the static export
  is written into OUTPUT_PATH/SEARCH_EXPORT_DIR by a forked process while
  Pelican writes the HTML;
- finalized: the build waits for the export (the site needs it), then starts
  the editors' Whoosh index sync in the background (sync.py): the site never
  waits for Whoosh, and a query started before the sync is done waits for it
  (index.ensure_current).

All logic lives in plain modules (build, export, index); these handlers only
read settings and articles and hand them over.  Handlers are safe to run
twice (pelican -r).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict

from union_core.report import ERROR, Problem, display_path, report
from union_core.settings import apply_defaults

from . import early
from .build import BuildReport, export_search
from .export import ExportReport
from .index import sync_index
from .records import article_record_text, record_from_article
from .settings import DEFAULTS, resolve_paths
from .sync import start_background

log = logging.getLogger(__name__)


class SearchState:
    """What union_search keeps during one build (one Pelican run at a time per process)."""

    def __init__(self):
        self.early: early.EarlyAnalyser | None = None  # fed while Pelican reads
        self.pending = None  # (child pid, pipe) or (None, result) between the two signals


_state = SearchState()


def set_defaults(pelican) -> None:
    global _state
    resolve_paths(apply_defaults(pelican.settings, DEFAULTS))
    _state = SearchState()


def analyse_early(content) -> None:
    """content_object_init: hand each article just read to the early analyser (early.py)."""
    from pelican.contents import Article

    if not isinstance(content, Article) or not early.usable(content.settings):
        return
    settings = content.settings
    analyser = _state.early
    if analyser is None:
        try:
            analyser = _state.early = early.EarlyAnalyser(settings["SEARCH_CACHE_PATH"])
        except OSError as exc:  # no process to spare: the search build analyses everything
            log.debug("search: no early analysis: %s", exc)
            return
    analyser.add(*article_record_text(content))


def collect_records(generators) -> list:
    records = []
    for generator in generators:
        for article in getattr(generator, "articles", None) or []:
            try:
                records.append(record_from_article(article))
            except Exception as exc:  # noqa: BLE001 - one bad article must not stop the build
                report(Problem(ERROR, display_path(getattr(article, "source_path", "?")),
                               f"not searchable: {exc}", "fix the article's metadata",
                               source="union_search"), log)
    return records


def _export(records, settings) -> dict:
    import time

    started = time.monotonic()
    export_dir = os.path.join(settings["OUTPUT_PATH"], settings["SEARCH_EXPORT_DIR"])
    report, cache = export_search(records, settings["SEARCH_INDEX_PATH"], settings["SEARCH_CACHE_PATH"],
                                  export_dir)
    return {"export": asdict(report), "analysed": cache.misses, "hits": cache.hits,
            "seconds": time.monotonic() - started}


def _forked(function, *args) -> tuple[int, int]:
    """Run function(*args) in a forked child; its JSON result comes back through the pipe."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: no cleanup of the parent's state on the way out
        status = 1
        try:
            os.close(read_end)
            try:
                result = {"ok": function(*args)}
                status = 0
            except BaseException as exc:  # noqa: BLE001 - reported by the parent
                result = {"error": f"{type(exc).__name__}: {exc}"}
            with os.fdopen(write_end, "w", encoding="utf-8") as out:
                json.dump(result, out)
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _collect(pid: int, read_end: int) -> dict:
    with os.fdopen(read_end, encoding="utf-8") as handle:
        text = handle.read()
    os.waitpid(pid, 0)
    try:
        result = json.loads(text)
    except ValueError:
        result = {"error": "the export process stopped without a report"}
    if "error" in result:
        raise RuntimeError(result["error"])
    return result["ok"]


def start_build(generators) -> None:
    if not generators:
        return
    settings = generators[0].settings
    stale, _state.pending = _state.pending, None
    if stale and stale[0]:  # a previous build (pelican -r) failed before `finalized`
        try:
            _collect(*stale)
        except RuntimeError:
            pass
    analyser, _state.early = _state.early, None
    if analyser is not None:
        analyser.finish()
    records = collect_records(generators)
    if settings["SEARCH_BACKGROUND"] and hasattr(os, "fork"):
        _state.pending = _forked(_export, records, settings)
        return
    try:
        _state.pending = (None, _export(records, settings))
    except Exception as exc:  # noqa: BLE001 - reported as a build error, the site still builds
        _not_updated("search export", exc)


def finish_build(pelican) -> None:
    settings = pelican.settings
    entry, _state.pending = _state.pending, None
    if entry is None:
        return
    pid, result = entry
    try:
        result = _collect(pid, result) if pid else result
    except RuntimeError as exc:
        _not_updated("search export", exc)
        return
    export = ExportReport(**result["export"])
    index_dir = settings["SEARCH_INDEX_PATH"]
    index = None
    if settings["SEARCH_BACKGROUND"]:
        start_background(index_dir)
    else:
        try:
            index = sync_index(index_dir)
        except Exception as exc:  # noqa: BLE001 - the next query catches up
            _not_updated("editors' search index", exc)
    summary = BuildReport(export if export.changed else None, index, result["analysed"], result["hits"],
                          result["seconds"]).summary()
    log.info("%s%s", summary, "; editors' index updating in the background" if settings["SEARCH_BACKGROUND"] else "")


def _not_updated(what: str, exc: Exception) -> None:
    report(Problem(ERROR, None, f"{what} not updated: {type(exc).__name__}: {exc}",
                   "the site is built; run the build again, and if this repeats delete SEARCH_INDEX_PATH",
                   source="union_search"), log)
