"""One page, all steps: bytes -> decoded text -> stories -> rendered articles + a report."""

from dataclasses import dataclass, field
from pathlib import Path

from importer.accounting import Balance, balance
from importer.assemble import Story, assemble
from importer.blocks import Block, split_blocks
from importer.classify import classify
from importer.decode import decode_page
from importer.dedupe import Dropped, NearDuplicate, drop_duplicates, near_duplicates
from importer.render import Article, body_markdown, carried_text, parse, render, story_metadata
from importer.repair import Join, repair
from union_text.pinyin import pinyin_slug


@dataclass
class PageResult:
    name: str
    encoding: str
    stories: list[Story]
    articles: list[str]                  # rendered Markdown, one per story, page order
    joins: list[Join]
    dropped: list[Dropped]
    near: list[NearDuplicate]
    unjoined: list[Block]
    balance: Balance
    warnings: list[str] = field(default_factory=list)


def story_slug(story: Story) -> str:
    return pinyin_slug(story.title) or f"story-{story.line}"


def import_page(data: bytes, name: str) -> PageResult:
    """Raises importer.decode.InputError for unreadable pages."""
    decoded = decode_page(data)
    blocks, dropped = drop_duplicates(classify(split_blocks(decoded.text)))
    near = near_duplicates(blocks)
    repaired = repair(blocks)
    stories = assemble(repaired.blocks)
    articles = []
    for number, story in enumerate(stories, start=1):
        metadata = story_metadata(story, source=Path(name).name, slug=story_slug(story),
                                  key=f"{Path(name).name}#{number}")
        articles.append(render(Article(metadata, body_markdown(story))))
    result = PageResult(
        name=name, encoding=decoded.encoding, stories=stories, articles=articles,
        joins=repaired.joins, dropped=dropped, near=near, unjoined=repaired.unjoined,
        balance=balance(decoded.text, [carried_text(parse(text)) for text in articles],
                        [block.raw for block in (drop.block for drop in dropped)]))
    result.warnings = _warnings(result)
    return result


def _short(text: str, width: int = 18) -> str:
    return text if len(text) <= width else text[:width] + "…"


def _warnings(result: PageResult) -> list[str]:
    notes = []
    for drop in result.dropped:
        notes.append(f"line {drop.block.line}: duplicate of line {drop.kept.line} dropped: "
                     f"“{_short(drop.block.text or drop.block.raw)}”")
    for join in result.joins:
        if not join.adjacent:
            moved = "".join(f", with line {block.line}" for block in join.carried)
            notes.append(f"line {join.tail.line}: continues line {join.head.line} across the "
                         f"layout (shared vocabulary {join.similarity:.0%} vs {join.rival:.0%}){moved}")
    for block in result.unjoined:
        notes.append(f"line {block.line}: paragraph ends mid-sentence, no continuation found: "
                     f"“…{block.text[-12:]}”")
    for pair in result.near:
        notes.append(f"lines {pair.first.line} and {pair.second.line}: near-duplicate paragraphs "
                     f"({pair.how}), both kept: check by hand")
    for story in result.stories:
        if not story.title:
            notes.append(f"line {story.line}: story without a title: give it one by hand")
        if not story.paragraphs:
            notes.append(f"line {story.line}: story “{_short(story.title)}” has no body text")
        for line in story.merged_from:
            notes.append(f"line {line}: piece put back into story “{_short(story.title)}” "
                         f"(line {story.line})")
    return notes
