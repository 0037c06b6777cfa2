"""The editors' command line (make search Q=... [JSON=1])."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import union_text
from union_search.build import build_search
from union_search.cli import main

from test_union_search_support import seed_records

ROOT = os.path.join(os.path.dirname(__file__), "..")


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    records = seed_records()
    build_search(records, str(root / "index"), str(root / "cache"))
    return str(root / "index"), records


def test_text_output_lists_title_date_region_and_marked_snippet(index_dir, capsys):
    path, records = index_dir
    assert main(["--index", path, "工资集体协商"]) == 0
    out = capsys.readouterr().out
    truth = [r for r in records if "工资集体协商" in union_text.fold(r.title + r.body)]
    assert out.startswith(f"{len(truth)} result")
    first = out.split("\n 1. ", 1)[1]
    assert "【工资集体协商】" in first
    assert any(r.date in first and r.regions and r.regions[0] in first for r in truth)


def test_json_output_has_url_title_score_snippet(index_dir, capsys):
    path, records = index_dir
    assert main(["--index", path, "--json", "--limit", "3", "愛心驛站"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["total"] >= 2 and len(found["results"]) == min(3, found["total"])
    for result in found["results"]:
        assert {"url", "title", "score", "snippet"} <= result.keys()
        assert "<mark>" in result["snippet"]
    scores = [r["score"] for r in found["results"] if r["whole_word"]]
    assert scores == sorted(scores, reverse=True)


def test_phrase_and_filters_from_the_command_line(index_dir, capsys):
    path, records = index_dir
    assert main(["--index", path, "--json", '"白纸黑字"', "year:" + records[0].year]) == 0
    found = json.loads(capsys.readouterr().out)
    for result in found["results"]:
        assert result["date"].startswith(records[0].year)


def test_empty_query_prints_usage_and_exit_2(index_dir, capsys):
    path, _ = index_dir
    assert main(["--index", path, "  "]) == 2
    assert 'make search Q="工资集体协商"' in capsys.readouterr().err


def test_missing_index_is_one_line_not_a_traceback(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "plugins"))
    run = subprocess.run(
        [sys.executable, "-m", "union_search.cli", "--index", str(tmp_path / "none"), "工会"],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )
    assert run.returncode == 1
    assert run.stderr.startswith("error: no search index at") and "Traceback" not in run.stderr


def test_export_mode_returns_what_the_index_returns(index_dir, capsys):
    from union_search.build import export_path

    path, _ = index_dir
    for text in ("集体协商", '"白纸黑字"', "工会 region:黄岩区", "gzjtxs"):
        assert main(["--index", path, "--json", text]) == 0
        from_index = json.loads(capsys.readouterr().out)
        assert main(["--export", export_path(path), "--json", text]) == 0
        from_export = json.loads(capsys.readouterr().out)
        assert from_export == from_index


def test_export_mode_without_manifest_is_a_clear_error(tmp_path, capsys):
    assert main(["--export", str(tmp_path), "工会"]) == 1
    assert "no search export at" in capsys.readouterr().err
