"""The reviewed seed articles in content/articles: every real story of the seeds exactly once,
dated and published, and still recognised by the importer as edited (never overwritten)."""

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from importer.cli import main
from importer.dedupe import near_duplicates
from importer.pipeline import import_page
from importer.render import carried_text, parse
from importer.text import ends_sentence, han_multiset
from union_text.pinyin import pinyin_slug
from seeds import SEEDS_DIR

PROJECT = Path(__file__).resolve().parent.parent
ARTICLES = PROJECT / "content" / "articles"
SEEDS = SEEDS_DIR
LABELS = yaml.safe_load((Path(__file__).parent / "fixtures" / "importer" / "seeds.yaml")
                        .read_text(encoding="utf-8"))


def imported():
    found = []
    for path in sorted(ARTICLES.rglob("*.md")):
        article = parse(path.read_text(encoding="utf-8"))
        if article.metadata.get("Import-Key"):
            found.append((path, article))
    return found


def test_every_seed_story_is_on_the_site_exactly_once():
    keys = Counter(article.metadata["Import-Key"] for _, article in imported())
    expected = {f"{name}#{n}" for name, label in LABELS.items()
                for n in range(1, len(label["stories"]) + 1)}
    assert set(keys) == expected
    assert all(count == 1 for count in keys.values())
    titles = [article.metadata["Title"] for _, article in imported()]
    assert len(set(titles)) == len(titles)


@pytest.mark.parametrize("path, article", imported(), ids=lambda value: getattr(value, "name", ""))
def test_reviewed_article_is_ready_to_publish(path, article):
    meta = article.metadata
    assert meta["Status"] == "published"
    assert path.parent.name == meta["Date"][:4]
    assert meta["Slug"] == pinyin_slug(meta["Title"]) and path.stem == meta["Slug"]
    for paragraph in article.body.strip().split("\n\n"):
        # a caption is published only with its photo; one without is a note for the editor
        assert not paragraph.startswith(("*图：", "▲图：", "图：")), f"{path.name}: caption without a photo"
        if not paragraph.startswith(("#", "![", "<!-- 待配图：")):  # headings, photos, captions to attach
            assert ends_sentence(paragraph), f"{path.name}: cut-off paragraph “…{paragraph[-15:]}”"


@pytest.mark.parametrize("name", sorted(LABELS))
def test_reviewed_articles_keep_the_seed_text(name):
    result = import_page((SEEDS / name).read_bytes(), name)
    expected = result.balance.page - result.balance.dropped
    on_site = Counter()
    for _, article in imported():
        if article.metadata["Import-File"] == name:
            on_site += han_multiset(carried_text(article))
    expected -= sum((han_multiset(item.text) for item in result.set_aside), start=Counter())
    lost = expected - on_site
    # the editor removed only what the importer flagged: the near-duplicate copies, and the
    # dangling last clause of a cut-off paragraph whose continuation is not on the page
    allowed = Counter()
    for pair in result.near:
        allowed += han_multiset(pair.second.text)
    for block in result.unjoined:
        allowed += han_multiset(re.split("[,，、]", block.text)[-1])
    assert not lost - allowed, (lost - allowed).most_common(10)


def test_no_near_duplicate_paragraphs_left():
    from importer.blocks import split_blocks
    from importer.classify import classify
    for path, article in imported():
        assert near_duplicates(classify(split_blocks(article.body))) == [], path.name


def test_reimporting_the_seeds_never_overwrites_reviewed_articles(tmp_path, capsys):
    dest = tmp_path / "articles"
    shutil.copytree(ARTICLES, dest)
    before = {path: path.read_bytes() for path in dest.rglob("*.md")}
    assert main([str(SEEDS), "--dest", str(dest)]) == 1
    output = capsys.readouterr().out
    assert output.count("refused") == sum(len(label["stories"]) for label in LABELS.values())
    assert {path: path.read_bytes() for path in dest.rglob("*.md")} == before


FILE_NAME = re.compile(r"\.(?:txt|text|docx?|md|html?)$|^\d{3}_[0-9a-f]{16}", re.I)


@pytest.mark.parametrize("path", sorted(ARTICLES.rglob("*.md")), ids=lambda path: path.stem)
def test_no_file_name_as_source_and_no_half_width_punctuation_in_chinese(path):
    """Readers see 来源 only for a real paper, and full-width punctuation inside Chinese."""
    from importer.punctuation import normalize_line
    article = parse(path.read_text(encoding="utf-8"))
    source = article.metadata.get("Source", "")
    assert not FILE_NAME.search(source), f"{path.name}: Source is a file name: {source}"
    shown = [article.metadata.get(key, "") for key in ("Title", "Subtitle", "Column", "Byline",
                                                         "Summary", "Source")]
    for line in shown + article.body.split("\n"):
        fixed, count = normalize_line(line)
        assert count == 0, f"{path.name}: half-width punctuation inside Chinese: “{line}” → “{fixed}”"


def test_the_rule_finds_half_width_punctuation_when_it_is_there():
    from importer.punctuation import normalize_line
    assert normalize_line("职工之家,温暖如春")[1] == 1
    assert FILE_NAME.search("002_765ad1a8719cff38.txt") and not FILE_NAME.search("工人日报")
