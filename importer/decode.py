"""Turn the bytes of one page into text, or say exactly what is wrong with them.

Certain: a byte-order mark (UTF-8, UTF-16 LE/BE) or bytes that are valid UTF-8.  Otherwise the
page is legacy Chinese: GB18030 (a superset of GBK and GB2312) or Big5 (HKSCS).  Big5 bytes
mostly decode as GB18030 without any error, and into nonsense, so validity alone cannot decide.
Each strict decoding is *read*: Chinese text uses the 3,755 characters of GB2312 level 1 (the
standard's own "most used" set; traditional characters are folded to simplified first) for about
99% of its Han characters, mojibake for about 30-60%.  A decoding is accepted when it reads as
Chinese as a whole and line by line, and the other does not.  Anything else is refused with one
line: mixed encodings, undecidable bytes, binary data, empty pages.  Never guess.
"""

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache

from importer.text import han_chars, han_count


class InputError(Exception):
    """A page the importer cannot read; the message says what is wrong and what to do."""


@dataclass
class Decoded:
    text: str
    encoding: str


_ALLOWED_CONTROLS = set("\t\n\r\f\v")
LEGACY = (("gb18030", "GB18030/GBK"), ("big5hkscs", "Big5"))
RESAVE = "re-save the page as UTF-8"
# Calibrated on the seeds, in simplified and traditional characters: real pages read 0.99+ as
# a whole and no real line of 8+ Han characters under 0.96; Big5 read as GB18030 reads 0.55-0.61
# (a median line 0.58, 3% of lines above 0.8), UTF-8 read as GB18030 about 0.2.
PAGE_MIN = 0.9
LINE_MIN = 0.75
LINE_MIN_HAN = 8
LINE_MIN_UNCOMMON = 3  # a line of place names with two rare characters is still Chinese
MIN_UTF8_RUN = 20      # this many UTF-8 characters before a bad byte: the page began as UTF-8


# Written Cantonese (Hong Kong press releases quote it): its everyday function characters are
# outside GB2312.  Without them a colloquial Hong Kong page reads about 0.8 and is refused.
CANTONESE = "佢哋喺嘅咗嘢唔冇啲咩呢嗰咁噉乜啱睇搵揾攞俾畀嚟囉喎吖㗎嘞噃啩晒諗冚瞓攰餸嚿嘥"


@lru_cache(maxsize=1)
def common_characters() -> frozenset[str]:
    """GB2312 level 1 (rows 16-55 of the standard, the 3,755 most used characters) and the
    everyday characters of written Cantonese."""
    chars = set(CANTONESE)
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def common_share(text: str) -> float:
    """Share of Han characters that are everyday characters (traditional folded to simplified)."""
    from union_text import fold_char
    han = han_chars(text)
    if not han:
        return 1.0
    common = common_characters()
    return sum(1 for char in han if char in common or fold_char(char) in common) / len(han)


def _position(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return f"line {line}, column {column} (byte offset {offset})"


def _looks_like_bomless_utf16(data: bytes) -> bool:
    """Reads as text in UTF-16 (either byte order): mostly letters, Chinese everyday ones."""
    sample = data[:4096] if len(data) % 2 == 0 else data[:4095]
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = sample[:len(sample) // 2 * 2].decode(codec)
        except UnicodeDecodeError:
            continue
        printable = sum(1 for char in text if char.isprintable() or char in "\n\r\t")
        if text and printable >= 0.95 * len(text) and (han_count(text) == 0 and text.isascii()
                                                       or han_count(text) and common_share(text) >= PAGE_MIN):
            return True
    return False


def _binary_reason(data: bytes) -> str | None:
    nul = data.find(b"\x00")
    if nul >= 0:
        if _looks_like_bomless_utf16(data):
            return "looks like UTF-16 without a byte-order mark; " + RESAVE
        return (f"binary data: NUL byte at {_position(data, nul)}; this is not a text page "
                "(expected a .txt page or a .docx manuscript)")
    controls = sum(1 for b in data[:65536] if b < 32 and chr(b) not in _ALLOWED_CONTROLS)
    if controls > max(2, len(data[:65536]) // 100):
        return (f"binary data: {controls} control bytes in the first {min(len(data), 65536)} "
                "bytes; this is not a text page")
    return None


def _decode_bom(data: bytes) -> Decoded | None:
    for bom, encoding, name in ((codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
                                (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
                                (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be")):
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), name)
            except UnicodeDecodeError as error:
                raise InputError(f"starts with a {name} byte-order mark but byte {error.start} "
                                 f"is invalid {name}; {RESAVE}") from None
    return None


def _sample(text: str, width: int = 12) -> str:
    han = re.sub(r"\s+", "", text)
    return han[:width] + ("…" if len(han) > width else "")


def _implausible_line(text: str) -> tuple[int, str] | None:
    """First line that does not read as Chinese: (line number, the line)."""
    for number, line in enumerate(text.split("\n"), start=1):
        han = han_count(line)
        if han >= LINE_MIN_HAN:
            share = common_share(line)
            if share < LINE_MIN and round(han * (1 - share)) >= LINE_MIN_UNCOMMON:
                return number, line
    return None


def _utf8_prefix(data: bytes, error: UnicodeDecodeError) -> int:
    """How many non-ASCII characters decode as UTF-8 before the first bad byte."""
    return sum(1 for char in data[:error.start].decode("utf-8", "ignore") if ord(char) > 127)


def _legacy(data: bytes) -> Decoded:
    """GB18030 or Big5: the one decoding that reads as Chinese, else InputError."""
    readings = []
    for codec, name in LEGACY:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as error:
            readings.append((codec, name, None, error))
            continue
        readings.append((codec, name, text, None))
    plausible = [(codec, name, text) for codec, name, text, _ in readings
                 if text is not None and common_share(text) >= PAGE_MIN]
    if len(plausible) == 1:
        codec, name, text = plausible[0]
        bad = _implausible_line(text)
        if bad:
            number, line = bad
            raise InputError(f"mixed encodings: the page reads as {name} but line {number} does "
                             f"not (“{_sample(line)}”); {RESAVE} from the program it came from")
        return Decoded(text, codec)
    decoded = [(name, text) for _, name, text, _ in readings if text is not None]
    if len(plausible) > 1:
        both = " or as ".join(f"{name} (“{_sample(text)}”)" for _, name, text in plausible)
        raise InputError(f"encoding uncertain: the bytes read as {both}; {RESAVE}")
    if decoded:
        name, text = decoded[0]
        raise InputError(f"encoding not recognised: not UTF-8, and as {name} only "
                         f"{common_share(text):.0%} of the Chinese characters are everyday "
                         f"ones (“{_sample(text)}”): mojibake or mixed encodings; {RESAVE}")
    error = readings[0][3]
    raise InputError(f"neither UTF-8 nor GB18030/GBK nor Big5: invalid byte "
                     f"0x{data[error.start]:02x} at {_position(data, error.start)}; {RESAVE}")


def decode_page(data: bytes) -> Decoded:
    """Decode a page; raises InputError with a one-line explanation."""
    if not data:
        raise InputError("empty file (0 bytes): nothing to import")
    decoded = _decode_bom(data)
    if decoded is None:
        reason = _binary_reason(data)
        if reason:
            raise InputError(reason)
        try:
            decoded = Decoded(data.decode("utf-8"), "utf-8")
        except UnicodeDecodeError as utf8_error:
            if _utf8_prefix(data, utf8_error) >= MIN_UTF8_RUN:
                raise InputError(
                    f"mixed encodings: UTF-8 up to {_position(data, utf8_error.start)}, where "
                    f"byte 0x{data[utf8_error.start]:02x} is not UTF-8; {RESAVE}") from None
            decoded = _legacy(data)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        raise InputError("contains only whitespace: nothing to import")
    if han_count(text) == 0:
        raise InputError(f"decoded as {decoded.encoding} but contains no Chinese characters; "
                         "is this a bulletin page?")
    if decoded.encoding.startswith("utf") and han_count(text) >= 30 \
            and common_share(text) < PAGE_MIN - 0.15:
        raise InputError(f"valid {decoded.encoding}, but only {common_share(text):.0%} of its "
                         f"Chinese characters are everyday ones (“{_sample(text)}”): the text was "
                         "probably decoded with the wrong encoding before it was saved; "
                         "get the original file")
    return Decoded(text, decoded.encoding)
