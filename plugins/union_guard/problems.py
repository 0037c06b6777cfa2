"""Problems found in one source file, as records an editor can act on.

Every problem names the file, the field and line when known, what is wrong and what to do
(union_core.report.Problem); in the log it reads::

    content/articles/x.md: field Date (line 2): "2022-13-45" is not a date — write YYYY-MM-DD

Problems travel inside the reader's metadata (a list of records) so that Pelican's reader
cache keeps them: a cached file is reported on every build, not only the first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from union_core.report import ERROR, WARNING, Problem, display_path

PROBLEMS_KEY = "union_guard_problems"
# {lowercase metadata key: line number}, kept in the metadata for checks made after reading.
LINES_KEY = "union_guard_lines"
__all__ = ["ERROR", "WARNING", "PROBLEMS_KEY", "LINES_KEY", "Place", "Problems", "display_path", "label", "where"]


def label(name: str) -> str:
    """A metadata key as editors write it: 'date' → 'Date', 'url' → 'URL'."""
    return {"url": "URL", "save_as": "Save_as"}.get(name, name.capitalize())


class Place(NamedTuple):
    """Where in the file: a metadata field and/or source lines (either may be missing)."""

    field: str | None = None
    lines: tuple = ()


def where(field_name: str | None = None, lines=()) -> Place:
    return Place(field_name, tuple(sorted({n for n in lines if n})))


@dataclass
class Problems:
    """Collects the problems of one file."""

    path: str
    items: list = field(default_factory=list)

    def add(self, level: str, place: Place | None, what: str, todo: str) -> None:
        place = place or Place()
        self.items.append(Problem(level, display_path(self.path), what, todo, place.field, place.lines,
                                  source="union_guard"))

    def error(self, place: Place | None, what: str, todo: str) -> None:
        self.add(ERROR, place, what, todo)

    def warning(self, place: Place | None, what: str, todo: str) -> None:
        self.add(WARNING, place, what, todo)

    @property
    def has_error(self) -> bool:
        return any(problem.level == ERROR for problem in self.items)

    def as_metadata(self) -> list:
        return list(self.items)
