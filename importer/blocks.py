"""Split a page into blocks: runs of non-blank lines, remembering where they were and how much
white space came before them (wide gaps mark layout boxes: photo captions, column breaks).

``reflow`` then cuts a block into paragraphs where its lines say so.  Text pulled out of print
keeps a block's lines as pieces of one paragraph; text saved from the web or typed puts one
paragraph per line, often with no blank line between; a narrow print column (all lines the
same width, a brief list) ends a paragraph only where a line stops short.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from importer.text import ends_sentence


@dataclass
class Block:
    index: int          # position on the page, 0-based, stable through all steps
    line: int           # 1-based line number of the first line
    lines: list[str]
    gap_before: int     # blank lines before the block (page start counts as a wide gap)
    kind: str = "body"  # set by classify: heading, label, short, author, credit, byline_para,
    #                     note, caption, body
    text: str = ""      # the block's text without markdown heading marks
    rank: int | None = None      # markdown heading level (# = 1)
    byline: str = ""             # byline_para / credit / author: the byline as printed
    authors: list[str] = field(default_factory=list)
    marker: str = ""             # a brief list's item marker (▲, ■, 1.) taken off the text
    credit: str = ""             # a brief's trailing credit (刘文 from “…。（刘文）”)
    hint: str = ""               # "caption": printed under a picture placeholder
    brief_start: bool = False    # briefs: this block starts an item
    brief_end: bool = False      # briefs: this block ends an item
    fixed: bool = False          # kind given by the reader (a manuscript's picture, caption)
    image: str = ""              # picture: its path under the content folder

    @property
    def raw(self) -> str:
        return "\n".join(self.lines)


WIDE_GAP = 2


def split_blocks(text: str) -> list[Block]:
    return split_numbered(list(enumerate(text.split("\n"), start=1)))


def split_numbered(numbered: list[tuple[int, str | None]]) -> list[Block]:
    """Blocks from numbered lines; a line given as None was set aside: it ends a block, and
    the blank lines around it count as one gap (the larger), as if it had never been there."""
    blocks: list[Block] = []
    current: list[str] = []
    start = 0
    blanks = WIDE_GAP  # the page start behaves like a wide gap
    carried = 0
    gap_for_current = blanks
    for number, line in numbered:
        if line is None:
            if current:
                blocks.append(Block(len(blocks), start, current, gap_for_current))
                current = []
            carried, blanks = max(carried, blanks), 0
        elif line.strip():
            if not current:
                start, gap_for_current = number, max(blanks, carried)
                carried = 0
            current.append(line.rstrip())
            blanks = 0
        else:
            if current:
                blocks.append(Block(len(blocks), start, current, gap_for_current))
                current = []
            blanks += 1
    if current:
        blocks.append(Block(len(blocks), start, current, gap_for_current))
    return blocks


BRIEF_MARKER = re.compile(r"^\s*(?P<marker>[▲△■□●○◆◇★☆►▶•]|\d{1,2}(?:[.．](?!\d)|、)|[(（]\d{1,2}[)）]"
                          r"|[①-⑳])\s*(?=\S)")
CAPTION_START = re.compile(r"^\s*(?:[▲△]\s*)?(?:(?:上|下|左|右|组)?图\s*[:：]|图为|图\d|[(（]图)")
TRAILING_CREDIT = re.compile(r"(?<=[。！？!?”」』])\s*[(（](?P<credit>[^()（）。，,]{2,30})[)）]\s*$")
INDENT = re.compile(r"^(?:\u3000|\s{2,})\S")


def width(text: str) -> int:
    """Printed width: a Chinese or full-width character counts two, others one."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text.strip())


def _is_wrapped(lines: list[str]) -> int:
    """The column width when the lines are a hard-wrapped print column, else 0."""
    if len(lines) < 3:
        return 0
    widths = [width(line) for line in lines[:-1]]
    widest = max(widths)
    full = sum(1 for w in widths if w >= widest - 2)
    return widest if widest >= 16 and full >= max(2, 0.6 * len(widths)) else 0


def _starts_item(line: str) -> bool:
    return bool(BRIEF_MARKER.match(line)) and not CAPTION_START.match(line) or bool(INDENT.match(line))


def _paragraph_ends(line: str, following: str, column: int) -> bool:
    from importer.classify import is_short_line
    if _starts_item(following):
        return True
    finished = ends_sentence(line) or bool(TRAILING_CREDIT.search(line))
    if column:
        short = width(line) < column - 2
        return short and (finished or not ends_sentence(line) and is_short_line(line)
                          and width(following) >= column - 2)
    if finished:
        return True
    return is_short_line(line) and not is_short_line(following)


def reflow(blocks: list[Block]) -> list[Block]:
    """Cut blocks into paragraphs (see the module docstring); indexes renumbered."""
    result: list[Block] = []
    for block in blocks:
        if len(block.lines) == 1:
            result.append(block)
            continue
        column = _is_wrapped(block.lines)
        start = 0
        for position in range(len(block.lines)):
            last = position + 1 == len(block.lines)
            if last or _paragraph_ends(block.lines[position], block.lines[position + 1], column):
                piece = Block(0, block.line + start, block.lines[start:position + 1],
                              block.gap_before if start == 0 else 0)
                result.append(piece)
                start = position + 1
    for index, block in enumerate(result):
        block.index = index
    return result


def gap_after(blocks: list[Block], position: int) -> int:
    """Blank lines after blocks[position] (the page end counts as a wide gap)."""
    return blocks[position + 1].gap_before if position + 1 < len(blocks) else WIDE_GAP
