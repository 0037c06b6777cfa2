"""Cut the repaired page into stories.

A run of heading-like blocks starts a new story when it is a title block: followed by a byline
paragraph, containing a column label or an author line, more than one line, the first thing on
the page, after a finished story (editor's note, credit line before a wide gap), or at the page
end (a title printed after its body).  Otherwise it is a sub-heading of the current story;
markdown headings deeper than the story title are always sub-headings.

After the walk, pieces that layout tore apart are put back together on the same page:
a title with no body takes the body that has no title; a body that starts with a byline but has
no title joins the titled story without a byline whose vocabulary it shares.
"""

from dataclasses import dataclass, field

from importer.blocks import WIDE_GAP, Block
from importer.briefs import credit_people, derived_title
from importer.classify import has_subheading_shape
from importer.text import bigrams
from importer.titles import BRACKETED, TitleBlock, resolve

HEADING_KINDS = {"heading", "label", "short", "author"}
MERGE_MIN_SIMILARITY = 0.2


@dataclass
class Item:
    kind: str            # para, heading, caption, note, picture
    text: str
    line: int
    level: int = 2
    image: str = ""      # picture: the image's path under the content folder (images/…)


@dataclass
class Story:
    line: int
    title: str = ""
    subtitle: str = ""
    column: str = ""
    rank: int | None = None
    bylines: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    closed: bool = False
    merged_from: list[int] = field(default_factory=list)   # lines of pieces put back together
    source: str = ""                  # the story's own 来源 line
    derived: set[str] = field(default_factory=set)         # fields copied, not page text
    brief: bool = False               # an item of a brief list

    @property
    def paragraphs(self) -> list[Item]:
        return [item for item in self.items if item.kind == "para"]

    def text(self) -> str:
        return " ".join([self.title, self.subtitle] + [item.text for item in self.items])


def _heading_run(blocks: list[Block], start: int) -> int:
    end = start
    while end < len(blocks) and blocks[end].kind in HEADING_KINDS:
        end += 1
    return end


def _is_title_block(run: list[Block], after: Block | None, current: Story | None) -> bool:
    if current is None or current.closed or after is None:
        return True
    if after.kind == "byline_para" or any(block.kind == "author" for block in run):
        return True
    if BRACKETED.match(run[0].text):
        return True
    ranks = [block.rank for block in run]
    if current.rank and all(ranks) and min(ranks) > current.rank:
        return False
    return len(run) > 1


def _sub_heading_level(block: Block, story: Story) -> int:
    if block.rank and story.rank:
        return max(2, min(4, 1 + block.rank - story.rank))
    deeper = [item.level for item in story.items if item.kind == "heading"]
    return deeper[-1] if deeper else 2


def _new_story(title_block: TitleBlock, line: int) -> Story:
    return Story(line=line, title=title_block.title, subtitle=title_block.subtitle,
                 column=title_block.column, rank=title_block.rank,
                 bylines=list(title_block.bylines), authors=list(title_block.authors),
                 items=[Item("heading", block.text, block.line) for block in title_block.body_headings])


def walk(blocks: list[Block]) -> tuple[list[Story], list[Item]]:
    """First pass: stories in page order, and captions printed before any story."""
    stories: list[Story] = []
    loose_captions: list[Item] = []
    current: Story | None = None

    def start(story: Story) -> Story:
        if current is not None:
            current.closed = True
        stories.append(story)
        return story

    column = ""
    position = 0
    while position < len(blocks):
        block = blocks[position]
        if block.kind == "page_label":
            column = " ".join(filter(None, [column, block.text])) if column and \
                blocks[position - 1].kind == "page_label" else block.text
            position += 1
            continue
        if block.brief_start and current is not None:
            current.closed = True
        if block.brief_start:
            current = None
        if block.kind in HEADING_KINDS:
            end = _heading_run(blocks, position)
            run, after = blocks[position:end], blocks[end] if end < len(blocks) else None
            if _is_title_block(run, after, current):
                current = start(_new_story(resolve(run), block.line))
            else:
                for heading in run:
                    if heading.kind == "short" and not heading.rank \
                            and not has_subheading_shape(heading.text):
                        current.items.append(Item("para", heading.text, heading.line))
                    else:
                        current.items.append(Item("heading", heading.text, heading.line,
                                                  _sub_heading_level(heading, current)))
            position = end
            continue
        if block.kind == "caption":
            (loose_captions if current is None else current.items).append(
                Item("caption", block.text, block.line))
        elif block.kind == "picture":
            (loose_captions if current is None else current.items).append(
                Item("picture", block.text, block.line, image=block.image))
        elif block.kind in {"credit", "source"}:
            if current is None:
                current = start(Story(line=block.line))
            if block.kind == "source":
                current.source = current.source or block.byline
            else:
                current.bylines.append(block.byline)
                current.authors += block.authors
            following = blocks[position + 1] if position + 1 < len(blocks) else None
            if following is None or following.gap_before >= WIDE_GAP \
                    or following.kind in HEADING_KINDS or block.brief_end:
                current.closed = True
        elif block.kind == "byline_para":
            if current is None or current.closed or current.paragraphs:
                current = start(Story(line=block.line))
            current.bylines.append(block.byline)
            current.authors += block.authors
            current.items.append(Item("para", block.text, block.line))
        else:
            if current is None or current.closed:
                current = start(Story(line=block.line))
            current.items.append(Item("note" if block.kind == "note" else "para",
                                      block.text, block.line))
            if block.kind == "note":
                current.closed = True
        if block.brief_start or block.brief_end:
            if current is not None:
                current.brief = True
                if column:
                    current.column, current.derived = column, current.derived | {"Column"}
        if block.credit and current is not None:
            current.bylines.append(block.credit)
            current.authors += credit_people(block.credit)
        if block.brief_end and current is not None:
            current.closed = True
        position += 1
    return stories, loose_captions


def _similarity(a: Story, b: Story) -> float:
    grams_a, grams_b = bigrams(a.text()), bigrams(b.text())
    return len(grams_a & grams_b) / min(len(grams_a), len(grams_b)) if grams_a and grams_b else 0.0


def _best_partner(story: Story, candidates: list[Story]) -> Story | None:
    scored = sorted(((_similarity(story, other), other.line, other) for other in candidates),
                    key=lambda scored: (-scored[0], scored[1]))
    return scored[0][2] if scored and scored[0][0] >= MERGE_MIN_SIMILARITY else None


def reunite(stories: list[Story]) -> list[Story]:
    """Second pass: put torn stories back together (see the module docstring)."""
    bodiless = [s for s in stories if s.title and not s.paragraphs]
    for title_story in bodiless:
        headless = [s for s in stories if not s.title and s.paragraphs and not s.brief]
        partner = _best_partner(title_story, headless) if headless else None
        if partner is None and len(headless) == 1:
            partner = headless[0]
        if partner:
            partner.title, partner.subtitle = title_story.title, title_story.subtitle
            partner.column = partner.column or title_story.column
            partner.bylines = title_story.bylines + partner.bylines
            partner.authors = title_story.authors + partner.authors
            partner.items = title_story.items + partner.items
            partner.merged_from.append(title_story.line)
            stories.remove(title_story)
    for piece in [s for s in stories if not s.title and s.bylines and s.paragraphs and not s.brief]:
        titled = [s for s in stories if s.title and not s.bylines and s is not piece]
        partner = _best_partner(piece, titled) if titled else None
        if partner:
            partner.bylines = piece.bylines + partner.bylines
            partner.authors = piece.authors + partner.authors
            lead = 0
            while lead < len(partner.items) and partner.items[lead].kind == "heading":
                lead += 1
            partner.items = partner.items[:lead] + piece.items + partner.items[lead:]
            partner.merged_from.append(piece.line)
            stories.remove(piece)
    return stories


def assemble(blocks: list[Block]) -> list[Story]:
    stories, loose_captions = walk(blocks)
    stories = reunite(stories)
    if loose_captions:
        if stories:
            stories[0].items = loose_captions + stories[0].items
        else:
            stories.append(Story(line=loose_captions[0].line, items=loose_captions))
    for story in stories:
        story.authors = list(dict.fromkeys(story.authors))
        if story.brief and not story.title and story.paragraphs:
            story.title = derived_title(story.paragraphs[0].text)
            story.derived.add("Title")
    return stories
