"""Fast checks of the benchmark harness: corpus generator, truth, measurement, a tiny real run.

No timing assertions: the figures themselves live in docs/benchmarks.md.
"""

import json
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import corpus, report
from benchmarks.measure import run_measured
from benchmarks.queries import ctrl_f_truth, normalize_url
from benchmarks.sizes import folder_size

PROJECT_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pool():
    return corpus.load_seeds(corpus.find_seeds_dir())


def _tree(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_writes_identical_corpus(tmp_path):
    corpus.write_corpus(40, tmp_path / "a", seed=7)
    corpus.write_corpus(40, tmp_path / "b", seed=7)
    corpus.write_corpus(40, tmp_path / "c", seed=8)
    first, second, other = (_tree(tmp_path / name) for name in "abc")
    assert len([name for name in first if name.endswith(".md")]) == 41  # 40 articles + about page
    assert first == second
    assert first != other


def test_articles_are_valid_pelican_markdown(tmp_path):
    from pelican.readers import MarkdownReader
    from pelican.settings import DEFAULT_CONFIG

    content = corpus.write_corpus(25, tmp_path, seed=3)
    reader = MarkdownReader(dict(DEFAULT_CONFIG))
    slugs = set()
    for path in sorted((content / "articles").rglob("*.md")):
        html, metadata = reader.read(str(path))
        assert metadata["title"] and metadata["status"] == "published", path
        assert metadata["slug"].isascii() and metadata["slug"] not in slugs, path
        slugs.add(metadata["slug"])
        assert str(metadata["date"].year) == path.parent.name, path  # folder = year of Date
        assert html.count("<p>") >= 2, path
        assert "Title:" not in html and "Slug:" not in html, path  # header fully parsed


def test_length_and_variety_look_like_a_real_year_of_stories(pool):
    articles = [corpus.make_article(i, pool, seed=1) for i in range(400)]
    lengths = [len(corpus.visible_text(a)) for a in articles]
    assert 3000 <= statistics.mean(lengths) <= 3600
    assert statistics.median(lengths) < statistics.mean(lengths)  # long tail of long features
    assert min(lengths) >= corpus.MIN_CHARS and max(lengths) <= corpus.MAX_CHARS + 2000
    assert statistics.pstdev(lengths) > 800
    titles = [a["metadata"]["Title"] for a in articles]
    assert len({county for _, county in corpus.REGIONS if any(county in t for t in titles)}) >= 40
    assert len({a["metadata"]["Column"] for a in articles}) >= 8
    years = {a["metadata"]["Date"][:4] for a in articles}
    assert len(years) == 7
    assert len(set(titles)) > 300
    bodies = [a["body"] for a in articles]
    assert all(len(body) == len(set(body)) for body in bodies)  # no paragraph twice in one story


def test_markdown_articles_serve_as_seeds_when_pages_are_absent(tmp_path):
    (tmp_path / "2022").mkdir()
    paragraph = "泽国镇总工会开展职工技能竞赛，参赛职工来自二十多家企业，比赛项目覆盖数控车床与电工。"
    (tmp_path / "2022" / "x.md").write_text(
        "Title: 标题\nSlug: x\n\n" + "\n\n".join(paragraph + str(i) + "。" for i in range(25)) + "\n",
        encoding="utf-8")
    seeds = corpus.load_seeds(tmp_path)
    assert len(seeds.paragraphs) == 25
    assert not any("Title:" in p or "Slug:" in p for p in seeds.paragraphs)


def test_bad_seeds_and_existing_output_give_clear_errors(tmp_path, capsys):
    with pytest.raises(corpus.CorpusError, match="no .txt seed pages"):
        corpus.load_seeds(tmp_path)
    (tmp_path / "one.txt").write_text("太短。\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match="usable paragraphs"):
        corpus.load_seeds(tmp_path)
    (tmp_path / "two.txt").write_bytes("工会".encode("gbk"))
    with pytest.raises(corpus.CorpusError, match="two.txt: not UTF-8"):
        corpus.load_seeds(tmp_path)
    corpus.write_corpus(3, tmp_path / "out")
    assert corpus.main(["--n", "3", "--out", str(tmp_path / "out")]) == 2
    assert "--force" in capsys.readouterr().err
    assert corpus.main(["--n", "0", "--out", str(tmp_path / "zero")]) == 2


def test_ctrl_f_truth_folds_script_and_needs_every_part():
    articles = [
        {"url": "a/", "text": "县总工会推进工资集体协商，保障女职工合法权益。"},
        {"url": "b/", "text": "女职工代表参加座谈会。"},
        {"url": "c/", "text": "ＡＢＣ快递小哥"},
    ]
    truth = ctrl_f_truth(articles, ["工會", "女职工 权益", "女职工", "abc", "外卖"])
    assert truth == {"工會": {"a/"}, "女职工 权益": {"a/"}, "女职工": {"a/", "b/"},
                     "abc": {"c/"}, "外卖": set()}


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/articles/2021/x/",
                                 "/articles/2021/x/index.html", "../articles/2021/x/#top",
                                 "articles/2021/x/?q=1"])
def test_result_urls_normalize_to_site_paths(url):
    assert normalize_url(url) == "articles/2021/x/"


def test_peak_memory_counts_worker_processes(tmp_path):
    script = ("import subprocess, sys\n"
              "code = 'b = bytearray(120 * 2**20); import time; time.sleep(1.0)'\n"
              "subprocess.run([sys.executable, '-c', code], check=True)\n")
    result = run_measured([sys.executable, "-c", script], tmp_path / "log.txt", heartbeat_s=0)
    assert result.returncode == 0
    assert result.peak_mem_bytes >= 120 * 2**20
    assert result.seconds >= 1.0


def test_folder_size_reports_total_and_largest(tmp_path):
    (tmp_path / "idx" / "sub").mkdir(parents=True)
    (tmp_path / "idx" / "a.json").write_bytes(b"x" * 1000)
    (tmp_path / "idx" / "sub" / "b.bin").write_bytes(bytes(range(256)) * 10)
    size = folder_size(tmp_path / "idx")
    assert size["bytes"] == 3560 and size["files"] == 2
    assert size["largest_file"] == "sub/b.bin" and size["largest_bytes"] == 2560
    assert size["gzip_bytes"] < size["bytes"]
    assert folder_size(tmp_path / "missing") is None
    assert folder_size(tmp_path / "idx", exclude=("sub",))["bytes"] == 1000


def test_goals_report_the_gap():
    result = {"builds": {"ratios": {"cold": 1.8, "rebuild": 1.1}},
              "search": {"ours": {"available": True, "first_query_gzip_median": 60_000,
                                  "warm_ms_max": 12.0},
                         "pagefind": {"available": True, "first_query_gzip_median": 200_000}}}
    goals = {g["goal"].split(",")[0]: g for g in report.goals(result)}
    assert goals["cold build"]["met"] is False and goals["cold build"]["gap"] == pytest.approx(0.3)
    assert goals["one-article rebuild"]["met"] is True
    assert goals["first-query bytes (gzip"]["measured"] == pytest.approx(0.3)
    result["search"]["ours"] = {"available": False, "reason": "no search.html"}
    missing = [g for g in report.goals(result) if g["measured"] is None]
    assert len(missing) == 2 and all("no search.html" in g["note"] for g in missing)


@pytest.mark.build
def test_tiny_runner_builds_both_variants_and_writes_json(tmp_path):
    # union_site only: this checks the harness, not the search plugin (its own tests do that)
    base = [sys.executable, "-m", "benchmarks.run", "--n", "20", "--plugins", "union_site",
            "--out", str(tmp_path)]
    done = subprocess.run(base + ["--runs", "1", "--rebuilds", "1", "--no-search"], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "one-article rebuild" in done.stdout and "goals" in done.stdout
    assert "full site plugins: union_site" in done.stdout
    result = json.loads((tmp_path / "bench-20.json").read_text(encoding="utf-8"))
    assert {"n", "date", "machine", "corpus", "builds", "index", "goals"} <= set(result)
    assert result["corpus"]["articles"] == 20
    for name in ("vanilla", "ours"):
        variant = result["builds"][name]
        assert len(variant["cold_s"]) == 1 and len(variant["rebuild_s"]) == 1
        assert variant["peak_mem_bytes"] > 10 * 2**20
        articles = list((tmp_path / "work-20" / name / "output" / "articles").rglob("index.html"))
        assert len(articles) == 20
        # the rebuild really picked up the edit
        edited = [p for p in articles if "基准测试中修订" in p.read_text(encoding="utf-8")]
        assert len(edited) == 1
    assert result["builds"]["vanilla"]["log_errors"] == 0  # the corpus itself is clean
    assert set(result["builds"]["ratios"]) == {"cold", "rebuild", "cold_cpu", "rebuild_cpu"}
    assert result["builds"]["plugins"] == ["union_site"]
    assert {"whoosh", "export"} <= set(result["index"])
    assert [g["target"] for g in result["goals"]] == [1.5, 1.2, 0.5, 50.0]
    markdown = report.format_markdown(result)
    assert "| cold, wall (median of 1) |" in markdown and "| goal | target |" in markdown

    # --search-only keeps those build figures and adds Pagefind over the same site
    again = subprocess.run(base + ["--search-only", "--no-browser"],
                           cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    remeasured = json.loads((tmp_path / "bench-20.json").read_text(encoding="utf-8"))
    assert remeasured["builds"] == result["builds"]
    assert remeasured["index"]["pagefind"]["files"] > 0
    assert remeasured["search"]["truth_counts"]["工會"] == 20


def test_pagefind_harness_measures_bytes_latency_and_recall(tmp_path, browser):
    from benchmarks import builds, pagefind_site
    from benchmarks.browser import PAGEFIND, measure_engine
    from benchmarks.server import SiteServer

    content = corpus.write_corpus(20, tmp_path / "corpus")
    manifest = corpus.load_manifest(tmp_path / "corpus")
    variant = builds.Variant("vanilla", [], tmp_path / "vanilla")
    builds.cold_build(variant, content, tmp_path / "logs", 1)
    pagefind_site.index_site(variant.output, tmp_path / "logs")
    truth = ctrl_f_truth(manifest["articles"], ["快递小哥", "工會"])
    with SiteServer(variant.output) as server:
        measured = measure_engine(browser, server.url, PAGEFIND, truth, progress=lambda _: None)
    urls = {article["url"] for article in manifest["articles"]}
    for row in measured["per_query"]:
        assert row["errors"] == [] and row["requests"] >= 3
        assert row["search_gzip"] > 10_000  # at least Pagefind's JS and wasm
        assert row["gzip"] <= row["raw"] and row["first_ms"] > 0 and row["warm_ms"] >= 0
        assert row["found"] == row["total"] and row["hits"] <= row["truth"]
        assert row["found"] - row["extra"] == row["hits"]
    assert measured["per_query"][0]["truth"] > 0 and measured["per_query"][1]["truth"] == 20
    assert 0 <= measured["recall_mean"] <= 1
    assert urls  # recall compares against corpus URLs, which the build must have written
    assert all((variant.output / url / "index.html").exists() for url in urls)
