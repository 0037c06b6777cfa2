"""Region tags: find division names in a story and choose the place it is about.

Three steps, each a function of the previous one's output:

1. `RegionMatcher.find_mentions` scans folded text (traditional → simplified)
   for full names, aliases and short forms, leftmost-longest, skipping matches
   inside a blocked phrase (共同富裕 ⊃ 富裕) or a road named after a place
   (昌吉市北京南路 ⊃ 北京), and splitting a city from the district after it
   (青岛市南区 → 青岛 + 市南区).
2. `RegionMatcher.resolve` keeps the mentions whose context allows them: a
   township only with its county or city in the story (or a unique full
   name), a township short form only where it is qualified or named in full;
   an ambiguous or ordinary-word short form (南湖) only with its parent; a
   district of Hong Kong, Macau or Taiwan (大埔, 桃园) only with its region.
3. `choose_regions` scores the kept places (title > credit line > lead >
   body, union names such as 黄岩区总工会 count double), walks down the
   hierarchy while one child holds most of the score, and calls that place
   primary.
"""

import bisect
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .forms import ALIAS, FORMER, FULL, KIND_NAMES, LOCAL, ORG, SHORT, STRONG, FormTable
from .gazetteer import Gazetteer, load_compiled
from .rulefile import load_yaml
from .scan import PhraseFinder, PrefixIndex
from .textfold import fold

RULES_YAML = Path(__file__).resolve().parent / "places.yaml"
# credit: Source:, Byline: and 来源/通讯员 lines.  A union signing a story
# (来源：托克托县总工会) says where it happened almost as surely as a headline.
SECTION_WEIGHTS = {"title": 4.0, "credit": 3.0, "lead": 1.5, "body": 1.0}
SECTION_NAMES = {"title": "标题", "credit": "署名/来源", "lead": "导语", "body": "正文"}
UNION_FACTOR = 2.0
# "浦江县委总工会" is how that union signs; "黄岩区总会" is a common shortening.
UNION_SUFFIXES = ("委总工会", "总工会", "总会", "工会")
DESCEND_SHARE = 0.5        # a child becomes the focus when it holds half its parent's score ...
SIBLING_SHARE = 0.5        # ... and no sibling holds half of the child's (the story spans them)
ACTOR_FACTOR = 0.5         # a union acting in a sentence that names a place under it
SECONDARY_MIN_SCORE = 2.0  # two body mentions, or one in the title, or one union name
SECONDARY_MIN_DEPTH = 2    # secondary tags are counties or townships
DISTINCT_STEM = 3          # a stem this long (托克托, 伊金霍洛) is no ordinary word
# A road or a guild hall named after a place is not the place: 北京南路 in 昌吉,
# 广东会馆 in Tianjin, 中山路 everywhere.
_NAMED_AFTER = re.compile(r"[东西南北中]?(?:路|大道|大街|街(?!道)|巷|胡同|会馆|商会|同乡会)")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
# "县总工会" with no place name before it: the story's own county union
_BARE_UNION = re.compile(r"([县区市旗州])(?:委)?总工会")
_BARE_LEVELS = {"县": ("county",), "区": ("county",), "旗": ("county",), "市": ("county", "city"),
                "州": ("city",)}


@dataclass
class Mention:
    section: str
    start: int
    end: int
    original: str          # the text as written (traditional stays traditional)
    surface: str           # folded
    candidates: tuple      # ((code, kind), ...)
    union_org: bool = False
    sentence: int = 0      # index of the sentence within its section

    @property
    def codes(self) -> tuple:
        return tuple(code for code, _ in self.candidates)

    def kind_of(self, code) -> int:
        return next(k for c, k in self.candidates if c == code)

    @property
    def strong(self) -> bool:
        return any(k in STRONG for _, k in self.candidates)

    @property
    def weight(self) -> float:
        # a credit line is nearly always a union's name: no bonus on top of the credit weight
        bonus = UNION_FACTOR if self.union_org and self.section != "credit" else 1.0
        return SECTION_WEIGHTS[self.section] * bonus


@dataclass
class Rejection:
    original: str
    section: str
    reason: object         # the explanation, or a function that writes it (only when asked)
    # a far-away county's short form inside an ordinary word (资源, 通道):
    # expected and uninteresting, so the review table hides it
    routine: bool = False

    @property
    def why(self) -> str:
        if callable(self.reason):
            self.reason = self.reason()
        return self.reason


@dataclass
class RegionTag:
    code: str
    name: str
    level: str
    path: list
    path_codes: list
    slug: str
    primary: bool
    score: float
    reason: str

    def to_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "level": self.level,
                "path": list(self.path), "path_codes": list(self.path_codes),
                "slug": self.slug, "primary": self.primary, "reason": self.reason}


@dataclass
class RegionResult:
    tags: list = field(default_factory=list)         # primary first
    accepted: dict = field(default_factory=dict)     # code -> [Mention]
    rejected: list = field(default_factory=list)     # [Rejection]

    @property
    def primary(self):
        return next((t for t in self.tags if t.primary), None)


_RULE_KEYS = {"home_provinces": list, "aliases": dict, "special_regions": dict, "needs_parent": list,
              "blocked_phrases": list, "no_township_short_form": list}


def load_rules(path: Path = RULES_YAML) -> dict:
    rules = load_yaml(path) or {}
    if not isinstance(rules, dict):
        raise ValueError(f"{path}: expected a mapping of rule names")
    for key, kind in _RULE_KEYS.items():
        rules.setdefault(key, kind())
        if not isinstance(rules[key], kind):
            raise ValueError(f"{path}: `{key}` must be a {'mapping' if kind is dict else 'list'}")
    return rules


def curated_forms(rules: dict) -> list:
    """(surface, code, kind) for the names places.yaml adds to the gazetteer's."""
    out = []
    for surface, code in rules["aliases"].items():
        out.append((fold(str(surface)), str(code), ALIAS))
    for code, names in rules["special_regions"].items():
        for key, kind in (("names", ALIAS), ("organisations", ORG), ("districts", LOCAL)):
            for surface in names.get(key) or []:
                out.append((fold(str(surface)), str(code), kind))
    return out


class RegionMatcher:
    def __init__(self, gazetteer: Gazetteer, forms, rules: dict):
        self.gaz = gazetteer
        try:
            self.forms = forms if isinstance(forms, FormTable) else FormTable(gazetteer, forms,
                                                                              curated_forms(rules))
        except ValueError as exc:
            raise ValueError(f"{RULES_YAML}: {exc}") from exc
        self.home = {str(c) for c in rules["home_provinces"]}
        self.needs_parent = {fold(str(s)) for s in rules["needs_parent"]}
        self.no_town_short = {fold(str(s)) for s in rules["no_township_short_form"]}
        self.blocked = sorted({fold(str(s)) for s in rules["blocked_phrases"]}, key=len, reverse=True)
        self.blocked_phrases = PhraseFinder(self.blocked)
        self.prefixes = PrefixIndex(self.forms.masks)
        self._readings = {}     # surface → forms.get(surface), for the forms stories use
        self._provinces = {}    # candidates → _by_province(candidates)
        self._unresolved = {}   # candidates → (_home_fallback, routine) of an unresolved mention
        self._alone = {}        # (surface, code, kind) → _stands_alone of a sole reading
        self._lengths = {}      # two characters → lengths of the forms they start, longest first

    # -- step 1: mentions --------------------------------------------------
    def find_mentions(self, section: str, original: str) -> tuple:
        """(mentions, rejections) for one section of text.

        Scanning left to right, the longest place form starting at each
        position is a mention, unless a blocked phrase covers it or it names a
        road (then the scan goes on at the next character, so 江山 inside a
        blocked 万江山x does not hide a real place starting inside it).
        """
        folded = fold(original)
        blocked_at = self._blocked_spans(folded)
        sentence_starts = [0] + [m.end() for m in _SENTENCE_END.finditer(folded)]
        mentions, rejected = [], []
        resume = 0
        for i in self.prefixes.starts(folded):   # where two characters begin a place name
            if i < resume:
                continue
            surface = self._longest_at(folded, i)
            if surface is None:
                continue
            surface = self._split_qualified(folded, i, surface)
            end = i + len(surface)
            blocker = blocked_at(i)
            if blocker and blocker[1] >= end:
                rejected.append(Rejection(original[i:end], section,
                                          f"在“{original[blocker[0]:blocker[1]]}”中，不是地名"))
                continue    # a real place may start inside the blocked phrase
            road = _NAMED_AFTER.match(folded, end)
            if road and not surface.endswith(("街道", "镇", "乡")) and not self._place_at(folded, end, road.end()):
                rejected.append(Rejection(original[i:road.end()], section,
                                          "以地名命名的道路或会馆，不是地名", routine=True))
                resume = road.end()
                continue
            union_org = folded.startswith(UNION_SUFFIXES, end)
            sentence = bisect.bisect_right(sentence_starts, i) - 1
            mentions.append(Mention(section, i, end, original[i:end], surface, self._readings_of(surface),
                                    union_org, sentence))
            resume = end
        return mentions, rejected

    def _longest_at(self, folded: str, i: int):
        """forms.longest_at, with each prefix's form lengths (longest first) kept as a tuple."""
        prefix = folded[i:i + 2]
        lengths = self._lengths.get(prefix)
        if lengths is None:
            mask = self.forms.masks.get(prefix, 0)
            lengths = self._lengths[prefix] = tuple(n for n in range(mask.bit_length(), 0, -1)
                                                    if mask >> n & 1)
        values = self.forms.values
        for n in lengths:
            piece = folded[i:i + n]
            if len(piece) == n and piece in values:
                return piece
        return None

    def _readings_of(self, surface: str) -> tuple:
        readings = self._readings.get(surface)
        if readings is None:
            readings = self._readings[surface] = self.forms.get(surface)
        return readings

    def _place_at(self, folded: str, i: int, beyond: int) -> bool:
        """Does a place form start at i and reach past `beyond`? (台州市路桥区: 路桥区 is no road)"""
        form = self._longest_at(folded, i)
        return form is not None and i + len(form) > beyond

    def _split_qualified(self, folded: str, i: int, surface: str) -> str:
        """青岛市南区 is 青岛 + 市南区, not 青岛市 + 南区: when the longest form's last
        character starts a form naming a place under the shorter reading, split there."""
        if len(surface) < 3:
            return surface
        head = surface[:-1]
        if head not in self.forms:
            return surface
        tail = self._longest_at(folded, i + len(surface) - 1)
        if tail is None or len(tail) < 3:
            return surface
        heads = self.forms.codes(head)
        if any(self.gaz.is_ancestor(h, t) for h in heads for t in self.forms.codes(tail)):
            return head
        return surface

    def _blocked_spans(self, folded: str):
        """A function i → the blocked-phrase span (start, end) starting at or before i that
        reaches furthest (the earliest such), or None if none reaches past i; a match [i, end)
        lies inside a blocked phrase iff that span ends at or after end."""
        spans = self.blocked_phrases.spans(folded)   # the longest phrase at each start
        if not spans:
            return lambda i: None
        positions, reach = [], []  # span starts ascending; the furthest-reaching span up to each
        best = None
        for span in spans:
            start = span[0]
            if best is None or span[1] > best[1]:
                best = span
            positions.append(start)
            reach.append(best)

        def blocked_at(i):
            k = bisect.bisect_right(positions, i) - 1
            return reach[k] if k >= 0 and reach[k][1] > i else None

        return blocked_at

    # -- step 2: context ---------------------------------------------------
    def _stands_alone(self, m: Mention, code: str, kind: int) -> bool:
        """Can this reading be taken with nothing else in the story to support it?"""
        if len(m.candidates) > 1 or m.surface in self.needs_parent or kind == LOCAL:
            return False
        level = self.gaz.level(code)
        if kind == ORG:
            return True
        if level == "township":
            # a full township name found nowhere else in the country (沈家门街道)
            return kind == FULL
        if kind in STRONG or level in ("province", "city"):
            return True
        # a county's short form: at home, or a stem too long to be a word (托克托)
        return code[:2] in self.home or len(m.surface) >= DISTINCT_STEM

    def resolve(self, mentions: list) -> tuple:
        """(accepted: code → [Mention], rejected: [Rejection])."""
        accepted = defaultdict(list)
        pending = []
        alone = self._alone
        for m in mentions:
            code, kind = m.candidates[0]
            if len(m.candidates) == 1:
                key = (m.surface, code, kind)     # all that _stands_alone reads of a sole reading
                if key not in alone:
                    alone[key] = self._stands_alone(m, code, kind)
                if alone[key]:
                    accepted[code].append(m)
                    continue
            pending.append(m)
        before = {(m.section, m.end): m for m in mentions}
        pending = [(m, self._by_province(m.candidates)) for m in pending]
        for _ in range(3):  # a township accepted now can be a parent's evidence later
            present = self._present(accepted)
            named = {code for code, ms in accepted.items()
                     if any(x.strong or x.union_org for x in ms)}
            still = []
            for m, by_province in pending:
                # Most candidates of a shared township name (城关镇) or of a far county's
                # short form have no parent in the story: drop them by province, then by
                # code prefix, before the full check.  (A candidate whose province is not
                # present has no ancestor present and is not named: `present` holds every
                # accepted place with all its ancestors, and a path starts at code[:2].)
                if present.isdisjoint(by_province):
                    still.append((m, by_province))
                    continue
                viable = [c for province, group in by_province.items() if province in present
                          for c, k in group
                          if (c[:6] in present or c[:4] in present or c[:2] in present
                              or c in named)
                          and self._in_context(m, c, k, present, named, before)]
                if len(viable) > 1:
                    viable = self._deepest_context(viable, m, present)
                if len(viable) == 1:
                    accepted[viable[0]].append(m)
                else:
                    still.append((m, by_province))
            if len(still) == len(pending):
                break
            pending = still
        rejected = []
        for m, _ in pending:
            code, routine = self._unresolved_of(m)
            if code:
                accepted[code].append(m)
            else:
                rejected.append(Rejection(m.original, m.section, functools.partial(self._why_unsure, m),
                                          routine))
        return dict(accepted), rejected

    def _by_province(self, candidates) -> dict:
        """province code → the candidates in it, in the candidates' order (by code)."""
        groups = self._provinces.get(candidates)
        if groups is None:
            groups = {}
            for c, k in candidates:
                groups.setdefault(c[:2], []).append((c, k))
            self._provinces[candidates] = groups
        return groups

    def _unresolved_of(self, m: Mention) -> tuple:
        """(the home-province reading or None, is the rejection routine) of a mention no
        context resolved: both depend on its candidates alone."""
        known = self._unresolved.get(m.candidates)
        if known is None:
            routine = all(k == SHORT and self.gaz.level(c) == "county" and c[:2] not in self.home
                          for c, k in m.candidates)
            known = self._unresolved[m.candidates] = (self._home_fallback(m), routine)
        return known

    def _in_context(self, m, code, kind, present, named, before) -> bool:
        township = len(code) == 9
        if not (any(p in present for p in self._parents(code, kind, m))
                or (code in named and not township)):
            return False
        if not township or kind != SHORT:
            return True
        # A township's short form (泽国, 新河) is two common characters; beyond its county
        # being in the story it needs one of: the full name elsewhere (泽国镇), its county
        # or city written right before it (三门亭旁, 舟山普陀沈家门), or its union.
        if m.surface in self.no_town_short:
            return False
        if m.union_org or code in named:
            return True
        qualifier = before.get((m.section, m.start))
        if qualifier and any(self.gaz.is_ancestor(c, code) for c in qualifier.codes):
            return True
        return (len(m.surface) >= DISTINCT_STEM and len(m.candidates) == 1
                and not self.gaz.name(code).endswith("街道"))

    def _parents(self, code: str, kind: int, m: Mention) -> tuple:
        """The places whose presence lets an unsure mention of `code` stand (by code prefix:
        a prefix that is no place, such as 1101 of Beijing's districts, is never present)."""
        n = len(code)
        if kind == LOCAL or n == 4:
            return (code[:2],)
        if n == 9:
            return (code[:6], code[:4])      # its county and city
        if n == 6:
            # its city; the province too for a name that is surely a county (普陀区, 托克托),
            # or when it has no city (municipality districts, 仙桃市)
            if kind in STRONG or len(m.surface) >= DISTINCT_STEM or code[:4] not in self.gaz:
                return (code[:4], code[:2])
            return (code[:4],)
        return ()

    def _present(self, accepted) -> set:
        present = set()
        for code in accepted:
            present.update(self.gaz.path_codes(code))
        return present

    def _deepest_context(self, codes, m, present) -> list:
        def depth(code):
            return max((len(p) for p in self._parents(code, m.kind_of(code), m) if p in present),
                       default=-1)
        best = max(depth(c) for c in codes)
        return [c for c in codes if depth(c) == best]

    def _home_fallback(self, m):
        """A full county or city name shared across provinces (浦江县) with no parent in
        the story is read as the one in the home provinces, if there is exactly one."""
        if len(m.candidates) < 2 or not all(k == FULL for _, k in m.candidates):
            return None
        home = [c for c in m.codes
                if self.gaz.level(c) in ("city", "county") and c[:2] in self.home]
        return home[0] if len(home) == 1 else None

    def _why_unsure(self, m: Mention) -> str:
        gaz = self.gaz
        names = "、".join("›".join(p.name for p in gaz.path(c)[1:] or gaz.path(c)) for c in m.codes[:4])
        if len(m.candidates) > 1:
            return f"同名地名（{names}），文中无上级地名可辨"
        code, kind = m.candidates[0]
        place = gaz[code]
        parents = "、".join(gaz.name(p) for p in self._parents(code, kind, m) if p in gaz)
        if kind == LOCAL:
            return f"“{m.original}”须文中出现{parents}才认定为该地"
        if place.level == "township" and kind == SHORT:
            return (f"乡镇简称须有所属县市（{parents}）在文中出现，且文中另有全称{place.name}"
                    "或紧接在县市名之后")
        if place.level == "township":
            return f"乡镇街道须有所属县市（{parents}）在文中出现"
        return f"“{m.original}”单独出现不足以认定为{place.name}，须文中出现{parents or '上级地名'}"


@functools.lru_cache(maxsize=None)
def default_matcher() -> RegionMatcher:
    gaz, compiled = load_compiled()
    return RegionMatcher(gaz, compiled, load_rules())


def find_regions(sections, matcher: RegionMatcher = None, blocked_codes=()) -> RegionResult:
    """Region tags for a story given as [(section, text)], section in title/credit/lead/body.

    `blocked_codes` (an editor's `Regions: -三门县`) removes those places and
    everything under them before the primary region is chosen.
    """
    matcher = matcher or default_matcher()
    gaz = matcher.gaz
    mentions, rejected = [], []
    for section, text in sections:
        found, refused = matcher.find_mentions(section, text)
        mentions.extend(found)
        rejected.extend(refused)
    accepted, unsure = matcher.resolve(mentions)
    for code, extra in bare_union_mentions(gaz, sections, mentions, accepted).items():
        accepted[code] = accepted[code] + extra
    accepted = {code: ms for code, ms in accepted.items()
                if not any(code == b or gaz.is_ancestor(b, code) for b in blocked_codes)}
    result = RegionResult(accepted=accepted, rejected=rejected + unsure)
    result.tags = choose_regions(gaz, accepted)
    return result


def bare_union_mentions(gaz, sections, mentions, accepted) -> dict:
    """code → [Mention] for unions named without their place: "县总工会" in a story whose
    only county is 托克托县 (often named in the credit line alone) is that county's union."""
    covered = defaultdict(list)    # section → [(start, end)] in order, without overlaps
    for m in mentions:
        covered[m.section].append((m.start, m.end))
    out = defaultdict(list)
    for section, text in sections:
        if section == "credit" or not text:
            continue
        folded = fold(text)
        sentence_starts = [0] + [x.end() for x in _SENTENCE_END.finditer(folded)]
        for hit in _BARE_UNION.finditer(folded):
            i = hit.start()
            if _inside(covered[section], i):
                continue   # 托克托县总工会: the 县 belongs to a name
            char = hit.group(1)
            places = [c for c in accepted if gaz.level(c) in _BARE_LEVELS[char]
                      and gaz.name(c).endswith(char)]
            if len(places) != 1:
                continue
            out[places[0]].append(Mention(section, i, i + 1, text[i:hit.end()], hit.group(0),
                                          ((places[0], ALIAS),), True,
                                          bisect.bisect_right(sentence_starts, i) - 1))
    return out


def _inside(spans, i) -> bool:
    """Is position i inside one of `spans` (sorted, not overlapping)?"""
    k = bisect.bisect_right(spans, (i, float("inf"))) - 1
    return k >= 0 and i < spans[k][1]


def choose_regions(gaz: Gazetteer, accepted: dict) -> list:
    """Primary region first, then the counties and townships with enough weight."""
    weights = _effective_weights(gaz, accepted)
    own = {code: sum(weights[id(m)] for m in ms) for code, ms in accepted.items()}
    totals = defaultdict(float)
    for code, score in own.items():
        for parent in gaz.path_codes(code):
            totals[parent] += score
    if not totals or not any(totals.values()):
        return []
    grand = sum(own.values())
    provinces = [c for c in totals if len(c) == 2]
    current = max(provinces, key=lambda c: (totals[c], c))
    while True:
        kids = sorted((k for k in gaz.children.get(current, ()) if totals.get(k)),
                      key=lambda c: (-totals[c], c))
        if not kids or totals[kids[0]] < DESCEND_SHARE * totals[current]:
            break
        if (len(kids) > 1 and totals[kids[1]] >= SIBLING_SHARE * totals[kids[0]]
                and _acts(gaz, kids[1], accepted)):
            break   # the story spans several of its places: 巴楚县 and 岳普湖县 → 喀什地区
        current = kids[0]
    share = totals[current] / grand
    tags = [make_tag(gaz, current, accepted, totals[current], True,
                     f"主地区：占全文地名得分 {share:.0%}；" + _evidence(gaz, current, accepted))]
    chosen = {current}
    secondary = sorted((c for c in totals
                        if gaz.depth(c) >= SECONDARY_MIN_DEPTH and c not in chosen
                        and totals[c] >= SECONDARY_MIN_SCORE
                        and not gaz.is_ancestor(c, current)),
                       key=lambda c: (-totals[c], c))
    for code in secondary:
        # a county is implied by its kept townships; keep the finest places only
        if any(gaz.is_ancestor(code, other) for other in secondary if other != code):
            continue
        ms = [m for c, ms in accepted.items() if c == code or gaz.is_ancestor(code, c) for m in ms]
        if len(ms) < 2 and not any(m.section == "title" for m in ms):
            continue   # named once (a union in a list, a worker's home town): not a tag
        tags.append(make_tag(gaz, code, accepted, totals[code], False, _evidence(gaz, code, accepted)))
    return tags


def _acts(gaz, code, accepted) -> bool:
    """Does the place (or a place under it) act in the story, through its union or the
    headline, rather than being merely named (where participants came from)?"""
    return any(m.union_org or m.section == "title"
               for c, ms in accepted.items() if c == code or gaz.is_ancestor(code, c) for m in ms)


def _effective_weights(gaz, accepted) -> dict:
    """id(mention) → weight.

    - A name that only qualifies the next counts nothing: in 台州市黄岩区 or
      三门亭旁 the first name says where the second is.
    - A union of a place acting in a sentence that names a place under it is
      the organiser, not the place: in 南宁市总工会走进青秀区 the union name
      counts half a plain mention of 南宁市.
    """
    placed = sorted(((m, code) for code, ms in accepted.items() for m in ms),
                    key=lambda mc: (mc[0].section, mc[0].start))
    weights = {id(m): m.weight for m, _ in placed}
    for (m1, c1), (m2, c2) in zip(placed, placed[1:]):
        if m1.section == m2.section and m1.end == m2.start and gaz.is_ancestor(c1, c2):
            weights[id(m1)] = 0.0
    by_sentence = defaultdict(list)
    for m, code in placed:
        by_sentence[(m.section, m.sentence)].append((m, code))
    for group in by_sentence.values():
        for m, code in group:
            if m.union_org and weights[id(m)] and any(gaz.is_ancestor(code, other)
                                                      for _, other in group):
                weights[id(m)] = SECTION_WEIGHTS[m.section] * ACTOR_FACTOR
    return weights


def make_tag(gaz, code, accepted, score, primary, reason) -> RegionTag:
    path = gaz.path(code)
    return RegionTag(code=code, name=gaz.name(code), level=gaz.level(code),
                     path=[p.name for p in path], path_codes=[p.code for p in path],
                     slug=gaz.slug(code), primary=primary, score=round(score, 2), reason=reason)


def _evidence(gaz, code, accepted) -> str:
    """'标题1次、正文12次（工会组织名3次）；写作 黄岩区、黄岩' for a place and its descendants."""
    mentions = [m for c, ms in accepted.items()
                if c == code or gaz.is_ancestor(code, c) for m in ms]
    counts = defaultdict(int)
    for m in mentions:
        counts[m.section] += 1
    parts = "、".join(f"{SECTION_NAMES[s]}{counts[s]}次" for s in SECTION_WEIGHTS if counts[s])
    unions = sum(1 for m in mentions if m.union_org)
    if unions:
        parts += f"（工会组织名{unions}次）"
    written = []
    for m in mentions:
        if m.original not in written:
            written.append(m.original)
    return f"{parts}；写作 {'、'.join(written[:5])}"


__all__ = ["RegionMatcher", "RegionResult", "RegionTag", "Mention", "Rejection", "find_regions",
           "choose_regions", "default_matcher", "load_rules", "make_tag", "KIND_NAMES", "FULL",
           "ALIAS", "FORMER"]
