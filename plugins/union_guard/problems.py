"""Problems found in one source file, as messages an editor can act on.

Every message has the same shape::

    content/articles/x.md: field Date (line 2): "2022-13-45" is not a date — write YYYY-MM-DD

Problems travel inside the reader's metadata (a list of plain tuples) so that
Pelican's reader cache keeps them: a cached file is reported on every build,
not only the first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

ERROR = "error"      # the file is skipped; `make publish` fails
WARNING = "warning"  # the file is built (repaired); `make publish` fails
PROBLEMS_KEY = "union_guard_problems"


def display_path(path) -> str:
    """The path as the editor knows it: relative to the working directory when inside it."""
    path = os.fspath(path)
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if relative.startswith("..") else relative


def label(name: str) -> str:
    """A metadata key as editors write it: 'date' → 'Date', 'url' → 'URL'."""
    return {"url": "URL", "save_as": "Save_as"}.get(name, name.capitalize())


def where(field_name: str | None = None, lines=()) -> str:
    """'field Date (line 2)', 'line 3', 'lines 3, 7', or '' when nothing is known."""
    lines = sorted(set(lines))
    shown = ", ".join(str(n) for n in lines[:10]) + (", …" if len(lines) > 10 else "")
    line_part = f"line{'s' if len(lines) > 1 else ''} {shown}" if lines else ""
    if field_name:
        return f"field {field_name}" + (f" ({line_part})" if line_part else "")
    return line_part


def message(path, place: str, what: str, todo: str) -> str:
    return f"{display_path(path)}: {place + ': ' if place else ''}{what} — {todo}"


@dataclass
class Problems:
    """Collects the problems of one file."""

    path: str
    items: list = field(default_factory=list)

    def add(self, level: str, place: str, what: str, todo: str) -> None:
        self.items.append((level, message(self.path, place, what, todo)))

    def error(self, place: str, what: str, todo: str) -> None:
        self.add(ERROR, place, what, todo)

    def warning(self, place: str, what: str, todo: str) -> None:
        self.add(WARNING, place, what, todo)

    @property
    def has_error(self) -> bool:
        return any(level == ERROR for level, _ in self.items)

    def as_metadata(self) -> list:
        return list(self.items)
