"""The importer on pages in the layouts editors receive besides print pages: brief lists, web
pages saved as text, e-paper mastheads, a Word manuscript; against labels written by reading
them (tests/fixtures/importer/labels.yaml)."""

from pathlib import Path

import pytest
import yaml

from importer.cli import main
from importer.pipeline import import_page
from importer.render import ORPHAN_CAPTION, PICTURE, carried_text, parse
from importer.text import han_multiset
from manuscripts import make_manuscript

FIXTURES = Path(__file__).parent / "fixtures" / "importer"
PAGES = FIXTURES / "pages"
LABELS = yaml.safe_load((FIXTURES / "labels.yaml").read_text(encoding="utf-8"))
TEXT_PAGES = sorted(name for name in LABELS if name.endswith(".txt"))


@pytest.fixture(scope="module")
def manuscript(tmp_path_factory) -> Path:
    return make_manuscript(tmp_path_factory.mktemp("docx") / "manuscript.docx")


def page_bytes(name: str, manuscript: Path) -> bytes:
    return manuscript.read_bytes() if name.endswith(".docx") else (PAGES / name).read_bytes()


def drafts(result):
    return [parse(text) for text in result.articles]


def test_every_fixture_page_is_labelled():
    assert sorted(path.name for path in PAGES.glob("*.txt")) == TEXT_PAGES


@pytest.mark.parametrize("name", sorted(LABELS))
def test_stories_found_equal_the_labels(name, manuscript):
    label = LABELS[name]
    result = import_page(page_bytes(name, manuscript), name)
    assert result.layout == label["layout"]
    found = [article.metadata for article in drafts(result)]
    assert [meta["Title"] for meta in found] == [story["title"] for story in label["stories"]]
    for meta, story in zip(found, label["stories"]):
        assert meta.get("Source") == label.get("source"), meta["Title"]
        assert meta.get("Date") == (str(label["date"]) if "date" in label else None), meta["Title"]
        assert meta.get("Column") == label.get("column"), meta["Title"]
        assert meta["Import-File"] == name and meta["Status"] == "draft"
        if "authors" in story:
            assert meta.get("Authors", "").split(", ") == story["authors"], meta["Title"]
        if "byline" in story:
            assert meta.get("Byline") == story["byline"] and "Authors" not in meta
    captions = [[match.group("caption") for line in article.body.split("\n")
                 for match in [ORPHAN_CAPTION.match(line) or PICTURE.match(line)] if match]
                for article in drafts(result)]
    assert captions == [story.get("captions", []) for story in label["stories"]]
    assert result.pictures_in == label.get("pictures", 0)


@pytest.mark.parametrize("name", sorted(LABELS))
def test_every_character_is_accounted_for(name, manuscript):
    result = import_page(page_bytes(name, manuscript), name)
    assert result.balance.ok, result.balance.describe()
    if name.endswith(".txt"):
        page = han_multiset((PAGES / name).read_text(encoding="utf-8"))
    else:
        import docx
        document = docx.Document(str(manuscript))
        page = han_multiset("\n".join(p.text for p in document.paragraphs)
                            + "".join(cell.text for table in document.tables
                                      for row in table.rows for cell in row.cells))
    out = sum((han_multiset(carried_text(article)) for article in drafts(result)), start=page - page)
    set_aside = sum((han_multiset(item.text) for item in result.set_aside), start=page - page)
    assert out + set_aside == page
    # nothing of a story was set aside: only furniture and the lines Date/Source came from
    assert all(item.why != "page footer" or item.line > max(s.line for s in result.stories)
               for item in result.set_aside)


def test_brief_items_lose_their_markers_and_credits():
    result = import_page((PAGES / "briefs-marked.txt").read_bytes(), "briefs-marked.txt")
    bodies = [article.body for article in drafts(result)]
    assert all(not body.startswith(("▲", "（")) for body in bodies)
    assert not any("（沈文）" in body or "（周丽）" in body for body in bodies)
    assert bodies[0].startswith("5月8日，湖州市吴兴区总工会")   # a derived title keeps the text
    meta = drafts(result)[0].metadata
    assert meta["Import-Derived"] == "Title, Column"


def test_wrapped_column_is_rejoined_into_sentences():
    result = import_page((PAGES / "briefs-wrapped.txt").read_bytes(), "briefs-wrapped.txt")
    body = drafts(result)[1].body.strip()
    assert body == ("平湖市总工会为光机电产业园的一线职工开通了夜间子女托管服务，每天18时至21时有专人"
                    "照看，已有70名孩子受益。")


def test_web_page_keeps_the_story_and_nothing_else():
    result = import_page((PAGES / "web-union-site.txt").read_bytes(), "web-union-site.txt")
    (article,) = drafts(result)
    paragraphs = [p for p in article.body.strip().split("\n\n")]
    assert len(paragraphs) == 3
    assert paragraphs[0].lstrip("\u3000 ").startswith("7月27日，婺城区总工会班子成员")
    for furniture in ("当前位置", "发布时间", "字体", "责任编辑", "分享到", "上一篇", "版权所有",
                      "网站首页"):
        assert furniture not in article.body and furniture not in str(article.metadata)
    reasons = {item.why for item in result.set_aside}
    assert {"site header", "breadcrumb", "date/source line", "page tools", "editor credit",
            "share buttons", "previous/next links", "copyright"} <= reasons


def test_news_app_prompts_are_set_aside_and_reported():
    result = import_page((PAGES / "web-news-app.txt").read_bytes(), "web-news-app.txt")
    (article,) = drafts(result)
    for prompt in ("打开网易新闻", "查看精彩图片", "分享至", "举报", "特别声明", "Notice", "返回网易首页"):
        assert prompt not in article.body
    assert any(note.startswith("app prompt: lines 11, 15, 20") for note in result.warnings)


def test_orphaned_caption_is_not_published(tmp_path):
    """The draft keeps the caption as a comment; a built page (even once published) never shows it."""
    from sitebuild import build_site
    result = import_page((PAGES / "print-masthead.txt").read_bytes(), "print-masthead.txt")
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    for number, text in enumerate(result.articles):
        (content / "articles" / f"a{number}.md").write_text(
            text.replace("Status: draft", "Status: published"), encoding="utf-8")
    build_site(tmp_path / "output", content_dir=content)
    html = "".join(path.read_text(encoding="utf-8") for path in (tmp_path / "output").rglob("*.html"))
    assert "宁波海曙为货车司机建起" in html
    assert "货车司机在“司机之家”休息" not in html and "待配图" not in html
    assert "print-masthead.txt" not in html


def test_source_option_wins_over_the_page(tmp_path, capsys):
    page = PAGES / "print-masthead.txt"
    code = main([str(page), "--dest", str(tmp_path), "--source", "宁波日报 2022年8月11日 第5版"])
    assert code == 0
    sources = {parse(path.read_text(encoding="utf-8")).metadata["Source"]
               for path in tmp_path.rglob("*.md")}
    assert sources == {"宁波日报 2022年8月11日 第5版"}
    assert main([str(page), "--dest", str(tmp_path), "--source", "  "]) == 2
    assert "give the paper and page on one line" in capsys.readouterr().out


def test_page_without_a_source_gets_none(tmp_path, capsys):
    assert main([str(PAGES / "briefs-numbered.txt"), "--dest", str(tmp_path)]) == 0
    for path in tmp_path.rglob("*.md"):
        meta = parse(path.read_text(encoding="utf-8")).metadata
        assert "Source" not in meta and meta["Import-File"] == "briefs-numbered.txt"


def test_half_width_punctuation_of_a_page_is_made_full_width():
    page = PAGES / "briefs-numbered.txt"
    result = import_page(page.read_bytes(), page.name)
    assert result.punctuation == 15       # counted by hand: 7 commas, 4 bracket pairs
    bodies = "".join(article.body for article in drafts(result))
    assert "," not in bodies and "(" not in bodies
    assert "非公企业的工会主席举办业务培训班，讲授工会经费" in bodies


def test_reimporting_a_manuscript_changes_nothing(tmp_path, capsys, manuscript):
    dest = tmp_path / "content" / "articles"
    assert main([str(manuscript), "--dest", str(dest)]) == 0
    before = {path: path.read_bytes() for path in (tmp_path / "content").rglob("*") if path.is_file()}
    assert len([path for path in before if path.suffix == ".png"]) == 2
    capsys.readouterr()
    assert main([str(manuscript), "--dest", str(dest)]) == 0
    assert "unchanged" in capsys.readouterr().out
    after = {path: path.read_bytes() for path in (tmp_path / "content").rglob("*") if path.is_file()}
    assert after == before


def test_word_lock_files_in_a_folder_are_skipped(tmp_path, capsys, manuscript):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "manuscript.docx").write_bytes(manuscript.read_bytes())
    (inbox / "~$nuscript.docx").write_bytes(b"\x0bWPS lock")       # Word/WPS owner file
    assert main([str(inbox), "--dest", str(tmp_path / "articles")]) == 0
    assert "1 page(s), 0 failed" in capsys.readouterr().out
