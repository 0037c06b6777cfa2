"""Deterministic synthetic corpus: N realistic articles assembled from the seed bulletin pages.

Every article gets a region (city + county), a topic, a date between 2019 and 2025, an author pair
and a body of seed paragraphs whose total length follows a log-normal law (mean about 3,300
characters).  The same (seed, n) always writes byte-identical files, so runs are comparable.

    python -m benchmarks.corpus --n 1000 --out bench-results/corpus
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import math
import os
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The seed bulletin pages live beside the repository, not in it; without them the articles in
# content/ (written from the same pages) serve as seeds, so a fresh clone can still run.
SEEDS_DIR_CANDIDATES = (Path("/work/shared/seeds"), PROJECT_DIR.parent / "shared" / "seeds",
                        PROJECT_DIR / "content" / "articles")
METADATA_LINE = re.compile(r"^[A-Za-z][\w-]*:\s")
MANIFEST = "corpus.json"
TARGET_MEAN_CHARS = 3300
OVERSHOOT_CHARS = 160  # the last paragraph overshoots the target by about half a paragraph
LENGTH_SIGMA = 0.45
MIN_CHARS, MAX_CHARS = 700, 12000
FIRST_DATE = dt.date(2019, 1, 1)
DATE_SPAN_DAYS = 7 * 365
SENTENCE_END = tuple("。！？”」』…)）")

# (city, county-level division) of Zhejiang and Jiangsu; names are public administrative facts.
REGIONS = [
    ("杭州市", "西湖区"), ("杭州市", "萧山区"), ("杭州市", "余杭区"), ("杭州市", "桐庐县"), ("杭州市", "淳安县"),
    ("宁波市", "鄞州区"), ("宁波市", "慈溪市"), ("宁波市", "余姚市"), ("宁波市", "象山县"), ("宁波市", "宁海县"),
    ("温州市", "鹿城区"), ("温州市", "瑞安市"), ("温州市", "乐清市"), ("温州市", "永嘉县"), ("温州市", "苍南县"),
    ("嘉兴市", "南湖区"), ("嘉兴市", "海宁市"), ("嘉兴市", "桐乡市"), ("嘉兴市", "嘉善县"), ("湖州市", "吴兴区"),
    ("湖州市", "德清县"), ("湖州市", "长兴县"), ("湖州市", "安吉县"), ("绍兴市", "越城区"), ("绍兴市", "柯桥区"),
    ("绍兴市", "诸暨市"), ("绍兴市", "嵊州市"), ("金华市", "婺城区"), ("金华市", "义乌市"), ("金华市", "东阳市"),
    ("金华市", "永康市"), ("衢州市", "柯城区"), ("衢州市", "江山市"), ("舟山市", "定海区"), ("舟山市", "岱山县"),
    ("台州市", "椒江区"), ("台州市", "黄岩区"), ("台州市", "路桥区"), ("台州市", "温岭市"), ("台州市", "临海市"),
    ("台州市", "玉环市"), ("台州市", "三门县"), ("丽水市", "莲都区"), ("丽水市", "龙泉市"), ("丽水市", "青田县"),
    ("南京市", "玄武区"), ("南京市", "江宁区"), ("无锡市", "江阴市"), ("无锡市", "宜兴市"), ("无锡市", "新吴区"),
    ("徐州市", "新沂市"), ("徐州市", "邳州市"), ("常州市", "武进区"), ("常州市", "溧阳市"), ("苏州市", "昆山市"),
    ("苏州市", "张家港市"), ("苏州市", "常熟市"), ("苏州市", "吴江区"), ("南通市", "海门区"), ("南通市", "如皋市"),
    ("连云港市", "东海县"), ("淮安市", "涟水县"), ("盐城市", "东台市"), ("扬州市", "仪征市"), ("扬州市", "高邮市"),
    ("镇江市", "丹阳市"), ("泰州市", "兴化市"), ("泰州市", "靖江市"), ("宿迁市", "沭阳县"), ("宿迁市", "泗阳县"),
]

# topic phrase used in titles, its ASCII slug part, a column name, and the topic an editor would
# name in a `Topics:` override (a topic of plugins/union_tags/topics.yaml, or None)
TOPICS = [
    ("工资集体协商", "gong-zi-xie-shang", "集体协商", "工资协商"), ("产改", "chan-gai", "“产改”进行时", "产改"),
    ("新就业形态劳动者入会", "xin-jiu-ye", "新就业形态", "新就业形态"),
    ("快递小哥权益保障", "kuai-di", "新就业形态", "新就业形态"),
    ("外卖小哥暖心服务", "wai-mai", "新就业形态", "新就业形态"),
    ("劳模工匠创新工作室", "lao-mo-gong-jiang", "劳模工匠", "劳模工匠"),
    ("困难职工帮扶", "bang-fu", "帮扶救助", "帮扶"), ("职工之家建设", "zhi-gong-zhi-jia", "基层建设", "职工之家"),
    ("爱心驿站", "ai-xin-yi-zhan", "服务职工", None), ("女职工权益保护", "nv-zhi-gong", "女职工", "女职工"),
    ("职工技能竞赛", "ji-neng-jing-sai", "建功立业", "技能培训"), ("安全生产", "an-quan-sheng-chan", "劳动保护", None),
    ("能级工资", "neng-ji-gong-zi", "集体协商", "工资协商"), ("职工书屋", "zhi-gong-shu-wu", "文化服务", None),
    ("户外劳动者关爱", "hu-wai", "服务职工", None), ("劳动关系和谐企业创建", "he-xie", "劳动关系", "维权"),
]
TITLE_PATTERNS = [
    "{county}{topic}工作取得新成效", "{county}总工会扎实推进{topic}", "{city}{county}：{topic}走深走实",
    "{topic}的“{county}样本”", "聚焦{topic} {county}工会出实招", "{county}以{topic}为抓手服务职工",
    "{topic}暖人心 {county}在行动", "{city}总工会调研{county}{topic}",
]
LEAD_PATTERNS = [
    "{year}年{month}月，{city}{county}总工会围绕{topic}召开推进会，部署下一阶段重点工作。",
    "近日，记者从{city}{county}总工会获悉，当地{topic}工作取得阶段性成果。",
    "{month}月{day}日，{county}总工会联合有关部门开展{topic}专项行动，走访企业{n}家。",
    "今年以来，{county}各级工会把{topic}作为服务职工的重要抓手，覆盖职工{n}00余人。",
]
REPORTERS = 150  # a city federation's staff reporters and regular correspondents
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗郑梁谢宋唐许韩冯邓曹彭曾潘程俞卓"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华慧建国红雪姣德龙斌"


@dataclass
class SeedPool:
    """Paragraphs and headlines taken from the seed pages, in their original order."""

    paragraphs: list[str] = field(default_factory=list)
    headlines: list[str] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)
    source: str = ""
    files: int = 0


class CorpusError(RuntimeError):
    """Bad seeds directory or output target; the message says what to do."""


def _seed_files(folder: Path) -> list[Path]:
    """Bulletin pages (*.txt) or, failing those, Markdown articles (*.md, any depth)."""
    return sorted(folder.glob("*.txt")) or sorted(folder.rglob("*.md"))


def find_seeds_dir() -> Path:
    """$BENCH_SEEDS, else the first candidate folder holding seed files."""
    override = os.environ.get("BENCH_SEEDS")
    for candidate in ([Path(override)] if override else []) + list(SEEDS_DIR_CANDIDATES):
        if candidate.is_dir() and _seed_files(candidate):
            return candidate
    raise CorpusError("no seed pages found; pass --seeds DIR or set BENCH_SEEDS to a folder of "
                      "bulletin .txt pages (or Markdown articles)")


def _body_lines(path: Path) -> list[str]:
    """The text lines of a seed file; a Markdown article's metadata header is dropped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise CorpusError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start}); "
                          "convert it or leave it out of the seeds folder") from None
    if path.suffix == ".md" and lines and METADATA_LINE.match(lines[0]):
        blank = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
        lines = lines[blank + 1:]
    return lines


def _is_heading(line: str) -> bool:
    return line.startswith("#")


def load_seeds(seeds_dir: Path) -> SeedPool:
    """Split seed pages into body paragraphs (rejoining paragraphs cut by print columns) and headlines."""
    if not Path(seeds_dir).is_dir():
        raise CorpusError(f"{seeds_dir}: not a folder; pass --seeds DIR with bulletin .txt pages")
    files = _seed_files(Path(seeds_dir))
    if not files:
        raise CorpusError(f"{seeds_dir}: no .txt seed pages (or .md articles) in this folder")
    pool = SeedPool(source=str(seeds_dir), files=len(files))
    for path in files:
        pending = ""
        for raw in _body_lines(path):
            line = raw.strip()
            if not line:
                continue
            if _is_heading(line):
                text = line.lstrip("#").strip()
                if 6 <= len(text) <= 40:
                    pool.headlines.append(text)
                continue
            pending += line
            if pending.endswith(SENTENCE_END):
                if len(pending) >= 40:
                    pool.paragraphs.append(pending)
                pending = ""
        if len(pending) >= 40:
            pool.paragraphs.append(pending)
    if len(pool.paragraphs) < 20:
        raise CorpusError(f"{seeds_dir}: only {len(pool.paragraphs)} usable paragraphs; need at least 20")
    # print layouts repeat paragraphs (jump lines, reprints): keep each once
    pool.paragraphs = list(dict.fromkeys(pool.paragraphs))
    pool.headlines = list(dict.fromkeys(pool.headlines))
    joined = "".join(pool.paragraphs)
    pool.counties = [county for _, county in REGIONS if county in joined]
    return pool


def _target_length(rng: random.Random) -> int:
    mu = math.log(TARGET_MEAN_CHARS - OVERSHOOT_CHARS) - LENGTH_SIGMA ** 2 / 2
    return int(min(MAX_CHARS, max(MIN_CHARS, rng.lognormvariate(mu, LENGTH_SIGMA))))


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


@functools.lru_cache(maxsize=None)
def _reporter_weights() -> tuple[float, ...]:
    return tuple(1 / (rank + 1) ** 0.8 for rank in range(REPORTERS))


@functools.lru_cache(maxsize=8)
def _reporters(seed: int) -> list[str]:
    rng = random.Random(f"union-bench-reporters:{seed}")
    names: list[str] = []
    while len(names) < REPORTERS:
        name = _name(rng)
        if name not in names:
            names.append(name)
    return names


def _localise(paragraph: str, county: str, seed_counties: list[str], rng: random.Random) -> str:
    """Most of the time, move a seed story to the article's county (varied regions for the tagger)."""
    for seed_county in seed_counties:
        if seed_county in paragraph and rng.random() < 0.7:
            paragraph = paragraph.replace(seed_county, county)
    return paragraph


def make_article(index: int, pool: SeedPool, seed: int) -> dict:
    """One article as a dict (metadata + body paragraphs); pure function of (index, pool, seed)."""
    rng = random.Random(f"union-bench:{seed}:{index}")
    city, county = rng.choice(REGIONS)
    topic, topic_slug, column, override = rng.choice(TOPICS)
    date = FIRST_DATE + dt.timedelta(days=rng.randrange(DATE_SPAN_DAYS))
    fill = {"city": city, "county": county, "topic": topic, "year": date.year, "month": date.month,
            "day": date.day, "n": rng.randrange(3, 60)}
    title = rng.choice(TITLE_PATTERNS).format(**fill)
    subtitle = rng.choice(pool.headlines) if rng.random() < 0.5 else ""
    staff = _reporters(seed)
    # a few reporters write most stories (Zipf-like), as on a real newsletter
    authors = list(dict.fromkeys(rng.choices(staff, weights=_reporter_weights(),
                                             k=rng.choice((1, 1, 2)))))
    target = _target_length(rng)
    body = [rng.choice(LEAD_PATTERNS).format(**fill)]
    length = len(body[0])
    position = rng.randrange(len(pool.paragraphs))
    used: set[int] = set()
    while length < target and len(used) < len(pool.paragraphs):
        if used and rng.random() < 0.18:
            heading = "## " + rng.choice(pool.headlines)
            if heading not in body:
                body.append(heading)
        if rng.random() < 0.25:  # jump to another story now and then
            position = rng.randrange(len(pool.paragraphs))
        while position in used:
            position = (position + 1) % len(pool.paragraphs)
        used.add(position)
        paragraph = _localise(pool.paragraphs[position], county, pool.counties, rng)
        body.append(paragraph)
        length += len(paragraph)
        position = (position + 1) % len(pool.paragraphs)
    metadata = {
        "Title": title,
        "Subtitle": subtitle,
        "Date": date.isoformat(),
        "Column": column,
        "Authors": ", ".join(authors),
        "Byline": f"记者{authors[0]} 通讯员{_name(rng)}报道",
        "Source": f"{city}工人报 {date.year}年第{rng.randrange(1, 52)}期 第{rng.randrange(1, 8)}版",
        "Slug": f"b{index:05d}-{topic_slug}",
        "Status": "published",
    }
    if override and rng.random() < 0.1:
        metadata["Topics"] = override
    return {"index": index, "metadata": {k: v for k, v in metadata.items() if v}, "body": body}


def render_markdown(article: dict) -> str:
    head = "".join(f"{key}: {value}\n" for key, value in article["metadata"].items())
    return head + "\n" + "\n\n".join(article["body"]) + "\n"


def visible_text(article: dict) -> str:
    """What a reader's Ctrl-F sees on the article page: title, subtitle and body text."""
    meta = article["metadata"]
    parts = [meta["Title"], meta.get("Subtitle", "")]
    parts += [p[3:] if p.startswith("## ") else p for p in article["body"]]
    return "\n".join(part for part in parts if part)


def article_path(article: dict) -> str:
    year = article["metadata"]["Date"][:4]
    return f"articles/{year}/{article['metadata']['Slug']}.md"


def article_url(article: dict) -> str:
    """The URL under pelicanconf.py's ARTICLE_URL = articles/{date:%Y}/{slug}/."""
    return f"articles/{article['metadata']['Date'][:4]}/{article['metadata']['Slug']}/"


ABOUT_PAGE = """Title: 关于本站
Slug: about

基准测试用的合成语料：由种子版面文字的段落随机组合而成，仅用于测量构建与搜索性能。
"""


def write_corpus(n: int, out: Path, seed: int = 1, seeds_dir: Path | None = None,
                 force: bool = False) -> Path:
    """Write content/ (articles + an about page) and corpus.json under `out`; returns the content dir."""
    if n < 1:
        raise CorpusError(f"--n must be at least 1, got {n}")
    out = Path(out)
    content = out / "content"
    if content.exists():
        if not force and any(content.iterdir()):
            raise CorpusError(f"{content} already exists; pass --force to replace it")
        shutil.rmtree(content)
    pool = load_seeds(seeds_dir or find_seeds_dir())
    (content / "pages").mkdir(parents=True)
    (content / "pages" / "about.md").write_text(ABOUT_PAGE, encoding="utf-8")
    manifest = []
    for index in range(n):
        article = make_article(index, pool, seed)
        path = content / article_path(article)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_markdown(article), encoding="utf-8")
        manifest.append({"path": article_path(article), "url": article_url(article),
                         "title": article["metadata"]["Title"], "text": visible_text(article)})
    seeds = {"source": pool.source, "files": pool.files, "paragraphs": len(pool.paragraphs)}
    (out / MANIFEST).write_text(json.dumps({"n": n, "seed": seed, "seeds": seeds, "articles": manifest},
                                           ensure_ascii=False), encoding="utf-8")
    return content


def load_manifest(out: Path) -> dict:
    return json.loads((Path(out) / MANIFEST).read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, required=True, help="number of articles")
    parser.add_argument("--out", type=Path, required=True, help="folder for content/ and corpus.json")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seeds", type=Path, default=None, help="folder of seed bulletin .txt pages")
    parser.add_argument("--force", action="store_true", help="replace an existing content/ folder")
    args = parser.parse_args(argv)
    try:
        content = write_corpus(args.n, args.out, args.seed, args.seeds, args.force)
    except CorpusError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {args.n} articles to {content}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
