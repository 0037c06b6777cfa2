"""Split a page into blocks: runs of non-blank lines, remembering where they were and how much
white space came before them (wide gaps mark layout boxes: photo captions, column breaks)."""

from dataclasses import dataclass, field


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

    @property
    def raw(self) -> str:
        return "\n".join(self.lines)


WIDE_GAP = 2


def split_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    current: list[str] = []
    start = 0
    blanks = WIDE_GAP  # the page start behaves like a wide gap
    gap_for_current = blanks
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                start, gap_for_current = number, blanks
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


def gap_after(blocks: list[Block], position: int) -> int:
    """Blank lines after blocks[position] (the page end counts as a wide gap)."""
    return blocks[position + 1].gap_before if position + 1 < len(blocks) else WIDE_GAP
