"""Hostile input, end to end: one real Pelican build of content/ plus the hostile corpus.

For every case: the build finishes, the bad item is reported (file, field or
line, what to do), and every good article is in output/ and catalog.json.
The publish gate (publishconf.py with --fatal warnings, what `make publish`
runs) must fail on any of them.
"""

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import pelicanconf
from sitebuild import PROJECT_DIR, build_site, private_var, problems
from tests.fixtures.hostile.corpus import CASES, HOSTILE_DIR, PAYLOAD_MARK, cases, md, write_corpus

pytestmark = pytest.mark.build
REAL_ARTICLES = sorted((PROJECT_DIR / "content" / "articles").rglob("*.md"))
REPORT_LINE = re.compile(r"^\s*(?:\[[^\]]*\]\s*)?(ERROR|WARNING|CRITICAL)\s+(.*)$")


def guard_plugins(*extra):
    """The site's plugins with union_guard first (it must clean content before the others see it)."""
    plugins = ["union_guard"] + [p for p in pelicanconf.PLUGINS if p != "union_guard"]
    return plugins + [p for p in extra if p not in plugins]


def run_build(output, content, **kwargs):
    return build_site(output, content_dir=content, **kwargs)


def report_lines(output) -> list[tuple[str, str]]:
    """[(LEVEL, the line as logged)] for every problem in the build report of `output`."""
    return [(p["level"].upper(), p["text"]) for p in problems(output)]


@dataclass
class HostileBuild:
    output: Path
    problems: list
    catalog: dict

    @property
    def index_dir(self):
        """The Whoosh index build_site() gives this build (SEARCH_INDEX_PATH)."""
        return private_var(self.output) / "search-index"

    def reports(self, name):
        """union_guard's reports naming this file (Pelican adds its own 'Could not process <file>')."""
        return [(p["level"].upper(), p["text"]) for p in self.problems
                if p["path"] and os.path.basename(p["path"]) == name]

    def entry(self, title):
        return next((e for e in self.catalog["articles"] if e["title"] == title), None)

    def page(self, title):
        entry = self.entry(title)
        assert entry, f"{title!r} not in catalog.json"
        path = self.output / entry["url"].lstrip("/") / "index.html"
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    content = write_corpus(root / "content")
    output = root / "output"
    run_build(output, content, settings={"PLUGINS": guard_plugins()})
    catalog = json.loads((output / "catalog.json").read_text(encoding="utf-8"))
    return HostileBuild(output, problems(output), catalog)


def real_titles():
    titles = []
    for path in REAL_ARTICLES:
        header = path.read_text(encoding="utf-8-sig").split("\n\n", 1)[0]
        meta = dict(line.split(":", 1) for line in header.splitlines() if ":" in line)
        if meta.get("Status", "published").strip() == "published":
            titles.append(meta["Title"].strip())
    return titles


def test_preview_build_keeps_every_good_article(hostile):
    """`make html` semantics: exit 0, all real articles and all repairable cases published."""
    titles = {e["title"] for e in hostile.catalog["articles"]}
    expected = set(real_titles()) | {c.title for c in cases(built=True)}
    assert expected <= titles, f"missing: {expected - titles}"
    assert hostile.catalog["count"] == len(expected), sorted(titles - expected)
    for title in expected:
        entry = hostile.entry(title)
        assert (hostile.output / entry["url"].lstrip("/") / "index.html").exists(), title


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_case_is_built_or_skipped_and_reported(hostile, case):
    if case.extra.get("plugin", "union_guard") not in guard_plugins():
        pytest.fail(f"{case.name} is reported by {case.extra['plugin']}, which must be in pelicanconf.PLUGINS")
    reports = hostile.reports(case.name)
    if case.level is None:
        assert reports == [], f"{case.name} should build silently, got {reports}"
    else:
        assert reports, f"nothing reported for {case.name}"
        levels = {level for level, _ in reports}
        assert case.level in levels and (case.level == "ERROR" or "ERROR" not in levels), reports
        joined = "\n".join(text for _, text in reports)
        for expected in case.report:
            assert expected in joined, f"{case.name}: {expected!r} not in report:\n{joined}"
        if "plugin" not in case.extra:  # union_guard's format; other plugins word theirs
            assert all(" — " in text for _, text in reports), "every report says what to do after ' — '"
    if case.built:
        entry = hostile.entry(case.title)
        assert entry, f"{case.name} ({case.title!r}) missing from catalog.json"
        for key in ("date", "slug"):
            if key in case.extra:
                assert entry[key].startswith(case.extra[key]), (key, entry[key])
        assert entry["slug"] and entry["slug"].isascii()
    else:
        assert any(case.name in p["text"] for p in hostile.problems)
        if case.title:
            assert hostile.entry(case.title) is None


def test_skipped_files_leave_no_page(hostile):
    bodies = "\n".join(p.read_text(encoding="utf-8") for p in hostile.output.rglob("*.html"))
    for marker in ("这篇文章忘了写标题", "新写的那篇", "乙。", "第299层", "状态写错", "复制出来的页面"):
        assert marker not in bodies, marker


def test_duplicate_slug_keeps_the_older_article_and_names_both_files(hostile):
    page = hostile.page("两篇同名的报道")
    assert "早先发布的那篇" in page.select_one(".article__body").get_text()
    assert len([e for e in hostile.catalog["articles"] if e["title"] == "两篇同名的报道"]) == 1
    assert hostile.entry("同一天的第一篇")["slug"] == "same-slug"
    assert not any("There are 2 items" in p["text"] for p in hostile.problems), \
        "Pelican must not see the pair as translations"
    about = BeautifulSoup((hostile.output / "about" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert about.find("h1").get_text(strip=True) != "关于（复制）", "the real About page keeps its address"
    assert "duplicate-" not in json.dumps(hostile.catalog)


def script_problems(html: BeautifulSoup, name: str):
    """Everything in a page that could run script or leave the page: must be empty."""
    problems = []
    for element in html.find_all(True):
        for attr, value in element.attrs.items():
            if attr.lower().startswith("on"):
                problems.append(f"{name}: <{element.name} {attr}=…>")
            values = value if isinstance(value, list) else [value]
            if attr in ("href", "src", "action", "formaction", "data") and any(
                    re.sub(r"[\s\x00-\x1f]", "", v).lower().startswith(("javascript:", "vbscript:", "data:text"))
                    for v in values):
                problems.append(f"{name}: {attr}={value!r}")
        if element.name == "script" and (not element.get("src") or element.string):
            problems.append(f"{name}: inline <script>")
        if element.name in ("iframe", "object", "embed", "svg", "style", "base", "frame"):
            problems.append(f"{name}: <{element.name}>")
        if element.name == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            problems.append(f"{name}: meta refresh")
        if element.name == "form" and element.get("role") != "search":
            problems.append(f"{name}: foreign <form>")
    return problems


def test_no_page_carries_script_or_handlers(hostile):
    pages = sorted(hostile.output.rglob("*.html"))
    assert len(pages) > 30
    problems = []
    for path in pages:
        html = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        problems += script_problems(html, str(path.relative_to(hostile.output)))
        csp = html.select_one("meta[http-equiv='Content-Security-Policy']")
        assert csp and "script-src 'self'" in csp["content"] and "unsafe-inline" not in csp["content"], path
    assert problems == []
    odd = [p.relative_to(hostile.output).as_posix() for p in hostile.output.rglob("*")
           if not p.relative_to(hostile.output).as_posix().isascii() or re.search(r"[<>\"' ]", p.name)]
    assert odd == [], "output file names come from slugs, never from raw metadata"
    assert not (hostile.output.parent / "evil.html").exists()


def test_metadata_is_shown_as_plain_text(hostile):
    page = hostile.page("元数据里藏着脚本")
    assert page.select_one(".article__subtitle").get_text(strip=True) == "副题"
    assert page.select_one(".article__byline").get_text(strip=True) == "记者张三"
    assert page.select_one(".article__column").get_text(strip=True) == "栏目"
    assert "来源报纸" in page.select_one(".article__source").get_text()
    tags = [a.get_text(strip=True) for a in page.select(".article__footer a")]
    assert "标签" in tags
    entry = hostile.entry("元数据里藏着脚本")
    assert entry["subtitle"] == "副题" and "<" not in json.dumps(entry, ensure_ascii=False)
    assert entry["authors"] == ["李四", "王五"]
    assert entry["summary"].replace(" ", "") == "摘要和链接" and PAYLOAD_MARK not in json.dumps(entry)


def test_quotes_in_a_title_cannot_open_an_attribute(hostile):
    case = next(c for c in CASES if c.name == "quote-title.md")
    page = hostile.page(case.title)
    assert page.find("h1").get_text(strip=True) == case.title
    assert not page.find_all(attrs={"onmouseover": True})
    assert page.select_one("meta[property='og:title']")["content"] == case.title
    assert page.title.get_text().startswith(case.title)


def test_allowed_markup_survives_sanitizing(hostile):
    page = hostile.page("正文里夹带原始HTML")
    body = page.select_one(".article__body")
    assert body.find("table") and [td.get_text() for td in body.find_all("td")] == ["职工之家", "12"]
    assert body.find("figure").find("figcaption").get_text() == "图注"
    assert body.find("sub").get_text() == "2" and body.find("sup").get_text() == "1"
    mail = body.find("a", href="mailto:gh@example.org")
    assert mail and mail["rel"] == ["noopener"]
    internal = body.find("a", string="同名报道")  # a {filename} link, resolved after sanitizing
    assert internal["href"].rstrip("/").endswith("articles/2021/liang-pian-tong-ming-de-bao-dao")
    note = body.find("div", class_="note")
    assert note.get_text() == "带样式的段落" and not note.get("style")
    assert "第一段正常文字" in body.get_text()
    assert PAYLOAD_MARK not in str(body)


def test_other_readers_are_sanitized_too(hostile):
    """An HTML file saved from Word: body and title cleaned, the slug made from the clean title."""
    entry = hostile.entry("从Word另存的网页")
    assert entry["slug"] == "cong-word-ling-cun-de-wang-ye"
    body = hostile.page("从Word另存的网页").select_one(".article__body")
    assert body.get_text(strip=True) == "网页正文链接" and not body.find(attrs={"style": True})


def test_decoded_files_read_correctly(hostile):
    assert "帮扶" in hostile.page("用GBK编码保存的文章").select_one(".article__body").get_text()
    assert "记事本“Unicode”格式" in hostile.page("UTF-16保存的文章").get_text()
    nul_body = hostile.page("含有空字符的文章").select_one(".article__body").get_text()
    assert "从PDF复制的文字" in nul_body and "\x00" not in nul_body and "\x0c" not in nul_body
    emoji = hostile.page("😀职工之家🎉 𠀀𪚥𰻞 扩展字")
    assert "𠮷野家、𰻞𰻞面" in emoji.get_text() and "👍" in emoji.get_text()
    assert "全角正文！＂引号＂" in hostile.page("全角标题ＡＢＣ１２３").get_text() or \
        "全角正文！“引号”" in hostile.page("全角标题ＡＢＣ１２３").get_text()
    long_line = hostile.page("一行八万字").select_one(".article__body")
    assert long_line.get_text().count("长") == 80_000


def test_unknown_region_and_topic_are_reported_by_union_tags(tmp_path):
    """Regions:/Topics: naming nothing known: union_tags reports it; the article is still built."""
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    case = next(c for c in CASES if c.extra.get("plugin") == "union_tags")
    (content / "articles" / case.name).write_bytes(case.data)
    (content / "articles" / "good.md").write_bytes(md("Title: 安吉县快递行业工资集体协商", "Date: 2022-01-01",
                                                      "", "安吉县总工会推动快递行业工资集体协商。"))
    run_build(tmp_path / "output", content,
              settings={"PLUGINS": guard_plugins("union_site", "union_tags")})
    reports = [t for level, t in report_lines(tmp_path / "output") if case.name in t]
    assert any("火星市" in t for t in reports), reports
    assert any("不存在的专题" in t for t in reports), reports
    catalog = json.loads((tmp_path / "output" / "catalog.json").read_text(encoding="utf-8"))
    assert {e["title"] for e in catalog["articles"]} == {case.title, "安吉县快递行业工资集体协商"}


# --- the publish gate -----------------------------------------------------------------------

def small_site(tmp_path, *names):
    """Real content/ plus the named hostile cases."""
    content = tmp_path / "content"
    shutil.copytree(PROJECT_DIR / "content", content)
    (content / HOSTILE_DIR).mkdir(parents=True)
    for case in CASES:
        if case.name in names:
            (content / HOSTILE_DIR / case.name).write_bytes(case.data)
    return content


def publish(tmp_path, content):
    """What `make publish` runs: publishconf.py with --fatal warnings."""
    return run_build(tmp_path / "output", content, conf="publishconf.py", fatal="warnings",
                     check=False, settings={"PLUGINS": guard_plugins()})


@pytest.mark.parametrize("name, expected", [
    ("bad-date.md", "field Date (line 2)"),          # an error: the file would be skipped
    ("script-title.md", "field Title (line 1)"),     # a warning: the file would be repaired
    ("a-dup-new.md", "is already used by"),          # with b-dup-old.md
])
def test_publish_fails_on_any_error_or_warning(tmp_path, name, expected):
    content = small_site(tmp_path, name, "b-dup-old.md")
    result = publish(tmp_path, content)
    assert result.returncode != 0, result.stdout + result.stderr
    log = "\n".join(text for _, text in report_lines(tmp_path / "output"))
    assert name in log and expected in log, log


def test_publish_of_the_real_content_passes_the_guard(tmp_path):
    result = publish(tmp_path, small_site(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert report_lines(tmp_path / "output") == []


def test_makefile_publish_is_fatal_and_html_is_not():
    recipes = {}
    target = None
    for line in (PROJECT_DIR / "Makefile").read_text(encoding="utf-8").splitlines():
        if re.match(r"^[a-z]+:", line):
            target = line.split(":")[0]
        elif line.startswith("\t") and target:
            recipes.setdefault(target, []).append(line.strip())
    assert any("--fatal warnings" in r and "$(PUBLISHCONF)" in r for r in recipes["publish"])
    assert not any("--fatal" in r for r in recipes["html"])


# --- the search index ------------------------------------------------------------------------

def search_titles(hostile, query):
    """Titles found for `query` by the editors' Whoosh index and by the static export."""
    from union_search.cli import run_query
    from union_search.engine import search
    from union_search.export_reader import ExportSource
    from union_search.query import parse_query

    whoosh = [r["title"] for r in run_query(str(hostile.index_dir), query, limit=100)["results"]]
    export = ExportSource(str(hostile.output / "search"))
    exported = [export.fragment(hit.doc)["title"] for hit in search(export, parse_query(query))]
    return whoosh, exported


def needs_search():
    if "union_search" not in guard_plugins():
        pytest.fail("union_search must be in pelicanconf.PLUGINS")


def test_every_published_article_is_in_the_search_index_and_export(hostile):
    needs_search()
    from union_search.export_reader import ExportSource
    from union_search.index import ensure_current, existing_fragments, open_current

    published = {e["url"].strip("/") for e in hostile.catalog["articles"]}
    ensure_current(str(hostile.index_dir))  # the build updates the editors' index in the background
    indexed = {url.strip("/") for url in existing_fragments(open_current(str(hostile.index_dir)))}
    assert indexed == published
    export = ExportSource(str(hostile.output / "search"))
    fragments = [export.fragment(doc) for doc in range(export.doc_count)]
    assert {f["url"].strip("/") for f in fragments} == published
    for fragment in fragments:  # indexed as the reader sees the page: no markup, no payload code
        text = json.dumps(fragment, ensure_ascii=False)
        assert "<script" not in text and "onerror" not in text and "javascript:" not in text, fragment["url"]


@pytest.mark.parametrize("query, title", [
    ("职工之家建设", "职工之家建设"),                 # title whose <script> was removed
    ("双重编码", "双重编码"),                         # double-encoded entities in the title
    ("帮扶", "用GBK编码保存的文章"),                  # GBK body decoded before indexing
    ("空字符", "含有空字符的文章"),                   # NUL removed from the title
    ("全角标题", "全角标题ＡＢＣ１２３"),              # full-width header keys
    ("快递小哥 deliver", "工会 Union 2.0：AI helps 快递小哥 deliver"),
    ("生僻字", "😀职工之家🎉 𠀀𪚥𰻞 扩展字"),
    ("同名的报道", "两篇同名的报道"),                 # the surviving duplicate, once
])
def test_hostile_articles_are_found_by_both_searches(hostile, query, title):
    needs_search()
    whoosh, exported = search_titles(hostile, query)
    assert whoosh.count(title) == 1, whoosh
    assert exported.count(title) == 1, exported


def test_skipped_and_removed_text_is_not_searchable(hostile):
    needs_search()
    for query in ("这篇文章忘了写标题", "新写的那篇", "日期写错的文章", "alert"):
        assert search_titles(hostile, query) == ([], []), query


def test_articles_with_several_tags_build(tmp_path):
    content = tmp_path / "content" / "articles"
    content.mkdir(parents=True)
    content.joinpath("a.md").write_bytes(md("Title: 快递小哥入会", "Date: 2022-01-01", "Tags: 快递, 职代会", "", "正文。"))
    content.joinpath("b.md").write_bytes(md("Title: 困难职工帮扶", "Date: 2022-01-02", "Tags: 快递, 帮扶", "", "正文。"))
    result = run_build(tmp_path / "output", tmp_path / "content", check=False,
                       settings={"PLUGINS": guard_plugins()})
    assert result.returncode == 0, result.stdout[-2000:]
    assert len(list((tmp_path / "output" / "tag").glob("*/index.html"))) == 3


def test_problems_are_reported_again_when_the_reader_cache_is_used(tmp_path):
    """`make html` keeps Pelican's reader cache: a cached bad file must still be reported and skipped."""
    content = tmp_path / "content" / "articles"
    content.mkdir(parents=True)
    for case in CASES:
        if case.name in ("script-title.md", "bad-date.md"):
            (content / case.name).write_bytes(case.data)
    settings = {"PLUGINS": ["union_guard", "union_site"], "LOAD_CONTENT_CACHE": True,
                "CACHE_PATH": str(tmp_path / "cache")}
    for _ in range(2):
        run_build(tmp_path / "output", tmp_path / "content", settings=settings)
        reports = report_lines(tmp_path / "output")
        assert any(level == "WARNING" and "/script-title.md: field Title" in t for level, t in reports)
        assert any(level == "ERROR" and "/bad-date.md: field Date" in t for level, t in reports)
        catalog = json.loads((tmp_path / "output" / "catalog.json").read_text(encoding="utf-8"))
        assert [e["title"] for e in catalog["articles"]] == ["职工之家建设"]
    assert any((tmp_path / "cache").rglob("*")), "the second build did use the reader cache"
