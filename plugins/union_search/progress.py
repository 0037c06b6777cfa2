"""Periodic counts for the long phases of a search build (analysis, indexing).

A 10,000-article cold build spends minutes in jieba and in Whoosh's writer
after Pelican has finished writing HTML; without counts it looks hung.  The
counts go straight to stderr, not through Pelican's logger: they are neither
warnings (which `make publish` treats as fatal) nor worth a log record.
Small builds (under `minimum` items) stay quiet.
"""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, total: int, interval: float = 5.0, minimum: int = 200,
                 stream=None, clock=time.monotonic):
        self.label, self.total, self.interval = label, total, interval
        self.enabled = total >= minimum
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.count = 0
        self.started = self.last = clock()

    def advance(self, step: int = 1) -> None:
        self.count = min(self.total, self.count + step)
        if self.enabled and self.clock() - self.last >= self.interval:
            self._report()

    def done(self) -> None:
        if self.enabled:
            self.count = self.total
            self._report()

    def _report(self) -> None:
        self.last = now = self.clock()
        percent = 100 * self.count // max(1, self.total)
        print(f"search: {self.label} {self.count:,}/{self.total:,} articles ({percent}%), "
              f"{now - self.started:.0f} s", file=self.stream, flush=True)
