"""union_guard's round-2 modules without a build: which files are read, how much, output paths,
short slugs, complete dates, repeated keys, Markdown limits, the cache stamp, the escaping switch."""

from __future__ import annotations

import os
import signal
import time
from contextlib import contextmanager
from datetime import datetime
from types import SimpleNamespace

import pytest
from markdown import Markdown

import pelicanconf
from sitebuild import PROJECT_DIR
from tests.fixtures.hostile.corpus import CASES, HOSTILE_DIR, cases, md, write_case
from union_guard import content_files, names, outputs
from union_guard.checks import check_repeated_keys, complete_date
from union_guard.header import repeated_keys
from union_guard.markdown_limits import MarkdownTimeout, check_shape, cpu_time_limit, unclosed_tags
from union_guard.problems import ERROR, Problems

HANG_LIMIT = 60  # seconds: a hang detector, not a speed target (speed lives in benchmarks)


@contextmanager
def no_hang(seconds=HANG_LIMIT):
    """Fail (instead of hanging the suite) when the block runs longer than `seconds` of wall time."""
    def expired(signum, frame):
        raise AssertionError(f"still running after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def problems():
    return Problems("content/articles/x.md")


# --- which files are read --------------------------------------------------------------------

def pelican_walk(root, paths, exclude, extensions=("md",)):
    """Pelican's own Generator.get_files (the unpatched function), for comparison."""
    from pelican.generators import Generator

    original = getattr(Generator.get_files, "__wrapped__", Generator.get_files)
    generator = SimpleNamespace(path=str(root), settings={"IGNORE_FILES": pelicanconf.IGNORE_FILES})
    generator._include_path = lambda path, ext=extensions: Generator._include_path(generator, path, ext)
    return original(generator, paths, exclude, extensions)


def guarded_walk(root, paths, exclude=(), extensions=("md",)):
    from pelican.generators import Generator

    generator = SimpleNamespace(path=str(root), settings={"IGNORE_FILES": pelicanconf.IGNORE_FILES})
    return content_files.walk(str(root), paths, list(exclude), pelicanconf.IGNORE_FILES,
                              lambda path: Generator._include_path(generator, path, extensions))


def test_the_walk_finds_what_pelican_finds_in_real_content():
    for paths, exclude in ((["articles"], ["pages"]), (["pages"], ["articles"]), ([""], [])):
        assert guarded_walk(PROJECT_DIR / "content", paths, exclude).files == \
            pelican_walk(PROJECT_DIR / "content", paths, exclude), paths


def test_the_walk_refuses_special_files_and_links_out_and_follows_links_in(tmp_path):
    content = tmp_path / "content"
    for case in cases(cls="files"):
        if case.kind != "sparse":
            write_case(content, case)
    articles = content / HOSTILE_DIR
    (content / "shared").mkdir()
    (content / "shared" / "inside.md").write_bytes(md("Title: 链接进来的", "Date: 2022-01-01", "", "正文。"))
    os.symlink("../../shared", articles / "linked-inside")
    (articles / "real.md").write_bytes(md("Title: 真文件", "Date: 2022-01-01", "", "正文。"))
    with no_hang():
        found = guarded_walk(content, ["articles"])
    assert found.files == {f"{HOSTILE_DIR}/real.md", f"{HOSTILE_DIR}/linked-inside/inside.md",
                           f"{HOSTILE_DIR}/huge.md"}, "a regular file, however large, is the reader's to refuse"
    refused = {os.path.basename(r.path): r.message for r in found.refused}
    assert set(refused) == {"fifo.md", "zero.md", "urandom.md", "passwd.md", "outside-article.md", "outside-dir",
                            "loop", "broken.md"}
    assert "named pipe" in refused["fifo.md"] and "/dev/zero" in refused["zero.md"]
    assert "a loop" in refused["loop"] and "broken" in refused["broken.md"]
    static = guarded_walk(content, ["images"], extensions=False)
    assert static.files == set() and [r.path for r in static.refused] == ["images/passwd.txt"]


def test_the_walk_reports_nothing_it_would_not_have_read(tmp_path):
    content = tmp_path / "content" / "articles"
    content.mkdir(parents=True)
    os.mkfifo(content / "notes.fifo")            # not a Markdown extension: not a content file
    os.symlink("/etc/passwd", content / "passwd")
    (content / "a.md").write_bytes(md("Title: 甲", "Date: 2022-01-01", "", "正文。"))
    found = guarded_walk(tmp_path / "content", ["articles"])
    assert found.files == {"articles/a.md"} and found.refused == []


def test_reading_checks_the_kind_and_size_before_reading(tmp_path):
    os.mkfifo(tmp_path / "pipe.md")
    with no_hang(10), pytest.raises(content_files.FileRefused, match="named pipe"):
        content_files.read_limited(str(tmp_path / "pipe.md"), 1000)
    with no_hang(10), pytest.raises(content_files.FileRefused, match="device"):
        content_files.read_limited("/dev/zero", 1000)
    huge = tmp_path / "huge.md"
    with open(huge, "wb") as handle:
        handle.truncate(50_000_000_000)  # sparse: 50 GB that a whole read would try to load
    with no_hang(10), pytest.raises(content_files.FileRefused) as refused:
        content_files.read_limited(str(huge), 2_000_000)
    assert refused.value.size == 50_000_000_000
    (tmp_path / "ok.md").write_bytes(b"x" * 10)
    assert content_files.read_limited(str(tmp_path / "ok.md"), 10) == b"x" * 10
    with pytest.raises(content_files.FileRefused):
        content_files.read_limited(str(tmp_path / "ok.md"), 9)


def test_the_cache_stamp_never_reads_a_giant_or_a_device(tmp_path):
    from union_guard.pelican_cache import unread_stamp

    huge = tmp_path / "huge.md"
    with open(huge, "wb") as handle:
        handle.truncate(50_000_000_000)
    with no_hang(10):
        assert unread_stamp(str(huge), 2_000_000).startswith("unread ")
        assert unread_stamp("/dev/zero", 2_000_000).startswith("unread ")
    (tmp_path / "small.md").write_bytes(b"x")
    assert unread_stamp(str(tmp_path / "small.md"), 2_000_000) is None


def test_stale_temporaries_of_killed_saves_are_removed(tmp_path):
    from union_guard.pelican_cache import STALE_TEMPORARY_SECONDS, remove_stale_temporaries

    old, fresh = tmp_path / "a.tmp", tmp_path / "b.tmp"
    old.write_bytes(b"half a pickle")
    fresh.write_bytes(b"a save in progress")
    past = time.time() - STALE_TEMPORARY_SECONDS - 5
    os.utime(old, (past, past))
    assert remove_stale_temporaries(str(tmp_path)) == [str(old)]
    assert fresh.exists() and not old.exists()


# --- output paths ---------------------------------------------------------------------------

def site_settings(**extra):
    """pelicanconf's settings with our plugins' defaults, as Pelican sees them at build time."""
    from pelican.settings import DEFAULT_CONFIG

    from union_core.settings import known_settings

    settings = dict(DEFAULT_CONFIG)
    settings.update({k: v for k, v in vars(pelicanconf).items() if k.isupper()})
    settings.update({k: v for k, v in known_settings().items() if k not in settings})
    settings.update(extra)
    return settings


@pytest.mark.parametrize("path, owner", [
    ("index.html", "the index page"), ("INDEX.html", "the index page"), ("search.html", "the search page"),
    ("404.html", "the 404 page"), ("tag/index.html", "the tags page"), ("tag/x/index.html", "TAG_SAVE_AS"),
    ("category/index.html", "the categories page"), ("author/a/index.html", "AUTHOR_SAVE_AS"),
    ("archives/index.html", "the archives page"), ("archives/2021/09/index.html", "YEAR_ARCHIVE_SAVE_AS"),
    ("regions/index.html", "UNION_REGIONS_INDEX_SAVE_AS"), ("regions/x/index.html", "UNION_REGION_SAVE_AS"),
    ("topics/x/index.html", "UNION_TOPIC_SAVE_AS"), ("search/manifest.json", "SEARCH_EXPORT_DIR"),
    ("theme/css/main.css", "THEME_STATIC_DIR"), ("images/a.png", "STATIC_PATHS"),
    ("catalog.json", "UNION_GUARD_RESERVED_PATHS"), ("sitemap.xml", "UNION_GUARD_RESERVED_PATHS"),
    ("feeds/x.xml", "UNION_GUARD_RESERVED_PATHS"), ("page/2/index.html", "PAGINATION_PATTERNS"),
    ("articles/2022/x/index.html", None), ("about/index.html", None), ("drafts/x/index.html", None),
    ("x.html", None), ("authors/index.html", None),
])
def test_reserved_outputs_come_from_the_settings(path, owner):
    found = outputs.reserved_outputs(site_settings()).owner(outputs.output_file(path))
    assert (found and owner in found[1]) if owner else found is None, found


def test_reserved_outputs_follow_changed_settings():
    settings = site_settings(TAG_SAVE_AS="labels/{slug}.html", SEARCH_EXPORT_DIR="find",
                             FEED_ALL_ATOM="all.xml", UNION_GUARD_RESERVED_PATHS=["robots.txt"])
    reserved = outputs.reserved_outputs(settings)
    assert reserved.owner("labels/x.html") and reserved.owner("find/a.json") and reserved.owner("all.xml")
    assert reserved.owner("robots.txt") and not reserved.owner("catalog.json")
    assert not reserved.owner("tag/x/index.html")


def test_output_files_and_urls():
    assert outputs.output_file("") == "index.html" and outputs.output_file("/a/b/") == "a/b/index.html"
    assert outputs.output_file("a/./b.html#x") == "a/b.html"
    assert outputs.url_of("a/b/index.html") == "a/b/" and outputs.url_of("index.html") == ""
    assert outputs.url_of("a/b.html") == "a/b.html"
    assert outputs.pattern_shape("{slug}/index.html").match("ABOUT/index.html")
    assert not outputs.pattern_shape("{slug}/index.html").match("articles/2019/x/index.html")


def item(path, date=None, **metadata):
    save_as = metadata.pop("default_save_as", f"articles/{path}/index.html")
    obj = SimpleNamespace(source_path=f"content/{path}.md", date=date, metadata=metadata,
                          save_as=metadata.get("save_as", save_as), url=metadata.get("url", save_as[:-10]))
    return obj


def test_who_keeps_a_path_explicit_loses_then_the_older_then_earlier_generators():
    reserved = outputs.reserved_outputs(site_settings())
    registry = outputs.PathRegistry()
    default = item("a", datetime(2022, 1, 1))
    chooser = item("b", datetime(2020, 1, 1), save_as="articles/a/index.html")
    [clash] = registry.settle([chooser, default], reserved)
    assert clash.item is chooser and "content/a.md" in clash.message and clash.claim.chosen_by == "Save_as"
    older = item("c", datetime(2019, 1, 1), save_as="x/y.html")
    newer = item("d", datetime(2021, 1, 1), save_as="x/y.html")
    [clash] = registry.settle([newer, older], reserved)
    assert clash.item is newer
    page = item("p", None, save_as="x/y.html")
    [clash] = registry.settle([page], reserved)
    assert clash.item is page, "a page never displaces an article settled before it"
    home = item("e", datetime(2022, 1, 1), save_as="index.html")
    [clash] = registry.settle([home], reserved)
    assert "which the site writes itself (the index page)" in clash.message
    long = item("f", datetime(2022, 1, 1), save_as="articles/" + "x" * 300 + "/index.html")
    assert "longer than a file name may be" in registry.settle([long], reserved)[0].message


class Story:
    """Pelican's rule for an item's url: an override (from URL: or set by align_url), else the default."""

    def __init__(self, metadata, save_as, default_url):
        self.metadata, self.save_as, self.default_url = metadata, save_as, default_url
        if "url" in metadata:
            self.override_url = metadata["url"]

    @property
    def url(self):
        return getattr(self, "override_url", self.default_url)


def test_a_url_that_leads_nowhere_is_aligned_with_where_the_story_is_written():
    alone = Story({"save_as": "old/story.html"}, "old/story.html", "articles/x/")
    assert outputs.align_url(alone) is None and alone.url == "old/story.html"
    wrong = Story({"url": "elsewhere/"}, "articles/x/index.html", "articles/x/")
    message, todo = outputs.align_url(wrong)
    assert "'elsewhere/' is not where the story is written" in message and wrong.url == "articles/x/"
    assert "url" not in wrong.metadata and "Save_as:" in todo


# --- short slugs ----------------------------------------------------------------------------------

def test_long_slugs_are_shortened_stably_and_short_ones_kept():
    from union_text.pinyin import transliterate

    slug = "-".join(transliterate(next(c for c in CASES if c.name == "long-tag.md").data.decode()).split())
    assert len(slug) > 255  # noqa: PLR2004
    short = names.short_slug(slug)
    assert len(short) <= names.MAX_SLUG_LENGTH and short == names.short_slug(slug)
    assert short.startswith(slug[:100]) and short != names.short_slug(slug + "-x")
    assert names.short_slug("an-ji-kuai-di") == "an-ji-kuai-di"
    ordinary = "-".join(["gong-hui"] * 22)  # 197 characters: a long real headline, unchanged
    assert names.short_slug(ordinary) == ordinary


# --- dates and keys -------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("2022-08-10", "2022-08-10"), ("2022/8/10", "2022-08-10"), ("2022.8.10", "2022-08-10"),
    ("2022-08-10 09:30", "2022-08-10 09:30"), ("2022-08-10T09:30:00+08:00", "2022-08-10T09:30:00+08:00"),
    ("2022-8-1 9:05:01", "2022-08-01 9:05:01"), (" 2022-08-10 ", "2022-08-10"),
    ("22-8-10", None), ("2022", None), ("2022-08", None), ("8-10", None), ("10/08/2022", None),
    ("20220810", None), ("2022-08/10", None), ("Aug 10 2022", None), ("2022-08-10 noon", None),
    ("02022-08-10", None), ("", None),
])
def test_only_complete_dates_are_accepted(value, expected):
    assert complete_date(value) == expected


def test_repeated_keys_are_found_with_their_lines():
    text = "Title: a\nSubtitle: b\n    continued\nsubtitle: c\nDate: 2022-01-01\n\nTitle: in the body\n"
    assert repeated_keys(text) == [("Subtitle", [2, 4])]
    found = problems()
    assert not check_repeated_keys(repeated_keys(text), found)
    [problem] = found.items
    assert problem.level == ERROR and problem.field == "Subtitle" and problem.lines == (2, 4)
    assert repeated_keys("Title: a\n    b\nDate: 2022-01-01\n") == []


# --- Markdown limits ------------------------------------------------------------------------------

def body_of(case) -> str:
    return case.data.decode("utf-8").split("\n\n", 1)[1]


@pytest.mark.parametrize("case", [c for c in cases(cls="markdown") if c.name != "spread-links.md"],
                         ids=lambda c: c.name)
def test_shape_rules_refuse_each_bomb_and_pass_each_real_text(case):
    found = problems()
    text = case.data.decode("utf-8")
    with no_hang(10):
        ok = check_shape(text, found)
    refused_by_shape = case.name not in ("nested.md",) and not case.built
    assert ok is not refused_by_shape, [p.message for p in found.items]
    if refused_by_shape:
        assert case.report[-1].split(" (")[0] in found.items[0].text()


def test_real_content_passes_the_shape_rules():
    for path in sorted((PROJECT_DIR / "content").rglob("*.md")):
        found = problems()
        assert check_shape(path.read_text(encoding="utf-8"), found), (path, found.items)


def test_unclosed_tags_are_counted_up_to_the_next_tag_only():
    assert unclosed_tags("<a <b> <c") == (2, 0)
    assert unclosed_tags("a < b, <em>x</em>") == (0, None)


@pytest.mark.parametrize("name", ["spread-links.md", "tags-open-paragraphs.md", "stars.md"])
def test_the_cpu_time_limit_stops_a_slow_conversion(name):
    """What the shape rules let through is stopped by the time limit (here 0.5 s of CPU)."""
    text = body_of(next(c for c in CASES if c.name == name))
    started = time.process_time()
    with no_hang(), pytest.raises(MarkdownTimeout):
        with cpu_time_limit(0.5):
            Markdown(**pelicanconf.MARKDOWN).convert(text)
    assert time.process_time() - started < 30  # noqa: PLR2004 - stopped, not run to the end


def test_the_time_limit_leaves_no_timer_behind():
    with cpu_time_limit(5):
        Markdown(**pelicanconf.MARKDOWN).convert("正文。")
    assert signal.getitimer(signal.ITIMER_VIRTUAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGVTALRM) in (signal.SIG_DFL, None)


@pytest.mark.parametrize("case", [c for c in cases(cls="markdown") + cases(cls="files") if c.kind in ("file", "sparse")],
                         ids=lambda c: c.name)
def test_the_reader_finishes_every_hostile_file_in_bounded_time(tmp_path, case):
    """The guarded reader on each Markdown bomb and giant: an error (or the article), never a hang."""
    from pelican.settings import DEFAULT_CONFIG

    from union_guard.problems import PROBLEMS_KEY
    from union_guard.reader import GuardedMarkdownReader
    from union_guard.settings import DEFAULTS

    settings = {**DEFAULT_CONFIG, **{k: v for k, v in vars(pelicanconf).items() if k.isupper()}, **DEFAULTS,
                "UNION_GUARD_MARKDOWN_SECONDS": 2}
    path = write_case(tmp_path / "content", case)
    with no_hang():
        content, metadata = GuardedMarkdownReader(settings).read(str(path))
    levels = {p.level.upper() for p in metadata[PROBLEMS_KEY]}
    assert (ERROR.upper() in levels) is not case.built, [p.text() for p in metadata[PROBLEMS_KEY]]


# --- the escaping switch ----------------------------------------------------------------------

def test_autoescape_is_turned_on_unless_a_site_turns_it_off():
    from union_guard.escaping import require_autoescape

    settings = {"JINJA_ENVIRONMENT": {"trim_blocks": True}}
    assert require_autoescape(settings) is None and settings["JINJA_ENVIRONMENT"]["autoescape"] is True
    assert require_autoescape({"JINJA_ENVIRONMENT": {"autoescape": True}}) is None
    problem = require_autoescape({"JINJA_ENVIRONMENT": {"autoescape": False}})
    assert problem.level == "warning" and problem.field == "JINJA_ENVIRONMENT"
    assert pelicanconf.JINJA_ENVIRONMENT["autoescape"] is True


def test_the_theme_marks_only_sanitized_bodies_safe():
    import re

    unsafe = []
    for path in sorted((PROJECT_DIR / "theme" / "templates").rglob("*.html")):
        for expression in re.findall(r"\{\{([^}]*)\}\}", path.read_text(encoding="utf-8")):
            if "|safe" in expression.replace(" ", "") and expression.split("|")[0].strip() not in (
                    "article.content", "page.content"):
                unsafe.append(f"{path.name}: {{{{{expression}}}}}")
    assert unsafe == []


def test_catalog_json_escapes_markup_characters_and_stays_the_same_data():
    import json

    from union_site.catalog import catalog_json

    data = {"title": '<meta http-equiv="refresh"> & </script>', "n": 1}
    text = catalog_json(data)
    assert not set("<>&") & set(text) and json.loads(text) == data
