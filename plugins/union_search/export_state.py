"""What the next build needs to update the export in place, kept beside the editors' index.

The export itself holds the postings (export_terms.update_terms reads the
chunks and segments an edit touches), so the state is small: per document
(in export id order) its URL, date, text hash, fragment and lengths; the
reference averages; the document frequency of every word and character and
which words each pinyin key lists (the p: entries and the char map depend on
them).  It lives outside output/ (never published) and is replaced
atomically after the export's manifest.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from dataclasses import dataclass, field

from union_core.digest import package_digest

STATE_FILE = "export-state.marshal"
STATE_VERSION = 3


def code_digest() -> str:
    """Changes whenever the code that writes the export may write something else (any file of
    union_search or union_text)."""
    return hashlib.sha1(f"{STATE_VERSION}\0{package_digest('union_search', 'union_text')}".encode()).hexdigest()


@dataclass
class DocState:
    url: str
    date: str
    text_hash: str
    fragment: str  # piece name of the document's fragment
    lens: tuple[int, int, int, int]  # reference lengths the postings' q were computed with
    actual: tuple[int, int, int, int]  # true lengths (title/body words, title/body characters)


@dataclass
class ExportState:
    code: str
    analyzer: str
    export_dir: str
    manifest: str  # SHA-1 of the manifest this state describes
    averages: tuple[float, float, float, float]
    docs: list[DocState]
    word_df: dict[str, int] = field(default_factory=dict)
    char_df: dict[str, int] = field(default_factory=dict)
    pinyin: dict[str, list[str]] = field(default_factory=dict)  # pinyin key → every word spelled so
    segment_refs: dict[str, int] = field(default_factory=dict)  # segment piece → entries naming it

    def to_builtins(self) -> dict:
        return {
            "version": STATE_VERSION, "code": self.code, "analyzer": self.analyzer,
            "export_dir": self.export_dir, "manifest": self.manifest, "averages": list(self.averages),
            "docs": [(d.url, d.date, d.text_hash, d.fragment, tuple(d.lens), tuple(d.actual)) for d in self.docs],
            "word_df": self.word_df, "char_df": self.char_df, "pinyin": self.pinyin,
            "segment_refs": self.segment_refs,
        }

    @classmethod
    def from_builtins(cls, data: dict) -> "ExportState":
        return cls(data["code"], data["analyzer"], data["export_dir"], data["manifest"],
                   tuple(data["averages"]), [DocState(*d) for d in data["docs"]],
                   data["word_df"], data["char_df"], data["pinyin"], data["segment_refs"])


def load(path: str) -> ExportState | None:
    """The saved state, or None (missing, damaged or from other code)."""
    try:
        with open(path, "rb") as handle:
            data = marshal.loads(handle.read())
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            return None
        return ExportState.from_builtins(data)
    except (OSError, EOFError, ValueError, TypeError, KeyError):
        return None


def save(path: str, state: ExportState) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            marshal.dump(state.to_builtins(), out)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def forget(path: str) -> None:
    """Drop the state (the next export is a full one)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
