"""One page, all steps: bytes -> decoded text -> stories -> rendered articles + a report.

A page is a text file (print layout, a web page saved as text, a brief list; any Chinese
encoding) or a Word manuscript (.docx).  Text goes: decode -> punctuation -> page furniture and
facts (webpage) -> blocks -> reflow -> briefs -> classify -> dedupe -> repair -> assemble ->
render -> accounting.  A manuscript is read into the same blocks (manuscript.py) and joins at
classify.
"""

from dataclasses import dataclass, field
from pathlib import Path

from importer import briefs
from importer.accounting import Balance, balance
from importer.assemble import Story, assemble
from importer.blocks import Block, reflow, split_numbered
from importer.classify import classify
from importer.decode import InputError, decode_page
from importer.dedupe import Dropped, NearDuplicate, drop_duplicates, near_duplicates
from importer.pagefacts import Facts
from importer.punctuation import normalize
from importer.render import Article, body_markdown, carried_text, parse, render, story_metadata
from importer.repair import Join, Repair, repair
from importer.webpage import SetAside, describe, read_page
from union_text.pinyin import pinyin_slug

MANUSCRIPT_SUFFIXES = {".docx"}


@dataclass
class ImageFile:
    path: str          # under the content folder: images/import/<page>/<n>-<hash>.<ext>
    data: bytes


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
    layout: str = "print"                # print, web page, brief list, manuscript
    punctuation: int = 0                 # half-width marks made full-width
    set_aside: list[SetAside] = field(default_factory=list)
    facts: Facts = field(default_factory=Facts)
    images: list[ImageFile] = field(default_factory=list)
    pictures_in: int = 0


def story_slug(story: Story) -> str:
    return pinyin_slug(story.title) or f"story-{story.line}"


def import_page(data: bytes, name: str, source: str | None = None) -> PageResult:
    """Raises importer.decode.InputError for unreadable pages.  ``source``: SOURCE= for every
    story of the page (else what the page says, else none)."""
    if Path(name).suffix.lower() in MANUSCRIPT_SUFFIXES:
        from importer.manuscript import read_manuscript
        read = read_manuscript(data, name)
        text, blocks, encoding, punctuation = read.text, read.blocks, "docx", read.punctuation
        set_aside, facts, layout, images = [], Facts(), "manuscript", read.images
        reader_notes = read.warnings
        is_briefs = False
    elif data[:4] == b"PK\x03\x04":
        raise InputError("this is a zip file (a Word .docx or similar), not a text page; "
                         "name it .docx if it is a Word manuscript")
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError("this is an old Word .doc (or other Office 97-2003) file; open it in "
                         "Word or WPS and save it as .docx, then import the .docx")
    else:
        decoded = decode_page(data)
        text, punctuation = normalize(decoded.text)
        page = read_page(text)
        blocks = reflow(split_numbered(page.lines))
        for block in blocks:
            if block.line in page.caption_lines:
                block.hint = "caption"
        encoding, set_aside, facts, images = decoded.encoding, page.set_aside, page.facts, []
        reader_notes = []
        is_briefs = briefs.mark(blocks)
        layout = "brief list" if is_briefs else "web page" if page.web else "print"
    classify(blocks)
    labels = briefs.page_labels(blocks) if is_briefs else []
    labels += [block for block in blocks if block.kind == "source"]   # read as the story's Source
    blocks, dropped = drop_duplicates(blocks)
    near = near_duplicates(blocks)
    repaired = repair(blocks) if layout != "manuscript" else Repair(blocks, [], [])
    stories = assemble(repaired.blocks)
    if facts.bylines and stories and not stories[0].bylines:
        stories[0].bylines = list(facts.bylines)
        stories[0].authors = [n for b in facts.bylines for n in briefs.credit_people(b)]
        stories[0].derived.add("Byline")
    page_source = source if source is not None else facts.page_source()
    file_name = Path(name).name
    articles = []
    for number, story in enumerate(stories, start=1):
        metadata = story_metadata(story, source=page_source or "", slug=story_slug(story),
                                  key=f"{file_name}#{number}", import_file=file_name,
                                  date=facts.date)
        articles.append(render(Article(metadata, body_markdown(story))))
    set_aside_texts = [item.text for item in set_aside] + [block.raw for block in labels]
    result = PageResult(
        name=name, encoding=encoding, stories=stories, articles=articles,
        joins=repaired.joins, dropped=dropped, near=near, unjoined=repaired.unjoined,
        balance=balance(text, [carried_text(parse(article)) for article in articles],
                        [drop.block.raw + drop.block.credit for drop in dropped], set_aside_texts),
        layout=layout, punctuation=punctuation, set_aside=set_aside + [
            SetAside(block.line, block.raw, "column label of the briefs" if block.kind == "page_label"
                     else "the story's Source") for block in labels],
        facts=facts, images=images, pictures_in=len(images))
    result.warnings = reader_notes + _warnings(result)
    return result


def _short(text: str, width: int = 18) -> str:
    return text if len(text) <= width else text[:width] + "…"


def _warnings(result: PageResult) -> list[str]:
    notes = describe(result.set_aside)
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
        if "Title" in story.derived:
            notes.append(f"line {story.line}: brief without a headline: title “{_short(story.title)}” "
                         "taken from its first sentence")
        for item in story.items:
            if item.kind == "caption":
                notes.append(f"line {item.line}: caption without its picture, kept as a draft-only "
                             f"note (<!-- 待配图 -->): attach the photo or delete it")
        for line in story.merged_from:
            notes.append(f"line {line}: piece put back into story “{_short(story.title)}” "
                         f"(line {story.line})")
    return notes
