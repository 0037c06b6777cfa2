"""China's administrative divisions, loaded from the committed data/gazetteer.tsv.

The TSV is derived by tools/build_gazetteer.py (source and date are in its
header).  This module knows the hierarchy (province › city › county ›
township), the names a place may be written as (full name, short form,
curated aliases) and the ASCII slug of each place.
"""

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from union_text.pinyin import pinyin_slug

DATA_DIR = Path(__file__).resolve().parent / "data"
GAZETTEER_TSV = DATA_DIR / "gazetteer.tsv"
LEVELS = ("province", "city", "county", "township")
LEVEL_NAMES = {"province": "省级", "city": "地级", "county": "县级", "township": "乡级"}

_ETHNIC = re.compile(r"^(.{2,}?)(?:[^族]{1,4}族)+自治(?:州|县|旗)$")
_PROVINCE_SUFFIX = re.compile(r"(?:壮族自治区|回族自治区|维吾尔自治区|自治区|省|市)$")
_CITY_SUFFIX = re.compile(r"(?:地区|市|盟)$")
_COUNTY_SUFFIX = re.compile(r"(?:自治县|自治旗|林区|特区|县|区|市|旗)$")
_TOWNSHIP_SUFFIX = re.compile(r"(?:民族乡|镇|乡)$")


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    level: str
    parent_code: str

    @property
    def depth(self) -> int:
        return LEVELS.index(self.level)


def short_form(place: Place) -> str:
    """The name without its administrative suffix (黄岩区 → 黄岩), or '' if none is usable.

    Streets (街道) get no short form: 外滩街道 → 外滩 is a landmark in another city.
    A stem of one character (丰县 → 丰) would match everywhere, so it is dropped too.
    """
    name = place.name
    match = _ETHNIC.match(name)
    if match:
        stem = match.group(1)
    elif place.level == "province":
        stem = _PROVINCE_SUFFIX.sub("", name)
    elif place.level == "city":
        stem = _CITY_SUFFIX.sub("", name)
    elif place.level == "county":
        stem = _COUNTY_SUFFIX.sub("", name)
    else:
        stem = _TOWNSHIP_SUFFIX.sub("", name)
    if stem == name or len(stem) < 2:
        return ""
    return stem


class Gazetteer:
    """Places by code, with parent/child links, paths and slugs."""

    def __init__(self, places):
        self.places = {p.code: p for p in places}
        self.children = {}
        for place in self.places.values():
            if place.parent_code:
                if place.parent_code not in self.places:
                    raise ValueError(f"{place.code} {place.name}: parent {place.parent_code} "
                                     "is not in the gazetteer")
                self.children.setdefault(place.parent_code, []).append(place.code)
        self._slugs = self._make_slugs()

    def __getitem__(self, code: str) -> Place:
        return self.places[code]

    def __contains__(self, code) -> bool:
        return code in self.places

    def path(self, code: str) -> list:
        """Places from the province down to `code`."""
        chain = []
        place = self.places.get(code)
        while place is not None:
            chain.append(place)
            place = self.places.get(place.parent_code)
        return chain[::-1]

    def ancestors(self, code: str) -> list:
        return self.path(code)[:-1]

    def is_ancestor(self, ancestor: str, code: str) -> bool:
        return any(p.code == ancestor for p in self.ancestors(code))

    def at_level(self, code: str, level: str):
        """The place of `level` on the path to `code` (or None)."""
        for place in self.path(code):
            if place.level == level:
                return place
        return None

    def descendants(self, code: str) -> list:
        out, stack = [], list(self.children.get(code, []))
        while stack:
            child = stack.pop()
            out.append(child)
            stack.extend(self.children.get(child, []))
        return out

    def slug(self, code: str) -> str:
        return self._slugs[code]

    def _make_slugs(self) -> dict:
        """Pinyin of the name; the code is appended when that pinyin is not unique."""
        bases = {code: pinyin_slug(place.name) or code for code, place in self.places.items()}
        used = defaultdict(int)
        for base in bases.values():
            used[base] += 1
        # 浦江县 and 蒲江县 are both pu-jiang-xian: the code keeps URLs apart
        return {code: base if used[base] == 1 else f"{base}-{code}" for code, base in bases.items()}


def parse_tsv(path: Path) -> list:
    places = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 4 or fields[3] not in LEVELS:
            raise ValueError(f"{path}:{lineno}: expected code, name, parent_code, level "
                             f"separated by tabs; got {line!r}")
        code, name, parent_code, level = fields
        places.append(Place(code, name, level, parent_code))
    return places


@functools.lru_cache(maxsize=None)
def load_gazetteer(path: Path = GAZETTEER_TSV) -> Gazetteer:
    return Gazetteer(parse_tsv(Path(path)))


def source_note(path: Path = GAZETTEER_TSV) -> str:
    """The header lines of the TSV (source and derivation date)."""
    lines = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("# "))
    return "\n".join(lines)
