"""Region and topic tags for stories from anywhere in China (issue 13).

One test per failure of the issue, each with short probe sentences written for
the test (the held-out stories are measured in test_union_tags_heldout.py and
never tuned on), traditional script included.
"""

import pytest

from union_tags.tagger import tag_story


def primary(title, body="", **kwargs):
    tags = tag_story(title, body, **kwargs)
    return tags.primary_region.code if tags.primary_region else None


def codes(title, body="", **kwargs):
    """Every code on the path of every region tag."""
    return {c for r in tag_story(title, body, **kwargs).regions for c in r.path_codes}


def topics(title, body=""):
    return [t.slug for t in tag_story(title, body).topics]


# -- townships and streets everywhere -------------------------------------------

@pytest.mark.parametrize("title,body,code", [
    ("深圳市龙华区观澜街道总工会举办职工运动会", "", "440309006"),
    ("成都市金牛区九里堤街道为快递小哥建驿站", "", "510106035"),
    ("洛浦县多鲁镇工会举办红柳签制作比赛", "", "653224104"),
    ("龙岗区平湖街道总工会慰问一线职工", "深圳市龙岗区平湖街道……", "440307003"),
    ("沈家门街道总工会开展送清凉", "舟山市普陀区沈家门街道总工会为渔港装卸工送去防暑用品。", "330903001"),
    ("阿西尔达斡尔民族乡工会会员入会率达100%", "新疆塔城市阿西尔达斡尔民族乡……", "654201202"),
])
def test_townships_outside_zhejiang_and_jiangsu(title, body, code):
    assert primary(title, body) == code


@pytest.mark.parametrize("title,code", [
    ("舟山普陀沈家门建起渔港驿站", "330903001"),      # city and district short forms before a street
    ("舟山市普陀区沈家门街道建起渔港驿站", "330903001"),
    ("舟山普陀开展工资集体协商", "330903"),
    ("上海普陀长风新村街道总工会成立", "310107014"),
])
def test_qualified_chains_resolve_to_the_lowest_place(title, code):
    assert primary(title) == code


def test_a_township_named_alone_needs_its_county_or_a_unique_name():
    # 平湖街道 exists in 长春, 马鞍山 and 深圳: alone it is no place
    assert primary("平湖街道开展职工运动会") is None
    # 沈家门街道 exists once in the country: its full name is enough
    assert primary("沈家门街道为渔港装卸工送清凉") == "330903001"
    # a township short form needs more than its county somewhere in the story
    assert "330903001" not in codes("普陀区总工会走访渔港", "舟山市普陀区……职工来自沈家门。")


# -- autonomous divisions and their usual names ------------------------------------

@pytest.mark.parametrize("text,code", [
    ("木垒县总工会举办技能竞赛", "652328"),
    ("昌吉州木垒县开展劳动竞赛", "652328"),
    ("木垒哈萨克自治县总工会慰问困难职工", "652328"),
    ("伊犁州总工会为货车司机建司机之家", "6540"),
    ("伊犁哈萨克自治州总工会举办职工运动会", "6540"),
    ("巴州总工会送法进企业", "6528"),
    ("博州总工会开展金秋助学", "6527"),
    ("克州总工会慰问一线职工", "6530"),
    ("黔东南州总工会为返乡农民工讨薪", "5226"),
    ("湘西州总工会启动技能提升行动", "4331"),
    ("延边州总工会夏送清凉", "2224"),
    ("阿坝州总工会走访高山协作员", "5132"),
    ("昌吉回族自治州总工会", "6523"),
    ("鄂温克旗总工会举办那达慕职工运动会", "150724"),
])
def test_autonomous_divisions_by_their_usual_names(text, code):
    assert primary(text) == code


def test_peoples_names_are_not_places():
    assert codes("鄂温克族职工代表参加座谈", "东乡族、保安族群众……") == set()


def test_a_prefecture_is_not_its_namesake_county():
    assert "513231" not in codes("阿坝州总工会慰问职工")           # 阿坝县
    assert primary("阿坝县总工会慰问职工") == "513231"


def test_former_names_of_districts():
    assert primary("密云县总工会完成两节送温暖") == "110118"     # 密云区
    assert primary("临安市天目山镇印染行业工资集体协商") == "330112116"
    assert primary("延庆县总工会组织劳模疗休养") == "110119"


# -- a district qualified by its city -------------------------------------------

def test_city_qualified_district_beats_the_city():
    assert primary("长春市朝阳区总工会组织职工健步走") == "220104"
    assert primary("北京市朝阳区总工会组织职工健步走") == "110105"
    assert primary("青岛市南区成立商圈工会联合会") == "370202"      # 青岛 + 市南区, not 青岛市 + 南区


def test_a_city_union_acting_in_a_district_leaves_the_story_to_the_district():
    assert primary("南宁市总工会走进青秀区开展集中入会", "南宁市总工会在青秀区商圈举办入会仪式。") == "450103"
    # a city-wide meeting that names one district is the city's story
    assert primary("南宁市总工会召开全市工会工作会议",
                   "南宁市总工会召开全市工会工作会议，青秀区等7个城区总工会作交流发言。") == "4501"


# -- traditional script -------------------------------------------------------------

@pytest.mark.parametrize("text,code", [
    ("武漢市總工會在東西湖區舉辦職工技能大賽", "420112"),
    ("成都市金牛區九里堤街道為快遞小哥建驛站", "510106035"),
    ("鹽田區總工會調研沙頭角街道工會工作", "440308003"),
    ("寧波市鎮海區九龍湖鎮推行行業工資集體協商", "330211101"),
    ("烏拉特中旗海流圖鎮建成職工服務陣地", "150824100"),
])
def test_traditional_script_districts_and_townships(text, code):
    assert primary(text) == code


def test_traditional_kowloon_lookalike_is_not_hong_kong():
    assert "81" not in codes("寧波市鎮海區九龍湖鎮推行行業工資集體協商")


# -- evidence: credits and unions ---------------------------------------------------

def test_two_province_mentions_do_not_pull_the_county_up():
    body = ("内蒙古中西部连日高温，县总工会按照内蒙古自治区总工会的部署，为环卫工人送去防暑物品。\n\n"
            "今年以来，县总工会已建成驿站12个。")
    assert primary("县总工会为环卫工人送清凉", body, credits=["托克托县总工会"]) == "150122"
    # without the credit the story names no county: the province is all it supports
    assert primary("县总工会为环卫工人送清凉", body) == "15"


def test_credit_lines_in_the_text_count_as_evidence():
    body = "县总工会为城区环卫工人送去防暑物品。\n\n来源：托克托县总工会"
    assert primary("县总工会送清凉", body) == "150122"


def test_a_county_union_named_in_byline_metadata_reaches_the_build(tmp_path):
    """review (make tags) reads Source:/Byline: metadata like the build does."""
    from union_tags import review

    (tmp_path / "a.md").write_text("Title: 县总工会为环卫工人送清凉\nSource: 托克托县总工会\n\n"
                                   "内蒙古中西部高温，县总工会送去防暑物品。\n", encoding="utf-8")
    row = review.review_file(tmp_path / "a.md")
    assert row["primary_region"]["code"] == "150122"


def test_union_names_count_as_evidence():
    assert primary("职工书屋开放", "托克托县总工会在县城建成职工书屋。") == "150122"


# -- Hong Kong, Macau, Taiwan ---------------------------------------------------------

@pytest.mark.parametrize("text,code", [
    ("香港工聯會促政府檢討標準工時", "81"),
    ("工聯會五一遊行促取消強積金對沖", "81"),            # the union locates the story
    ("勞工處在大埔墟舉辦《僱傭條例》展覽", "81"),         # the Labour Department too
    ("氹仔舉行五一維護權益嘉年華", "82"),
    ("澳門工會聯合總會舉行酒會", "82"),
    ("桃園市空服員職業工會發動罷工", "71"),
    ("台鐵工會要求調薪", "71"),
    ("高雄市產業總工會抗議解僱", "71"),
])
def test_hong_kong_macau_taiwan_are_regions_of_their_own(text, code):
    assert primary(text) == code


def test_no_mainland_namesake_for_their_places():
    tags = tag_story("桃園市空服員職業工會罷工", "工會在桃園機場外駐守，桃園、中壢的會員聲援。")
    assert [r.code for r in tags.regions] == ["71"]
    assert primary("香港大埔工會活動", "香港大埔區的僱員……") == "81"
    assert "441422" not in codes("香港大埔工會活動")               # 梅州市大埔县
    assert primary("梅州市大埔县总工会慰问困难职工") == "441422"
    # a mainland story naming a Taiwanese partner is the mainland place's story
    assert primary("龙岩市总工会慰问台胞职工", "龙岩市总工会走访台资企业，慰问来自台湾的职工。") == "3508"


def test_roads_named_after_places_are_not_those_places():
    assert "81" not in codes("汉口香港路上的工会驿站开放")
    assert "11" not in codes("昌吉州总工会", "昌吉市北京南路工会户外劳动者服务站建成。")
    assert "44" not in codes("天津工运史", "1925年天津总工会在广东会馆成立。")
    assert primary("台州市路桥区总工会系统上线") == "331004"     # 路桥区 is no road


# -- topics -----------------------------------------------------------------------------

def test_one_passing_word_is_no_topic():
    body = "工聯會指出，飲食業僱員每日工作超過十二小時，疫情過後人手短缺更嚴重。"
    assert "yi-qing-fang-kong" not in topics("工聯會促檢討標準工時", body)


@pytest.mark.parametrize("title,body,slug", [
    ("工聯會促取消強積金對沖", "僱員的強積金被遣散費和長期服務金對沖，勞資雙方應商討。", "wei-quan"),
    ("空服員工會罷工", "工會指勞資協商破局，依法罷工爭取權益。", "wei-quan"),
    ("台鐵工會要求調薪", "工會要求全員調薪五成，並簽訂團體協約。", "gong-zi-xie-shang"),
    ("最低工資一年一檢", "政府接納建議，每年檢討最低工資，保障基層僱員收入。", "wei-quan"),
])
def test_labour_vocabulary_of_hong_kong_macau_taiwan(title, body, slug):
    assert slug in topics(title, body)


def test_a_strong_word_in_the_headline_is_a_topic_on_its_own():
    assert "gong-zi-xie-shang" in topics("开展工资集体协商", "")
