"""What the search reads from Pelican articles (the one coupling function)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from union_search.records import facet_values, html_to_text, record_from_article


def article(**fields):
    base = dict(url="articles/x/", title="标题", _content="<p>正文</p>", date=datetime.datetime(2023, 5, 1),
                summary="", source_path="content/x.md")
    base.update(fields)
    return SimpleNamespace(**base)


def test_tag_shapes_from_the_tagger_and_from_metadata():
    region = {"name": "黄岩区", "path": ["浙江省", "台州市", "黄岩区"], "code": "331003"}
    topic = {"name": "工资集体协商", "slug": "gong-zi"}
    record = record_from_article(article(regions=[region], topics=[topic]))
    assert record.regions == ("浙江省›台州市›黄岩区",)
    assert record.topics == ("工资集体协商",)
    from_metadata = record_from_article(article(regions="浙江省›台州市›黄岩区, 江苏省›无锡市", topics=None))
    assert from_metadata.regions == ("浙江省›台州市›黄岩区", "江苏省›无锡市") and from_metadata.topics == ()
    obj = SimpleNamespace(name="南湖区", path=["浙江省", "嘉兴市", "南湖区"])
    assert record_from_article(article(regions=[obj])).regions == ("浙江省›嘉兴市›南湖区",)


def test_region_paths_are_found_under_every_level():
    assert facet_values(("浙江省›台州市›黄岩区",)) == ("浙江省", "台州市", "黄岩区", "浙江省›台州市›黄岩区")
    assert facet_values(("帮扶",)) == ("帮扶",)


def test_body_is_plain_text_with_subtitle_and_no_markup():
    record = record_from_article(article(
        subtitle="安吉县快递行业工资福利有了统一标准",
        _content="<h2>小标题</h2><p>“白纸黑字”的<strong>保障</strong></p><script>x()</script>",
    ))
    assert record.body == "安吉县快递行业工资福利有了统一标准\n小标题\n“白纸黑字”的保障"
    assert record.date == "2023-05-01" and record.year == "2023"


def test_html_to_text_keeps_every_character_of_the_text():
    assert html_to_text("<p>工会&amp;职工 &lt;家&gt;</p>") == "工会&职工 <家>"
    assert html_to_text("<p>第一段<a href='#'>链接</a>文字</p><p>第二段</p>") == "第一段链接文字\n第二段"
