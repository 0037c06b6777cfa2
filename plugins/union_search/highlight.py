"""Exact highlighting: mark the query's own text (and matched words) in the original.

Matching happens on folded text, and fold() keeps every character's offset,
so the marks land on the original characters (工會 is marked for 工会).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import union_text

SNIPPET_CHARS = 140
SNIPPET_LEAD = 30


def find_marks(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Leftmost-longest, non-overlapping occurrences of `terms` (folded) in fold(text)."""
    ordered = sorted({t for t in terms if t}, key=lambda t: (-len(t), t))
    if not ordered:
        return []
    folded = union_text.fold(text)
    firsts = {t[0] for t in ordered}
    marks = []
    i = 0
    while i < len(folded):
        if folded[i] in firsts:
            for term in ordered:
                if folded.startswith(term, i):
                    marks.append((i, i + len(term)))
                    i += len(term)
                    break
            else:
                i += 1
        else:
            i += 1
    return marks


@dataclass
class Snippet:
    text: str
    marks: list[tuple[int, int]]  # offsets into `text`
    starts_inside: bool  # text was cut at the start
    ends_inside: bool

    def html(self) -> str:
        out, last = [], 0
        for start, end in self.marks:
            out.append(html.escape(self.text[last:start]))
            out.append("<mark>" + html.escape(self.text[start:end]) + "</mark>")
            last = end
        out.append(html.escape(self.text[last:]))
        return ("…" if self.starts_inside else "") + "".join(out) + ("…" if self.ends_inside else "")

    def terminal(self, on: str = "\033[1;31m", off: str = "\033[0m") -> str:
        out, last = [], 0
        for start, end in self.marks:
            out.append(self.text[last:start] + on + self.text[start:end] + off)
            last = end
        out.append(self.text[last:])
        return ("…" if self.starts_inside else "") + "".join(out) + ("…" if self.ends_inside else "")


def make_snippet(body: str, terms: list[str]) -> Snippet:
    """A window of the body around its first mark (the opening when nothing matches there)."""
    flat = body.replace("\n", " ")
    marks = find_marks(flat, terms)
    start = max(0, marks[0][0] - SNIPPET_LEAD) if marks else 0
    end = min(len(flat), start + SNIPPET_CHARS)
    for mark_start, mark_end in marks:  # never cut a mark in two
        if mark_start < end < mark_end:
            end = mark_end
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in marks if s < end and e > start]
    return Snippet(flat[start:end], inside, start > 0, end < len(flat))


PART_LEAD = 12  # characters shown before each piece of a partial match
PART_CHARS = 40  # characters of each window of a partial match's snippet


def make_part_snippet(body: str, pieces: list[list[str]]) -> Snippet:
    """A partial match's snippet: a short window around the first occurrence of each piece found
    (火 … 星), windows joined by …, so every matched piece shows highlighted.  Falls back to
    make_snippet when no piece occurs in the body (only in the title)."""
    terms = [term for piece in pieces for term in piece]
    flat = body.replace("\n", " ")
    folded = union_text.fold(flat)
    marks = find_marks(flat, terms)
    anchors: list[tuple[int, int]] = []
    for piece in pieces:
        first = next((m for m in marks if folded[m[0]:m[1]] in piece), None)
        if first is not None and first not in anchors:
            anchors.append(first)
    if not anchors:
        return make_snippet(body, terms)
    windows: list[list[int]] = []
    for mark_start, mark_end in sorted(anchors):
        start = max(0, mark_start - PART_LEAD)
        end = max(mark_end, min(len(flat), start + PART_CHARS))
        for s, e in marks:  # never cut a mark in two
            if s < end < e:
                end = e
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    text, inside = "", []
    for number, (start, end) in enumerate(windows):
        if number:
            text += "…"
        base = len(text)
        inside += [(max(s, start) - start + base, min(e, end) - start + base) for s, e in marks if s < end and e > start]
        text += flat[start:end]
    return Snippet(text, inside, windows[0][0] > 0, windows[-1][1] < len(flat))
