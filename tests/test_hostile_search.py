"""A build killed (SIGKILL) while it writes the search export or the editors' index must cost nothing.

union_search writes the static export into output/search/ pieces first,
manifest last (replaced atomically); after the build, a background process
writes the Whoosh index into a `.building-*` folder beside the live
generation and swaps the `current` symlink.  These tests kill the build
(process group: Pelican and its export worker) while the export is written,
and the background sync while Whoosh is written, and prove that the previous
export still answers, that the editors' command line (a fresh process) never
answers from a stale index, and that the next build recovers.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitebuild import PROJECT_DIR, private_var
from test_hostile_build import guard_plugins, run_build
from tests.fixtures.hostile.corpus import CASES, md

pytestmark = pytest.mark.build
NEW_WORD = "独一无二测试词"
OLD_QUERY = "职工之家建设"


def needs_search():
    if "union_search" not in guard_plugins():
        pytest.fail("union_search must be in pelicanconf.PLUGINS")


def small_site(root: Path) -> Path:
    content = root / "content" / "articles"
    content.mkdir(parents=True)
    for case in CASES:
        if case.name in ("script-title.md", "gbk.md", "meta-html.md"):
            (content / case.name).write_bytes(case.data)
    for n in range(3):
        (content / f"good-{n}.md").write_bytes(md(f"Title: 安吉县工会第{n}篇报道", f"Date: 2022-0{n + 1}-01",
                                                  "", "安吉县总工会推动快递行业工资集体协商。"))
    return root / "content"


def add_slow_article(content: Path) -> None:
    """A new ~250 KB story: analysing it keeps the index writer busy for a moment."""
    paragraph = "某地开展技能比武和岗位练兵，一线青年在比赛中切磋技艺、交流经验、提升本领。" * 4
    body = (NEW_WORD + paragraph + "\n\n") * 600
    (content / "articles" / "new-long.md").write_bytes(
        md("Title: 新加的长篇报道", "Date: 2023-01-01", "", body))


def pelican_command(content: Path, output: Path) -> list:
    """The command build_site() runs (same private index and caches), to start it ourselves."""
    private = private_var(output)
    settings = {"PLUGINS": guard_plugins(), "CACHE_PATH": str(private / "pelican-cache"),
                "LOAD_CONTENT_CACHE": False, "SEARCH_INDEX_PATH": str(private / "search-index"),
                "SEARCH_CACHE_PATH": str(private / "search-cache")}
    return [sys.executable, "-m", "pelican", str(content), "-o", str(output),
            "-s", str(PROJECT_DIR / "pelicanconf.py"), "-e"] + [
        f"{key}={json.dumps(value)}" for key, value in settings.items()]


def cli_titles(index_dir: Path, query: str):
    """The editors' CLI in a fresh process: titles found, in rank order."""
    result = subprocess.run([sys.executable, "-m", "union_search.cli", "--json", "--limit", "50",
                             "--index", str(index_dir), "--", query],
                            cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(PROJECT_DIR / "plugins")})
    assert result.returncode == 0, result.stderr
    return [r["title"] for r in json.loads(result.stdout)["results"]]


def export_titles(export_dir: Path, query: str):
    """What the browser's search would find in output/search/ (every piece it names must exist)."""
    from union_search.engine import search
    from union_search.export import referenced_names
    from union_search.export_reader import ExportSource
    from union_search.query import parse_query

    missing = [n for n in referenced_names(str(export_dir)) if not (export_dir / n).exists()]
    assert missing == [], f"manifest names missing pieces: {missing[:5]}"
    source = ExportSource(str(export_dir))
    return [source.fragment(hit.doc)["title"] for hit in search(source, parse_query(query))]


def kill_when(command, ready, timeout=300):
    """Start a build in its own process group, SIGKILL the group as soon as ready() holds."""
    process = subprocess.Popen(command, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + timeout
    try:
        while not ready():
            if process.poll() is not None:
                pytest.fail(f"the build finished (rc {process.returncode}) before the kill point")
            if time.monotonic() > deadline:
                pytest.fail("kill point not reached")
            time.sleep(0.005)
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait(timeout=60)
    return process.returncode


def kill_sync_when(index_dir: Path, ready, timeout=300):
    """SIGKILL the background sync (its own session: it outlives the build) as soon as ready() holds."""
    from union_search.sync import read_status

    deadline = time.monotonic() + timeout
    while not ready():
        assert time.monotonic() < deadline, "kill point not reached"
        status = read_status(str(index_dir))
        assert status.get("state") == "running", f"the sync ended before the kill point: {status}"
        time.sleep(0.005)
    pid = read_status(str(index_dir))["pid"]
    os.kill(pid, signal.SIGKILL)
    for _ in range(1000):  # until the process is gone (it is not our child: poll)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.01)


def test_sigkilled_builds_keep_the_previous_index_and_the_next_build_recovers(tmp_path):
    from union_search.sync import read_status

    needs_search()
    content = small_site(tmp_path)
    output = tmp_path / "output"
    run_build(output, content, settings={"PLUGINS": guard_plugins(), "SEARCH_BACKGROUND": False})
    index_dir = private_var(output) / "search-index"
    current = index_dir / "current"
    generation = os.path.realpath(current)
    manifest = (output / "search" / "manifest.json").read_bytes()
    before_cli = cli_titles(index_dir, OLD_QUERY)
    before_export = export_titles(output / "search", OLD_QUERY)
    assert before_cli == before_export == ["职工之家建设"]
    add_slow_article(content)
    command = pelican_command(content, output)

    # 1. Killed while the export's pieces are written: output/search/ serves the previous export,
    #    the editors' index still holds it, the command line answers as before.
    assert kill_when(command, lambda: (index_dir / "export-dirty").exists()) == -signal.SIGKILL
    assert (output / "search" / "manifest.json").read_bytes() == manifest
    assert export_titles(output / "search", OLD_QUERY) == before_export
    assert export_titles(output / "search", NEW_WORD) == []
    assert cli_titles(index_dir, OLD_QUERY) == before_cli
    assert cli_titles(index_dir, NEW_WORD) == []
    assert os.path.realpath(current) == generation

    # 2. The build completes, but the background sync of the editors' index is killed while
    #    Whoosh writes .building-*: the live index is untouched, and the next query catches up
    #    first (it never answers from the stale index).
    subprocess.run(command, cwd=PROJECT_DIR, check=True, capture_output=True, timeout=600)
    assert export_titles(output / "search", NEW_WORD) == ["新加的长篇报道"]
    kill_sync_when(index_dir, lambda: any(index_dir.glob(".building-*")))
    assert os.path.realpath(current) == generation, "the live index must not change"
    assert read_status(str(index_dir)).get("state") == "running"  # it never finished
    assert cli_titles(index_dir, NEW_WORD) == ["新加的长篇报道"]
    assert os.path.realpath(current) != generation
    assert cli_titles(index_dir, OLD_QUERY) == before_cli

    # 3. The next build recovers: both searches find the new article, the old one is unchanged,
    #    and no leftover of the killed export remains in output/search/.
    run_build(output, content, settings={"PLUGINS": guard_plugins(), "SEARCH_BACKGROUND": False})
    assert cli_titles(index_dir, NEW_WORD) == ["新加的长篇报道"]
    assert export_titles(output / "search", NEW_WORD) == ["新加的长篇报道"]
    assert export_titles(output / "search", OLD_QUERY) == before_export
    assert cli_titles(index_dir, OLD_QUERY) == before_cli
    from union_search.export import referenced_names

    root = output / "search"
    on_disk = {f"{d}/{n}" for d in os.listdir(root) if (root / d).is_dir() for n in os.listdir(root / d)}
    assert on_disk == referenced_names(str(root))
    assert not (index_dir / "export-dirty").exists()
