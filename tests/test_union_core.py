"""union_core: the build report, cache keys from code digests, the settings tables."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import union_core.digest as digest
from sitebuild import PROJECT_DIR, build_site, problems
from union_core.report import ERROR, WARNING, BuildReport, Problem
from union_core.settings import PACKAGES, apply_defaults, known_settings, unknown_settings

# --- the build report -------------------------------------------------------------------------

LONG = "content/articles/2023/" + "yi-ge-fei-chang-fei-chang-chang-de-wen-jian-ming-" * 3 + ".md"


def test_problem_text_names_file_field_line_and_what_to_do():
    problem = Problem(ERROR, "content/articles/x.md", "'2022-13-45' is not a date",
                      "write YYYY-MM-DD", field="Date", lines=(2,))
    assert problem.text() == ("content/articles/x.md: field Date (line 2): '2022-13-45' is not a date"
                              " — write YYYY-MM-DD")
    data = problem.as_dict()
    assert (data["path"], data["field"], data["line"], data["level"]) == ("content/articles/x.md", "Date", 2,
                                                                         "error")
    assert Problem(WARNING, None, "a build-wide note").text() == "a build-wide note"


def test_table_fits_80_columns_and_keeps_every_path_whole():
    report = BuildReport()
    report.add(Problem(ERROR, LONG, "Regions: '普陀区' is ambiguous: 舟山市普陀区（330903）、"
                       "上海市普陀区（310107）", "write the code or the city with it", field="Regions"))
    report.add(Problem(WARNING, "content/articles/b.md", "removed <script> (and its content)",
                       "use Markdown", lines=(4, 7)))
    table = report.table(width=80)
    assert all(len(line) <= 80 for line in table.splitlines()), table
    joined = "".join(line.strip() for line in table.splitlines())
    assert LONG in joined, "the path is wrapped, never cut"
    assert "ERROR field Regions" in table and "warning lines 4, 7" in table
    assert table.startswith("Build report: 1 error(s), 1 warning(s)")


def test_report_is_written_atomically_as_json(tmp_path):
    report = BuildReport([Problem(WARNING, "a.md", "x", "y", field="Title", lines=(1,))])
    path = tmp_path / "var" / "build-report.json"
    report.write(str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["warnings"] == 1 and data["problems"][0]["text"] == "a.md: field Title (line 1): x — y"
    assert [p.name for p in path.parent.iterdir()] == ["build-report.json"]


def write_article(folder: Path, name: str, *lines: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.build
def test_a_build_writes_the_report_with_problems_of_every_plugin_and_of_pelican(tmp_path):
    articles = tmp_path / "content" / "articles"
    write_article(articles, "good.md", "Title: 安吉县快递行业工资集体协商", "Date: 2022-01-01", "",
                  "安吉县总工会推动快递行业工资集体协商。")
    write_article(articles, "bad-date.md", "Title: 日期写错", "Date: 2022-13-45", "", "正文。")
    write_article(articles, "mars.md", "Title: 火星", "Date: 2022-01-02", "Regions: 火星市", "", "正文。")
    output = tmp_path / "output"
    build_site(output, content_dir=tmp_path / "content",
               settings={"PLUGINS": ["union_guard", "union_site", "union_tags"], "UNION_RELATED_CONUT": 3})
    found = {(Path(p["path"]).name if p["path"] else None, p["field"], p["level"], p["source"])
             for p in problems(output)}
    assert ("bad-date.md", "Date", "error", "union_guard") in found
    assert ("mars.md", "Regions", "error", "union_tags") in found
    assert (None, "UNION_RELATED_CONUT", "warning", "union_core") in found
    typo = next(p for p in problems(output) if p["field"] == "UNION_RELATED_CONUT")
    assert "did you mean UNION_RELATED_COUNT" in typo["todo"]


# --- settings ---------------------------------------------------------------------------------

def test_defaults_fill_only_missing_keys_with_private_copies():
    defaults = {"UNION_A": 1, "UNION_LIST": [1, 2]}
    settings = apply_defaults({"UNION_A": 5}, defaults)
    assert settings == {"UNION_A": 5, "UNION_LIST": [1, 2]}
    settings["UNION_LIST"].append(3)
    assert defaults["UNION_LIST"] == [1, 2]


def test_unknown_keys_are_found_with_the_closest_known_name():
    found = dict(unknown_settings({"UNION_RELATED_CONUT": 3, "SEARCH_INDEX_PAHT": "x", "UNION_ZZZ": 1,
                                   "UNION_RELATED_COUNT": 5, "SITENAME": "x"}))
    assert found == {"UNION_RELATED_CONUT": "UNION_RELATED_COUNT", "SEARCH_INDEX_PAHT": "SEARCH_INDEX_PATH",
                     "UNION_ZZZ": None}


def test_every_setting_is_in_the_readme_table_with_its_default():
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    rows = {m[1]: m[2] for m in re.finditer(r"^\| `([A-Z_]+)` \| ([^|]*) \|", readme, re.M)}
    known = known_settings()
    assert set(known) - set(rows) == set(), "settings missing from the README's settings table"
    for name, default in known.items():
        assert repr(default) in rows[name], f"{name}: the README says {rows[name]!r}, the code {default!r}"


def test_project_settings_have_no_unknown_keys():
    import pelicanconf
    import publishconf

    for module in (pelicanconf, publishconf):
        assert unknown_settings(vars(module)) == [], module.__name__


# --- every cache is keyed by all the code and data that shape it ------------------------------

def _keys():
    import union_text
    from union_guard import pelican_cache
    from union_search import export_state
    from union_tags import cache as tag_cache

    return {
        "tag cache": tag_cache.fingerprint(),
        "search export": export_state.code_digest(),
        "analysis cache": union_text.analyzer_fingerprint(),
        "pelican reader cache": pelican_cache.reader_digest(),
    }


DEPENDS = {  # which packages' files shape each cache
    "tag cache": {"union_tags", "union_text"},
    "search export": {"union_search", "union_text"},
    "analysis cache": {"union_text"},
    "pelican reader cache": {"union_guard", "union_text", "union_core"},
}


def test_a_change_to_any_file_of_a_package_invalidates_exactly_the_caches_it_shapes(tmp_path, monkeypatch):
    copies = {}
    for name in PACKAGES:
        copies[name] = tmp_path / name
        shutil.copytree(digest.package_dir(name), copies[name],
                        ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(digest, "package_dir", lambda name: str(copies[name]) if name in copies else name)
    digest.package_digest.cache_clear()
    before = _keys()
    checked = 0
    for name, root in copies.items():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            original = path.read_bytes()
            change = b"\nCONSTANT_CHANGED_BY_TEST = 1\n" if path.suffix == ".py" else b"\n#\n"
            path.write_bytes(original + change)
            digest.package_digest.cache_clear()
            after = _keys()
            path.write_bytes(original)
            changed = {key for key in before if after[key] != before[key]}
            expected = {key for key, packages in DEPENDS.items() if name in packages}
            assert changed == expected, f"{path.relative_to(tmp_path)}: {changed} != {expected}"
            checked += 1
    digest.package_digest.cache_clear()
    assert _keys() == before
    assert checked > 40
