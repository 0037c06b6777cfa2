"""The browser's search engine module equals the Python reader, query by query, in Chromium.

`theme/static/js/search-engine.js` (no DOM) is imported into a page of the
built site served on 127.0.0.1 and driven directly: parse, search (with facet
counts), display (title marks and snippets) for every result.  The reference is
the Python reader of the same export: `union_search.export_reader.ExportSource`
+ `engine.search` + `highlight.make_snippet` / `find_marks` (what
`python -m union_search.cli --export output/search --json` prints).  Queries are
generated from each export's own text, vocabulary, pinyin keys, synonyms,
facets and char map: words, substrings, bigrams, single characters, several
parts, phrases, typed and URL filters, traditional script, pinyin and
initials, and edge cases.

Two exports: the real site's (content/ plus a traditional and a pinyin
article, as published) and the seed bulletins exported with tiny piece sizes,
so that segmented streams, many index pages, many doc maps and both facet set
kinds are read too.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import json
import math
import os
import random
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest

import union_text
from union_search import concepts as concepts_module
from union_search import export as export_module
from union_search import export_terms
from union_search import scoring
from union_search.build import build_search, export_path
from union_search.engine import DATE, RELEVANCE, related_topics, respond
from union_search.facets import region_tree
from union_search.export_reader import ExportSource
from union_search.highlight import find_marks, make_part_snippet, make_snippet
from union_search.query import ParsedQuery, parse_query

from sitebuild import PROJECT_DIR, StaticServer
from test_union_search_support import seed_records

FACETS = ("region", "topic", "year")

# Runs in the page: imports the engine module and answers every query twice, on one index
# kept across queries (as the page does) and on a fresh index per query (pieces still cached):
# results must not depend on earlier queries.  `tamper` alters manifest values through the
# injected fetch, to show the comparison fails when the engine computes differently.
HARNESS = """async ({engineUrl, base, queries, tamper}) => {
  const engine = await import(engineUrl);
  const fetchPiece = async (url, init) => {
    const response = await fetch(url, init);
    if (!tamper || !String(url).endsWith("/manifest.json")) return response;
    const manifest = await response.json();
    for (const [path, value] of Object.entries(tamper)) {
      const keys = path.split(".");
      const owner = keys.slice(0, -1).reduce((object, key) => object[key], manifest);
      owner[keys[keys.length - 1]] = value;
    }
    return new Response(JSON.stringify(manifest), {headers: {"content-type": "application/json"}});
  };
  const pieces = new engine.Pieces(new URL(base, location.href), {fetch: fetchPiece});
  const kept = await engine.openIndex(pieces);
  const run = async (index, q, filters, sort) => {
    try {
      const query = await index.parse(q, new Map(Object.entries(filters)));
      if (query.empty) return {empty: true};
      const result = await index.search(query, {counts: true, sort});
      const list = async (hits) => {
        const shown = await index.display(hits);
        return hits.map((hit, i) => ({
          doc: hit.doc, credited: hit.credited, score: hit.score, rank: hit.rank, terms: hit.terms,
          reasons: shown[i].reasons, pieces: shown[i].pieces,
          url: shown[i].url, title: shown[i].title, titleMarks: shown[i].titleMarks, snippet: shown[i].snippet,
        }));
      };
      const partial = await index.display(result.partial);
      return {
        hits: await list(result.hits), related: await list(result.related),
        partial: await list(result.partial), latest: await list(result.latest),
        topics: engine.relatedTopics(partial),
        counts: Object.fromEntries([...result.counts].map(([facet, values]) =>
          [facet, values.filter((v) => v.count > 0).map((v) => [v.name, v.count])])),
        tree: result.counts.tree,
      };
    } catch (error) {
      if (error instanceof engine.QueryTooLong) return {tooLong: true};
      return {error: String((error && error.stack) || error)};
    }
  };
  const results = [];
  for (const {q, filters, sort} of queries) {
    const got = await run(kept, q, filters, sort);
    const fresh = await run(await engine.openIndex(pieces), q, filters, sort);
    results.push({got, freshDiffers: JSON.stringify(fresh) === JSON.stringify(got) ? null : fresh});
  }
  return {maxQueryChars: engine.MAX_QUERY_CHARS, results};
}"""


# ---------------------------------------------------------------- the exports under test

class Export:
    """An export directory served (with the site's theme) on 127.0.0.1, and its Python reader."""

    def __init__(self, name: str, root: Path, url: str, engine_url: str):
        self.name = name
        self.root = root
        self.url = url  # a page of the built site, with its CSP
        self.engine_url = engine_url
        self.source = ExportSource(str(root))
        self.manifest = self.source.manifest

    def json(self, name: str):
        return json.loads((self.root / name).read_text(encoding="utf-8"))


def engine_url(site_output: Path, server_url: str) -> str:
    """The engine module as the built search page loads it (next to the page module)."""
    page = (site_output / "search.html").read_text(encoding="utf-8")
    src = re.search(r'<script type="module" src="([^"]*/)search\.js"', page)
    assert src, "search.html no longer loads js/search.js as a module"
    return urljoin(urljoin(server_url + "/search.html", src.group(1)), "search-engine.js")


@pytest.fixture(scope="module")
def site_export(search_site):
    return Export("site", search_site.output / "search", search_site.url + "/index.html",
                  engine_url(search_site.output, search_site.url))


@pytest.fixture(scope="module")
def fine_export(search_site, tmp_path_factory):
    """The seed bulletins exported with tiny pieces, served beside the site's theme (same origin)."""
    root = tmp_path_factory.mktemp("fine-export")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(export_terms, "INLINE_MAX", 12)
        patch.setattr(export_terms, "POSTINGS_PER_SEGMENT", 4)
        patch.setattr(export_terms, "SEGMENT_MAX", 48)
        patch.setattr(export_terms, "CHUNK_MIN", 300)
        patch.setattr(export_terms, "CHUNK_MAX", 700)
        patch.setattr(export_terms, "CHUNK_CUT", 4)
        patch.setattr(export_terms, "PAGE_MIN", 2)
        patch.setattr(export_terms, "PAGE_MAX", 6)
        patch.setattr(export_terms, "PAGE_CUT", 3)
        patch.setattr(export_module, "DOCMAP_SIZE", 8)
        patch.setattr(concepts_module, "SHARD_TARGET", 300)
        patch.setattr(concepts_module, "INLINE_DOCS", 2)
        patch.setattr(export_module, "HEAD_CHARS", 60)  # most bodies have a rest piece
        build_search(fine_records(), str(root / "index"), str(root / "cache"))
    served = root / "served"
    served.mkdir()
    (served / "search").symlink_to(export_path(str(root / "index")), target_is_directory=True)
    (served / "theme").symlink_to(search_site.output / "theme", target_is_directory=True)
    (served / "index.html").symlink_to(search_site.output / "index.html")
    with StaticServer(served) as server:
        yield Export("fine", served / "search", server.url + "/index.html",
                     engine_url(search_site.output, server.url))


# Columns and short names for the seed bulletins (the site's come from real metadata and tags).
FINE_COLUMNS = ["“娘家人”助力疫情防控", "他山之石", "工会“小灵通”", ""]
FINE_ALIASES = {"浙江省›台州市›黄岩区": [("region", "黄岩区", "黄岩"), ("region", "台州市", "台州"), ("region", "浙江省", "浙江")],
                "浙江省›嘉兴市›南湖区": [("region", "南湖区", "南湖"), ("region", "嘉兴市", "嘉兴")],
                "集体协商": [("topic", "集体协商", "协商")]}


def fine_records():
    records = []
    for i, record in enumerate(seed_records()):
        aliases = [a for name in record.regions + record.topics for a in FINE_ALIASES.get(name, [])]
        column = "主席之声" if i == 0 else FINE_COLUMNS[i % len(FINE_COLUMNS)]  # one story's own column: inline docs
        records.append(dataclasses.replace(record, column=column, aliases=tuple(aliases)))
    return records


def structure(export: Export) -> set[str]:
    """Which layouts of the format the export uses (what a reader of it must handle)."""
    kinds = set()
    manifest = export.manifest
    if len(manifest["pages"]) > 1:
        kinds.add("several index pages")
    if len(manifest["docmaps"]) > 1:
        kinds.add("several doc maps")
    for _, page in manifest["pages"]:
        for _, chunk in export.json(page)["chunks"]:
            for entry in export.json(chunk)["terms"]:
                if entry[0].endswith(" p"):
                    continue
                for stream, what in zip(entry[2:4], ("postings", "positions")):
                    if isinstance(stream, dict):
                        kinds.add(f"segmented {what}" if len(stream["segments"]) > 1 else f"one-segment {what}")
                    else:
                        kinds.add(f"inline {what}")
    for values in export.json(manifest["facets"]).values():
        for _, _, docs in values:
            kinds.add("bitmap facet" if base64.b64decode(docs)[0] == 1 else "list facet")
    shards = (manifest.get("concepts") or {}).get("shards", [])
    if len(shards) > 1:
        kinds.add("several concept shards")
    for shard in shards:
        for kind, _value, ref in export.json(shard)["concepts"]:
            kinds.add(f"{kind} concept")
            kinds.add("concept docs piece" if isinstance(ref, dict) else "inline concept docs")
    for _, docmap in manifest["docmaps"]:
        for name in export.json(docmap)["fragments"]:
            kinds.add("body rest" if "rest" in export.json(name) else "whole body")
    return kinds


# ---------------------------------------------------------------- generated queries

def corpus(export: Export):
    """Texts of every document, vocabulary (w), pinyin (p), bigram (b) and character (u) keys of the export."""
    texts = [export.source.fragment(doc) for doc in range(export.source.doc_count)]
    texts = [d["title"] + "\n" + d["body"] for d in texts]
    keys = {"w": [], "p": [], "b": [], "u": []}
    for _, page in export.manifest["pages"]:
        for _, chunk in export.json(page)["chunks"]:
            for entry in export.json(chunk)["terms"]:
                term, kind = export_terms.split_key(entry[0])
                keys[kind].append(term)
    return texts, keys


def runs_of(text: str) -> list[str]:
    """Runs of word characters as written (fold keeps offsets, so folded runs slice the original)."""
    return [text[start:start + len(run)] for run, start in union_text.word_runs(union_text.fold(text))]


def concept_names(export: Export) -> dict[str, list[str]]:
    """kind → the names of the export's concepts (topics, regions, columns), from its shards."""
    names: dict[str, set] = {"topic": set(), "region": set(), "column": set()}
    for shard in (export.manifest.get("concepts") or {}).get("shards", []):
        data = export.json(shard)
        for name, indexes in data["names"].items():
            for i in indexes:
                names[data["concepts"][i][0]].add(name)
    return {kind: sorted(values) for kind, values in names.items()}


def generated_queries(export: Export, share: float = 1.0, seed: int = 15) -> list[tuple[str, str, dict, str]]:
    """(kind, query text, URL filters, sort) cut deterministically from the export's own data (`share`: of the
    random kinds' usual numbers)."""
    rng = random.Random(seed)
    texts, keys = corpus(export)
    runs = [run for text in texts for run in runs_of(text)]
    long_runs = [run for run in runs if len(run) >= 4]
    han_words = [w for w in keys["w"] if re.fullmatch(r"[\u4e00-\u9fff]{2,}", w)]
    facets = export.json(export.manifest["facets"])
    names = {facet: [name for _, name, _ in facets.get(facet, [])] for facet in FACETS}
    to_simplified = export.json(export.manifest["charmap"])["map"]
    to_traditional = {}
    for traditional, simplified in sorted(to_simplified.items()):
        to_traditional.setdefault(simplified, traditional)
    synonyms = export.json(export.manifest["synonyms"])["groups"]

    def substring(low=1, high=8):
        run = rng.choice(long_runs)
        start = rng.randrange(len(run))
        return run[start:start + rng.randint(low, high)]

    def raw_slice(low=4, high=14):
        """A slice of a document as written, punctuation and spaces included."""
        text = rng.choice(texts).replace("\n", " ")
        start = rng.randrange(max(1, len(text) - high))
        return text[start:start + rng.randint(low, high)].strip() or "工会"

    def traditional(text):
        return "".join(to_traditional.get(c, c) for c in text)

    def part_value(facet):
        """A facet value, or a piece of one (filters select values containing it)."""
        name = rng.choice(names[facet])
        if facet == "region" and rng.random() < 0.5:
            name = rng.choice(name.split("›"))
        if rng.random() < 0.3 and len(name) > 2:
            name = name[:rng.randint(2, len(name) - 1)]
        return name

    filter_words = {"region": ["region", "地区", "地域"], "topic": ["topic", "主题", "话题"], "year": ["year", "年份"]}

    def typed_filter():
        """Words (or none) and one or two facets typed as name:value or name:"value"."""
        typed = [f"{rng.choice(filter_words[f])}:" + rng.choice(['{}', '"{}"']).format(part_value(f))
                 for f in rng.sample(FACETS, rng.randint(1, 2))]
        return " ".join(filter(None, [rng.choice(["", substring(), rng.choice(han_words)]), *typed]))

    def two_parts():
        """A substring and a word, most often of the same document (a run of several words matches
        only where it is written whole: two random pieces rarely meet in one story)."""
        text = rng.choice(texts)
        own_runs = [run for run in runs_of(text) if len(run) >= 4]
        folded = union_text.fold(text)
        own_words = [w for w in han_words if w in folded]
        if not own_runs or not own_words or rng.random() < 0.25:
            return substring() + rng.choice([" ", "  ", "，", "、"]) + rng.choice(han_words)
        run = rng.choice(own_runs)
        start = rng.randrange(len(run))
        return run[start:start + rng.randint(1, 8)] + rng.choice([" ", "  ", "，", "、"]) + rng.choice(own_words)

    kinds = {
        "word": lambda: rng.choice(han_words if rng.random() < 0.8 else keys["w"]),
        "substring": lambda: substring(),
        "bigram": lambda: rng.choice(keys["b"]),
        "character": lambda: rng.choice(keys["u"]),
        "two parts": lambda: two_parts(),
        "written text": lambda: raw_slice(),
        "phrase": lambda: rng.choice(['"{}"', "“{}”", "「{}」", '"{}', "『{}』"]).format(
            rng.choice([substring(2, 10), raw_slice(3, 12).replace('"', "")])),
        "typed filter": typed_filter,
        "traditional": lambda: traditional(rng.choice([substring(), rng.choice(han_words), f'"{substring(2, 8)}"',
                                                       raw_slice()])),
        "pinyin": lambda: rng.choice([
            rng.choice(keys["p"]), rng.choice(keys["p"]).upper(),
            "".join(chr(ord(c) + 0xFEE0) for c in rng.choice(keys["p"])),  # full-width letters
            rng.choice(keys["p"]) + " " + rng.choice(han_words),
            rng.choice(keys["p"]) + " year:" + rng.choice(names["year"]),
            "".join(rng.choice("bcdfghjklmnpqrstwxyz") for _ in range(rng.randint(2, 6))),
        ]),
    }
    counts = {"word": 60, "substring": 70, "bigram": 30, "character": 30, "two parts": 40,
              "written text": 40, "phrase": 50, "typed filter": 50, "traditional": 50, "pinyin": 50}
    queries, seen = [], set()
    named = concept_names(export)
    folded_texts = [union_text.fold(text) for text in texts]

    def absent(run):
        return len(run) > 1 and not any(run in text for text in folded_texts)

    def no_match():
        """Two to four characters of the vocabulary that no document holds together (火星)."""
        for _ in range(200):
            run = "".join(rng.choice(keys["u"]) for _ in range(rng.randint(2, 3)))
            if rng.random() < 0.4:
                run = rng.choice(han_words) + rng.choice(keys["u"])
            if absent(union_text.fold(run)) and re.fullmatch(r"[\u4e00-\u9fff]+", run):
                return run
        return "火星"

    def add(kind, text, filters=None, sort=RELEVANCE):
        key = (text, json.dumps(filters or {}, ensure_ascii=False, sort_keys=True), sort)
        if key not in seen:
            seen.add(key)
            queries.append((kind, text, filters or {}, sort))

    for kind, count in counts.items():
        for _ in range(round(count * share)):
            add(kind, kinds[kind]())
    for _ in range(round(30 * share)):  # filters from the URL (the page's checkboxes), with or without text
        chosen = rng.sample(FACETS, rng.randint(1, 2))
        add("URL filter", rng.choice(["", substring(), rng.choice(han_words)]),
            {facet: sorted({part_value(facet) for _ in range(rng.randint(1, 2))}) for facet in chosen})
    for group in synonyms:
        for word in group:
            add("synonym", word)
            add("synonym", traditional(word))
    # concepts: a topic, region or column named alone, with other words, with a filter
    for names_of_kind in named.values():
        for name in rng.sample(names_of_kind, min(len(names_of_kind), round(12 * share) or 1)):
            add("concept", rng.choice([name, name, f"{name} {rng.choice(han_words)}", f"{name} year:{rng.choice(names['year'])}",
                                       f"{substring(2, 3)} {name}"]))
    # short names as filters: typed and in the URL (topic:产改, region=温岭), and region paths
    shorts = {facet: [n for n in named[facet] if n not in {union_text.fold(v) for v in names[facet]}]
              for facet in ("topic", "region")}
    for facet, values in shorts.items():
        for value in rng.sample(values, min(len(values), round(8 * share) or 1)):
            add("short filter", f"{facet}:{value}")
            add("short filter", rng.choice(["", rng.choice(han_words)]), {facet: [value]})
    paths = [name for name in names["region"] if "›" in name]
    for path in rng.sample(paths, min(len(paths), round(8 * share) or 1)):
        levels = path.split("›")
        add("region path", rng.choice(["", "工会"]), {"region": ["›".join(levels[:rng.randint(1, len(levels))])]})
    # nothing contains these: 0 results, partial matches, latest stories
    for _ in range(round(24 * share)):
        text = no_match()
        add("no match", rng.choice([text, text, f"{text} {rng.choice(han_words)}", f"{text} year:{rng.choice(names['year'])}"]))
    # newest first: the same kinds of queries, sorted by date
    for _ in range(round(30 * share)):
        add("date sort", rng.choice([rng.choice(han_words), substring(), typed_filter(),
                                     rng.choice(named["topic"] or han_words)]), sort=DATE)
    for text in ["", "   ", "，。！", '""', "“”", "5.2%", "2023", "a", "abc", "ab12cd", "ＡＢＣ１２",
                 "工会 工会", "工会工会", "驿站驿站驿站", "龘靐", "region:", "region: 工会", "year:2099 工会",
                 "region:台州 year:2023", 'region:"" 工会', "topic:帮扶 topic:协商", "ｇｏｎｇｈｕｉ",
                 "工" * 64, "工" * 65, " ".join(["职工"] * 33), "𠀀工会"]:
        add("edge", text)
    return queries


# ---------------------------------------------------------------- the Python reference

def reference(source: ExportSource, text: str, filters: dict, max_chars: int, sort: str = RELEVANCE) -> dict:
    """What the engine must return, computed by the Python reader (the CLI's --export path)."""
    query = parse_query(text)
    for facet, values in filters.items():
        for value in values:
            folded = union_text.fold(value)
            if folded not in query.filters.setdefault(facet, []):
                query.filters[facet].append(folded)
    if sum(len(run) for part in query.parts for run in part.runs) > max_chars:
        return {"tooLong": True}
    if query.empty:
        return {"empty": True}
    answer = respond(source, query, sort)

    def listing(hits):
        out = []
        for hit in hits:
            stored = source.stored(hit.doc)
            if hit.pieces:
                snippet = make_part_snippet(stored["body"], hit.pieces)
            else:
                snippet = make_snippet(stored["body"], hit.highlight_terms)
            out.append({
                "doc": hit.doc, "credited": hit.credited, "score": hit.score, "rank": scoring.score_grain(hit.score),
                "terms": hit.highlight_terms, "reasons": hit.reasons, "pieces": [p[0] for p in hit.pieces],
                "url": stored["url"], "title": stored["title"], "topics": stored["topics"],
                "titleMarks": [list(m) for m in find_marks(stored["title"], hit.highlight_terms)],
                "snippet": {"text": snippet.text, "marks": [list(m) for m in snippet.marks],
                            "before": snippet.starts_inside, "after": snippet.ends_inside},
            })
        return out

    counts, tree = {}, []
    for facet in FACETS:  # each facet counted over the listed stories passing the *other* facets' filters
        others = ParsedQuery(query.parts, {f: v for f, v in query.filters.items() if f != facet})
        if facet not in query.filters:
            docs = [h.doc for h in answer.hits + answer.related]
        elif others.empty:
            docs = range(source.doc_count)
        else:
            other = respond(source, others)
            docs = [h.doc for h in other.hits + other.related]
        counts[facet] = source.facet_counts(docs, facet)
        if facet == "region":
            tree = [node.to_dict() for node in region_tree(source, docs)]
    partial = listing(answer.partial)
    return {"hits": listing(answer.hits), "related": listing(answer.related), "partial": partial,
            "latest": listing(answer.latest), "topics": related_topics([p["topics"] for p in partial]),
            "counts": counts, "tree": tree}


LISTS = ("hits", "related", "partial", "latest")
FIELDS = ("credited", "rank", "terms", "reasons", "pieces", "url", "title", "titleMarks", "snippet")


def differences(expected: dict, got: dict) -> list[str]:
    """Every way the engine's answer differs from the reference ([] when equal)."""
    if "hits" not in expected or "hits" not in got:
        return [] if expected == got else [f"expected {expected}, got {got}"]
    found = []
    for name in LISTS:
        want, have = expected[name], got[name]
        if [h["doc"] for h in want] != [h["doc"] for h in have]:
            found.append(f"{name} {[h['doc'] for h in want]} != {[h['doc'] for h in have]}")
        for w, h in zip(want, have):
            if w["doc"] != h["doc"]:
                continue
            for field in FIELDS:
                if w[field] != h[field]:
                    found.append(f"{name} doc {w['doc']} {field}: {w[field]!r} != {h[field]!r}")
            if not math.isclose(w["score"], h["score"], rel_tol=1e-9, abs_tol=1e-12):
                found.append(f"{name} doc {w['doc']} score: {w['score']!r} != {h['score']!r}")
    if expected["topics"] != got["topics"]:
        found.append(f"related topics: {expected['topics']} != {got['topics']}")
    for facet in FACETS:
        if expected["counts"][facet] != dict(got["counts"].get(facet, [])):
            found.append(f"{facet} counts: {expected['counts'][facet]} != {dict(got['counts'].get(facet, []))}")
    if expected["tree"] != got["tree"]:
        found.append(f"region tree: {expected['tree']} != {got['tree']}")
    return found


def run_in_browser(page, export: Export, queries, tamper=None) -> dict:
    """The engine's answers to `queries`, all in one page (pieces fetched once, as a reader's page does)."""
    page.goto(export.url)
    return page.evaluate(HARNESS, {
        "engineUrl": export.engine_url, "base": "search/", "tamper": tamper,
        "queries": [{"q": text, "filters": filters, "sort": sort} for _, text, filters, sort in queries]})


def compare(export: Export, queries, answer) -> tuple[list[str], dict]:
    """Mismatches (query: what differs) and, per kind, [queries, with results, with concept matches,
    with partial matches]."""
    problems, tally = [], {}
    for (kind, text, filters, sort), result in zip(queries, answer["results"]):
        label = f"[{export.name} {kind}] {text!r}" + (f" {filters}" if filters else "") + (f" sort={sort}" if sort != RELEVANCE else "")
        got = result["got"]
        if "error" in got:
            problems.append(f"{label}: the engine failed: {got['error']}")
            continue
        if result["freshDiffers"] is not None:
            problems.append(f"{label}: a fresh index answers differently from the page's kept index")
        expected = reference(export.source, text, filters, answer["maxQueryChars"], sort)
        problems += [f"{label}: {d}" for d in differences(expected, got)]
        tally.setdefault(kind, [0, 0, 0, 0])
        tally[kind][0] += 1
        tally[kind][1] += bool(expected.get("hits"))
        tally[kind][2] += bool(expected.get("related"))
        tally[kind][3] += bool(expected.get("partial"))
        for outcome in ("empty", "tooLong"):
            tally[outcome] = tally.get(outcome, 0) + (outcome in expected)
    return problems, tally


# ---------------------------------------------------------------- tests

@pytest.fixture(params=["site", "fine"])
def export(request, site_export):
    return site_export if request.param == "site" else request.getfixturevalue("fine_export")


# The fine export is there for its layouts: half as many random queries suffice.
SHARE = {"site": 1.0, "fine": 0.5}


def test_the_exports_cover_every_layout_of_the_format(site_export, fine_export):
    site, fine = structure(site_export), structure(fine_export)
    assert {"inline postings", "inline positions", "bitmap facet", "list facet",
            "topic concept", "region concept", "column concept"} <= site
    assert {"several index pages", "several doc maps", "segmented postings", "segmented positions",
            "one-segment postings", "inline postings", "several concept shards", "concept docs piece",
            "inline concept docs", "column concept", "region concept", "topic concept",
            "body rest", "whole body"} <= fine
    assert "body rest" in site  # the real articles are longer than a fragment's head


def test_engine_module_equals_the_python_reader_on_generated_queries(page, export):
    queries = generated_queries(export, SHARE[export.name])
    answer = run_in_browser(page, export, queries)
    problems, tally = compare(export, queries, answer)
    print(f"\n{export.name}: {len(queries)} generated queries, per kind "
          f"[queries, with results, with concept matches, with partial matches]: {tally}")
    assert not problems, f"{len(problems)} differences, first ones:\n" + "\n".join(problems[:20])
    # the comparison must have had something to compare in every kind of query
    for kind in ("word", "substring", "bigram", "character", "two parts", "written text", "phrase",
                 "typed filter", "URL filter", "traditional", "pinyin", "synonym", "short filter", "region path",
                 "date sort"):
        total, with_results = tally[kind][:2]
        assert with_results >= total / 4, f"{kind}: only {with_results} of {total} queries find anything"
    # (a topic named by a story that is tagged with it is a literal match: no concept match to compare)
    total, _, with_concepts, _ = tally["concept"]
    assert with_concepts >= max(3, total / 6), f"concept: only {with_concepts} of {total} queries find concept matches"
    total, with_results, _, with_partial = tally["no match"]
    assert with_results == 0 and with_partial >= total / 2, tally["no match"]
    assert tally["edge"][0] > 20 and tally["empty"] >= 3 and tally["tooLong"] >= 2
    assert page.console_errors == []


@pytest.mark.parametrize("tamper, field, kinds", [
    ({"bm25.k1": 1.3}, "score", ("word", "substring")),           # a scoring constant
    ({"snippet.lead": 20}, "snippet", ("word", "substring")),     # a highlighting constant
    ({"max_query_word": 2}, "terms", ("word", "substring")),      # query segmentation
    ({"snippet.part_lead": 4}, "snippet", ("no match",)),          # partial matches' snippets
    ({"concepts.shards": []}, "related", ("concept",)),            # concept matches
])
def test_the_comparison_fails_when_the_engine_computes_differently(page, site_export, tamper, field, kinds):
    """The same harness, with one manifest value altered through the injected fetch: caught."""
    queries = [q for q in generated_queries(site_export) if q[0] in kinds][:150]
    problems, _ = compare(site_export, queries, run_in_browser(page, site_export, queries, tamper=tamper))
    assert any(f" {field}" in problem for problem in problems), problems[:5]


def test_the_command_line_over_the_export_prints_what_the_engine_returns(page, site_export):
    """The real entry point, `python -m union_search.cli --export … --json`, for a few generated queries:
    results, concept matches with their reasons, partial matches, latest stories, the region tree, date sort."""
    generated = generated_queries(site_export)
    queries = [q for q in generated if q[0] in ("word", "phrase", "pinyin", "typed filter")]
    queries = [q for q in queries if reference(site_export.source, q[1], {}, 64).get("hits")][::9][:4]
    queries += [next(q for q in generated if q[0] == kind and reference(site_export.source, q[1], q[2], 64, q[3]).get(want))
                for kind, want in (("concept", "related"), ("no match", "partial"), ("date sort", "hits"))]
    assert len(queries) == 7
    answer = run_in_browser(page, site_export, queries)
    for (kind, text, _, sort), result in zip(queries, answer["results"]):
        cli = subprocess.run(
            [sys.executable, "-m", "union_search.cli", "--json", "--limit", "all", "--sort", sort, "--export",
             str(site_export.root), "--", text],
            cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120,
            env={"PYTHONPATH": str(PROJECT_DIR / "plugins"), "PATH": os.environ.get("PATH", "/usr/bin:/bin")})
        assert cli.returncode == 0, cli.stderr
        printed = json.loads(cli.stdout)
        got = result["got"]
        hits = got["hits"]
        assert printed["total"] == len(hits), text
        assert [r["url"] for r in printed["results"]] == [h["url"] for h in hits], text
        assert [r["snippet"] for r in printed["results"]] == [snippet_html(h["snippet"]) for h in hits], text
        assert [r["whole_word"] for r in printed["results"]] == [
            h["credited"] == len(parse_query(text).parts) for h in hits], text
        assert printed["related_total"] == len(got["related"]), text
        assert [(r["url"], r["reasons"]) for r in printed["related"]] == [(h["url"], h["reasons"]) for h in got["related"]]
        suggestions = printed["suggestions"] or {"partial": [], "latest": [], "topics": []}
        assert [(r["url"], r["pieces"], r["snippet"]) for r in suggestions["partial"]] == [
            (h["url"], h["pieces"], snippet_html(h["snippet"])) for h in got["partial"]], text
        assert [r["url"] for r in suggestions["latest"]] == [h["url"] for h in got["latest"]], text
        assert suggestions["topics"] == got["topics"], text
        if "region" not in parse_query(text).filters:  # else the page counts regions over the other filters only
            assert printed["region_tree"] == got["tree"], text
        if kind == "no match":
            assert printed["total"] == 0 and suggestions["partial"] and suggestions["latest"], text


def snippet_html(snippet: dict) -> str:
    """The engine's snippet as the CLI's JSON writes it (escaped text, <mark> around the marks)."""
    text, out, last = snippet["text"], [], 0
    for start, end in snippet["marks"]:
        out += [html.escape(text[last:start]), "<mark>" + html.escape(text[start:end]) + "</mark>"]
        last = end
    out.append(html.escape(text[last:]))
    return ("…" if snippet["before"] else "") + "".join(out) + ("…" if snippet["after"] else "")
