"""Tag results cached per article by the hash of its inputs, kept on disk between builds.

The key is the hash of (title, body HTML, Regions:, Topics:); the whole cache is dropped when
anything that can change a result changes: any file of union_tags (code, gazetteer,
places.yaml, topics.yaml) or of union_text.  Writes are atomic (a killed build leaves the
previous file), and only the entries of the current build are kept (union_core.store).
"""

import hashlib
import json

from union_core.digest import package_digest
from union_core.store import JsonStore

CACHE_NAME = "union_tags.json"


def fingerprint() -> str:
    """Changes with any file of union_tags (code, gazetteer, places.yaml, topics.yaml) or union_text."""
    return package_digest("union_tags", "union_text")


def input_key(*parts) -> str:
    """Hash of the parts (strings as they are: an article's HTML is hashed, not JSON-encoded)."""
    digest = hashlib.sha1(usedforsecurity=False)
    for part in parts:
        text = part if isinstance(part, str) else json.dumps(part, ensure_ascii=False, default=str)
        data = text.encode("utf-8", "surrogatepass")
        digest.update(b"%d%s" % (len(data), b"s" if isinstance(part, str) else b"j") + data)
    return digest.hexdigest()


class TagCache(JsonStore):
    """key → [tags dict, errors, places]; versioned by the tagging code and data."""

    def __init__(self, path=None):
        super().__init__(path, fingerprint() if path else "")
