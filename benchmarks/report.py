"""The goals, the gap to each, and the printed table."""

from __future__ import annotations

COLD_RATIO_GOAL = 1.5
REBUILD_RATIO_GOAL = 1.2
BYTES_SHARE_GOAL = 0.5
WARM_MS_GOAL = 50.0


def _goal(name: str, goal: float, measured: float | None, unit: str, note: str = "") -> dict:
    if measured is None:
        return {"goal": name, "target": goal, "measured": None, "met": None, "gap": None,
                "unit": unit, "note": note or "not measured"}
    return {"goal": name, "target": goal, "measured": round(measured, 3), "met": measured <= goal,
            "gap": round(measured - goal, 3), "unit": unit, "note": note}


def goals(result: dict) -> list[dict]:
    builds, search = result.get("builds"), result.get("search", {})
    ratios = builds["ratios"] if builds else {"cold": None, "rebuild": None}
    ours, pagefind = search.get("ours", {}), search.get("pagefind", {})
    share = None
    if ours.get("available") and pagefind.get("available"):
        share = ours["first_query_gzip_median"] / pagefind["first_query_gzip_median"]
    return [
        _goal("cold build, full site / vanilla Pelican (goal set at 10,000 articles)",
              COLD_RATIO_GOAL, ratios["cold"], "×", "" if builds else "builds not measured in this run"),
        _goal("one-article rebuild, full site / vanilla with reader cache",
              REBUILD_RATIO_GOAL, ratios["rebuild"], "×", "" if builds else "builds not measured in this run"),
        _goal("first-query bytes (gzip, median over queries), ours / Pagefind",
              BYTES_SHARE_GOAL, share, "×",
              "" if share is not None else ours.get("reason", "browser search not measured")),
        _goal("query once pieces are loaded, slowest of the fixed queries (ours)",
              WARM_MS_GOAL, ours.get("warm_ms_max") if ours.get("available") else None, "ms",
              "" if ours.get("available") else ours.get("reason", "browser search not measured")),
    ]


def _ljust(text: str, width: int) -> str:
    """Left-justify for a terminal, where CJK characters take two columns."""
    import unicodedata
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def _kb(value) -> str:
    return "—" if value is None else f"{value / 1024:,.0f} KB"


def _mb(value) -> str:
    return "—" if value is None else f"{value / 2**20:,.0f} MB"


def _num(value, fmt="{:.2f}") -> str:
    return "—" if value is None else fmt.format(value)


def format_table(result: dict) -> str:
    b = result.get("builds")
    plugins = (", ".join(b["plugins"]) or "none") if b else "?"
    lines = [f"Benchmark: {result['n']:,} articles · full site plugins: {plugins} · {result['machine']['cpu']} · "
             f"{result['machine']['cores']} cores · {result['date']}", ""]
    lines += _build_table(b) if b else ["builds: not measured in this run"]
    return "\n".join(lines + _rest_of_table(result))


def _build_table(b: dict) -> list[str]:
    lines = []
    van, ours = b["vanilla"], b["ours"]
    lines.append(f"{'build':<36}{'vanilla':>12}{'full site':>12}{'ratio':>9}")
    lines.append(f"{'cold (median s)':<36}{van['cold_median_s']:>12.2f}{ours['cold_median_s']:>12.2f}"
                 f"{b['ratios']['cold']:>8.2f}×")
    lines.append(f"{'one-article rebuild (median s)':<36}{van['rebuild_median_s']:>12.2f}"
                 f"{ours['rebuild_median_s']:>12.2f}{b['ratios']['rebuild']:>8.2f}×")
    lines.append(f"{'cold, CPU time (median s)':<36}{van['cold_cpu_median_s']:>12.2f}"
                 f"{ours['cold_cpu_median_s']:>12.2f}{b['ratios']['cold_cpu']:>8.2f}×")
    lines.append(f"{'rebuild, CPU time (median s)':<36}{van['rebuild_cpu_median_s']:>12.2f}"
                 f"{ours['rebuild_cpu_median_s']:>12.2f}{b['ratios']['rebuild_cpu']:>8.2f}×")
    lines.append(f"{'peak memory':<36}{_mb(van['peak_mem_bytes']):>12}{_mb(ours['peak_mem_bytes']):>12}")
    sync = _index_sync(ours)
    if sync:
        lines.append(f"{'editors index, in the background':<36}{'':>12}{sync['cpu']:>10.2f} s CPU (median), "
                     f"ready {sync['after']:.2f} s after the build, peak {_mb(sync['peak'])}")
    loads = van["load_before"] + ours["load_before"]
    lines.append(f"{'runs (cold / rebuild)':<36}{len(van['cold_s'])} / {len(van['rebuild_s'])}"
                 f"   load average before runs {min(loads):.1f}–{max(loads):.1f}")
    return lines


def _rest_of_table(result: dict) -> list[str]:
    lines = []
    idx = result["index"]
    lines += ["", f"{'index':<36}{'total':>12}{'gzip':>12}{'largest':>12}{'files':>8}"]
    for label, key in (("Whoosh (editors)", "whoosh"), ("editors' side (index + state)", "editors"),
                       ("static export (output/search/)", "export"), ("Pagefind (output/pagefind/)", "pagefind")):
        size = idx.get(key)
        if size:
            lines.append(f"{label:<36}{_kb(size['bytes']):>12}{_kb(size['gzip_bytes']):>12}"
                         f"{_kb(size['largest_bytes']):>12}{size['files']:>8}")
        else:
            lines.append(f"{label:<36}{'not built':>12}")
    seg = result.get("segmentation")
    if seg:
        line = f"jieba (union_text tokenizer) {seg['jieba_chars_per_s']:,} chars/s"
        if "rjieba_chars_per_s" in seg:
            line += (f"; rjieba {seg['rjieba_chars_per_s']:,} chars/s, identical tokens: "
                     f"{seg['rjieba_identical_tokens'] and seg['rjieba_identical_search_tokens']}")
        lines += ["", "segmentation: " + line]
    search = result.get("search")
    if search and not any(search.get(e, {}).get("available") for e in ("ours", "pagefind")):
        lines += ["", "browser search: " + search.get("pagefind", {}).get("reason", "not measured")]
    elif search:
        lines += ["", f"{'browser search (median of queries)':<36}{'ours':>12}{'Pagefind':>12}"]
        rows = [("first query bytes (as served)", "first_query_bytes_median", _kb),
                ("first query bytes (gzip)", "first_query_gzip_median", _kb),
                ("first query, largest (gzip)", "first_query_gzip_max", _kb),
                ("first query time (ms)", "first_query_ms_median", lambda v: _num(v, "{:.0f}")),
                ("warm query (ms)", "warm_ms_median", lambda v: _num(v, "{:.1f}")),
                ("warm query, slowest (ms)", "warm_ms_max", lambda v: _num(v, "{:.1f}")),
                ("recall vs Ctrl-F (mean)", "recall_mean", lambda v: _num(v, "{:.1%}")),
                ("recall vs Ctrl-F (worst query)", "recall_min", lambda v: _num(v, "{:.1%}"))]
        for label, key, fmt in rows:
            cells = []
            for engine in ("ours", "pagefind"):
                data = search.get(engine, {})
                cells.append(fmt(data.get(key)) if data.get("available") else "n/a")
            lines.append(f"{label:<36}{cells[0]:>12}{cells[1]:>12}")
        lines.append("")
        lines.append(f"{'recall per query':<24}{'Ctrl-F':>8}{'ours':>9}{'Pagefind':>10}")
        per = {engine: {row["query"]: row for row in search.get(engine, {}).get("per_query", [])}
               for engine in ("ours", "pagefind")}
        for query in search["queries"]:
            truth = search["truth_counts"][query]
            cells = [_num(per[e][query]["recall"], "{:.1%}") if query in per[e] else "n/a"
                     for e in ("ours", "pagefind")]
            lines.append(f"{_ljust(query, 24)}{truth:>8}{cells[0]:>9}{cells[1]:>10}")
        for engine in ("ours", "pagefind"):
            if not search.get(engine, {}).get("available"):
                lines.append(f"{engine}: not available — {search.get(engine, {}).get('reason', '?')}")
    lines += ["", "goals"]
    for goal in result["goals"]:
        if goal["measured"] is None:
            status = f"not measured ({goal['note']})"
        else:
            status = (f"{goal['measured']}{goal['unit']} vs ≤ {goal['target']}{goal['unit']}: "
                      + ("met" if goal["met"] else f"missed by {goal['gap']}{goal['unit']}"))
        lines.append(f"  {goal['goal']}: {status}")
    return lines


def format_markdown(result: dict) -> str:
    """The same figures as a Markdown section for docs/benchmarks.md."""
    b, m = result.get("builds"), result["machine"]
    memory = f"{m['memory_bytes'] / 2**30:.0f} GB RAM" if m.get("memory_bytes") else ""
    c = result["corpus"]
    out = [f"### {result['n']:,} articles — {result['date']}", "",
           f"Machine: {m['cpu']}, {m['cores']} cores, {memory}; Python {m['python']}, "
           f"Pelican {m['pelican']}. "
           + (f"Full site plugins: {', '.join(b['plugins']) or 'none'}. " if b else "")
           + f"Corpus: {c['articles']:,} articles, mean {c['mean_chars']:,} characters "
           f"(median {c['median_chars']:,.0f}, 10th–90th percentile {c['p10_chars']:,}–{c['p90_chars']:,})."
           + (f" Load average before runs: {min(b['vanilla']['load_before'] + b['ours']['load_before']):.1f}–"
              f"{max(b['vanilla']['load_before'] + b['ours']['load_before']):.1f}." if b else "")
           + (f" Search measured again on {result['search_measured']} (`--search-only`, after a refresh "
              f"build of the same corpus)." if result.get("search_measured") else ""), ""]
    out += _build_markdown(b) if b else ["Builds: not measured in this run.", ""]
    return "\n".join(out + _rest_of_markdown(result)) + "\n"


def _build_markdown(b: dict) -> list[str]:
    van, ours = b["vanilla"], b["ours"]
    return ["| build | vanilla | full site | ratio |", "| --- | ---: | ---: | ---: |",
           f"| cold, wall (median of {len(van['cold_s'])}) | {van['cold_median_s']:.2f} s | "
           f"{ours['cold_median_s']:.2f} s | {b['ratios']['cold']:.2f}× |",
           f"| cold, CPU time | {van['cold_cpu_median_s']:.2f} s | {ours['cold_cpu_median_s']:.2f} s | "
           f"{b['ratios']['cold_cpu']:.2f}× |",
           f"| one-article rebuild, wall (median of {len(van['rebuild_s'])}) | {van['rebuild_median_s']:.2f} s | "
           f"{ours['rebuild_median_s']:.2f} s | {b['ratios']['rebuild']:.2f}× |",
           f"| one-article rebuild, CPU time | {van['rebuild_cpu_median_s']:.2f} s | "
           f"{ours['rebuild_cpu_median_s']:.2f} s | {b['ratios']['rebuild_cpu']:.2f}× |",
           f"| peak memory | {_mb(van['peak_mem_bytes'])} | {_mb(ours['peak_mem_bytes'])} | |",
           *([f"| editors' index, updated in the background after the build (median) | | "
              f"{_index_sync(ours)['cpu']:.2f} s CPU, ready {_index_sync(ours)['after']:.2f} s after the build, "
              f"peak {_mb(_index_sync(ours)['peak'])} | |"] if _index_sync(ours) else []),
           f"| error / warning records in logs | {van['log_errors']} / {van['log_warnings']} | "
           f"{ours['log_errors']} / {ours['log_warnings']} | |", ""]


def _index_sync(variant: dict) -> dict | None:
    """Median CPU time, readiness after the build and peak memory of the background index syncs."""
    import statistics

    runs = [r for r in variant.get("index_sync") or [] if r.get("cpu_seconds") is not None]
    if not runs:
        return None
    return {"cpu": statistics.median(r["cpu_seconds"] for r in runs),
            "after": statistics.median(r["ready_after_s"] for r in runs),
            "peak": max(r.get("peak_rss_bytes") or 0 for r in runs)}


def _rest_of_markdown(result: dict) -> list[str]:
    out = ["| index | total | gzip | largest file | files |", "| --- | ---: | ---: | ---: | ---: |"]
    for label, key in (("Whoosh (editors)", "whoosh"), ("editors' side (`SEARCH_INDEX_PATH`: index and export state)",
                                                        "editors"),
                       ("static export `output/search/`", "export"), ("Pagefind `output/pagefind/`", "pagefind")):
        size = result["index"].get(key)
        out.append(f"| {label} | {_kb(size['bytes'])} | {_kb(size['gzip_bytes'])} | "
                   f"{_kb(size['largest_bytes'])} | {size['files']:,} |" if size else f"| {label} | not built | | | |")
    pagefind_build = result["index"].get("pagefind_build")
    if pagefind_build:
        out += ["", f"Pagefind indexing took {pagefind_build['seconds']:.1f} s "
                    f"(peak {_mb(pagefind_build['peak_mem_bytes'])})."]
    seg = result.get("segmentation")
    if seg:
        text = f"Segmentation: the site's jieba tokenizer runs at {seg['jieba_chars_per_s']:,} characters/s"
        if "rjieba_chars_per_s" in seg:
            same = seg["rjieba_identical_tokens"] and seg["rjieba_identical_search_tokens"]
            text += (f"; rjieba at {seg['rjieba_chars_per_s']:,} characters/s "
                     f"({'identical' if same else 'different'} tokens on the seeds)")
        out += ["", text + "."]
    search = result.get("search")
    if search and any(search.get(e, {}).get("available") for e in ("ours", "pagefind")):
        out += ["", "| browser search (median over queries) | ours | Pagefind |", "| --- | ---: | ---: |"]
        rows = [("first query bytes, as served", "first_query_bytes_median", _kb),
                ("first query bytes, gzip", "first_query_gzip_median", _kb),
                ("first query bytes, gzip, largest query", "first_query_gzip_max", _kb),
                ("first query, navigation → results", "first_query_ms_median", lambda v: _num(v, "{:.0f} ms")),
                ("warm query", "warm_ms_median", lambda v: _num(v, "{:.1f} ms")),
                ("warm query, slowest query", "warm_ms_max", lambda v: _num(v, "{:.1f} ms")),
                ("recall vs Ctrl-F, mean", "recall_mean", lambda v: _num(v, "{:.1%}"))]
        for label, key, fmt in rows:
            cells = [fmt(search[e].get(key)) if search.get(e, {}).get("available") else "n/a"
                     for e in ("ours", "pagefind")]
            out.append(f"| {label} | {cells[0]} | {cells[1]} |")
        out += ["", "| query | Ctrl-F | ours: recall (extra) | ours: first query, gzip "
                    "| Pagefind: recall (extra) | Pagefind: first query, gzip |",
                "| --- | ---: | ---: | ---: | ---: | ---: |"]
        per = {e: {r["query"]: r for r in search.get(e, {}).get("per_query", [])} for e in ("ours", "pagefind")}

        def cells(row):
            if not row:
                return "n/a | n/a"
            return f"{_num(row['recall'], '{:.1%}')} ({row['extra']}) | {_kb(row['gzip'])}"

        for query in search["queries"]:
            out.append(f"| {query} | {search['truth_counts'].get(query, 0):,} | "
                       f"{cells(per['ours'].get(query))} | {cells(per['pagefind'].get(query))} |")
        for engine in ("ours", "pagefind"):
            if not search.get(engine, {}).get("available"):
                out.append(f"\n{engine}: not measured — {search.get(engine, {}).get('reason', '?')}")
    out += ["", "| goal | target | measured | gap |", "| --- | ---: | ---: | ---: |"]
    for goal in result["goals"]:
        if goal["measured"] is None:
            out.append(f"| {goal['goal']} | ≤ {goal['target']}{goal['unit']} | not measured | {goal['note']} |")
        else:
            verdict = "met" if goal["met"] else f"+{goal['gap']}{goal['unit']}"
            out.append(f"| {goal['goal']} | ≤ {goal['target']}{goal['unit']} | "
                       f"{goal['measured']}{goal['unit']} | {verdict} |")
    return out


def main(argv: list[str] | None = None) -> int:
    """python -m benchmarks.report bench-results/bench-1000.json [--markdown]"""
    import argparse
    import json
    from pathlib import Path

    parser = argparse.ArgumentParser(description="print a benchmark result file as a table")
    parser.add_argument("json_file", type=Path)
    parser.add_argument("--markdown", action="store_true", help="Markdown for docs/benchmarks.md")
    args = parser.parse_args(argv)
    try:
        result = json.loads(args.json_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"error: {args.json_file}: {error}")
        return 2
    if "goals" not in result:  # a .partial.json, written before the search stage
        result["goals"] = goals(result)
    print(format_markdown(result) if args.markdown else format_table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
