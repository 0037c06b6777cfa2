"""China's administrative divisions: every province, city, county and township.

Two committed files in data/, both made by tools/build_gazetteer.py:

- gazetteer.tsv: code, name, parent code, level, slug; derived from the npm
  package china-division (source and date in its header).  Human-readable;
  the build does not parse it.
- gazetteer.bin: the same places and every name they can be written as
  (forms.py), compiled into columns of plain Python values (zlib-compressed
  pickle).  Loading it is one decompression and one unpickling (~40 ms)
  instead of parsing 42,000 lines and deriving 80,000 names (~1 s).

The .bin records the digest of the .tsv and of the code that derives names;
if either changed without recompiling, the places are compiled in memory
(slow, and logged) so the build is never wrong, and a test fails until the
.bin is recompiled.

Codes are hierarchical (NBS codes: 2 digits province, 4 city, 6 county, 9
township), so ancestry is a prefix test.  Places are made on demand.
"""

import array
import bisect
import functools
import hashlib
import logging
import pickle
import zlib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / "data"
GAZETTEER_TSV = DATA_DIR / "gazetteer.tsv"
GAZETTEER_BIN = DATA_DIR / "gazetteer.bin"
LEVELS = ("province", "city", "county", "township")
LEVEL_NAMES = {"province": "省级", "city": "地级", "county": "县级", "township": "乡级"}
_LEVEL_CHAR = {"province": "p", "city": "c", "county": "k", "township": "t"}
_CHAR_LEVEL = {v: k for k, v in _LEVEL_CHAR.items()}
# NBS codes say their level by their length (checked when the TSV is read)
_LENGTH_LEVEL = {2: "province", 4: "city", 6: "county", 9: "township"}
BIN_FORMAT = 1   # bump when the layout of the .bin changes
# The code whose output is compiled into the .bin (the names derived from a
# place's name, and which readings a form keeps): a change makes the .bin stale.
COMPILED_FROM = ("names.py", "forms.py")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    level: str
    parent_code: str

    @property
    def depth(self) -> int:
        return LEVELS.index(self.level)


class Gazetteer:
    """Places by code, with parent/child links, paths and slugs.

    Columns sorted by code (so a code is found by bisection and a place's
    descendants follow it); Place objects are made on demand.
    """

    def __init__(self, codes, names, parents, levels, slugs, source=""):
        """codes: sorted list of str; names, slugs: lists (or _Column); parents: parent
        index per place (-1 for none); levels: one character per place (p c k t)."""
        if not (len(codes) == len(names) == len(parents) == len(levels) == len(slugs)):
            raise ValueError("gazetteer columns differ in length")
        if any(a >= b for a, b in zip(codes, codes[1:])):
            raise ValueError("gazetteer codes must be sorted and unique")
        self.codes, self.names, self.parents, self.levels, self.slugs = codes, names, parents, levels, slugs
        self.source = source
        self._places = {}
        self._paths = {}
        self._children = None

    def position(self, code) -> int:
        """Index of `code` in the columns, or -1."""
        i = bisect.bisect_left(self.codes, code) if isinstance(code, str) else -1
        return i if 0 <= i < len(self.codes) and self.codes[i] == code else -1

    def _pos(self, code) -> int:
        i = self.position(code)
        if i < 0:
            raise KeyError(code)
        return i

    # -- single places ------------------------------------------------------
    def __getitem__(self, code: str) -> Place:
        place = self._places.get(code)
        if place is None:
            i = self._pos(code)
            parent = self.parents[i]
            place = self._places[code] = Place(code, self.names[i], _CHAR_LEVEL[self.levels[i]],
                                               self.codes[parent] if parent >= 0 else "")
        return place

    def __contains__(self, code) -> bool:
        return self.position(code) >= 0

    def __len__(self) -> int:
        return len(self.codes)

    def name(self, code: str) -> str:
        return self.names[self._pos(code)]

    @staticmethod
    def level(code: str) -> str:
        """province, city, county or township (from the code's length: no lookup)."""
        return _LENGTH_LEVEL[len(code)]

    @staticmethod
    def depth(code: str) -> int:
        return LEVELS.index(_LENGTH_LEVEL[len(code)])

    def slug(self, code: str) -> str:
        return self.slugs[self._pos(code)]

    @property
    def places(self) -> dict:
        """code → Place for every place (builds all Place objects: for tests and tools)."""
        return {code: self[code] for code in self.codes}

    # -- hierarchy ----------------------------------------------------------
    def parent(self, code: str) -> str:
        parent = self.parents[self._pos(code)]
        return self.codes[parent] if parent >= 0 else ""

    def path_codes(self, code: str) -> tuple:
        """Codes from the province down to `code` (cached: the tagger asks often)."""
        chain = self._paths.get(code)
        if chain is None:
            out, i = [], self._pos(code)
            while i >= 0:
                out.append(self.codes[i])
                i = self.parents[i]
            chain = self._paths[code] = tuple(out[::-1])
        return chain

    def path(self, code: str) -> list:
        """Places from the province down to `code`."""
        return [self[c] for c in self.path_codes(code)]

    def ancestors(self, code: str) -> list:
        return self.path(code)[:-1]

    def is_ancestor(self, ancestor: str, code: str) -> bool:
        return len(ancestor) < len(code) and code.startswith(ancestor)

    def at_level(self, code: str, level: str):
        """The place of `level` on the path to `code` (or None)."""
        for place in self.path(code):
            if place.level == level:
                return place
        return None

    @property
    def children(self) -> dict:
        if self._children is None:
            children = {}
            codes = self.codes
            for code, parent in zip(codes, self.parents):
                if parent >= 0:
                    children.setdefault(codes[parent], []).append(code)
            self._children = children
        return self._children

    def descendants(self, code: str) -> list:
        out, stack = [], list(self.children.get(code, []))
        while stack:
            child = stack.pop()
            out.append(child)
            stack.extend(self.children.get(child, []))
        return out


class _Column:
    """A column of short strings kept as one string and offsets (a tenth of a list's memory)."""

    def __init__(self, joined: str, offsets):
        self.joined, self.offsets = joined, offsets

    @classmethod
    def of(cls, values):
        offsets, total = array.array("I", [0]), 0
        for value in values:
            total += len(value)
            offsets.append(total)
        return cls("".join(values), offsets)

    def __len__(self):
        return len(self.offsets) - 1

    def __getitem__(self, i):
        return self.joined[self.offsets[i]:self.offsets[i + 1]]

    def __iter__(self):
        joined, offsets = self.joined, self.offsets
        return (joined[offsets[i]:offsets[i + 1]] for i in range(len(offsets) - 1))


# -- the derived TSV ------------------------------------------------------------

def parse_tsv(path: Path) -> tuple:
    """(source note, rows of (code, name, parent, level, slug)) of a gazetteer TSV."""
    text = Path(path).read_text(encoding="utf-8")
    notes, rows = [], []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            notes.append(line.lstrip("# "))
            continue
        fields = line.split("\t")
        if len(fields) != 5 or fields[3] not in LEVELS or not fields[0].isdigit():
            raise ValueError(f"{path}:{lineno}: expected code, name, parent_code, level, slug "
                             f"separated by tabs; got {line!r}")
        rows.append(tuple(fields))
    return "\n".join(notes), rows


def gazetteer_from_rows(rows, source="") -> Gazetteer:
    rows = sorted(rows)
    codes = [r[0] for r in rows]
    position = {code: i for i, code in enumerate(codes)}
    parents = array.array("i")
    for code, name, parent, level, _ in rows:
        if parent and (parent not in position or not code.startswith(parent)):
            raise ValueError(f"{code} {name}: parent {parent!r} is not in the gazetteer "
                             "or is not a prefix of its code")
        if _LENGTH_LEVEL.get(len(code)) != level:
            raise ValueError(f"{code} {name}: a {level} code must have "
                             f"{ {v: k for k, v in _LENGTH_LEVEL.items()}[level] } digits")
        parents.append(position[parent] if parent else -1)
    return Gazetteer(codes, _Column.of([r[1] for r in rows]), parents,
                     "".join(_LEVEL_CHAR[r[3]] for r in rows), _Column.of([r[4] for r in rows]),
                     source)


# -- the compiled .bin ------------------------------------------------------------

def sources_digest(tsv: Path = GAZETTEER_TSV) -> str:
    """Digest of what the .bin is compiled from: the TSV and the name-deriving code."""
    digest = hashlib.sha256(Path(tsv).read_bytes())
    for name in COMPILED_FROM:
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()


def _columns(gaz: Gazetteer, forms) -> dict:
    """The gazetteer and its forms as a few strings and arrays (fast to unpickle, small)."""
    return {"codes": "\n".join(gaz.codes), "names": (gaz.names.joined, gaz.names.offsets),
            "slugs": (gaz.slugs.joined, gaz.slugs.offsets), "parents": gaz.parents,
            "levels": gaz.levels, "forms": forms.to_columns()}


def compile_bin(tsv: Path = GAZETTEER_TSV, output: Path = GAZETTEER_BIN) -> dict:
    """Compile the TSV and every name its places are written as into the .bin."""
    from .forms import derive_forms

    source, rows = parse_tsv(tsv)
    gaz = gazetteer_from_rows(rows, source)
    data = {"format": BIN_FORMAT, "digest": sources_digest(tsv), "source": source,
            **_columns(gaz, derive_forms(gaz))}
    Path(output).write_bytes(zlib.compress(pickle.dumps(data, protocol=4), 6))
    return data


def read_bin(path: Path = GAZETTEER_BIN) -> dict:
    return pickle.loads(zlib.decompress(Path(path).read_bytes()))


def read_compiled(tsv: Path = GAZETTEER_TSV, binary: Path = GAZETTEER_BIN) -> tuple:
    """(Gazetteer, CompiledForms): from the .bin, or compiled in memory if it is stale."""
    from .forms import CompiledForms, derive_forms

    data = None
    if Path(binary).exists():
        try:
            data = read_bin(binary)
        except (OSError, ValueError, EOFError, KeyError, pickle.UnpicklingError, zlib.error) as exc:
            logger.warning("%s: unreadable (%s); compiling the gazetteer in memory", binary, exc)
    else:
        logger.warning("%s is missing; compiling the gazetteer in memory (slow)", binary)
    if data is None or data.get("format") != BIN_FORMAT or data.get("digest") != sources_digest(tsv):
        if data is not None:
            logger.warning("%s is older than %s or the name rules; compiling in memory (slow). "
                           "Run: PYTHONPATH=plugins python -m union_tags.tools.build_gazetteer "
                           "--compile", binary, Path(tsv).name)
        source, rows = parse_tsv(tsv)
        gaz = gazetteer_from_rows(rows, source)
        return gaz, derive_forms(gaz)
    gaz = Gazetteer(data["codes"].split("\n"), _Column(*data["names"]), data["parents"],
                    data["levels"], _Column(*data["slugs"]), data["source"])
    return gaz, CompiledForms.from_columns(data["forms"])


_SPARE_FORMS = {}   # forms read with the cached gazetteer, kept for the first matcher to take


@functools.lru_cache(maxsize=None)
def _cached(tsv: Path, binary: Path) -> Gazetteer:
    gaz, forms = read_compiled(tsv, binary)
    _SPARE_FORMS[(tsv, binary)] = forms
    return gaz


def load_gazetteer(tsv: Path = GAZETTEER_TSV, binary: Path = GAZETTEER_BIN) -> Gazetteer:
    """The gazetteer, read once per process."""
    return _cached(Path(tsv), Path(binary))


def load_compiled(tsv: Path = GAZETTEER_TSV, binary: Path = GAZETTEER_BIN) -> tuple:
    """(the cached Gazetteer, forms of its own): the first caller takes the forms read with the
    gazetteer; later callers (matchers with other rules, in tests) read them again."""
    tsv, binary = Path(tsv), Path(binary)
    gaz = load_gazetteer(tsv, binary)
    forms = _SPARE_FORMS.pop((tsv, binary), None)
    if forms is None:
        forms = read_compiled(tsv, binary)[1]
    return gaz, forms


def source_note(tsv: Path = GAZETTEER_TSV) -> str:
    """The header lines of the TSV (source and derivation date)."""
    lines = []
    with open(tsv, encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            lines.append(line.rstrip("\n").lstrip("# "))
    return "\n".join(lines)
