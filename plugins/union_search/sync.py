"""Bring the editors' Whoosh index in line with the export, in a process of its own.

    python -m union_search.sync --index var/search-index

A build starts this in the background once the site is written (plugin.py),
so the site never waits for Whoosh's writer.  It holds the index's writer lock
while it works; a query started meanwhile waits for it (index.ensure_current)
rather than answer from the previous index.  What it did, its CPU time and
its peak memory go to sync-status.json in the index directory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import asdict

STATUS_FILE = "sync-status.json"
LOG_FILE = "sync.log"


def start_background(index_dir: str) -> subprocess.Popen:
    """Start a detached sync (its own session: it outlives the build, which does not wait for it).

    Its status says "running" before this returns, so whoever waits for the index
    (the benchmark) never reads the previous sync's status instead."""
    os.makedirs(index_dir, exist_ok=True)
    _write_status(index_dir, {"state": "running", "started": time.time()})
    plugins = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (plugins, env.get("PYTHONPATH", "")) if p)
    with open(os.path.join(index_dir, LOG_FILE), "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "union_search.sync", "--index", index_dir],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
                                start_new_session=True, close_fds=True)


def read_status(index_dir: str) -> dict:
    try:
        with open(os.path.join(index_dir, STATUS_FILE), encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


def _write_status(index_dir: str, status: dict) -> None:
    path = os.path.join(index_dir, STATUS_FILE)
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(status, handle)
    os.replace(path + ".tmp", path)


def main(argv=None) -> int:
    from .index import IndexMissing, sync_index

    parser = argparse.ArgumentParser(prog="python -m union_search.sync", description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, help="the index directory (SEARCH_INDEX_PATH)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    status = {"pid": os.getpid(), "state": "running"}
    _write_status(args.index, status)
    try:
        report = sync_index(args.index)
        status.update(state="done", report=asdict(report) if report else None)
        code = 0
    except IndexMissing as exc:
        status.update(state="failed", error=str(exc))
        code = 1
    except Exception as exc:  # noqa: BLE001 - recorded; the next query catches up
        status.update(state="failed", error=f"{type(exc).__name__}: {exc}")
        print(f"union_search.sync: {status['error']}", file=sys.stderr)
        code = 1
    usage = resource.getrusage(resource.RUSAGE_SELF)
    status.update(seconds=round(time.monotonic() - started, 3), cpu_seconds=round(usage.ru_utime + usage.ru_stime, 3),
                  peak_rss_bytes=usage.ru_maxrss * 1024)
    _write_status(args.index, status)
    return code


if __name__ == "__main__":
    sys.exit(main())
