"""Search semantics of issue 14, on small real-layout sites built with build_search (no browser).

- A query's results are the stories containing it (a run cut into several words is never
  matched apart: 火星 is not 火 … 星); when none does, the closest partial matches.
- A query naming a topic, region or column also finds the stories carrying it, after the
  literal matches, with reasons; filters take short names and region paths; sort by date.
Both sources the command line can read (Whoosh and the static export) answer alike.
"""

from __future__ import annotations

import random

import pytest

import union_text
from union_search import concepts
from union_search.build import build_search, export_path
from union_search.cli import run_query
from union_search.engine import DATE, _Cache, plan_run, respond, search, verification_stages
from union_search.export_reader import ExportSource
from union_search.facets import region_tree, select_values
from union_search.highlight import find_marks, make_part_snippet
from union_search.query import parse_query
from union_search.records import ArticleRecord
from union_search.whoosh_source import WhooshSource

from test_union_search_support import seed_paragraphs, SEEDS

WENLING = "浙江省›台州市›温岭市"
HUANGYAN = "浙江省›台州市›黄岩区"
WUYI = "浙江省›金华市›武义县"


def filler(n: int, seed: int) -> str:
    """Real bulletin paragraphs that hold none of the test words (火, 星, 比武, 疫情 …)."""
    rng = random.Random(seed)
    paragraphs = [p for path in SEEDS for p in seed_paragraphs(path)
                  if not any(w in union_text.fold(p) for w in ("火", "星", "比武", "疫情", "防控", "产改", "产业工人", "温岭",
                                                                "台州", "黄岩", "武义", "金华", "代购", "娘家人"))]
    return "\n".join(rng.sample(paragraphs, n))


def record(i, title, words, date, regions=(), topics=(), column="", aliases=()):
    return ArticleRecord(url=f"articles/t{i:02d}.html", title=title, body=words + "\n" + filler(3, i), date=date,
                         regions=tuple(regions), topics=tuple(topics), column=column, aliases=tuple(aliases))


ALIASES = [("region", "温岭市", "温岭"), ("region", "台州市", "台州"), ("region", "浙江省", "浙江"),
           ("topic", "产业工人队伍建设改革", "产改")]
RECORDS = [
    record(0, "温岭举办职工技能比武", "全市职工技能比武在温岭举行。", "2023-05-01", [WENLING], ["产业工人队伍建设改革"],
           aliases=ALIASES),
    record(1, "技能培训进企业", "职工技能提升明显。年底还将组织岗位比武。", "2023-04-01", [HUANGYAN]),
    record(2, "星级职工之家评选", "评出星级职工之家十家。火热的劳动竞赛同步开展。", "2023-03-01", [HUANGYAN]),
    record(3, "冬季消防演练", "消防队员演示灭火器使用。", "2022-12-01", [WUYI]),
    record(4, "社区药品代购", "工会志愿者为居民代购药品。", "2022-08-10", [WUYI], ["疫情防控"], column="“娘家人”助力疫情防控"),
    record(5, "武义工会助力疫情防控", "工会干部参与疫情防控工作。", "2022-08-09", [WUYI], ["疫情防控"]),
    record(6, "产改推进会召开", "推进产业工人队伍建设改革，产改工作再上台阶。", "2022-07-01", [WENLING],
           ["产业工人队伍建设改革"], aliases=ALIASES),
    record(7, "新春送温暖", "为困难职工送去慰问金。", "2022-01-05", [HUANGYAN], ["产业工人队伍建设改革"],
           aliases=ALIASES),
]


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    root = tmp_path_factory.mktemp("semantics")
    build_search(RECORDS, str(root / "index"), str(root / "cache"))
    whoosh = WhooshSource(str(root / "index"))
    export = ExportSource(export_path(str(root / "index")))
    yield {"whoosh": whoosh, "export": export, "index": str(root / "index")}
    whoosh.close()


def urls(source, hits):
    return [source.stored(h.doc)["url"] for h in hits]


def url(i):
    return f"articles/t{i:02d}.html"


@pytest.fixture(params=["whoosh", "export"])
def source(request, sources):
    return sources[request.param]


def test_a_run_of_several_words_is_never_matched_apart(source):
    """火星 (火 and 星 in story 2, apart), 技能比武 (技能 and 比武 apart in story 1)."""
    assert search(source, parse_query("火星")) == []
    assert urls(source, search(source, parse_query("技能比武"))) == [url(0)]
    hit = search(source, parse_query("技能比武"))[0]
    assert hit.highlight_terms == ["技能比武"], "its words alone would mark other places"
    # a single word still finds its synonyms and sub-words as before
    assert url(1) in urls(source, search(source, parse_query("技能")))


def test_no_story_containing_the_query_gives_partial_matches_and_latest(source):
    answer = respond(source, parse_query("火星"))
    assert answer.hits == [] and answer.related == []
    assert urls(source, answer.partial)[0] == url(2), "the story holding both pieces comes first"
    assert answer.partial[0].credited == 2 and [p[0] for p in answer.partial[0].pieces] == ["火", "星"]
    assert all(h.credited == 1 for h in answer.partial[1:])
    assert url(3) in urls(source, answer.partial)  # 灭火器: 火 alone
    assert urls(source, answer.latest) == [url(i) for i in range(5)]
    # every matched piece shows in the snippet, in a window of its own
    stored = source.stored(answer.partial[0].doc)
    snippet = make_part_snippet(stored["body"], answer.partial[0].pieces)
    assert [snippet.text[s:e] for s, e in snippet.marks] == ["星", "火"]
    # filters apply to the suggestions too
    filtered = respond(source, parse_query("火星 region:武义"))
    assert urls(source, filtered.partial) == [url(3)] and set(urls(source, filtered.latest)) == {url(3), url(4), url(5)}


def test_a_query_found_somewhere_suggests_nothing(source):
    answer = respond(source, parse_query("技能比武"))
    assert answer.partial == [] and answer.latest == []


def test_a_column_named_by_the_query_finds_its_story_after_the_literal_matches(source):
    answer = respond(source, parse_query("疫情防控"))
    assert urls(source, answer.hits) == [url(5)]
    assert urls(source, answer.related) == [url(4)]
    assert answer.related[0].reasons == ["专题：疫情防控", "栏目：“娘家人”助力疫情防控"]
    # a piece of the label names it too (Ctrl-F in the label), and a part matched literally
    # gives no reason: only the parts satisfied through a concept do
    assert urls(source, respond(source, parse_query("娘家人")).related) == [url(4)]
    mixed = respond(source, parse_query("代购 疫情防控"))
    assert urls(source, mixed.related) == [url(4)] and mixed.related[0].highlight_terms[0] == "代购"


def test_short_names_name_topics_and_regions(source):
    answer = respond(source, parse_query("产改"))
    assert urls(source, answer.hits) == [url(6)]
    assert urls(source, answer.related) == [url(0), url(7)]  # relevance: no literal part, newest first
    assert all(h.reasons == ["专题：产业工人队伍建设改革"] for h in answer.related)
    wenling = respond(source, parse_query("温岭"))
    assert urls(source, wenling.hits) == [url(0)] and urls(source, wenling.related) == [url(6)]
    assert wenling.related[0].reasons == ["地区：温岭市"]


@pytest.mark.parametrize("text, expected", [
    ("topic:产改", [0, 6, 7]),
    ("topic:产业工人队伍建设改革", [0, 6, 7]),
    ("region:温岭", [0, 6]),
    ("region:温岭市", [0, 6]),
    ('region:"浙江省›台州市"', [0, 1, 2, 6, 7]),
    ("region:台州", [0, 1, 2, 6, 7]),
    ("region:金华", [3, 4, 5]),  # no short name known: the values containing it
    ("代购 region:武义", [4]),
])
def test_filters_take_short_names_and_region_paths(source, text, expected):
    assert sorted(urls(source, search(source, parse_query(text)))) == [url(i) for i in expected]


def test_select_values_rules():
    values = ["浙江省", "台州市", "温岭市", "浙江省›台州市›温岭市", "浙江省›台州市›黄岩区", "浙江省›台州市"]
    assert select_values(values, "浙江省›台州市", lambda: 1 / 0) == [
        "浙江省›台州市›温岭市", "浙江省›台州市›黄岩区", "浙江省›台州市"]
    assert select_values(values, "温岭市", lambda: 1 / 0) == ["温岭市"]  # aliases not looked up
    assert select_values(values, "温岭", lambda: ["温岭市"]) == ["温岭市"]
    assert select_values(values, "岭", lambda: []) == ["温岭市", "浙江省›台州市›温岭市"]


def test_sort_by_date_is_newest_first(source, sources):
    query = parse_query("工会")
    by_relevance = urls(source, search(source, query))
    by_date = urls(source, search(source, query, DATE))
    assert sorted(by_date) == sorted(by_relevance) and by_date != by_relevance
    dates = {r.url: r.date for r in RECORDS}
    assert by_date == sorted(by_date, key=lambda u: dates[u], reverse=True)
    cli = run_query(sources["index"], "工会", limit=None, sort=DATE)
    assert [r["url"] for r in cli["results"]] == by_date


def test_region_tree_counts_stories_under_each_node(source):
    docs = range(source.doc_count)
    tree = [node.to_dict() for node in region_tree(source, docs)]
    expected = {}
    for doc in docs:
        stored = source.stored(doc)
        for path in stored["regions"]:
            levels = path.split("›")
            for depth in range(1, min(3, len(levels)) + 1):
                expected.setdefault("›".join(levels[:depth]), set()).add(doc)

    def walk(nodes):
        for node in nodes:
            yield node
            yield from walk(node["children"])

    shown = {node["path"]: node["count"] for node in walk(tree)}
    assert shown == {path: len(d) for path, d in expected.items()}
    assert [n["name"] for n in tree] == ["浙江省"]
    assert [(n["name"], n["count"]) for n in tree[0]["children"]] == [("台州市", 5), ("金华市", 3)], "most first"
    assert region_tree(source, []) == []


def test_the_command_line_prints_suggestions_and_reasons(sources, capsys):
    from union_search.cli import main

    assert main(["--index", sources["index"], "火星"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("0 results: no story contains 火星") and "部分匹配" in out and "最新文章" in out
    assert main(["--index", sources["index"], "--json", "疫情防控"]) == 0
    import json

    printed = json.loads(capsys.readouterr().out)
    assert printed["total"] == 1 and printed["related_total"] == 1
    assert printed["related"][0]["reasons"] == ["专题：疫情防控", "栏目：“娘家人”助力疫情防控"]
    assert printed["suggestions"] is None
    assert main(["--index", sources["index"], "--sort", "date", "--json", "火星"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["sort"] == "date" and printed["total"] == 0
    assert printed["suggestions"]["partial"][0]["pieces"] == ["火", "星"]
    assert "<mark>火</mark>" in printed["suggestions"]["partial"][0]["snippet"]


# ---------------------------------------------------------------- export pieces


def test_a_partial_match_snippet_shows_a_window_around_each_piece():
    body = "前文" * 40 + "星级评定" + "中间" * 60 + "火车头作用" + "后文" * 40
    snippet = make_part_snippet(body, [["火"], ["星"]])
    assert [snippet.text[s:e] for s, e in snippet.marks] == ["星", "火"]
    assert snippet.text.count("…") == 1 and snippet.starts_inside and snippet.ends_inside
    assert len(snippet.text) <= 2 * 40 + 1
    # pieces close together share one window; a piece only in the title: the usual snippet
    near = make_part_snippet("星火燎原" + "后文" * 80, [["火"], ["星"]])
    assert "…" not in near.text and not near.starts_inside
    assert make_part_snippet("正文" * 10, [["火"]]).text == "正文" * 10


def test_concept_names_and_shards():
    assert concepts.concept_names("topic", "产业工人队伍建设改革", ["产改"]) == {"产业工人队伍建设改革", "产改"}
    assert "疫情防控" in concepts.concept_names("column", "“娘家人”助力疫情防控")
    assert "娘家人助力" not in concepts.concept_names("column", "“娘家人”助力疫情防控"), "pieces stay inside a run"
    assert concepts.concept_names("region", "温岭市", ["温"]) == {"温岭市"}, "one character names nothing"
    # FNV-1a 32 of the UTF-8 bytes (the browser computes the same: search-engine.js shardOf)
    assert concepts.shard_of("a", 1 << 32) == 0xE40C292C
    assert 0 <= concepts.shard_of("产改", 7) < 7


def test_tag_aliases_from_the_tagging_plugins_dicts():
    regions = [{"name": "泽国镇", "path": ["浙江省", "台州市", "温岭市", "泽国镇"],
                "path_codes": ["33", "3310", "331081", "331081100"]},
               {"name": "木垒哈萨克自治县", "path": ["新疆维吾尔自治区", "昌吉回族自治州", "木垒哈萨克自治县"],
                "path_codes": ["65", "6523", "652328"]}]
    topics = [{"name": "产业工人队伍建设改革", "short": "产改"}, {"name": "疫情防控", "short": "疫情防控"}]
    aliases = concepts.tag_aliases(regions, topics)
    assert ("topic", "产业工人队伍建设改革", "产改") in aliases
    assert not any(value == "疫情防控" for _, value, _ in aliases), "a short name equal to the name is no alias"
    for value, alias in [("浙江省", "浙江"), ("台州市", "台州"), ("温岭市", "温岭"), ("泽国镇", "泽国"),
                         ("木垒哈萨克自治县", "木垒"), ("木垒哈萨克自治县", "木垒县"), ("昌吉回族自治州", "昌吉州")]:
        assert ("region", value, alias) in aliases, (value, alias)
    assert concepts.tag_aliases(["浙江省›台州市"], ["帮扶"]) == ()


def test_a_story_named_by_many_concepts_lists_each_reason_once(source):
    answer = respond(source, parse_query("疫情防控"))
    assert len(answer.related[0].reasons) == len(set(answer.related[0].reasons))
    title = source.stored(answer.hits[0].doc)["title"]
    assert [title[s:e] for s, e in find_marks(title, answer.hits[0].highlight_terms)] == ["疫情防控"]


def test_verification_stages_check_rare_bigrams_first_and_pin_every_character():
    df = {"职工": 9995, "工技": 3056, "技能": 9646, "能比": 1304, "比武": 4135}.get
    assert verification_stages("职工技能比武", df) == [[3, 1], [4], [2], [0]]
    assert verification_stages("能比武", lambda g: 1) == [[1, 0]]  # ties in code point order: 比 < 能
    assert verification_stages("驿站驿站", lambda g: 1) == [[1, 0, 2]]  # 站驿, then 驿站 at both offsets


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory):
    from test_union_search_support import seed_records

    root = tmp_path_factory.mktemp("seed-semantics")
    records = seed_records()
    build_search(records, str(root / "index"), str(root / "cache"))
    return records, ExportSource(export_path(str(root / "index")))


def test_runs_find_exactly_the_stories_containing_them(seed_site):
    """Random pieces of the seed stories, and pieces glued from two stories: a run of several
    words finds exactly the stories containing it (a one-word run may add synonyms)."""
    records, export = seed_site
    rng = random.Random(14)
    texts = [union_text.fold(r.title + "\n" + r.body) for r in records]
    runs = [run for text in texts for run, _ in union_text.word_runs(text) if len(run) >= 6]
    queries = set()
    while len(queries) < 120:
        run = rng.choice(runs)
        start = rng.randrange(len(run) - 3)
        piece = run[start:start + rng.randint(3, 8)]
        if rng.random() < 0.3:
            piece = piece[:2] + rng.choice(runs)[:2]
        queries.add(piece)
    several = 0
    for text in sorted(queries):
        query = parse_query(text)
        found = {export.stored(h.doc)["url"] for h in search(export, query)}
        truth = {r.url for r, t in zip(records, texts) if all(run in t for part in query.parts for run in part.runs)}
        if all(len(plan_run(run, _Cache(export)).pieces) > 1 for part in query.parts for run in part.runs):
            several += 1
            assert found == truth, text
        else:
            assert truth <= found, text
    assert several >= 40
