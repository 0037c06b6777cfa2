"""Writing articles: idempotent re-import, edit detection by hash, unique slugs, loud failure
when the character accounting does not balance."""


import importer.pipeline
from importer.cli import main
from importer.render import content_hash, parse
from seeds import SEEDS_DIR

SEEDS = SEEDS_DIR
PAGE = SEEDS / "001_3f930341c8d11c38.txt"


def run(dest, capsys, *extra, source=PAGE):
    code = main([str(source), "--dest", str(dest), *extra])
    return code, capsys.readouterr().out


def files(dest):
    return sorted(dest.rglob("*.md"))


def test_reimport_creates_no_duplicates(tmp_path, capsys):
    assert run(tmp_path, capsys)[0] == 0
    first = {path: path.read_text(encoding="utf-8") for path in files(tmp_path)}
    code, out = run(tmp_path, capsys)
    assert code == 0 and out.count("unchanged") == 8 and "new " not in out
    assert {path: path.read_text(encoding="utf-8") for path in files(tmp_path)} == first


def test_written_hash_matches_content(tmp_path, capsys):
    run(tmp_path, capsys)
    for path in files(tmp_path):
        text = path.read_text(encoding="utf-8")
        assert parse(text).metadata["Import-Hash"] == content_hash(text)


def test_edited_article_is_refused_then_forced(tmp_path, capsys):
    run(tmp_path, capsys)
    edited = files(tmp_path)[0]
    text = edited.read_text(encoding="utf-8").replace("Status: draft", "Status: published")
    edited.write_text(text, encoding="utf-8")
    code, out = run(tmp_path, capsys)
    assert code == 1
    assert f"refused   {edited}" in out and "use --force / FORCE=1" in out
    assert edited.read_text(encoding="utf-8") == text
    assert len(files(tmp_path)) == 8
    code, out = run(tmp_path, capsys, "--force")
    assert code == 0 and f"forced    {edited}" in out
    assert "Status: draft" in edited.read_text(encoding="utf-8")


def test_moved_article_is_still_found_by_key(tmp_path, capsys):
    run(tmp_path, capsys)
    original = files(tmp_path)[0]
    moved = tmp_path / "2022" / original.name
    moved.parent.mkdir()
    original.rename(moved)
    code, out = run(tmp_path, capsys)
    assert code == 0 and f"unchanged {moved}" in out and len(files(tmp_path)) == 8


def test_unedited_article_is_refreshed_when_the_page_changes(tmp_path, capsys):
    page = tmp_path / PAGE.name
    page.write_text(PAGE.read_text(encoding="utf-8"), encoding="utf-8")
    dest = tmp_path / "out"
    run(dest, capsys, source=page)
    page.write_text(page.read_text(encoding="utf-8").replace("泽国镇常住人口有19.5万",
                                                             "泽国镇常住人口约有19.5万"),
                    encoding="utf-8")
    code, out = run(dest, capsys, source=page)
    assert code == 0 and out.count("updated") == 1 and out.count("unchanged") == 7
    assert len(files(dest)) == 8


def test_slugs_are_unique_under_dest(tmp_path, capsys):
    text = "# 工会成立\n\n记者张三报道 第一篇正文。\n"
    for name in ("p1.txt", "p2.txt"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    dest = tmp_path / "out"
    (dest / "2021").mkdir(parents=True)
    (dest / "2021" / "hand.md").write_text("Title: 工会成立\nSlug: gong-hui-cheng-li\n\n正文。\n",
                                           encoding="utf-8")
    run(dest, capsys, source=tmp_path / "p1.txt")
    run(dest, capsys, source=tmp_path / "p2.txt")
    slugs = sorted(parse(path.read_text(encoding="utf-8")).metadata["Slug"] for path in files(dest))
    assert slugs == ["gong-hui-cheng-li", "gong-hui-cheng-li-2", "gong-hui-cheng-li-3"]


def test_unbalanced_characters_fail_loudly_and_write_nothing(tmp_path, capsys, monkeypatch):
    real = importer.pipeline.body_markdown

    def lossy(story):  # a bug that loses the last character of every body (2 end in a Han character)
        return real(story)[:-2] + "\n"

    monkeypatch.setattr(importer.pipeline, "body_markdown", lossy)
    code, out = run(tmp_path, capsys)
    assert code == 1
    assert "FAILED: characters unaccounted for" in out and "MISSING 2: 为×1 低×1" in out
    assert "nothing written" in out and files(tmp_path) == []


def test_full_dates_in_the_text_become_the_date(tmp_path, capsys):
    page = tmp_path / "dated.txt"
    page.write_text("# 某县总工会召开全委会\n\n本报讯 记者张三报道 2023年3月8日,某县总工会召开全委会。\n",
                    encoding="utf-8")
    run(tmp_path / "out", capsys, source=page)
    (article,) = files(tmp_path / "out")
    assert parse(article.read_text(encoding="utf-8")).metadata["Date"] == "2023-03-08"
    assert article.parent.name == "2023"


def test_an_importer_bug_names_the_page_instead_of_a_traceback(tmp_path, capsys, monkeypatch):
    def broken(blocks):
        raise ValueError("boom")

    monkeypatch.setattr(importer.pipeline, "assemble", broken)
    code, out = run(tmp_path, capsys)
    assert code == 1
    assert f"{PAGE}: importer error (ValueError: boom); nothing written" in out
    assert "Traceback" not in out and files(tmp_path) == []
