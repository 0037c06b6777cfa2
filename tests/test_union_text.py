"""The one text analyzer: folding, segmentation with the union dictionary, net, synonyms."""

from __future__ import annotations

import re

import pytest

import union_text
from union_text.segment import UserDictionaryError, read_user_dictionary
from union_text.synonyms import SynonymTableError, load_synonym_groups

from test_union_search_support import SEEDS, seed_paragraphs


def seed_text() -> str:
    return "\n".join(open(path, encoding="utf-8").read() for path in SEEDS)


def test_seeds_are_present():
    assert len(SEEDS) == 5


@pytest.mark.parametrize(
    "original, folded",
    [
        ("工會、愛心驛站", "工会、爱心驿站"),
        ("產業工人隊伍建設改革", "产业工人队伍建设改革"),
        ("快遞小哥", "快递小哥"),
        ("ＡＢＣ１２３，Ｑ", "abc123,q"),
        ("後來綫上", "后来线上"),
    ],
)
def test_fold_traditional_fullwidth_and_case(original, folded):
    assert union_text.fold(original) == folded


def test_fold_keeps_length_on_every_seed_and_on_hostile_input():
    hostile = "…①ﬁ\u3000\ufeff𠀀😀\u0301Å" + "".join(chr(c) for c in range(0x20, 0x3000, 7))
    for text in (seed_text(), hostile):
        assert len(union_text.fold(text)) == len(text)


def test_fold_leaves_simplified_chinese_alone():
    # Simplified characters that OpenCC's variant tables would rewrite must stay.
    assert union_text.fold("著名抬头")[:4] == "著名抬头"
    changed = {
        ch for ch in seed_text()
        if "\u4e00" <= ch <= "\u9fff" and union_text.fold(ch) != ch
    }
    assert changed == set(), f"simplified seed characters rewritten: {sorted(changed)}"


def test_fold_is_idempotent():
    text = seed_text() + "工會愛心驛站ＡＢＣ"
    once = union_text.fold(text)
    assert union_text.fold(once) == once


def test_t2s_map_targets_are_fixed_points():
    mapping = union_text.t2s_map()
    assert len(mapping) > 2500
    assert all(union_text.fold(target) == target for target in mapping.values())


def words(text: str) -> list[str]:
    return [t.text for t in union_text.tokens(text) if not t.sub]


@pytest.mark.parametrize(
    "sentence, whole",
    [
        ("团结奋斗开新局 喜迎工会十八大 推进产改进行时", "产改"),
        ("开展能级工资集体协商,提升技能人才待遇", "能级工资集体协商"),
        ("推动企业开展工资集体协商", "工资集体协商"),
        ("黄岩区总工会深入推进劳模工匠创新工作室结对共建", "劳模工匠创新工作室"),
        ("全力推进新就业形态劳动者入会", "新就业形态劳动者"),
        ("为快递小哥送清凉", "快递小哥"),
        ("让爱心驿站更走心", "爱心驿站"),
        ("建好职工之家", "职工之家"),
        ("推進產改進行時", "产改"),
    ],
)
def test_union_jargon_stays_whole(sentence, whole):
    assert whole in words(sentence)


def test_jargon_stays_whole_in_every_seed_occurrence():
    text = union_text.fold(seed_text())
    tokens = union_text.segment(text)
    starts = {(t.text, t.start) for t in tokens if not t.sub}
    for word in ("产改", "快递小哥", "爱心驿站", "劳模工匠创新工作室", "工资集体协商"):
        occurrences = [m.start() for m in re.finditer(word, text)]
        assert occurrences, word
        kept = [s for s in occurrences if (word, s) in starts]
        # a longer dictionary word may contain it (能级工资集体协商 ⊃ 工资集体协商): then it is a sub-word
        subs = {(t.text, t.start) for t in tokens if t.sub}
        assert all((word, s) in starts or (word, s) in subs for s in occurrences), word
        assert kept, word


def test_positions_are_sequential_and_subwords_share_parent_position():
    text = "为快递小哥建设爱心驿站，开展能级工资集体协商。"
    tokens = union_text.tokens(text)
    top = [t for t in tokens if not t.sub]
    assert [t.pos for t in top] == list(range(len(top)))
    for sub in (t for t in tokens if t.sub):
        parent = next(t for t in top if t.pos == sub.pos)
        assert parent.start <= sub.start and sub.end <= parent.end and sub.text in parent.text
    assert {"驿站", "爱心", "快递", "工资", "集体协商"} <= {t.text for t in tokens if t.sub}


def test_offsets_point_into_the_original_text():
    text = "工會推進產改，愛心驛站５個。"
    for token in union_text.tokens(text):
        assert union_text.fold(text[token.start : token.end]) == token.text


def test_punctuation_takes_no_position_and_breaks_the_net():
    text = "白纸、黑字"
    assert [t.text for t in union_text.tokens(text) if not t.sub] == ["白纸", "黑字"]
    grams = [g for g, _ in union_text.bigrams(union_text.fold(text))]
    assert grams == ["白纸", "黑字"]
    assert [c for c, _ in union_text.unigrams(text)] == list("白纸黑字")


def test_segmentation_is_deterministic_on_the_seeds():
    paragraphs = [p for path in SEEDS for p in seed_paragraphs(path)][:40]
    first = [union_text.tokens(p) for p in paragraphs]
    second = [union_text.tokens(p) for p in paragraphs]
    assert first == second


def test_synonyms_are_symmetric_and_whole_words():
    assert "产业工人队伍建设改革" in union_text.expand("产改")
    assert "产改" in union_text.expand("产业工人队伍建设改革")
    assert union_text.expand("快递员")[0] == "快递员" and "快递小哥" in union_text.expand("快递员")
    assert union_text.expand("不存在的词") == ("不存在的词",)
    for group in union_text.synonym_groups():
        for word in group:
            assert words(word) == [word], f"synonym {word} is not one word for the segmenter"


def test_bad_synonym_table_is_reported_with_file_and_group(tmp_path):
    bad = tmp_path / "synonyms.yaml"
    bad.write_text("groups:\n  - [产改]\n", encoding="utf-8")
    with pytest.raises(SynonymTableError, match=r"synonyms.yaml: group 1"):
        load_synonym_groups(str(bad))
    bad.write_text("groups: [[a, b\n", encoding="utf-8")
    with pytest.raises(SynonymTableError, match="not valid YAML"):
        load_synonym_groups(str(bad))


def test_bad_user_dictionary_line_is_reported(tmp_path):
    bad = tmp_path / "userdict.txt"
    bad.write_text("产改 200000\n快递小哥 很多\n", encoding="utf-8")
    with pytest.raises(UserDictionaryError, match=r"userdict.txt:2"):
        read_user_dictionary(str(bad))


def test_fingerprint_is_stable():
    assert union_text.analyzer_fingerprint() == union_text.analyzer_fingerprint()
    assert re.fullmatch(r"[0-9a-f]{16}", union_text.analyzer_fingerprint())


def test_pypinyin_loads_only_when_something_is_transliterated():
    """Its dictionaries cost ~0.5 s and 55 MB: importing the modules that slugify must not load it
    (a rebuild with cached slugs never needs it); the first transliteration does."""
    import subprocess
    import sys

    script = (
        "import sys; sys.path.insert(0, 'plugins')\n"
        "import union_text.pinyin, union_site.slugs, union_guard.reader\n"
        "assert 'pypinyin' not in sys.modules, 'loaded at import'\n"
        "assert union_text.pinyin.pinyin_slug('广东 工会') == 'guang-dong-gong-hui'\n"
        "assert 'pypinyin' in sys.modules\n"
    )
    from sitebuild import PROJECT_DIR

    subprocess.run([sys.executable, "-c", script], check=True, cwd=PROJECT_DIR)
