"""Pagefind (PyPI `pagefind[extended]`, jieba-rs segmentation) over the same built site.

Pagefind indexes only the article pages (as our search does) into <site>/pagefind/, and a small
harness page, bench-pagefind.html, drives its JS API the way a search page would: search, then
load the display data of the first ten results.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .measure import RunResult, run_measured

HARNESS = "bench-pagefind.html"
ARTICLE_GLOB = "articles/**/*.html"
RESULTS_SHOWN = 10
# index the story itself, not the related-articles list or prev/next links around it
ROOT_SELECTOR = "article.article"

HARNESS_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Pagefind benchmark</title></head>
<body><ol id="results"></ol>
<script type="module">
const SHOWN = %(shown)d;
const pagefind = await import("./pagefind/pagefind.js");
const urls = new Map();  // result id -> url, so recall passes load each fragment once
async function search(query, shown) {
  const found = await pagefind.search(query);
  const data = await Promise.all(found.results.slice(0, shown).map((r) => r.data()));
  return {found, data};
}
window.benchSearch = async (query) => {
  const start = performance.now();
  const {found} = await search(query, SHOWN);
  return {ms: performance.now() - start, total: found.results.length};
};
window.benchAllUrls = async (query) => {
  const found = await pagefind.search(query);
  const missing = found.results.filter((r) => !urls.has(r.id));
  for (let i = 0; i < missing.length; i += 200) {
    const batch = missing.slice(i, i + 200);
    const data = await Promise.all(batch.map((r) => r.data()));
    batch.forEach((r, j) => urls.set(r.id, data[j].url));
  }
  return found.results.map((r) => urls.get(r.id));
};
const query = new URLSearchParams(location.search).get("q") || "";
const {found, data} = await search(query, SHOWN);
const list = document.getElementById("results");
for (const item of data) {
  const li = document.createElement("li");
  li.innerHTML = `<a href="${item.url}">${item.meta.title || item.url}</a><p>${item.excerpt}</p>`;
  list.append(li);
}
document.body.dataset.searchTotal = found.results.length;
document.body.dataset.searchDone = "1";
</script></body></html>
"""


def index_site(site: Path, logs: Path) -> RunResult:
    """Run Pagefind over `site` (writes site/pagefind/) and add the harness page."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", ARTICLE_GLOB,
           "--root-selector", ROOT_SELECTOR]
    result = run_measured(cmd, logs / "pagefind.log", label="pagefind")
    if result.returncode != 0:
        raise RuntimeError(f"pagefind failed (exit {result.returncode}); log {result.log_path}:\n"
                           f"{result.log_tail()}")
    (site / HARNESS).write_text(HARNESS_PAGE % {"shown": RESULTS_SHOWN}, encoding="utf-8")
    return result
