"""Unit tests of the site foundation plugin's plain modules (no Pelican build)."""

import pytest

from union_site.slugs import install_pinyin_slugify
from union_text.pinyin import pinyin_slug, transliterate
from union_site.text_stats import count_characters, html_to_text, meta_description, reading_minutes


@pytest.mark.parametrize("title, slug", [
    ("广东", "guang-dong"),  # unidecode gives "yan-dong"
    ("重庆", "chong-qing"),
    ("黄岩区总工会", "huang-yan-qu-zong-gong-hui"),
    ("“产改”进行时:5G 工匠", "chan-gai-jin-xing-shi-5g-gong-jiang"),
    ("ＡＢＣ全角", "abc-quan-jiao"),
])
def test_pinyin_slug_reads_han_as_pinyin(title, slug):
    assert pinyin_slug(title) == slug


def test_pinyin_slug_is_ascii_and_bounded():
    slug = pinyin_slug("温岭市总工会推进产业工人队伍建设、工资集体协商、困难职工帮扶办好群众暖心事当好职工娘家人")
    assert slug.isascii() and len(slug) <= 80 and not slug.endswith("-")


def test_transliterate_keeps_non_han_text():
    assert transliterate("工会 ABC-1") == "gong hui  ABC-1"


def test_pelican_slugify_uses_pinyin_after_install():
    from pelican import urlwrappers, utils
    from pelican.settings import DEFAULT_CONFIG
    from pelican.urlwrappers import Category

    install_pinyin_slugify()
    install_pinyin_slugify()  # twice, as under autoreload
    subs = DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"]
    assert utils.slugify("广东", regex_subs=subs) == "guang-dong"
    assert urlwrappers.slugify("广东 工会", regex_subs=subs) == "guang-dong-gong-hui"
    category = Category("工会动态", DEFAULT_CONFIG)
    assert category.slug == "gong-hui-dong-tai"
    assert category == "工会动态"  # Pelican's own string comparison agrees


def test_character_count_counts_han_characters_and_latin_words():
    assert count_characters("工会组织5G培训, covering 300 workers.") == 6 + 4


def test_html_to_text_and_reading_time():
    text = html_to_text("<p>职工&amp;工会</p>\n<h2>标题</h2>")
    assert text == "职工&工会 标题"
    assert reading_minutes(0) == 1
    assert reading_minutes(401, 400) == 2


def test_meta_description_is_bounded():
    assert meta_description("工" * 300, limit=120) == "工" * 119 + "…"
    assert meta_description(" 短 文 ") == "短 文"
