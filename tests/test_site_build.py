"""End-to-end: build the real content/ with Pelican and check the site a reader gets."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from linkcheck import broken_links, external_references
from sitebuild import PROJECT_DIR, build_site

pytestmark = pytest.mark.build
ATOM = "{http://www.w3.org/2005/Atom}"


def read_metadata(path: Path) -> dict:
    """Metadata header of a Markdown article, the way an editor wrote it."""
    meta = {}
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        meta[key.strip().lower()] = value.strip()
    return meta


def published_articles():
    articles = []
    for path in sorted((PROJECT_DIR / "content" / "articles").rglob("*.md")):
        meta = read_metadata(path)
        if meta.get("status", "published") == "published":
            articles.append((path, meta))
    return articles


def html_pages(output):
    return sorted(Path(output).rglob("*.html"))


def soup_of(path):
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


def test_every_published_article_is_in_the_catalog_and_on_the_site(site_dir):
    catalog = json.loads((site_dir / "catalog.json").read_text(encoding="utf-8"))
    expected = published_articles()
    assert expected, "content/articles has no published article"
    assert catalog["count"] == len(catalog["articles"]) == len(expected)
    by_title = {entry["title"]: entry for entry in catalog["articles"]}
    for path, meta in expected:
        entry = by_title.get(meta["title"])
        assert entry, f"{path.name}: {meta['title']} missing from catalog.json"
        for field in ("url", "title", "date", "authors", "column", "source", "summary"):
            assert field in entry, f"catalog entry for {path.name} lacks {field}"
        assert entry["summary"], f"{path.name}: empty summary in catalog"
        assert entry["column"] == meta.get("column", "")
        assert entry["source"] == meta.get("source", "")
        assert entry["date"].startswith(meta["date"][:10])
        if meta.get("slug"):
            assert entry["slug"] == meta["slug"], "an explicit Slug: must win"
        page = site_dir / entry["url"].lstrip("/") / "index.html"
        assert page.exists(), f"{entry['url']} not written"
        html = soup_of(page)
        assert html.find("h1").get_text(strip=True) == meta["title"]


def test_article_page_shows_the_bulletin_metadata(site_dir):
    path, meta = next((p, m) for p, m in published_articles() if m.get("subtitle") and m.get("column"))
    catalog = json.loads((site_dir / "catalog.json").read_text(encoding="utf-8"))
    entry = next(e for e in catalog["articles"] if e["title"] == meta["title"])
    html = soup_of(site_dir / entry["url"].lstrip("/") / "index.html")
    assert html.select_one(".article__subtitle").get_text(strip=True) == meta["subtitle"]
    assert html.select_one(".article__column").get_text(strip=True) == meta["column"]
    if meta.get("source"):
        assert meta["source"] in html.select_one(".article__source").get_text()
    else:  # the paper is not known: no 来源 line at all (never a file name)
        assert html.select_one(".article__source") is None
    year, month, day = (int(x) for x in meta["date"][:10].split("-"))
    assert html.find("time").get_text(strip=True) == f"{year}年{month}月{day}日"
    stats = html.select_one(".article__stats").get_text()
    assert re.search(r"\d+ 字 · 约 \d+ 分钟读完", stats)
    assert html.select_one("meta[property='og:type']")["content"] == "article"


def test_all_urls_are_ascii_pinyin(site_dir):
    for path in site_dir.rglob("*"):
        relative = path.relative_to(site_dir).as_posix()
        assert relative.isascii(), f"non-ASCII output path: {relative}"
    assert (site_dir / "category" / "gong-hui-dong-tai" / "index.html").exists()


def test_internal_links_resolve_and_nothing_loads_from_other_hosts(site_dir):
    assert broken_links(site_dir) == []
    assert external_references(site_dir) == []


def test_every_page_is_chinese_accessible_and_script_safe(site_dir):
    pages = html_pages(site_dir)
    assert len(pages) >= 8
    for page in pages:
        html = soup_of(page)
        name = page.relative_to(site_dir)
        assert html.html["lang"].lower() == "zh-cn", name  # BCP 47 tags are case-insensitive
        csp = html.select_one("meta[http-equiv='Content-Security-Policy']")
        assert csp and "script-src 'self'" in csp["content"], name
        assert not [s for s in html.find_all("script") if not s.get("src")], f"inline script in {name}"
        assert html.select_one("a.skip-link[href='#main']") and html.find("main", id="main"), name
        assert html.find("header") and html.find("nav") and html.find("footer"), name
        assert html.select_one("meta[name=description]")["content"].strip(), name
        assert html.select_one("form[role=search] input[name=q]"), name
        assert len(html.find_all("h1")) == 1, f"{name} needs exactly one h1"
        for img in html.find_all("img"):
            assert img.get("alt") is not None, f"image without alt in {name}"


def test_site_pages_exist(site_dir):
    for required in ("index.html", "404.html", "about/index.html", "archives/index.html",
                     "category/index.html", "tag/index.html", "sitemap.xml", "catalog.json",
                     "theme/css/main.css", "theme/css/print.css"):
        assert (site_dir / required).exists(), required
    years = {meta["date"][:4] for _, meta in published_articles()}
    for year in years:
        assert (site_dir / "archives" / year / "index.html").exists()


def test_published_build_has_feeds_canonical_links_and_absolute_sitemap(published_site_dir):
    out = published_site_dir
    siteurl = "https://gonghui.example.org"
    feed = ET.parse(out / "feeds" / "all.atom.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(published_articles())
    for entry in entries:
        for child in ("title", "id", "updated", "link"):
            assert entry.find(f"{ATOM}{child}") is not None, f"Atom entry without {child}"
        assert entry.find(f"{ATOM}link").get("href").startswith(siteurl)
    sitemap = ET.parse(out / "sitemap.xml").getroot()
    locs = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs and all(loc.startswith(siteurl + "/") for loc in locs)
    catalog = json.loads((out / "catalog.json").read_text(encoding="utf-8"))
    article_url = catalog["articles"][0]["url"]
    assert article_url.startswith(siteurl)
    html = soup_of(out / article_url[len(siteurl):].lstrip("/") / "index.html")
    assert html.select_one("link[rel=canonical]")["href"] == article_url
    assert html.select_one("meta[property='og:url']")["content"] == article_url
    assert broken_links(out, siteurl) == []


def test_slugs_metadata_and_unknown_keys(tmp_path):
    content = tmp_path / "content" / "articles"
    content.mkdir(parents=True)
    (content / "a.md").write_text(
        "Title: 广东省总工会开展送清凉活动\nDate: 2023-07-01\nColumn: 他山之石\n"
        "Reviewer: 王编辑\n\n正文第一段。\n", encoding="utf-8")
    (content / "b.md").write_text(
        "Title: 温岭新闻\nDate: 2023-07-02\nSlug: wenling-news\n\n正文。\n", encoding="utf-8")
    out = tmp_path / "output"
    result = build_site(out, content_dir=tmp_path / "content")
    assert "ERROR" not in result.stdout + result.stderr
    assert (out / "articles/2023/guang-dong-sheng-zong-gong-hui-kai-zhan-song-qing-liang-huo-dong/index.html").exists()
    assert (out / "articles/2023/wenling-news/index.html").exists()
    catalog = json.loads((out / "catalog.json").read_text(encoding="utf-8"))
    assert {e["slug"] for e in catalog["articles"]} == {
        "guang-dong-sheng-zong-gong-hui-kai-zhan-song-qing-liang-huo-dong", "wenling-news"}
