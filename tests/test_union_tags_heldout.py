"""The tagger on the held-out stories of issue 13, against the goals of the issue.

tests/fixtures/tags/heldout.yaml: 75 short news stories from all 31 provinces,
Hong Kong, Macau and Taiwan, written and labelled before the rules they test,
then frozen (see tests/fixtures/tags/README.md).  The same figures, story by
story:

    PYTHONPATH=plugins .venv/bin/python -m union_tags.evaluate tests/fixtures/tags/heldout.yaml -v
"""

import hashlib
from pathlib import Path

import pytest

from union_tags.evaluate import evaluate, load_stories
from union_tags.gazetteer import load_gazetteer
from union_tags.topics import default_taxonomy

HELDOUT = Path(__file__).resolve().parent / "fixtures" / "tags" / "heldout.yaml"
# The set is frozen: measuring it is honest only while nobody edits it to fit the rules.
HELDOUT_SHA256 = "17823e1f92c75f40a092fa8347f8fc03cf3cda8338cded5bf6f2098086a342d3"
STORIES = load_stories(HELDOUT)


@pytest.fixture(scope="module")
def scores():
    return evaluate(STORIES)


def test_the_set_is_frozen():
    assert hashlib.sha256(HELDOUT.read_bytes()).hexdigest() == HELDOUT_SHA256, (
        "heldout.yaml changed: it is frozen; put new stories in tuning.yaml")


def test_the_set_covers_china_and_its_labels_are_valid():
    gaz, taxonomy = load_gazetteer(), default_taxonomy()
    assert len(STORIES) >= 60
    provinces = {s.primary[:2] for s in STORIES}
    assert provinces == {c for c in gaz.codes if len(c) == 2}      # 31 provinces, 81, 82, 71
    assert sum(s.script == "traditional" for s in STORIES) >= 10
    for story in STORIES:
        assert all(c in gaz for c in [story.primary, *story.others, *story.never]), story.seed
        assert all(slug in taxonomy.by_slug for slug in story.topics), story.seed


def test_primary_region_goals(scores):
    assert scores.primary_exact_rate >= 0.90
    assert scores.primary_county_rate >= 0.97


def test_no_false_places(scores):
    assert scores.never_hits == []


def test_topic_precision_goal(scores):
    assert scores.topic_precision >= 0.90


def test_topic_recall_does_not_fall(scores):
    """Measured 78% (78/100) after issue 13 and again after topics2: below the goal of the
    issue (next test), kept from falling."""
    assert scores.topic_recall >= 0.78


@pytest.mark.xfail(strict=True, reason="issue 13 goal not met: topic recall 78% on the held-out set "
                                       "(unchanged by topics2, which raised dev2 recall 78% -> 88%); "
                                       "see plugins/union_tags/README.md")
def test_topic_recall_goal(scores):
    assert scores.topic_recall >= 0.90
