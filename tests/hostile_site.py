"""The hostile corpus built once per test session: real content/ plus every case, feeds on.

test_hostile_build.py reads its report, catalog and pages; test_hostile_browser.py serves it to
Chromium.  One build instead of one per module: the corpus takes ~40 s to build.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

import pelicanconf
from sitebuild import build_site, private_var, problems
from tests.fixtures.hostile.corpus import write_corpus

SITEURL_FOR_FEEDS = "https://gonghui.example.org"
# Feeds are off in a preview; the corpus build turns every kind on, so that hostile titles and
# summaries reach feeds too.  The time limit is lowered so the case that only it can stop
# (spread-links.md) costs 3 s, not 10.
CORPUS_SETTINGS = {
    "FEED_DOMAIN": SITEURL_FOR_FEEDS,
    "FEED_ALL_ATOM": "feeds/all.atom.xml",
    "CATEGORY_FEED_ATOM": "feeds/category/{slug}.atom.xml",
    "TAG_FEED_ATOM": "feeds/tag/{slug}.atom.xml",
    "AUTHOR_FEED_ATOM": "feeds/author/{slug}.atom.xml",
    "UNION_GUARD_MARKDOWN_SECONDS": 3,
}
BUILD_TIMEOUT = 400  # seconds: a hang fails the suite instead of stalling it


def guard_plugins(*extra):
    """The site's plugins with union_guard first (it must clean content before the others see it)."""
    plugins = ["union_guard"] + [p for p in pelicanconf.PLUGINS if p != "union_guard"]
    return plugins + [p for p in extra if p not in plugins]


@dataclass
class HostileBuild:
    output: Path
    problems: list
    catalog: dict

    @property
    def content(self) -> Path:
        return self.output.parent / "content"

    @property
    def index_dir(self):
        """The Whoosh index build_site() gives this build (SEARCH_INDEX_PATH)."""
        return private_var(self.output) / "search-index"

    def reports(self, name):
        """The reports naming this file."""
        return [(p["level"].upper(), p["text"]) for p in self.problems
                if p["path"] and os.path.basename(p["path"]) == name]

    def entry(self, title):
        return next((e for e in self.catalog["articles"] if e["title"] == title), None)

    def page_path(self, title) -> Path:
        entry = self.entry(title)
        assert entry, f"{title!r} not in catalog.json"
        return self.output / entry["url"].lstrip("/") / "index.html"

    def page(self, title):
        return BeautifulSoup(self.page_path(title).read_text(encoding="utf-8"), "html.parser")


_builds: dict = {}


def hostile_build(tmp_path_factory) -> HostileBuild:
    """The corpus site, built on first use in this session."""
    if "corpus" not in _builds:
        root = tmp_path_factory.mktemp("hostile")
        content = write_corpus(root / "content")
        output = root / "output"
        build_site(output, content_dir=content, timeout=BUILD_TIMEOUT,
                   settings={"PLUGINS": guard_plugins(), **CORPUS_SETTINGS})
        catalog = json.loads((output / "catalog.json").read_text(encoding="utf-8"))
        _builds["corpus"] = HostileBuild(output, problems(output), catalog)
    return _builds["corpus"]
