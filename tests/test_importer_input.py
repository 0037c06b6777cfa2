"""Bad input never produces a traceback: each case gets one clear line naming the file."""

import subprocess
import sys
from pathlib import Path

import pytest

from importer.cli import main
from importer.decode import InputError, decode_page
from importer.pipeline import import_page
from seeds import SEEDS_DIR

PROJECT = Path(__file__).resolve().parent.parent
SEED = SEEDS_DIR / "003_2d6d7f065d993b2b.txt"


def run(tmp_path, capsys, source, *extra):
    code = main([str(source), "--dest", str(tmp_path / "out"), *extra])
    return code, capsys.readouterr().out


def test_gbk_page_is_decoded_like_the_utf8_one(tmp_path, capsys):
    text = SEED.read_text(encoding="utf-8")
    page = tmp_path / "gbk_page.txt"
    page.write_bytes(text.encode("gbk"))
    code, out = run(tmp_path, capsys, page)
    assert code == 0
    assert "[gb18030]: 9 stories" in out
    utf8 = import_page(SEED.read_bytes(), SEED.name)
    gbk = import_page(page.read_bytes(), SEED.name)
    assert gbk.articles == utf8.articles


def test_gb18030_only_characters_decode(tmp_path):
    text = "# 𠀀字标题\n\n记者张三报道 这是一段含有扩展汉字𠀀的正文。\n"
    decoded = decode_page(text.encode("gb18030"))
    assert decoded.encoding == "gb18030" and "𠀀" in decoded.text


def test_utf8_bom_and_crlf(tmp_path):
    data = "\ufeff# 标题一\r\n\r\n记者张三报道 正文第一段。\r\n".encode("utf-8")
    decoded = decode_page(data)
    assert decoded.text.startswith("# 标题一\n") and "\r" not in decoded.text


@pytest.mark.parametrize("data, message", [
    (b"", "empty file (0 bytes)"),
    (b"  \n\n\t \n", "contains only whitespace"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary data: NUL byte at line 3, column 1 (byte offset 8)"),
    (bytes([7, 8, 1, 2, 3, 4, 5, 6] * 20) + "工会".encode(), "binary data: 160 control bytes"),
    (b"plain English text only.\n", "contains no Chinese characters"),
    ("工会工作".encode("utf-8") + b"\n\xff\xfe\xfd broken", "neither UTF-8 nor GB18030/GBK nor Big5: "
     "invalid byte 0xff at line 2, column 1 (byte offset 13)"),
])
def test_bad_input_is_refused_with_a_clear_message(tmp_path, capsys, data, message):
    page = tmp_path / "bad.txt"
    page.write_bytes(data)
    code, out = run(tmp_path, capsys, page)
    assert code == 1
    assert f"{page}: " in out and message in out
    assert "Traceback" not in out
    assert not (tmp_path / "out").exists()
    with pytest.raises(InputError):
        decode_page(data)


def test_missing_source_is_a_usage_error(tmp_path, capsys):
    code, out = run(tmp_path, capsys, tmp_path / "nope.txt")
    assert code == 2 and "no such file or folder" in out


def test_one_bad_page_does_not_stop_the_others(tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a_empty.txt").write_bytes(b"")
    (pages / "b_good.txt").write_bytes(SEED.read_bytes())
    code, out = run(tmp_path, capsys, pages)
    assert code == 1
    assert "a_empty.txt: empty file" in out and "b_good.txt [utf-8]: 9 stories" in out
    assert "2 page(s), 1 failed" in out
    assert len(list((tmp_path / "out").rglob("*.md"))) == 9


def test_command_line_entry_point_reports_without_traceback(tmp_path):
    page = tmp_path / "binary.txt"
    page.write_bytes(b"\x00\x01\x02binary")
    process = subprocess.run([sys.executable, "-m", "importer", str(page), "--dest",
                              str(tmp_path / "out")], cwd=PROJECT, capture_output=True,
                             text=True, timeout=60)
    assert process.returncode == 1
    assert "binary data: NUL byte at line 1, column 1" in process.stdout
    assert "Traceback" not in process.stdout + process.stderr
