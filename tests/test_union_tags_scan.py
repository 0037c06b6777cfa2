"""The region scan's fast paths give what the plain loops they replace give.

The fast paths (union_tags/scan.py, the memos and the province filter of
RegionMatcher) must not change a single tag: each is checked here against a
straightforward reference on the texts of every labelled fixture story, the
seed pages and hostile input.
"""

from pathlib import Path

import pytest

from union_tags.evaluate import load_stories
from union_tags.regions import RegionMatcher, default_matcher, find_regions, load_rules
from union_tags.scan import PhraseFinder
from union_tags.tagger import split_sections, tag_story
from union_tags.textfold import fold

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tags"
SEEDS = Path("/work/shared/seeds")
HOSTILE = ["", "北", "北京", "\ud800北京\udfff市", "🐼黄岩区🐼", "\x00台州\n\n黄岩", "a" * 50 + "温岭",
           "合作市场合作富裕县共同富裕", "江山" * 200]


def fixture_texts() -> list:
    texts = []
    for path in sorted(FIXTURES.glob("*.yaml")):
        if path.name != "labels.yaml":
            texts += [s.title + "\n" + s.body for s in load_stories(path)]
    if SEEDS.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    return [fold(t) for t in texts] + [fold(t) for t in HOSTILE]


TEXTS = fixture_texts()


@pytest.fixture(scope="module")
def matcher():
    return default_matcher()


def test_fixture_texts_are_read():
    assert len(TEXTS) > 150 and sum(map(len, TEXTS)) > 20_000


def test_form_starts_are_the_positions_whose_two_characters_start_a_form(matcher):
    masks = matcher.forms.masks
    for text in TEXTS:
        expected = [i for i in range(len(text) - 1) if text[i:i + 2] in masks]
        assert matcher.prefixes.starts(text) == expected, text[:40]


def test_longest_form_at_every_position_is_the_form_tables(matcher):
    for text in TEXTS:
        for i in range(len(text)):
            assert matcher._longest_at(text, i) == matcher.forms.longest_at(text, i), (text[:40], i)


def reference_spans(phrases, text) -> list:
    """Every occurrence of every phrase, keeping the longest at each start."""
    longest = {}
    for phrase in phrases:
        start = text.find(phrase)
        while start >= 0:
            longest[start] = max(longest.get(start, 0), len(phrase))
            start = text.find(phrase, start + 1)
    return [(s, s + n) for s, n in sorted(longest.items())]


def test_blocked_phrases_overlapping_and_nested_are_all_found(matcher):
    finder = PhraseFinder(["合作", "合作市场", "作市", "富裕", "共同富裕"])
    assert finder.spans("合作市场共同富裕") == [(0, 4), (1, 3), (4, 8), (6, 8)]
    assert PhraseFinder([]).spans("合作") == []
    for text in TEXTS + ["合作市场合作市场" * 3]:
        assert matcher.blocked_phrases.spans(text) == reference_spans(matcher.blocked, text)


def test_every_place_path_starts_at_the_province_its_code_names(matcher):
    """resolve() drops a candidate whose province is not in the story before the full
    check; that is exact only because a place's ancestors all share its code prefix."""
    gaz = matcher.gaz
    for code in gaz.codes:
        path = gaz.path_codes(code)
        assert path[0] == code[:2] and all(code.startswith(p) for p in path), code


def snapshot(tags) -> dict:
    return {**tags.to_dict(), "rejected": [(r.original, r.section, r.why, r.routine)
                                           for r in tags.region_result.rejected]}


def test_memos_carry_nothing_from_one_story_to_the_next(matcher):
    """Tagging the fixture stories in opposite orders, each with matchers whose memos
    start empty, gives the same tags for every story."""
    stories = [s for path in sorted(FIXTURES.glob("*.yaml")) if path.name != "labels.yaml"
               for s in load_stories(path)]
    rules = load_rules()

    def tag_all(order):
        fresh = RegionMatcher(matcher.gaz, matcher.forms, rules)
        return {s.seed: snapshot(tag_story(s.title, s.body, matcher=fresh,
                                           credits=list(s.meta.values()))) for s in order}

    forward, backward = tag_all(stories), tag_all(stories[::-1])
    assert len(forward) == len(stories) > 150
    assert forward == backward


def test_hostile_text_is_scanned_without_error(matcher):
    for text in HOSTILE:
        result = find_regions(split_sections(text, text), matcher)
        assert isinstance(result.tags, list)
