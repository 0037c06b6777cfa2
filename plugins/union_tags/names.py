"""The names a division is written as in news text, derived from its official name.

    short_forms("木垒哈萨克自治县", "county")  → ["木垒"]
    alias_forms("木垒哈萨克自治县", "county")  → ["木垒县"]
    alias_forms("昌吉回族自治州", "city")      → ["昌吉州"]
    former_names("临安区", "county")           → ["临安县", "临安市"]

Short forms are stems (two characters or more) and need context to be read
(regions.py decides); alias forms carry an administrative suffix and read
like full names.  Curated names (巴州, 港澳台 districts, nicknames) live in
places.yaml.
"""

import re

# The 55 officially recognised minority peoples, as they appear in division
# names (哈萨克 without 族 in 木垒哈萨克自治县, 哈萨克族 in 阿克塞哈萨克族自治县).
ETHNIC_GROUPS = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
    "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡",
    "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬",
    "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安",
    "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "各",
)
# Longest first, so 土家 is tried before 土 and 哈萨克 before 哈尼's neighbours.
_PEOPLE = "|".join(sorted(ETHNIC_GROUPS, key=len, reverse=True))
# one or more peoples (each optionally with 族) before an autonomous suffix
_AUTONOMOUS = re.compile(rf"^(.*?)((?:(?:{_PEOPLE})族?)+)(自治州|自治县|自治旗|民族乡|民族镇|民族苏木)$")
_PROVINCE_SUFFIX = re.compile(r"(?:壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$")
_CITY_SUFFIX = re.compile(r"(?:地区|市|盟)$")
_COUNTY_SUFFIX = re.compile(r"(?:自治县|自治旗|新区|矿区|林区|特区|县|区|市|旗)$")
_TOWNSHIP_SUFFIX = re.compile(r"(?:街道|地区|办事处|苏木|镇|乡)$")
_SUFFIXES = {"province": _PROVINCE_SUFFIX, "city": _CITY_SUFFIX, "county": _COUNTY_SUFFIX,
             "township": _TOWNSHIP_SUFFIX}
_AUTONOMOUS_ALIAS = {"自治州": "州", "自治县": "县", "自治旗": "旗"}
MIN_STEM = 2   # a one-character stem (丰县 → 丰) would match everywhere


def _autonomous(name: str):
    """(stem, peoples, suffix) of an autonomous division's name, or None."""
    match = _AUTONOMOUS.match(name)
    if not match:
        return None
    stem, peoples, suffix = match.groups()
    if not stem:   # 东乡族自治县, 鄂伦春自治旗: the people's name is the place's name
        stem = re.sub("族", "", peoples)
    return stem, peoples, suffix


def stem(name: str, level: str) -> str:
    """The name without its administrative suffix (and peoples' names), or ''."""
    auto = _autonomous(name)
    if auto:
        base = auto[0]
    else:
        base = _SUFFIXES[level].sub("", name)
    return base if base != name and len(base) >= MIN_STEM else ""


def short_forms(name: str, level: str) -> list:
    """Stems a story may write for the place (黄岩区 → 黄岩)."""
    base = stem(name, level)
    return [base] if base else []


def alias_forms(name: str, level: str) -> list:
    """Suffixed names that are not official but read like them: 木垒县, 昌吉州, 延边州."""
    auto = _autonomous(name)
    if not auto or auto[2] not in _AUTONOMOUS_ALIAS:
        return []
    base = stem(name, level)
    return [base + _AUTONOMOUS_ALIAS[auto[2]]] if base else []


def former_names(name: str, level: str) -> list:
    """Names a district had before it was made a district (临安市 → 临安区, 密云县 → 密云区).

    Thirty years of 撤县设区 and 撤市设区 left the old names in people's
    writing.  Only districts get them; the caller drops any that is some
    place's current name or form (朝阳县 is a county of its own).
    """
    if level != "county" or not name.endswith("区") or name.endswith(("新区", "城区", "矿区", "郊区")):
        return []
    base = name[:-1]
    if len(base) < MIN_STEM:
        return []
    return [base + "县", base + "市"]
