"""The tagger on every story of the seed pages, against hand labels.

Labels: tests/fixtures/tags/labels.yaml (primary region, topics, forbidden
regions per story).  Stories are cut from /work/shared/seeds by line range,
so these tests do not depend on the content/ folder.
"""

from pathlib import Path

import pytest

from union_tags.evaluate import county_key, evaluate, load_labels
from union_tags.tagger import tag_story

from seeds import SEEDS_DIR

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "fixtures" / "tags" / "labels.yaml"
SEEDS = SEEDS_DIR
STORIES = load_labels(LABELS, SEEDS)


def test_every_seed_page_is_labelled():
    from union_tags.gazetteer import load_gazetteer
    gaz = load_gazetteer()
    assert all(s.primary in gaz and all(c in gaz for c in s.never) for s in STORIES)
    assert {s.seed for s in STORIES} == {p.name for p in SEEDS.glob("*.txt")}
    assert len(STORIES) >= 20


@pytest.mark.parametrize("story", STORIES, ids=[s.title[:24] for s in STORIES])
def test_primary_region(story):
    tags = tag_story(story.title, story.body)
    got = tags.primary_region
    assert got is not None, f"no region for {story.title}"
    assert got.code == story.primary, got.reason


@pytest.mark.parametrize("story", STORIES, ids=[s.title[:24] for s in STORIES])
def test_no_forbidden_region(story):
    codes = {c for r in tag_story(story.title, story.body).regions for c in r.path_codes}
    assert not codes & set(story.never)


@pytest.mark.parametrize("story", STORIES, ids=[s.title[:24] for s in STORIES])
def test_topics_overlap_labels(story):
    """Every story gets one to four topics, and its top topic is one of the labelled ones."""
    topics = [t.slug for t in tag_story(story.title, story.body).topics]
    assert 1 <= len(topics) <= 4
    assert set(topics) & set(story.topics), f"{topics} vs labels {story.topics}"


def test_traditional_seed_stories_tag_the_same():
    """Whole stories converted to traditional characters (OpenCC s2t) get the same tags."""
    opencc = pytest.importorskip("opencc")
    s2t = opencc.OpenCC("s2t")
    for story in STORIES:
        simp = tag_story(story.title, story.body)
        trad = tag_story(s2t.convert(story.title), s2t.convert(story.body))
        assert [r.code for r in trad.regions] == [r.code for r in simp.regions], story.title
        assert [t.slug for t in trad.topics] == [t.slug for t in simp.topics], story.title


def test_precision_and_recall_floor():
    """The figures reported in the closing note; a drop below these is a regression."""
    scores = evaluate(STORIES)
    assert scores.primary_exact / scores.stories >= 0.9
    assert all(county_key(s.primary) for s in STORIES)
    assert scores.topic_precision >= 0.8 and scores.topic_recall >= 0.8
    assert scores.never_hits == []
