"""`make search Q=…` and `make import SRC=… DEST=…` pass editors' text through the environment.

Each test runs make itself, as an editor would, with arguments that would run a command
or break the shell if they were pasted into shell text: quotes, backticks, `$(…)`.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from test_union_search_cli import index_dir  # noqa: F401 - the seed index, built once per module

ROOT = os.path.join(os.path.dirname(__file__), "..")
MARKER = "make-argument-ran-a-command"  # created in the project directory if an argument runs
HOSTILE = ['"工资集体协商', f"`touch {MARKER}`", f"$(touch {MARKER})", f"';touch {MARKER};'", "$HOME ${PATH}"]


def make(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", "-s", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120)


@pytest.mark.parametrize("query", HOSTILE)
def test_search_query_reaches_the_cli_verbatim(index_dir, query):  # noqa: F811
    marker = os.path.join(ROOT, MARKER)
    result = make("search", f"Q={query}", "JSON=1", env={"SEARCH_INDEX_PATH": index_dir[0]})
    assert not os.path.exists(marker), "a query ran a command"
    assert "Syntax error" not in result.stderr and "unexpected" not in result.stderr
    if result.returncode == 0:
        assert json.loads(result.stdout)["query"] == query
    else:  # only a query with nothing searchable in it may be refused, with the usage line
        assert result.returncode == 2 and "give a query" in result.stderr


def test_phrase_through_make_keeps_its_quotes(index_dir):  # noqa: F811
    path, records = index_dir
    phrase = make("search", 'Q="白纸黑字"', "JSON=1", "LIMIT=all", env={"SEARCH_INDEX_PATH": path})
    words = make("search", "Q=白纸 黑字", "JSON=1", "LIMIT=all", env={"SEARCH_INDEX_PATH": path})
    phrase, words = json.loads(phrase.stdout), json.loads(words.stdout)
    assert phrase["query"] == '"白纸黑字"'
    assert phrase["total"] == sum("白纸黑字" in r.title + r.body for r in records) > 0
    assert words["total"] >= phrase["total"]


def test_limit_all_and_bad_limit(index_dir):  # noqa: F811
    env = {"SEARCH_INDEX_PATH": index_dir[0]}
    every = json.loads(make("search", "Q=工会", "JSON=1", "LIMIT=all", env=env).stdout)
    assert every["total"] > 10 and len(every["results"]) == every["total"]
    three = json.loads(make("search", "Q=工会", "JSON=1", "LIMIT=3", env=env).stdout)
    assert len(three["results"]) == 3
    bad = make("search", "Q=工会", "LIMIT=3;touch x", env=env)
    assert bad.returncode == 2 and "not a number of results" in bad.stderr


def test_sort_by_date_and_bad_sort(index_dir):  # noqa: F811
    path, records = index_dir
    env = {"SEARCH_INDEX_PATH": path}
    newest = json.loads(make("search", "Q=工会", "JSON=1", "LIMIT=all", "SORT=date", env=env).stdout)
    dates = [r["date"] for r in newest["results"]]
    assert newest["sort"] == "date" and len(dates) > 10 and dates == sorted(dates, reverse=True)
    bad = make("search", "Q=工会", "SORT=date;touch x", env=env)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_import_file_name_with_quotes_and_backticks(tmp_path):
    marker = os.path.join(ROOT, MARKER)
    source = tmp_path / f"收稿 \"引号\" `touch {MARKER}` $(touch {MARKER}) $HOME.txt"
    source.write_text("温岭市总工会开展送清凉活动\n\n7月20日，温岭市总工会来到建筑工地，为一线职工送上清凉饮品。\n",
                      encoding="utf-8")
    dest = tmp_path / "文章 `touch x` 'd'"
    result = make("import", f"SRC={source}", f"DEST={dest}")
    assert not os.path.exists(marker), "a file name ran a command"
    assert result.returncode == 0, result.stdout + result.stderr
    assert source.name in result.stdout
    written = list(dest.rglob("*.md"))
    assert len(written) == 1 and "送上清凉饮品" in written[0].read_text(encoding="utf-8")
