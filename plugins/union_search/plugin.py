"""Pelican glue: collect articles, build the search index on a second core, publish the export.

All logic lives in plain modules (build, index, export); these handlers only
read settings and articles and hand them over.  Handlers are safe to run
twice (pelican -r).
"""

from __future__ import annotations

import logging
import multiprocessing
import os

from . import early
from .build import build_search, export_path
from .export import publish
from .records import HtmlTextCache, html_to_text, record_from_article

log = logging.getLogger(__name__)

_pending: dict[int, object] = {}  # id(settings dict) → AsyncResult or BuildReport
_early: dict[int, early.EarlyAnalyser] = {}  # id(settings dict) → analyser fed while reading


def set_defaults(pelican) -> None:
    settings = pelican.settings
    project = os.path.dirname(os.path.abspath(settings.get("PATH", ".")))
    settings.setdefault("SEARCH_INDEX_PATH", os.path.join(project, "var", "search-index"))
    settings.setdefault("SEARCH_CACHE_PATH", os.path.join(project, "var", "search-cache"))
    settings.setdefault("SEARCH_EXPORT_DIR", "search")  # inside OUTPUT_PATH
    settings.setdefault("SEARCH_BACKGROUND", True)
    settings.setdefault("SEARCH_EARLY_ANALYSIS", True)  # analyse on the second core while reading


HTML_TEXT_CACHE = "html-text.marshal"


def html_cache_path(settings) -> str:
    return os.path.join(settings["SEARCH_CACHE_PATH"], HTML_TEXT_CACHE)


def analyse_early(content) -> None:
    """content_object_init: hand each article just read to the early analyser (early.py)."""
    from pelican.contents import Article

    if not isinstance(content, Article) or not early.usable(content.settings):
        return
    settings = content.settings
    analyser = _early.get(id(settings))
    if analyser is None:
        try:
            analyser = _early[id(settings)] = early.EarlyAnalyser(settings["SEARCH_CACHE_PATH"],
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
                log.error("search: skipped %s: %s (fix the article's metadata)",
                          getattr(article, "source_path", "?"), exc)
    return records


def start_build(generators) -> None:
    if not generators:
        return
    settings = generators[0].settings
    stale = _pending.pop(id(settings), None)
    if stale and stale[0]:  # a previous build (pelican -r) failed before `finalized`
        stale[0].terminate()
        stale[0].join()
    texts = HtmlTextCache(html_cache_path(settings)).load()
    analyser = _early.pop(id(settings), None)
    if analyser is not None:
        texts.stored.update(analyser.finish())
    records = collect_records(generators, texts.text)
    try:
        texts.save()
    except OSError as exc:
        log.warning("search: could not save %s: %s", texts.path, exc)
    args = (records, settings["SEARCH_INDEX_PATH"], settings["SEARCH_CACHE_PATH"])
    if settings.get("SEARCH_BACKGROUND") and "fork" in multiprocessing.get_all_start_methods():
        pool = multiprocessing.get_context("fork").Pool(1)
        _pending[id(settings)] = (pool, pool.apply_async(build_search, args))
    else:
        try:
            _pending[id(settings)] = (None, build_search(*args))
        except Exception as exc:  # noqa: BLE001 - reported as a build error, the site still builds
            log.error("search: index not updated: %s", exc)


def finish_build(pelican) -> None:
    entry = _pending.pop(id(pelican.settings), None)
    if entry is None:
        return
    pool, result = entry
    try:
        report = result.get() if pool else result
    except Exception as exc:  # noqa: BLE001 - reported as a build error
        log.error("search: index not updated: %s", exc)
        return
    finally:
        if pool:
            pool.close()
            pool.join()
    destination = os.path.join(pelican.settings["OUTPUT_PATH"], pelican.settings["SEARCH_EXPORT_DIR"])
    os.makedirs(destination, exist_ok=True)
    copied = publish(export_path(pelican.settings["SEARCH_INDEX_PATH"]), destination)
    log.info("%s; %d files published to %s", report.summary(), copied, destination)
