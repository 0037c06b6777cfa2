"""Editors' command line: search the Whoosh index.

    python -m union_search.cli "工资集体协商"            ranked results with snippets
    python -m union_search.cli '"白纸黑字" region:黄岩区' --json
    python -m union_search.cli 愛心驛站 --index var/search-index --limit 20
    python -m union_search.cli 集体协商 --export output/search     (what the browser finds)
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from .engine import search
from .highlight import find_marks, make_snippet
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


def run_query(index_dir: str, text: str, limit: int | None = 10, export_dir: str | None = None) -> dict:
    """Search and format; the dict is what --json prints.

    With `export_dir` (e.g. output/search) the static export is searched
    instead of Whoosh, exactly as the browser does: a check of parity.
    """
    query = parse_query(text)
    if not export_dir:
        ensure_current(index_dir)  # a build's background sync may still be running: wait for it, or catch up
    with (ExportSource(export_dir) if export_dir else WhooshSource(index_dir)) as source:
        hits = search(source, query)
        results = []
        for hit in hits[:limit]:
            stored = source.stored(hit.doc, hit.highlight_terms)
            snippet = make_snippet(stored["body"], hit.highlight_terms)
            results.append({
                "url": stored["url"],
                "title": stored["title"],
                "date": stored["date"],
                "regions": stored.get("regions", []),
                "topics": stored.get("topics", []),
                "score": round(hit.score, 6),
                "whole_word": hit.credited == len(query.parts) and bool(query.parts),
                "snippet": snippet.html(),
                "_snippet": snippet,
                "_title_marks": find_marks(stored["title"], hit.highlight_terms),
            })
        counts = {facet: source.facet_counts([h.doc for h in hits], facet) for facet in ("region", "topic", "year")}
    return {"query": text, "total": len(hits), "results": results, "facets": counts}


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
    print(f"{total} result{'s' if total != 1 else ''} for {found['query']}"
          + (f" (top {shown})" if shown < total else ""), file=out)
    for rank, result in enumerate(found["results"], start=1):
        regions = "、".join(result["regions"]) or "—"
        print(f"\n{rank:>2}. {_mark_title(result['title'], result['_title_marks'], on, off)}", file=out)
        print(f"    {result['date'] or '无日期'} · {regions} · score {result['score']:.3f} · {result['url']}", file=out)
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
        found = run_query(args.index, text, args.limit, export_dir=args.export)
    except IndexMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        for result in found["results"]:
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
