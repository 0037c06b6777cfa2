"""The importer's individual rules on small hand-made pages."""

import pytest

from importer.blocks import split_blocks
from importer.classify import classify, is_short_line
from importer.dedupe import drop_duplicates
from importer.pipeline import import_page
from importer.render import parse
from importer.repair import repair
from importer.text import ends_sentence
from importer.titles import is_slogan, resolve


def page_blocks(text):
    return classify(split_blocks(text))


@pytest.mark.parametrize("text, finished", [
    ("他说。", True), ("他说.", True), ("真的吗?", True), ("真的吗？", True),
    ("“很温暖!”", True), ("大家说:“很温暖。”", True), ("对担任“先锋领队”", False),
    ("有限公司工", False), ("信息公告、", False), ("一些职称,", False), ("……", True),
])
def test_sentence_ends_in_both_widths(text, finished):
    assert ends_sentence(text) is finished


@pytest.mark.parametrize("line, byline, authors, rest", [
    ("记者潘仙德报道 江苏省新沂市的", "记者潘仙德报道", ["潘仙德"], "江苏省新沂市的"),
    ("本报讯 记者程雪 通讯员陈姣报道 “工资", "本报讯 记者程雪 通讯员陈姣报道", ["程雪", "陈姣"], "“工资"),
    ("通讯员 周明丽报道 今年", "通讯员 周明丽报道", ["周明丽"], "今年"),
    ("通讯员周永卫、王蓉报道 “你好", "通讯员周永卫、王蓉报道", ["周永卫", "王蓉"], "“你好"),
    ("本报记者 记者李凡报道 近日", "本报记者 记者李凡报道", ["李凡"], "近日"),
    ("本报 记者潘仙德 通讯员 叶梦蒙报道 贷款", "本报 记者潘仙德 通讯员 叶梦蒙报道", ["潘仙德", "叶梦蒙"], "贷款"),
])
def test_byline_paragraphs(line, byline, authors, rest):
    (block,) = page_blocks(line + "的正文。")
    assert (block.kind, block.byline, block.authors) == ("byline_para", byline, authors)
    assert block.text == rest + "的正文。"


@pytest.mark.parametrize("line, kind, authors", [
    ("本报记者葛星星文 温岭市总工会供图", "credit", ["葛星星"]),
    ("唐佩 图/文", "credit", ["唐佩"]),
    ("来源:《工人日报》", "source", []),
    ("（刘文）", "credit", ["刘文"]),
    ("(通讯员 张三 李四)", "credit", ["张三", "李四"]),
    ("（宝鸡县总工会）", "credit", []),
    ("▲图：新河羊毛衫行业工资集体协商会。", "caption", []),
    ("江阴市祝塘镇总工会副主席 杨晓红", "author", ["杨晓红"]),
    ("【他山之石】", "label", []),
    ("小编说:江都区紧紧围绕主线。", "note", []),
])
def test_credit_author_label_and_note_lines(line, kind, authors):
    (block,) = page_blocks(line)
    assert (block.kind, block.authors) == (kind, authors)


def test_captions_need_a_wide_gap():
    blocks = page_blocks("\n\n\n新河羊毛衫行业工资集体协商会。\n\n正文的一段话。\n\n职工力量很大。\n")
    assert [block.kind for block in blocks] == ["caption", "body", "body"]


@pytest.mark.parametrize("line, short", [
    ("坚持政治领航,落实产改工作的方向更加明确", True),
    ("在天台 凭技能可贷款", True),
    ("“国际滨”的工会如何开展好思想政治工作?", True),
    ("目前,已累计开展集中走访6", False),
    ("去年,温岭市总工会出台", False),
    ("去年8月,随着配置了冰箱、微波炉、咖", False),
    ("杭州大和热磁电子有限公司是日本磁性流体技术株式会社", False),
    ("“普通技术工各种补贴加起来,能加薪10%左右,一些职称", False),
])
def test_heading_like_lines(line, short):
    assert is_short_line(line) is short


def test_slogans_and_title_choice():
    assert is_slogan("增强凝聚力服务大局 投身新时代建功立业")
    assert not is_slogan("安全感源自 “白纸黑字”的保障")
    blocks = page_blocks("技能人才增量 技术创新提质\n\n嘉兴南湖工会助产业工人变身“时代工匠”\n\n"
                         "团结奋斗开新局 喜迎工会十八大 推进产改进行时")
    title = resolve(blocks)
    assert (title.title, title.subtitle, title.column) == (
        "嘉兴南湖工会助产业工人变身“时代工匠”", "技能人才增量 技术创新提质",
        "团结奋斗开新局 喜迎工会十八大 推进产改进行时")
    title = resolve(page_blocks("## “产改”进行时\n\n# 泽国产改工作狠下“三功夫”"))
    assert (title.title, title.column, title.rank) == ("泽国产改工作狠下“三功夫”", "“产改”进行时", 1)


def test_interleaved_columns_are_rejoined_by_vocabulary():
    page = ("# 某区总工会工作综述\n\n"
            "## 先锋领队\n\n先锋领队培育工程吸收优秀职工入党,推优入党平台择优培养。对担任“先锋领队”\n\n"
            "## 工作室\n\n劳模创新工作室主持节能技改项目,创新成果降低成本,为企业\n\n"
            "服务的党员职工,履职优秀的在推优入党中优先推荐,已选聘“先锋领队”500多名。\n")
    blocks, _ = drop_duplicates(page_blocks(page))
    repaired = repair(blocks)
    (moved,) = [join for join in repaired.joins if not join.adjacent]
    assert moved.head.text.endswith("对担任“先锋领队”")
    assert [block.line for block in repaired.unjoined] == [9]
    texts = [block.text for block in repaired.blocks]
    assert any(text.endswith("对担任“先锋领队”服务的党员职工,履职优秀的在推优入党中优先推荐,"
                             "已选聘“先锋领队”500多名。") for text in texts)


def test_duplicate_kept_where_the_text_runs_on():
    page = ("# 标题\n\n记者张三报道 第一段正文很长很长很长很长很长很长。\n\n"
            "“师傅,辛苦了,这是给你们的爱心早餐。”志愿者们正派发暖\n\n## 另一个小标题\n\n"
            "第二段正文也很长很长很长很长很长。\n\n“师傅,辛苦了,这是给你们的爱心早餐。”志愿者们正派发暖\n\n"
            "心服务包。\n")
    blocks, dropped = drop_duplicates(page_blocks(page))
    assert [(drop.block.line, drop.kept.line) for drop in dropped] == [(5, 11)]


def test_pages_without_any_title_still_keep_their_text():
    result = import_page("记者张三报道 只有正文的一页。\n\n第二段。\n".encode(), "x.txt")
    (article,) = [parse(text) for text in result.articles]
    assert article.metadata["Title"] == "UNTITLED story at line 1"
    assert result.balance.ok
    assert any("story without a title" in warning for warning in result.warnings)


def test_a_caption_cannot_close_its_comment():
    from importer.assemble import Item, Story
    from importer.render import ORPHAN_CAPTION, body_markdown
    story = Story(line=1, items=[Item("caption", "图：--><script>alert(1)</script>", 1)])
    (line,) = body_markdown(story).strip().split("\n")
    assert ORPHAN_CAPTION.match(line) and line.count("-->") == 1 and line.endswith(" -->")


def test_furniture_rules_never_touch_the_seeds():
    from importer.webpage import read_page
    from seeds import SEED_PAGES
    for seed in SEED_PAGES:
        page = read_page(seed.read_text(encoding="utf-8"))
        assert not page.web and page.set_aside == [], seed.name


@pytest.mark.parametrize("line, why", [
    ("当前位置：首页 > 工会动态 > 正文", "breadcrumb"),
    ("首页 > 新闻中心 > 基层动态", "breadcrumb"),
    ("打开网易新闻 查看精彩图片", "app prompt"),
    ("下载新华社客户端", "app prompt"),
    ("分享到：微信 微博 QQ空间", "share buttons"),
    ("责任编辑：施晨", "editor credit"),
    ("[責任編輯:薛白璐]", "editor credit"),
    ("上一篇：兰溪市总工会开展职工心理健康讲座", "previous/next links"),
    ("【字体：大 中 小】 打印 关闭", "page tools"),
    ("版权所有 金华市总工会 浙ICP备00000000号", "copyright"),
    ("本版导读", "e-paper navigation"),
    ("W020231008641976797891.png", "picture placeholder"),
    ("近日，县总工会举办职工运动会，分享到场职工的喜悦。", ""),
    ("工会动态", ""),
    ("上一篇文章写到了劳模工匠的故事，这一篇接着讲。", ""),
])
def test_furniture_lines(line, why):
    from importer.webpage import furniture
    assert furniture(line) == why


@pytest.mark.parametrize("header", [
    "首页 > 工会动态 > 正文\n作者：王敏　来源：浙江工人日报\n2023-10-16 09:12\n龙港工会主席进车间宣讲十八大精神\n",
    "浙江工人日报\n2023-10-16 09:12\n龙港工会主席进车间宣讲十八大精神\n",
    "网站首页 工会动态 职工服务\n龙港工会主席进车间宣讲十八大精神\n发布时间：2023-10-16　来源：浙江工人日报　作者：王敏\n",
])
def test_web_headline_with_its_byline_and_source_line_before_or_after(header):
    page = header + ("近日，龙港市总工会主席来到汽车部件企业的生产车间，向夜班职工宣讲大会精神。\n"
                     "责任编辑：李华\n")
    result = import_page(page.encode(), "page.txt")
    (article,) = [parse(text) for text in result.articles]
    assert article.metadata["Title"] == "龙港工会主席进车间宣讲十八大精神"
    assert article.metadata["Date"] == "2023-10-16"
    assert article.metadata["Source"].startswith("浙江工人日报")
    assert article.body.startswith("近日，龙港市总工会主席") and "责任编辑" not in article.body
    assert result.balance.ok
    if "作者" in header:
        assert article.metadata["Byline"] == "王敏" and article.metadata["Authors"] == "王敏"
