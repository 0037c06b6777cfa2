"""Character-level helpers shared by the importer steps (full- and half-width aware)."""

import re
from collections import Counter

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")

# A sentence may end with these (both widths; the seeds use half-width marks inside Chinese).
SENTENCE_END = set("。．.!！?？…;；")
# Closing marks that may follow a sentence end: 。” counts as an end, a bare ” does not.
CLOSERS = set("”’」』)）》】\"'")


def han_chars(text: str) -> list[str]:
    return _HAN.findall(text or "")


def han_count(text: str) -> int:
    return len(han_chars(text))


def han_multiset(text: str) -> Counter:
    return Counter(han_chars(text))


def ends_sentence(text: str) -> bool:
    """True when the text ends with a finished sentence (closing quotes are looked through)."""
    stripped = text.rstrip()
    while stripped and stripped[-1] in CLOSERS:
        stripped = stripped[:-1]
    return bool(stripped) and stripped[-1] in SENTENCE_END


def quotes_balanced(text: str) -> bool:
    return text.count("“") == text.count("”") and text.count("《") == text.count("》") \
        and text.count("(") + text.count("（") == text.count(")") + text.count("）")


def join_pieces(left: str, right: str) -> str:
    """Glue two pieces of one paragraph: no space in Chinese, one space between Latin words."""
    left, right = left.rstrip(), right.lstrip()
    if left and right and left[-1].isascii() and left[-1].isalpha() \
            and right[0].isascii() and right[0].isalpha():
        return left + " " + right
    return left + right


def bigrams(text: str) -> set[str]:
    """Distinct Han character bigrams: the lexical fingerprint used to match separated pieces."""
    han = "".join(han_chars(text))
    return {han[i:i + 2] for i in range(len(han) - 1)}


def squash_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
