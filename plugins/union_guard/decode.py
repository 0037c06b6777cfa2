"""Turn the bytes of a source file into text, repairing what editors' tools leave behind.

Pelican reads Markdown as UTF-8 and fails on anything else.  Editors save
files from Windows Notepad (UTF-16, BOM), from Word or WPS in the Chinese
ANSI code page (GBK), and paste text out of PDFs (NUL, form feeds).  The
rules, in order:

1. an empty (or whitespace-only) file is an error: there is nothing to build;
2. a UTF-8 BOM is dropped silently (harmless; Pelican does the same);
   a UTF-16 BOM means UTF-16 text: decoded, with a warning;
3. UTF-8 is tried first; if that fails, GB18030 (a superset of GBK and
   GB2312) is tried, with a warning naming the file, because a wrong guess
   would show as mojibake;
4. bytes that are neither are an error naming the line of the first bad byte;
5. NUL and other control characters (except tab and newlines) and stray
   BOMs inside the text are removed, with a warning listing their lines:
   they break XML feeds and the search index and are never meant.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from .problems import Problems, where

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\ufffe]")


@dataclass
class Decoded:
    text: str | None          # None when the file cannot be used
    encoding: str = "utf-8"
    control_lines: list = field(default_factory=list)  # lines where control characters were removed


def line_of_offset(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def decode_source(raw: bytes, problems: Problems) -> Decoded:
    """Decode ``raw`` and record what was repaired or why it cannot be read in ``problems``."""
    if not raw.strip():
        problems.error(None, f"file is empty ({len(raw)} bytes)",
                       "write the article (Title:, Date:, a blank line, then the text) or delete the file")
        return Decoded(None)
    text, encoding = _decode(raw, problems)
    if text is None:
        return Decoded(None, encoding)
    text, control_lines = strip_control_characters(text)
    if control_lines:
        problems.warning(where(lines=control_lines),
                         "removed NUL/control characters (left by copying from PDF or Word)",
                         "re-save the file as plain UTF-8 text to clear this warning")
    return Decoded(text, encoding, control_lines)


def _decode(raw: bytes, problems: Problems):
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            problems.error(where(lines=[line_of_offset(raw, exc.start)]),
                           "file starts like UTF-16 but is not valid UTF-16", "save the file as UTF-8")
            return None, "utf-16"
        problems.warning(None, "file is saved as UTF-16 (Notepad's \"Unicode\"); read it as UTF-16",
                         "save the file as UTF-8")
        return text, "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        first_bad_line = line_of_offset(raw, utf8_error.start)
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        problems.error(where(lines=[first_bad_line]),
                       "bytes that are neither UTF-8 nor GBK/GB18030",
                       "open the file in an editor and save it as UTF-8")
        return None, "unknown"
    first_line = text.strip().splitlines()[0][:40] if text.strip() else ""
    problems.warning(None, f"file is not UTF-8; read it as GB18030/GBK (first line: {first_line!r})",
                     "check the text reads correctly, then save the file as UTF-8")
    return text, "gb18030"


def strip_control_characters(text: str):
    """(text without control characters, sorted line numbers where some were removed)."""
    if not _CONTROL.search(text):
        return text, []
    lines = text.split("\n")
    touched = [number for number, line in enumerate(lines, 1) if _CONTROL.search(line)]
    return _CONTROL.sub("", text), touched
