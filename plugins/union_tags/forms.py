"""Surface forms: every string a place may be written as, and which places it may mean.

    table = FormTable(gaz, encoded_forms, rules)   # encoded forms come from gazetteer.bin
    table.get("普陀")   → (("310107", SHORT), ("330903", SHORT))
    table.get("木垒县") → (("652328", ALIAS),)

Kinds, strongest first: FULL (official name), ALIAS (木垒县, 昌吉州, curated
names), FORMER (临安市 for 临安区), ORG (an organisation that locates a story:
工联会 → Hong Kong), SHORT (stem: 黄岩), LOCAL (a district of Hong Kong,
Macau or Taiwan: 大埔, 桃园; read only with its region in the story).

Forms derived from the gazetteer are compiled into gazetteer.bin
(`derive_forms`); the curated ones of places.yaml are added at load (`FormTable`).
A candidate a reader would never take is dropped when a stronger one exists
(`prefer`).  Values are encoded as ints (index × 8 + kind, or a tuple of them)
to keep 80,000 forms small in memory.
"""

import array
from collections import defaultdict

from .names import alias_forms, former_names, short_forms

FULL, ALIAS, FORMER, ORG, SHORT, LOCAL = range(6)
KIND_NAMES = ("full", "alias", "former", "org", "short", "local")
STRONG = (FULL, ALIAS, FORMER, ORG)
MIN_FORM = 2


def encode(candidates) -> tuple:
    """[(index, kind)] → sorted tuple of ints (index × 8 + kind)."""
    return tuple(sorted(i * 8 + k for i, k in candidates))


def decode(values) -> list:
    return [(v >> 3, v & 7) for v in values]


def prefer(gaz, candidates: dict) -> dict:
    """Drop readings a reader would never take when a stronger one exists.

    `candidates`: index → kind.  A strong form (full name, alias) beats short
    forms of other places (温岭市 is not short for 温岭市x); a province beats
    anything else (吉林, 海南, 河南 is not 河南蒙古族自治县); a county or city
    beats township short forms (江山 is not a 江山镇); a place beats its own
    descendants (淮安 is the city, not 淮安区).
    """
    if len(candidates) == 1:
        return candidates
    strong = {i: k for i, k in candidates.items() if k in STRONG}
    if strong:
        candidates = strong
    levels, codes = gaz.levels, gaz.codes
    # a province's own name, not a district of Hong Kong that shares a township's name
    provinces = {i: k for i, k in candidates.items() if levels[i] == "p" and k not in (LOCAL, ORG)}
    if provinces:
        return provinces
    towns = [i for i, k in candidates.items() if levels[i] == "t" and k not in STRONG]
    if any(levels[i] != "t" and k != LOCAL for i, k in candidates.items()):
        candidates = {i: k for i, k in candidates.items() if i not in towns}
    return {i: k for i, k in candidates.items()
            if not any(codes[i].startswith(codes[o]) and o != i for o in candidates)}


_MULTI = 1 << 40   # marks a value that points into the array of multi-candidate lists


class CompiledForms:
    """surface → candidates for every name derived from the gazetteer (stored in gazetteer.bin).

    In memory: a dict of surface → int (one candidate: index × 8 + kind, or
    _MULTI | offset << 8 | count into `multi`), and per two-character prefix a
    bit mask of the lengths of the forms it starts.
    """

    def __init__(self, values: dict, multi, masks: dict):
        self.values, self.multi, self.masks = values, multi, masks

    @classmethod
    def build(cls, table: dict):
        """From surface → tuple of encoded candidates."""
        forms = cls({}, array.array("I"), {})
        for surface in sorted(table):
            forms.put(surface, table[surface])
        return forms

    def put(self, surface: str, cands: tuple) -> None:
        """Set what `surface` may mean (a tuple of encoded candidates)."""
        if len(cands) == 1:
            self.values[surface] = cands[0]
        else:
            self.values[surface] = _MULTI | (len(self.multi) << 8) | len(cands)
            self.multi.extend(cands)
        self.masks[surface[:2]] = self.masks.get(surface[:2], 0) | 1 << len(surface)

    def candidates(self, surface: str) -> tuple:
        value = self.values.get(surface)
        if value is None:
            return ()
        if value & _MULTI:
            start = (value >> 8) & 0xFFFFFFFF
            return tuple(self.multi[start:start + (value & 0xFF)])
        return (value,)

    def to_columns(self) -> dict:
        surfaces = list(self.values)
        prefixes = list(self.masks)
        return {"surfaces": "\n".join(surfaces),
                "values": array.array("Q", (self.values[s] for s in surfaces)),
                "multi": self.multi, "prefixes": "\n".join(prefixes),
                "masks": array.array("Q", (self.masks[p] for p in prefixes))}

    @classmethod
    def from_columns(cls, columns: dict):
        values = dict(zip(columns["surfaces"].split("\n"), columns["values"]))
        masks = dict(zip(columns["prefixes"].split("\n"), columns["masks"]))
        return cls(values, columns["multi"], masks)


def derive_forms(gaz) -> CompiledForms:
    """Every name derived from the gazetteer alone, with the readings a reader may take."""
    raw = defaultdict(dict)
    for i, (name, level_char) in enumerate(zip(gaz.names, gaz.levels)):
        level = {"p": "province", "c": "city", "k": "county", "t": "township"}[level_char]
        raw[name][i] = FULL
        for alias in alias_forms(name, level):
            raw[alias].setdefault(i, ALIAS)
        for short in short_forms(name, level):
            raw[short].setdefault(i, SHORT)
    # former names (临安市 → 临安区) only where no place bears or shortens to that name
    for i, (name, level_char) in enumerate(zip(gaz.names, gaz.levels)):
        if level_char == "k":
            for former in former_names(name, "county"):
                if former not in raw:
                    raw[former] = {i: FORMER}
    return CompiledForms.build({surface: encode(prefer(gaz, cands).items())
                                for surface, cands in raw.items() if len(surface) >= MIN_FORM})


class FormTable:
    """Lookup of surface forms: compiled forms plus the curated ones of places.yaml.

    Takes ownership of `compiled` (the curated forms are merged into its dicts).
    """

    def __init__(self, gaz, compiled: CompiledForms, curated=()):
        """`curated`: (surface, code, kind) added on top of the compiled forms."""
        self.gaz = gaz
        merged = defaultdict(dict)
        for surface, code, kind in curated:
            if kind == LOCAL and not compiled.candidates(surface):
                kind = ALIAS   # 荃湾, 高雄: no mainland place is written so; it stands alone
            if len(surface) < MIN_FORM:
                raise ValueError(f"place form {surface!r} must be at least two characters long")
            if code not in gaz:
                raise ValueError(f"place form {surface!r} names code {code}, which is not in the gazetteer")
            merged[surface][gaz.position(code)] = kind
        overlay = {}
        for surface, cands in merged.items():
            existing = dict(decode(compiled.candidates(surface)))
            if any(k == ALIAS for k in cands.values()):
                # a curated alias decides what the surface means (国际滨 is 滨江区, whatever else)
                existing = {i: k for i, k in existing.items() if k in STRONG}
            existing.update(cands)
            overlay[surface] = encode(prefer(gaz, existing).items())
        for surface, cands in overlay.items():   # into the same dicts: one lookup per probe
            compiled.put(surface, cands)
        self.compiled = compiled
        self.values, self.masks = compiled.values, compiled.masks

    def __contains__(self, surface) -> bool:
        return surface in self.values

    def __len__(self) -> int:
        return len(self.values)

    def get(self, surface: str) -> tuple:
        """((code, kind), ...) sorted by code; () when the surface is no place form."""
        codes = self.gaz.codes
        return tuple(sorted((codes[i], k) for i, k in decode(self.compiled.candidates(surface))))

    def codes(self, surface: str) -> list:
        return [code for code, _ in self.get(surface)]

    def longest_at(self, folded: str, i: int):
        """The longest form starting at position i of folded text, or None."""
        mask = self.masks.get(folded[i:i + 2], 0)
        values = self.values
        while mask:
            length = mask.bit_length() - 1
            piece = folded[i:i + length]
            if piece in values and len(piece) == length:
                return piece
            mask ^= 1 << length
        return None
