"""What the search page promises a reader (issue 14), in Chromium on the seed site.

- Results are the stories containing the query: 火星 (in no story) gives 0 results, then
  partial matches labelled 部分匹配 with every matched piece highlighted, related topics and
  the latest stories; a query cut into several words never matches them apart.
- A query naming a topic, region or column also finds the stories carrying it, after the
  literal matches and labelled with why (疫情防控 → 栏目：“娘家人”助力疫情防控).
- Filters take short names (topic=产改, region=温岭); the region filter is a 省 › 市 › 县 tree
  with counts; the panel is open on desktop widths; results sort by date (sort=date).

Truth comes from the built articles (catalog.json and the pages' visible text), never from the
search code; the command line is run on the same index to check it says the same.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

import union_text
from test_search_browser import RESULTS, all_pages, ctrl_f, mark_stale, open_search, site_path, wait_done

PAGE = """() => {
  const items = (selector) => [...document.querySelectorAll(selector)].map((li) => ({
    url: li.querySelector('.search-result__title a').getAttribute('href'),
    title: li.querySelector('.search-result__title').textContent,
    why: li.querySelector('.search-result__why')?.textContent || '',
    pieces: [...li.querySelectorAll('.search-result__why mark')].map((m) => m.textContent),
    reasons: [...li.querySelectorAll('.search-result__reason')].map((r) => r.textContent),
    marks: [...li.querySelectorAll('.search-result__title mark, .search-result__snippet mark')].map((m) => m.textContent),
  }));
  const box = document.querySelector('[data-search-results]');
  const partial = document.querySelector('[data-search-partial]');
  return {
    total: Number(box.dataset.searchTotal), related: Number(box.dataset.searchRelatedTotal),
    status: document.querySelector('[data-search-status]').textContent,
    hits: items('[data-search-list] .search-result'),
    relatedHits: items('[data-search-related-list] .search-result'),
    partialTitle: partial ? partial.querySelector('h2').textContent : null,
    partial: items('[data-search-partial] .search-result'),
    topics: [...document.querySelectorAll('[data-search-topics] a')].map((a) => [a.textContent, a.getAttribute('href')]),
    latest: [...document.querySelectorAll('[data-search-latest] a')].map((a) => a.getAttribute('href')),
  };
}"""


def read(page):
    return page.evaluate(PAGE)


def url_of(article) -> str:
    return article["url"].lstrip("/")


def region_paths(article) -> list[str]:
    return ["›".join(region["path"]) for region in article.get("regions", [])]


def newest(catalog, count):
    """The `count` newest articles: date descending, then URL (the index's own order)."""
    return [url_of(a) for a in sorted(sorted(catalog, key=url_of), key=lambda a: a["date"][:10], reverse=True)][:count]


# ---------------------------------------------------------------- exact results, 部分匹配


def test_a_query_in_no_story_has_no_result_and_suggests_partial_matches(page, search_site, article_texts):
    """火星: 0 results said plainly; then 部分匹配 (火 and 星 apart, each highlighted), topics, latest."""
    assert not ctrl_f(article_texts, "火星"), "a seed story now contains 火星: pick another query"
    open_search(page, search_site, q="火星")
    shown = read(page)
    assert shown["total"] == 0 and shown["hits"] == []
    assert page.get_attribute(RESULTS, "data-search-total") == "0"
    assert "没有找到" in shown["status"] and "火星" in shown["status"]

    assert shown["partialTitle"] == "部分匹配"
    assert shown["partial"], "no partial match suggested"
    coverage = []
    for item in shown["partial"]:
        url = site_path(search_site, item["url"])
        text = article_texts[url]
        assert "部分匹配" in item["why"]
        assert item["pieces"] and set(item["pieces"]) <= {"火", "星"}
        for piece in item["pieces"]:
            assert piece in text, f"{url} is said to contain {piece}"
            assert piece in item["marks"], f"{url}: {piece} is not highlighted ({item['marks']})"
        assert set(item["marks"]) <= {"火", "星"}, item["marks"]
        coverage.append(len(item["pieces"]))
    assert coverage == sorted(coverage, reverse=True), "stories holding more of the query come first"
    both = [url for url, text in article_texts.items() if "火" in text and "星" in text]
    assert (coverage[0] == 2) == bool(both)

    assert shown["latest"] and [site_path(search_site, u) for u in shown["latest"]] == newest(search_site.catalog, 5)
    assert shown["topics"], "no related topic suggested"
    for name, href in shown["topics"]:
        assert parse_qs(urlparse(href).query) == {"topic": [name], "sort": ["date"]}
    assert page.console_errors == []

    from union_search.cli import run_query

    cli = run_query(str(search_site.index), "火星")
    assert cli["total"] == 0
    assert [r["url"] for r in cli["suggestions"]["partial"]] == [site_path(search_site, i["url"]) for i in shown["partial"]]
    assert cli["suggestions"]["topics"] == [name for name, _ in shown["topics"]]


@pytest.mark.parametrize("query", ["技能比武", "火星", "工会火星", "疫情管控"])
def test_a_query_cut_into_several_words_finds_only_where_it_is_written(page, search_site, article_texts, query):
    """Every result contains the query as written (Ctrl-F), its text marked whole: no flood of
    stories holding its words apart."""
    found = all_pages(page, search_site, open_search(page, search_site, q=query))
    truth = ctrl_f(article_texts, query)
    assert {r["url"] for r in found} == truth
    for result in found:
        assert union_text.fold(query) in [union_text.fold(m) for m in result["marks"]], result


def test_a_story_holding_the_query_and_its_words_apart_is_marked_where_it_is_whole(page, search_site, article_texts):
    """岗位练兵 is written whole in a few stories and only apart (岗位 … 练兵) in others: the search
    finds exactly the first, marked whole; 岗位 and 练兵 alone are not marked."""
    truth = ctrl_f(article_texts, "岗位练兵")
    apart = ctrl_f(article_texts, "岗位 练兵") - truth
    assert truth and apart, "the seed site should hold 岗位练兵 whole in some stories and apart in others"
    found = all_pages(page, search_site, open_search(page, search_site, q="岗位练兵"))
    assert {r["url"] for r in found} == truth
    for result in found:
        assert set(result["marks"]) <= {"岗位练兵"} and "岗位练兵" in result["marks"], result


# ---------------------------------------------------------------- concept matches


def test_a_query_naming_a_column_finds_its_story_after_the_literal_matches(page, search_site, article_texts):
    """疫情防控: the stories containing it, then “娘家人”成了药品“代购” (column “娘家人”助力疫情防控)."""
    column_story = next(a for a in search_site.catalog if "疫情防控" in a["column"])
    assert url_of(column_story) not in ctrl_f(article_texts, "疫情防控"), "the column story now contains the query"
    open_search(page, search_site, q="疫情防控")
    shown = read(page)
    assert {site_path(search_site, h["url"]) for h in shown["hits"]} == ctrl_f(article_texts, "疫情防控")
    assert shown["total"] == len(shown["hits"]) >= 1
    related = {site_path(search_site, h["url"]): h for h in shown["relatedHits"]}
    assert url_of(column_story) in related and shown["related"] == len(related)
    assert f"栏目：{column_story['column']}" in related[url_of(column_story)]["reasons"]
    # after the literal matches, in a section of its own that says why
    order = page.evaluate("""() => {
        const list = document.querySelector('[data-search-list]');
        const related = document.querySelector('[data-search-related]');
        return list.compareDocumentPosition(related) & Node.DOCUMENT_POSITION_FOLLOWING;
    }""")
    assert order and page.locator("[data-search-related] h2").text_content() == "相关文章"
    assert "另有" in shown["status"]

    from union_search.cli import run_query

    cli = run_query(str(search_site.index), "疫情防控")
    assert [(r["url"], r["reasons"]) for r in cli["related"]] == [
        (site_path(search_site, h["url"]), h["reasons"]) for h in shown["relatedHits"]]


def carries(article, kind, name) -> bool:
    if kind == "topic":
        return any(name in (t["name"], t["short"]) for t in article.get("topics", []))
    return any(name in path.split("›") for path in region_paths(article))


@pytest.mark.parametrize("query, kind, value", [("建会入会", "topic", "建会入会与组织建设"), ("金华", "region", "金华市")])
def test_a_query_naming_a_topic_or_region_by_its_short_name_finds_its_stories_labelled(
        page, search_site, article_texts, query, kind, value):
    """建会入会 (short for the topic 建会入会与组织建设), 金华 (金华市): the tagged stories that do not
    contain the query come after the ones that do, labelled 专题：… or 地区：…."""
    from union_search.cli import run_query

    tagged = {url_of(a) for a in search_site.catalog if carries(a, kind, value)}
    literal = ctrl_f(article_texts, query)
    assert tagged - literal, f"every story tagged {value} contains {query}: the test would prove nothing"
    open_search(page, search_site, q=query)
    shown = read(page)
    cli = run_query(str(search_site.index), query, limit=None)
    hits = [site_path(search_site, h["url"]) for h in shown["hits"]]
    related = [(site_path(search_site, h["url"]), h["reasons"]) for h in shown["relatedHits"]]
    assert shown["total"] == cli["total"] == len(hits) and len(hits) + len(related) <= 10, "one page only"
    assert set(hits) == literal
    assert related == [(r["url"], r["reasons"]) for r in cli["related"]]
    label = {"topic": "专题", "region": "地区"}[kind] + "：" + value
    assert {url for url, _ in related} == tagged - literal
    assert all(label in reasons for _, reasons in related)
    assert page.console_errors == []


# ---------------------------------------------------------------- filters: short names, tree, panel


@pytest.mark.parametrize("how", ["url", "typed"])
def test_topic_filter_by_short_name(page, search_site, how):
    tagged = {url_of(a) for a in search_site.catalog if any(t["short"] == "产改" for t in a.get("topics", []))}
    assert len(tagged) >= 2
    first = open_search(page, search_site, **({"topic": "产改"} if how == "url" else {"q": "topic:产改"}))
    found = {r["url"] for r in all_pages(page, search_site, first)}
    assert found == tagged
    if how == "url":
        assert page.locator(".search-active__chip").text_content().startswith("专题：产改")
    assert page.console_errors == []


@pytest.mark.parametrize("params", [{"region": "温岭"}, {"q": "region:温岭"}, {"q": "工会", "region": "温岭"}])
def test_region_filter_by_short_name(page, search_site, article_texts, params):
    inside = {url_of(a) for a in search_site.catalog if any("温岭市" in p.split("›") for p in region_paths(a))}
    assert len(inside) >= 2
    found = {r["url"] for r in all_pages(page, search_site, open_search(page, search_site, **params))}
    expected = inside & (ctrl_f(article_texts, "工会") if params.get("q") == "工会" else set(article_texts))
    assert found == expected
    assert page.console_errors == []


def tree(page):
    """The region filter as nested [name, count, path, checked, children]."""
    return page.evaluate("""() => {
        const walk = (list) => [...list.children].filter((li) => li.matches('li')).map((li) => {
            const label = li.querySelector(':scope > .search-facet__label');
            const nested = li.querySelector(':scope > ul, :scope > div > ul');
            return [label.querySelector('.search-facet__name').textContent,
                    Number(label.querySelector('.search-facet__count').textContent),
                    label.querySelector('input').value, label.querySelector('input').checked,
                    nested ? walk(nested) : []];
        });
        const root = document.querySelector('.search-facet[data-facet=region] .search-tree');
        return root ? walk(root) : null;
    }""")


def test_filters_are_open_on_desktop_with_a_region_tree_and_counts(browser, search_site):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    try:
        first = open_search(page, search_site, q="工会")
        page.wait_for_selector('[data-search-facets][data-facets-state="done"]')
        assert page.evaluate("document.querySelector('[data-search-facets]').open") is True
        assert page.locator(".search-facet[data-facet=region]").is_visible()
        listed = {r["url"] for r in all_pages(page, search_site, first)}
        page.goto(f"{search_site.url}/search.html?q=工会")
        wait_done(page)
        page.wait_for_selector('[data-search-facets][data-facets-state="done"]')
        nodes = tree(page)
        by_url = {url_of(a): a for a in search_site.catalog}

        def expected(path):
            levels = path.split("›")
            return sum(1 for url in listed
                       if any(p.split("›")[:len(levels)] == levels for p in region_paths(by_url[url])))

        def check(level, depth):
            assert [n[1] for n in level] == sorted((n[1] for n in level), reverse=True), "most stories first"
            for name, count, path, _checked, children in level:
                assert path.split("›")[-1] == name and len(path.split("›")) == depth
                assert count == expected(path), f"{path}: {count} shown, {expected(path)} stories"
                assert depth < 3 or not children, "the tree stops at the county"
                check(children, depth + 1)

        check(nodes, 1)
        zhejiang = next(n for n in nodes if n[0] == "浙江省")
        taizhou = next(n for n in zhejiang[4] if n[0] == "台州市")
        assert {"温岭市", "黄岩区", "路桥区"} <= {n[0] for n in taizhou[4]}

        # a county chosen in the tree: its path in the URL, its node checked, the results inside it
        mark_stale(page)
        page.locator(".search-facet[data-facet=region] input[value='浙江省›台州市›温岭市']").check()
        wait_done(page)
        page.wait_for_selector('[data-search-facets][data-facets-state="done"]')
        assert parse_qs(urlparse(page.url).query)["region"] == ["浙江省›台州市›温岭市"]
        wenling = next(n for n in next(n for n in tree(page) if n[0] == "浙江省")[4] if n[0] == "台州市")[4]
        assert next(n for n in wenling if n[0] == "温岭市")[3] is True
        assert page.evaluate("document.querySelector('[data-search-results]').dataset.searchTotal") == str(
            expected("浙江省›台州市›温岭市"))
    finally:
        context.close()


def test_a_short_name_in_the_url_checks_its_node_and_unchecking_removes_it(browser, search_site):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    try:
        filtered = open_search(page, search_site, q="工会", region="温岭")
        page.wait_for_selector('[data-search-facets][data-facets-state="done"]')
        box = page.locator(".search-facet[data-facet=region] input[value='浙江省›台州市›温岭市']")
        assert box.is_checked() and box.is_enabled()
        assert page.locator(".search-facet[data-facet=region] input:checked").count() == 1
        mark_stale(page)
        box.uncheck()
        unfiltered = wait_done(page)
        assert parse_qs(urlparse(page.url).query) == {"q": ["工会"]}
        assert unfiltered["total"] > filtered["total"]
        page.wait_for_selector('[data-search-facets][data-facets-state="done"]')
        assert page.locator(".search-facet[data-facet=region] input:checked").count() == 0
    finally:
        context.close()


def test_filters_start_closed_on_a_phone(page, search_site):
    page.set_viewport_size({"width": 375, "height": 812})
    open_search(page, search_site, q="工会")
    assert page.evaluate("document.querySelector('[data-search-facets]').open") is False
    assert page.get_attribute("[data-search-facets]", "data-facets-state") == "done"


# ---------------------------------------------------------------- sort by date


def test_sort_by_date_keeps_the_results_and_orders_them_newest_first(page, search_site):
    dates = {url_of(a): a["date"][:10] for a in search_site.catalog}
    by_relevance = all_pages(page, search_site, open_search(page, search_site, q="工会"))
    page.goto(f"{search_site.url}/search.html?q=工会")
    wait_done(page)
    mark_stale(page)
    page.select_option("[data-search-sort]", "date")
    first = wait_done(page)
    assert parse_qs(urlparse(page.url).query)["sort"] == ["date"]
    assert "按时间排序" in first["status"]
    by_date = all_pages(page, search_site, first)
    urls = [r["url"] for r in by_date]
    assert sorted(urls) == sorted(r["url"] for r in by_relevance)
    assert urls != [r["url"] for r in by_relevance], "the seed site should rank 工会 otherwise than by date"
    assert urls == sorted(sorted(urls), key=lambda url: dates[url], reverse=True)
    # kept in the URL: a fresh page opened on it sorts the same, with the control set
    again = open_search(page, search_site, q="工会", sort="date")
    assert [site_path(search_site, r["url"]) for r in again["results"]] == urls[:10]
    assert page.input_value("[data-search-sort]") == "date"

    from union_search.cli import run_query

    assert [r["url"] for r in run_query(str(search_site.index), "工会", limit=None, sort="date")["results"]] == urls


# ---------------------------------------------------------------- escaping


HOSTILE_LABEL = '<img src=x onerror="window.__pwned=1">“娘家人”<b>助力</b>疫情防控'


def test_reasons_and_partial_pieces_render_as_text(page, search_site):
    """A column label full of markup (served in place of the real one) shows as text in the reason."""
    import json

    def hostile_shard(route):
        shard = json.loads(route.fetch().text())
        for concept in shard["concepts"]:
            if concept[0] == "column" and "疫情防控" in concept[1]:
                concept[1] = HOSTILE_LABEL
        route.fulfill(body=json.dumps(shard, ensure_ascii=False), content_type="application/json")

    page.route("**/search/k/*.json", hostile_shard)
    open_search(page, search_site, q="疫情防控")
    reasons = [r for item in read(page)["relatedHits"] for r in item["reasons"]]
    assert f"栏目：{HOSTILE_LABEL}" in reasons
    assert page.locator("[data-search-page] :is(img, b, script)").count() == 0
    assert page.evaluate("window.__pwned") is None
    open_search(page, search_site, q="火星")
    assert page.locator("[data-search-partial] .search-result__why mark").count() >= 1
    assert page.locator("[data-search-page] :is(img, b, script)").count() == 0


# ---------------------------------------------------------------- tap targets


@pytest.mark.parametrize("width, height", [(375, 812), (1366, 900)])
@pytest.mark.parametrize("params", [{"q": "工会"}, {"q": "火星"}, {"q": "金华", "region": "浙江省"}])
def test_every_control_of_the_search_page_is_a_24_px_target(page, search_site, width, height, params):
    """WCAG 2.5.8 on the filter panel (opened), sort control, chips, pager and suggestions."""
    page.set_viewport_size({"width": width, "height": height})
    open_search(page, search_site, **params)
    if not page.evaluate("document.querySelector('[data-search-facets]').open"):
        page.locator(".search-facets__summary").click()
    page.wait_for_selector('[data-search-facets][data-facets-state="done"]')
    small = page.evaluate("""() => {
      const inText = (el) => el.tagName === 'A' && getComputedStyle(el).display === 'inline'
        && el.closest('p, li') && el.closest('p, li').textContent.trim() !== el.textContent.trim();
      return [...document.querySelectorAll('[data-search-page] :is(a[href], button, input, select, summary)')]
        .filter((el) => el.offsetParent !== null && !inText(el) && !el.closest('.search-result__title'))
        .map((el) => [el.outerHTML.slice(0, 80), el.getBoundingClientRect()])
        .filter(([, r]) => r.width < 24 || r.height < 24)
        .map(([html, r]) => `${html} ${r.width.toFixed(1)}×${r.height.toFixed(1)}`);
    }""")
    assert small == []
    assert page.locator("[data-search-page] input[type=checkbox]").count() > 0 or params["q"] == "火星"
