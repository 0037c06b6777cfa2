"""End to end: a Pelican build of the labelled seed stories with the union_tags plugin.

One build per module into tmp_path (SITEURL set so that feeds are written,
relative URLs so that the link checker reads the files), plus the review CLI
on the same content.
"""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from linkcheck import broken_links
from seeds import SEEDS_DIR
from sitebuild import build_site, problems
from union_tags import review
from union_tags.evaluate import load_labels

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "fixtures" / "tags" / "labels.yaml"
SEEDS = SEEDS_DIR
SITEURL = "https://gonghui.example.org"
ATOM = "{http://www.w3.org/2005/Atom}"

pytestmark = pytest.mark.build


def write_article(folder: Path, index: int, title: str, body: str, extra: str = "") -> Path:
    path = folder / f"story-{index:02d}.md"
    path.write_text(f"Title: {title}\nDate: 2023-03-{index:02d} 08:00\nSlug: story-{index:02d}\n"
                    f"{extra}\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    root = tmp_path_factory.mktemp("tags-content") / "content"
    articles = root / "articles"
    articles.mkdir(parents=True)
    (root / "pages").mkdir()
    stories = load_labels(LABELS, SEEDS)
    for index, story in enumerate(stories, 1):
        write_article(articles, index, story.title, story.body)
    n = len(stories)
    # an editor's override, a block, a bad override and a draft
    write_article(articles, n + 1, "职工书屋开放", "职工书屋正式开放，职工之家焕然一新。",
                  "Regions: 舟山市普陀区\nTopics: 职工之家\n")
    write_article(articles, n + 2, "三门县总工会慰问黄岩区职工", "三门县总工会与黄岩区总工会开展交流。",
                  "Regions: -三门县\n")
    write_article(articles, n + 3, "普陀区职工运动会", "职工运动会开幕。", "Regions: 普陀区\n")
    write_article(articles, n + 4, "永嘉县职工技能比武（草稿）", "永嘉县总工会举办技能比武。",
                  "Status: draft\n")
    return root, stories


@pytest.fixture(scope="module")
def site(content, tmp_path_factory):
    root, stories = content
    output = tmp_path_factory.mktemp("tags-site") / "output"
    result = build_site(output, content_dir=root, settings={
        "PLUGINS": ["union_site", "union_tags"], "SITEURL": SITEURL, "FEED_DOMAIN": SITEURL,
        "RELATIVE_URLS": True, "DEFAULT_PAGINATION": 5})
    return output, result, stories


def html(output: Path, rel: str) -> str:
    return (output / rel).read_text(encoding="utf-8")


def test_region_tree_page_nests_levels_with_counts(site):
    output, _, stories = site
    page = html(output, "regions/index.html")
    assert 'href="../regions/zhe-jiang-sheng/"' in page
    for name in ("浙江省", "台州市", "黄岩区", "温岭市", "泽国镇", "江苏省", "新吴区", "祝塘镇"):
        assert f">{name}</a>" in page
    # 温岭市 (the 温岭 feature) contains 泽国镇 (the 泽国 story): the township sits inside its county
    assert page.index(">温岭市</a>") < page.index(">泽国镇</a>")


def test_region_page_lists_descendants_stories_paginated(site):
    output, _, stories = site
    taizhou = html(output, "regions/tai-zhou-shi-3310/index.html")
    assert "下辖地区" in taizhou and ">黄岩区 <span" in taizhou
    # seed stories 黄岩×3, 泽国, 路桥, 温岭, 天台, 玉环, and the 三门县-blocked one (黄岩区): 9, 5 per page
    assert "9 篇文章" in taizhou
    assert (output / "regions/tai-zhou-shi-3310/page/2/index.html").exists()
    assert not (output / "regions/tai-zhou-shi-3310/page/3/index.html").exists()
    zeguo = html(output, "regions/ze-guo-zhen/index.html")
    assert "泽国产改工作" in zeguo
    assert '<span aria-current="page">泽国镇</span>' in zeguo


def test_topic_index_and_pages(site):
    output, _, _ = site
    index = html(output, "topics/index.html")
    assert 'href="../topics/gong-zi-xie-shang/"' in index and "工资集体协商" in index
    page = html(output, "topics/gong-zi-xie-shang/index.html")
    assert "安吉县快递行业" in page or (output / "topics/gong-zi-xie-shang/page/2/index.html").exists()


def test_article_page_has_breadcrumb_chips_and_related(site):
    output, _, stories = site
    index = next(i for i, s in enumerate(stories, 1) if s.title.startswith("黄岩区总工会"))
    page = html(output, f"articles/2023/story-{index:02d}/index.html")
    crumb = page[page.index('aria-label="地区"'):]
    assert crumb.index("浙江省") < crumb.index("台州市") < crumb.index("黄岩区")
    assert 'href="../../../regions/huang-yan-qu/"' in page
    assert 'class="chip" href="../../../topics/lao-mo-gong-jiang/"' in page
    related = page[page.index("相关报道"):]
    assert "四项举措" in related   # same primary region


def test_editor_overrides_in_the_build(site):
    output, result, stories = site
    n = len(stories)
    putuo = html(output, f"articles/2023/story-{n + 1:02d}/index.html")
    assert "舟山市" in putuo and "普陀区" in putuo
    blocked = json.loads((output / "catalog.json").read_text(encoding="utf-8"))
    entry = next(a for a in blocked["articles"] if a["slug"] == f"story-{n + 2:02d}")
    assert [r["name"] for r in entry["regions"]] == ["黄岩区"]
    ambiguous = [p for p in problems(output) if p["path"].endswith(f"story-{n + 3:02d}.md")]
    assert [(p["level"], p["field"]) for p in ambiguous] == [("error", "Regions")]
    assert "'普陀区' is ambiguous" in ambiguous[0]["message"]


def test_draft_is_tagged_but_not_listed(site):
    output, _, stories = site
    draft = html(output, "drafts/story-%02d/index.html" % (len(stories) + 4))
    assert "永嘉县" in draft
    yongjia = html(output, "regions/yong-jia-xian/index.html")
    assert "草稿" not in yongjia


def test_catalog_carries_regions_and_topics(site):
    output, _, stories = site
    catalog = json.loads((output / "catalog.json").read_text(encoding="utf-8"))
    by_slug = {a["slug"]: a for a in catalog["articles"]}
    for index, story in enumerate(stories, 1):
        entry = by_slug[f"story-{index:02d}"]
        primary = [r for r in entry["regions"] if r["primary"]]
        assert len(primary) == 1 and primary[0]["code"] == story.primary
        assert primary[0]["path"][-1] == primary[0]["name"] and primary[0]["reason"]
        assert entry["topics"] and all({"slug", "name", "reason"} <= set(t) for t in entry["topics"])


def test_links_resolve(site):
    output, _, _ = site
    assert broken_links(output, SITEURL) == []


def test_feeds_are_valid_atom(site):
    output, _, _ = site
    feeds = sorted((output / "feeds").rglob("*.atom.xml"))
    region_feeds = [f for f in feeds if "/region/" in f.as_posix()]
    topic_feeds = [f for f in feeds if "/topic/" in f.as_posix()]
    assert region_feeds and topic_feeds
    for feed in region_feeds + topic_feeds:
        root = ET.parse(feed).getroot()
        assert root.tag == f"{ATOM}feed", feed
        for required in ("id", "title", "updated"):
            assert root.find(f"{ATOM}{required}") is not None, (feed, required)
        entries = root.findall(f"{ATOM}entry")
        assert entries, feed
        for entry in entries:
            for required in ("id", "title", "updated"):
                assert (entry.find(f"{ATOM}{required}").text or "").strip(), (feed, required)
            link = entry.find(f"{ATOM}link").get("href")
            assert link.startswith(SITEURL + "/articles/")
    taizhou = ET.parse(output / "feeds/region/tai-zhou-shi-3310.atom.xml").getroot()
    assert len(taizhou.findall(f"{ATOM}entry")) == 9   # descendants' stories included


def test_region_and_topic_urls_are_ascii_pinyin(site):
    output, _, _ = site
    for folder in ("regions", "topics"):
        for path in (output / folder).rglob("index.html"):
            assert path.relative_to(output).as_posix().isascii()


def test_review_table_lists_every_article(content, capsys):
    root, stories = content
    status = review.main([str(root)])
    out = capsys.readouterr()
    assert status == 1   # the ambiguous 普陀区 override
    assert "'普陀区' is ambiguous" in out.err and "story-" in out.err
    for index in range(1, len(stories) + 1):
        assert f"story-{index:02d}.md" in out.out
    assert "★ 浙江省›台州市›黄岩区 (331003)" in out.out
    assert "主题   工资集体协商 [gong-zi-xie-shang]  得分" in out.out


def test_review_tsv_and_missing_dir(content, capsys, tmp_path):
    root, stories = content
    review.main([str(root), "--format", "tsv"])
    rows = capsys.readouterr().out.strip().splitlines()
    assert rows[0].startswith("file\ttitle\tprimary_region")
    assert len(rows) == 1 + len(stories) + 4
    assert review.main([str(tmp_path / "nope")]) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_review_agrees_with_the_build(site, content, capsys):
    """`make tags` must show editors the tags the site will carry."""
    output, _, _ = site
    root, _ = content
    review.main([str(root), "--format", "json"])
    rows = json.loads(capsys.readouterr().out)
    catalog = {a["slug"]: a for a in json.loads((output / "catalog.json").read_text("utf-8"))["articles"]}
    compared = 0
    for row in rows:
        entry = catalog.get(Path(row["file"]).stem)
        if entry:
            assert [r["code"] for r in row["regions"]] == [r["code"] for r in entry["regions"]]
            assert [t["slug"] for t in row["topics"]] == [t["slug"] for t in entry["topics"]]
            compared += 1
    assert compared == len(catalog)


def test_sitemap_lists_region_and_topic_pages(site):
    output, _, _ = site
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    for path in ("regions/", "regions/huang-yan-qu/", "topics/", "topics/chan-gai/"):
        assert f"<loc>{SITEURL}/{path}</loc>" in sitemap or f"{SITEURL}/{path}<" in sitemap
