"""Pelican glue: collect articles, build the search index on a second core, publish the export.

All logic lives in plain modules (build, index, export); these handlers only
read settings and articles and hand them over.  Handlers are safe to run
twice (pelican -r).
"""

from __future__ import annotations

import logging
import multiprocessing
import os

from union_core.report import ERROR, WARNING, Problem, display_path, report
from union_core.settings import apply_defaults

from . import early
from .build import build_search, export_path
from .export import publish
from .records import HtmlTextCache, html_to_text, record_from_article
from .settings import DEFAULTS, resolve_paths

log = logging.getLogger(__name__)


class SearchState:
    """What union_search keeps during one build (one Pelican run at a time per process)."""

    def __init__(self):
        self.early: early.EarlyAnalyser | None = None  # fed while Pelican reads
        self.pending = None  # (pool or None, AsyncResult or BuildReport) between the two signals


_state = SearchState()


def set_defaults(pelican) -> None:
    global _state
    resolve_paths(apply_defaults(pelican.settings, DEFAULTS))
    _state = SearchState()


HTML_TEXT_CACHE = "html-text.marshal"


def html_cache_path(settings) -> str:
    return os.path.join(settings["SEARCH_CACHE_PATH"], HTML_TEXT_CACHE)


def analyse_early(content) -> None:
    """content_object_init: hand each article just read to the early analyser (early.py)."""
    from pelican.contents import Article

    if not isinstance(content, Article) or not early.usable(content.settings):
        return
    settings = content.settings
    analyser = _state.early
    if analyser is None:
        try:
            analyser = _state.early = early.EarlyAnalyser(settings["SEARCH_CACHE_PATH"],
                                                          html_cache_path(settings))
        except OSError as exc:  # no process to spare: the search build analyses everything
            log.debug("search: no early analysis: %s", exc)
            return
    analyser.add(getattr(content, "title", ""), getattr(content, "subtitle", ""),
                 getattr(content, "_content", "") or "")


def collect_records(generators, to_text=html_to_text) -> list:
    records = []
    for generator in generators:
        for article in getattr(generator, "articles", None) or []:
            try:
                records.append(record_from_article(article, to_text))
            except Exception as exc:  # noqa: BLE001 - one bad article must not stop the build
                report(Problem(ERROR, display_path(getattr(article, "source_path", "?")),
                               f"not searchable: {exc}", "fix the article's metadata",
                               source="union_search"), log)
    return records


def start_build(generators) -> None:
    if not generators:
        return
    settings = generators[0].settings
    stale, _state.pending = _state.pending, None
    if stale and stale[0]:  # a previous build (pelican -r) failed before `finalized`
        stale[0].terminate()
        stale[0].join()
    texts = HtmlTextCache(html_cache_path(settings)).load()
    analyser, _state.early = _state.early, None
    if analyser is not None:
        texts.stored.update(analyser.finish())
    records = collect_records(generators, texts.text)
    try:
        texts.save()
    except OSError as exc:
        report(Problem(WARNING, None, f"search: could not save {texts.path}: {exc}",
                       "check the disk space and permissions of SEARCH_CACHE_PATH", source="union_search"), log)
    args = (records, settings["SEARCH_INDEX_PATH"], settings["SEARCH_CACHE_PATH"])
    if settings["SEARCH_BACKGROUND"] and "fork" in multiprocessing.get_all_start_methods():
        pool = multiprocessing.get_context("fork").Pool(1)
        _state.pending = (pool, pool.apply_async(build_search, args))
    else:
        try:
            _state.pending = (None, build_search(*args))
        except Exception as exc:  # noqa: BLE001 - reported as a build error, the site still builds
            _index_not_updated(exc)


def finish_build(pelican) -> None:
    entry, _state.pending = _state.pending, None
    if entry is None:
        return
    pool, result = entry
    try:
        report = result.get() if pool else result
    except Exception as exc:  # noqa: BLE001 - reported as a build error
        _index_not_updated(exc)
        return
    finally:
        if pool:
            pool.close()
            pool.join()
    destination = os.path.join(pelican.settings["OUTPUT_PATH"], pelican.settings["SEARCH_EXPORT_DIR"])
    os.makedirs(destination, exist_ok=True)
    copied = publish(export_path(pelican.settings["SEARCH_INDEX_PATH"]), destination)
    log.info("%s; %d files published to %s", report.summary(), copied, destination)


def _index_not_updated(exc: Exception) -> None:
    report(Problem(ERROR, None, f"search index not updated: {type(exc).__name__}: {exc}",
                   "the site is built; run the build again, and if this repeats delete SEARCH_INDEX_PATH",
                   source="union_search"), log)
