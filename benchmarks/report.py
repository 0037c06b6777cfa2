"""The goals of issue 11, the gap to each, and the printed table.

Every build goal compares the full site with stock Pelican as `pelican-quickstart` sets it up
(`builds.variants`), in the same run.  Older result files (before the stock variant existed)
compared with our theme without plugins; `build_view` reads them with that anchor.
"""

from __future__ import annotations

COLD_RATIO_GOAL = 1.5
REBUILD_RATIO_GOAL = 1.2
MEMORY_RATIO_GOAL = 2.0
EXPORT_SHARE_GOAL = 1.0     # static export on disk / Pagefind's bundle
EDITORS_SHARE_GOAL = 1.0    # Whoosh index + incremental state / static export
BYTES_SHARE_GOAL = 0.3      # first-query bytes (gzip), ours / Pagefind
WARM_MS_GOAL = 25.0         # slowest warm query (goal set at 10,000 articles)
RECALL_GOAL = 100.0         # worst query, % of what Ctrl-F finds
QUIET_LOAD = 1.5            # 1-minute load average above which other jobs were running


def build_view(builds: dict | None) -> dict | None:
    """Build figures in the current shape: {anchor, full, order, plugins, variants, ratios, load}."""
    if not builds or "variants" in builds:
        return builds
    variants = {"theme": {**builds["vanilla"], "label": "our theme, no plugins (old anchor)"},
                "full": {**builds["ours"], "label": "full site"}}
    ratios = builds.get("ratios", {})
    loads = builds["vanilla"].get("load_before", []) + builds["ours"].get("load_before", [])
    return {"anchor": "theme", "full": "full", "order": ["theme", "full"], "plugins": builds.get("plugins", []),
            "variants": variants,
            "ratios": {"theme": {"cold": 1.0, "cold_cpu": 1.0, "rebuild": 1.0, "rebuild_cpu": 1.0, "peak_mem": 1.0},
                       "full": {**ratios, "peak_mem": round(builds["ours"]["peak_mem_bytes"]
                                                            / builds["vanilla"]["peak_mem_bytes"], 3)}},
            "load": {"before_min": min(loads, default=0), "before_max": max(loads, default=0),
                     "during_max": None}}


def _goal(key: str, name: str, target: float, measured: float | None, unit: str, note: str = "",
          beside: str = "", at_least: bool = False) -> dict:
    """One goal; `at_least` goals are met from the target up (recall), the others up to it."""
    base = {"key": key, "goal": name, "target": target, "unit": unit, "beside": beside,
            "at_least": at_least}
    if measured is None:
        return {**base, "measured": None, "met": None, "gap": None, "note": note or "not measured"}
    measured = round(measured, 3)
    met = measured >= target if at_least else measured <= target
    return {**base, "measured": measured, "met": met,
            "gap": round((target - measured) if at_least else (measured - target), 3), "note": note}


def _mb_text(value) -> str:
    return "?" if value is None else f"{value / 2**20:,.0f} MB"


def build_goals(result: dict) -> list[dict]:
    b = build_view(result.get("builds"))
    if not b:
        note = "builds not measured in this run"
        return [_goal("cold", "cold build, full site / stock Pelican (wall)", COLD_RATIO_GOAL, None, "×", note),
                _goal("rebuild", "one-article rebuild, full site / stock Pelican's cached rebuild (wall)",
                      REBUILD_RATIO_GOAL, None, "×", note),
                _goal("memory", "peak memory (process tree), full site / stock Pelican",
                      MEMORY_RATIO_GOAL, None, "×", note)]
    ratio = b["ratios"][b["full"]]
    anchor, full = b["variants"][b["anchor"]], b["variants"][b["full"]]
    note = "" if b["anchor"] == "stock" else "anchor: our theme without plugins (run made before the stock variant)"
    return [
        _goal("cold", "cold build, full site / stock Pelican (wall)", COLD_RATIO_GOAL, ratio["cold"], "×",
              note, beside=f"CPU {ratio['cold_cpu']:.2f}×; {full['cold_median_s']:,.1f} s vs "
                           f"{anchor['cold_median_s']:,.1f} s"),
        _goal("rebuild", "one-article rebuild, full site / stock Pelican's cached rebuild (wall)",
              REBUILD_RATIO_GOAL, ratio["rebuild"], "×", note,
              beside=f"CPU {ratio['rebuild_cpu']:.2f}×; {full['rebuild_median_s']:,.1f} s vs "
                     f"{anchor['rebuild_median_s']:,.1f} s"),
        _goal("memory", "peak memory (process tree), full site / stock Pelican", MEMORY_RATIO_GOAL,
              ratio.get("peak_mem"), "×", note,
              beside=f"{_mb_text(full['peak_mem_bytes'])} vs {_mb_text(anchor['peak_mem_bytes'])}"),
    ]


def size_goals(result: dict) -> list[dict]:
    idx = result.get("index") or {}
    export, pagefind, editors = idx.get("export"), idx.get("pagefind"), idx.get("editors")
    export_share = export["bytes"] / pagefind["bytes"] if export and pagefind and pagefind["bytes"] else None
    editors_share = editors["bytes"] / export["bytes"] if export and editors and export["bytes"] else None
    return [
        _goal("export_size", "static export on disk / Pagefind's bundle", EXPORT_SHARE_GOAL, export_share, "×",
              "" if export_share is not None else ("Pagefind not run" if export else "no static export"),
              beside=(f"{_mb_text(export['bytes'])} in {export['files']:,} files vs "
                      f"{_mb_text(pagefind['bytes'])} in {pagefind['files']:,}") if export_share is not None else ""),
        _goal("editors_size", "editors' side (Whoosh index + incremental state) / static export",
              EDITORS_SHARE_GOAL, editors_share, "×",
              "" if editors_share is not None else "not measured",
              beside=(f"{_mb_text(editors['bytes'])} vs {_mb_text(export['bytes'])}: "
                      + ", ".join(f"{k} {_mb_text(v)}" for k, v in editors["parts"].items()))
              if editors_share is not None else ""),
    ]


def search_goals(result: dict) -> list[dict]:
    search = result.get("search") or {}
    ours, pagefind = search.get("ours", {}), search.get("pagefind", {})
    reason = ours.get("reason") or search.get("error") or "browser search not measured"
    share = None
    if ours.get("available") and pagefind.get("available"):
        share = ours["first_query_gzip_median"] / pagefind["first_query_gzip_median"]
    recall = ours.get("recall_min") if ours.get("available") else None
    warm_note = "" if result.get("n", 0) >= 10_000 else "goal set at 10,000 articles"
    return [
        _goal("first_query_bytes", "first-query bytes (gzip, median over queries), ours / Pagefind",
              BYTES_SHARE_GOAL, share, "×", "" if share is not None else reason,
              beside=(f"{ours['first_query_gzip_median'] / 1024:,.0f} KB vs "
                      f"{pagefind['first_query_gzip_median'] / 1024:,.0f} KB") if share is not None else ""),
        _goal("warm_query", "warm query, slowest of the fixed queries (ours)", WARM_MS_GOAL,
              ours.get("warm_ms_max") if ours.get("available") else None, " ms",
              warm_note if ours.get("available") else reason,
              beside=f"median {ours['warm_ms_median']:.1f} ms" if ours.get("available") else ""),
        _goal("recall", "recall vs Ctrl-F, worst query (ours)", RECALL_GOAL,
              None if recall is None else recall * 100, "%", "" if recall is not None else reason,
              at_least=True),
    ]


def scaling_goals(result: dict) -> list[dict]:
    from .scaling import LINEAR_EXPONENT_GOAL, MEMORY_GOAL_BYTES, MEMORY_GOAL_N

    data = result.get("scaling") or {}
    exponents = data.get("exponents") or {}
    sizes = ", ".join(f"{n:,}" for n in data.get("sizes", [])) or "no sizes"
    few = f"sizes measured: {sizes}; run another size into the same folder"
    time_k, cpu_k, mem_k = (exponents.get(k) for k in ("full_cold_s", "full_cold_cpu_s", "full_peak_mem_bytes"))
    largest = data.get("largest_n")
    memory_note, memory = "", None
    if largest and largest >= MEMORY_GOAL_N:
        row = data["rows"][-1]
        memory = row["full_peak_mem_bytes"] / 2**30
        memory_note = f"measured at {largest:,}"
    elif data.get("projected", {}).get("full_peak_mem_bytes"):
        memory = data["projected"]["full_peak_mem_bytes"] / 2**30
        memory_note = f"projected from {sizes} (exponent {mem_k})"
    return [
        _goal("growth_time", f"growth of the full site's cold build, exponent k of n^k ({sizes})",
              LINEAR_EXPONENT_GOAL, time_k, "", "" if time_k is not None else few,
              beside="" if cpu_k is None else f"CPU time k = {cpu_k:.2f}"),
        _goal("growth_memory", f"growth of the full site's peak memory, exponent k ({sizes})",
              LINEAR_EXPONENT_GOAL, mem_k, "", "" if mem_k is not None else few),
        _goal("memory_100k", f"peak memory of a {MEMORY_GOAL_N:,}-article build", MEMORY_GOAL_BYTES / 2**30,
              memory, " GB", memory_note or few),
    ]


def goals(result: dict) -> list[dict]:
    return build_goals(result) + size_goals(result) + search_goals(result) + scaling_goals(result)


def goal_status(goal: dict) -> str:
    if goal["measured"] is None:
        return f"not measured ({goal['note']})"
    sign = "≥" if goal["at_least"] else "≤"
    text = f"{goal['measured']:g}{goal['unit']} vs {sign} {goal['target']:g}{goal['unit']}: "
    text += "met" if goal["met"] else f"missed by {abs(goal['gap']):g}{goal['unit']}"
    extra = "; ".join(part for part in (goal.get("beside"), goal.get("note")) if part)
    return text + (f" ({extra})" if extra else "")


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


def load_line(b: dict) -> str:
    load = b.get("load") or {}
    text = f"load average (1 min): {load.get('before_min', 0):.1f}–{load.get('before_max', 0):.1f} before runs"
    if load.get("during_max") is not None:
        text += f", up to {load['during_max']:.1f} during them"
    if load.get("before_max", 0) > QUIET_LOAD:
        text += " — not a quiet machine: wall times are inflated, compare CPU times"
    return text


def format_table(result: dict) -> str:
    b = build_view(result.get("builds"))
    plugins = (", ".join(b["plugins"]) or "none") if b else "?"
    lines = [f"Benchmark: {result['n']:,} articles · full site plugins: {plugins} · {result['machine']['cpu']} · "
             f"{result['machine']['cores']} cores · {result['date']}", ""]
    lines += _build_table(b) if b else ["builds: not measured in this run"]
    return "\n".join(lines + _rest_of_table(result))


def _build_table(b: dict) -> list[str]:
    anchor = b["anchor"]
    lines = [f"{'build (median s; × ' + anchor + ')':<40}{'cold':>9}{'CPU':>9}{'rebuild':>9}{'CPU':>9}"
             f"{'peak mem':>10}{'× cold':>8}{'× rebuild':>10}{'× mem':>7}"]
    for name in b["order"]:
        v, r = b["variants"][name], b["ratios"][name]
        label = v.get("label") or name
        lines.append(f"{label[:39]:<40}{v['cold_median_s']:>9.2f}{v['cold_cpu_median_s']:>9.2f}"
                     f"{v['rebuild_median_s']:>9.2f}{v['rebuild_cpu_median_s']:>9.2f}"
                     f"{_mb(v['peak_mem_bytes']):>10}{r['cold']:>7.2f}×{r['rebuild']:>9.2f}×"
                     f"{r.get('peak_mem', 0):>6.2f}×")
    first = b["variants"][b["order"][0]]
    lines.append(f"runs per variant (cold / rebuild): {len(first['cold_s'])} / {len(first['rebuild_s'])}; "
                 + load_line(b))
    sync = _index_sync(b["variants"].get(b.get("full", "full"), {}))
    if sync:
        lines.append(f"editors' index, updated in the background after each full build: {sync['cpu']:.2f} s CPU "
                     f"(median), ready {sync['after']:.2f} s after the build, peak {_mb(sync['peak'])}")
    return lines


def _rest_of_table(result: dict) -> list[str]:
    lines = []
    idx = result["index"]
    lines += ["", f"{'index':<36}{'total':>12}{'gzip':>12}{'largest':>12}{'files':>8}"]
    for label, key in (("Whoosh (editors)", "whoosh"),
                       ("static export (output/search/)", "export"), ("Pagefind (output/pagefind/)", "pagefind")):
        size = idx.get(key)
        if size:
            lines.append(f"{label:<36}{_kb(size['bytes']):>12}{_kb(size.get('gzip_bytes')):>12}"
                         f"{_kb(size.get('largest_bytes')):>12}{size['files']:>8}")
        else:
            lines.append(f"{label:<36}{'not built':>12}")
    editors = idx.get("editors")
    if editors:
        lines.append(f"{'editors side, all (index + state)':<36}{_kb(editors['bytes']):>12}{'':>12}{'':>12}"
                     f"{editors['files']:>8}")
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
        for query in search.get("queries", []):
            truth = search["truth_counts"][query]
            cells = [_num(per[e][query]["recall"], "{:.1%}") if query in per[e] else "n/a"
                     for e in ("ours", "pagefind")]
            lines.append(f"{_ljust(query, 24)}{truth:>8}{cells[0]:>9}{cells[1]:>10}")
        for engine in ("ours", "pagefind"):
            if not search.get(engine, {}).get("available"):
                lines.append(f"{engine}: not available — {search.get(engine, {}).get('reason', '?')}")
    if result.get("scaling"):
        from .scaling import format_scaling

        lines += [""] + format_scaling(result["scaling"])
    lines += ["", "goals (issue 11)"]
    for goal in result["goals"]:
        lines.append(f"  {goal['goal']}: {goal_status(goal)}")
    return lines


def format_markdown(result: dict) -> str:
    """The same figures as a Markdown section for docs/benchmarks.md."""
    b, m = build_view(result.get("builds")), result["machine"]
    memory = f"{m['memory_bytes'] / 2**30:.0f} GB RAM" if m.get("memory_bytes") else ""
    c = result["corpus"]
    out = [f"### {result['n']:,} articles — {result['date']}", "",
           f"Machine: {m['cpu']}, {m['cores']} cores, {memory}; Python {m['python']}, "
           f"Pelican {m['pelican']}. "
           + (f"Full site plugins: {', '.join(b['plugins']) or 'none'}. " if b else "")
           + f"Corpus: {c['articles']:,} articles, mean {c['mean_chars']:,} characters "
           f"(median {c['median_chars']:,.0f}, 10th–90th percentile {c['p10_chars']:,}–{c['p90_chars']:,})."
           + (f" {load_line(b)[0].upper() + load_line(b)[1:]}." if b else "")
           + (f" Search measured again on {result['search_measured']} (`--search-only`, after a refresh "
              f"build of the same corpus)." if result.get("search_measured") else ""), ""]
    out += _build_markdown(b) if b else ["Builds: not measured in this run.", ""]
    return "\n".join(out + _rest_of_markdown(result)) + "\n"


def _build_markdown(b: dict) -> list[str]:
    anchor = b["anchor"]
    first = b["variants"][b["order"][0]]
    out = [f"| build (cold: median of {len(first['cold_s'])}, rebuild: median of {len(first['rebuild_s'])}) "
           f"| cold | CPU | one-article rebuild | CPU | peak memory | cold ×{anchor} | rebuild ×{anchor} "
           f"| memory ×{anchor} | errors / warnings |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name in b["order"]:
        v, r = b["variants"][name], b["ratios"][name]
        out.append(f"| {v.get('label') or name} | {v['cold_median_s']:.2f} s | {v['cold_cpu_median_s']:.2f} s "
                   f"| {v['rebuild_median_s']:.2f} s | {v['rebuild_cpu_median_s']:.2f} s "
                   f"| {_mb(v['peak_mem_bytes'])} | {r['cold']:.2f}× | {r['rebuild']:.2f}× "
                   f"| {r.get('peak_mem', 0):.2f}× | {v['log_errors']} / {v['log_warnings']} |")
    sync = _index_sync(b["variants"].get(b.get("full", "full"), {}))
    if sync:
        out += ["", f"The editors' index is updated in a background process after each full build: "
                    f"{sync['cpu']:.2f} s CPU (median), ready {sync['after']:.2f} s after the build, "
                    f"peak {_mb(sync['peak'])}."]
    return out + [""]


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
    for label, key in (("Whoosh (editors)", "whoosh"),
                       ("static export `output/search/`", "export"), ("Pagefind `output/pagefind/`", "pagefind")):
        size = result["index"].get(key)
        out.append(f"| {label} | {_kb(size['bytes'])} | {_kb(size.get('gzip_bytes'))} | "
                   f"{_kb(size.get('largest_bytes'))} | {size['files']:,} |" if size else f"| {label} | not built | | | |")
    editors = result["index"].get("editors")
    if editors:
        parts = ", ".join(f"{k} {_kb(v)}" for k, v in editors["parts"].items())
        out.append(f"| editors' side: Whoosh index and incremental state ({parts}) | {_kb(editors['bytes'])} "
                   f"| | | {editors['files']:,} |")
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
    if result.get("scaling"):
        from .scaling import format_scaling

        out += ["", "```"] + format_scaling(result["scaling"]) + ["```"]
    out += ["", "| goal | target | measured | gap | beside |", "| --- | ---: | ---: | ---: | --- |"]
    for goal in result["goals"]:
        sign = "≥" if goal["at_least"] else "≤"
        target = f"{sign} {goal['target']:g}{goal['unit']}"
        if goal["measured"] is None:
            out.append(f"| {goal['goal']} | {target} | not measured | | {goal['note']} |")
        else:
            verdict = "met" if goal["met"] else f"missed by {abs(goal['gap']):g}{goal['unit']}"
            extra = "; ".join(p for p in (goal.get("beside"), goal.get("note")) if p)
            out.append(f"| {goal['goal']} | {target} | {goal['measured']:g}{goal['unit']} | {verdict} | {extra} |")
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
    result["goals"] = goals(result)  # the current goals, also for older files and .partial.json
    print(format_markdown(result) if args.markdown else format_table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
