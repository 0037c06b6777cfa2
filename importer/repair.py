"""Paragraph repair: find the piece that continues a paragraph cut off mid-sentence.

1. Adjacent: a paragraph that does not end a sentence continues in the next block when that
   block is body text (工 / 作人员 in seed 000).
2. Across interleaving: a *stranded* paragraph (cut off, but followed by a heading, another
   story or the page end) may take over the continuation of another cut-off paragraph when the
   continuation's vocabulary (Han bigrams) clearly belongs to the stranded paragraph's section.
   That is how layout interleaving shows in the seeds: two cut-off columns, one continuation,
   printed after the wrong one.  The paragraphs printed after the moved continuation go with
   it while their vocabulary also sides with the new section (the rest of that column).
Everything else stays as it is and is reported: the importer never joins without evidence.
"""

from dataclasses import dataclass, field, replace

from importer.blocks import WIDE_GAP, Block
from importer.text import bigrams, ends_sentence, join_pieces

JOINABLE = {"body", "byline_para"}
CONTEXT_BLOCKS = 3
# Calibrated on the seeds: true pairs share 18-19% of the continuation's bigrams against 1-3%
# for the paragraph it was printed after; the best false candidate reaches 14% / 0.10 margin.
MIN_SIMILARITY = 0.15
MARGIN = 0.12


@dataclass
class Join:
    head: Block       # the paragraph cut off mid-sentence
    tail: Block       # the piece that continues it
    adjacent: bool
    similarity: float = 0.0
    rival: float = 0.0
    carried: list[Block] = field(default_factory=list)  # paragraphs moved along with the tail


@dataclass
class Repair:
    blocks: list[Block]          # reading order after repair; joined pieces merged
    joins: list[Join]
    unjoined: list[Block]        # still cut off mid-sentence: the editor has to look


def is_cut_off(block: Block) -> bool:
    return block.kind in JOINABLE and bool(block.text) and not ends_sentence(block.text)


def _context(blocks: list[Block], position: int) -> tuple[set[str], set[int]]:
    """Vocabulary of the section a paragraph belongs to: itself, up to three paragraphs before
    it and the heading above them (or the story's byline), with the positions used."""
    grams, used = set(bigrams(blocks[position].text)), {position}
    bodies = 0
    for before in range(position - 1, -1, -1):
        block = blocks[before]
        if block.kind in {"note", "credit", "caption"}:
            break
        grams |= bigrams(block.text)
        used.add(before)
        bodies += block.kind == "body"
        if block.kind not in JOINABLE or bodies >= CONTEXT_BLOCKS:
            break
    return grams, used


def similarity(text: str, context: set[str]) -> float:
    grams = bigrams(text)
    return len(grams & context) / len(grams) if grams else 0.0


def _adjacent_joins(blocks: list[Block]) -> tuple[dict[int, int], list[int]]:
    """tail position -> head position for adjacent continuations; and the stranded heads."""
    tails, stranded = {}, []
    for position, block in enumerate(blocks):
        if not is_cut_off(block):
            continue
        following = position + 1
        if following < len(blocks) and blocks[following].kind == "body" \
                and blocks[following].gap_before < WIDE_GAP:
            tails[following] = position
        else:
            stranded.append(position)
    return tails, stranded


def _chain_end(position: int, head_to_tail: dict[int, int]) -> int:
    while position in head_to_tail:
        position = head_to_tail[position]
    return position


def _carried(blocks, tail, head_to_tail, tails, new_context, old_context) -> list[int]:
    """Units printed right after a moved continuation that belong with it (same column)."""
    carried, following = [], _chain_end(tail, head_to_tail) + 1
    while following < len(blocks) and blocks[following].kind == "body" and following not in tails:
        end = _chain_end(following, head_to_tail)
        grams = bigrams(" ".join(block.text for block in blocks[following:end + 1]))
        if not grams or len(grams & new_context) <= len(grams & old_context):
            break
        carried.append(following)
        following = end + 1
    return carried


def repair(blocks: list[Block]) -> Repair:
    """Join cut-off paragraphs with their continuations; blocks are in reading order."""
    tails, stranded = _adjacent_joins(blocks)
    adjacent = dict(tails)
    joins: dict[int, Join] = {tail: Join(blocks[head], blocks[tail], adjacent=True)
                              for tail, head in tails.items()}
    moves: dict[int, list[int]] = {}     # head position -> positions placed right after it
    for position in stranded:
        context, used = _context(blocks, position)
        best = None
        for tail, head in adjacent.items():
            if tail in used or not joins[tail].adjacent:
                continue
            mine = similarity(blocks[tail].text, context)
            theirs = similarity(blocks[tail].text, _context(blocks, head)[0])
            if mine >= MIN_SIMILARITY and mine >= theirs + MARGIN \
                    and (best is None or mine - theirs > best[1] - best[2]):
                best = (tail, mine, theirs)
        if not best:
            continue
        tail, mine, theirs = best
        old_head = tails.pop(tail)
        tails[tail] = position
        head_to_tail = {head: t for t, head in tails.items()}
        carried = _carried(blocks, tail, head_to_tail, tails, context,
                           _context(blocks, old_head)[0])
        joins[tail] = Join(blocks[position], blocks[tail], adjacent=False, similarity=mine,
                           rival=theirs, carried=[blocks[c] for c in carried])
        moves[position] = carried
    return Repair(_apply(blocks, tails, moves), list(joins.values()),
                  [blocks[p] for p, block in enumerate(blocks)
                   if is_cut_off(block) and p not in {h for h in tails.values()}])


def _apply(blocks: list[Block], tails: dict[int, int], moves: dict[int, list[int]]) -> list[Block]:
    """Merge every chain of joined pieces into one block and put moved units in place."""
    head_to_tail = {head: tail for tail, head in tails.items()}
    moved = {position for carried in moves.values() for position in carried}

    def unit(start: int) -> Block:
        merged, position = replace(blocks[start], lines=list(blocks[start].lines)), start
        while position in head_to_tail:
            position = head_to_tail[position]
            merged.text = join_pieces(merged.text, blocks[position].text)
            merged.lines = merged.lines + blocks[position].lines
        return merged

    def emit(start: int, out: list[Block]) -> None:
        out.append(unit(start))
        position = start
        while True:                       # units moved after any piece of this chain
            for carried in moves.get(position, []):
                emit(carried, out)
            if position not in head_to_tail:
                break
            position = head_to_tail[position]

    result: list[Block] = []
    for position in range(len(blocks)):
        if position not in tails and position not in moved:
            emit(position, result)
    return result
