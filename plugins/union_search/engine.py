"""Query evaluation shared by the command line (over Whoosh) and the export reader.

The browser implements exactly this algorithm (docs/search-export-format.md);
a Source supplies vocabulary, postings and facets, whatever stores them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Hashable, Protocol

import union_text

from . import scoring
from .pinyin import is_pinyin_query
from .query import ParsedQuery, Part

MAX_QUERY_WORD = 12  # longest vocabulary word the query segmenter tries


class Source(Protocol):
    doc_count: int

    def word_postings(self, term: str) -> dict[Hashable, int]: ...
    def unigram_postings(self, char: str) -> dict[Hashable, int]: ...
    def bigram_postings(self, gram: str) -> dict[Hashable, int]: ...
    def bigram_positions(self, gram: str, docs) -> dict[Hashable, list[int]]: ...
    def pinyin_words(self, letters: str) -> list[str]: ...
    def facet_values(self, facet: str) -> list[tuple[str, str]]: ...  # (folded, display)
    def value_docs(self, facet: str, folded: str) -> set: ...
    def concepts_named(self, name: str) -> list: ...  # [concepts.Concept]
    def sort_fields(self, doc) -> tuple[str, str]: ...  # (date, url)


def segment_query(run: str, is_word) -> list[str]:
    """Cut a folded run into the fewest vocabulary words (single characters always allowed).

    Among segmentations with equally few pieces, the one whose first piece is
    longest wins, then the same rule for the rest (DP from the right).
    """
    n = len(run)
    best = [0] * (n + 1)
    choice = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        best[i] = n + 1
        for j in range(min(n, i + MAX_QUERY_WORD), i, -1):  # longest first
            if j - i > 1 and not is_word(run[i:j]):
                continue
            if 1 + best[j] < best[i]:
                best[i], choice[i] = 1 + best[j], j
    words, i = [], 0
    while i < n:
        words.append(run[i : choice[i]])
        i = choice[i]
    return words


@dataclass
class RunPlan:
    text: str
    pieces: list[str]  # the run cut into query words
    words: list[list[str]]  # per query word: vocabulary alternatives ([] → the char is out of vocabulary)
    grams: list[str]  # the net terms: the character, or the distinct bigrams


@dataclass
class Hit:
    doc: Hashable
    credited: int  # parts matched by whole words (partial matches: query pieces found)
    score: float
    highlight_terms: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # concept matches: why (专题：疫情防控)
    pieces: list[list[str]] = field(default_factory=list)  # partial matches: each found piece's terms


RELEVANCE, DATE = "relevance", "date"
SORTS = (RELEVANCE, DATE)
PARTIAL_LIMIT = 5  # closest partial matches suggested when nothing contains the query
LATEST_LIMIT = 5  # newest stories suggested when nothing contains the query


@dataclass
class Answer:
    """Everything a result page shows for one query (search-engine.js: Index.search)."""

    hits: list[Hit]  # the stories containing the query (Ctrl-F, plus synonyms and pinyin), ranked
    related: list[Hit] = field(default_factory=list)  # concept matches, ranked after the hits
    partial: list[Hit] = field(default_factory=list)  # no hit: closest partial matches (部分匹配)
    latest: list[Hit] = field(default_factory=list)  # no hit: the newest stories passing the filters


class _Cache:
    """Per-query memo over a Source (nothing survives between queries)."""

    def __init__(self, source: Source):
        self.source = source
        self.words: dict[str, dict] = {}
        self.unigrams: dict[str, dict] = {}
        self.bigrams: dict[str, dict] = {}

    def word(self, term):
        if term not in self.words:
            self.words[term] = self.source.word_postings(term)
        return self.words[term]

    def is_word(self, term) -> bool:
        return bool(self.word(term))

    def unigram(self, char):
        if char not in self.unigrams:
            self.unigrams[char] = self.source.unigram_postings(char)
        return self.unigrams[char]

    def bigram(self, gram):
        if gram not in self.bigrams:
            self.bigrams[gram] = self.source.bigram_postings(gram)
        return self.bigrams[gram]


def plan_run(run: str, cache: _Cache) -> RunPlan:
    if is_pinyin_query(run):
        spelled = [w for w in cache.source.pinyin_words(run) if cache.is_word(w)]
        if spelled:
            alternatives = ([run] if cache.is_word(run) else []) + spelled
            return RunPlan(run, [run], [alternatives], _grams(run))
    synonyms = union_text.expand(run)
    if len(synonyms) > 1:
        alternatives = [alt for alt in synonyms if cache.is_word(alt)]
        if alternatives:
            return RunPlan(run, [run], [alternatives], _grams(run))
    pieces = segment_query(run, cache.is_word)
    words = []
    for word in pieces:
        if len(word) == 1 and not cache.is_word(word):
            words.append([])  # out of vocabulary: matched through the character net
            continue
        words.append([alt for alt in union_text.expand(word) if cache.is_word(alt)])
    return RunPlan(run, pieces, words, _grams(run))


def _grams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    seen: list[str] = []
    for i in range(len(run) - 1):
        if run[i : i + 2] not in seen:
            seen.append(run[i : i + 2])
    return seen


def _word_group(plan: RunPlan, index: int, cache: _Cache) -> dict:
    """doc → summed q of one query word's alternatives (or of its character)."""
    alternatives = plan.words[index]
    if not alternatives:
        return cache.unigram(plan.pieces[index])
    merged: dict = {}
    for alt in alternatives:
        for doc, q in cache.word(alt).items():
            merged[doc] = merged.get(doc, 0) + q
    return merged


def verification_stages(run: str, df) -> list[list[int]]:
    """Bigram offsets whose positions prove the run, in stages: the two rarest bigrams first,
    then one more at a time in order of document frequency, until the offsets checked pin every
    character.  The rare bigrams leave few documents possible, so the common ones (职工, 技能)
    are fetched for those only, or not at all."""
    grams = sorted(dict.fromkeys(run[k:k + 2] for k in range(len(run) - 1)), key=lambda g: (df(g), g))
    stages, pinned = [], set()
    for i, gram in enumerate(grams):
        offsets = [k for k in range(len(run) - 1) if run[k:k + 2] == gram]
        if i == 1:
            stages[0] += offsets
        else:
            stages.append(offsets)
        pinned.update(c for k in offsets for c in (k, k + 1))
        if i >= 1 and len(pinned) == len(run):
            break
    return stages


def _net_docs(plan: RunPlan, cache: _Cache, source: Source, already: set) -> set:
    """Documents containing the run as a substring (Ctrl-F truth).

    Documents in `already` are matched anyway, so positions are fetched
    only for the other candidates, stage by stage (verification_stages), for
    the documents still possible only.
    """
    postings = [cache.unigram(plan.text)] if len(plan.text) == 1 else [cache.bigram(g) for g in plan.grams]
    candidates = set(postings[0])
    for p in postings[1:]:
        candidates &= p.keys()
    if len(plan.text) <= 2:
        return candidates
    to_check = candidates - already
    found = candidates & already
    run = plan.text
    starts = {doc: None for doc in to_check}  # doc → the run's possible start positions
    for stage in verification_stages(run, lambda g: len(cache.bigram(g))):
        if not starts:
            break
        grams = {run[k:k + 2] for k in stage}
        positions = {g: source.bigram_positions(g, set(starts)) for g in sorted(grams)}
        for doc in list(starts):
            possible = starts[doc]
            for k in stage:
                at = {p - k for p in positions[run[k:k + 2]].get(doc, ()) if p >= k}
                possible = at if possible is None else possible & at
            if possible:
                starts[doc] = possible
            else:
                del starts[doc]
    return found | set(starts)


def search(source: Source, query: ParsedQuery, sort: str = RELEVANCE) -> list[Hit]:
    """The stories containing the query, best (or newest) first (see the format doc)."""
    return _literal(source, query, sort)[0]


def respond(source: Source, query: ParsedQuery, sort: str = RELEVANCE) -> Answer:
    """The hits, then the concept matches; when nothing contains the query, suggestions."""
    hits, per_part, plans, allowed, cache = _literal(source, query, sort)
    if not query.parts:
        return Answer(hits)
    literal = {hit.doc for hit in hits}
    related = _rank(_concept_hits(source, query, per_part, literal, allowed), source, sort)
    if hits:
        return Answer(hits, related)
    partial = []
    if any(len(run) > 1 for part in query.parts for run in part.runs):
        partial = _partial_hits(query, plans, cache, allowed, source.doc_count)
    latest = range(source.doc_count) if allowed is None else allowed
    newest = _rank({doc: Hit(doc, 0, 0.0) for doc in latest}, source, DATE)[:LATEST_LIMIT]
    return Answer(hits, related, partial, newest)


def _allowed(source: Source, query: ParsedQuery) -> set | None:
    """Documents passing every filter (None: no filter).  Values of one facet are OR-ed."""
    from .facets import filter_docs

    allowed = None
    for facet, values in query.filters.items():
        docs: set = set()
        for value in values:
            docs |= filter_docs(source, facet, value)
        allowed = docs if allowed is None else allowed & docs
    return allowed


def _literal(source: Source, query: ParsedQuery, sort: str):
    """(ranked hits, per part doc → Hit, run plans, allowed docs, cache)."""
    cache = _Cache(source)
    allowed = _allowed(source, query)
    if not query.parts:
        if allowed is None:
            return [], [], {}, allowed, cache
        return _rank({doc: Hit(doc, 0, 0.0) for doc in allowed}, source, sort), [], {}, allowed, cache
    plans = {run: plan_run(run, cache) for part in query.parts for run in part.runs}
    per_part = [_evaluate_part(part, plans, cache, source, source.doc_count) for part in query.parts]
    hits: dict = {}
    for doc in set.intersection(*(set(p) for p in per_part)):
        if allowed is not None and doc not in allowed:
            continue
        parts = [p[doc] for p in per_part]
        hits[doc] = Hit(doc, sum(h.credited for h in parts), sum(h.score for h in parts),
                        [t for h in parts for t in h.highlight_terms])
    return _rank(hits, source, sort), per_part, plans, allowed, cache


def _rank(hits: dict, source: Source, sort: str = RELEVANCE) -> list[Hit]:
    if sort == DATE:
        def key(hit: Hit):
            date, url = source.sort_fields(hit.doc)
            return (_desc(date), url)
    else:
        def key(hit: Hit):
            date, url = source.sort_fields(hit.doc)
            return (-hit.credited, -scoring.score_grain(hit.score), _desc(date), url)

    return sorted(hits.values(), key=key)


def _desc(text: str) -> tuple:
    return tuple(-ord(c) for c in text) + (1,)


def _evaluate_part(part: Part, plans: dict, cache: _Cache, source: Source, n: int) -> dict:
    """doc → Hit for one part (all of its runs must match)."""
    result: dict | None = None
    for run in part.runs:
        run_hits = _evaluate_run(plans[run], part.phrase, cache, source, n)
        if result is None:
            result = run_hits
        else:
            result = {d: h for d, h in result.items() if d in run_hits}
            for doc, hit in result.items():
                other = run_hits[doc]
                hit.credited = min(hit.credited, other.credited)
                hit.score += other.score
                hit.highlight_terms += other.highlight_terms
    return result or {}


def _evaluate_run(plan: RunPlan, phrase: bool, cache: _Cache, source: Source, n: int) -> dict:
    """A run matches the documents that contain it (the net); a run that is one query word
    (a vocabulary word, its synonyms, the words its pinyin spells) matches that word's
    documents too.  A run cut into several words never matches them apart (火星 is not 火 … 星)."""
    groups = [_word_group(plan, i, cache) for i in range(len(plan.words))]
    word_docs = set(groups[0]) if groups else set()
    for group in groups[1:]:
        word_docs &= group.keys()
    exact = phrase or len(plan.pieces) > 1
    net_docs = _net_docs(plan, cache, source, set() if exact else word_docs)
    matched = net_docs if exact else (word_docs | net_docs)
    credited = word_docs & net_docs if exact else word_docs
    idfs = [scoring.idf(n, len(group)) for group in groups]
    gram_postings = [cache.unigram(g) if len(g) == 1 else cache.bigram(g) for g in plan.grams]
    gram_idfs = [scoring.idf(n, len(p)) for p in gram_postings]
    # a run of several words is marked whole: its words alone would mark other places
    word_terms = plan.words[0] if len(plan.pieces) == 1 else []
    hits = {}
    for doc in matched:
        if doc in credited:
            score = sum(scoring.term_score(idfs[i], groups[i][doc]) for i in range(len(groups)))
            terms = [plan.text] + word_terms
        else:
            score = sum(
                scoring.term_score(gram_idfs[i], gram_postings[i].get(doc, 0))
                for i in range(len(plan.grams))
            )
            terms = [plan.text]
        hits[doc] = Hit(doc, 1 if doc in credited else 0, score, terms)
    return hits


# ---------------------------------------------------------------- concept matches


def part_name(part: Part) -> str:
    """What a part may name (a topic, region or column): its runs, joined."""
    return "".join(part.runs)


def _concept_hits(source: Source, query: ParsedQuery, per_part: list, literal: set, allowed) -> dict:
    """doc → Hit for the stories that satisfy every part, some only through a concept it names.

    A part is satisfied by its literal matches or by the stories of the topics, regions and
    columns it names; a concept hit's reasons name the concepts of the parts it does not contain.
    """
    named = [source.concepts_named(part_name(part)) for part in query.parts]
    if not any(named):
        return {}
    candidates: set | None = None
    for found, concepts in zip(per_part, named):
        satisfied = set(found).union(*(c.docs for c in concepts))
        candidates = satisfied if candidates is None else candidates & satisfied
    candidates -= literal
    if allowed is not None:
        candidates &= allowed
    hits = {}
    for doc in candidates:
        hit = Hit(doc, 0, 0.0)
        for found, concepts in zip(per_part, named):
            if doc in found:
                hit.credited += found[doc].credited
                hit.score += found[doc].score
                hit.highlight_terms += found[doc].highlight_terms
            else:
                hit.reasons += [c.label for c in concepts if doc in c.docs and c.label not in hit.reasons]
        hits[doc] = hit
    return hits


# ---------------------------------------------------------------- partial matches


def _partial_hits(query: ParsedQuery, plans: dict, cache: _Cache, allowed, n: int) -> list[Hit]:
    """Stories holding the most of the query's words and characters (apart): 部分匹配.

    Pieces are the query words of every run (a letter or digit alone is no piece); a story
    ranks by how many pieces it holds, then by their BM25F score.  Nothing contains the
    whole query here, so these are suggestions, never results.
    """
    pieces = []  # (group doc → q, highlight terms)
    seen = set()
    for part in query.parts:
        for run in part.runs:
            plan = plans[run]
            for i, piece in enumerate(plan.pieces):
                if piece in seen or (len(piece) == 1 and piece.isascii()):
                    continue
                seen.add(piece)
                pieces.append((_word_group(plan, i, cache), list(dict.fromkeys([piece] + plan.words[i]))))
    hits: dict = {}
    for group, terms in pieces:
        idf = scoring.idf(n, len(group))
        for doc, q in group.items():
            if allowed is not None and doc not in allowed:
                continue
            hit = hits.get(doc)
            if hit is None:
                hit = hits[doc] = Hit(doc, 0, 0.0)
            hit.credited += 1
            hit.score += scoring.term_score(idf, q)
            hit.pieces.append(terms)
            hit.highlight_terms += terms
    return _rank(hits, cache.source)[:PARTIAL_LIMIT]


RELATED_TOPICS = 5


def related_topics(topic_lists: list[list[str]]) -> list[str]:
    """Topics suggested beside partial matches: the topics of those stories, most frequent
    first, then in order of first appearance (search-engine.js: relatedTopics)."""
    counts: dict[str, int] = {}
    for topics in topic_lists:
        for topic in dict.fromkeys(topics):
            counts[topic] = counts.get(topic, 0) + 1
    order = {topic: i for i, topic in enumerate(counts)}
    return sorted(counts, key=lambda topic: (-counts[topic], order[topic]))[:RELATED_TOPICS]
