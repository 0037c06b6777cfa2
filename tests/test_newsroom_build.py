"""The newsroom in built HTML: heading order, page numbers in titles, og:image and the printed
address in the published build; and a small site of its own for photos that go wrong, the
photo cache across rebuilds, the Editor field and the lead story."""

import json
import re
import shutil

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from sitebuild import build_site, private_var, problems
from tests.fixtures.images import png_header_only, quick_picture

pytestmark = pytest.mark.build
SITEURL = "https://gonghui.example.org"


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_headings_never_skip_a_level(site_dir):
    """axe's heading-order, on every page of the site: h1, then h2, h3 … without gaps."""
    pages = sorted(site_dir.rglob("*.html"))
    assert len(pages) > 50
    for page in pages:
        levels = [int(h.name[1]) for h in soup(page).find_all(re.compile(r"^h[1-6]$"))]
        assert levels and levels[0] == 1, f"{page.relative_to(site_dir)} starts with h{levels[:1]}"
        jumps = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
        assert not jumps, f"{page.relative_to(site_dir)}: heading levels jump {jumps}"


def test_page_two_onwards_says_which_page(site_dir):
    checked = 0
    for page in sorted(site_dir.rglob("page/*/index.html")):
        number = int(page.parent.name)
        html = soup(page)
        assert f"第{number}页" in html.title.get_text(), page
        assert any(f"第{number}页" in h.get_text() for h in html.find_all(["h1", "h2"])), page
        checked += 1
    assert checked >= 2, "content/ should paginate the home page and a category"
    for first in ("index.html", "category/gong-hui-dong-tai/index.html"):
        assert "页" not in soup(site_dir / first).title.get_text()


def test_published_article_shares_its_photo_and_prints_its_address(published_site_dir):
    catalog = json.loads((published_site_dir / "catalog.json").read_text(encoding="utf-8"))
    shared = 0
    for entry in catalog["articles"]:
        html = soup(published_site_dir / entry["url"][len(SITEURL):].lstrip("/") / "index.html")
        address = html.select_one(".article__address").get_text()
        assert address == f"本文网址：{entry['url']}"
        og = html.select_one("meta[property='og:image']")
        thumbs = html.select(".article__body picture img")
        assert bool(og) == bool(thumbs), entry["url"]
        if og:
            assert og["content"].startswith(SITEURL + "/photos/") and og["content"].endswith((".jpg", ".png"))
            with Image.open(published_site_dir / og["content"][len(SITEURL) + 1:]) as image:
                assert image.width == int(html.select_one("meta[property='og:image:width']")["content"])
            shared += 1
    assert shared >= 4


# -- a small site of its own ----------------------------------------------------------------------

ARTICLE = """Title: {title}
Date: {date}
{extra}
{body}
"""


def write_site(root):
    content = root / "content"
    (content / "articles").mkdir(parents=True)
    (content / "images").mkdir()
    quick_picture((2400, 1350)).save(content / "images" / "wide.jpg", "JPEG", quality=85)
    (content / "images" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not a photo")
    (content / "images" / "bomb.png").write_bytes(png_header_only(30000, 30000))
    stories = {
        "lead.md": ARTICLE.format(title="职工书屋开放", date="2023-01-05", extra="Featured: yes\n",
                                  body="![书屋一角]({static}/images/wide.jpg)\n\n书屋正式开放。"),
        "newer.md": ARTICLE.format(title="技能比武开赛", date="2023-02-01",
                                   extra="Editor: 王<b>编辑</b> & 李编辑\n",
                                   body="比武开赛。\n\n![坏图]({static}/images/broken.jpg)\n\n"
                                        "![缺图]({static}/images/gone.jpg)\n\n![巨图]({static}/images/bomb.png)"),
        "plain.md": ARTICLE.format(title="送清凉", date="2022-07-01", extra="", body="高温慰问。"),
    }
    for name, text in stories.items():
        (content / "articles" / name).write_text(text, encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("newsroom")
    content = write_site(root)
    output = root / "output"
    first = build_site(output, content_dir=content)
    return content, output, first


def last_build(output):
    manifest = private_var(output) / "pelican-cache" / "union_media" / "manifest.json"
    return json.loads(manifest.read_text(encoding="utf-8"))["last_build"]


def photo_problems(output):
    """union_media's records in the build report: {(file name, level): problem}."""
    return {(p["path"].rsplit("/", 1)[-1], p["level"]): p for p in problems(output)
            if p["source"] == "union_media"}


def test_bad_photos_are_reported_by_path_and_the_site_still_builds(small_site):
    content, output, _ = small_site
    found = photo_problems(output)
    assert set(found) == {("broken.jpg", "warning"), ("newer.md", "warning"), ("bomb.png", "warning")}
    assert found[("broken.jpg", "warning")]["path"].endswith("content/images/broken.jpg")
    assert "cannot be read as an image" in found[("broken.jpg", "warning")]["message"]
    assert "too many pixels" in found[("bomb.png", "warning")]["message"]
    missing = found[("newer.md", "warning")]
    source = (content / "articles" / "newer.md").read_text(encoding="utf-8").splitlines()
    assert "gone.jpg" in source[missing["line"] - 1] and "gone.jpg" in missing["message"]
    assert all(p["todo"] for p in found.values()), "every report says what to do"
    counts = last_build(output)
    assert {(p["kind"], p["path"].rsplit("/", 1)[-1]) for p in counts["problems"]} == {
        ("unreadable", "broken.jpg"), ("missing", "newer.md"), ("too-large", "bomb.png")}
    page = soup(output / "articles/2023/ji-neng-bi-wu-kai-sai/index.html")
    assert page.h1.get_text() == "技能比武开赛"
    captions = [f.get_text() for f in page.select(".article__body figure.photo figcaption")]
    assert captions == ["坏图", "巨图"], "published as they are, with their captions"
    assert page.select_one("meta[property='og:image']") is None


def test_summaries_open_with_the_story_not_a_caption(small_site):
    _, output, _ = small_site
    entries = {e["title"]: e for e in json.loads((output / "catalog.json").read_text(encoding="utf-8"))["articles"]}
    assert entries["职工书屋开放"]["summary"] == "书屋正式开放。"
    assert entries["技能比武开赛"]["summary"].startswith("比武开赛。")
    assert "坏图" not in entries["技能比武开赛"]["summary"]


def test_editor_is_shown_under_the_article_as_text(small_site):
    _, output, _ = small_site
    page = soup(output / "articles/2023/ji-neng-bi-wu-kai-sai/index.html")
    editor = page.select_one(".article__footer .article__editor")
    assert editor.get_text() == "责任编辑：王编辑 & 李编辑"
    assert editor.find("b") is None
    assert soup(output / "articles/2022/song-qing-liang/index.html").select_one(".article__editor") is None


def test_featured_story_leads_the_home_page(small_site):
    _, output, _ = small_site
    home = soup(output / "index.html")
    assert home.select_one(".lead-story__title a")["href"].endswith("zhi-gong-shu-wu-kai-fang/")
    assert [a.get_text() for a in home.select(".headlines .story-card__title a")] == ["技能比武开赛", "送清凉"]
    assert home.select_one(".lead-story__photo img")["alt"] == "书屋一角"


def test_rebuild_reuses_every_derivative_even_into_an_empty_output(small_site):
    content, output, _ = small_site
    assert last_build(output)["encoded"] == ["images/wide.jpg"]
    photos = {p.name: p.stat().st_size for p in (output / "photos").iterdir()}
    assert len(photos) == 6
    shutil.rmtree(output)                  # what `make publish` does (DELETE_OUTPUT_DIRECTORY)
    build_site(output, content_dir=content, settings={"LOAD_CONTENT_CACHE": True})
    report = last_build(output)
    assert report["encoded"] == [] and report["hashed"] == 0 and report["reused"] == 1
    assert {p.name: p.stat().st_size for p in (output / "photos").iterdir()} == photos
    assert len(photo_problems(output)) == 3, "problems are reported on every build, not only the first"


def test_publish_gate_fails_on_a_bad_photo_only(small_site, tmp_path):
    content, _, _ = small_site
    clean = tmp_path / "clean"
    shutil.copytree(content, clean)
    (clean / "articles" / "newer.md").unlink()   # the one with bad photos (and markup in Editor)
    ok = build_site(tmp_path / "ok", content_dir=clean, conf="publishconf.py", fatal="warnings", check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    (clean / "articles" / "bad.md").write_text(
        ARTICLE.format(title="坏图", date="2023-03-01", extra="", body="![坏图]({static}/images/broken.jpg)"),
        encoding="utf-8")
    bad = build_site(tmp_path / "bad", content_dir=clean, conf="publishconf.py", fatal="warnings", check=False)
    assert bad.returncode != 0
