"""Plain-text views of an article: character count, reading time, meta description."""

import math
import re

from union_text.html_text import html_text

_SPACE = re.compile(r"\s+")
_NOT_CJK = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:[.'’-][A-Za-z0-9]+)*")


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment on one line, whitespace collapsed (union_text.html_text).

    The result is text, not HTML: "&lt;meta&gt;" in the body comes back as "<meta>", which is
    what the reader sees.  Print it escaped (the theme's autoescape does), never as markup.
    """
    return html_text(fragment).flat()


def count_characters(text: str) -> int:
    """Characters a Chinese reader counts: each Han character, plus each Latin word or number."""
    # what is left once the runs of everything else are removed (runs: few replacements, not one
    # per Han character; twice as fast as findall)
    return len(_NOT_CJK.sub("", text)) + len(_LATIN_WORD.findall(text))


def reading_minutes(char_count: int, chars_per_minute: int = 400) -> int:
    """Whole minutes, at least one."""
    return max(1, math.ceil(char_count / max(1, chars_per_minute)))


def meta_description(text: str, limit: int = 120) -> str:
    """A one-line plain-text description: the listings' summary, <meta name=description>, OpenGraph
    and catalog.json.  Text, never markup: printed escaped."""
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
