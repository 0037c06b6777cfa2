"""Editors' command line: search the Whoosh index.

    python -m union_search.cli "工资集体协商"            ranked results with snippets
    python -m union_search.cli '"白纸黑字" region:黄岩区' --json
    python -m union_search.cli 愛心驛站 --index var/search-index --limit 20
    python -m union_search.cli 集体协商 --export output/search     (what the browser finds)
    python -m union_search.cli 'topic:产改 region:温岭' --sort date   (short names, newest first)
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from .engine import RELEVANCE, SORTS, related_topics, respond
from .facets import region_tree
from .highlight import find_marks, make_part_snippet, make_snippet
from .index import IndexMissing, ensure_current
from .query import parse_query
from .export_reader import ExportSource
from .whoosh_source import WhooshSource

DEFAULT_INDEX = os.path.join("var", "search-index")


def result_limit(value: str) -> int | None:
    """--limit: a positive number of results, or `all` (None: no limit)."""
    if value.strip().lower() == "all":
        return None
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of results: give 1 or more, or all")
    return number


def run_query(index_dir: str, text: str, limit: int | None = 10, export_dir: str | None = None,
              sort: str = RELEVANCE) -> dict:
    """Search and format; the dict is what --json prints.

    `total` and `results` are the stories containing the query; `related` the concept
    matches ranked after them (each with its `reasons`); `suggestions`, when no story
    contains the query, the closest partial matches, related topics and the latest stories.
    With `export_dir` (e.g. output/search) the static export is searched instead of
    Whoosh, exactly as the browser does: a check of parity.
    """
    query = parse_query(text)
    if not export_dir:
        ensure_current(index_dir)  # a build's background sync may still be running: wait for it, or catch up
    with (ExportSource(export_dir) if export_dir else WhooshSource(index_dir)) as source:
        answer = respond(source, query, sort)
        whole = len(query.parts)
        results = [_result(source, hit, whole) for hit in answer.hits[:limit]]
        related = [_result(source, hit, whole) for hit in answer.related[:limit]]
        suggestions = None
        if not answer.hits and query.parts:
            partial = [_result(source, hit, whole, partial=True) for hit in answer.partial]
            suggestions = {
                "partial": partial,
                "topics": related_topics([r["topics"] for r in partial]),
                "latest": [_result(source, hit, whole) for hit in answer.latest],
            }
        listed = [h.doc for h in answer.hits + answer.related]
        counts = {facet: source.facet_counts(listed, facet) for facet in ("region", "topic", "year")}
        tree = [node.to_dict() for node in region_tree(source, listed)]
    return {"query": text, "sort": sort, "total": len(answer.hits), "results": results,
            "related_total": len(answer.related), "related": related, "suggestions": suggestions,
            "facets": counts, "region_tree": tree}


def _result(source, hit, parts: int, partial: bool = False) -> dict:
    if partial:  # a window around each piece's first occurrence: the whole body
        stored = source.stored(hit.doc)
        snippet = make_part_snippet(stored["body"], hit.pieces)
    else:  # the body's rest is read only when the snippet needs it
        stored = source.stored(hit.doc, hit.highlight_terms)
        snippet = make_snippet(stored["body"], hit.highlight_terms)
    result = {
        "url": stored["url"],
        "title": stored["title"],
        "date": stored["date"],
        "regions": stored.get("regions", []),
        "topics": stored.get("topics", []),
        "score": round(hit.score, 6),
        "whole_word": hit.credited == parts and bool(parts) and not partial and not hit.reasons,
        "snippet": snippet.html(),
        "_snippet": snippet,
        "_title_marks": find_marks(stored["title"], hit.highlight_terms),
    }
    if hit.reasons:
        result["reasons"] = hit.reasons
    if partial:
        result["pieces"] = [piece[0] for piece in hit.pieces]
    return result


def _mark_title(title: str, marks, on: str, off: str) -> str:
    out, last = [], 0
    for start, end in marks:
        out.append(title[last:start] + on + title[start:end] + off)
        last = end
    return "".join(out) + title[last:]


def print_text(found: dict, color: bool, out=None) -> None:
    out = out or sys.stdout
    on, off = ("\033[1;31m", "\033[0m") if color else ("【", "】")
    total = found["total"]
    shown = len(found["results"])
    if total or not found["suggestions"]:
        print(f"{total} result{'s' if total != 1 else ''} for {found['query']}"
              + (f" (top {shown})" if shown < total else "")
              + (", newest first" if found["sort"] == "date" else ""), file=out)
    else:
        print(f"0 results: no story contains {found['query']}", file=out)
    _print_list(found["results"], on, off, out)
    if found["related"]:
        print(f"\n{found['related_total']} related (topic, region or column named by the query):", file=out)
        _print_list(found["related"], on, off, out)
    suggestions = found["suggestions"]
    if suggestions:
        if suggestions["partial"]:
            print("\n部分匹配 (partial matches: the query's words found apart):", file=out)
            _print_list(suggestions["partial"], on, off, out)
        if suggestions["topics"]:
            print("\n相关专题: " + "、".join(suggestions["topics"]), file=out)
        if suggestions["latest"]:
            print("\n最新文章 (latest stories):", file=out)
            for result in suggestions["latest"]:
                print(f"    {result['date'] or '无日期'} {result['title']} · {result['url']}", file=out)


def _print_list(results, on, off, out) -> None:
    for rank, result in enumerate(results, start=1):
        regions = "、".join(result["regions"]) or "—"
        print(f"\n{rank:>2}. {_mark_title(result['title'], result['_title_marks'], on, off)}", file=out)
        print(f"    {result['date'] or '无日期'} · {regions} · score {result['score']:.3f} · {result['url']}", file=out)
        if result.get("reasons"):
            print("    " + "；".join(result["reasons"]), file=out)
        print(f"    {result['_snippet'].terminal(on, off)}", file=out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m union_search.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("query", nargs="*", help='words, "phrases", region:/topic:/year: filters')
    parser.add_argument("--json", action="store_true", help="print JSON (url, title, score, snippet, …)")
    parser.add_argument("--index", default=os.environ.get("SEARCH_INDEX_PATH", DEFAULT_INDEX),
                        help=f"index directory (default: $SEARCH_INDEX_PATH or {DEFAULT_INDEX})")
    parser.add_argument("--limit", type=result_limit, default=10, metavar="N|all",
                        help="results to show (default 10; all: every result)")
    parser.add_argument("--sort", choices=SORTS, default=RELEVANCE,
                        help="relevance (default) or date (newest first)")
    parser.add_argument("--export", metavar="DIR",
                        help="search a static export (e.g. output/search) the way the browser does")
    args = parser.parse_args(argv)
    text = " ".join(args.query).strip()
    if not text or parse_query(text).empty:
        parser.print_usage(sys.stderr)
        print('error: give a query, e.g. make search Q="工资集体协商"', file=sys.stderr)
        return 2
    try:
        if args.export and not os.path.isfile(os.path.join(args.export, "manifest.json")):
            raise IndexMissing(f"no search export at {args.export} (expected manifest.json): build the site first")
        found = run_query(args.index, text, args.limit, export_dir=args.export, sort=args.sort)
    except IndexMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        suggestions = found["suggestions"] or {}
        for result in found["results"] + found["related"] + suggestions.get("partial", []) + suggestions.get("latest", []):
            result.pop("_snippet")
            result.pop("_title_marks")
        json.dump(found, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print_text(found, color=sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `... | head`
        sys.stderr.close()
        sys.exit(0)
