"""rjieba (jieba-rs) accelerates segmentation; Python jieba stays the reference.

The site's words must not depend on which of the two cut them: the same
tokens, positions and offsets, and so the same index, on real text.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import union_text

from test_union_search_support import SEEDS

PROJECT = Path(__file__).resolve().parent.parent
CONTENT_FILES = sorted((PROJECT / "content").rglob("*.md"))


def _words(folded: str, reference: bool) -> list[tuple]:
    return [tuple(token) for token in union_text.segment(folded, reference=reference)]


def test_rjieba_is_installed_and_used():
    if os.environ.get("UNION_TEXT_SEGMENTER", "").lower() == "jieba":
        pytest.fail("UNION_TEXT_SEGMENTER=jieba is set: these tests compare rjieba with jieba")
    assert union_text.segmenter_name().startswith("rjieba-")


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: Path(p).name)
def test_identical_tokens_on_every_seed(path):
    folded = union_text.fold(Path(path).read_text(encoding="utf-8"))
    fast, reference = _words(folded, False), _words(folded, True)
    assert len(reference) > 1000
    assert fast == reference


def test_identical_tokens_on_published_content():
    assert len(CONTENT_FILES) >= 24
    for path in CONTENT_FILES:
        folded = union_text.fold(path.read_text(encoding="utf-8"))
        assert _words(folded, False) == _words(folded, True), path.name


@pytest.mark.parametrize("text", [
    "全长2.5km的道路，耗时50.0ms",  # jieba cuts 2.5|km, jieba-rs keeps 2.5km
    "😀职工之家🎉 𠀀𪚥𰻞 扩展字",  # ideographs outside jieba's block pattern
    "㐀㐁职工之家",  # CJK extension A
])
def test_text_where_rjieba_differs_is_cut_by_jieba(text):
    folded = union_text.fold(text)
    rust = importlib.import_module("union_text.segment")._rjieba()
    raw_fast = rust.tokenize(folded, "default", True)
    raw_reference = union_text.cut(folded, reference=True)
    fast_runs = [w for t in raw_fast for w, _ in union_text.word_runs(t[0])]
    reference_runs = [w for t in raw_reference for w, _ in union_text.word_runs(t[0])]
    assert fast_runs != reference_runs  # the guard is needed for this text …
    assert _words(folded, False) == _words(folded, True)  # … and makes the two agree


def test_word_counts_are_the_terms_of_segment():
    for path in SEEDS:
        folded = union_text.fold(Path(path).read_text(encoding="utf-8"))
        tokens = union_text.segment(folded)
        counts, positions = union_text.word_counts(folded)
        assert counts == Counter(token.text for token in tokens)
        assert positions == tokens[-1].pos + 1


def test_reference_can_be_forced_and_changes_the_fingerprint():
    script = "import union_text; print(union_text.segmenter_name(), union_text.analyzer_fingerprint())"
    env = dict(os.environ, PYTHONPATH=str(PROJECT / "plugins"), UNION_TEXT_SEGMENTER="jieba")
    forced = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, check=True).stdout.split()
    assert forced[0].startswith("jieba-")
    assert forced[1] != union_text.analyzer_fingerprint()
