"""Run every benchmark on one generated corpus; print a table and write a JSON file.

    python -m benchmarks.run --n 1000                  # `make bench`
    python -m benchmarks.run --n 10000                 # `make bench BENCH_N=10000`
    python -m benchmarks.run --n 1000 --ladder         # also PLUGINS one at a time

Stages: corpus → cold builds of every variant (stock Pelican from pelican-quickstart, our theme
without plugins, the plugin ladder if asked, the full site), interleaved → one-article rebuilds
with the reader cache → index sizes → Pagefind over the full site's output → browser search in
headless Chromium → growth across the sizes measured in the same folder (benchmarks.scaling).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from . import builds, corpus, report, scaling
from .queries import QUERIES, ctrl_f_truth
from .sizes import folder_size

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_OUT = PROJECT_DIR / "bench-results"
CONTENT_DIR = "corpus"


def say(message: str) -> None:
    print(message, flush=True)


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = int(line.split()[1]) * 1024
    except OSError:
        pass
    import pelican
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_bytes": memory,
            "python": platform.python_version(), "pelican": pelican.__version__,
            "platform": platform.platform()}


def corpus_stats(manifest: dict) -> dict:
    lengths = sorted(len(article["text"]) for article in manifest["articles"])
    decile = max(1, len(lengths) // 10)
    return {"articles": len(lengths), "mean_chars": round(statistics.mean(lengths)),
            "median_chars": statistics.median(lengths), "p10_chars": lengths[decile - 1],
            "p90_chars": lengths[-decile], "total_chars": sum(lengths), "seed": manifest["seed"]}


def _variant_summary(variant: builds.Variant, cold: list, rebuilt: list) -> dict:
    problems = [builds.log_problems(r) for r in cold + rebuilt]
    runs = cold + rebuilt
    return {
        "label": variant.label or variant.name,
        "plugins": variant.plugins,
        "settings_file": variant.conf.name if variant.conf != builds.CONF else "pelicanconf.py",
        "log_errors": sum(p["errors"] for p in problems),
        "log_warnings": sum(p["warnings"] for p in problems),
        "cold_s": [round(r.seconds, 3) for r in cold],
        "cold_median_s": round(statistics.median(r.seconds for r in cold), 3),
        "cold_cpu_s": [round(r.cpu_seconds, 3) for r in cold],
        "cold_cpu_median_s": round(statistics.median(r.cpu_seconds for r in cold), 3),
        "rebuild_s": [round(r.seconds, 3) for r in rebuilt],
        "rebuild_median_s": round(statistics.median(r.seconds for r in rebuilt), 3),
        "rebuild_cpu_s": [round(r.cpu_seconds, 3) for r in rebuilt],
        "rebuild_cpu_median_s": round(statistics.median(r.cpu_seconds for r in rebuilt), 3),
        "peak_mem_bytes": max(r.peak_mem_bytes for r in runs),
        "cold_peak_mem_bytes": max(r.peak_mem_bytes for r in cold),
        "load_before": [round(r.load_before, 2) for r in runs],
        "load_max": [round(r.load_max, 2) for r in runs],
        # the editors' index, updated in a background process after the build (never waited for)
        "index_sync": [r.index_sync for r in runs if getattr(r, "index_sync", None)],
    }


def ratios(summary: dict, anchor: str) -> dict:
    """Each variant against the anchor: wall, CPU and peak memory."""
    base = summary[anchor]
    out = {}
    for name, data in summary.items():
        out[name] = {
            "cold": round(data["cold_median_s"] / base["cold_median_s"], 3),
            "cold_cpu": round(data["cold_cpu_median_s"] / base["cold_cpu_median_s"], 3),
            "rebuild": round(data["rebuild_median_s"] / base["rebuild_median_s"], 3),
            "rebuild_cpu": round(data["rebuild_cpu_median_s"] / base["rebuild_cpu_median_s"], 3),
            "peak_mem": round(data["peak_mem_bytes"] / base["peak_mem_bytes"], 3),
        }
    return out


def measure_builds(content: Path, work: Path, runs: int, rebuilds: int,
                   plugins: list[str] | None = None, ladder: bool = False,
                   theme: bool = True) -> tuple[dict, dict]:
    """Cold builds (variants alternating), then one-article rebuilds of every variant per edit."""
    logs = work / "logs"
    variants = builds.variants(work, plugins, ladder, theme)
    width = max(len(v.name) for v in variants)
    cold = {v.name: [] for v in variants}
    for run in range(1, runs + 1):
        for variant in variants:
            result = builds.cold_build(variant, content, logs, run)
            cold[variant.name].append(result)
            say(f"  cold build {run}/{runs} {variant.name:<{width}} {result.seconds:8.2f} s "
                f"(CPU {result.cpu_seconds:7.2f} s, load {result.load_before:.1f}–{result.load_max:.1f}) "
                f"peak {result.peak_mem_bytes / 2**20:,.0f} MB")
    articles = sorted((content / "articles").rglob("*.md"))
    rebuilt = {v.name: [] for v in variants}
    for run in range(1, rebuilds + 1):
        target = articles[(len(articles) * run) // (rebuilds + 1)]
        builds.edit_article(target, run)
        for variant in variants:
            result = builds.rebuild(variant, content, logs, run)
            rebuilt[variant.name].append(result)
            say(f"  rebuild {run}/{rebuilds} {variant.name:<{width}} {result.seconds:8.2f} s "
                f"(CPU {result.cpu_seconds:7.2f} s, load {result.load_before:.1f}–{result.load_max:.1f}) "
                f"edited {target.relative_to(content)}")
    summary = {v.name: _variant_summary(v, cold[v.name], rebuilt[v.name]) for v in variants}
    for name, data in summary.items():
        if data["log_errors"] or data["log_warnings"]:
            say(f"  ! {name}: {data['log_errors']} error and {data['log_warnings']} warning records "
                f"in its build logs ({logs})")
    loads_before = [x for data in summary.values() for x in data["load_before"]]
    loads_max = [x for data in summary.values() for x in data["load_max"]]
    result = {"anchor": "stock", "full": "full", "order": [v.name for v in variants],
              "plugins": variants[-1].plugins, "variants": summary,
              "ratios": ratios(summary, "stock"),
              "load": {"before_min": min(loads_before), "before_max": max(loads_before),
                       "during_max": max(loads_max)}}
    return result, {v.name: v for v in variants}


def editors_side(full: builds.Variant) -> dict:
    """What the editors' search keeps outside output/: the Whoosh index and the incremental state."""
    parts = {"search_index": full.search_index, "search_cache": full.work / "search-cache"}
    sizes = {name: folder_size(path, with_gzip=False) for name, path in parts.items()}
    return {"bytes": sum(s["bytes"] for s in sizes.values() if s),
            "files": sum(s["files"] for s in sizes.values() if s),
            "parts": {name: (s["bytes"] if s else 0) for name, s in sizes.items()}}


def index_sizes(full: builds.Variant) -> dict:
    """The Whoosh index generation in use (without the export staged inside it), the export, and
    everything the editors' side keeps."""
    whoosh = full.search_index / "current"
    return {"whoosh": folder_size(whoosh if whoosh.exists() else full.search_index, exclude=("export",)),
            "export": folder_size(full.output / "search"),
            "editors": editors_side(full)}


def measure_search(site: Path, manifest: dict, logs: Path, with_browser: bool) -> tuple[dict, dict]:
    from . import browser, pagefind_site
    from .server import SiteServer

    started = time.perf_counter()
    indexed = pagefind_site.index_site(site, logs)
    say(f"  pagefind index {indexed.seconds:.1f} s, peak {indexed.peak_mem_bytes / 2**20:,.0f} MB")
    pagefind_index = {"seconds": round(indexed.seconds, 3), "peak_mem_bytes": indexed.peak_mem_bytes}
    truth = ctrl_f_truth(manifest["articles"], QUERIES)
    search = {"queries": QUERIES, "truth_counts": {q: len(urls) for q, urls in truth.items()}}
    if not with_browser:
        reason = "skipped (--no-browser)"
        search["ours"] = search["pagefind"] = {"available": False, "reason": reason}
        return search, pagefind_index
    from playwright.sync_api import sync_playwright

    # one server per engine: Pagefind's recall pass leaves the first server with thousands of
    # finished connections behind it
    with sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        try:
            with SiteServer(site) as server:
                search["pagefind"] = browser.measure_engine(chromium, server.url, browser.PAGEFIND, truth, say)
            reason = browser.ours_unavailable_reason(site)
            if reason:
                search["ours"] = {"available": False, "reason": reason}
                say(f"  ours: not available — {reason}")
            else:
                try:
                    with SiteServer(site) as server:
                        search["ours"] = browser.measure_engine(chromium, server.url, browser.OURS, truth, say)
                except Exception as error:  # noqa: BLE001 - report, keep the other figures
                    first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
                    search["ours"] = {"available": False, "reason": f"measurement failed: {first_line}"}
                    say(f"  ours: measurement failed — {error}")
        finally:
            chromium.close()
    say(f"  browser measurements {time.perf_counter() - started:.1f} s")
    return search, pagefind_index


def run(n: int, out: Path, runs: int, rebuilds: int, seed: int = 1, with_search: bool = True,
        with_browser: bool = True, plugins: list[str] | None = None, ladder: bool = False,
        theme: bool = True) -> dict:
    started = time.perf_counter()
    work = out / f"work-{n}"
    say(f"[1/4] corpus: {n:,} articles → {work / CONTENT_DIR}")
    content = corpus.write_corpus(n, work / CONTENT_DIR, seed=seed, force=True)
    stats = corpus_stats(corpus.load_manifest(work / CONTENT_DIR))
    # every article's text (2.5 GB at 100,000 articles) is read again only for the search stage
    say(f"[2/4] builds: {runs} cold run(s) and {rebuilds} one-article rebuild(s) per variant")
    build_summary, variants = measure_builds(content, work, runs, rebuilds, plugins, ladder, theme)
    say("[3/4] index sizes, segmentation throughput")
    sizes = index_sizes(variants["full"])
    from .segmenters import measure as measure_segmenters
    segmentation = measure_segmenters()
    result = {
        "n": n, "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(), "corpus": stats, "builds": build_summary,
        "index": sizes, "segmentation": segmentation,
    }
    # the build figures are kept even if the search stage fails later
    (out / f"bench-{n}.partial.json").write_text(json.dumps(result, ensure_ascii=False, indent=1),
                                                 encoding="utf-8")
    if with_search:
        search_stage(result, variants["full"], corpus.load_manifest(work / CONTENT_DIR), work / "logs",
                     with_browser)
    else:
        say("[4/4] search measurements skipped (--no-search, or above "
            f"{SEARCH_AUTO_MAX_N:,} articles without --search)")
    result["goals"] = report.goals(result)
    result["total_seconds"] = round(time.perf_counter() - started, 1)
    return result


def search_stage(result: dict, full: builds.Variant, manifest: dict, logs: Path, with_browser: bool,
                 label: str = "[4/4]") -> None:
    """Pagefind and the browser measurements over the full site's output, into `result`."""
    say(f"{label} Pagefind and browser search")
    try:
        search, pagefind_index = measure_search(full.output, manifest, logs, with_browser)
    except Exception as error:  # noqa: BLE001 - keep the build figures, say what failed
        reason = f"search stage failed: {str(error).strip().splitlines()[0] if str(error).strip() else repr(error)}"
        say(f"  ! {reason}")
        search = {"queries": QUERIES, "truth_counts": {}, "error": reason,
                  "ours": {"available": False, "reason": reason},
                  "pagefind": {"available": False, "reason": reason}}
        pagefind_index = None
    result["search"] = search
    result["index"]["pagefind"] = folder_size(full.output / "pagefind")
    result["index"]["pagefind_build"] = pagefind_index


def search_only(n: int, out: Path, with_browser: bool, plugins: list[str] | None,
                refresh: bool = True) -> dict:
    """Measure search again on an earlier run's corpus, keeping its build figures.

    The full site is rebuilt once first (with its caches, not timed) so that the current theme
    and plugins are what the browser sees.
    """
    started = time.perf_counter()
    work = out / f"work-{n}"
    if not (work / CONTENT_DIR / corpus.MANIFEST).exists():
        raise RuntimeError(f"no earlier run with --n {n} in {out}; run without --search-only first")
    manifest = corpus.load_manifest(work / CONTENT_DIR)
    earlier = next((p for p in (out / f"bench-{n}.json", out / f"bench-{n}.partial.json") if p.exists()), None)
    if earlier:
        result = json.loads(earlier.read_text(encoding="utf-8"))
    else:  # the earlier run was interrupted before its build figures were written
        result = {"n": n, "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                  "machine": machine(), "corpus": corpus_stats(manifest), "builds": None, "index": {}}
    full = next(v for v in builds.variants(work, plugins) if v.name == "full")
    if refresh:
        say(f"[1/2] refreshing the full site in {full.output} (not timed)")
        builds.rebuild(full, work / CONTENT_DIR / "content", work / "logs", 0)
    else:
        say(f"[1/2] using the full site in {full.output} as it is (--no-refresh)")
    result["index"] = {**result["index"], **index_sizes(full)}
    search_stage(result, full, manifest, work / "logs", with_browser, label="[2/2]")
    result["search_measured"] = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    result["goals"] = report.goals(result)
    result["total_seconds"] = round(time.perf_counter() - started, 1)
    return result


# Pagefind needed 6.1 GB to index 10,000 articles: above this size the search stage (Pagefind and
# the browser) runs only when asked for with --search.
SEARCH_AUTO_MAX_N = 20_000


def default_runs(n: int) -> int:
    """Median of 3 cold builds where affordable (up to 2,000 articles); one run beyond."""
    return 3 if n <= 2000 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="articles in the corpus (default 1000)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder (default bench-results/)")
    parser.add_argument("--runs", type=int, default=None, help="cold builds per variant (default 3, 1 above 2,000 articles)")
    parser.add_argument("--rebuilds", type=int, default=3, help="one-article rebuilds per variant")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--search", dest="search", action="store_true", default=None,
                        help=f"Pagefind and browser search even above {SEARCH_AUTO_MAX_N:,} articles")
    parser.add_argument("--no-search", dest="search", action="store_false", help="builds and index sizes only")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurements")
    parser.add_argument("--search-only", action="store_true",
                        help="re-measure search on the previous run's corpus, keeping its build figures")
    parser.add_argument("--no-refresh", action="store_true",
                        help="with --search-only: measure the built site as it is, without rebuilding it")
    parser.add_argument("--plugins", default=None,
                        help="comma-separated PLUGINS for the full site (default: pelicanconf.py's)")
    parser.add_argument("--ladder", action="store_true",
                        help="also build with the full site's PLUGINS added one at a time (+union_guard, …)")
    parser.add_argument("--no-theme", action="store_true",
                        help="leave out the our-theme-without-plugins baseline (saves its builds on large runs)")
    args = parser.parse_args(argv)
    if args.n < 1 or (args.runs is not None and args.runs < 1) or args.rebuilds < 1:
        parser.error("--n, --runs and --rebuilds must be at least 1")
    out = args.out.resolve()
    if out == (PROJECT_DIR / "output").resolve():
        parser.error("--out must not be output/ (the site's own build folder)")
    runs = args.runs or default_runs(args.n)
    try:
        plugins = None if args.plugins is None else [p.strip() for p in args.plugins.split(",") if p.strip()]
        if args.search_only:
            result = search_only(args.n, out, not args.no_browser, plugins, refresh=not args.no_refresh)
        else:
            with_search = args.search if args.search is not None else args.n <= SEARCH_AUTO_MAX_N
            result = run(args.n, out, runs, args.rebuilds, args.seed, with_search,
                         not args.no_browser, plugins, args.ladder, not args.no_theme)
    except (builds.BuildFailed, corpus.CorpusError, RuntimeError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    path = out / f"bench-{args.n}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / f"bench-{args.n}.partial.json").unlink(missing_ok=True)
    # growth across every size measured in this folder (this run included), then the goals again
    result["scaling"] = scaling.from_folder(out)
    result["goals"] = report.goals(result)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print()
    print(report.format_table(result))
    print(f"\nJSON: {path}  (total {result['total_seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
