"""Search over the real seed articles: recall (Ctrl-F truth), ranking, phrases, filters,
highlighting, and agreement between the Whoosh index (CLI) and the static export (browser)."""

from __future__ import annotations

import json
import random

import pytest

import union_text
from union_search.build import build_search, export_path
from union_search.engine import search, segment_query
from union_search.export_reader import ExportSource
from union_search.highlight import find_marks, make_snippet
from union_search.query import parse_query
from union_search.whoosh_source import WhooshSource

from test_union_search_support import seed_records

DONE_QUERIES = ["爱心驿站", "快递小哥", "集体协商", "帮扶", "驿站", "愛心驛站", '"白纸黑字"', "驿", "工资 region:黄岩区"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("search")
    records = seed_records()
    build_search(records, str(root / "index"), str(root / "cache"))
    whoosh = WhooshSource(str(root / "index"))
    export = ExportSource(export_path(str(root / "index")))
    yield records, whoosh, export
    whoosh.close()


def ctrl_f_truth(records, text: str) -> set[str]:
    """URLs whose folded title/body contains every run of the query (and passes its filters)."""
    query = parse_query(text)
    runs = [run for part in query.parts for run in part.runs]
    found = set()
    for record in records:
        haystack = union_text.fold(record.title + "\n" + record.body)
        if not all(run in haystack for run in runs):
            continue
        regions = {union_text.fold(v) for r in record.regions for v in [r] + r.split("›")}
        if "region" in query.filters and not regions & set(query.filters["region"]):
            continue
        if "year" in query.filters and record.year not in query.filters["year"]:
            continue
        found.add(record.url)
    return found


def whoosh_urls(whoosh, text):
    return [whoosh.urls[h.doc] for h in search(whoosh, parse_query(text))]


@pytest.mark.parametrize("text", DONE_QUERIES)
def test_every_article_containing_the_query_is_found(built, text):
    records, whoosh, _ = built
    truth = ctrl_f_truth(records, text)
    assert truth, f"test data has no article containing {text}"
    found = whoosh_urls(whoosh, text)
    assert truth <= set(found), f"{text}: missing {sorted(truth - set(found))}"


def test_recall_on_random_substrings_of_the_seeds(built):
    records, whoosh, _ = built
    rng = random.Random(20261121)
    checked = 0
    while checked < 150:
        record = rng.choice(records)
        start = rng.randrange(max(1, len(record.body) - 8))
        piece = record.body[start : start + rng.randint(1, 7)]
        if not piece or not all(union_text.is_word_char(c) for c in piece):
            continue
        truth = ctrl_f_truth(records, piece)
        assert truth <= set(whoosh_urls(whoosh, piece)), piece
        checked += 1


def test_phrase_results_all_contain_the_phrase(built):
    records, whoosh, _ = built
    for phrase in ("白纸黑字", "工资集体协商", "职工"):
        found = set(whoosh_urls(whoosh, f'"{phrase}"'))
        assert found == ctrl_f_truth(records, phrase), phrase


def test_whole_word_hits_rank_above_net_hits(built):
    _, whoosh, _ = built
    for text in ("驿站", "心驿", "产改", "协商", "工会帮扶"):
        hits = search(whoosh, parse_query(text))
        credits = [h.credited for h in hits]
        assert credits == sorted(credits, reverse=True), text
    # 心驿 is not a word: every hit comes from the substring net
    assert {h.credited for h in search(whoosh, parse_query("心驿"))} == {0}


def test_traditional_query_finds_the_same_as_simplified(built):
    _, whoosh, _ = built
    assert whoosh_urls(whoosh, "愛心驛站") == whoosh_urls(whoosh, "爱心驿站")
    assert whoosh_urls(whoosh, "產改") == whoosh_urls(whoosh, "产改")


def test_synonyms_expand_queries(built):
    records, whoosh, _ = built
    by_synonym = set(whoosh_urls(whoosh, "快递员"))
    assert ctrl_f_truth(records, "快递小哥") <= by_synonym
    assert ctrl_f_truth(records, "产业工人队伍建设改革") <= set(whoosh_urls(whoosh, "产改"))


def test_filters_restrict_results(built):
    records, whoosh, _ = built
    by_url = {r.url: r for r in records}
    regional = whoosh_urls(whoosh, "工会 region:黄岩区")
    assert regional and all("黄岩区" in by_url[u].regions[0] for u in regional)
    yearly = whoosh_urls(whoosh, "工会 year:2022")
    assert yearly and all(by_url[u].year == "2022" for u in yearly)
    both = set(whoosh_urls(whoosh, "工会 year:2022 region:黄岩区"))
    assert both == set(regional) & set(yearly)
    only_filter = whoosh_urls(whoosh, "topic:帮扶")
    assert set(only_filter) == {r.url for r in records if "帮扶" in r.topics}


def test_results_do_not_depend_on_earlier_queries(built):
    _, whoosh, export = built
    first = whoosh_urls(whoosh, "集体协商")
    for text in DONE_QUERIES:
        search(whoosh, parse_query(text))
        search(export, parse_query(text))
    assert whoosh_urls(whoosh, "集体协商") == first


QUERIES_FOR_AGREEMENT = DONE_QUERIES + [
    "工会", "产改", "工 会", "劳模工匠创新工作室", "能级工资", "快递员", "工会帮扶", "心驿",
    "topic:集体协商", "year:2023", "職工之家", '"新就业形态" 工会', "2023", "协商 topic:帮扶",
]


@pytest.mark.parametrize("text", QUERIES_FOR_AGREEMENT)
def test_export_ranks_exactly_like_the_command_line(built, text):
    _, whoosh, export = built
    query = parse_query(text)
    cli = [(whoosh.urls[h.doc], h.credited, round(h.score, 6)) for h in search(whoosh, query)]
    browser = [(export.fragment(h.doc)["url"], h.credited, round(h.score, 6)) for h in search(export, query)]
    assert cli == browser


def test_query_segmentation_uses_the_index_vocabulary(built):
    _, whoosh, export = built
    for source in (whoosh, export):
        is_word = lambda term, source=source: bool(source.word_postings(term))  # noqa: E731
        assert segment_query("能级工资集体协商", is_word) == ["能级工资集体协商"]
        assert segment_query("爱心驿站", is_word) == ["爱心驿站"]
        assert segment_query("工会帮扶", is_word) == ["工会", "帮扶"]


def test_highlight_marks_exactly_the_query_text_in_the_original(built):
    _, whoosh, _ = built
    hits = search(whoosh, parse_query("愛心驛站"))
    assert hits
    for hit in hits:
        body = whoosh.stored(hit.doc)["body"]
        snippet = make_snippet(body, hit.highlight_terms)
        marked = [snippet.text[s:e] for s, e in snippet.marks]
        assert marked, "a matching article shows a highlighted snippet"
        assert all(union_text.fold(m) in hit.highlight_terms for m in marked)
    # traditional text in the article is marked on its own characters
    assert find_marks("我們的愛心驛站", ["爱心驿站"]) == [(3, 7)]
    assert "<mark>爱心驿站</mark>" in make_snippet("设立爱心驿站。", ["爱心驿站"]).html()


def test_snippet_escapes_html():
    snippet = make_snippet("<b>工会</b>&", ["工会"])
    assert snippet.html() == "&lt;b&gt;<mark>工会</mark>&lt;/b&gt;&amp;"


@pytest.mark.parametrize(
    "text, parts, filters",
    [
        ('"白纸黑字" region:黄岩区 year:2023', [(["白纸黑字"], True)], {"region": ["黄岩区"], "year": ["2023"]}),
        ("地区：台州市 快递小哥,外卖", [(["快递小哥"], False), (["外卖"], False)], {"region": ["台州市"]}),
        ("“白纸 黑字”", [(["白纸", "黑字"], True)], {}),
        ('topic:"职工 服务"', [], {"topic": ["职工 服务"]}),
        ("foo:bar", [(["foo"], False), (["bar"], False)], {}),
        ('"未闭合', [(["未闭合"], True)], {}),
        ("，。！", [], {}),
    ],
)
def test_query_parser(text, parts, filters):
    query = parse_query(text)
    assert [(p.runs, p.phrase) for p in query.parts] == parts
    assert query.filters == filters


@pytest.mark.parametrize("letters, word", [("gzjtxs", "工资集体协商"), ("aixinyizhan", "爱心驿站"),
                                           ("kuaidixiaoge", "快递小哥"), ("bangfu", "帮扶")])
def test_pinyin_and_initials_find_the_word(built, letters, word):
    records, whoosh, export = built
    assert ctrl_f_truth(records, word) <= set(whoosh_urls(whoosh, letters))
    query = parse_query(letters)
    assert [h.doc for h in search(whoosh, query)] == [h.doc for h in search(export, query)]


def test_pinyin_keys_rules():
    from union_search.pinyin import pinyin_keys

    assert pinyin_keys("工资集体协商") == ["gongzijitixieshang", "gzjtxs"]
    assert pinyin_keys("帮扶") == ["bangfu"]  # no initials for two-character words (too ambiguous)
    assert pinyin_keys("5g") == [] and pinyin_keys("工") == []


def test_a_query_fetches_only_a_few_small_pieces(built):
    _, _, export = built
    manifest_bytes = len(json.dumps(export.manifest, ensure_ascii=False).encode())
    assert manifest_bytes < 2048
    for text in DONE_QUERIES:
        export.reset_counter()
        search(export, parse_query(text))
        assert export.bytes_fetched < 100_000, (text, export.fetched)
        assert all(name.split("/")[0] in "itpf" for name in export.fetched), export.fetched


def test_snippets_cut_from_a_fragment_head_are_those_of_the_whole_body(built):
    """A result's body rest is fetched only when its head cannot decide the snippet; when it can,
    the snippet (marks, cut, ellipses) is exactly the one the whole body gives."""
    records, _, export = built
    rests_needed = decided = 0
    for text in DONE_QUERIES + ["工会", "职工", '"岗位练兵"', "region:黄岩区", "协商 帮扶"]:
        query = parse_query(text)
        for hit in search(export, query)[:20]:
            export.reset_counter()
            shown = export.stored(hit.doc, hit.highlight_terms)
            fetched_rest = any(name.startswith("r/") for name in export.fetched)
            whole = export.fragment(hit.doc)["body"]
            rests_needed += fetched_rest
            decided += not fetched_rest and len(whole) > len(shown["body"])
            assert make_snippet(shown["body"], hit.highlight_terms) == make_snippet(whole, hit.highlight_terms)
    assert decided > rests_needed > 0  # most snippets come from the head alone; some need the rest
