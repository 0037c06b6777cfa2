"""Varint (unsigned LEB128) gap-coded streams of the static export."""

from __future__ import annotations

from itertools import chain
from operator import sub

import numpy as np

_TABLE_LIMIT = 1 << 14


def _varint_bytes(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


_TABLE = [_varint_bytes(v) for v in range(_TABLE_LIMIT)]


def encode_varints(values) -> bytes:
    """Concatenated varints of non-negative integers (fast path through a lookup table)."""
    table = _TABLE
    try:
        return b"".join([table[v] for v in values])
    except IndexError:
        return b"".join([table[v] if v < _TABLE_LIMIT else _varint_bytes(v) for v in values])


def gaps(values) -> list[int]:
    """Gap coding from −1: [v0 + 1, v1 − v0, …]."""
    return list(map(sub, values, chain((-1,), values)))


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
    return encode_varints(gaps(docs))


def decode_doc_list(data: bytes) -> list[int]:
    docs, previous = [], -1
    for gap in read_varints(data):
        previous += gap
        docs.append(previous)
    return docs


def encode_postings(docs, qs) -> bytes:
    """docs increasing, qs aligned: varints doc gap, q, doc gap, q, …"""
    flat = [0] * (2 * len(docs))
    flat[0::2] = gaps(docs)
    flat[1::2] = qs
    return encode_varints(flat)


def decode_postings(data: bytes) -> dict[int, int]:
    result, previous = {}, -1
    numbers = read_varints(data)
    for gap in numbers:
        previous += gap
        result[previous] = next(numbers)
    return result


def encode_positions(docs, position_lists) -> bytes:
    """For each doc: doc gap, count, position gaps (restarting from −1)."""
    flat: list[int] = []
    append, extend = flat.append, flat.extend
    previous = -1
    for doc, positions in zip(docs, position_lists):
        append(doc - previous)
        append(len(positions))
        if len(positions) == 1:  # most bigrams occur once in a document
            append(positions[0] + 1)
        else:
            extend(map(sub, positions, chain((-1,), positions)))
        previous = doc
    return encode_varints(flat)


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


def encode_doc_set(docs, doc_count: int) -> bytes:
    """A facet value's documents: a gap-coded list, or a bitmap when that is shorter.

    The first byte says which: 0 = list (varints follow), 1 = bitmap of
    doc_count bits, document d at bit d % 8 of byte d // 8.  A value held by
    most documents (浙江省 on a Zhejiang site) costs doc_count / 8 bytes
    instead of about one byte per document.
    """
    listed = encode_doc_list(docs)
    bitmap = bytearray((doc_count + 7) // 8)
    if len(bitmap) >= len(listed):
        return b"\x00" + listed
    for doc in docs:
        bitmap[doc >> 3] |= 1 << (doc & 7)
    return b"\x01" + bytes(bitmap)


def decode_doc_set(data: bytes) -> list[int]:
    if not data:
        return []
    if data[0] == 0:
        return decode_doc_list(data[1:])
    if data[0] != 1:
        raise ValueError(f"unknown document set kind {data[0]}")
    return [index * 8 + bit for index, byte in enumerate(data[1:]) if byte
            for bit in range(8) if byte >> bit & 1]


# ---------------------------------------------------------------- the same coding for whole arrays (numpy)

def varint_sizes(values):
    """Bytes each value of a numpy array of non-negative integers takes as a varint (uint8 array)."""
    values = np.asarray(values)
    sizes = np.ones(values.shape, dtype=np.uint8)
    top = int(values.max()) if values.size else 0
    for shift in range(7, max(7, top.bit_length()) + 1, 7):
        sizes += values >= (1 << shift)
    return sizes


def encode_varint_array(values, sizes=None) -> bytes:
    """encode_varints() for a numpy array: all values' varints, concatenated."""
    values = np.asarray(values)
    if sizes is None:
        sizes = varint_sizes(values)
    ends = np.cumsum(sizes, dtype=np.int64)
    total = int(ends[-1]) if len(ends) else 0
    starts = (ends - sizes).astype(np.int32 if total < 2**31 else np.int64)  # each value's first byte
    del ends
    out = np.empty(total, dtype=np.uint8)
    longer = sizes > 1
    out[starts] = (values & 0x7F).astype(np.uint8) | (longer.view(np.uint8) << 7)
    chosen = np.flatnonzero(longer)  # the values that take another byte
    byte = 1
    while len(chosen):
        more = sizes[chosen] > byte + 1
        out[starts[chosen] + byte] = ((values[chosen] >> (7 * byte)) & 0x7F).astype(np.uint8) | (
            more.view(np.uint8) << 7)
        chosen = chosen[more]
        byte += 1
    return out.tobytes()


def decode_varint_array(data: bytes) -> np.ndarray:
    """All varints of `data` as an int64 array (decode_varints for a whole stream at once)."""
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(raw < 0x80)
    starts = np.empty_like(ends)
    if len(ends):
        starts[0] = 0
        starts[1:] = ends[:-1] + 1
    values = np.zeros(len(ends), dtype=np.int64)
    lengths = ends - starts + 1
    for k in range(int(lengths.max()) if len(lengths) else 0):
        have = lengths > k
        values[have] |= (raw[starts[have] + k].astype(np.int64) & 0x7F) << (7 * k)
    return values


def varint_size(value: int) -> int:
    """Bytes one non-negative integer takes as a varint."""
    return max(1, (value.bit_length() + 6) // 7)
