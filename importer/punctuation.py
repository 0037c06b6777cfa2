"""Half-width punctuation inside Chinese text becomes full-width: , : ; ? ! ( ) → ，：；？！（）.

A mark changes when it sits in Chinese: one neighbour is Chinese (a Han character, CJK or
full-width punctuation, curly quotes, …… or ——) and the other is Chinese too, a digit, % or the
line's edge (2021年,1502人 / 达100%,其中 / 他问:“为什么?”).  A mark with Latin text or a space on
one side stays (Hello, world / APP, 方便 …), and so does one between two digits (8:30, 1,000).
Brackets change in pairs when the pair encloses Chinese text (集团(温岭)建设, 县(市、区)) and
one of them touches Chinese; a lone bracket only between Chinese characters.  Web addresses,
e-mail addresses and Markdown link targets are never touched.
"""

import re

FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_CHINESE = re.compile(r"[\u2014\u2018\u2019\u201c\u201d\u2026\u3000-\u303f\u3400-\u4dbf"
                      r"\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0002fa1f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_PROTECTED = re.compile(r"(?:https?|ftp)://[^\s\u3000-\u303f\uff00-\uffef“”‘’<>]+"
                        r"|www\.[A-Za-z0-9.-]+[^\s\u3000-\u303f\uff00-\uffef“”‘’<>]*"
                        r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
                        r"|\]\([^)\s]*\)|\{static\}[^\s)]*|\{filename\}[^\s)]*", re.ASCII)


def _chinese(char: str) -> bool:
    return bool(char) and bool(_CHINESE.match(char))


def _edge_or_number(char: str) -> bool:
    return char == "" or char.isdigit() and char.isascii() or char == "%"


def _in_chinese(before: str, after: str) -> bool:
    if _chinese(before):
        return _chinese(after) or _edge_or_number(after)
    return _chinese(after) and _edge_or_number(before)


def _next_word_char(line: str, start: int) -> str:
    while start < len(line) and line[start] in ",:;?!":
        start += 1
    return line[start] if start < len(line) else ""


def _bracket_pairs(line: str, protected: list[bool]) -> dict[int, int]:
    stack, pairs = [], {}
    for index, char in enumerate(line):
        if protected[index]:
            continue
        if char in "(（":
            stack.append(index)
        elif char in ")）" and stack:
            pairs[stack.pop()] = index
    return pairs


def normalize_line(line: str) -> tuple[str, int]:
    """The line with half-width marks inside Chinese made full-width, and how many changed."""
    if not any(mark in line for mark in FULL):
        return line, 0
    protected = [False] * len(line)
    for match in _PROTECTED.finditer(line):
        for index in range(match.start(), match.end()):
            protected[index] = True
    chars = list(line)
    changed = 0
    pairs = _bracket_pairs(line, protected)
    for opening, closing in pairs.items():
        if line[opening] != "(" and line[closing] != ")":
            continue
        inside = line[opening + 1:closing]
        outside = (line[opening - 1] if opening else "", _next_word_char(line, closing + 1))
        if _HAN.search(inside) and (any(_chinese(char) for char in outside)
                                    or not any(outside)):
            for index in (opening, closing):
                if chars[index] in "()":
                    chars[index] = FULL[chars[index]]
                    changed += 1
    paired = set(pairs) | set(pairs.values())
    for index, char in enumerate(chars):
        if char not in FULL or protected[index]:
            continue
        before = chars[index - 1] if index else ""
        following = index + 1
        while following < len(chars) and chars[following] in ",:;?!" and char not in "()":
            following += 1          # 真的吗?!” : a run of marks is judged by what ends it
        after = chars[following] if following < len(chars) else ""
        if char in "()":
            if index in paired or not (_chinese(before) and _chinese(after)):
                continue
        elif not _in_chinese(before, after):
            continue
        chars[index] = FULL[char]
        changed += 1
    return "".join(chars), changed


def normalize(text: str) -> tuple[str, int]:
    """normalize_line on every line; returns the text and the number of marks changed."""
    lines, total = [], 0
    for line in text.split("\n"):
        fixed, count = normalize_line(line)
        lines.append(fixed)
        total += count
    return "\n".join(lines), total
