"""Roles inside a title block: which line is the title, which are kicker/deck (Subtitle),
column label (Column) and author lines (Byline).

Rules (docs/importer.md has the examples):
- Column labels (【主席之声】, or at most 7 characters such as “产改”进行时) and slogan lines
  (parallel phrases of equal length: 增强凝聚力服务大局 投身新时代建功立业) are not titles.
- Among the remaining lines the title is the largest markdown heading (the last one on a tie);
  with no markdown heading, the last plain line; with no candidate at all, the last line.
- Lines before the title are kickers, lines after it decks; a deck wins the Subtitle, a kicker
  takes it otherwise; leftover kickers and banners after the title become the Column.
- A 【…】 label after the title (【核心阅读】) is a sub-heading of the story, not metadata.
"""

import re
from dataclasses import dataclass, field

from importer.blocks import Block
from importer.text import han_count

LABEL_MAX = 7
BRACKETED = re.compile(r"^【([^【】]+)】$")


@dataclass
class TitleBlock:
    title: str = ""
    subtitle: str = ""
    column: str = ""
    bylines: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    rank: int | None = None                     # markdown level of the title line
    body_headings: list[Block] = field(default_factory=list)


def is_slogan(text: str) -> bool:
    parts = text.split()
    if len(parts) < 2:
        return False
    sizes = [han_count(part) for part in parts]
    return min(sizes) >= 3 and max(sizes) <= 10 and max(sizes) - min(sizes) <= 1


def is_label(text: str) -> bool:
    return bool(BRACKETED.match(text)) or len(text) <= LABEL_MAX


def _unbracket(text: str) -> str:
    match = BRACKETED.match(text)
    return match.group(1) if match else text


def resolve(lines: list[Block]) -> TitleBlock:
    result = TitleBlock()
    texts = []
    for block in lines:
        if block.kind == "author":
            result.bylines.append(block.byline)
            result.authors += block.authors
        else:
            texts.append(block)
    if not texts:
        return result
    candidates = [i for i, block in enumerate(texts)
                  if not is_label(block.text) and not is_slogan(block.text)]
    headed = [i for i in candidates if texts[i].rank]
    if headed:
        best = min(texts[i].rank for i in headed)
        title_at = [i for i in headed if texts[i].rank == best][-1]
    elif candidates:
        title_at = candidates[-1]
    else:
        unlabelled = [i for i, block in enumerate(texts) if not BRACKETED.match(block.text)]
        title_at = (unlabelled or list(range(len(texts))))[-1]
    result.title, result.rank = texts[title_at].text, texts[title_at].rank
    kickers, decks, columns = [], [], []
    for i, block in enumerate(texts):
        if i < title_at:
            (columns if is_label(block.text) else kickers).append(_unbracket(block.text))
        elif i > title_at:
            if BRACKETED.match(block.text):
                result.body_headings.append(block)
            elif block.rank or is_slogan(block.text):
                columns.append(block.text)
            else:
                decks.append(block.text)
    if decks:
        result.subtitle = " ".join(decks)
        columns = kickers + columns
    elif kickers:
        result.subtitle = kickers[-1]
        columns = kickers[:-1] + columns
    if columns:
        result.column = columns[0]
        if len(columns) > 1:
            result.subtitle = " ".join([result.subtitle] + columns[1:]).strip()
    return result
