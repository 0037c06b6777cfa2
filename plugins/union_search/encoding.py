"""Varint (unsigned LEB128) gap-coded streams of the static export."""

from __future__ import annotations


def put_varint(out: bytearray, value: int) -> None:
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def read_varints(data: bytes):
    value = shift = 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            yield value
            value = shift = 0


def encode_doc_list(docs) -> bytes:
    out = bytearray()
    previous = -1
    for doc in docs:
        put_varint(out, doc - previous)
        previous = doc
    return bytes(out)


def decode_doc_list(data: bytes) -> list[int]:
    docs, previous = [], -1
    for gap in read_varints(data):
        previous += gap
        docs.append(previous)
    return docs


def encode_postings(items) -> bytes:
    """items: (doc, q) with increasing doc."""
    out = bytearray()
    previous = -1
    for doc, q in items:
        put_varint(out, doc - previous)
        put_varint(out, q)
        previous = doc
    return bytes(out)


def decode_postings(data: bytes) -> dict[int, int]:
    result, previous = {}, -1
    numbers = read_varints(data)
    for gap in numbers:
        previous += gap
        result[previous] = next(numbers)
    return result


def encode_positions_doc(out: bytearray, doc_gap: int, positions) -> None:
    put_varint(out, doc_gap)
    put_varint(out, len(positions))
    previous = -1
    for position in positions:
        put_varint(out, position - previous)
        previous = position


def decode_positions(data: bytes) -> dict[int, list[int]]:
    result, previous_doc = {}, -1
    numbers = read_varints(data)
    for gap in numbers:
        previous_doc += gap
        count = next(numbers)
        positions, previous = [], -1
        for _ in range(count):
            previous += next(numbers)
            positions.append(previous)
        result[previous_doc] = positions
    return result
