"""Timed Pelican builds of the benchmark corpus: vanilla (our theme, no plugins) and the full site.

Each variant owns one work folder holding its output, reader cache and search index, so a cold
build starts from nothing and a rebuild finds exactly what the previous build left.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .measure import RunResult, run_measured

PROJECT_DIR = Path(__file__).resolve().parent.parent
CONF = PROJECT_DIR / "pelicanconf.py"
EDIT_MARK = "（编者按：本文于基准测试中修订，第{n}次。）"


class BuildFailed(RuntimeError):
    """A Pelican build returned non-zero; the message carries the log tail."""


@dataclass
class Variant:
    """A way of building the site.  `plugins=None` keeps pelicanconf.py's PLUGINS."""

    name: str
    plugins: list[str] | None
    work: Path
    extra_settings: dict = field(default_factory=dict)

    @property
    def output(self) -> Path:
        return self.work / "output"

    @property
    def search_index(self) -> Path:
        return self.work / "search-index"

    def settings(self, load_cache: bool) -> dict:
        values = {
            "CACHE_PATH": str(self.work / "cache"),
            "CACHE_CONTENT": True,
            "LOAD_CONTENT_CACHE": load_cache,
            "CHECK_MODIFIED_METHOD": "md5",
            # union_search keeps its Whoosh index, export state and analysis cache outside output/
            "SEARCH_INDEX_PATH": str(self.search_index),
            "SEARCH_CACHE_PATH": str(self.work / "search-cache"),
        }
        if self.plugins is not None:
            values["PLUGINS"] = self.plugins
        values.update(self.extra_settings)
        return values

    def command(self, content: Path, load_cache: bool) -> list[str]:
        cmd = [sys.executable, "-m", "pelican", str(content), "-o", str(self.output),
               "-s", str(CONF), "-e"]
        return cmd + [f"{key}={json.dumps(value)}" for key, value in self.settings(load_cache).items()]


LOG_LEVELS = re.compile(r"\b(ERROR|CRITICAL|WARNING)\b")


def log_problems(result: RunResult) -> dict:
    """Counts of error and warning records in a build log (Pelican prints one level word each)."""
    counts = {"errors": 0, "warnings": 0}
    for match in LOG_LEVELS.finditer(result.log_path.read_text(encoding="utf-8", errors="replace")):
        counts["warnings" if match.group(1) == "WARNING" else "errors"] += 1
    return counts


def _checked(result: RunResult, what: str) -> RunResult:
    if result.returncode != 0:
        raise BuildFailed(f"{what} failed (exit {result.returncode}); log {result.log_path}:\n"
                          f"{result.log_tail()}")
    return result


def cold_build(variant: Variant, content: Path, logs: Path, run: int) -> RunResult:
    """Build from nothing: output, reader cache and search index removed first."""
    if variant.work.exists():
        shutil.rmtree(variant.work)
    variant.work.mkdir(parents=True)
    label = f"{variant.name} cold build {run}"
    result = run_measured(variant.command(content, load_cache=False),
                          logs / f"{variant.name}-cold-{run}.log", cwd=PROJECT_DIR, label=label)
    return wait_for_index(variant, _checked(result, label))


def rebuild(variant: Variant, content: Path, logs: Path, run: int) -> RunResult:
    """Build again over the previous output with the reader cache (after an edit)."""
    label = f"{variant.name} rebuild {run}"
    result = run_measured(variant.command(content, load_cache=True),
                          logs / f"{variant.name}-rebuild-{run}.log", cwd=PROJECT_DIR, label=label)
    return wait_for_index(variant, _checked(result, label))


def wait_for_index(variant: Variant, result: RunResult, timeout: float = 3600) -> RunResult:
    """Wait for the editors' index the build updates in the background (union_search.sync), so
    that it never overlaps the next measured build; record what it cost (`index_sync`: its own
    time, CPU time and peak memory, and how long after the build it was ready)."""
    status_path = variant.search_index / "sync-status.json"
    if not status_path.exists():
        return result
    started = time.monotonic()
    while True:
        try:
            status = json.loads(status_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            status = {"state": "running"}
        if status.get("state") != "running" or time.monotonic() - started > timeout:
            break
        time.sleep(0.1)
    result.index_sync = {"state": status.get("state"), "seconds": status.get("seconds"),
                         "cpu_seconds": status.get("cpu_seconds"), "peak_rss_bytes": status.get("peak_rss_bytes"),
                         "ready_after_s": round(time.monotonic() - started, 3)}
    return result


def edit_article(path: Path, n: int) -> None:
    """An editor's typical change: one sentence appended to the body of one article."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n\n" + EDIT_MARK.format(n=n) + "\n", encoding="utf-8")
