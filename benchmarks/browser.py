"""Search in headless Chromium: bytes and latency of a first query, warm latency, recall vs Ctrl-F.

Each engine is driven through a page on the locally served site:
- first query: a fresh browser context (empty cache) opens the engine's page with ?q=<query>;
  every response from navigation until the results are on screen is counted (bytes as served,
  and as they would travel gzip-compressed; pieces already compressed count once);
- warm query: the same query again through the engine's JS API once its pieces are loaded
  (median of WARM_REPEATS);
- recall: every result URL the engine returns, against the Ctrl-F truth.
"""

from __future__ import annotations

import gzip
import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .queries import normalize_url

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WARM_REPEATS = 5
TIMEOUT_MS = 120_000
PAGE_CHROME_TYPES = {"document", "stylesheet", "image", "font", "media"}
# Most readers are on phones.  On a wide screen our page also opens its filter panel, whose
# counts (the facets file) load after the results are on screen: not part of a first query, and
# left out of the measurement deterministically by measuring at a phone's width.
FIRST_QUERY_VIEWPORT = {"width": 375, "height": 812}


class SearchPageError(RuntimeError):
    """The engine's page showed an error instead of results."""


@dataclass
class Engine:
    """How to drive one search engine's page.  JS snippets are function sources for page.evaluate."""

    name: str
    page_path: str  # with {q} for the URL-encoded query
    done: str  # () => truthy when the results are rendered
    warm: str  # async (q) => ({ms, total})
    all_urls: str  # async (q) => [url, ...] of every result
    error: str = "() => null"  # () => message when the page shows an error instead of results
    # for the recall pass only: (URL glob, text, replacement) applied to a script as served
    recall_patch: tuple[str, str, str] | None = None


PAGEFIND = Engine(
    name="pagefind",
    page_path="bench-pagefind.html?q={q}",
    done="() => document.body && document.body.dataset.searchDone === '1'",
    warm="(q) => window.benchSearch(q)",
    all_urls="(q) => window.benchAllUrls(q)",
)

# Our search page (theme search.html + theme/static/js/search.js) has no JS API: it runs a query
# from the URL (?q=&page=) on load and on popstate, and when a run ends it sets, on
# [data-search-results], data-search-state="done" (or "error"), data-search-ms (query start →
# rendered), data-search-compute-ms (the same minus waiting for pieces) and data-search-total.
# The benchmark drives it through history.pushState + popstate, as the back button does.
_OURS_RUN = """
window.__benchRun = window.__benchRun || (async (q, page) => {
  const results = document.querySelector("[data-search-results]");
  delete results.dataset.searchMs;
  history.pushState(null, "", "?q=" + encodeURIComponent(q) + (page > 1 ? "&page=" + page : ""));
  window.dispatchEvent(new PopStateEvent("popstate"));
  while (!(results.dataset.searchState === "error"
           || (results.dataset.searchMs !== undefined && results.dataset.searchState === "done"))) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  if (results.dataset.searchState === "error") throw new Error("search page: " + document.querySelector("[data-search-status]").textContent);
  return {ms: parseFloat(results.dataset.searchMs), compute: parseFloat(results.dataset.searchComputeMs),
          total: parseInt(results.dataset.searchTotal || "0", 10),
          urls: [...document.querySelectorAll("[data-search-list] .search-result__title a")].map((a) => a.href)};
});
"""

OURS = Engine(
    name="ours",
    page_path="search.html?q={q}",
    done="""() => {
        const r = document.querySelector('[data-search-results]');
        return r !== null && (r.dataset.searchState === 'error'
                              || (r.dataset.searchState === 'done' && r.dataset.searchMs !== undefined));
    }""",
    error="""() => {
        const r = document.querySelector('[data-search-results]');
        return r && r.dataset.searchState === 'error'
            ? document.querySelector('[data-search-status]').textContent : null;
    }""",
    warm="""async (q) => {
        %s
        const run = await window.__benchRun(q, 1);
        return {ms: run.ms, total: run.total};
    }""" % _OURS_RUN,
    all_urls="""async (q) => {
        %s
        const first = await window.__benchRun(q, 1);
        const urls = [...first.urls];
        const pages = Math.ceil(first.total / Math.max(1, first.urls.length));
        for (let page = 2; page <= pages; page++) urls.push(...(await window.__benchRun(q, page)).urls);
        return urls;
    }""" % _OURS_RUN,
    # one page holding every result, instead of paging 10 at a time (bytes and latency are
    # measured on the script as published; only the recall pass sees this change)
    recall_patch=("**/js/search.js", "const PAGE_SIZE = 10;", "const PAGE_SIZE = 1e9;"),
)


def _compressed_size(body: bytes) -> int:
    if body[:2] == b"\x1f\x8b":  # already gzip (Pagefind's pieces)
        return len(body)
    return min(len(body), len(gzip.compress(body, compresslevel=6)))


def _count_bytes(responses) -> dict:
    totals = {"raw": 0, "gzip": 0, "search_raw": 0, "search_gzip": 0, "requests": 0}
    for response in responses:
        try:
            body = response.body()
        except Exception:  # noqa: BLE001 - redirects and aborted requests carry no body
            continue
        raw, packed = len(body), _compressed_size(body)
        totals["raw"] += raw
        totals["gzip"] += packed
        totals["requests"] += 1
        if response.request.resource_type not in PAGE_CHROME_TYPES:
            totals["search_raw"] += raw
            totals["search_gzip"] += packed
    return totals


def first_query(browser, base_url: str, engine: Engine, query: str) -> dict:
    """`_first_query`, tried once more when the page reports a network failure (seen under load)."""
    try:
        return _first_query(browser, base_url, engine, query)
    except SearchPageError as error:
        if "Failed to fetch" not in str(error):
            raise
        row = _first_query(browser, base_url, engine, query)
        row["retried_after"] = str(error)
        return row


def _first_query(browser, base_url: str, engine: Engine, query: str) -> dict:
    """Open the engine's page for `query` in an empty context; bytes until results render."""
    context = browser.new_context(viewport=FIRST_QUERY_VIEWPORT)
    try:
        page = context.new_page()
        responses, errors = [], []
        page.on("response", lambda response: responses.append(response))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{base_url}/{engine.page_path.format(q=quote(query))}", wait_until="commit")
        handle = page.wait_for_function(f"() => ({engine.done})() ? performance.now() : false",
                                        polling="raf", timeout=TIMEOUT_MS)
        rendered_ms = handle.json_value()
        failure = page.evaluate(engine.error)
        if failure:
            raise SearchPageError(f"{engine.name} search page, query {query!r}: {failure}")
        seen = list(responses)
        counted = _count_bytes(seen)
        warm = [page.evaluate(engine.warm, query) for _ in range(WARM_REPEATS)]
        return {"query": query, "first_ms": round(rendered_ms, 1), **counted,
                "warm_ms": round(statistics.median(w["ms"] for w in warm), 2),
                "total": warm[0]["total"], "errors": errors}
    finally:
        context.close()


def recall(browser, base_url: str, engine: Engine, truth: dict[str, set[str]]) -> dict:
    """Per query: Ctrl-F matches found, missed and extra results."""
    context = browser.new_context()
    try:
        page = context.new_page()
        if engine.recall_patch:
            _patch_script(page, *engine.recall_patch)
        first = next(iter(truth))
        page.goto(f"{base_url}/{engine.page_path.format(q=quote(first))}")
        page.wait_for_function(engine.done, polling="raf", timeout=TIMEOUT_MS)
        failure = page.evaluate(engine.error)
        if failure:
            raise SearchPageError(f"{engine.name} search page, query {first!r}: {failure}")
        out = {}
        for query, expected in truth.items():
            found = {normalize_url(url) for url in page.evaluate(engine.all_urls, query)}
            hits = len(found & expected)
            out[query] = {"truth": len(expected), "found": len(found), "hits": hits,
                          "recall": round(hits / len(expected), 4) if expected else None,
                          "extra": len(found - expected)}
        return out
    finally:
        context.close()


def _patch_script(page, glob: str, old: str, new: str) -> None:
    """Serve `glob` with `old` replaced by `new` (unchanged when `old` is absent)."""
    def handle(route):
        response = route.fetch()
        body = response.text()
        route.fulfill(response=response, body=body.replace(old, new, 1))

    page.route(glob, handle)


def measure_engine(browser, base_url: str, engine: Engine, truth: dict[str, set[str]],
                   progress=print) -> dict:
    started = time.perf_counter()
    per_query = []
    for query in truth:
        per_query.append(first_query(browser, base_url, engine, query))
    recalls = recall(browser, base_url, engine, truth)
    for row in per_query:
        row.update(recalls[row["query"]])
    progress(f"  {engine.name}: {len(per_query)} queries in {time.perf_counter() - started:.1f} s")
    return {"available": True, "per_query": per_query, **summarize(per_query)}


def summarize(rows: list[dict]) -> dict:
    def med(key):
        return statistics.median(row[key] for row in rows)

    recalls = [row["recall"] for row in rows if row["recall"] is not None]
    return {
        "first_query_bytes_median": med("raw"), "first_query_bytes_max": max(r["raw"] for r in rows),
        "first_query_gzip_median": med("gzip"), "first_query_gzip_max": max(r["gzip"] for r in rows),
        "first_query_search_gzip_median": med("search_gzip"),
        "first_query_ms_median": med("first_ms"), "warm_ms_median": med("warm_ms"),
        "warm_ms_max": max(r["warm_ms"] for r in rows),
        "recall_mean": round(statistics.mean(recalls), 4) if recalls else None,
        "recall_min": min(recalls) if recalls else None,
    }


def launch(playwright):
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def ours_unavailable_reason(site: Path) -> str | None:
    """Why our browser search cannot be measured on this build, or None when it can."""
    page = site / "search.html"
    if not page.exists():
        return "output/search.html missing (union_search plugin or theme search page not built)"
    if not (site / "search").is_dir():
        return "output/search/ missing (union_search static export not built)"
    html = page.read_text(encoding="utf-8", errors="replace")
    if "<script" not in html:
        return "search.html loads no script (search JS not in the theme yet)"
    return None
