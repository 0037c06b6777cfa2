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
    def facet_docs(self, facet: str, value: str) -> set: ...
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
    credited: int  # parts matched by whole words
    score: float
    highlight_terms: list[str] = field(default_factory=list)


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


def covering_bigrams(run: str) -> list[int]:
    """Offsets of bigrams that pin every character: 0, 2, 4, … and the last one."""
    offsets = list(range(0, len(run) - 1, 2))
    if offsets[-1] != len(run) - 2:
        offsets.append(len(run) - 2)
    return offsets


def _net_docs(plan: RunPlan, cache: _Cache, source: Source, already: set) -> set:
    """Documents containing the run as a substring (Ctrl-F truth).

    Documents in `already` are matched anyway, so positions are fetched
    only for the other candidates.
    """
    postings = [cache.unigram(plan.text)] if len(plan.text) == 1 else [cache.bigram(g) for g in plan.grams]
    candidates = set(postings[0])
    for p in postings[1:]:
        candidates &= p.keys()
    if len(plan.text) <= 2:
        return candidates
    to_check = candidates - already
    found = candidates & already
    if not to_check:
        return found
    offsets = covering_bigrams(plan.text)
    grams = [plan.text[k : k + 2] for k in offsets]
    positions = {g: source.bigram_positions(g, to_check) for g in dict.fromkeys(grams)}
    for doc in to_check:
        starts = positions[grams[0]].get(doc, ())
        later = [(k, set(positions[g].get(doc, ()))) for k, g in zip(offsets[1:], grams[1:])]
        if any(all(start + k in pins for k, pins in later) for start in starts):
            found.add(doc)
    return found


def search(source: Source, query: ParsedQuery) -> list[Hit]:
    """All matching documents, best first (see the ranking rule in the format doc)."""
    cache = _Cache(source)
    n = source.doc_count
    allowed = None
    for facet, values in query.filters.items():
        docs: set = set()
        for value in values:
            docs |= source.facet_docs(facet, value)
        allowed = docs if allowed is None else allowed & docs
    if not query.parts:
        if allowed is None:
            return []
        return _rank({doc: Hit(doc, 0, 0.0) for doc in allowed}, source)

    hits: dict | None = None
    for part in query.parts:
        part_hits = _evaluate_part(part, cache, source, n)
        if hits is None:
            hits = part_hits
        else:
            for doc in list(hits):
                if doc not in part_hits:
                    del hits[doc]
                else:
                    other = part_hits[doc]
                    hits[doc].credited += other.credited
                    hits[doc].score += other.score
                    hits[doc].highlight_terms += other.highlight_terms
        if allowed is not None:
            hits = {doc: hit for doc, hit in hits.items() if doc in allowed}
    return _rank(hits or {}, source)


def _rank(hits: dict, source: Source) -> list[Hit]:
    def key(hit: Hit):
        date, url = source.sort_fields(hit.doc)
        return (-hit.credited, -scoring.score_grain(hit.score), _desc(date), url)

    return sorted(hits.values(), key=key)


def _desc(text: str) -> tuple:
    return tuple(-ord(c) for c in text) + (1,)


def _evaluate_part(part: Part, cache: _Cache, source: Source, n: int) -> dict:
    """doc → Hit for one part (all of its runs must match)."""
    result: dict | None = None
    for run in part.runs:
        plan = plan_run(run, cache)
        run_hits = _evaluate_run(plan, part.phrase, cache, source, n)
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
    groups = [_word_group(plan, i, cache) for i in range(len(plan.words))]
    word_docs = set(groups[0]) if groups else set()
    for group in groups[1:]:
        word_docs &= group.keys()
    net_docs = _net_docs(plan, cache, source, set() if phrase else word_docs)
    matched = net_docs if phrase else (word_docs | net_docs)
    credited = word_docs & net_docs if phrase else word_docs
    idfs = [scoring.idf(n, len(group)) for group in groups]
    gram_postings = [cache.unigram(g) if len(g) == 1 else cache.bigram(g) for g in plan.grams]
    gram_idfs = [scoring.idf(n, len(p)) for p in gram_postings]
    word_terms = [alt for alts in plan.words for alt in alts]
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
