"""Drop exact duplicate paragraphs (layout tools repeat boxes) and report every drop.

Which copy survives: the one that sits inside running text (body text on both sides) rather
than at a box edge; on a tie, the first.  Consecutive duplicated blocks (a sub-heading with its
paragraphs) are decided together.  A sub-heading stranded with a dropped copy moves to the
surviving copy.  Near-duplicates (one paragraph a prefix of another, or almost identical) are
kept and reported for the editor.
"""

from dataclasses import dataclass
from difflib import SequenceMatcher

from importer.blocks import Block
from importer.text import han_count, squash_spaces

MIN_HAN_FOR_DUPLICATE = 15   # shorter blocks (labels, headings) count only next to a duplicate
NEAR_DUPLICATE_RATIO = 0.9
BODY_KINDS = {"body", "byline_para"}


@dataclass
class Dropped:
    block: Block
    kept: Block


@dataclass
class NearDuplicate:
    first: Block
    second: Block
    how: str


def _key(block: Block) -> str:
    if block.kind == "picture":
        return "\0" + block.image            # a picture is never a duplicate of text
    return squash_spaces(block.raw.lstrip("#"))


def _bodyish(blocks: list[Block], position: int) -> bool:
    return 0 <= position < len(blocks) and blocks[position].kind in BODY_KINDS


def _runs(blocks: list[Block]) -> list[tuple[int, int, int]]:
    """Maximal runs (i, j, length) with blocks[i+k] == blocks[j+k], anchored on a long block
    or on short blocks that are next to each other (【主席之声】 printed twice)."""
    keys = [_key(block) for block in blocks]
    runs, covered = [], set()
    for i in range(len(blocks)):
        for j in range(i + 1, len(blocks)):
            if keys[i] != keys[j] or (i, j) in covered:
                continue
            start_i, start_j = i, j
            while start_i > 0 and start_j - 1 > start_i - 1 and keys[start_i - 1] == keys[start_j - 1]:
                start_i, start_j = start_i - 1, start_j - 1
            length = 0
            while start_j + length < len(blocks) and start_i + length < start_j \
                    and keys[start_i + length] == keys[start_j + length]:
                covered.add((start_i + length, start_j + length))
                length += 1
            long_enough = any(han_count(keys[start_i + k]) >= MIN_HAN_FOR_DUPLICATE
                              for k in range(length))
            if long_enough or start_j == start_i + length:
                runs.append((start_i, start_j, length))
    return runs


def _context_score(blocks: list[Block], start: int, length: int) -> int:
    return int(_bodyish(blocks, start - 1)) + int(_bodyish(blocks, start + length))


def drop_duplicates(blocks: list[Block]) -> tuple[list[Block], list[Dropped]]:
    """Return the blocks in reading order without exact duplicates, and what was dropped."""
    dropped: list[Dropped] = []
    drop_positions: set[int] = set()
    moves: list[tuple[int, int]] = []  # (heading position, position to insert before)
    for i, j, length in _runs(blocks):
        if any(i + k in drop_positions or j + k in drop_positions for k in range(length)):
            continue
        keep, drop = (j, i) if _context_score(blocks, j, length) > _context_score(blocks, i, length) \
            else (i, j)
        for k in range(length):
            drop_positions.add(drop + k)
            dropped.append(Dropped(blocks[drop + k], blocks[keep + k]))
        heading = drop - 1
        stranded = (heading >= 0 and blocks[heading].kind in {"short", "heading"}
                    and heading not in drop_positions
                    and not _bodyish(blocks, heading - 1) and not _bodyish(blocks, drop + length)
                    and blocks[keep - 1].kind not in {"short", "heading"})
        if stranded:
            moves.append((heading, keep))
    moved = {heading for heading, _ in moves}
    before = {target: heading for heading, target in moves}
    result = []
    for position, block in enumerate(blocks):
        if position in before:
            result.append(blocks[before[position]])
        if position not in drop_positions and position not in moved:
            result.append(block)
    return result, dropped


def near_duplicates(blocks: list[Block]) -> list[NearDuplicate]:
    """Pairs of long paragraphs that are almost the same: reported, never dropped."""
    texts = [(block, squash_spaces(block.text)) for block in blocks
             if block.kind in BODY_KINDS and han_count(block.text) >= MIN_HAN_FOR_DUPLICATE]
    found = []
    for a in range(len(texts)):
        for b in range(a + 1, len(texts)):
            (first, x), (second, y) = texts[a], texts[b]
            if x == y:
                continue
            if x.startswith(y) or y.startswith(x):
                found.append(NearDuplicate(first, second, "one is the beginning of the other"))
                continue
            matcher = SequenceMatcher(None, x, y, autojunk=False)
            if matcher.real_quick_ratio() >= NEAR_DUPLICATE_RATIO \
                    and matcher.quick_ratio() >= NEAR_DUPLICATE_RATIO \
                    and matcher.ratio() >= NEAR_DUPLICATE_RATIO:
                found.append(NearDuplicate(first, second, f"{matcher.ratio():.0%} alike"))
    return found
