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
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from hostile_site import guard_plugins, hostile_build
from sitebuild import PROJECT_DIR, build_site, problems
from tests.fixtures.hostile.corpus import (CASES, CLASSES, LONG_NAME, PAYLOAD_MARK, REFRESH, cases,
                                           md, outside_dir, write_case)

pytestmark = pytest.mark.build
REAL_ARTICLES = sorted((PROJECT_DIR / "content" / "articles").rglob("*.md"))
ATOM = "{http://www.w3.org/2005/Atom}"

__all__ = ["guard_plugins", "run_build"]  # imported by the other hostile test modules


def run_build(output, content, **kwargs):
    return build_site(output, content_dir=content, **kwargs)


def report_lines(output) -> list[tuple[str, str]]:
    """[(LEVEL, the line as logged)] for every problem in the build report of `output`."""
    return [(p["level"].upper(), p["text"]) for p in problems(output)]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return hostile_build(tmp_path_factory)


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
    expected = set(real_titles()) | {c.title for c in cases(built=True) if c.folder != "pages"}
    assert expected <= titles, f"missing: {expected - titles}"
    assert hostile.catalog["count"] == len(expected), sorted(titles - expected)
    for title in expected:
        url = hostile.entry(title)["url"].lstrip("/")
        assert (hostile.output / (url + "index.html" if url.endswith("/") else url)).exists(), title


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
        for key in ("date", "slug", "url"):
            if key in case.extra:
                assert entry[key].startswith(case.extra[key]), (key, entry[key])
        for key in ("tags", "authors", "category"):
            if key in case.extra:
                assert shown_names(hostile, case.title, key) == case.extra[key], key
        assert entry["slug"] and entry["slug"].isascii()
    else:
        assert any(case.name in p["text"] for p in hostile.problems)
        if case.title:
            assert hostile.entry(case.title) is None


def shown_names(hostile, title, key):
    """The article page's tags (links in the footer), author (byline links) or category, as shown."""
    page = hostile.page(title)
    if key == "tags":
        return [a.get_text() for a in page.select(".article__footer a[href*='/tag/']")]
    if key == "authors":
        return [a.get_text() for a in page.select(".article__byline a")]
    return page.select_one(".article__footer a[href*='/category/']").get_text()


def output_text(output) -> str:
    """Every file of the output (pages, feeds, catalog, sitemap, search export) as text."""
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted(output.rglob("*")) if p.is_file())


def test_skipped_files_leave_no_page(hostile):
    everything = output_text(hostile.output)
    for marker in ("这篇文章忘了写标题", "新写的那篇", "乙。", "第299层", "状态写错", "复制出来的页面"):
        assert marker not in everything, marker
    for case in cases(built=False):
        if case.title:
            assert f"{case.title}的正文" not in everything, case.name
            if not case.title.isascii():
                assert case.title not in everything, case.name


def test_duplicate_slug_keeps_the_older_article_and_names_both_files(hostile):
    page = hostile.page("两篇同名的报道")
    assert "早先发布的那篇" in page.select_one(".article__body").get_text()
    assert len([e for e in hostile.catalog["articles"] if e["title"] == "两篇同名的报道"]) == 1
    assert hostile.entry("同一天的第一篇")["slug"] == "same-slug"
    assert not any(p["text"].startswith("Could not process") for p in hostile.problems), \
        "every skipped file is reported by union_guard with its reason, never only by Pelican"
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


# --- text never becomes markup: head tags, listings, feeds, catalog, sitemap -------------------

def theme_attributes() -> set:
    """Every attribute name the theme's templates and scripts write, plus the body allowlist: any
    other attribute in the output (onmouseover, autofocus, x …) came from text that broke out."""
    from union_guard.sanitize import BODY_ATTRIBUTES

    names = set().union(*BODY_ATTRIBUTES.values()) | {"rel"}
    theme = PROJECT_DIR / "theme"
    media = PROJECT_DIR / "plugins" / "union_media"   # writes <figure>/<picture> markup around photos
    for path in (list((theme / "templates").rglob("*.html")) + list((theme / "static" / "js").rglob("*.js"))
                 + list(media.glob("*.py"))):
        # Jinja statements and expressions may hold `<` (`width <= max_width`): drop them first
        text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        for tag in re.findall(r"<[a-z][a-z0-9]*\s[^<>]*>", text):  # names with values and boolean ones
            names |= set(re.findall(r"\s([a-z][a-z-]*)(?=[\s=>/])", tag))
        names |= set(re.findall(r"setAttribute\(\"([a-z-]+)\"", text))
        # boolean properties that reflect as attributes (`panel.open = true` writes <details open>)
        names |= set(re.findall(r"\.(open|hidden|disabled|checked|selected)\s*=(?!=)", text))
        names |= {"data-" + re.sub(r"[A-Z]", lambda m: "-" + m.group().lower(), name)
                  for name in re.findall(r"dataset\.([A-Za-z]+)", text)}
    return names


def breakout_problems(html: BeautifulSoup, name: str, allowed: set) -> list:
    return [f"{name}: <{element.name} {attr}=…>" for element in html.find_all(True)
            for attr in element.attrs if attr not in allowed and not attr.startswith("aria-")]


def test_no_attribute_break_out_anywhere(hostile):
    """Quotes in titles, summaries, names and bodies never open an attribute of their own."""
    allowed = theme_attributes()
    assert {"onmouseover", "onfocus", "autofocus", "x", "data-x"}.isdisjoint(allowed)
    found = []
    for path in sorted(hostile.output.rglob("*.html")):
        found += breakout_problems(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser"),
                                   str(path.relative_to(hostile.output)), allowed)
    assert found == []


def listing_summaries(hostile, title) -> list:
    """The summary under `title` on every listing page that shows it."""
    found = []
    for path in sorted(hostile.output.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if title not in text or "story-card" not in text:
            continue
        for card in BeautifulSoup(text, "html.parser").select(".story-card"):
            if card.select_one(".story-card__title").get_text(strip=True) == title:
                found.append(card.select_one(".story-card__summary").get_text())
    return found


@pytest.mark.parametrize("case", [c for c in cases(cls="escaping") if "description_has" in c.extra],
                         ids=lambda c: c.name)
def test_text_that_looks_like_markup_is_shown_as_text(hostile, case):
    """The article's text, quotes and escaped tags included, is what head tags, listings and
    catalog.json show, as text: one decoding (the browser's) gives it back exactly."""
    expected = case.extra["description_has"]
    page = hostile.page(case.title)
    for selector in ("meta[name=description]", "meta[property='og:description']"):
        assert expected in page.select_one(selector)["content"], selector
    summaries = listing_summaries(hostile, case.title)
    assert len(summaries) >= 2, "home or category, archive pages list it"  # noqa: PLR2004
    assert all(expected in summary for summary in summaries)
    assert expected in hostile.entry(case.title)["summary"]
    raw = hostile.page_path(case.title).read_text(encoding="utf-8")
    assert "&amp;lt;" not in raw.split("<body", 1)[0], "escaped exactly once, not twice"


def test_titles_encoded_many_times_stay_text_in_every_head_tag(hostile):
    for title in ("六重编码标题", "十重编码标题", "数字实体标题", "双重编码"):
        page = hostile.page(title)
        assert page.title.get_text() == f"{title} - 工会通讯"
        assert page.select_one("meta[property='og:title']")["content"] == title
        assert page.find("h1").get_text(strip=True) == title
        assert not page.select("meta[http-equiv]:not([http-equiv='Content-Security-Policy'])")


def test_names_with_quotes_and_tags_are_text_on_their_own_pages(hostile):
    case = next(c for c in CASES if c.name == "hostile-names.md")
    category = case.extra["category"]
    pages = [p for p in hostile.output.glob("category/*/index.html") if category in
             BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").find("h1").get_text()]
    assert len(pages) == 1
    soup = BeautifulSoup(pages[0].read_text(encoding="utf-8"), "html.parser")
    assert soup.find("h1").get_text() == f"分类：{category}"
    assert category in soup.select_one("meta[name=description]")["content"]
    assert soup.title.get_text() == f"{category} - 工会通讯"
    tag_titles = {BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").find("h1").get_text()
                  for p in hostile.output.glob("tag/*/index.html")}
    assert {f"标签：{name}" for name in case.extra["tags"]} <= tag_titles


def test_catalog_json_carries_text_and_no_markup_characters(hostile):
    raw = (hostile.output / "catalog.json").read_text(encoding="utf-8")
    assert not set("<>&") & set(raw), "written as \\u003c, \\u003e, \\u0026"
    entry = hostile.entry("摘要里的转义刷新")
    assert entry["summary"].startswith(REFRESH), "the text the reader sees, as text"
    assert hostile.entry("名字里的注入")["category"] == next(c for c in CASES if c.name == "hostile-names.md").extra["category"]


def feed_files(output):
    return sorted((output / "feeds").rglob("*.xml"))


def test_feeds_carry_titles_as_text_and_only_sanitized_html(hostile):
    feeds = feed_files(hostile.output)
    kinds = {p.relative_to(hostile.output / "feeds").parts[0] for p in feeds}
    assert {"all.atom.xml", "category", "tag", "author", "region", "topic"} <= kinds
    found, titles = [], set()
    for path in feeds:
        root = ET.parse(path).getroot()
        for entry in root.iter(f"{ATOM}entry"):
            titles.add(entry.find(f"{ATOM}title").text)
            for part in (entry.find(f"{ATOM}summary"), entry.find(f"{ATOM}content")):
                if part is not None and part.text:
                    found += script_problems(BeautifulSoup(part.text, "html.parser"), path.name)
            link = entry.find(f"{ATOM}link").get("href")  # relative in a preview (no SITEURL)
            assert re.fullmatch(r"(https://gonghui\.example\.org/)?[a-z0-9/._-]+", link), link
    assert found == []
    assert {"六重编码标题", "名字里的注入", "摘要里的转义刷新"} <= titles


def test_sitemap_lists_site_addresses_only(hostile):
    root = ET.parse(hostile.output / "sitemap.xml").getroot()
    locs = [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs and all(re.fullmatch(r"/[A-Za-z0-9/._~-]*", loc) for loc in locs), \
        [loc for loc in locs if not re.fullmatch(r"/[A-Za-z0-9/._~-]*", loc)]
    assert "/articles/2022/english-only/" in locs


# --- reserved outputs: the site's own pages are never replaced --------------------------------

def soup_of(output, path):
    return BeautifulSoup((output / path).read_text(encoding="utf-8"), "html.parser")


def test_reserved_pages_are_the_sites_own(hostile):
    out = hostile.output
    assert soup_of(out, "index.html").select_one("section.home-entry"), "the home page"
    assert soup_of(out, "page/2/index.html").select_one(".story-list"), "the home page's page 2"
    assert soup_of(out, "search.html").select_one("[data-search-page]"), "the search page"
    assert soup_of(out, "404.html").find("h1").get_text() == "页面不存在"
    for path, heading in [("tag/index.html", "标签"), ("archives/index.html", "归档"), ("category/index.html", "分类"),
                          ("author/index.html", "记者与通讯员"), ("regions/index.html", "按地区"),
                          ("topics/index.html", "按专题"), ("archives/2021/index.html", "2021年"),
                          ("about/index.html", "关于本站")]:
        assert soup_of(out, path).find("h1").get_text(strip=True) == heading, path
    assert json.loads((out / "catalog.json").read_text(encoding="utf-8"))["site"] == "工会通讯"
    assert ET.parse(out / "sitemap.xml").getroot().tag.endswith("urlset")
    assert ET.parse(out / "feeds" / "all.atom.xml").getroot().find(f"{ATOM}title").text == "工会通讯"
    assert (out / "theme/css/main.css").read_bytes() == (PROJECT_DIR / "theme/static/css/main.css").read_bytes()
    assert json.loads((out / "search" / "manifest.json").read_text(encoding="utf-8"))
    assert not (out / "shared").exists()
    twin = hostile.entry("同一网址旧稿")
    assert twin["url"] == "/articles/2021/shared/"
    assert soup_of(out, "articles/2021/shared/index.html").find("h1").get_text() == "同一网址旧稿"
    dup = soup_of(out, "articles/2021/liang-pian-tong-ming-de-bao-dao/index.html")
    assert dup.find("h1").get_text() == "两篇同名的报道"


# --- names too long for a file name -------------------------------------------------------------

def test_long_names_get_short_stable_slugs_and_keep_their_pages(hostile):
    from union_guard.names import MAX_SLUG_LENGTH

    for path in hostile.output.rglob("*"):
        assert len(path.name.encode()) <= 255, path  # noqa: PLR2004
    slugs = [p.name for folder in ("tag", "category", "author") for p in (hostile.output / folder).iterdir()]
    assert max(len(slug) for slug in slugs) <= MAX_SLUG_LENGTH
    long_tag = [p for p in (hostile.output / "tag").iterdir()
                if p.is_dir() and LONG_NAME in soup_of(hostile.output, p / "index.html").find("h1").get_text()]
    assert len(long_tag) == 1, "the same long name gets the same slug in every article"
    listed = {h.get_text(strip=True) for h in soup_of(hostile.output, long_tag[0] / "index.html").select(".story-card__title")}
    assert listed == {"长标签的文章", "同一长标签的另一篇"}
    for title in ("长分类的文章", "长作者名的文章", LONG_NAME + "全文", "手写的超长网址名"):
        assert hostile.page_path(title).exists()


# --- content files --------------------------------------------------------------------------------

def test_files_outside_content_and_special_files_are_never_read_or_published(hostile):
    everything = output_text(hostile.output)
    assert "外部的秘密文章" not in everything and "外部目录里的文章" not in everything
    assert "root:x:0:0" not in everything, "/etc/passwd through a symlink"
    assert not (hostile.output / "images" / "passwd.txt").exists()
    assert (outside_dir(hostile.content) / "secret.md").exists(), "the targets existed"
    assert "稀疏的巨大文件" not in everything


# --- languages --------------------------------------------------------------------------------------

def test_a_second_language_version_is_an_error_and_never_hidden(hostile):
    assert hostile.entry("双语稿的中文版")["url"] == "/articles/2022/shuang-yu-gao/"
    assert hostile.entry("较新的中文版")["url"] == "/articles/2022/older-english/", \
        "the version in the site's language keeps the slug, even when it is newer"
    assert not list(hostile.output.glob("*-en.html")), "no translation at Pelican's default address"
    english = hostile.entry("A story only in English")
    assert english and english["url"] == "/articles/2022/english-only/"
    assert hostile.page("A story only in English").find("h1").get_text() == "A story only in English"


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

GOOD_ARTICLE = md("Title: 安吉县快递行业工资集体协商", "Date: 2022-01-01", "", "安吉县总工会推动快递行业工资集体协商。")
# One case per class (first name), with what it needs beside it: `make publish` must fail on each.
PUBLISH_CASES = {
    "dates": ("date-short-year.md",), "required": ("no-title.md",), "slugs": ("a-dup-new.md", "b-dup-old.md"),
    "escaping": ("entity6-title.md",), "encoding": ("gbk.md",), "files": ("zero.md",),
    "markdown": ("links-open.md",), "metadata": ("bad-status.md",), "template": ("template-tag.md",),
    "tags": ("unknown-region.md",), "reserved": ("saveas-index.md",), "long-names": ("long-tag.md",),
    "lang": ("lang-en.md", "lang-zh.md"), "duplicate-keys": ("dup-subtitle.md",),
}


def small_site(tmp_path, *names, real_content=False):
    """One good article (or the real content/) plus the named hostile cases."""
    content = tmp_path / "content"
    if real_content:
        shutil.copytree(PROJECT_DIR / "content", content)
    else:
        (content / "articles").mkdir(parents=True)
        (content / "articles" / "good.md").write_bytes(GOOD_ARTICLE)
    for case in CASES:
        if case.name in names:
            write_case(content, case)
    return content


def publish(tmp_path, content):
    """What `make publish` runs: publishconf.py with --fatal warnings."""
    return run_build(tmp_path / "output", content, conf="publishconf.py", fatal="warnings",
                     check=False, settings={"PLUGINS": guard_plugins()}, timeout=300)


def test_every_class_has_a_publish_case():
    assert set(PUBLISH_CASES) == set(CLASSES)


@pytest.mark.parametrize("cls", sorted(PUBLISH_CASES))
def test_publish_fails_on_every_class_of_problem(tmp_path, cls):
    names = PUBLISH_CASES[cls]
    case = next(c for c in CASES if c.name == names[0])
    result = publish(tmp_path, small_site(tmp_path, *names))
    assert result.returncode != 0, result.stdout[-2000:] + result.stderr[-2000:]
    reported = [p["text"] for p in problems(tmp_path / "output") if p["path"]
                and os.path.basename(p["path"]) == case.name]
    assert reported and case.report[0] in "\n".join(reported), reported


def test_publish_of_the_real_content_passes_the_guard(tmp_path):
    result = publish(tmp_path, small_site(tmp_path, real_content=True))
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
    removed = {hostile.entry(c.title)["url"].strip("/") for c in cases(built=True)
               if any("removed" in text for _, text in hostile.reports(c.name))}
    assert len(removed) >= 8  # noqa: PLR2004
    for fragment in fragments:  # indexed as the reader sees the page: removed markup is gone
        if fragment["url"].strip("/") in removed:
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
    for query in ("这篇文章忘了写标题", "新写的那篇", "日期写错的文章", "外部的秘密文章", "占用首页"):
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
