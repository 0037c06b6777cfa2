"""One HTML → text parse per article (union_text.html_text), shared by union_site, union_tags
and union_search.

Each plugin used to convert the HTML itself, three ways.  The references
below are those converters, kept verbatim as the oracle: on every real article
(the seeds as imported, content/, the hostile corpus, generated articles) the
search text must be identical to the BeautifulSoup text search indexed
before, and the tagger's and union_site's views may differ only where the old
regex converters were wrong, in the two intended ways checked here.
"""

from __future__ import annotations

import html
import random
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from union_text.html_text import BLOCK_TAGS, HtmlText, article_text, html_text, html_to_text

PROJECT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- the former converters (oracle)

def bs4_search_text(fragment: str) -> str:
    """union_search.records.html_to_text before this module (BeautifulSoup, html.parser)."""
    soup = BeautifulSoup(fragment or "", "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    for tag in soup.find_all(list(BLOCK_TAGS)):
        tag.insert_after("\n")
    lines = (line.strip() for line in soup.get_text("").splitlines())
    return "\n".join(line for line in lines if line)


_OLD_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|div|tr|pre|figcaption)\s*>|<br\s*/?>|<hr\s*/?>",
                            re.IGNORECASE)


def old_tags_paragraphs(fragment: str) -> str:
    """union_tags.site.html_to_paragraphs before this module."""
    text = _OLD_BLOCK_END.sub("\n\n", fragment or "")
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    paragraphs = (re.sub(r"[ \t\r\f\v]+", " ", p).strip() for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)


def old_site_text(fragment: str) -> str:
    """union_site.text_stats.html_to_text before this module."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment or ""))).strip()


# ---------------------------------------------------------------- real articles, rendered as the build does

def _reader():
    from pelican.settings import read_settings

    from union_core.settings import apply_defaults
    from union_guard.reader import GuardedMarkdownReader
    from union_guard.settings import DEFAULTS

    return GuardedMarkdownReader(apply_defaults(read_settings(str(PROJECT / "pelicanconf.py")), DEFAULTS))


def _seed_articles(directory: Path) -> list[Path]:
    from importer.pipeline import import_page
    from seeds import SEED_PAGES

    paths = []
    for page in SEED_PAGES:
        for number, text in enumerate(import_page(page.read_bytes(), page.name).articles):
            path = directory / f"{page.stem}-{number}.md"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
    return paths


@pytest.fixture(scope="module")
def real_html(tmp_path_factory) -> dict[str, str]:
    """name → body HTML as GuardedMarkdownReader renders it, for every real article we have."""
    from benchmarks.corpus import write_corpus
    from tests.fixtures.hostile.corpus import write_corpus as write_hostile

    root = tmp_path_factory.mktemp("html-text")
    (root / "seeds").mkdir()
    files = {f"seed/{p.name}": p for p in _seed_articles(root / "seeds")}
    files.update({f"content/{p.name}": p for p in sorted((PROJECT / "content").rglob("*.md"))})
    hostile = write_hostile(root / "hostile")
    files.update({f"hostile/{p.name}": p for p in sorted((hostile / "articles" / "hostile").iterdir())})
    generated = write_corpus(120, root / "generated", seed=3)
    files.update({f"generated/{p.name}": p for p in sorted(generated.rglob("*.md"))})
    reader = _reader()
    rendered = {}
    for name, path in files.items():
        if path.suffix != ".md":
            continue  # other readers' files (the hostile corpus has a few)
        body, _ = reader.read(str(path))
        rendered[name] = body
    return rendered


def test_the_corpus_covers_every_source(real_html):
    kinds = {name.split("/")[0] for name in real_html}
    assert kinds == {"seed", "content", "hostile", "generated"}
    assert sum(name.startswith("seed/") for name in real_html) >= 20
    assert sum(name.startswith("hostile/") for name in real_html) >= 20


def test_search_text_is_identical_to_beautifulsoup_on_every_real_article(real_html):
    different = [name for name, body in real_html.items() if html_text(body).text != bs4_search_text(body)]
    assert different == []


def _without_space(text: str) -> str:
    return re.sub(r"\s", "", text)


def _paragraph_ends(paragraphs: str) -> set[int]:
    """Offsets (counting non-space characters) where a paragraph ends."""
    ends, count = set(), 0
    for paragraph in paragraphs.split("\n\n"):
        count += len(_without_space(paragraph))
        ends.add(count)
    return ends


def test_tagger_text_keeps_every_character_and_only_adds_paragraph_breaks(real_html):
    """The old converter ran table cells, list terms and definitions together ("项目数量");
    the new view splits them.  Nothing else may change."""
    changed = []
    for name, body in real_html.items():
        old, new = old_tags_paragraphs(body), html_text(body).paragraphs()
        if old == new:
            continue
        changed.append(name)
        assert _without_space(new) == _without_space(old), name
        assert _paragraph_ends(old) <= _paragraph_ends(new), name
    assert len(changed) <= len(real_html) // 10, changed  # a few raw-HTML articles, not the rest


def test_site_text_keeps_every_character_and_drops_only_spaces_invented_at_inline_markup(real_html):
    """The old converter put a space where any tag was: "H<sub>2</sub>O" read "H 2 O" (three Latin
    words in the character count), "链接到<a>报道</a>。" read "链接到 报道 。" in descriptions."""
    changed = []
    for name, body in real_html.items():
        old, new = old_site_text(body), html_text(body).flat()
        if old == new:
            continue
        changed.append(name)
        assert _without_space(new) == _without_space(old), name
        assert re.sub(" ", "", new) == re.sub(" ", "", old) and new.count(" ") < old.count(" "), name
    assert len(changed) <= len(real_html) // 10, changed


def test_intended_differences_on_inline_markup_and_tables():
    body = ('<p>化学式 H<sub>2</sub>O，链接到<a href="x">报道</a>。</p>'
            "<table><tr><td>项目</td><td>数量</td></tr></table>")
    parsed = html_text(body)
    assert parsed.flat() == "化学式 H2O，链接到报道。 项目 数量"
    assert old_site_text(body) == "化学式 H 2 O，链接到 报道 。 项目 数量"
    assert parsed.paragraphs() == "化学式 H2O，链接到报道。\n\n项目\n\n数量"
    assert old_tags_paragraphs(body) == "化学式 H2O，链接到报道。\n\n项目数量"


# ---------------------------------------------------------------- behaviour

@pytest.mark.parametrize("fragment, text", [
    ("<p>工会&amp;职工 &lt;家&gt;</p>", "工会&职工 <家>"),
    ("<p>第一段<a href='#'>链接</a>文字</p><p>第二段</p>", "第一段链接文字\n第二段"),
    ("<p>的<strong>保障</strong></p>", "的保障"),
    ("<h2>小标题</h2><ul><li>一</li><li>二</li></ul>", "小标题\n一\n二"),
    ("一行<br>二行<br/>三行<hr>四行", "一行\n二行\n三行\n四行"),
    ("<p>前</p><script>alert('<p>x</p>')</script><style>p{}</style><p>后</p>", "前\n后"),
    ("<p>注<!-- 编辑 <p>备注</p> -->释</p>", "注释"),
    ('<p><img alt="a>b" src="x.png">图</p>', "图"),
    ("<p>PM2.5<35，a < b</p>", "PM2.5<35，a < b"),
    ("<pre>第一行\n  第二行\n\n第三行</pre>", "第一行\n第二行\n第三行"),
    ("<P>大写</P><DIV>标签</DIV>", "大写\n标签"),
    ("&amp;lt;p&amp;gt; 不是标签", "&lt;p&gt; 不是标签"),
    ("", ""),
    ("纯文本 &amp; 实体", "纯文本 & 实体"),
])
def test_text_of_fragments(fragment, text):
    assert html_to_text(fragment) == text
    assert html_to_text(fragment) == bs4_search_text(fragment)


def test_entities_decode_per_text_run_as_a_parser_does():
    fragment = "&am<b></b>p;工会"
    assert html_to_text(fragment) == bs4_search_text(fragment) == "&amp;工会"


def test_views_of_one_parse():
    parsed = html_text("<h2>小标题</h2><p>第一段 \t 文字\n续行</p><p>  </p><p>第二段</p>")
    assert parsed.text == "小标题\n第一段 \t 文字\n续行\n第二段"
    assert parsed.paragraphs() == "小标题\n\n第一段 文字\n续行\n\n第二段"
    assert parsed.flat() == "小标题 第一段 文字 续行 第二段"


def test_parsed_text_is_memoised_on_the_article_and_follows_its_html():
    class Article:
        _content = "<p>职工之家</p>"

    article = Article()
    first = article_text(article)
    assert first.text == "职工之家" and article_text(article) is first
    article._content = "<p>爱心驿站</p>"
    assert article_text(article).text == "爱心驿站"
    assert article_text(type("Empty", (), {"_content": None})()) == HtmlText(())


# ---------------------------------------------------------------- generated HTML, cleaned as the build cleans

_INLINE = ["strong", "em", "a", "span", "sub", "sup", "code", "mark", "b", "i"]
_BLOCKS = ["p", "div", "li", "h2", "h3", "blockquote", "td", "th", "dt", "dd", "figcaption", "pre"]
_TEXTS = ["工会", "职工之家", "&amp;", "&lt;", "&#x5de5;", "&nbsp;", " ", "\n", "A", "5.2%", "<", ">", "“引号”", "a > b"]


def _random_fragment(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randint(1, 5)):
        roll = rng.random()
        if roll < 0.4 or depth > 3:
            parts.append(rng.choice(_TEXTS))
        elif roll < 0.65:
            tag = rng.choice(_INLINE)
            parts.append(f"<{tag}>{_random_fragment(rng, depth + 1)}</{tag}>")
        elif roll < 0.9:
            tag = rng.choice(_BLOCKS)
            attrs = rng.choice(["", ' class="x"', ' title="a>b"', " title='c\"d'"])
            parts.append(f"<{tag}{attrs}>{_random_fragment(rng, depth + 1)}</{tag}>")
        else:
            parts.append(rng.choice(["<br>", "<br/>", "<hr>", "<!-- 注释 -->", '<img alt="图>片" src="a.png">',
                                     "<script>var p = '<p>';</script>"]))
    return "".join(parts)


def test_identical_to_beautifulsoup_on_generated_fragments_after_sanitizing():
    from union_guard.sanitize import clean_body

    rng = random.Random(11)
    for _ in range(1500):
        fragment = clean_body(_random_fragment(rng))
        assert html_to_text(fragment) == bs4_search_text(fragment), fragment
