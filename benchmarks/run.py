"""Run every benchmark on one generated corpus; print a table and write a JSON file.

    python -m benchmarks.run --n 1000                  # `make bench`, about 5 minutes on 2 cores
    python -m benchmarks.run --n 10000 --runs 1        # the full benchmark

Stages: corpus → cold builds (vanilla Pelican with our theme and PLUGINS=[], then the full site
with pelicanconf.py's PLUGINS), interleaved → one-article rebuilds with the reader cache →
index sizes → Pagefind over the full site's output → browser search in headless Chromium.
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

from . import builds, corpus, report
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


def _variant_summary(cold: list, rebuilt: list) -> dict:
    problems = [builds.log_problems(r) for r in cold + rebuilt]
    return {
        "log_errors": sum(p["errors"] for p in problems),
        "log_warnings": sum(p["warnings"] for p in problems),
        "cold_cpu_s": [round(r.cpu_seconds, 3) for r in cold],
        "cold_cpu_median_s": round(statistics.median(r.cpu_seconds for r in cold), 3),
        "rebuild_cpu_s": [round(r.cpu_seconds, 3) for r in rebuilt],
        "rebuild_cpu_median_s": round(statistics.median(r.cpu_seconds for r in rebuilt), 3),
        "load_before": [round(r.load_before, 2) for r in cold + rebuilt],
        "cold_s": [round(r.seconds, 3) for r in cold],
        "cold_median_s": round(statistics.median(r.seconds for r in cold), 3),
        "rebuild_s": [round(r.seconds, 3) for r in rebuilt],
        "rebuild_median_s": round(statistics.median(r.seconds for r in rebuilt), 3),
        "peak_mem_bytes": max(r.peak_mem_bytes for r in cold + rebuilt),
        "cold_peak_mem_bytes": max(r.peak_mem_bytes for r in cold),
        # the editors' index, updated in a background process after the build (never waited for)
        "index_sync": [r.index_sync for r in cold + rebuilt if getattr(r, "index_sync", None)],
    }


def measure_builds(content: Path, work: Path, runs: int, rebuilds: int,
                   plugins: list[str] | None = None) -> tuple[dict, dict]:
    logs = work / "logs"
    variants = [builds.Variant("vanilla", [], work / "vanilla"), builds.Variant("ours", plugins, work / "ours")]
    cold = {v.name: [] for v in variants}
    for run in range(1, runs + 1):
        for variant in variants:
            result = builds.cold_build(variant, content, logs, run)
            cold[variant.name].append(result)
            say(f"  cold build {run}/{runs} {variant.name:<8} {result.seconds:7.2f} s "
                f"(CPU {result.cpu_seconds:6.2f} s, load {result.load_before:.1f}) "
                f"peak {result.peak_mem_bytes / 2**20:,.0f} MB")
    articles = sorted((content / "articles").rglob("*.md"))
    rebuilt = {v.name: [] for v in variants}
    for run in range(1, rebuilds + 1):
        target = articles[(len(articles) * run) // (rebuilds + 1)]
        builds.edit_article(target, run)
        for variant in variants:
            result = builds.rebuild(variant, content, logs, run)
            rebuilt[variant.name].append(result)
            say(f"  rebuild {run}/{rebuilds} {variant.name:<8} {result.seconds:7.2f} s "
                f"(CPU {result.cpu_seconds:6.2f} s, load {result.load_before:.1f}) "
                f"edited {target.relative_to(content)}")
    summary = {name: _variant_summary(cold[name], rebuilt[name]) for name in cold}
    for name, data in summary.items():
        if data["log_errors"] or data["log_warnings"]:
            say(f"  ! {name}: {data['log_errors']} error and {data['log_warnings']} warning records "
                f"in its build logs ({logs})")
    summary["ratios"] = {
        "cold": round(summary["ours"]["cold_median_s"] / summary["vanilla"]["cold_median_s"], 3),
        "rebuild": round(summary["ours"]["rebuild_median_s"] / summary["vanilla"]["rebuild_median_s"], 3),
        "cold_cpu": round(summary["ours"]["cold_cpu_median_s"] / summary["vanilla"]["cold_cpu_median_s"], 3),
        "rebuild_cpu": round(summary["ours"]["rebuild_cpu_median_s"]
                             / summary["vanilla"]["rebuild_cpu_median_s"], 3),
    }
    summary["plugins"] = plugins if plugins is not None else _configured_plugins()
    return summary, {v.name: v for v in variants}


def _configured_plugins() -> list[str]:
    namespace: dict = {"__file__": str(builds.CONF)}
    exec(compile(builds.CONF.read_text(encoding="utf-8"), str(builds.CONF), "exec"), namespace)
    return list(namespace.get("PLUGINS", []))


def index_sizes(ours: builds.Variant) -> dict:
    """The Whoosh index generation in use, the editors' side as a whole (every generation and the
    export state: what SEARCH_INDEX_PATH holds) and the export."""
    whoosh = ours.search_index / "current"
    return {"whoosh": folder_size(whoosh if whoosh.exists() else ours.search_index),
            "editors": folder_size(ours.search_index),
            "export": folder_size(ours.output / "search")}


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
        with_browser: bool = True, plugins: list[str] | None = None) -> dict:
    started = time.perf_counter()
    work = out / f"work-{n}"
    say(f"[1/4] corpus: {n:,} articles → {work / CONTENT_DIR}")
    content = corpus.write_corpus(n, work / CONTENT_DIR, seed=seed, force=True)
    manifest = corpus.load_manifest(work / CONTENT_DIR)
    say(f"[2/4] builds: {runs} cold run(s) and {rebuilds} one-article rebuild(s) per variant")
    build_summary, variants = measure_builds(content, work, runs, rebuilds, plugins)
    say("[3/4] index sizes, segmentation throughput")
    sizes = index_sizes(variants["ours"])
    from .segmenters import measure as measure_segmenters
    segmentation = measure_segmenters()
    result = {
        "n": n, "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(), "corpus": corpus_stats(manifest), "builds": build_summary,
        "index": sizes, "segmentation": segmentation,
    }
    # the build figures are kept even if the search stage fails later
    (out / f"bench-{n}.partial.json").write_text(json.dumps(result, ensure_ascii=False, indent=1),
                                                 encoding="utf-8")
    if with_search:
        search_stage(result, variants["ours"], manifest, work / "logs", with_browser)
    else:
        say("[4/4] search measurements skipped (--no-search)")
    result["goals"] = report.goals(result)
    result["total_seconds"] = round(time.perf_counter() - started, 1)
    return result


def search_stage(result: dict, ours: builds.Variant, manifest: dict, logs: Path, with_browser: bool,
                 label: str = "[4/4]") -> None:
    """Pagefind and the browser measurements over the full site's output, into `result`."""
    say(f"{label} Pagefind and browser search")
    try:
        search, pagefind_index = measure_search(ours.output, manifest, logs, with_browser)
    except Exception as error:  # noqa: BLE001 - keep the build figures, say what failed
        reason = f"search stage failed: {str(error).strip().splitlines()[0] if str(error).strip() else repr(error)}"
        say(f"  ! {reason}")
        search = {"queries": QUERIES, "truth_counts": {}, "error": reason,
                  "ours": {"available": False, "reason": reason},
                  "pagefind": {"available": False, "reason": reason}}
        pagefind_index = None
    result["search"] = search
    result["index"]["pagefind"] = folder_size(ours.output / "pagefind")
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
    ours = builds.Variant("ours", plugins, work / "ours")
    if refresh:
        say(f"[1/2] refreshing the full site in {ours.output} (not timed)")
        builds.rebuild(ours, work / CONTENT_DIR / "content", work / "logs", 0)
    else:
        say(f"[1/2] using the full site in {ours.output} as it is (--no-refresh)")
    result["index"] = {**result["index"], **index_sizes(ours)}
    search_stage(result, ours, manifest, work / "logs", with_browser, label="[2/2]")
    result["search_measured"] = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    result["goals"] = report.goals(result)
    result["total_seconds"] = round(time.perf_counter() - started, 1)
    return result


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
    parser.add_argument("--no-search", action="store_true", help="builds and index sizes only")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurements")
    parser.add_argument("--search-only", action="store_true",
                        help="re-measure search on the previous run's corpus, keeping its build figures")
    parser.add_argument("--no-refresh", action="store_true",
                        help="with --search-only: measure the built site as it is, without rebuilding it")
    parser.add_argument("--plugins", default=None,
                        help="comma-separated PLUGINS for the full site (default: pelicanconf.py's)")
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
            result = run(args.n, out, runs, args.rebuilds, args.seed, not args.no_search,
                         not args.no_browser, plugins)
    except (builds.BuildFailed, corpus.CorpusError, RuntimeError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    path = out / f"bench-{args.n}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / f"bench-{args.n}.partial.json").unlink(missing_ok=True)
    print()
    print(report.format_table(result))
    print(f"\nJSON: {path}  (total {result['total_seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
