"""News-brief pages (工会动态, 简讯): many short items, each its own story.

An item starts with a marker (▲ △ ■ ● ◆ …, or 1. 1、 （1） ①) or right after the previous
item's credit; it ends with a credit, on the same line (…活动。（刘文）) or alone on the next
(（通讯员 张三）).  A line ending with 。 and followed by a credit is an item's end, never a
sentence cut by the layout.  A page is a brief list when at least two items end with a
parenthesised credit, or at least two items of 25+ Han characters carry a symbol marker; a
numbered list inside a story has neither, and stays a list.

Markers are layout and are taken off; credits go to Byline (and the names to Authors).  Short
heading lines printed right before the first item (工会动态, 本版导读 is furniture) are the
page's column label: every brief gets it as Column.  An item without a headline gets its first
sentence (from its first clause, a leading 近日/5月11日 skipped) as a derived Title.
"""

import re

from importer.blocks import BRIEF_MARKER, CAPTION_START, TRAILING_CREDIT, Block
from importer.text import han_count

HAN = r"[\u4e00-\u9fff]"
CREDIT_LINE = re.compile(r"^\s*[(（](?P<credit>[^()（）。，,]{2,30})[)）]\s*$")
ROLE = re.compile(r"^(?:本报|特约)?(?:通讯员|记者|见习记者|实习生|作者|摄影|摄|文|图|图文|供稿|撰稿)[:：/\s]*")
NOT_A_PERSON = re.compile(r"(?:工会|公司|集团|供稿|供图|报|网|台|社|办|中心|委员会|局|厅|部|处|科|站|所|院|校|厂|队)$")
SYMBOL_MARKERS = set("▲△■□●○◆◇★☆►▶•")
MIN_SYMBOL_ITEM_HAN = 25
TIME_OPENER = re.compile(r"^(?:近日|日前|近期|最近|日前|前不久|不久前|今年以来|今年|近年来|本月|上月|"
                         r"\d{1,2}月\d{1,2}日(?:上午|下午|晚上|晚|起|至\d{1,2}日)?|"
                         r"\d{4}年\d{1,2}月\d{1,2}日(?:上午|下午|晚上)?|\d{1,2}月(?:上旬|中旬|下旬|初|底)?)"
                         r"[，,、]\s*")
TITLE_MAX = 30


def credit_people(credit: str) -> list[str]:
    """Names in a credit: '通讯员 张三 李四' -> [张三, 李四]; '宝鸡县总工会' -> []."""
    names = []
    for chunk in re.split(r"[\s、，,/]+|(?=编辑[:：])", credit.strip()):
        if re.match(r"^(?:编辑|责编|审核)[:：]", chunk):
            break                       # the website's editors come last and are not authors
        chunk = ROLE.sub("", chunk)
        chunk = re.sub(r"^.*?(?:记者|通讯员)[:：]?", "", chunk)
        chunk = re.sub(r"(?:摄|文|供图|图)$", "", chunk) if len(chunk) > 2 else chunk
        if re.fullmatch(rf"{HAN}{{2,4}}", chunk) and not NOT_A_PERSON.search(chunk):
            names.append(chunk)
    return names


def is_credit(text: str) -> bool:
    """Parenthesised text that reads as a credit: names, roles, a unit; no sentence."""
    inner = text.strip()
    if han_count(inner) < 2 or re.search(r"[。；;！!？?]", inner):
        return False
    return bool(credit_people(inner)) or bool(NOT_A_PERSON.search(inner.split()[-1])) \
        or bool(ROLE.match(inner)) or "供稿" in inner or "供图" in inner


def _marker(block: Block) -> str:
    match = BRIEF_MARKER.match(block.lines[0])
    if not match or CAPTION_START.match(block.lines[0]):
        return ""
    return match.group("marker")


def _trailing_credit(block: Block) -> str:
    match = TRAILING_CREDIT.search(block.lines[-1])
    return match.group("credit") if match and is_credit(match.group("credit")) else ""


def _credit_line(block: Block) -> str:
    match = CREDIT_LINE.match(block.raw) if len(block.lines) == 1 else None
    return match.group("credit") if match and is_credit(match.group("credit")) else ""


def mark(blocks: list[Block]) -> bool:
    """Find the items of a brief list (before classify); True when the page is one.

    Takes markers and trailing credits off the text of the items' blocks."""
    credited = 0
    symbol_items = 0
    for block in blocks:
        if _trailing_credit(block) or _credit_line(block):
            credited += 1
        marker = _marker(block)
        if marker in SYMBOL_MARKERS and han_count(block.raw) >= MIN_SYMBOL_ITEM_HAN:
            symbol_items += 1
    if credited < 2 and symbol_items < 2:
        return False
    after_end = False
    for block in blocks:
        marker = _marker(block)
        credit_line = _credit_line(block)
        if credit_line:
            block.brief_end = True
            after_end = True
            continue
        if marker:
            block.marker = marker
            block.lines[0] = BRIEF_MARKER.sub("", block.lines[0], count=1)
        block.brief_start = bool(marker) or after_end
        credit = _trailing_credit(block)
        if credit:
            block.credit = credit
            block.lines[-1] = TRAILING_CREDIT.sub("", block.lines[-1])
            block.brief_end = True
        after_end = bool(credit)
    return True


def derived_title(text: str) -> str:
    """A brief's title from its first sentence: first clause, a leading time phrase skipped."""
    sentence = re.split(r"(?<=[。！？!?])", text.strip(), maxsplit=1)[0].rstrip("。！？!? ")
    sentence = TIME_OPENER.sub("", sentence, count=1)
    if len(sentence) > TITLE_MAX:
        clauses = re.split(r"[，,；;：:]", sentence)
        kept = clauses[0]
        for clause in clauses[1:]:
            if len(kept) >= 10:
                break
            kept += "，" + clause
        sentence = kept
    if len(sentence) > TITLE_MAX + 10:
        sentence = sentence[:TITLE_MAX] + "…"
    return sentence.strip()


LABEL_MAX = 10


def page_labels(blocks: list[Block]) -> list[Block]:
    """Heading lines printed right before the first item (工会动态): the page's column label.
    Call after classify; they get kind "page_label"."""
    first = next((i for i, block in enumerate(blocks) if block.brief_start), None)
    if first is None:
        return []
    labels = []
    position = first - 1
    while position >= 0 and blocks[position].kind in {"short", "label", "heading"} \
            and len(blocks[position].text) <= LABEL_MAX and len(labels) < 2:
        labels.insert(0, blocks[position])
        position -= 1
    for block in labels:
        block.kind = "page_label"
    return labels
