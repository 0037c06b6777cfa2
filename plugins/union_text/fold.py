"""Length-preserving character folding.

Every character of the input maps to exactly one character of the output, so
an offset into folded text is an offset into the original: the search
highlighter and the tagger rely on that.  Folding is, per character:
NFKC (only when it yields a single character: full-width → half-width,
compatibility ideographs → unified ones), lowercase (only when it stays one
character), then traditional → simplified from OpenCC's character table.
"""

from __future__ import annotations

import os
import unicodedata
from functools import lru_cache

# OpenCC's dictionaries as shipped by the opencc-python-reimplemented wheel
# (requirements.txt).  TSCharacters maps traditional → simplified; the
# *VariantsRev tables map Taiwan/Hong Kong variant glyphs to the OpenCC
# standard traditional form first.
_T2S_TABLE = "TSCharacters.txt"
_VARIANT_TABLES = ("TWVariantsRev.txt", "HKVariantsRev.txt")
# simplified → traditional: its keys are characters in use in simplified text.
_S2T_TABLE = "STCharacters.txt"


def _opencc_dictionary_dir() -> str:
    try:
        import opencc  # opencc-python-reimplemented
    except ImportError as exc:  # pragma: no cover - install problem
        raise RuntimeError(
            "union_text needs opencc-python-reimplemented (see requirements.txt); "
            "run `make install`"
        ) from exc
    return os.path.join(os.path.dirname(opencc.__file__), "dictionary")


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _read_single_char_table(path: str) -> dict[str, str]:
    """Read an OpenCC table, keeping single-character entries and the first candidate."""
    table: dict[str, str] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            key, _, values = line.rstrip("\n").partition("\t")
            target = values.split(" ")[0] if values else ""
            if len(key) == 1 and len(target) == 1 and key != target:
                table[key] = target
    return table


@lru_cache(maxsize=1)
def t2s_map() -> dict[str, str]:
    """Traditional (and variant) character → simplified character."""
    directory = _opencc_dictionary_dir()
    t2s = _read_single_char_table(os.path.join(directory, _T2S_TABLE))
    result = dict(t2s)
    for name in _VARIANT_TABLES:
        for variant, standard in _read_single_char_table(os.path.join(directory, name)).items():
            if not _in_gb2312(variant):  # 著 and 抬 are ordinary simplified characters
                result.setdefault(variant, t2s.get(standard, standard))
    # Characters that simplified text itself uses (著, 么 …) are never rewritten:
    # folding them would change ordinary simplified words and jieba's view of them.
    in_simplified_use = set(_read_single_char_table(os.path.join(directory, _S2T_TABLE)))
    in_simplified_use.update(t2s.values())
    return {k: v for k, v in result.items() if k != v and k not in in_simplified_use}


def fold_char(char: str) -> str:
    """Fold one character to one character (see module docstring)."""
    normalized = unicodedata.normalize("NFKC", char)
    if len(normalized) != 1:
        normalized = char
    lowered = normalized.lower()
    if len(lowered) == 1:
        normalized = lowered
    return t2s_map().get(normalized, normalized)


class _FoldTable(dict):
    """str.translate table that folds and remembers each character on first sight."""

    def __missing__(self, codepoint: int) -> str:
        folded = fold_char(chr(codepoint))
        self[codepoint] = folded
        return folded


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Return `text` folded character by character; len(fold(t)) == len(t)."""
    return text.translate(_TABLE)


def is_word_char(char: str) -> bool:
    """Letters (all scripts, CJK included) and digits; everything else breaks words."""
    return unicodedata.category(char)[0] in "LN"


class _WordFlagTable(dict):
    """str.translate table: word character → "w", any other → "-" (remembered per character)."""

    def __missing__(self, codepoint: int) -> str:
        flag = "w" if is_word_char(chr(codepoint)) else "-"
        self[codepoint] = flag
        return flag


_WORD_FLAGS = _WordFlagTable()


def word_flags(text: str) -> str:
    """One flag per character of `text`: "w" for a word character, "-" otherwise.

    A regex over the flags finds word runs at C speed with exactly
    is_word_char's definition (the regex \\w class differs on a few symbols).
    """
    return text.translate(_WORD_FLAGS)
