"""Turn the bytes of one bulletin page into text, or say exactly what is wrong with them.

Accepted: UTF-8 (with or without BOM), UTF-16 with BOM, and GB18030 (a superset of GBK and
GB2312, which Chinese Windows tools write).  Refused with a message: empty files, binary data,
bytes that are neither, and text without any Chinese character.
"""

import codecs
from dataclasses import dataclass

from importer.text import han_count


class InputError(Exception):
    """A page the importer cannot read; the message says what is wrong and what to do."""


@dataclass
class Decoded:
    text: str
    encoding: str


_ALLOWED_CONTROLS = set("\t\n\r\f\v")


def _position(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return f"line {line}, column {column} (byte offset {offset})"


def _binary_reason(data: bytes) -> str | None:
    nul = data.find(b"\x00")
    if nul >= 0:
        return f"binary data: NUL byte at {_position(data, nul)}"
    controls = sum(1 for b in data[:65536] if b < 32 and chr(b) not in _ALLOWED_CONTROLS)
    if controls > max(2, len(data[:65536]) // 100):
        return f"binary data: {controls} control bytes in the first {min(len(data), 65536)} bytes"
    return None


def _decode_bom(data: bytes) -> Decoded | None:
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError as error:
                raise InputError(f"starts with a {encoding} byte-order mark but byte "
                                 f"{error.start} is invalid {encoding}; re-save the file as UTF-8") from None
    return None


def decode_page(data: bytes) -> Decoded:
    """Decode a page; raises InputError with a one-line explanation."""
    if not data:
        raise InputError("empty file (0 bytes): nothing to import")
    decoded = _decode_bom(data)
    if decoded is None:
        reason = _binary_reason(data)
        if reason:
            raise InputError(f"{reason}; this is not a text page (expected UTF-8 or GB18030/GBK text)")
        try:
            decoded = Decoded(data.decode("utf-8"), "utf-8")
        except UnicodeDecodeError as utf8_error:
            try:
                decoded = Decoded(data.decode("gb18030"), "gb18030")
            except UnicodeDecodeError:
                raise InputError(
                    f"neither UTF-8 nor GB18030/GBK: invalid byte 0x{data[utf8_error.start]:02x} "
                    f"at {_position(data, utf8_error.start)}; re-save the page as UTF-8") from None
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        raise InputError("contains only whitespace: nothing to import")
    if han_count(text) == 0:
        raise InputError(f"decoded as {decoded.encoding} but contains no Chinese characters; "
                         "is this a bulletin page?")
    return Decoded(text, decoded.encoding)
