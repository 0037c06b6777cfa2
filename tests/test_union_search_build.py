"""End to end: a Pelican build with the union_search plugin, then the command line."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

import pytest

from test_union_search_support import SEEDS, seed_paragraphs

PLUGINS_DIR = os.path.join(os.path.dirname(__file__), "..", "plugins")

ARTICLES = {
    "yi-zhan.md": ("让爱心驿站更走心", "2023-03-01", "浙江省›台州市›黄岩区", 0),
    "xie-shang.md": ("快递行业工资集体协商", "2022-08-10", "浙江省›湖州市›安吉县", 1),
    "chan-gai.md": ("推进產改進行時", "2021-05-04", "浙江省›嘉兴市›南湖区", 3),
}


def write_content(content_dir) -> dict[str, str]:
    """Markdown articles made of real seed paragraphs; returns slug → body text."""
    os.makedirs(content_dir, exist_ok=True)
    bodies = {}
    for name, (title, date, region, seed) in ARTICLES.items():
        paragraphs = [p for p in seed_paragraphs(SEEDS[seed]) if len(p) > 40][:6]
        body = "\n\n".join(paragraphs)
        slug = name[:-3]
        bodies[slug] = body
        with open(os.path.join(content_dir, name), "w", encoding="utf-8") as handle:
            handle.write(f"Title: {title}\nDate: {date}\nSlug: {slug}\nRegions: {region}\n\n{body}\n")
    return bodies


def build(tmp_path, background: bool, **extra):
    from pelican import Pelican, signals
    from pelican.settings import read_settings

    settings = read_settings(
        path=None,
        override={
            "PATH": str(tmp_path / "content"),
            "OUTPUT_PATH": str(tmp_path / "output"),
            "PLUGIN_PATHS": [os.path.abspath(PLUGINS_DIR)],
            "PLUGINS": ["union_search"],
            "SEARCH_INDEX_PATH": str(tmp_path / "var" / "search-index"),
            "SEARCH_CACHE_PATH": str(tmp_path / "var" / "search-cache"),
            "SEARCH_BACKGROUND": background,
            "CACHE_CONTENT": False,
            "LOAD_CONTENT_CACHE": False,
            "SITEURL": "",
            "TIMEZONE": "Asia/Shanghai",
            "DEFAULT_LANG": "zh-CN",
            "ARTICLE_URL": "articles/{slug}/",
            "ARTICLE_SAVE_AS": "articles/{slug}/index.html",
            **extra,
        },
    )
    try:
        Pelican(settings).run()
    finally:
        plugin = sys.modules.get("union_search.plugin")
        if plugin:  # signals are global: leave none of ours behind
            signals.initialized.disconnect(plugin.set_defaults)
            signals.content_object_init.disconnect(plugin.analyse_early)
            signals.all_generators_finalized.disconnect(plugin.start_build)
            signals.finalized.disconnect(plugin.finish_build)


def cli_json(tmp_path, query, capsys):
    from union_search.cli import main

    capsys.readouterr()  # drop Pelican's own output
    assert main(["--json", "--index", str(tmp_path / "var" / "search-index"), query]) == 0
    return json.loads(capsys.readouterr().out)


def wait_for_sync(index_dir: Path, timeout: float = 120) -> dict:
    """The background sync a build started, once it has finished (its status)."""
    import time

    from union_search.sync import read_status

    deadline = time.monotonic() + timeout
    while read_status(str(index_dir)).get("state") == "running":
        assert time.monotonic() < deadline, "the background sync did not finish"
        time.sleep(0.05)
    return read_status(str(index_dir))


@pytest.mark.build
@pytest.mark.parametrize("background", [True, False])
def test_build_indexes_articles_and_publishes_the_export(tmp_path, capsys, background):
    bodies = write_content(tmp_path / "content")
    build(tmp_path, background)
    manifest = json.loads((tmp_path / "output" / "search" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["doc_count"] == len(ARTICLES)
    assert not (tmp_path / "output" / "search-index").exists()
    # pieces and the manifest only: the state for the next build and the locks stay out of output/
    assert set(os.listdir(tmp_path / "output" / "search")) <= {*"cdfikmprsty", "manifest.json"}

    # the search right after the build answers from an index holding every article of the build
    # (with background=True it waits for, or does, the sync the build started)
    found = cli_json(tmp_path, "愛心驛站", capsys)
    assert (tmp_path / "var" / "search-index" / "current").is_symlink()
    truth = {slug for slug, body in bodies.items() if "爱心驿站" in body} | {"yi-zhan"}
    assert {r["url"].split("/")[1] for r in found["results"]} >= truth
    top = found["results"][0]
    assert top["url"] == "articles/yi-zhan/"  # the title match ranks first
    assert "<mark>" in top["snippet"] and top["regions"] == ["浙江省›台州市›黄岩区"]

    regional = cli_json(tmp_path, "工会 region:安吉县", capsys)
    assert [r["url"] for r in regional["results"]] == ["articles/xie-shang/"]
    if background:
        status = wait_for_sync(tmp_path / "var" / "search-index")
        assert status["state"] == "done" and status["cpu_seconds"] > 0


@pytest.mark.build
def test_a_search_right_after_the_build_includes_every_article_of_that_build(tmp_path):
    """`make search` after `make html`: the build returned while Whoosh is still being written in the
    background; the command line (a new process, as make runs it) waits for it or catches up."""
    import subprocess
    import sys

    write_content(tmp_path / "content")
    build(tmp_path, background=True)
    wait_for_sync(tmp_path / "var" / "search-index")
    for n in range(3):  # new articles in a second build, searched at once
        (tmp_path / "content" / f"new-{n}.md").write_text(
            f"Title: 新增报道{n}\nDate: 2024-01-0{n + 1}\nSlug: new-{n}\n\n独一无二的新词汇第{n}号。\n", encoding="utf-8")
    build(tmp_path, background=True)
    found = subprocess.run(
        [sys.executable, "-m", "union_search.cli", "--json", "--limit", "all",
         "--index", str(tmp_path / "var" / "search-index"), "独一无二的新词汇"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": os.path.abspath(PLUGINS_DIR)})
    assert found.returncode == 0, found.stderr
    assert sorted(r["url"] for r in json.loads(found.stdout)["results"]) == [f"articles/new-{n}/" for n in range(3)]
    assert wait_for_sync(tmp_path / "var" / "search-index")["state"] == "done"


@pytest.mark.build
def test_rebuild_after_an_edit_updates_one_article(tmp_path, capsys):
    write_content(tmp_path / "content")
    build(tmp_path, background=False)
    path = tmp_path / "content" / "chan-gai.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n新增段落：职工书屋焕然一新。\n", encoding="utf-8")
    build(tmp_path, background=False)
    found = cli_json(tmp_path, "职工书屋焕然一新", capsys)
    assert [r["url"] for r in found["results"]] == ["articles/chan-gai/"]
    # the published export has it too
    from union_search.engine import search
    from union_search.export_reader import ExportSource
    from union_search.query import parse_query

    export = ExportSource(str(tmp_path / "output" / "search"))
    hits = search(export, parse_query("职工书屋焕然一新"))
    assert [export.fragment(h.doc)["url"] for h in hits] == ["articles/chan-gai/"]


def tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def build_summary(caplog) -> str:
    summaries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("search export:")]
    assert summaries, "the search build logged no summary"
    return summaries[-1]


@pytest.mark.build
def test_articles_are_analysed_while_pelican_reads_them_without_changing_the_export(tmp_path, caplog):
    """The early analyser (second core, during reading) leaves the build nothing to analyse,
    and the export is byte-identical to one built without it."""
    for name in ("early", "late"):
        write_content(tmp_path / name / "content")
    with caplog.at_level(logging.INFO, logger="union_search.plugin"):
        build(tmp_path / "early", background=True)
        assert build_summary(caplog).startswith("search export: 0 analysed, ")
        build(tmp_path / "late", background=True, SEARCH_EARLY_ANALYSIS=False)
        assert build_summary(caplog).startswith(f"search export: {len(ARTICLES)} analysed, ")
    for name in ("early", "late"):
        wait_for_sync(tmp_path / name / "var" / "search-index")
    early, late = tree(tmp_path / "early" / "output" / "search"), tree(tmp_path / "late" / "output" / "search")
    assert len(early) > 10
    assert early == late
