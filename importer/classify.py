"""Give every block a kind: heading, label (【…】), short (heading-like plain line), author line,
credit line, byline paragraph, editor's note, photo caption or body paragraph.

The rules are read off the seeds; docs/importer.md lists them with examples.
"""

import re

from importer.blocks import CAPTION_START, WIDE_GAP, Block, gap_after
from importer.briefs import CREDIT_LINE, credit_people, is_credit
from importer.text import ends_sentence, han_count, join_pieces, quotes_balanced, squash_spaces

HAN = r"[\u4e00-\u9fff]"
MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
LABEL = re.compile(r"^【[^【】]{1,12}】$")
ROLE = r"(?:特约通讯员|通讯员|记者|实习生)"
BYLINE = re.compile(
    rf"^(?P<byline>(?:(?:本报讯|本报记者|本报)\s*)?(?P<people>(?:{ROLE}\s*{HAN}{{2,4}}"
    rf"(?:[、,，]\s*{HAN}{{2,4}})*\s*)+)报道)\s*(?P<rest>.*)$", re.S)
CREDIT_PATTERNS = [
    re.compile(rf"^(?:本报)?记者\s*(?P<names>{HAN}{{2,4}})文(?:\s+\S+供图)?$"),
    re.compile(rf"^(?P<names>{HAN}{{2,4}}(?:[、\s]+{HAN}{{2,4}})*)\s*(?:图/文|图文|摄)$"),
    re.compile(rf"^(?:文/|图/文/?)\s*(?P<names>{HAN}{{2,4}})$"),
    re.compile(rf"^(?:通讯员|记者|作者|撰稿)\s*[:：]?\s*(?P<names>{HAN}{{2,4}}(?:[、\s]+{HAN}{{2,4}})*)$"),
]
SOURCE_LINE = re.compile(r"^来源\s*[:：]\s*(?P<source>\S.{0,30})$")
AUTHOR_LINE = re.compile(
    rf"^(?P<post>\S.{{1,40}}?(?:主席|书记|部长|召集人|主任|委员|局长|区长|县长|市长|经理|会长|校长|院长|"
    rf"处长|科长|站长|厂长|董事长|记者))\s+(?P<name>{HAN}{{2,4}})$")
EDITOR_NOTE = re.compile(r"^(?:小编说|编者按|编后语|编后|编者的话)\s*[:：]")
OPENER_COMMA = re.compile(r"^(?:去年|今年|目前|同时|近年来|日前|近日|此外|据悉|据了解|截至目前|其中|如今|"
                          r"当晚|随后|然而|但是|另外|为此|因此|对此)[,，]")
DATE_OPENER = re.compile(r"^(?:\d{2,4}年|\d{1,2}月|去年|今年|前年)\S{0,6}?[,，]")
SEPARATOR = re.compile(r"\s+|[,，]")

SHORT_MAX = 40
LONG_WITHOUT_BREAK = 24
SUBHEADING_PLAIN_MAX = 12
CAPTION_MAX = 40


def split_people(people: str) -> list[str]:
    """'记者程雪 通讯员陈姣' -> ['程雪', '陈姣']; '通讯员周永卫、王蓉' -> ['周永卫', '王蓉']."""
    names = []
    for chunk in re.split(ROLE, people):
        names += [name for name in re.split(r"[、,，\s]+", chunk) if re.fullmatch(rf"{HAN}{{2,4}}", name)]
    return names


def is_short_line(text: str) -> bool:
    """Could be a title or sub-heading: short, no full stop, not cut off mid-sentence."""
    text = text.strip()
    if not text or len(text) > SHORT_MAX or han_count(text) < 2:
        return False
    if "。" in text or text[-1] in ",，、:：;；…" or text[-1].isascii() and text[-1].isalnum():
        return False
    if ends_sentence(text) and text.rstrip("”’」』)） ")[-1:] not in "?？!！":
        return False
    commas = len(re.findall("[,，]", text))
    if not quotes_balanced(text) or commas > 1 or commas and "、" in text:
        return False
    if len(text) > LONG_WITHOUT_BREAK and not re.search(r"\s", text):
        return False  # a long line with no break is a cut-off sentence, not a headline
    return not (OPENER_COMMA.match(text) or DATE_OPENER.match(text))


def has_subheading_shape(text: str) -> bool:
    """A plain line reads as a sub-heading when very short or two phrases split by a comma/space."""
    text = text.strip()
    if len(text) <= SUBHEADING_PLAIN_MAX:
        return True
    parts = [part for part in SEPARATOR.split(text) if part]
    return len(text) <= 30 and len(parts) == 2 and all(len(part) >= 3 for part in parts)


def _classify_one(block: Block, blocks: list[Block]) -> None:
    lines = [line.strip() for line in block.lines]
    first = MARKDOWN_HEADING.match(lines[0])
    if first and len(lines) == 1:
        block.kind, block.rank, block.text = "heading", len(first.group(1)), first.group(2).strip()
        return
    if all(is_short_line(line) for line in lines) and len(lines) > 1:
        block.kind, block.text = "short", " ".join(squash_spaces(line) for line in lines)
        return
    text = lines[0]
    for line in lines[1:]:
        text = join_pieces(text, line)
    block.text = text
    sentences = sum(text.count(mark) for mark in "。！？!?")
    if CAPTION_START.match(text) and len(text) <= 100 \
            or block.hint == "caption" and len(text) <= 80 and sentences <= 1:
        block.kind = "caption"
        return
    credit_line = CREDIT_LINE.match(text)
    if credit_line and is_credit(credit_line.group("credit")):
        block.kind, block.byline, block.text = "credit", credit_line.group("credit").strip(), ""
        block.authors = credit_people(block.byline)
        return
    source = SOURCE_LINE.match(text)
    if source:
        block.kind, block.byline, block.text = "source", source.group("source").strip("《》 "), ""
        return
    if LABEL.match(text):
        block.kind = "label"
        return
    if EDITOR_NOTE.match(text):
        block.kind = "note"
        return
    byline = BYLINE.match(text)
    if byline:
        block.byline = squash_spaces(byline.group("byline"))
        block.authors = split_people(byline.group("people"))
        block.text = byline.group("rest").strip()
        block.kind = "byline_para" if block.text else "credit"
        return
    for pattern in CREDIT_PATTERNS:
        credit = pattern.match(text)
        if credit:
            block.kind, block.byline, block.text = "credit", text, ""
            names = credit.groupdict().get("names")
            block.authors = re.split(r"[、\s]+", names) if names else []
            return
    author = AUTHOR_LINE.match(text)
    if author:
        block.kind, block.byline, block.text = "author", text, ""
        block.authors = [author.group("name")]
        return
    if is_short_line(text):
        block.kind, block.text = "short", squash_spaces(text)
        return
    position = block.index
    after_wide_gap = position + 1 < len(blocks) and gap_after(blocks, position) >= WIDE_GAP
    isolated = block.gap_before >= WIDE_GAP or after_wide_gap
    if (isolated and len(lines) == 1 and len(text) <= CAPTION_MAX and text[-1] in "。!！"
            and sum(text.count(mark) for mark in "。!！?？") == 1):
        block.kind = "caption"
        return
    block.kind = "body"


def classify(blocks: list[Block]) -> list[Block]:
    for block in blocks:
        if block.fixed:
            block.text = block.text or block.raw
            continue
        _classify_one(block, blocks)
    return blocks
