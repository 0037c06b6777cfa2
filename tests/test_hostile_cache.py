"""A build killed while Pelican saves its reader cache never poisons the next build.

Before union_guard's pelican_cache, Pelican wrote the cache in place: SIGKILL during the write
left a truncated pickle, and every later `make html` failed with EOFError until someone deleted
cache/.  Now the save goes to a temporary file that is renamed, and a cache that cannot be read
(written by an older Pelican, or truncated some other way) is discarded with a warning.
"""

from __future__ import annotations

import gzip
import json
import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sitebuild import PROJECT_DIR, build_site, private_var, problems
from tests.fixtures.hostile.corpus import md

pytestmark = pytest.mark.build
PLUGINS = ["union_guard", "union_site"]

# Runs Pelican with pickle.dump replaced: the first dump into the cache folder writes half of its
# bytes, flushes them, and SIGKILLs the whole process - a build killed mid-save, deterministically.
KILL_WHILE_SAVING = """
import os, pickle, signal, sys
cache_dir = os.path.realpath(sys.argv.pop(1))
real_dump = pickle.dump
def dump(obj, handle, *args, **kwargs):
    name = os.path.realpath(str(getattr(handle, "name", "")))
    if os.path.dirname(name) != cache_dir:
        return real_dump(obj, handle, *args, **kwargs)
    data = pickle.dumps(obj, *args, **kwargs)
    handle.write(data[: len(data) // 2])
    handle.flush()
    os.kill(os.getpid(), signal.SIGKILL)
pickle.dump = dump
from pelican import main
sys.argv[0] = "pelican"
main()
"""


def site(root: Path) -> Path:
    content = root / "content" / "articles"
    content.mkdir(parents=True)
    for n in range(3):
        (content / f"story-{n}.md").write_bytes(md(f"Title: 缓存测试第{n}篇", f"Date: 2022-0{n + 1}-01", "",
                                                    f"第{n}篇的正文，第一版。"))
    return root / "content"


def settings(output: Path) -> dict:
    return {"PLUGINS": PLUGINS, "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True,
            "CACHE_PATH": str(private_var(output) / "pelican-cache")}


def cache_files(output: Path) -> list:
    folder = private_var(output) / "pelican-cache"
    return sorted(p for p in folder.iterdir() if "Generator" in p.name and not p.name.endswith(".tmp"))


def load(path: Path):
    with gzip.open(path, "rb") as handle:
        return pickle.load(handle)


def pelican_args(content: Path, output: Path) -> list:
    values = {"UNION_BUILD_REPORT": str(private_var(output) / "build-report.json"), **settings(output)}
    return [str(content), "-o", str(output), "-s", str(PROJECT_DIR / "pelicanconf.py"), "-e"] + [
        f"{key}={json.dumps(value)}" for key, value in values.items()]


def catalog_texts(output: Path) -> dict:
    catalog = json.loads((output / "catalog.json").read_text(encoding="utf-8"))
    return {entry["title"]: entry["summary"] for entry in catalog["articles"]}


def test_a_build_killed_while_saving_the_cache_leaves_the_previous_cache_readable(tmp_path):
    content = site(tmp_path)
    output = tmp_path / "output"
    build_site(output, content_dir=content, settings=settings(output))
    before = {path.name: load(path) for path in cache_files(output)}
    assert "ArticlesGenerator-Readers" in before

    (content / "articles" / "story-1.md").write_bytes(md("Title: 缓存测试第1篇", "Date: 2022-02-01", "",
                                                         "第1篇的正文，第二版。"))
    cache_dir = private_var(output) / "pelican-cache"
    killed = subprocess.run([sys.executable, "-c", KILL_WHILE_SAVING, str(cache_dir), *pelican_args(content, output)],
                            cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(PROJECT_DIR / "plugins")})
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert list(cache_dir.glob("*.tmp")), "the kill came while a save was being written"
    after = {path.name: load(path) for path in cache_files(output)}  # every live cache still loads
    assert after.keys() == before.keys()

    build_site(output, content_dir=content, settings=settings(output))
    assert [p for p in problems(output) if "cache" in p["text"]] == []
    assert catalog_texts(output)["缓存测试第1篇"] == "第1篇的正文，第二版。"
    assert len(catalog_texts(output)) == 3  # noqa: PLR2004


@pytest.mark.parametrize("damage", ["empty", "half", "garbage"])
def test_a_truncated_cache_is_discarded_with_a_warning_and_the_build_succeeds(tmp_path, damage):
    """The cache as Pelican's own in-place save left it when killed (or any unreadable cache)."""
    content = site(tmp_path)
    output = tmp_path / "output"
    build_site(output, content_dir=content, settings=settings(output))
    cache = next(p for p in cache_files(output) if p.name == "ArticlesGenerator-Readers")
    data = cache.read_bytes()
    cache.write_bytes({"empty": b"", "half": data[: len(data) // 2], "garbage": b"\x00not a pickle\xff" * 50}[damage])

    result = build_site(output, content_dir=content, settings=settings(output), check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    warned = [p for p in problems(output) if p["level"] == "warning" and "could not be read" in p["text"]]
    assert len(warned) == 1 and "discarded" in warned[0]["text"] and warned[0]["path"].endswith(cache.name)
    assert len(catalog_texts(output)) == 3  # noqa: PLR2004
    load(cache)  # saved again, whole

    again = build_site(output, content_dir=content, settings=settings(output), check=False)
    assert again.returncode == 0 and problems(output) == [], "the build after that is clean"
