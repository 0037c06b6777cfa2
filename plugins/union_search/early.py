"""Analyse articles on the second core while Pelican is still reading them.

During reading (and tagging) Pelican keeps one core busy and the other
idle; the search build can only start once every article is read.  An
early analyser, forked when the first article is read, receives each
article's title, subtitle and HTML, turns them into the text the search
record will hold (the same code as records.record_text), and fills the
analysis cache, so the search build that follows finds every analysis
done.  It hands back the HTML → text results, which spares the main process
its BeautifulSoup pass in collect_records.

Everything here is an optimisation: if the analyser fails, lags, or sees
text that differs from the final record's, the search build analyses what
is missing as before.
"""

from __future__ import annotations

import logging
import multiprocessing
import os

log = logging.getLogger(__name__)


class EarlyAnalyser:
    """A forked worker fed one article at a time; finish() returns its HTML → text results."""

    def __init__(self, cache_dir: str, html_cache_path: str | None):
        context = multiprocessing.get_context("fork")
        # A Queue, not a Pipe: its feeder thread buffers without limit, so Pelican
        # never waits for the analyser (a full pipe would pace reading to it).
        self.articles = context.Queue()
        # If the build stops before finish() (an error, --fatal), nothing waits for the
        # worker: without this the interpreter's exit would block on the queue's pipe.
        self.articles.cancel_join_thread()
        self.connection, child_end = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(self.articles, child_end, cache_dir,
                                                            html_cache_path),
                                       name="union-search-early-analysis", daemon=True)
        self.process.start()
        child_end.close()

    def add(self, title: str, subtitle: str, html: str) -> None:
        try:
            self.articles.put((title, subtitle, html))
        except (OSError, ValueError):  # the worker is gone: the search build will analyse instead
            pass

    def finish(self) -> dict:
        """Wait for the worker to analyse everything sent; its HTML → text entries ({} on failure)."""
        texts: dict = {}
        try:
            self.articles.put(None)
            texts = self.connection.recv()
        except (OSError, EOFError, ValueError) as exc:
            log.debug("search: early analysis ended early (%s); the build analyses the rest", exc)
        finally:
            self.connection.close()
            self.articles.close()
            self.process.join()
        return texts if isinstance(texts, dict) else {}


def _serve(articles, connection, cache_dir: str, html_cache_path: str | None) -> None:
    from .analysis import AnalysisCache
    from .records import ArticleRecord, HtmlTextCache, record_text

    texts = HtmlTextCache(html_cache_path).load()
    cache = AnalysisCache(cache_dir)
    seen: set[str] = set()
    while True:
        item = articles.get()
        if item is None:
            break
        title, body = record_text(*item, to_text=texts.text)
        record = ArticleRecord(url="", title=title, body=body)
        text_hash = record.text_hash()
        if text_hash not in seen:
            seen.add(text_hash)
            cache.ensure(record)
    connection.send(texts.used)
    connection.close()


def usable(settings) -> bool:
    """Only where a forked worker can run beside Pelican (and the build is not told to stay in one process)."""
    return (bool(settings["SEARCH_BACKGROUND"]) and bool(settings["SEARCH_EARLY_ANALYSIS"])
            and "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1)
