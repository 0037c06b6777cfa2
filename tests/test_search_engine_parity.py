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
from union_search import export as export_module
from union_search import export_terms
from union_search import scoring
from union_search.build import build_search, export_path
from union_search.engine import search
from union_search.export_reader import ExportSource
from union_search.highlight import find_marks, make_snippet
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
  const run = async (index, q, filters) => {
    try {
      const query = await index.parse(q, new Map(Object.entries(filters)));
      if (query.empty) return {empty: true};
      const result = await index.search(query, {counts: true});
      const shown = await index.display(result.hits);
      return {
        hits: result.hits.map((hit, i) => ({
          doc: hit.doc, credited: hit.credited, score: hit.score, rank: hit.rank, terms: hit.terms,
          url: shown[i].url, title: shown[i].title, titleMarks: shown[i].titleMarks, snippet: shown[i].snippet,
        })),
        counts: Object.fromEntries([...result.counts].map(([facet, values]) =>
          [facet, values.filter((v) => v.count > 0).map((v) => [v.name, v.count])])),
      };
    } catch (error) {
      if (error instanceof engine.QueryTooLong) return {tooLong: true};
      return {error: String((error && error.stack) || error)};
    }
  };
  const results = [];
  for (const {q, filters} of queries) {
    const got = await run(kept, q, filters);
    const fresh = await run(await engine.openIndex(pieces), q, filters);
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
        patch.setattr(export_module, "HEAD_CHARS", 60)  # most bodies have a rest piece
        build_search(seed_records(), str(root / "index"), str(root / "cache"))
    served = root / "served"
    served.mkdir()
    (served / "search").symlink_to(export_path(str(root / "index")), target_is_directory=True)
    (served / "theme").symlink_to(search_site.output / "theme", target_is_directory=True)
    (served / "index.html").symlink_to(search_site.output / "index.html")
    with StaticServer(served) as server:
        yield Export("fine", served / "search", server.url + "/index.html",
                     engine_url(search_site.output, server.url))


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


def generated_queries(export: Export, share: float = 1.0, seed: int = 15) -> list[tuple[str, str, dict]]:
    """(kind, query text, URL filters) cut deterministically from the export's own data (`share`: of the
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

    kinds = {
        "word": lambda: rng.choice(han_words if rng.random() < 0.8 else keys["w"]),
        "substring": lambda: substring(),
        "bigram": lambda: rng.choice(keys["b"]),
        "character": lambda: rng.choice(keys["u"]),
        "two parts": lambda: substring() + rng.choice([" ", "  ", "，", "、"]) + rng.choice(han_words),
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

    def add(kind, text, filters=None):
        key = (text, json.dumps(filters or {}, ensure_ascii=False, sort_keys=True))
        if key not in seen:
            seen.add(key)
            queries.append((kind, text, filters or {}))

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
    for text in ["", "   ", "，。！", '""', "“”", "5.2%", "2023", "a", "abc", "ab12cd", "ＡＢＣ１２",
                 "工会 工会", "工会工会", "驿站驿站驿站", "龘靐", "region:", "region: 工会", "year:2099 工会",
                 "region:台州 year:2023", 'region:"" 工会', "topic:帮扶 topic:协商", "ｇｏｎｇｈｕｉ",
                 "工" * 64, "工" * 65, " ".join(["职工"] * 33), "𠀀工会"]:
        add("edge", text)
    return queries


# ---------------------------------------------------------------- the Python reference

def reference(source: ExportSource, text: str, filters: dict, max_chars: int) -> dict:
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
    hits = []
    found = search(source, query)
    for hit in found:
        stored = source.stored(hit.doc)
        snippet = make_snippet(stored["body"], hit.highlight_terms)
        hits.append({
            "doc": hit.doc, "credited": hit.credited, "score": hit.score, "rank": scoring.score_grain(hit.score),
            "terms": hit.highlight_terms,
            "url": stored["url"], "title": stored["title"],
            "titleMarks": [list(m) for m in find_marks(stored["title"], hit.highlight_terms)],
            "snippet": {"text": snippet.text, "marks": [list(m) for m in snippet.marks],
                        "before": snippet.starts_inside, "after": snippet.ends_inside},
        })
    counts = {}
    for facet in FACETS:  # each facet counted over the text matches passing the *other* facets' filters
        others = ParsedQuery(query.parts, {f: v for f, v in query.filters.items() if f != facet})
        if facet not in query.filters:
            docs = [h.doc for h in found]
        else:
            docs = range(source.doc_count) if others.empty else [h.doc for h in search(source, others)]
        counts[facet] = source.facet_counts(docs, facet)
    return {"hits": hits, "counts": counts}


def differences(expected: dict, got: dict) -> list[str]:
    """Every way the engine's answer differs from the reference ([] when equal)."""
    if "hits" not in expected or "hits" not in got:
        return [] if expected == got else [f"expected {expected}, got {got}"]
    found = []
    want, have = expected["hits"], got["hits"]
    if [h["doc"] for h in want] != [h["doc"] for h in have]:
        found.append(f"results {[h['doc'] for h in want]} != {[h['doc'] for h in have]}")
    for w, h in zip(want, have):
        if w["doc"] != h["doc"]:
            continue
        for field in ("credited", "rank", "terms", "url", "title", "titleMarks", "snippet"):
            if w[field] != h[field]:
                found.append(f"doc {w['doc']} {field}: {w[field]!r} != {h[field]!r}")
        if not math.isclose(w["score"], h["score"], rel_tol=1e-9, abs_tol=1e-12):
            found.append(f"doc {w['doc']} score: {w['score']!r} != {h['score']!r}")
    for facet in FACETS:
        if expected["counts"][facet] != dict(got["counts"].get(facet, [])):
            found.append(f"{facet} counts: {expected['counts'][facet]} != {dict(got['counts'].get(facet, []))}")
    return found


def run_in_browser(page, export: Export, queries, tamper=None) -> dict:
    """The engine's answers to `queries`, all in one page (pieces fetched once, as a reader's page does)."""
    page.goto(export.url)
    return page.evaluate(HARNESS, {
        "engineUrl": export.engine_url, "base": "search/", "tamper": tamper,
        "queries": [{"q": text, "filters": filters} for _, text, filters in queries]})


def compare(export: Export, queries, answer) -> tuple[list[str], dict]:
    """Mismatches (query: what differs) and, per kind, [queries, queries with results]."""
    problems, tally = [], {}
    for (kind, text, filters), result in zip(queries, answer["results"]):
        label = f"[{export.name} {kind}] {text!r}" + (f" {filters}" if filters else "")
        got = result["got"]
        if "error" in got:
            problems.append(f"{label}: the engine failed: {got['error']}")
            continue
        if result["freshDiffers"] is not None:
            problems.append(f"{label}: a fresh index answers differently from the page's kept index")
        expected = reference(export.source, text, filters, answer["maxQueryChars"])
        problems += [f"{label}: {d}" for d in differences(expected, got)]
        tally.setdefault(kind, [0, 0])
        tally[kind][0] += 1
        tally[kind][1] += bool(expected.get("hits"))
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
    assert {"inline postings", "inline positions", "bitmap facet", "list facet"} <= site
    assert {"several index pages", "several doc maps", "segmented postings", "segmented positions",
            "one-segment postings", "inline postings", "body rest", "whole body"} <= fine
    assert "body rest" in site  # the real articles are longer than a fragment's head


def test_engine_module_equals_the_python_reader_on_generated_queries(page, export):
    queries = generated_queries(export, SHARE[export.name])
    answer = run_in_browser(page, export, queries)
    problems, tally = compare(export, queries, answer)
    print(f"\n{export.name}: {len(queries)} generated queries, per kind [queries, with results]: {tally}")
    assert not problems, f"{len(problems)} differences, first ones:\n" + "\n".join(problems[:20])
    # the comparison must have had something to compare in every kind of query
    for kind in ("word", "substring", "bigram", "character", "two parts", "written text", "phrase",
                 "typed filter", "URL filter", "traditional", "pinyin", "synonym"):
        total, with_results = tally[kind]
        assert with_results >= total / 4, f"{kind}: only {with_results} of {total} queries find anything"
    assert tally["edge"][0] > 20 and tally["empty"] >= 3 and tally["tooLong"] >= 2
    assert page.console_errors == []


@pytest.mark.parametrize("tamper, field", [
    ({"bm25.k1": 1.3}, "score"),          # a scoring constant
    ({"snippet.lead": 20}, "snippet"),    # a highlighting constant
    ({"max_query_word": 2}, "terms"),     # query segmentation
])
def test_the_comparison_fails_when_the_engine_computes_differently(page, site_export, tamper, field):
    """The same harness, with one manifest value altered through the injected fetch: caught."""
    queries = generated_queries(site_export)[:150]
    problems, _ = compare(site_export, queries, run_in_browser(page, site_export, queries, tamper=tamper))
    assert any(f" {field}" in problem for problem in problems), problems[:5]


def test_the_command_line_over_the_export_prints_what_the_engine_returns(page, site_export):
    """The real entry point, `python -m union_search.cli --export … --json`, for a few generated queries."""
    queries = [q for q in generated_queries(site_export) if q[0] in ("word", "phrase", "pinyin", "typed filter")]
    queries = [q for q in queries if reference(site_export.source, q[1], {}, 64).get("hits")][::9][:4]
    assert len(queries) == 4
    answer = run_in_browser(page, site_export, queries)
    for (_, text, _), result in zip(queries, answer["results"]):
        cli = subprocess.run(
            [sys.executable, "-m", "union_search.cli", "--json", "--limit", "all", "--export",
             str(site_export.root), "--", text],
            cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120,
            env={"PYTHONPATH": str(PROJECT_DIR / "plugins"), "PATH": os.environ.get("PATH", "/usr/bin:/bin")})
        assert cli.returncode == 0, cli.stderr
        printed = json.loads(cli.stdout)
        hits = result["got"]["hits"]
        assert printed["total"] == len(hits), text
        assert [r["url"] for r in printed["results"]] == [h["url"] for h in hits], text
        assert [r["snippet"] for r in printed["results"]] == [snippet_html(h["snippet"]) for h in hits], text
        assert [r["whole_word"] for r in printed["results"]] == [
            h["credited"] == len(parse_query(text).parts) for h in hits], text


def snippet_html(snippet: dict) -> str:
    """The engine's snippet as the CLI's JSON writes it (escaped text, <mark> around the marks)."""
    text, out, last = snippet["text"], [], 0
    for start, end in snippet["marks"]:
        out += [html.escape(text[last:start]), "<mark>" + html.escape(text[start:end]) + "</mark>"]
        last = end
    out.append(html.escape(text[last:]))
    return ("…" if snippet["before"] else "") + "".join(out) + ("…" if snippet["after"] else "")
