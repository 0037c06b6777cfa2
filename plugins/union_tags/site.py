"""Site data built from tagged articles: region tree, region and topic listings, related stories.

Plain Python over any objects with `regions`, `topics`, `date` and `slug`
attributes (Pelican articles in the build, simple stand-ins in tests).
"""

import hashlib
import heapq
import json
from collections import defaultdict
from dataclasses import dataclass, field

from union_text.html_text import html_text


def html_to_paragraphs(fragment: str) -> str:
    """Visible text of rendered Markdown, one paragraph per block, blank lines between."""
    return html_text(fragment).paragraphs()


def story_title(metadata: dict, fallback: str = "") -> str:
    """Title and subtitle: both are headline text and weigh as title."""
    parts = [str(metadata.get("title") or fallback), str(metadata.get("subtitle") or "")]
    return "\n".join(p for p in parts if p)


def credits_of(metadata: dict) -> list:
    """Byline and Source: who wrote the story (来源：托克托县总工会) is evidence of where."""
    return [str(metadata[key]) for key in ("byline", "source") if metadata.get(key)]


@dataclass(frozen=True)
class PlaceRecord:
    code: str
    name: str
    level: str
    parent_code: str
    slug: str


def places_on_paths(gaz, regions) -> dict:
    """code → [name, level, parent code, slug] for every place on the paths of `regions`."""
    out = {}
    for region in regions:
        for code in region["path_codes"]:
            place = gaz[code]
            out[code] = [place.name, place.level, place.parent_code, gaz.slug(code)]
    return out


class PlaceBook:
    """The gazetteer entries a build's tags refer to, as the gazetteer answers for them
    (`book[code]`, `slug`, `path`): gathered from the tag cache, so that the region pages of a
    build whose tags were all cached need no gazetteer."""

    def __init__(self):
        self.places = {}

    def add(self, places: dict) -> None:
        for code, (name, level, parent_code, slug) in places.items():
            if code not in self.places:
                self.places[code] = PlaceRecord(code, name, level, parent_code, slug)

    def __getitem__(self, code: str) -> PlaceRecord:
        return self.places[code]

    def __contains__(self, code) -> bool:
        return code in self.places

    def slug(self, code: str) -> str:
        return self.places[code].slug

    def path(self, code: str) -> list:
        """Places from the province down to `code`."""
        chain = []
        place = self.places.get(code)
        while place is not None:
            chain.append(place)
            place = self.places.get(place.parent_code)
        return chain[::-1]


@dataclass
class RegionNode:
    code: str
    name: str
    level: str
    slug: str
    path: list                       # [(code, name, slug)] from the province down, self included
    articles: list = field(default_factory=list)   # tagged here or below, newest first
    children: list = field(default_factory=list)   # RegionNode, by count then name

    @property
    def count(self) -> int:
        return len(self.articles)


def build_region_tree(articles, gaz) -> tuple:
    """(roots, nodes by code): every region that has a story in its subtree.

    A story counts once per region even when it has several tags below it.
    """
    per_code = defaultdict(dict)   # code -> {id(article): article}
    for article in articles:
        for region in getattr(article, "regions", None) or []:
            for code in region["path_codes"]:
                per_code[code][id(article)] = article
    nodes = {}
    for code, found in per_code.items():
        path = gaz.path(code)
        nodes[code] = RegionNode(code, gaz[code].name, gaz[code].level, gaz.slug(code),
                                 [(p.code, p.name, gaz.slug(p.code)) for p in path],
                                 newest_first(found.values()))
    roots = []
    for code, node in nodes.items():
        parent = gaz[code].parent_code
        (nodes[parent].children if parent in nodes else roots).append(node)
    for node in list(nodes.values()) + [None]:
        children = roots if node is None else node.children
        children.sort(key=lambda n: (-n.count, n.code))
    return roots, nodes


def build_topic_index(articles, taxonomy) -> list:
    """[(Topic, [articles newest first])] in taxonomy order, topics with stories only."""
    per_slug = defaultdict(list)
    for article in articles:
        for topic in getattr(article, "topics", None) or []:
            per_slug[topic["slug"]].append(article)
    return [(t, newest_first(per_slug[t.slug])) for t in taxonomy.topics if per_slug.get(t.slug)]


def newest_first(articles) -> list:
    return sorted(articles, key=lambda a: (a.date, a.slug), reverse=True)


def related_articles(article, candidates, limit=5) -> list:
    """Stories sharing the article's place or topics, best first.

    Same primary region scores 4, same county 3, same city 1; each shared
    topic 2.  Only stories that share something are returned.
    """
    mine = _profile(article)
    scored = []
    for other in candidates:
        if other is article:
            continue
        theirs = _profile(other)
        score = 2 * len(mine["topics"] & theirs["topics"])
        if mine["primary"] and mine["primary"] == theirs["primary"]:
            score += 4
        elif mine["county"] and mine["county"] == theirs["county"]:
            score += 3
        elif mine["city"] and mine["city"] == theirs["city"]:
            score += 1
        if score:
            scored.append((score, other.date, other.slug, other))
    scored.sort(key=lambda s: (s[0], s[1], s[2]), reverse=True)
    return [s[3] for s in scored[:limit]]


class RelatedIndex:
    """related_articles() for every article at once, without comparing every pair.

    Every candidate falls in one group per way it can relate to an article:
    (primary region, topic set), (county, topic set), (city, topic set) and
    (topic set).  Against a given article all members of a group score the
    same, and each group is kept newest first, so a group is read only
    while its members still beat the current top `limit`.  Scoring every
    story that shares a topic was quadratic (a topic holds a tenth of the
    site: 386 s of a 10,000-story build).  Scores, order and ties are
    exactly those of related_articles().
    """

    # (kind, region bonus): how a candidate sharing that region with an article scores
    _LEVELS = (("primary", 4), ("county", 3), ("city", 1))

    def __init__(self, candidates):
        self.candidates = list(candidates)
        self.profiles = [_profile(a) for a in self.candidates]
        groups = defaultdict(list)  # (kind, region or None, frozenset of topic slugs) → indexes
        for index, profile in enumerate(self.profiles):
            topics = frozenset(profile["topics"])
            for kind, _ in self._LEVELS:
                if profile[kind]:
                    groups[(kind, profile[kind], topics)].append(index)
            if topics:
                groups[("topic", None, topics)].append(index)
        self.groups = defaultdict(list)  # (kind, region or None) → [(topic set, indexes newest first)]
        for (kind, region, topics), members in groups.items():
            # newest first; equal (date, slug) keep candidate order (the sort is stable)
            members.sort(key=self._date_slug, reverse=True)
            self.groups[(kind, region)].append((topics, members))

    def _date_slug(self, index):
        other = self.candidates[index]
        return (other.date, other.slug)

    def related(self, article, limit=5) -> list:
        if limit <= 0:
            return []
        mine = _profile(article)
        topics = frozenset(mine["topics"])
        best = []  # min-heap of ((score, date, slug, -index), index): ties go to the earlier candidate
        closer = []  # region kinds already offered: their members are skipped at the next levels
        for kind, bonus in self._LEVELS + (("topic", 0),):
            region = mine[kind] if kind != "topic" else None
            if kind != "topic" and not region:
                continue
            ranked = sorted(self.groups.get((kind, region), ()), key=lambda g: -len(g[0] & topics))
            for their_topics, members in ranked:
                score = bonus + 2 * len(their_topics & topics)
                if not score or (len(best) == limit and score < best[0][0][0]):
                    break  # groups come by score, highest first
                self._offer(best, limit, score, members, article, closer)
            closer.append((kind, region))
        return [self.candidates[index] for _, index in sorted(best, reverse=True)]

    def _offer(self, best, limit, score, members, article, closer) -> None:
        """Push the group's members into the top-`limit` heap while they beat its smallest."""
        profiles = self.profiles
        for index in members:
            other = self.candidates[index]
            if other is article or any(profiles[index][kind] == region for kind, region in closer):
                continue  # scored at a closer level (or the article itself)
            key = (score, other.date, other.slug, -index)
            if len(best) < limit:
                heapq.heappush(best, (key, index))
            elif key > best[0][0]:
                heapq.heapreplace(best, (key, index))
            else:
                break  # members are newest first: the rest rank lower still


def related_inputs_key(candidates, targets, limit) -> str:
    """Hash of everything related stories depend on: each candidate's place and topics, date,
    slug and order, the stories asking, and the limit."""
    digest = hashlib.sha1(f"{limit}".encode(), usedforsecurity=False)
    for group in (candidates, targets):
        digest.update(b"\x1c")
        for article in group:
            profile = _profile(article)
            digest.update(json.dumps([str(article.source_path), article.date.isoformat(), article.slug,
                                      profile["primary"], profile["county"], profile["city"],
                                      sorted(profile["topics"])], ensure_ascii=False).encode() + b"\x1d")
    return digest.hexdigest()


def _profile(article) -> dict:
    primary = next((r for r in getattr(article, "regions", None) or [] if r.get("primary")), None)
    codes = primary["path_codes"] if primary else []
    by_len = {len(c): c for c in codes}
    return {"primary": primary["code"] if primary else None,
            "county": by_len.get(6), "city": by_len.get(4),
            "topics": {t["slug"] for t in getattr(article, "topics", None) or []}}
