"""The region scan's inner loops, in compiled code (numpy, the regex engine).

- `PrefixIndex.starts(folded)`: the positions where a place form may start,
  that is where the two characters are the first two of some form (one
  position in fifteen of ordinary text).  Testing every position in Python
  was the costliest line of the tagger; here the text's character pairs are
  looked up in a sorted array of the forms' pairs all at once.
- `PhraseFinder.spans(folded)`: the longest blocked phrase starting at each
  position.
"""

import re

_CODE_BITS = 21   # every code point fits in 21 bits: a pair packs into one 64-bit key
_CODE_LIMIT = 0x110000


class PrefixIndex:
    """Which character pairs start a place form; built on first use (numpy loads then)."""

    def __init__(self, prefixes):
        self._prefixes = prefixes     # a collection of two-character strings
        self._keys = None

    def _tables(self):
        """(is a form's first character, is a form's second character, sorted pair keys)."""
        if self._keys is None:
            import numpy as np
            pairs = "".join(p for p in self._prefixes if len(p) == 2)
            codes = _code_points(pairs)
            firsts, seconds = (np.zeros(_CODE_LIMIT, dtype=bool) for _ in range(2))
            firsts[codes[0::2]] = True
            seconds[codes[1::2]] = True
            self._keys = firsts, seconds, np.unique((codes[0::2] << _CODE_BITS) | codes[1::2])
        return self._keys

    def starts(self, folded: str) -> list:
        """Positions i (ascending) where folded[i:i + 2] is the start of some form."""
        if len(folded) < 2:
            return []
        import numpy as np
        firsts, seconds, keys = self._tables()
        codes = _code_points(folded)
        # cheap test first (each character on its own), the pair lookup on what passes
        maybe = np.flatnonzero(firsts[codes[:-1]] & seconds[codes[1:]])
        pairs = (codes[maybe] << _CODE_BITS) | codes[maybe + 1]
        found = np.searchsorted(keys, pairs)
        found[found == len(keys)] = 0
        return maybe[keys[found] == pairs].tolist()


def _code_points(text: str):
    """The text's code points as an array of unsigned 64-bit ints (lone surrogates included)."""
    import numpy as np
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.uint64)


class PhraseFinder:
    """Every position where one of `phrases` starts, with the longest phrase starting there
    (phrases may overlap: 合作市场 and 作市 both count)."""

    def __init__(self, phrases):
        ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
        # alternatives are tried in order, so longest first finds the longest at a position;
        # the regex engine skips positions whose character starts no phrase
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def spans(self, folded: str) -> list:
        """[(start, end)] ascending by start: the longest phrase at each start."""
        spans = []
        hit = self._pattern.search(folded) if self._pattern is not None else None
        while hit is not None:
            spans.append(hit.span())
            hit = self._pattern.search(folded, hit.start() + 1)
        return spans
