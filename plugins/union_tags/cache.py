"""Tag results cached per article by the hash of its inputs, kept on disk between builds.

The key is the hash of (title, body text, Regions:, Topics:); the whole cache
is dropped when anything that can change a result changes: any file of
union_tags (code, gazetteer, places.yaml, topics.yaml) or of union_text.  Writes are
atomic (a killed build leaves the previous file), and only the entries of
the current build are kept.
"""

import hashlib
import json
import os
import tempfile
from pathlib import Path

from union_core.digest import package_digest

CACHE_NAME = "union_tags.json"


def fingerprint() -> str:
    """Changes with any file of union_tags (code, gazetteer, places.yaml, topics.yaml) or union_text."""
    return package_digest("union_tags", "union_text")


def input_key(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=str).encode()).hexdigest()


class TagCache:
    """key → JSON value; `get`/`put` in memory, `load`/`save` to a file."""

    def __init__(self, path=None):
        self.path = Path(path) if path else None
        self._version = None
        self.stored = {}
        self.used = {}
        self.hits = 0

    @property
    def version(self) -> str:
        if self._version is None:
            self._version = fingerprint()
        return self._version

    def load(self):
        if not self.path or not self.path.exists():
            return self
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return self   # unreadable or half-written by an old version: start afresh
        if isinstance(data, dict) and data.get("version") == self.version:
            self.stored = data.get("entries") or {}
        return self

    def get(self, key):
        value = self.used.get(key, self.stored.get(key))
        if value is not None:
            self.hits += 1
            self.used[key] = value
        return value

    def put(self, key, value):
        self.used[key] = value

    def save(self):
        if not self.path:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".union_tags-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                # dumps, not dump: json.dump streams through the pure-Python encoder (4× slower)
                handle.write(json.dumps({"version": self.version, "entries": self.used}, ensure_ascii=False))
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
