"""Access to the project's one text normaliser (plugins/union_text).

The tagger matches on folded text (NFKC, lowercase, traditional → simplified)
and quotes the original text in its reasons; the fold is length-preserving,
so offsets agree.  union_text owns the conversion: nothing here converts.
"""

import functools


@functools.lru_cache(maxsize=1)
def _folder():
    try:
        from union_text import fold
    except ImportError:
        from union_text.fold import fold
    return fold


@functools.lru_cache(maxsize=64)
def fold(text: str) -> str:
    """Folded text; the last few results are kept, since a story's sections are folded
    by the region scan, the union-name scan and the topic scan in turn."""
    folded = _folder()(text or "")
    if len(folded) != len(text or ""):
        raise RuntimeError("union_text.fold changed the text length; the tagger needs "
                           "a per-character fold to quote the original text")
    return folded
