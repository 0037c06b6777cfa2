"""The importer on the five real seed pages, against labelled expectations
(tests/fixtures/importer/seeds.yaml, written by reading the pages)."""

from pathlib import Path

import pytest
import yaml

from importer.cli import main
from importer.pipeline import import_page
from importer.render import carried_text, parse
from importer.text import han_multiset
from seeds import SEEDS_DIR

SEEDS = SEEDS_DIR
LABELS = yaml.safe_load((Path(__file__).parent / "fixtures" / "importer" / "seeds.yaml")
                        .read_text(encoding="utf-8"))
SEED_NAMES = sorted(LABELS)


@pytest.fixture(scope="module")
def results():
    return {name: import_page((SEEDS / name).read_bytes(), name) for name in SEED_NAMES}


def articles(result):
    return [parse(text) for text in result.articles]


@pytest.mark.parametrize("name", SEED_NAMES)
def test_stories_and_titles_match_labels(results, name):
    expected = LABELS[name]["stories"]
    found = [article.metadata for article in articles(results[name])]
    assert [meta["Title"] for meta in found] == [story["title"] for story in expected]
    for meta, story in zip(found, expected):
        for field in ("subtitle", "column"):
            if field in story:
                assert meta.get(field.title()) == story[field], (meta["Title"], field)
        if "authors" in story:
            assert meta.get("Authors", "").split(", ") == story["authors"], meta["Title"]


@pytest.mark.parametrize("name", SEED_NAMES)
def test_every_han_character_is_accounted_for(results, name):
    result = results[name]
    assert result.balance.ok, result.balance.describe()
    page = han_multiset((SEEDS / name).read_text(encoding="utf-8"))
    out = sum((han_multiset(carried_text(article)) for article in articles(result)), start=page - page)
    dropped = sum((han_multiset(drop.block.raw) for drop in result.dropped), start=page - page)
    set_aside = sum((han_multiset(item.text) for item in result.set_aside), start=page - page)
    assert [item.why for item in result.set_aside] == (
        ["the story's Source"] if name.startswith("004") else [])
    assert out + dropped + set_aside == page
    assert sum(out.values()) > 0.9 * sum(page.values())


@pytest.mark.parametrize("name", SEED_NAMES)
def test_cut_paragraphs_are_joined(results, name):
    bodies = "\n".join(article.body for article in articles(results[name]))
    paragraphs = bodies.split("\n\n")
    for text in LABELS[name]["joined"]:
        assert any(text in paragraph for paragraph in paragraphs), text
    unjoined = [block.line for block in results[name].unjoined]
    assert unjoined == sorted(unjoined)
    for line in LABELS[name].get("unjoined_lines", []):
        assert line in unjoined


def test_gong_zuo_renyuan_in_seed_000_is_one_word(results):
    body = articles(results["000_08172846260ffe6a.txt"])[0].body
    assert "有限公司工作人员卓英武" in body
    assert "有限公司工\n" not in body


@pytest.mark.parametrize("name", SEED_NAMES)
def test_duplicates_dropped_and_reported(results, name):
    assert [drop.block.line for drop in results[name].dropped] == LABELS[name]["duplicates"]
    for drop in results[name].dropped:
        assert any(f"line {drop.block.line}: duplicate of line {drop.kept.line}" in warning
                   for warning in results[name].warnings)


def test_seed_004_repeated_paragraphs_are_reported_once_each(results, capsys, tmp_path):
    name = "004_37db062171183a76.txt"
    assert main([str(SEEDS / name), "--dest", str(tmp_path)]) == 0
    output = capsys.readouterr().out
    assert "5 duplicates dropped" in output
    for line, kept in ((5, 3), (41, 29), (43, 31), (45, 33), (89, 139)):
        assert output.count(f"line {line}: duplicate of line {kept} dropped") == 1
    bodies = "".join(article.body for article in articles(results[name]))
    assert bodies.count("江都区坚持从顶层设计入手") == 1
    assert bodies.count("当职工权益受到侵害") == 1


def test_seed_004_section_heading_travels_with_its_paragraph(results):
    story = articles(results["004_37db062171183a76.txt"])[-1]
    assert story.metadata["Column"] == "履职手记"
    assert "## 善解“一口气”\n\n当职工权益受到侵害" in story.body


def test_seed_004_title_printed_after_its_body(results):
    story = articles(results["004_37db062171183a76.txt"])[1]
    assert story.body.startswith("无锡高新区综合保税区（以下简称综保区）")
    assert story.metadata["Byline"] == "无锡高新区综合保税区基层工会副主席 张艳洁"


def test_seed_001_story_start_printed_at_page_end_is_put_back(results):
    story = articles(results["001_3f930341c8d11c38.txt"])[2]
    assert story.body.startswith("近日，慈溪市周巷镇一个名为“周三利他日”的微信群")
    assert story.metadata["Byline"] == "本报记者 记者李凡报道"
    warnings = "\n".join(results["001_3f930341c8d11c38.txt"].warnings)
    assert "lines 68 and 190: near-duplicate" in warnings


def test_captions_and_editor_notes_are_marked(results):
    body = articles(results["002_765ad1a8719cff38.txt"])[0].body
    for caption in LABELS["002_765ad1a8719cff38.txt"]["captions"]:
        assert f"<!-- 待配图：{caption} -->" in body.split("\n")
    notes = [line for article in articles(results["004_37db062171183a76.txt"])
             for line in article.body.split("\n") if line.startswith("> 小编说：")]
    assert len(notes) == LABELS["004_37db062171183a76.txt"]["notes"]


def test_sub_headings_are_level_two_or_deeper(results):
    body = articles(results["000_08172846260ffe6a.txt"])[0].body
    assert "## “一支队伍”强化思想引领" in body.split("\n")
    assert "### “先锋领队”带动企业“红色氛围”" in body.split("\n")
    assert not any(line.startswith("# ") for line in body.split("\n"))


def test_all_seeds_through_the_cli(tmp_path, capsys):
    assert main([str(SEEDS), "--dest", str(tmp_path)]) == 0
    output = capsys.readouterr().out
    written = sorted(tmp_path.rglob("*.md"))
    assert len(written) == sum(len(LABELS[name]["stories"]) for name in SEED_NAMES)
    for name in SEED_NAMES:
        assert f"{name} [utf-8]: {len(LABELS[name]['stories'])} stories" in output
    slugs = [parse(path.read_text(encoding="utf-8")).metadata["Slug"] for path in written]
    assert len(set(slugs)) == len(slugs)
    for path in written:
        meta = parse(path.read_text(encoding="utf-8")).metadata
        assert meta["Status"] == "draft" and "Date" not in meta
        assert path.parent.name == "undated"
