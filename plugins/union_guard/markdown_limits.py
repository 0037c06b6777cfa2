"""Markdown that would take Python-Markdown minutes: refused before parsing, or stopped by a time limit.

Python-Markdown's inline parser rescans the rest of a paragraph for every opener it cannot
close.  Measured on this project's settings (Markdown 3, extra + toc + meta): 5 KB of `[`
take over 10 s, 80 KB of `[a](` 85 s, 800 unclosed `[` in one paragraph half a second (the
cost grows with the square or cube of the openers in one paragraph); emphasis markers
(`*a*a…`) and backticks grow with the square, 80 KB of them about 3 s.  A paragraph in a
real story has a handful of each.

Two defences:

1. `check_shape` looks at the text before parsing, mostly with `str.count` (C speed; a file
   whose totals are small is not split at all).  It refuses more than MAX_UNCLOSED tag-like
   '<' that never close in the whole file (raw HTML is parsed across paragraphs), and, in one
   paragraph (the text between blank lines), more than MAX_UNCLOSED link openers that never
   close, brackets nested deeper than MAX_BRACKET_DEPTH, or more than MAX_MARKERS emphasis
   markers or backticks; and block quotes nested deeper than MAX_QUOTE_DEPTH.  Each
   paragraph's cost is then bounded, so the whole file's cost is linear in its size.
2. `cpu_time_limit` stops a conversion that still runs past a budget of CPU time (not wall
   time: a busy machine does not make a good file fail).  It catches what no rule foresaw.
"""

from __future__ import annotations

import re
import signal
import threading
from contextlib import contextmanager

from .problems import Problems, where

MAX_UNCLOSED = 100
MAX_BRACKET_DEPTH = 32
MAX_MARKERS = 2000
MAX_QUOTE_DEPTH = 50

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_TAG_START = re.compile(r"<[A-Za-z/!?]")
_BRACKET = re.compile(r"[\[\]]")
_DEEP_QUOTE = re.compile(r"^(?:[ ]{0,3}>){%d,}" % (MAX_QUOTE_DEPTH + 1), re.M)

FIX_BRACKETS = ("close the brackets, or write a literal bracket as \\[ (or use 【】); "
                "the file is skipped until then")


def _bracket_depth(block: str) -> int:
    depth = deepest = 0
    for match in _BRACKET.finditer(block):
        if match.group() == "[":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


def _block_problem(block: str) -> tuple[str, str] | None:
    """(what is wrong, what to do) for one paragraph, or None."""
    opens = block.count("[") - block.count("\\[")
    if opens - block.count("]") > MAX_UNCLOSED:
        return (f"{opens - block.count(']')} '[' in one paragraph are never closed "
                "(Markdown's link parser needs minutes for such text)", FIX_BRACKETS)
    destinations = block.count("](")
    if destinations - block.count(")") > MAX_UNCLOSED:
        return (f"{destinations - block.count(')')} links '](' in one paragraph are never closed with ')' "
                "(Markdown's link parser needs minutes for such text)", FIX_BRACKETS)
    if opens > MAX_BRACKET_DEPTH and _bracket_depth(block) > MAX_BRACKET_DEPTH:
        return (f"brackets nested more than {MAX_BRACKET_DEPTH} deep", FIX_BRACKETS)
    markers = block.count("*") + block.count("_")
    if markers > MAX_MARKERS:
        return (f"{markers} emphasis markers (* or _) in one paragraph",
                "use ** and _ only around the words to emphasise, or split the paragraph; "
                "the file is skipped until then")
    if block.count("`") > MAX_MARKERS:
        return (f"{block.count('`')} backticks in one paragraph",
                "put code in a fenced block (``` on its own line before and after); the file is skipped until then")
    return None


def unclosed_tags(text: str) -> tuple[int, int | None]:
    """(how many tag-like '<' have no '>' before the next '<', offset of the first).

    Python-Markdown's raw-HTML handling costs more than the square of their number over the
    whole file, paragraphs or not (4,750 of them in 14 KB: 3 s; in 56 KB: 48 s).  Each '<' is
    checked up to the next '<' only, so the scan is linear.
    """
    count, first = 0, None
    for match in _TAG_START.finditer(text):
        start = match.start()
        following = text.find("<", start + 1)
        if text.find(">", start + 1, len(text) if following < 0 else following) < 0:
            count += 1
            first = start if first is None else first
    return count, first


def check_shape(text: str, problems: Problems) -> bool:
    """False (with an error naming the line) when the text would make Markdown's parser
    super-linear; True otherwise."""
    if text.count("<") > MAX_UNCLOSED:
        count, first = unclosed_tags(text)
        if count > MAX_UNCLOSED:
            problems.error(where(lines=[text.count("\n", 0, first) + 1]),
                           f"{count} '<' start a tag that never closes (the first on this line)",
                           "delete the stray '<' or write it as &lt; (raw HTML is limited anyway: "
                           "docs/content-rules.md); the file is skipped until then")
            return False
    if text.count(">") > MAX_QUOTE_DEPTH:
        deep = _DEEP_QUOTE.search(text)
        if deep:
            problems.error(where(lines=[text.count("\n", 0, deep.start()) + 1]),
                           f"block quotes nested more than {MAX_QUOTE_DEPTH} levels deep ('>' at the start of the line)",
                           "remove the extra '>' marks; the file is skipped until then")
            return False
    if (text.count("[") <= MAX_UNCLOSED
            and text.count("*") + text.count("_") <= MAX_MARKERS and text.count("`") <= MAX_MARKERS):
        return True  # no paragraph can exceed a limit: the common case, decided in C
    start = line = 0
    for separator in [*_BLANK_LINE.finditer(text), None]:
        end = separator.start() if separator else len(text)
        block = text[start:end]
        found = _block_problem(block) if len(block) > MAX_UNCLOSED else None
        if found:
            problems.error(where(lines=[line + 1]), found[0] + " (the paragraph starting at this line)", found[1])
            return False
        if separator:
            line += text.count("\n", start, separator.end())
            start = separator.end()
    return True


class MarkdownTimeout(BaseException):
    """Raised inside Markdown when the CPU budget is spent (a BaseException: Markdown's own
    `except Exception` blocks must not swallow it)."""


@contextmanager
def cpu_time_limit(seconds: float):
    """Raise MarkdownTimeout in the block once it has used `seconds` of CPU time.

    Uses the process's virtual-time timer (SIGVTALRM), so only the main thread can set it;
    elsewhere, or with seconds <= 0, the block runs unlimited (the shape check still holds).
    """
    usable = (seconds and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def _expired(signum, frame):
        raise MarkdownTimeout(seconds)

    previous = signal.signal(signal.SIGVTALRM, _expired)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)
