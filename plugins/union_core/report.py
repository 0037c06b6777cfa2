"""Problems found during a build, as structured records, and the build report that collects them.

A problem names the file, the field and line when known, what is wrong and what to do::

    content/articles/x.md: field Date (line 2): '2022-13-45' is not a date — write YYYY-MM-DD

Plugins call `report(problem)`: the problem goes into the current build's report and through
Pelican's logger (so `make publish`, which makes warnings fatal, stops on it).  Anything else
logged at WARNING or above during the build (Pelican's own messages) is collected too, as a
problem without a field.  At the end of the build the report is written as JSON (tests and
tools read it; never parse the console, whose lines Rich wraps and cuts) and printed as a
table wrapped to the terminal's width.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import textwrap
from dataclasses import asdict, dataclass, field

ERROR = "error"      # the file is skipped; `make publish` fails
WARNING = "warning"  # the file is built (repaired); `make publish` fails
LEVELS = {ERROR: logging.ERROR, WARNING: logging.WARNING}
_PROBLEM_ATTR = "union_problem"


def display_path(path) -> str:
    """The path as the editor knows it: relative to the working directory when inside it."""
    path = os.fspath(path)
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if relative.startswith("..") else relative


@dataclass(frozen=True)
class Problem:
    level: str                 # ERROR or WARNING
    path: str | None           # the source file as the editor knows it; None: the build as a whole
    message: str               # what is wrong
    todo: str = ""             # what to do about it
    field: str | None = None   # the metadata field, as editors write it ("Date")
    lines: tuple = ()          # source lines, 1-based
    source: str = ""           # the plugin (or logger) that found it

    @property
    def line(self) -> int | None:
        return self.lines[0] if self.lines else None

    @property
    def place(self) -> str:
        """'field Date (line 2)', 'lines 3, 7', or ''."""
        lines = sorted(set(self.lines))
        shown = ", ".join(str(n) for n in lines[:10]) + (", …" if len(lines) > 10 else "")
        line_part = f"line{'s' if len(lines) > 1 else ''} {shown}" if lines else ""
        if self.field:
            return f"field {self.field}" + (f" ({line_part})" if line_part else "")
        return line_part

    def text(self) -> str:
        """The one-line form used in the log."""
        head = ": ".join(part for part in (self.path, self.place) if part)
        body = self.message + (f" — {self.todo}" if self.todo else "")
        return f"{head}: {body}" if head else body

    def as_dict(self) -> dict:
        data = asdict(self)
        data["lines"] = list(self.lines)
        data["line"] = self.line
        data["text"] = self.text()
        return data


@dataclass
class BuildReport:
    """The problems of one build, in the order they were found."""

    problems: list = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    @property
    def errors(self) -> list:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self) -> list:
        return [p for p in self.problems if p.level == WARNING]

    def as_dict(self) -> dict:
        return {"errors": len(self.errors), "warnings": len(self.warnings),
                "problems": [p.as_dict() for p in self.problems]}

    def write(self, path: str) -> None:
        """Atomically: a reader never sees half a report."""
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(self.as_dict(), out, ensure_ascii=False, indent=1)
            os.replace(temp, path)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise

    def table(self, width: int | None = None) -> str:
        """Every problem, grouped by file, wrapped to `width` (the terminal's by default)."""
        width = max(40, width or shutil.get_terminal_size((100, 24)).columns)
        if not self.problems:
            return "Build report: no problems."
        lines = [f"Build report: {len(self.errors)} error(s), {len(self.warnings)} warning(s)"]
        by_file: dict = {}
        for problem in self.problems:
            by_file.setdefault(problem.path or "(the build)", []).append(problem)
        for path, problems in by_file.items():
            lines.append("")
            lines.extend(textwrap.wrap(path, width, break_on_hyphens=False))
            for problem in problems:
                head = ("ERROR" if problem.level == ERROR else "warning") + \
                    (f" {problem.place}" if problem.place else "")
                body = problem.message + (f" — {problem.todo}" if problem.todo else "")
                lines.extend(textwrap.wrap(f"{head}: {body}", width, initial_indent="  ",
                                           subsequent_indent="    ", break_on_hyphens=False))
        return "\n".join(lines)


class _Collector(logging.Handler):
    """Collects what others log at WARNING or above (Pelican's own messages) into the report."""

    def __init__(self, build_report: BuildReport):
        super().__init__(logging.WARNING)
        self.build_report = build_report

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, _PROBLEM_ATTR, None) is not None:
            return  # reported through report(): already in the report
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record must not break logging
            message = str(record.msg)
        level = ERROR if record.levelno >= logging.ERROR else WARNING
        self.build_report.add(Problem(level, None, message.strip(), source=record.name))


_current: BuildReport | None = None
_collector: _Collector | None = None
_log = logging.getLogger(__name__)


def start() -> BuildReport:
    """Begin collecting for a build (also what others log at WARNING and above)."""
    global _current, _collector
    stop()
    _current = BuildReport()
    _collector = _Collector(_current)
    logging.getLogger().addHandler(_collector)
    return _current


def stop() -> BuildReport | None:
    """Stop collecting; the finished report (None if none was started)."""
    global _current, _collector
    if _collector is not None:
        logging.getLogger().removeHandler(_collector)
    finished, _current, _collector = _current, None, None
    return finished


def current() -> BuildReport | None:
    return _current


def report(problem: Problem, logger: logging.Logger | None = None) -> None:
    """Record a problem in the current build's report and log it (publish makes warnings fatal)."""
    if _current is not None:
        _current.add(problem)
    (logger or _log).log(LEVELS.get(problem.level, logging.WARNING), "%s", problem.text(),
                         extra={_PROBLEM_ATTR: problem})
