"""A JSON file of key → value kept between builds, for one version of the code that wrote it.

The per-article caches (tags, reading statistics, slugs) and the record of which extra pages
are already written all need the same thing: read the file at the start of a build (unless
LOAD_CONTENT_CACHE is off), look values up, and save at the end only the entries this build
used (stale ones drop out), atomically, so that a killed build leaves the previous file.  A
file written by other code (another `version`, usually a package digest), unreadable or
half-written is ignored: the build just computes everything again.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


class JsonStore:
    """key → JSON value; `get`/`put` in memory, `load`/`save` to one file (None: memory only)."""

    def __init__(self, path=None, version: str = ""):
        self.path = Path(path) if path else None
        self.version = version
        self.stored: dict = {}
        self.used: dict = {}
        self.hits = 0

    def load(self, consume: bool = False) -> JsonStore:
        """Read the file.  `consume` deletes it once read: a build killed before `save` then leaves
        no file behind (for a record that must describe what is on disk, never what was)."""
        if not self.path or not self.path.exists():
            return self
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None   # unreadable or half-written by an old version: start afresh
        if isinstance(data, dict) and data.get("version") == self.version:
            self.stored = data.get("entries") or {}
        if consume:
            try:
                self.path.unlink()
            except OSError:
                pass
        return self

    def get(self, key: str):
        value = self.used.get(key)
        if value is None:
            value = self.stored.get(key)
        if value is not None:
            self.hits += 1
            self.used[key] = value
        return value

    def put(self, key: str, value) -> None:
        self.used[key] = value

    def save(self) -> None:
        if not self.path:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.stem}-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                # entry by entry with the C encoder (json.dump streams through the pure-Python one,
                # 4× slower; one dumps of everything holds the whole file in memory at once)
                handle.write('{"version": %s, "entries": {' % json.dumps(self.version))
                for number, (key, value) in enumerate(self.used.items()):
                    handle.write(("," if number else "") + json.dumps(key, ensure_ascii=False) + ":"
                                 + json.dumps(value, ensure_ascii=False))
                handle.write("}}")
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
