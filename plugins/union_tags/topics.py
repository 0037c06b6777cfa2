"""Topic tags from the curated taxonomy in topics.yaml.

The decision is a weighted keyword score (title above lead above body), not
jieba's TF-IDF: on union news TF-IDF ranks 工会, 职工, 企业 highest, which
says nothing about the topic.
"""

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from union_text.pinyin import pinyin_slug

from .rulefile import load_yaml
from .textfold import fold

TOPICS_YAML = Path(__file__).resolve().parent / "topics.yaml"
SECTION_NAMES = {"title": "标题", "lead": "导语", "body": "正文"}


@dataclass(frozen=True)
class Topic:
    name: str
    short: str
    slug: str
    keywords: tuple  # ((keyword, weight), ...)


@dataclass
class TopicTag:
    slug: str
    name: str
    short: str
    score: float
    reason: str

    def to_dict(self) -> dict:
        return {"slug": self.slug, "name": self.name, "short": self.short, "reason": self.reason}


@dataclass
class TopicResult:
    tags: list = field(default_factory=list)
    scores: dict = field(default_factory=dict)   # slug -> score, every topic with a hit


class TopicError(ValueError):
    pass


class Taxonomy:
    def __init__(self, topics: list, scoring: dict):
        self.topics = topics
        self.scoring = scoring
        self.by_slug = {t.slug: t for t in topics}
        self.keyword_topics = defaultdict(list)  # keyword -> [(slug, weight)]
        for topic in topics:
            for keyword, weight in topic.keywords:
                self.keyword_topics[fold(keyword)].append((topic.slug, weight))
        self._pattern = keyword_pattern(self.keyword_topics)

    def lookup(self, text: str):
        """The topic named by slug, full name or short name (folded), or None."""
        key = fold(text.strip())
        for topic in self.topics:
            if key in (topic.slug, fold(topic.name), fold(topic.short)):
                return topic
        return None

    def hits(self, text: str):
        """Yield (keyword, start) for leftmost-longest keyword matches in text."""
        if self._pattern is None:
            return
        for found in self._pattern.finditer(fold(text)):
            yield found.group(), found.start()

    def keyword_counts(self, text: str) -> Counter:
        """keyword → number of hits (as `hits` finds them), in order of first hit."""
        if self._pattern is None:
            return Counter()
        return Counter(self._pattern.findall(fold(text)))


def keyword_pattern(keywords):
    """One regex finding the leftmost-longest keyword at each position, or None.

    The keywords are laid out as a trie (工会(?:驿站)? rather than 工会驿站|工会),
    so the regex engine (C speed) follows one branch per character instead of
    trying every keyword at every position; a longer branch is tried before the
    keyword ends, so the longest keyword wins as with a longest-first alternation.
    """
    trie = {}
    for word in keywords:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}          # a keyword ends here
    return re.compile(_trie_regex(trie)) if trie else None


def _trie_regex(node) -> str:
    branches = [re.escape(char) + _trie_regex(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    ends_here = "" in node
    if len(branches) == 1 and not ends_here:
        return branches[0]
    group = "(?:" + "|".join(branches) + ")"
    return group + "?" if ends_here else group


def load_taxonomy(path: Path = TOPICS_YAML) -> Taxonomy:
    path = Path(path)
    try:
        data = load_yaml(path) or {}
    except ValueError as exc:
        raise TopicError(str(exc)) from exc
    topics, seen = [], set()
    for index, entry in enumerate(data.get("topics") or [], 1):
        where = f"{path}: topic #{index}"
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("keywords"):
            raise TopicError(f"{where}: needs `name` and a `keywords` mapping of word: weight")
        short = str(entry.get("short") or entry["name"])
        slug = str(entry.get("slug") or pinyin_slug(short))
        if slug in seen:
            raise TopicError(f"{where} ({entry['name']}): slug {slug!r} is already used; "
                             "give the topic a different `short` or an explicit `slug`")
        seen.add(slug)
        keywords = []
        for word, weight in entry["keywords"].items():
            if not isinstance(weight, (int, float)) or weight <= 0:
                raise TopicError(f"{where} ({entry['name']}): keyword {word!r} needs a "
                                 f"positive number as weight, got {weight!r}")
            keywords.append((str(word), float(weight)))
        topics.append(Topic(str(entry["name"]), short, slug, tuple(keywords)))
    scoring = {"title_factor": 4.0, "lead_factor": 1.5, "max_hits": 6, "min_score": 8.0,
               "fallback_min": 4.0, "relative": 0.3, "max_topics": 4, "min_hits": 2,
               "headline_weight": 3.0, "strong_weight": 4.0}
    scoring.update(data.get("scoring") or {})
    return Taxonomy(topics, scoring)


@functools.lru_cache(maxsize=None)
def default_taxonomy() -> Taxonomy:
    return load_taxonomy()


def score_topics(sections, taxonomy: Taxonomy, blocked=()) -> TopicResult:
    """Score every topic for [(section, text)] and pick one to four of them."""
    s = taxonomy.scoring
    factor = {"title": s["title_factor"], "lead": s["lead_factor"], "body": 1.0}
    counts = defaultdict(lambda: defaultdict(int))   # keyword -> section -> hits
    for section, text in sections:
        if section not in factor:   # credit lines say who wrote, not what about
            continue
        for keyword, n in taxonomy.keyword_counts(text).items():
            counts[keyword][section] += n
    scores = defaultdict(float)
    evidence = defaultdict(list)   # slug -> [(points, keyword, counts)]
    hits = defaultdict(int)        # slug -> keyword occurrences
    headline = set()               # slugs with a strong keyword in the title
    for keyword, per_section in counts.items():
        for slug, weight in taxonomy.keyword_topics[keyword]:
            points = sum(weight * factor[sec] * min(n, s["max_hits"])
                         for sec, n in per_section.items())
            scores[slug] += points
            evidence[slug].append((points, keyword, per_section))
            hits[slug] += sum(per_section.values())
            if ((per_section.get("title") and weight >= s["headline_weight"])
                    or (per_section.get("lead") and weight >= s["strong_weight"])):
                headline.add(slug)
    # One passing word is no topic (a Hong Kong story is not about 疫情防控 for
    # saying 疫情过后 once): a topic needs two keyword hits, or one strong hit up front
    # (a keyword of the headline weight in the title, a defining term such as 职工之家
    # or 工资集体协商 in the lead).
    ranked = sorted((slug for slug in scores
                     if slug not in blocked and (hits[slug] >= s["min_hits"] or slug in headline)),
                    key=lambda slug: (-scores[slug], slug))
    min_score = s["min_score"]
    chosen = []
    if ranked:
        best = scores[ranked[0]]
        for slug in ranked[: int(s["max_topics"])]:
            score = scores[slug]
            if score >= min_score and score >= s["relative"] * best:
                chosen.append(slug)
        if not chosen and best >= s["fallback_min"]:
            chosen = [ranked[0]]
    result = TopicResult(scores=dict(scores))
    for slug in chosen:
        topic = taxonomy.by_slug[slug]
        result.tags.append(TopicTag(slug, topic.name, topic.short, round(scores[slug], 1),
                                    _reason(scores[slug], evidence[slug])))
    return result


def _reason(score, evidence) -> str:
    top = sorted(evidence, key=lambda e: -e[0])[:4]
    parts = []
    for _, keyword, per_section in top:
        where = "、".join(f"{SECTION_NAMES[sec]}{n}" for sec, n in per_section.items())
        parts.append(f"{keyword}({where})")
    return f"得分 {score:.1f}：" + "，".join(parts)
