"""Page furniture: what a web page or e-paper adds around the stories, set aside line by line.

Every rule matches a *whole line* (folded: simplified, half-width, lower case), so story text
is never cut.  On a web page (a date/source line near the top, or several furniture lines) the
headline is the heading-like line printed with that date line (just before it, or just after
it when the source/byline line comes first); everything above it is the site's header, and
everything from a footer marker (相关阅读, 上一篇, 版权所有 …) after the story is the site's
footer.  Masthead lines (paper, date, 第N版) and date/source lines become the page's Facts.
Nothing is deleted silently: every line set aside is listed with its reason, and the
accounting counts its characters.
"""

import re
from dataclasses import dataclass, field

from importer.classify import is_short_line
from importer.pagefacts import Facts, masthead, meta_line
from importer.text import han_count
from union_text import fold

_RULES = [
    ("breadcrumb", r"^(当前位置|您当前的位置|您的位置|你的位置|所在位置|位置)\s*[:]?.*"),
    ("breadcrumb", r"^[^。,，;；]{1,16}(\s*(>>|>|»|›|→)\s*[^。,，;；>]{1,16}){1,6}\s*(>>|>|»|›)?$"),
    ("share buttons", r"^(分享(到|至)?|转发到?|一键分享)\s*[:]?.{0,30}$"),
    ("share buttons", r"^(用微信扫码二维码|分享至好友和朋友圈|微信扫一扫.*|扫一扫.{0,20}|"
                      r"扫描二维码.{0,20}|长按(识别)?二维码.{0,20}|(微信|微博|qq空间|qq|朋友圈|"
                      r"复制链接|\s)+)$"),
    ("app prompt", r"^.{0,6}(打开|下载|安装).{0,12}(app|客户端|新闻|阅读更多|查看).{0,16}$"),
    ("app prompt", r"^.{0,10}(查看精彩图片|体验效果更佳|用手机看|app内(打开|阅读)|阅读原文|展开全文|"
                   r"点击(查看|阅读)(全文|原文|更多)|关注(我们|公众号).{0,20}|下载.{0,8}客户端.{0,12})$"),
    ("editor credit", r"^[\[(]?(责任编辑|编辑|责编|审核|审校|校对|初审|二审|三审|终审|值班编辑|监制|"
                      r"制作|统筹)\s*[:]\s*[^。]{1,30}[\])]?$"),
    ("previous/next links", r"^((上一篇|下一篇|上一条|下一条|上一版|下一版)(\s*:.{0,40}|\s+\S.{0,38})?"
                            r"|/?阅读下一篇/?|返回(顶部|首页|列表|目录|网易首页)|返回.{0,8}首页)$"),
    ("page tools", r"^(\[|【)?(字号|字体)\s*[:]?.{0,12}(\]|】)?$"),
    ("page tools", r"^((打印|关闭|收藏|点赞|举报|纠错|评论|分享|字号|大|中|小|放大|缩小|默认|登录|注册|"
                   r"退出登录|个人中心|历史|订阅|申请入驻|时讯|[\[\]【】|()+⁺×\d\s]|本页|窗口|此页)\s*)+$"),
    ("view count", r"^(浏览|阅读|点击)(次数|量|数)?\s*[:]?\s*\d+\s*(次)?$"),
    ("copyright", r".{0,40}(版权所有|版权声明|copyright|©|icp(备|证)|公网安备|违法和不良信息举报|"
                  r"未经(书面)?授权.{0,6}(不得|禁止)(转载|使用)|本平台仅提供信息存储服务|特别声明|"
                  r"all rights reserved|网站地图|技术支持\s*[:]).*"),
    ("e-paper navigation", r"^(本版导读|版面导航|标题导航|版面概览|往期回顾|数字报纸|放大\s*缩小\s*默认)$"),
    ("picture placeholder", r"^([\w-]{6,}\.(png|jpe?g|gif|webp)|【?查看原图】?|\(?资料图片仅供参考\)?|"
                            r"\[?图片\]?)$"),
]
_COMPILED = [(why, re.compile(pattern)) for why, pattern in _RULES]
FOOTER_MARKER = re.compile(
    r"^(相关(新闻|阅读|推荐|文章|链接|内容|报道)|热(门|点)(推荐|新闻|文章|阅读)|推荐(阅读|视频|新闻)|"
    r"猜你喜欢|精彩推荐|更多(新闻|精彩|推荐)|全部评论|网友评论|发表评论|我要评论|请先登录后发表评论|"
    r"关键词|标签|相关阅读)\s*[:]?.{0,60}$")
FOOTER_KINDS = {"copyright", "previous/next links", "share buttons", "editor credit"}
PICTURE = "picture placeholder"


@dataclass
class SetAside:
    line: int
    text: str
    why: str


@dataclass
class Page:
    lines: list[tuple[int, str | None]]     # every line by number; None = set aside
    facts: Facts
    set_aside: list[SetAside] = field(default_factory=list)
    web: bool = False
    headline: int | None = None             # line number of a web page's headline
    caption_lines: set[int] = field(default_factory=set)   # lines printed under a picture


def furniture(line: str) -> str:
    """The reason a line is page furniture, or ''."""
    folded = fold(line).strip()
    if not folded:
        return ""
    for why, pattern in _COMPILED:
        if pattern.match(folded):
            return why
    return ""


def _looks_like_headline(text: str) -> bool:
    return han_count(text) >= 4 and is_short_line(text)


def read_page(text: str) -> Page:
    numbered = list(enumerate(text.split("\n"), start=1))
    facts = Facts()
    why: dict[int, str] = {}
    undated: dict[int, Facts] = {}        # 来源/作者 lines without a date: page-level only on the web
    for number, line in numbered:
        if not line.strip():
            continue
        reason = furniture(line)
        if reason:
            why[number] = reason
            continue
        if masthead(line, facts):
            why[number] = "masthead"
            continue
        found = Facts()
        if meta_line(line, found):
            if found.date:
                _merge(facts, found)
                why[number] = "date/source line"
            else:
                undated[number] = found
    dated = [n for n, reason in why.items() if reason == "date/source line"]
    web_kinds = [r for r in why.values() if r not in {"masthead", "e-paper navigation"}]
    web = bool(dated) or len(web_kinds) >= 2
    page = Page([], facts, web=web)
    if web:
        headline = _headline(numbered, why, dated or sorted(undated)[:1], set(undated))
        page.headline = headline
        first_body = next((n for n, line in numbered if line.strip() and n not in why
                           and n not in undated and (headline is None or n > headline)
                           and not is_short_line(line)), None)
        for number, found in undated.items():
            if first_body is None or number < first_body:
                _merge(facts, found)
                why[number] = "date/source line"
        for number, line in numbered:
            if line.strip() and headline is not None and number < headline and number not in why:
                why[number] = "site header"
        footer_from = _footer_start(numbered, why, headline)
        if footer_from is not None:
            for number, line in numbered:
                if number >= footer_from and line.strip() and why.get(number) not in {
                        "masthead", "date/source line"}:
                    why.setdefault(number, "page footer")
        for number, line in numbered:             # web pages: lines without any Chinese
            if line.strip() and number not in why and han_count(line) == 0:
                why[number] = "no Chinese text"
    previous_picture = False
    for number, line in numbered:
        if not line.strip():
            page.lines.append((number, line))
            continue
        if number in why:
            page.set_aside.append(SetAside(number, line, why[number]))
            page.lines.append((number, None))
            previous_picture = why[number] == PICTURE or "图片" in fold(line) or "原图" in fold(line)
            continue
        if previous_picture and len(line.strip()) <= 80:
            page.caption_lines.add(number)
        previous_picture = False
        page.lines.append((number, line))
    return page


def _merge(facts: Facts, found: Facts) -> None:
    facts.date = facts.date or found.date
    facts.source = facts.source or found.source
    facts.bylines += found.bylines


def _footer_start(numbered, why, headline) -> int | None:
    """First line of the site's footer: a footer marker after some story text."""
    body_seen = False
    for number, line in numbered:
        if not line.strip() or headline is not None and number <= headline:
            continue
        if number not in why and FOOTER_MARKER.match(fold(line).strip()) and body_seen:
            return number
        if why.get(number) in FOOTER_KINDS and body_seen \
                and _only_furniture_after(numbered, why, number):
            return number
        if number not in why and not is_short_line(line):
            body_seen = True
    return None


def _only_furniture_after(numbered, why, start: int) -> bool:
    """From `start` on, is there no more story text (only furniture, short link lines)?"""
    for number, line in numbered:
        if number <= start or not line.strip() or number in why:
            continue
        if not is_short_line(line) and han_count(line) > 40:
            return False
    return True


def _headline(numbered, why: dict[int, str], meta: list[int], skip: set[int]) -> int | None:
    """Line number of the headline printed with the first date/source line (``skip``: undated
    byline/source lines, which may stand before or after the headline)."""
    if not meta:
        candidates = [n for n, line in numbered if line.strip() and n not in why and n not in skip]
        return None if not candidates else (
            candidates[0] if _looks_like_headline(dict(numbered)[candidates[0]]) else None)
    first = meta[0]
    lines = dict(numbered)
    before = [n for n in range(first - 1, 0, -1) if lines[n].strip() and n not in why
              and n not in skip]
    if before and _looks_like_headline(lines[before[0]]):
        return before[0]
    after = [n for n in range(first + 1, len(numbered) + 1)
             if lines[n].strip() and why.get(n) not in {"date/source line", "masthead"}
             and n not in skip]
    for number in after:
        if number in why:
            continue
        return number if _looks_like_headline(lines[number]) else None
    return None


def describe(set_aside: list[SetAside]) -> list[str]:
    """One line per reason: 'site header: lines 1-4, 6 (“首页 导航 …”)'."""
    by_reason: dict[str, list[SetAside]] = {}
    for item in set_aside:
        by_reason.setdefault(item.why, []).append(item)
    notes = []
    for reason, items in by_reason.items():
        numbers = _ranges([item.line for item in items])
        sample = re.sub(r"\s+", " ", items[0].text.strip())
        sample = sample if len(sample) <= 16 else sample[:16] + "…"
        notes.append(f"{reason}: {numbers} set aside (“{sample}”)")
    return notes


def _ranges(numbers: list[int]) -> str:
    numbers = sorted(numbers)
    parts, start = [], None
    for index, number in enumerate(numbers):
        if start is None:
            start = number
        if index + 1 == len(numbers) or numbers[index + 1] != number + 1:
            parts.append(f"{start}" if start == number else f"{start}-{number}")
            start = None
    return ("line " if len(numbers) == 1 else "lines ") + ", ".join(parts)
