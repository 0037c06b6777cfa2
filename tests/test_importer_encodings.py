"""Every encoding of the same page gives the same drafts; a page whose encoding cannot be told
gets one clear line and nothing is written.  Punctuation inside Chinese becomes full-width."""

import codecs
import sys
from pathlib import Path

import pytest

from importer.cli import main
from importer.decode import InputError, decode_page
from importer.pipeline import import_page
from importer.punctuation import normalize, normalize_line
from seeds import SEED_PAGES

FIXTURES = Path(__file__).parent / "fixtures" / "importer"
sys.path.insert(0, str(FIXTURES))
import make_encodings  # noqa: E402  (the script that wrote encodings/ and bad/)

COPIES = list(make_encodings.copies())
EXPECTED_CODEC = {"utf-8": "utf-8-sig", "utf-16-le": "utf-16-le", "utf-16-be": "utf-16-be",
                  "gb18030": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}


@pytest.mark.parametrize("path, data, codec, source", COPIES, ids=[c[0].name for c in COPIES])
def test_encoded_fixture_is_the_same_page(path, data, codec, source):
    """The committed copies are what make_encodings.py writes: never stale."""
    assert path.read_bytes() == data
    text = (FIXTURES / "pages" / source).read_text(encoding="utf-8")
    raw = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    raw = raw[2:] if codec.startswith("utf-16") else raw
    assert raw.decode(codec) == text


@pytest.mark.parametrize("path, data, codec, source", COPIES, ids=[c[0].name for c in COPIES])
def test_every_encoding_gives_identical_drafts(path, data, codec, source):
    original = import_page((FIXTURES / "pages" / source).read_bytes(), source)
    encoded = import_page(path.read_bytes(), source)
    assert encoded.encoding == EXPECTED_CODEC[codec]
    assert encoded.articles == original.articles
    assert encoded.balance.ok and encoded.balance.page == original.balance.page
    assert sum(encoded.balance.page.values()) > 100


def test_big5_page_decodes_to_the_drafts_of_its_utf8_version():
    big5 = FIXTURES / "encodings" / "hk-union-news.big5.txt"
    result = import_page(big5.read_bytes(), "hk-union-news.txt")
    utf8 = import_page((FIXTURES / "pages" / "hk-union-news.txt").read_bytes(), "hk-union-news.txt")
    assert result.encoding == "big5hkscs" and result.articles == utf8.articles
    assert "工聯會促請政府加強戶外工友防暑保障" in result.articles[0]


@pytest.mark.parametrize("seed", SEED_PAGES, ids=lambda path: path.name[:3])
def test_long_traditional_pages_in_big5_and_gb18030(seed):
    """The seeds in traditional characters: Big5 bytes also decode as GB18030 without an error
    (into nonsense); the decoder must still pick Big5, and GB18030 for the GB18030 copy."""
    import opencc
    text = opencc.OpenCC("s2tw").convert(seed.read_text(encoding="utf-8"))
    text = "".join(char for char in text if _encodable(char, "big5"))
    utf8 = import_page(text.encode("utf-8"), seed.name)
    for codec, expected in (("big5", "big5hkscs"), ("gb18030", "gb18030")):
        result = import_page(text.encode(codec), seed.name)
        assert result.encoding == expected
        assert result.articles == utf8.articles


def _encodable(char: str, codec: str) -> bool:
    try:
        char.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


BAD = {
    "mixed-utf8-gbk.txt": "mixed encodings: UTF-8 up to line 11",
    "gbk-with-big5-paragraph.txt": "mixed encodings: the page reads as GB18030/GBK but line 4 does not",
    "undecidable.txt": "encoding uncertain: the bytes read as GB18030/GBK (“个体代价体会”) or as Big5",
    "mojibake-saved-as-utf8.txt": "the text was probably decoded with the wrong encoding before it was saved",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_undecidable_or_mixed_page_gets_one_line_and_writes_nothing(tmp_path, capsys, name):
    path = FIXTURES / "bad" / name
    assert path.read_bytes() == make_encodings.bad_pages()[name]
    code = main([str(path), "--dest", str(tmp_path / "out")])
    lines = capsys.readouterr().out.strip().split("\n")
    assert code == 1
    assert lines == [f"{path}: {lines[0].split(': ', 1)[1]}", "1 page(s), 1 failed"]
    assert BAD[name] in lines[0] and "OK" not in lines[0] and "re-save" in lines[0] \
        or "get the original file" in lines[0]
    assert not (tmp_path / "out").exists()
    with pytest.raises(InputError):
        decode_page(path.read_bytes())


def test_utf16_without_bom_is_named():
    with pytest.raises(InputError, match="UTF-16 without a byte-order mark"):
        decode_page("温岭市总工会开展活动。\n".encode("utf-16-le"))


def test_old_word_and_zip_files_are_refused_with_what_to_do():
    with pytest.raises(InputError, match="old Word .doc"):
        import_page(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "稿件.txt")
    with pytest.raises(InputError, match="not a text page"):
        import_page(b"PK\x03\x04" + b"\0" * 100, "稿件.txt")
    with pytest.raises(InputError, match="not a Word .docx manuscript"):
        import_page(b"plain text, not a zip", "稿件.docx")


@pytest.mark.parametrize("before, after", [
    ("2021年,1502人获证,其中", "2021年，1502人获证，其中"),
    ("达100%,其中", "达100%，其中"),
    ("他问:“为什么?!”", "他问：“为什么？！”"),
    ("集团(温岭)建设", "集团（温岭）建设"),
    ("县(市、区)总工会", "县（市、区）总工会"),
    ("(社区),健全", "（社区），健全"),
    ("怎么办?", "怎么办？"),
    ("时间:8:30开始", "时间：8:30开始"),          # the time stays 8:30
    ("3.5亿元,增长1,000元", "3.5亿元，增长1,000元"),  # decimals and thousands stay
    ("Hello, world! (test)", "Hello, world! (test)"),
    ("使用APP,方便", "使用APP,方便"),              # Latin on one side: left alone
    ("网址:https://example.cn/a?b=1,c=2,详见", "网址:https://example.cn/a?b=1,c=2,详见"),
    ("邮箱zhang@example.cn,欢迎", "邮箱zhang@example.cn,欢迎"),
    ("![图:说明]({static}/images/a(1).png)", "![图：说明]({static}/images/a(1).png)"),
    ("图(APP)下载", "图(APP)下载"),
])
def test_punctuation_inside_chinese(before, after):
    fixed, count = normalize_line(before)
    assert fixed == after
    assert count == sum(1 for a, b in zip(before, after) if a != b)


def test_punctuation_count_is_reported_per_page(tmp_path, capsys):
    seed = SEED_PAGES[1]
    expected = normalize(seed.read_text(encoding="utf-8"))[1]
    assert expected > 100
    main([str(seed), "--dest", str(tmp_path)])
    assert f"{expected} punctuation marks made full-width" in capsys.readouterr().out


PAGES = sorted((FIXTURES / "pages").glob("*.txt"))
ALL_ENCODINGS = [("utf-8-sig", b"", "utf-8-sig"), ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16-le"),
                 ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16-be"), ("gb18030", b"", "gb18030"),
                 ("gbk", b"", "gb18030"), ("big5", b"", "big5hkscs")]


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.stem)
def test_every_fixture_in_every_encoding_it_can_be_written_in(page):
    """Conservation and identical drafts for each layout fixture in each encoding that can
    hold its text (Big5 holds only the traditional page, GBK all the others)."""
    text = page.read_text(encoding="utf-8")
    original = import_page(page.read_bytes(), page.name)
    tried = 0
    for codec, bom, expected in ALL_ENCODINGS:
        try:
            data = bom + text.encode(codec)
        except UnicodeEncodeError:
            continue
        result = import_page(data, page.name)
        assert result.encoding == expected, codec
        assert result.balance.ok and result.balance.page == original.balance.page, codec
        assert result.articles == original.articles, codec
        tried += 1
    assert tried >= 5


def test_colloquial_cantonese_in_big5_is_still_chinese():
    """Quoted Cantonese uses characters outside GB2312 (佢 哋 喺 嘢 唔): not mojibake."""
    text = ("工友話：「佢哋喺地盤做嘢，熱到頂唔順，公司都冇安排休息。」\n\n"
            "工聯會表示會繼續跟進，有咩需要可以打熱線求助。\n") * 3
    for codec, expected in (("big5hkscs", "big5hkscs"), ("gb18030", "gb18030")):
        decoded = decode_page(text.encode(codec))
        assert (decoded.encoding, decoded.text) == (expected, text)
