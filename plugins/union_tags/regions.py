"""Region tags: find division names in a story and choose the place it is about.

Three steps, each a function of the previous one's output:

1. `RegionMatcher.find_mentions` scans folded text (traditional → simplified)
   for full names, short forms and aliases, leftmost-longest, skipping
   matches that sit inside a blocked phrase (共同富裕 ⊃ 富裕).
2. `RegionMatcher.resolve` keeps the mentions whose context allows them: a
   township only with its county or city in the story, an ambiguous or
   ordinary-word short form (南湖) only with its parent, a county short form
   outside the home provinces only with its city.
3. `choose_regions` scores the kept places (title > lead > body, union names
   such as 黄岩区总工会 count double), walks down the hierarchy while one
   child holds most of the score, and calls that place primary.
"""

import functools
import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .gazetteer import Gazetteer, load_gazetteer, short_form
from .textfold import fold

RULES_YAML = Path(__file__).resolve().parent / "places.yaml"
SECTION_WEIGHTS = {"title": 4.0, "lead": 1.5, "body": 1.0}
SECTION_NAMES = {"title": "标题", "lead": "导语", "body": "正文"}
UNION_FACTOR = 2.0
# "浦江县委总工会" is how that union signs; "黄岩区总会" is a common shortening.
UNION_SUFFIXES = ("委总工会", "总工会", "总会", "工会")
DESCEND_SHARE = 0.5        # a child becomes the focus when it holds half its parent's score
SECONDARY_MIN_SCORE = 2.0  # two body mentions, or one in the title, or one union name
SECONDARY_MIN_DEPTH = 2    # secondary tags are counties or townships


@dataclass
class Mention:
    section: str
    start: int
    end: int
    original: str          # the text as written (traditional stays traditional)
    kind: str              # full | short | alias
    candidates: tuple      # codes
    union_org: bool = False

    @property
    def weight(self) -> float:
        return SECTION_WEIGHTS[self.section] * (UNION_FACTOR if self.union_org else 1.0)


@dataclass
class Rejection:
    original: str
    section: str
    why: str
    # a far-away county's short form inside an ordinary word (资源, 通道):
    # expected and uninteresting, so the review table hides it
    routine: bool = False


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


def load_rules(path: Path = RULES_YAML) -> dict:
    try:
        rules = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from exc
    for key in ("home_provinces", "aliases", "needs_parent", "blocked_phrases",
                "no_township_short_form"):
        rules.setdefault(key, [] if key != "aliases" else {})
    return rules


class RegionMatcher:
    def __init__(self, gazetteer: Gazetteer, rules: dict):
        self.gaz = gazetteer
        self.home = {str(c) for c in rules["home_provinces"]}
        self.needs_parent = set(rules["needs_parent"])
        self.blocked = sorted(set(rules["blocked_phrases"]), key=len, reverse=True)
        self.forms = self._build_forms(rules)
        if min(map(len, self.forms), default=2) < 2:
            raise ValueError(f"{RULES_YAML}: place forms must be at least two characters long")
        lengths = defaultdict(set)  # first two characters → lengths of the forms they start
        for surface in self.forms:
            lengths[surface[:2]].add(len(surface))
        self.lengths = {prefix: sorted(ls, reverse=True) for prefix, ls in lengths.items()}
        # Jumps the scan to the next character some form starts with (C speed).
        self.form_start = re.compile("[" + "".join(map(re.escape, sorted({f[0] for f in self.forms}))) + "]")
        self.blocked_pattern = re.compile("|".join(map(re.escape, self.blocked))) if self.blocked else None

    # -- surface forms -------------------------------------------------------
    def _build_forms(self, rules) -> dict:
        """surface → {code: kind}; kind is full, short or alias."""
        forms = defaultdict(dict)
        no_town_short = set(rules["no_township_short_form"])
        for place in self.gaz.places.values():
            forms[place.name][place.code] = "full"
        for place in self.gaz.places.values():
            stem = short_form(place)
            if not stem or (place.level == "township" and stem in no_town_short):
                continue
            forms[stem].setdefault(place.code, "short")
        for surface, code in rules["aliases"].items():
            code = str(code)
            if code not in self.gaz:
                raise ValueError(f"{RULES_YAML}: alias {surface!r} names code {code}, "
                                 "which is not in data/gazetteer.tsv")
            forms[surface][code] = "alias"
        return {s: self._prefer(c) for s, c in forms.items()}

    def _prefer(self, candidates: dict) -> dict:
        """Drop readings a reader would never take when a stronger one exists.

        A province beats anything else (吉林, 海南); a full name beats short forms
        of other places (温岭市 is not short for 温岭市x); a place beats its own
        descendants (淮安 is the city, not 淮安区); any county or city beats
        township short forms (江山 is not a 江山镇).
        """
        if len(candidates) == 1:
            return candidates
        full = {c: k for c, k in candidates.items() if k in ("full", "alias")}
        if full:
            candidates = full
        provinces = {c: k for c, k in candidates.items() if self.gaz[c].level == "province"}
        if provinces:
            return provinces
        towns = {c: k for c, k in candidates.items() if self.gaz[c].level == "township"}
        if len(towns) < len(candidates):
            candidates = {c: k for c, k in candidates.items() if c not in towns or k == "full"}
        return {c: k for c, k in candidates.items()
                if not any(self.gaz.is_ancestor(o, c) for o in candidates if o != c)}

    # -- step 1: mentions --------------------------------------------------
    def find_mentions(self, section: str, original: str) -> tuple:
        """(mentions, rejections) for one section of text.

        Scanning left to right, the longest place form starting at each
        position is a mention, unless a blocked phrase covers it (then the
        scan goes on at the next character, so 江山 inside a blocked 万江山x
        does not hide a real place starting inside it).
        """
        folded = fold(original)
        blocked_at = self._blocked_spans(folded)
        mentions, rejected = [], []
        next_start = self.form_start.search
        hit = next_start(folded)
        while hit:
            i = hit.start()
            surface = self._longest_form_at(folded, i)
            if surface is None:
                hit = next_start(folded, i + 1)
                continue
            end = i + len(surface)
            blocker = blocked_at(i)
            if blocker and blocker[1] >= end:
                rejected.append(Rejection(original[i:end], section,
                                          f"在“{original[blocker[0]:blocker[1]]}”中，不是地名"))
                hit = next_start(folded, i + 1)
                continue
            candidates = self.forms[surface]
            kinds = set(candidates.values())
            kind = "alias" if "alias" in kinds else "full" if "full" in kinds else "short"
            union_org = folded.startswith(UNION_SUFFIXES, end)
            mentions.append(Mention(section, i, end, original[i:end], kind,
                                    tuple(sorted(candidates)), union_org))
            hit = next_start(folded, end)
        return mentions, rejected

    def _longest_form_at(self, folded: str, i: int):
        for length in self.lengths.get(folded[i:i + 2], ()):
            piece = folded[i:i + length]
            if piece in self.forms:
                return piece
        return None

    def _blocked_spans(self, folded: str):
        """A function i → the blocked-phrase span (start, end) starting at or before i that
        reaches furthest (the earliest such), or None if none reaches past i; a match [i, end)
        lies inside a blocked phrase iff that span ends at or after end."""
        starts = {}
        if self.blocked_pattern is not None and self.blocked_pattern.search(folded):
            for phrase in self.blocked:  # every occurrence of every phrase (they may overlap)
                for hit in re.finditer(re.escape(phrase), folded):
                    if hit.end() > starts.get(hit.start(), (0, -1))[1]:
                        starts[hit.start()] = (hit.start(), hit.end())
        if not starts:
            return lambda i: None
        positions, reach = [], []  # span starts ascending; the furthest-reaching span up to each
        best = None
        for start in sorted(starts):
            span = starts[start]
            if best is None or span[1] > best[1]:
                best = span
            positions.append(start)
            reach.append(best)

        def blocked_at(i):
            k = bisect.bisect_right(positions, i) - 1
            return reach[k] if k >= 0 and reach[k][1] > i else None

        return blocked_at

    # -- step 2: context ---------------------------------------------------
    def _needs_context(self, mention: Mention, code: str) -> bool:
        place = self.gaz[code]
        if place.level == "township" or len(mention.candidates) > 1:
            return True
        if fold(mention.original) in self.needs_parent:
            return True
        province = self.gaz.path(code)[0].code
        return mention.kind == "short" and place.level == "county" and province not in self.home

    def _context_parents(self, code: str) -> list:
        """The places whose presence lets an unsure mention of `code` stand."""
        place = self.gaz[code]
        path = self.gaz.path(code)
        if place.level == "township":
            return [p.code for p in path if p.level in ("county", "city")]
        if place.level == "county":
            parents = [p.code for p in path if p.level == "city"]
            return parents or [path[0].code]  # municipality districts hang under the province
        return [path[0].code] if place.level == "city" else []

    def resolve(self, mentions: list) -> tuple:
        """(accepted: code → [Mention], rejected: [Rejection])."""
        accepted = defaultdict(list)
        pending = []
        for m in mentions:
            if len(m.candidates) == 1 and not self._needs_context(m, m.candidates[0]):
                accepted[m.candidates[0]].append(m)
            else:
                pending.append(m)
        before = {(m.section, m.end): m for m in mentions}
        for _ in range(3):  # a township accepted now can be a parent's evidence later
            present = self._present(accepted)
            named = {code for code, ms in accepted.items()
                     if any(x.kind in ("full", "alias") or x.union_org for x in ms)}
            still = []
            for m in pending:
                viable = [c for c in m.candidates
                          if (any(p in present for p in self._context_parents(c))
                              or (c in named and self.gaz[c].level != "township"))
                          and self._township_short_ok(m, c, named, before)]
                if len(viable) > 1:
                    viable = self._deepest_context(viable, present)
                if len(viable) == 1:
                    accepted[viable[0]].append(m)
                else:
                    still.append(m)
            if len(still) == len(pending):
                break
            pending = still
        rejected = []
        for m in pending:
            code = self._home_fallback(m)
            if code:
                accepted[code].append(m)
            else:
                routine = m.kind == "short" and all(
                    self.gaz[c].level == "county" and self.gaz.path(c)[0].code not in self.home
                    for c in m.candidates)
                rejected.append(Rejection(m.original, m.section, self._why_unsure(m), routine))
        return dict(accepted), rejected

    def _present(self, accepted) -> set:
        present = set()
        for code in accepted:
            present.update(p.code for p in self.gaz.path(code))
        return present

    def _township_short_ok(self, m, code, named, before) -> bool:
        """A township's short form (泽国, 新河) is two common characters; beyond its county
        being in the story it needs one of: the full name elsewhere (泽国镇), its county
        or city written right before it (三门亭旁), or its union (周巷镇总工会 → 周巷工会).

        `named`: codes with a full-name, alias or union mention accepted (南湖 stands when
        南湖区 is written elsewhere in the story)."""
        if m.kind != "short" or self.gaz[code].level != "township" or m.union_org:
            return True
        if code in named:
            return True
        qualifier = before.get((m.section, m.start))
        return bool(qualifier) and any(self.gaz.is_ancestor(c, code) for c in qualifier.candidates)

    def _deepest_context(self, codes, present) -> list:
        def depth(code):
            return max((self.gaz[p].depth for p in self._context_parents(code) if p in present),
                       default=-1)
        best = max(depth(c) for c in codes)
        return [c for c in codes if depth(c) == best]

    def _home_fallback(self, mention):
        """A full county or city name shared across provinces (浦江县) with no parent in
        the story is read as the one in the home provinces, if there is exactly one."""
        if mention.kind != "full":
            return None
        home = [c for c in mention.candidates
                if self.gaz[c].level in ("city", "county") and self.gaz.path(c)[0].code in self.home]
        return home[0] if len(home) == 1 and len(mention.candidates) > 1 else None

    def _why_unsure(self, m: Mention) -> str:
        names = "、".join("›".join(p.name for p in self.gaz.path(c)[1:] or self.gaz.path(c))
                         for c in m.candidates[:4])
        if len(m.candidates) > 1:
            return f"同名地名（{names}），文中无上级地名可辨"
        place = self.gaz[m.candidates[0]]
        parents = "、".join(self.gaz[p].name for p in self._context_parents(place.code))
        if place.level == "township" and m.kind == "short":
            return (f"乡镇简称须有所属县市（{parents}）在文中出现，且文中另有全称{place.name}"
                    "或紧接在县市名之后")
        if place.level == "township":
            return f"乡镇街道须有所属县市（{parents}）在文中出现"
        return f"“{m.original}”单独出现不足以认定为{place.name}，须文中出现{parents or '上级地名'}"


@functools.lru_cache(maxsize=None)
def default_matcher() -> RegionMatcher:
    return RegionMatcher(load_gazetteer(), load_rules())


def find_regions(sections, matcher: RegionMatcher = None, blocked_codes=()) -> RegionResult:
    """Region tags for a story given as [(section, text)], section in title/lead/body.

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
    accepted = {code: ms for code, ms in accepted.items()
                if not any(code == b or gaz.is_ancestor(b, code) for b in blocked_codes)}
    result = RegionResult(accepted=accepted, rejected=rejected + unsure)
    result.tags = choose_regions(gaz, accepted)
    return result


def choose_regions(gaz: Gazetteer, accepted: dict) -> list:
    """Primary region first, then the counties and townships with enough weight."""
    weights = _effective_weights(gaz, accepted)
    own = {code: sum(weights[id(m)] for m in ms) for code, ms in accepted.items()}
    totals = defaultdict(float)
    for code, score in own.items():
        for place in gaz.path(code):
            totals[place.code] += score
    if not totals:
        return []
    grand = sum(own.values())
    provinces = [c for c in totals if gaz[c].level == "province"]
    current = max(provinces, key=lambda c: (totals[c], c))
    while True:
        kids = [k for k in gaz.children.get(current, ()) if totals.get(k)]
        if not kids:
            break
        best = max(kids, key=lambda c: (totals[c], c))
        if totals[best] < DESCEND_SHARE * totals[current]:
            break
        current = best
    share = totals[current] / grand
    tags = [make_tag(gaz, current, accepted, totals[current], True,
                 f"主地区：占全文地名得分 {share:.0%}；" + _evidence(gaz, current, accepted))]
    chosen = {current}
    secondary = sorted((c for c in totals
                        if gaz[c].depth >= SECONDARY_MIN_DEPTH and c not in chosen
                        and totals[c] >= SECONDARY_MIN_SCORE
                        and not gaz.is_ancestor(c, current)),
                       key=lambda c: (-totals[c], c))
    for code in secondary:
        # a county is implied by its kept townships; keep the finest places only
        if any(gaz.is_ancestor(code, other) for other in secondary if other != code):
            continue
        tags.append(make_tag(gaz, code, accepted, totals[code], False, _evidence(gaz, code, accepted)))
    return tags


def _effective_weights(gaz, accepted) -> dict:
    """id(mention) → weight; a name that only qualifies the next one counts nothing.

    In 台州市黄岩区 or 三门亭旁 the first name says where the second is: the
    place written is the second, so the qualifier adds no weight of its own.
    """
    placed = sorted(((m, code) for code, ms in accepted.items() for m in ms),
                    key=lambda mc: (mc[0].section, mc[0].start))
    weights = {id(m): m.weight for m, _ in placed}
    for (m1, c1), (m2, c2) in zip(placed, placed[1:]):
        if m1.section == m2.section and m1.end == m2.start and gaz.is_ancestor(c1, c2):
            weights[id(m1)] = 0.0
    return weights


def make_tag(gaz, code, accepted, score, primary, reason) -> RegionTag:
    path = gaz.path(code)
    return RegionTag(code=code, name=gaz[code].name, level=gaz[code].level,
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
