"""Query syntax: words, "quoted phrases", and region:/topic:/year: filters.

Text is folded (traditional input works) and cut at anything that is not a
letter or digit; each piece is a run that must match.  Quoted phrases keep
their runs together in one part; the browser parses the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import union_text

FILTER_NAMES = {
    "region": "region", "地区": "region", "地域": "region",
    "topic": "topic", "主题": "topic", "话题": "topic",
    "year": "year", "年份": "year",
}
# A token: "quoted phrase" | name:"quoted value" | name:value | word.
_TOKEN = re.compile(r'"([^"]*)"?|([^\s":]+):"([^"]*)"?|(\S+)')


@dataclass
class Part:
    runs: list[str]  # folded runs of word characters
    phrase: bool = False


@dataclass
class ParsedQuery:
    parts: list[Part] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet → folded values (OR)

    @property
    def empty(self) -> bool:
        return not self.parts and not self.filters


def _normalize_quotes(text: str) -> str:
    return re.sub("[“”„‟「」『』＂]", '"', text)


def parse_query(text: str) -> ParsedQuery:
    """Parse `text`; everything comes out folded (NFKC, lowercase, simplified)."""
    query = ParsedQuery()
    text = _normalize_quotes(union_text.fold(text or ""))
    for match in _TOKEN.finditer(text):
        phrase, quoted_name, quoted_value, word = match.groups()
        if phrase is not None:
            runs = [run for run, _ in union_text.word_runs(phrase)]
            if runs:
                query.parts.append(Part(runs, phrase=True))
            continue
        if quoted_name is not None:
            name, value = quoted_name, quoted_value
        else:
            name, _, value = word.partition(":") if ":" in word else ("", "", "")
        facet = FILTER_NAMES.get(name.strip())
        if facet and value.strip():
            query.filters.setdefault(facet, []).append(value.strip())
            continue
        source = match.group(0)
        for run, _ in union_text.word_runs(source):
            query.parts.append(Part([run]))
    return query
