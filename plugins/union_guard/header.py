"""The metadata header of a Markdown article: the "Key: value" lines before the first blank line.

Editors typing with a Chinese input method often write ``Title：`` (full-width
colon) or even ``Ｔｉｔｌｅ：``; Python-Markdown's meta extension would read
such a line as body text and the article would lose its title.  The header
keys are normalised (NFKC, half-width colon) with a warning per line; values
are left as written (a full-width title is the editor's choice).
"""

from __future__ import annotations

import re
import unicodedata

# A header line as an editor may type it: key in half- or full-width letters, either colon.
_LOOSE_KEY = re.compile(r"^(?P<indent>[ \u3000]{0,3})(?P<key>[A-Za-z0-9_\-\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff3f\uff0d]+)"
                        r"(?P<space>[ \t\u3000]*)(?P<colon>[:\uff1a])(?P<value>.*)$")
# What Python-Markdown's meta extension accepts.
_STRICT_KEY = re.compile(r"^[ ]{0,3}[A-Za-z0-9_-]+:")
_CONTINUATION = re.compile(r"^[ ]{4,}")


def header_line_count(lines) -> int:
    """Number of leading lines that form the metadata header (Markdown's rules, loosely)."""
    count = 0
    for line in lines:
        if not line.strip():
            break
        if _LOOSE_KEY.match(line) or (count and _CONTINUATION.match(line)):
            count += 1
            continue
        break
    return count


def normalize_header(text: str):
    """(text with a Markdown-readable header, [(line number, original key, normalised key)])."""
    lines = text.split("\n")
    changed = []
    for index in range(header_line_count(lines)):
        line = lines[index]
        if _STRICT_KEY.match(line) or _CONTINUATION.match(line):
            continue
        match = _LOOSE_KEY.match(line)
        key = unicodedata.normalize("NFKC", match["key"])
        lines[index] = f"{key}:{match['value']}"
        changed.append((index + 1, match["key"] + match["space"] + match["colon"], key + ":"))
    return "\n".join(lines), changed


def field_lines(text: str) -> dict:
    """{lowercase key: line number} for the header of an already-normalised text."""
    lines = text.split("\n")
    found = {}
    for index in range(header_line_count(lines)):
        match = _LOOSE_KEY.match(lines[index])
        if match:
            found.setdefault(match["key"].lower(), index + 1)
    return found


def repeated_keys(lines) -> list:
    """[(key as first written, [line numbers])] for every header key written more than once.

    `lines`: the file's lines (or its text)."""
    if isinstance(lines, str):
        lines = lines.split("\n")
    found = {}
    for index in range(header_line_count(lines)):
        match = _LOOSE_KEY.match(lines[index])
        if match:
            key = unicodedata.normalize("NFKC", match["key"])
            found.setdefault(key.lower(), (key, []))[1].append(index + 1)
    return [(key, numbers) for key, numbers in found.values() if len(numbers) > 1]
