"""union_guard's plain modules, without Pelican: decoding, header repair, the HTML allowlist, checks."""

import codecs
import html
import re
from datetime import datetime
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from union_guard.checks import check_nesting, check_slug, fallback_slug, line_of, sanitize_body
from union_guard.decode import decode_source
from union_guard.duplicates import SlugRegistry, choose_survivor
from union_guard.header import field_lines, normalize_header
from union_guard.problems import ERROR, WARNING, Problems
from union_guard.reader import chinese_date_to_iso
from union_guard.sanitize import BODY_TAGS, body_findings, clean_body, clean_text
from union_text.pinyin import pinyin_slug


def flat(found: Problems) -> list[tuple[str, str]]:
    """(level, the line as logged) for each problem recorded."""
    return [(problem.level, problem.text()) for problem in found.items]


def problems():
    return Problems("content/articles/x.md")


# --- decoding ------------------------------------------------------------------------------

def test_utf8_with_and_without_bom_decodes_silently():
    for raw in ("Title: 工会\n".encode(), codecs.BOM_UTF8 + "Title: 工会\n".encode()):
        found = problems()
        assert decode_source(raw, found).text == "Title: 工会\n"
        assert found.items == []


def test_gbk_falls_back_with_a_warning_naming_the_file():
    found = problems()
    decoded = decode_source("Title: 职工之家\n\n帮扶困难职工。\n".encode("gbk"), found)
    assert decoded.text == "Title: 职工之家\n\n帮扶困难职工。\n" and decoded.encoding == "gb18030"
    [(level, text)] = flat(found)
    assert level == WARNING and text.startswith("content/articles/x.md: file is not UTF-8")
    assert "save the file as UTF-8" in text


def test_utf16_nul_and_undecodable_bytes():
    found = problems()
    assert decode_source("Title: 工会\n".encode("utf-16"), found).text == "Title: 工会\n"
    assert "UTF-16" in flat(found)[0][1]
    found = problems()
    decoded = decode_source(b"Title: a\x00b\n\nok\x0c\nx\x00\n", found)
    assert decoded.text == "Title: ab\n\nok\nx\n" and decoded.control_lines == [1, 3, 4]
    assert flat(found)[0][1].startswith("content/articles/x.md: lines 1, 3, 4: removed NUL")
    found = problems()
    assert decode_source(b"Title: a\n\n\x81\x30\x81\n", found).text is None
    assert flat(found)[0][0] == ERROR and "line 3" in flat(found)[0][1]


def test_empty_files_are_errors():
    for raw in (b"", b"  \n\t\n"):
        found = problems()
        assert decode_source(raw, found).text is None
        assert found.has_error and "file is empty" in flat(found)[0][1]


# --- metadata header -----------------------------------------------------------------------

def test_full_width_keys_and_colons_are_normalised_but_values_kept():
    text, changed = normalize_header("Ｔｉｔｌｅ：全角标题ＡＢＣ\nDate：2022-01-01\nSlug: ok\n\nＢｏｄｙ：不是元数据\n")
    assert text.startswith("Title:全角标题ＡＢＣ\nDate:2022-01-01\nSlug: ok\n\nＢｏｄｙ：")
    assert [(line, key) for line, _, key in changed] == [(1, "Title:"), (2, "Date:")]
    assert field_lines(text) == {"title": 1, "date": 2, "slug": 3}


def test_chinese_dates_are_read_as_iso():
    assert chinese_date_to_iso("2022年8月10日") == "2022-08-10"
    assert chinese_date_to_iso("2022 年 12 月 1 日 10:30") == "2022-12-01 10:30"
    assert chinese_date_to_iso("2022-13-45") == "2022-13-45"


# --- the HTML allowlist --------------------------------------------------------------------

VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<iframe srcdoc='&lt;script&gt;alert(1)&lt;/script&gt;'></iframe>",
    "<a href='javascript:alert(1)'>x</a>",
    "<a href=' JaVaScRiPt:alert(1)'>x</a>",
    "<a href='java&#x09;script:alert(1)'>x</a>",
    "<a href='&#106;avascript:alert(1)'>x</a>",
    "<a href='vbscript:msgbox(1)'>x</a>",
    "<a href='data:text/html,<script>alert(1)</script>'>x</a>",
    "<img src='data:image/svg+xml,<svg onload=alert(1)>'>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<style>@import 'javascript:alert(1)'</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<base href='javascript:alert(1)//'>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<!--<img src=x onerror=alert(1)>-->",
    "<p>x</p><template><img src=x onerror=alert(1)></template>",
    "<a href=\"#\" onclick=\"alert(1)\">x</a>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
]


@pytest.mark.parametrize("vector", VECTORS)
def test_known_xss_vectors_are_neutralised(vector):
    cleaned = clean_body(vector)
    soup = BeautifulSoup(cleaned, "html.parser")
    for element in soup.find_all(True):
        assert element.name in BODY_TAGS, cleaned
        for attr, value in element.attrs.items():
            assert not attr.startswith("on") and attr != "style", cleaned
            if attr in ("href", "src"):
                assert not value.replace("\t", "").strip().lower().startswith(
                    ("javascript:", "vbscript:", "data:")), cleaned
    assert clean_body(cleaned) == cleaned, "cleaning must be idempotent"
    if "alert" in vector and "<!--" not in vector:
        assert body_findings(vector), f"nothing reported for {vector}"


def test_markdown_output_and_editors_markup_survive():
    fragment = (
        '<h2 id="zai-dang-qun">在党群共建上</h2><p><strong>粗</strong><em>斜</em><code>c</code>'
        '<a href="https://example.org/a?b=1&amp;c=2" title="t">外链</a><a href="{filename}/articles/x.md">内链</a>'
        '<a href="mailto:gh@example.org">信</a><a href="tel:12351">热线</a></p>'
        '<img src="{static}/images/a.jpg" alt="图" width="300"><figure><figcaption>注</figcaption></figure>'
        '<table><thead><tr><th align="center">甲</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>'
        '<ol start="3"><li id="fn:1">脚注<a class="footnote-backref" href="#fnref:1">↩</a></li></ol>'
        '<pre><code class="language-python">x = 1 &lt; 2</code></pre><blockquote><p>引</p></blockquote>'
        'H<sub>2</sub>O<sup>1</sup><abbr title="全国总工会">全总</abbr><hr><br>')
    cleaned = clean_body(fragment)
    assert body_findings(fragment) == [f for f in body_findings(fragment) if f.kind == "external-image"]
    soup = BeautifulSoup(cleaned, "html.parser")
    assert [a["href"] for a in soup.find_all("a")] == [
        "https://example.org/a?b=1&c=2", "{filename}/articles/x.md", "mailto:gh@example.org", "tel:12351",
        "#fnref:1"]
    assert all(a["rel"] == ["noopener"] for a in soup.find_all("a"))
    assert soup.find("img")["src"] == "{static}/images/a.jpg"
    assert soup.find("h2")["id"] == "zai-dang-qun" and soup.find("th")["align"] == "center"
    assert soup.find("code", class_="language-python").get_text() == "x = 1 < 2"
    for tag in ("figure", "figcaption", "table", "ol", "li", "pre", "blockquote", "sub", "sup", "abbr", "hr"):
        assert soup.find(tag), tag


def test_findings_point_to_source_lines():
    source = ["Title: t", "", "正文", "<iframe src='x'></iframe>", "[a](javascript:alert(1))"]
    html = "<p>正文</p><iframe src='x'></iframe><p><a href=\"javascript:alert(1)\">a</a></p>"
    found = problems()
    cleaned = sanitize_body(html, source, found, body_start=2)
    assert "iframe" not in cleaned and "javascript" not in cleaned
    texts = [t for _, t in flat(found)]
    assert texts[0].startswith("content/articles/x.md: line 4: <iframe> removed — ")
    assert texts[1].startswith("content/articles/x.md: line 5: javascript: link or image address removed")
    assert line_of(source, "TITLE") == 1 and line_of(source, "nowhere") is None


def test_external_images_are_kept_but_reported():
    found = problems()
    cleaned = sanitize_body('<img src="https://cdn.example/a.jpg" alt="x">', [], found)
    assert 'src="https://cdn.example/a.jpg"' in cleaned
    assert "will not display" in flat(found)[0][1] and "content/images/" in flat(found)[0][1]


def encoded(text: str, times: int) -> str:
    """`text` HTML-escaped `times` times (&lt; → &amp;lt; → &amp;amp;lt; …)."""
    for _ in range(times):
        text = html.escape(text, quote=False)
    return text


@pytest.mark.parametrize("value, expected, removed", [
    ("安全感源自“白纸黑字”的保障", "安全感源自“白纸黑字”的保障", False),
    ("工会 Union 2.0：AI helps 快递小哥", "工会 Union 2.0：AI helps 快递小哥", False),
    ("😀职工之家🎉 𠀀𪚥𰻞", "😀职工之家🎉 𠀀𪚥𰻞", False),
    ("全角ＡＢＣ　１２３！", "全角ＡＢＣ　１２３！", False),
    ("PM2.5<35 & AT&T", "PM2.5<35 & AT&T", False),
    ("浙江省>台州市>黄岩区", "浙江省>台州市>黄岩区", False),
    ("a < b > c", "a < b > c", False),
    ('工会推出"职工之家"品牌', '工会推出"职工之家"品牌', False),
    ("It's \"quoted\" & fine", "It's \"quoted\" & fine", False),
    ("职工之家<script>alert(1)</script>建设", "职工之家建设", True),
    ("<img src=x onerror=alert(1)>副题", "副题", True),
    ('"><svg onload=alert(1)>来源', '">来源', True),
    ("x</title><script>alert(1)</script>", "x", True),
    ("<<script>alert(1)</script>x", "", True),  # "<x" after one round is a tag too
    ("<<script></script>img src=x onerror=alert(1)>图", "图", True),
    ("&lt;<b></b>&lt;<i></i>script>x", "<", True),
    ("&lt;script&gt;alert(1)&lt;/script&gt;栏目", "栏目", True),
    ("&amp;lt;/title&amp;gt;双重", "双重", True),
    (encoded("</title><meta http-equiv=refresh content=0;url=https://evil.example>六重", 6), "六重", True),
    (encoded("<script>alert(1)</script>十重", 10), "十重", True),
    (encoded('"><img src=x onerror=alert(1)>', 30), '">', True),
    ("&#x3c;script&#x3e;x&#60;/script&#62;数字实体", "数字实体", True),
    ("&ltscript&gtx&lt/script&gt无分号", "无分号", True),
])
def test_metadata_becomes_plain_text(value, expected, removed):
    """Tags go (reported), entities are decoded however often they were encoded; quotes stay:
    the theme escapes every field (autoescape), this only keeps markup out of the value."""
    assert clean_text(value) == (expected, removed)
    text, _ = clean_text(value)
    assert not re.search(r"<[A-Za-z!/?]", text) and clean_text(text) == (text, False)
    assert html.unescape(text) == text, "nothing left that a browser (or striptags) would decode"


# --- checks --------------------------------------------------------------------------------

def test_deep_lists_are_refused_before_markdown_sees_them():
    shallow = [("    " * level) + "- x" for level in range(50)]
    deep = shallow + ["    " * 50 + "- x"]
    assert check_nesting(shallow, problems())
    found = problems()
    assert not check_nesting(deep, found)
    assert "line 51" in flat(found)[0][1] and found.has_error


def test_status_is_checked_and_spelled_as_pelican_wants():
    from union_guard.checks import check_status

    found = problems()
    assert check_status("Draft", 4, found) == "draft" and check_status("published", 4, found) == "published"
    assert check_status("publish", 4, found) is None
    assert flat(found) == [(ERROR, "content/articles/x.md: field Status (line 4): 'publish' is not a status"
                                   " — write published, draft or hidden")]


def test_slugs_are_checked_and_repaired():
    found = problems()
    assert check_slug("an-ji-kuai-di", 3, found, pinyin_slug) == "an-ji-kuai-di" and not found.items
    assert check_slug("安吉 快递", 3, found, pinyin_slug) == "an-ji-kuai-di"
    assert check_slug('"><', 3, found, pinyin_slug) is None
    assert all("field Slug (line 3)" in t for _, t in flat(found))
    assert fallback_slug("🎉🎉", "emoji-only", found, pinyin_slug) == "emoji-only"
    assert fallback_slug("🎉", "🎉", problems(), pinyin_slug).startswith("article-")
    assert fallback_slug("工会", "x", problems(), pinyin_slug) is None


def item(path, date=None, slug="same"):
    return SimpleNamespace(source_path=path, date=date, slug=slug, lang="zh-cn", status="published")


def test_older_article_keeps_a_shared_slug_whatever_the_reading_order():
    old = item("b.md", datetime(2021, 1, 1))
    new = item("a.md", datetime(2021, 6, 1))
    assert choose_survivor(old, new) == (old, new) and choose_survivor(new, old) == (old, new)
    same_day = item("c.md", datetime(2021, 6, 1))
    assert choose_survivor(same_day, new) == (new, same_day)
    registry = SlugRegistry()
    assert registry.claim(new) is None
    assert registry.claim(old) == (old, new) and registry.dropped == {"a.md"}
    assert registry.claim(item("d.md", slug="other")) is None
    assert registry.claim(item("e.md", datetime(2021, 1, 1), slug="x")) is None
    draft = item("f.md", datetime(2021, 1, 1), slug="x")
    draft.status = "draft"
    assert registry.claim(draft) is None, "a draft is written under drafts/: no clash"


def test_metadata_cleaning_holds_for_generated_mixtures():
    """Seeded mixtures of tag starts, entities and quotes: the invariants hold for every one."""
    import random

    pieces = ["<", ">", "&lt;", "&amp;", "&#60;", "&quot;", '"', "'", "/", "script", "img", " src=x",
              " onerror=alert(1)", "</", "title", "<!--", "-->", "工会", "&", "#", ";", "svg", "=", "x"]
    rng = random.Random(7)
    for _ in range(3000):
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        text, _ = clean_text(value)
        assert not re.search(r"<[A-Za-z!/?]", text), (value, text)
        assert html.unescape(text) == text, (value, text)


def test_size_limits():
    from union_guard.checks import check_size

    found = problems()
    assert check_size(200_000, found) and found.items == []
    assert check_size(400_000, found) and "400 KB" in flat(found)[0][1] and not found.has_error
    found = problems()
    assert not check_size(5_000_000, found) and found.has_error
    assert "5.0 MB, over the 2.0 MB limit" in flat(found)[0][1]
    assert check_size(5_000_000, problems(), max_bytes=10_000_000)


def test_everything_markdown_extra_writes_passes_without_a_report():
    """Tables with alignment, attr_list, definition lists, footnotes, abbreviations, fenced code,
    markdown in HTML, with the site's own MARKDOWN settings: nothing to report, nothing lost."""
    import copy

    import markdown

    import pelicanconf

    config = copy.deepcopy(pelicanconf.MARKDOWN)
    converter = markdown.Markdown(extensions=list(config["extension_configs"]),
                                  extension_configs=config["extension_configs"],
                                  output_format=config.get("output_format", "html5"))
    source = "\n".join([
        "## 小标题 {: #custom-id .lead }", "", "| 左 | 中 | 右 |", "| :-- | :-: | --: |", "| a | b | c |", "",
        "术语", ":   定义", "", "脚注[^1]，缩写 HTML。", "", "*[HTML]: Hyper Text Markup Language", "",
        "[^1]: 脚注内容。", "", "```python", "x = 1 < 2", "```", "", '<div markdown="1">', "**粗体**", "</div>",
        "", "> 引用", "", "![图](/images/a.jpg \"题\")"])
    fragment = converter.convert(source)
    assert body_findings(fragment) == []
    soup = BeautifulSoup(clean_body(fragment), "html.parser")
    assert [th["align"] for th in soup.find_all("th")] == ["left", "center", "right"]
    assert soup.find("h2")["id"] == "custom-id" and soup.find("h2")["class"] == ["lead"]
    assert soup.find("abbr")["title"] and soup.find("dl") and soup.select_one("div.footnote li#fn\\:1")
    assert soup.select_one("sup#fnref\\:1 a.footnote-ref")["href"] == "#fn:1"
    assert soup.find("code", class_="language-python").get_text() == "x = 1 < 2\n"
    assert soup.find("img")["src"] == "/images/a.jpg" and soup.find("img")["title"] == "题"


def test_overrides_that_would_misplace_a_story_are_dropped():
    from union_guard.checks import check_override

    found = problems()
    assert check_override("lang", "zh-CN", 3, found) == "zh-CN"
    assert check_override("save_as", "articles/2022/x/index.html", 3, found)
    assert found.items == []
    for name, value in [("lang", "zh<b>"), ("save_as", "../../evil.html"), ("save_as", "/etc/x.html"),
                        ("url", "javascript:x"), ("url", "a/../../b/")]:
        assert check_override(name, value, 3, found) is None, (name, value)
    assert len(found.items) == 5 and all(level == WARNING for level, _ in flat(found))
    assert "field URL (line 3): 'javascript:x' cannot be used; ignored" in flat(found)[3][1]


@pytest.mark.parametrize("value, kind, ok", [
    ("article", "article", True), ("page", "page", True),
    ("page", "article", False),      # page.html reads `page`, which an article does not have
    ("article", "page", False),
    ("tag", "article", False),       # a listing template: needs articles_page, tag …
    ("index", "page", False), ("base", "article", False), ("../base", "article", False),
    ("nonexistent", "article", False), ("Article", "article", False), ("", "article", False),
])
def test_template_must_name_a_template_for_that_kind(value, kind, ok):
    from union_guard.checks import check_template

    found = problems()
    allowed = {"article": ["article"], "page": ["page"]}[kind]
    assert check_template(value, kind, allowed, 4, found) is ok
    if not ok:
        [(level, text)] = flat(found)
        assert level == ERROR and "field Template (line 4)" in text and f"template for {kind}s" in text
