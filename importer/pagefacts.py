"""What a page says about itself: masthead (paper, date, 第N版) and web date/source lines.

Lines are matched on their folded form (union_text.fold: full-width → half-width, traditional →
simplified), so 發佈時間：2024年5月2日 and 发布时间:2024-05-02 read the same.  Recognised lines
are *set aside* (their characters are accounted for, not carried into a story): Date and Source
come from them.
"""

import re
from dataclasses import dataclass, field

from union_text import fold

PAPER = (r"(?:《)?(?P<paper>[\u4e00-\u9fffA-Za-z]{2,10}?"
         r"(?:日报|晚报|工人报|周报|时报|导报|商报|工报|快报|报))(?:》)?")
DATE_TEXT = (r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
             r"|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}")
DATE = re.compile(DATE_TEXT)
CLOCK = r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
WEEKDAY = r"(?:\s*星期[一二三四五六日天]|\s*周[一二三四五六日])?"
DATE_ONLY = re.compile(rf"^(?:{DATE_TEXT}){CLOCK}{WEEKDAY}$")
DATE_LEAD = re.compile(rf"^(?:{DATE_TEXT}){CLOCK}{WEEKDAY}")
EDITION = re.compile(r"^(?:第\s*0*(?P<n>\d{1,3})\s*版|0*(?P<m>\d{1,5})\s*版)"
                     r"(?:\s*[:]?\s*(?P<section>[\u4e00-\u9fff]{1,8}))?$")
PAPER_LINE = re.compile(rf"^{PAPER}(?:\s*(?:数字报纸?|电子版|数字版))?$")
BRACKETED_SOURCE = re.compile(rf"^{PAPER}\s*\(\s*(?P<date>{DATE_TEXT})\s*0*(?P<n>\d{{1,3}})\s*版\s*\)$")
LABELS = {"来源": "source", "信息来源": "source", "稿件来源": "source", "出处": "source",
          "作者": "byline", "记者": "byline", "撰稿": "byline",
          "时间": "date", "日期": "date", "发布时间": "date", "发布日期": "date", "发表时间": "date",
          "更新时间": "date", "发布": "date", "编辑": "editor", "责任编辑": "editor", "责编": "editor",
          "浏览": "count", "浏览次数": "count", "点击": "count", "点击数": "count", "阅读": "count",
          "阅读量": "count", "字号": "ui", "分享": "ui", "分享到": "ui", "打印": "ui"}
_LABEL_NAMES = "|".join(sorted(LABELS, key=len, reverse=True))
LABEL_SPLIT = re.compile(rf"\s*[|]\s*|\s{{2,}}|(?<=\S)\s+(?=(?:{_LABEL_NAMES})\s*:)")
FIELD = re.compile(rf"^(?P<label>{_LABEL_NAMES})\s*:\s*(?P<value>.*)$")


def iso_date(text: str) -> str:
    """'2022年8月10日' / '2022-08-10' / '2022.8.10' -> '2022-08-10' ('' when not a real date)."""
    year, month, day = (int(n) for n in re.findall(r"\d+", text)[:3])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def chinese_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{int(year)}年{int(month)}月{int(day)}日"


@dataclass
class Facts:
    """What the page says about itself, and the lines it was read from."""
    paper: str = ""
    date: str = ""             # YYYY-MM-DD
    edition: str = ""          # "3" for 第3版
    source: str = ""           # a 来源 line
    bylines: list[str] = field(default_factory=list)

    def page_source(self) -> str:
        """Source for every story of the page, from what it printed ('' when it names no paper)."""
        name = self.source or self.paper
        if not name:
            return ""
        parts = [name]
        if self.date and not self.source:
            parts.append(chinese_date(self.date))
        if self.edition and not self.source:
            parts.append(f"第{self.edition}版")
        return " ".join(parts)


def _first_date(text: str) -> str:
    match = DATE.search(text)
    return iso_date(match.group(0)) if match else ""


def masthead(line: str, facts: Facts) -> bool:
    """A masthead line (paper name, date line, 第N版, or several of them): record it."""
    folded = fold(line).strip()
    if not folded or len(folded) > 60:
        return False
    tokens = re.split(r"\s+", folded)
    found = Facts()
    rest = []
    joined = " ".join(tokens)
    bracket = BRACKETED_SOURCE.match(joined)
    if bracket:                                  # 《工人日报》(2014年12月08日 02版)
        found.paper, found.date = bracket.group("paper"), _first_date(joined)
        found.edition = str(int(bracket.group("n")))
    else:
        position = 0
        while position < len(tokens):
            token = tokens[position]
            two = " ".join(tokens[position:position + 2])
            if DATE_ONLY.match(two) and len(tokens) > position + 1 and not DATE_ONLY.match(token):
                found.date, position = _first_date(two), position + 2
                continue
            if DATE_ONLY.match(token):
                found.date = _first_date(token)
            elif re.fullmatch(r"星期[一二三四五六日天]|\d{1,2}:\d{2}(?::\d{2})?", token):
                pass
            elif PAPER_LINE.match(two) and position + 1 < len(tokens):
                found.paper, position = PAPER_LINE.match(two).group("paper"), position + 2
                continue
            elif EDITION.match(token) or EDITION.match(two):
                match = EDITION.match(token) or EDITION.match(two)
                found.edition = str(int(match.group("n") or match.group("m")))
                if not EDITION.match(token):
                    position += 1
            elif PAPER_LINE.match(token) or PAPER_LINE.match(two):
                found.paper = (PAPER_LINE.match(token) or PAPER_LINE.match(two)).group("paper")
                if not PAPER_LINE.match(token):
                    position += 1
            else:
                rest.append(token)
            position += 1
    if rest or not (found.paper or found.date or found.edition):
        return False
    facts.paper = facts.paper or found.paper
    facts.date = facts.date or found.date
    facts.edition = facts.edition or found.edition
    return True


def _parts(line: str) -> list[tuple[str, str]]:
    """(folded, original) pieces of a line split at | , wide spaces and before labels."""
    folded = fold(line)
    pieces, start = [], 0
    for separator in list(LABEL_SPLIT.finditer(folded)) + [None]:
        end = separator.start() if separator else len(folded)
        piece = (folded[start:end], line[start:end])
        strip = "[]【】() \u3000"
        if piece[0].strip(strip):
            lead = len(piece[0]) - len(piece[0].lstrip(strip))
            tail = len(piece[0].rstrip(strip))
            pieces.append((piece[0][lead:tail], piece[1][lead:tail]))
        start = separator.end() if separator else end
    return pieces


def meta_line(line: str, facts: Facts) -> bool:
    """A web date/source line (发布时间 …, 2023-07-11 09:05 来源:…, | 编辑: … | 来源: … |)."""
    folded = fold(line).strip()
    if not folded or len(folded) > 90 or folded.endswith((".", "。")):
        return False
    found = Facts()
    labelled = False
    bare = []
    for part, original in _parts(line.strip()):
        match = FIELD.match(part)
        if match:
            labelled = True
            kind = LABELS[match.group("label")]
            value = original[match.start("value"):].strip()
            if kind == "source" and value:
                found.source = value.strip("《》〈〉 ")
            elif kind == "byline" and value:
                found.bylines.append(value)
            elif kind == "date":
                found.date = _first_date(part[match.start("value"):]) or found.date
            continue
        lead = DATE_LEAD.match(part)
        if lead:
            found.date = _first_date(lead.group(0))
            remainder = original[lead.end():].strip()
            if remainder:
                bare.append(remainder)
            continue
        bare.append(original)
    if not found.date and not (labelled and (found.source or found.bylines)):
        return False
    if bare:
        if len(bare) > 1 or found.source or len(bare[0]) > 20 or re.search(r"[。,，;；]", bare[0]):
            return False
        found.source = bare[0]                   # 2020-01-15 09:32:33 看看新闻Knews综合
    facts.date = facts.date or found.date
    facts.source = facts.source or found.source
    facts.bylines += found.bylines
    return True
