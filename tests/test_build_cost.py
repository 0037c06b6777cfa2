"""What makes a rebuild cheap, and proof that it changes nothing: incremental page writes, URLs
formatted once, per-article caches (reading statistics, slugs, tags without the gazetteer).

The speed itself is measured by `make bench`, never here; these tests check that every cache
gives exactly what computing afresh gives, and that the work is really skipped.
"""

import json
import shutil
from pathlib import Path

import jinja2
import pytest

from benchmarks import corpus
from sitebuild import PROJECT_DIR, build_site
from union_core.store import JsonStore
from union_site import incremental

PLUGINS = ["union_guard", "union_site", "union_tags"]


# -- union_core.store ----------------------------------------------------------------------------

def test_store_keeps_what_a_build_used_for_the_same_code(tmp_path):
    path = tmp_path / "c" / "store.json"
    store = JsonStore(path, "v1")
    store.put("a", [1, "甲"])
    store.put("b", 2)
    store.save()
    again = JsonStore(path, "v1").load()
    assert again.get("a") == [1, "甲"] and again.hits == 1
    again.save()                                        # "b" was not used by this build: dropped
    assert JsonStore(path, "v1").load().stored == {"a": [1, "甲"]}
    assert JsonStore(path, "v2").load().stored == {}    # other code: nothing reused
    path.write_text("{half", encoding="utf-8")
    assert JsonStore(path, "v1").load().stored == {}    # unreadable: ignored
    assert list(path.parent.iterdir()) == [path]        # no temporary file left behind


def test_consumed_store_leaves_no_file_until_saved(tmp_path):
    path = tmp_path / "pages.json"
    store = JsonStore(path, "v")
    store.put("index.html", ["d", 1, 2])
    store.save()
    loaded = JsonStore(path, "v").load(consume=True)
    assert loaded.get("index.html") == ["d", 1, 2]
    assert not path.exists()   # a build killed now leaves no record: the next one renders all
    loaded.save()
    assert path.exists()


# -- digests of template values ----------------------------------------------------------------

def _article(title="标题", body="<p>正文</p>", slug="a", **metadata):
    import datetime as dt

    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG

    meta = {"title": title, "date": dt.datetime(2024, 5, 1), "slug": slug, **metadata}
    return Article(body, meta, settings=dict(DEFAULT_CONFIG), source_path=f"/c/{slug}.md")


def test_digests_follow_what_a_template_can_show():
    tokens = incremental.Tokens
    first, same = _article(), _article()
    assert tokens().value(first) == tokens().value(same)
    assert tokens().value(first) != tokens().value(_article(body="<p>正文改了</p>"))
    related = _article(title="相关", slug="r")
    first.related, same.related = [related], [_article(title="相关", slug="r")]
    assert tokens().value(first) == tokens().value(same)
    # the article's own page shows its related stories: their text counts
    same.related[0].description = "改过的摘要"
    assert tokens().value(first) != tokens().value(same)
    # in a listing, a story's related stories count by identity only
    assert tokens().value([first]) == tokens().value([same])
    same.related[0].title = "相关（改）"
    assert tokens().value([first]) != tokens().value([same])


def test_values_without_a_stable_digest_are_never_trusted():
    with pytest.raises(incremental.Unstable):
        incremental.Tokens().value({"filter": object()})
    first = incremental.settings_digest({"SITENAME": "工会通讯", "JINJA_FILTERS": {"x": object()}})
    second = incremental.settings_digest({"SITENAME": "工会通讯", "JINJA_FILTERS": {"x": object()}})
    assert first != second
    assert incremental.settings_digest({"A": 1, "LOAD_CONTENT_CACHE": True}) == \
        incremental.settings_digest({"A": 1, "LOAD_CONTENT_CACHE": False})


def test_template_names_cover_extends_includes_and_imports():
    env = jinja2.Environment(loader=jinja2.DictLoader({
        "base.html": "{{ SITENAME }}{% block content %}{% endblock %}{% include 'missing.html' ignore missing %}",
        "part.html": "{{ list_articles }}",
        "macros.html": "{% macro m() %}{{ FROM_MACRO }}{% endmacro %}",
        "page.html": "{% extends 'base.html' %}{% import 'macros.html' as mac %}"
                     "{% block content %}{{ article.title }}{% include 'part.html' %}{% endblock %}",
        "dynamic.html": "{% include chosen %}",
    }))
    names = incremental.template_names(env.get_template("page.html"))
    assert {"SITENAME", "article", "list_articles", "FROM_MACRO"} <= names
    assert incremental.template_names(env.get_template("dynamic.html")) is None


def test_urls_are_formatted_once_and_stay_what_pelican_computes(monkeypatch):
    from pelican.contents import Content

    from union_site.urls import freeze_urls

    articles = [_article(slug=f"s{i}") for i in range(3)]
    explicit = _article(slug="e", url="custom/place/")
    expected = [a.url for a in articles]

    class Generator:
        pass

    generator = Generator()
    generator.articles, generator.drafts = articles, [explicit]
    assert freeze_urls([generator]) == 3
    calls = []
    real = Content._expand_settings
    monkeypatch.setattr(Content, "_expand_settings", lambda self, *a, **k: calls.append(1) or real(self, *a, **k))
    assert [a.url for a in articles] * 10 == expected * 10 and calls == []
    assert explicit.url == "custom/place/"


# -- per-article caches ---------------------------------------------------------------------------

def test_slugs_come_from_the_store_without_transliterating(tmp_path, monkeypatch):
    import union_text.pinyin
    from union_site.slugs import Transliterations

    store = JsonStore(tmp_path / "s.json", "v")
    assert Transliterations(store)("工会动态") == "gong hui dong tai"
    store.save()
    monkeypatch.setattr(union_text.pinyin, "transliterate", lambda text: pytest.fail("transliterated"))
    cached = Transliterations(JsonStore(tmp_path / "s.json", "v").load())
    assert cached("工会动态") == "gong hui dong tai"


def test_reading_statistics_are_cached_by_content(monkeypatch):
    from union_site import glue

    monkeypatch.setattr(glue, "_state", glue.SiteState(JsonStore()))
    settings = {"UNION_READING_CHARS_PER_MINUTE": 400}
    first = _article(body="<p>" + "工会" * 500 + "</p>")
    first.settings.update(settings)
    glue.add_reading_stats(first)
    assert (first.char_count, first.reading_minutes) == (1000, 3)
    monkeypatch.setattr(glue, "html_to_text", lambda html: pytest.fail("text extracted again"))
    again = _article(body="<p>" + "工会" * 500 + "</p>")
    again.settings.update(settings)
    glue.add_reading_stats(again)
    assert (again.char_count, again.reading_minutes, again.description) == \
        (first.char_count, first.reading_minutes, first.description)


def test_cached_tags_need_no_gazetteer(tmp_path, monkeypatch):
    from union_core.settings import apply_defaults
    from union_tags import glue
    from union_tags.gazetteer import load_gazetteer
    from union_tags.settings import DEFAULTS

    settings = apply_defaults({"CACHE_PATH": str(tmp_path), "LOAD_CONTENT_CACHE": True}, DEFAULTS)
    body = "<p>台州市黄岩区总工会在院桥镇开展困难职工帮扶。</p>"

    def tagged():
        article = _article(title="黄岩区总工会开展帮扶", body=body)
        article.settings.update(settings)
        glue.apply_tags(article)
        return article

    glue.open_cache(settings)
    first = tagged()
    glue.save_cache()
    gaz = load_gazetteer()
    assert [c["name"] for c in first.region_breadcrumb] == [p.name for p in gaz.path(first.primary_region["code"])]
    assert [c["url"] for c in first.region_breadcrumb][-1] == f"regions/{gaz.slug(first.primary_region['code'])}/"

    glue.open_cache(settings)   # the next build: every tag from the cache
    monkeypatch.setattr(glue, "load_gazetteer", lambda: pytest.fail("gazetteer loaded"))
    monkeypatch.setattr(glue, "tag_story", lambda *a, **k: pytest.fail("tagged again"))
    second = tagged()
    assert (second.regions, second.topics, second.region_breadcrumb) == \
        (first.regions, first.topics, first.region_breadcrumb)
    second.regions[0]["url"] = "changed"        # each article gets its own dicts
    assert tagged().regions[0]["url"] != "changed"
    book = glue._state.places
    code = first.primary_region["code"]
    assert [(p.code, p.name, p.level) for p in book.path(code)] == \
        [(p.code, p.name, p.level) for p in gaz.path(code)]
    glue.open_cache({**settings, "UNION_TAGS_CACHE": False})


# -- incremental writes, end to end ----------------------------------------------------------------

def _tree(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _mtimes(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*.html")}


def _build(output: Path, content: Path, load: bool, **settings):
    build_site(output, content, settings={"PLUGINS": PLUGINS, "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": load,
                                          "CHECK_MODIFIED_METHOD": "md5", **settings})


def _assert_same_as_fresh(rebuilt: Path, content: Path, fresh: Path, **settings):
    """The incremental rebuild holds exactly what a fresh build of the same content writes."""
    _build(fresh, content, False, UNION_INCREMENTAL_WRITES=False, **settings)
    ours, theirs = _tree(rebuilt), _tree(fresh)
    assert set(theirs) <= set(ours)   # Pelican never deletes output: only files no longer written remain
    assert [name for name in theirs if ours[name] != theirs[name]] == []


def _append(path: Path, text: str):
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + text + "\n", encoding="utf-8")


def _replace(path: Path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.build
def test_rebuilds_render_only_what_changed_and_equal_a_fresh_build(tmp_path):
    content = corpus.write_corpus(30, tmp_path / "corpus")
    articles = sorted((content / "articles").rglob("*.md"))
    site = tmp_path / "site" / "output"
    _build(site, content, False)
    pages = _mtimes(site)

    # one sentence appended: that story's page, the listings that show it, little else
    edited = articles[7]
    _append(edited, "（编者按：本文有修订。）")
    _build(site, content, True)
    after = _mtimes(site)
    rendered = {name for name in after if after[name] != pages[name]}
    slug = next(line.split(": ", 1)[1] for line in edited.read_text(encoding="utf-8").splitlines()
                if line.startswith("Slug:"))
    assert any(slug in name for name in rendered)
    assert 0 < len(rendered) < len(pages) // 3
    assert any(name.startswith("regions/") for name in set(pages) - rendered)   # region pages were kept
    _assert_same_as_fresh(site, content, tmp_path / "fresh-1" / "output")

    # a title, a new story, an editor's topic override, a page someone changed by hand
    _replace(articles[3], "Title: ", "Title: 改题：")
    new = articles[11].with_name("b09999-xin-gao.md")
    shutil.copy(articles[11], new)
    _replace(new, "Slug: ", "Slug: x")
    _append(articles[20], "")
    _replace(articles[20], "Status: published", "Status: published\nTopics: 维权")
    damaged = site / next(name for name in sorted(pages) if name.startswith("regions/") and name != "regions/index.html")
    damaged.write_text("<p>edited by hand</p>", encoding="utf-8")
    _build(site, content, True)
    _assert_same_as_fresh(site, content, tmp_path / "fresh-2" / "output")

    # a setting every page shows: everything is rendered again
    before = _mtimes(site)
    _build(site, content, True, SITESUBTITLE="新的副标题")
    after = _mtimes(site)
    assert [name for name in _mtimes(tmp_path / "fresh-2" / "output") if after[name] == before[name]] == []
    _assert_same_as_fresh(site, content, tmp_path / "fresh-3" / "output", SITESUBTITLE="新的副标题")

    # nothing changed: nothing rendered; and with the record off, or no cache loaded, all of it
    written = set(_mtimes(tmp_path / "fresh-3" / "output"))   # (old files Pelican no longer writes stay)
    before = _mtimes(site)
    _build(site, content, True, SITESUBTITLE="新的副标题")
    assert _mtimes(site) == before
    _build(site, content, True, SITESUBTITLE="新的副标题", UNION_INCREMENTAL_WRITES=False)
    after = _mtimes(site)
    assert [name for name in written if after[name] == before[name]] == []
    before = after
    _build(site, content, False, SITESUBTITLE="新的副标题")
    after = _mtimes(site)
    assert [name for name in written if after[name] == before[name]] == []


@pytest.mark.build
def test_a_template_change_renders_the_pages_that_use_it(tmp_path):
    content = corpus.write_corpus(12, tmp_path / "corpus")
    theme = tmp_path / "theme"
    shutil.copytree(PROJECT_DIR / "theme", theme)
    site = tmp_path / "site" / "output"
    _build(site, content, False, THEME=str(theme))
    before = _mtimes(site)
    _replace(theme / "templates" / "partials" / "article_list.html", '<ol class="story-list{',
             '<ol data-changed="1" class="story-list{')
    _build(site, content, True, THEME=str(theme))
    after = _mtimes(site)
    assert all(after[name] != before[name] for name in before)   # the theme is part of every digest
    assert "data-changed" in (site / "index.html").read_text(encoding="utf-8")
    _assert_same_as_fresh(site, content, tmp_path / "fresh" / "output", THEME=str(theme))


def test_record_is_consumed_when_a_build_starts(tmp_path, monkeypatch):
    from union_core.settings import apply_defaults
    from union_site import glue
    from union_site.settings import DEFAULTS

    settings = apply_defaults({"CACHE_PATH": str(tmp_path), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True,
                               "OUTPUT_PATH": str(tmp_path / "out"), "THEME": str(PROJECT_DIR / "theme")}, DEFAULTS)

    class Pelican:
        pass

    pelican = Pelican()
    pelican.settings = settings
    monkeypatch.setattr(glue, "_state", glue.SiteState(JsonStore()))
    writer = glue.get_writer(pelican)
    glue._state.pages.store.put("index.html", ["d", 1, 1])
    glue.save_store()
    record = tmp_path / glue.PAGES_NAME
    assert writer is not None and json.loads(record.read_text(encoding="utf-8"))["entries"]
    glue.get_writer(pelican)
    assert glue._state.pages.store.stored == {"index.html": ["d", 1, 1]} and not record.exists()
    assert glue.get_writer(type("P", (), {"settings": {**settings, "UNION_INCREMENTAL_WRITES": False}})()) is None


# -- union_guard's reading, faster and the same --------------------------------------------------

def _corpus_html(tmp_path, n=60):
    import copy

    import markdown

    import pelicanconf

    content = corpus.write_corpus(n, tmp_path / "corpus")
    config = copy.deepcopy(pelicanconf.MARKDOWN)
    converter = markdown.Markdown(extensions=list(config["extension_configs"]),
                                  extension_configs=config["extension_configs"], output_format="html5")
    return [converter.reset().convert(path.read_text(encoding="utf-8"))
            for path in sorted((content / "articles").rglob("*.md"))]


# what the scanner must catch, put into real article HTML at random places
MARKUP_THE_SCANNER_REPORTS = [
    '<a href="javascript:alert(1)">x</a>', '<img src="http://example.org/a.png">', '<p onclick="x()">',
    '<a href="&#106;avascript:x">', '<span style="color:red">', '<script>x</script>',
    '<scr<script>ipt>', '<iframe src="/x"></iframe>', '<a href="data:text/html,x">', '<img src=x onerror=y>',
    '<svg><g/></svg>', '<a href="vbscript:x">', '<a hReF="javascript:x">',
    '<form action="/x">', '<a href="java\tscript:x">', '<math>', '<object data="x">', '<p\tonclick="x">',
]
HARMLESS_MARKUP = ['<!-- note -->', '<a href="https://example.org/a?b=1&amp;c=2">外链</a>', '<br/>',
                   '<abbr title="全国总工会">全总</abbr>', '<span class="x">y</span>', '&lt;script&gt;',
                   '<P>', "<a href='x'>y</a>", '<td style="text-align: left;">']


def test_fast_check_never_passes_what_the_scanner_reports(tmp_path):
    import random

    from test_hostile_units import VECTORS
    from union_guard import sanitize

    def scanned(fragment):
        scanner = sanitize._Scanner()
        scanner.feed(sanitize.table_alignment_as_attribute(fragment))
        scanner.close()
        return dict(scanner.found)

    bodies = _corpus_html(tmp_path)
    fragments = list(VECTORS) + MARKUP_THE_SCANNER_REPORTS + HARMLESS_MARKUP
    rng = random.Random(11)
    for body in bodies:
        for snippet in rng.sample(MARKUP_THE_SCANNER_REPORTS + HARMLESS_MARKUP, 6):
            cut = rng.randrange(len(body))
            fragments.append(body[:cut] + snippet + body[cut:])
    for fragment in fragments:
        if sanitize.plainly_allowed(fragment):
            assert scanned(fragment) == {}, fragment
    for snippet in MARKUP_THE_SCANNER_REPORTS:
        assert scanned(snippet) and not sanitize.plainly_allowed(snippet), snippet
    # and it is what decides for ordinary articles: the pure-Python scanner is the exception
    passed = [body for body in bodies if sanitize.plainly_allowed(body)]
    assert len(passed) >= 0.9 * len(bodies)
    assert all(sanitize.body_findings(body) == [] for body in bodies)


def test_one_markdown_instance_reads_every_file_as_a_new_one_would(tmp_path):
    from pelican.settings import DEFAULT_CONFIG

    import pelicanconf
    from tests.fixtures.hostile.corpus import write_corpus as write_hostile
    from union_core.settings import apply_defaults
    from union_guard.problems import PROBLEMS_KEY
    from union_guard.reader import GuardedMarkdownReader
    from union_guard.settings import DEFAULTS

    content = corpus.write_corpus(30, tmp_path / "corpus")
    hostile = write_hostile(tmp_path / "hostile")
    files = sorted((content / "articles").rglob("*.md")) + sorted(Path(hostile).rglob("*.md"))
    assert len(files) > 50

    def settings():
        values = apply_defaults({**DEFAULT_CONFIG, "MARKDOWN": json.loads(json.dumps(pelicanconf.MARKDOWN)),
                                 "THEME": str(PROJECT_DIR / "theme"), "SLUGIFY_SOURCE": "title",
                                 # spread-links.md needs ~10 s: well over this limit on any machine
                                 "UNION_GUARD_MARKDOWN_SECONDS": 3}, DEFAULTS)
        return values

    def comparable(result):
        html, metadata = result
        problems = [(p.level, p.message, p.field, tuple(p.lines or ())) for p in metadata.pop(PROBLEMS_KEY, ())]
        return html, {key: str(value) for key, value in metadata.items()}, problems

    shared = GuardedMarkdownReader(settings())
    for path in files:
        assert comparable(shared.read(str(path))) == comparable(GuardedMarkdownReader(settings()).read(str(path))), path


def test_story_cards_render_once_per_story_and_depth_and_read_as_in_place():
    from union_site.cards import StoryCards

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(PROJECT_DIR / "theme" / "templates")),
                             trim_blocks=True, lstrip_blocks=True)
    template = env.get_template("partials/article_list.html")
    stories = [_article(title=f"标题{i}", slug=f"s{i}", column="劳模工匠") for i in range(3)]
    for story in stories:
        story.description, story.primary_region_name = "摘要 <b>", "黄岩区"
    in_place = {depth: template.render(list_articles=stories, SITEURL=depth) for depth in ("..", "../..")}
    cards = StoryCards()
    env.globals["union_story_card"] = cards
    for _ in range(3):
        for depth in ("..", "../.."):
            assert template.render(list_articles=stories, SITEURL=depth) == in_place[depth]
    assert cards.rendered == 6   # 3 stories × 2 depths, however many lists show them
    assert 'href="../../' in in_place["../.."] and "标题2" in in_place[".."]


def test_related_stories_are_reused_while_places_and_topics_stay(monkeypatch):
    import datetime as dt

    from union_tags import glue, site

    def story(i, county, topics):
        article = _article(title=f"稿{i}", slug=f"s{i:02d}")
        article.date = dt.datetime(2024, 1, 1) + dt.timedelta(days=i)
        article.regions = [{"code": county, "primary": True, "path_codes": ["33", county[:4], county]}]
        article.topics = [{"slug": t} for t in topics]
        return article

    def stories():
        return [story(i, "331003" if i % 2 else "330726", ["bang-fu"] if i % 3 else ["wei-quan"]) for i in range(20)]

    monkeypatch.setattr(glue, "_state", glue.TagState(glue.TagCache()))
    generator = object.__new__(glue.TagPagesGenerator)
    first = stories()
    generator.set_related(first, first, 5)
    expected = [[a.slug for a in s.related] for s in first]
    assert expected == [[a.slug for a in site.related_articles(s, first, 5)] for s in first]

    monkeypatch.setattr(glue, "RelatedIndex", lambda *a: pytest.fail("computed again"))
    second = stories()
    second[4]._content = "<p>正文改了</p>"   # the body does not matter to related stories
    generator.set_related(second, second, 5)
    assert [[a.slug for a in s.related] for s in second] == expected
    assert all(a in second for s in second for a in s.related)   # this build's objects

    third = stories()
    third[4].topics = [{"slug": "chan-gai"}]
    with pytest.raises(pytest.fail.Exception):
        generator.set_related(third, third, 5)


def test_character_count_is_one_per_han_character_and_latin_word(tmp_path):
    import re

    from union_site.text_stats import count_characters, html_to_text

    han = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
    latin = re.compile(r"[A-Za-z0-9]+(?:[.'’-][A-Za-z0-9]+)*")
    texts = [html_to_text(body) for body in _corpus_html(tmp_path, 20)]
    texts += ["", "abc", "𠀀𠀁 工会 2.5km 职工之家！", "﹏ＡＢＣ 　工", "ｘ" * 3]
    for text in texts:
        assert count_characters(text) == len(han.findall(text)) + len(latin.findall(text))
