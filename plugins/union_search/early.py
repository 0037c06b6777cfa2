"""Analyse articles on the second core while Pelican is still reading them.

During reading (and tagging) Pelican keeps one core busy and the other
idle; the search build can only start once every article is read.  An
early analyser, forked when the first article is read, receives each
article's title and body text (records.article_record_text: the same text
the search record will hold) and fills the analysis cache, so the search
build that follows finds every analysis done.

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
    """A forked worker fed one article at a time; finish() waits until it has analysed them all."""

    def __init__(self, cache_dir: str):
        context = multiprocessing.get_context("fork")
        # A Queue, not a Pipe: its feeder thread buffers without limit, so Pelican
        # never waits for the analyser (a full pipe would pace reading to it).
        self.articles = context.Queue()
        # If the build stops before finish() (an error, --fatal), nothing waits for the
        # worker: without this the interpreter's exit would block on the queue's pipe.
        self.articles.cancel_join_thread()
        self.connection, child_end = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(self.articles, child_end, cache_dir),
                                       name="union-search-early-analysis", daemon=True)
        self.process.start()
        child_end.close()

    def add(self, title: str, body: str) -> None:
        try:
            self.articles.put((title, body))
        except (OSError, ValueError):  # the worker is gone: the search build will analyse instead
            pass

    def finish(self) -> bool:
        """Wait for the worker to analyse everything sent; False if it stopped early."""
        done = False
        try:
            self.articles.put(None)
            done = self.connection.recv() == "done"
        except (OSError, EOFError, ValueError) as exc:
            log.debug("search: early analysis ended early (%s); the build analyses the rest", exc)
        finally:
            self.connection.close()
            self.articles.close()
            self.process.join()
        return done


def _serve(articles, connection, cache_dir: str) -> None:
    from .analysis import AnalysisCache
    from .records import ArticleRecord

    cache = AnalysisCache(cache_dir)
    seen: set[str] = set()
    while True:
        item = articles.get()
        if item is None:
            break
        title, body = item
        record = ArticleRecord(url="", title=title, body=body)
        text_hash = record.text_hash()
        if text_hash not in seen:
            seen.add(text_hash)
            cache.ensure(record)
    connection.send("done")
    connection.close()


def usable(settings) -> bool:
    """Only where a forked worker can run beside Pelican (and the build is not told to stay in one process)."""
    return (bool(settings["SEARCH_BACKGROUND"]) and bool(settings["SEARCH_EARLY_ANALYSIS"])
            and "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1)
