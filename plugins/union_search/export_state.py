"""The previous export's inverted postings, kept so that an edit re-inverts only what it touches.

Inverting every article's analysis and encoding every term's streams took
most of a one-article rebuild (measured: about 85 % of the search build's
time, for 1,000 articles).  A document's postings depend only on its
analysis (keyed by its text hash), its export id and the collection
averages; so when the averages and the code are those of the previous
build, the previous postings are reused:

- postings of removed or changed documents are dropped, the ids of kept
  documents are renumbered (they keep their relative order: the order is
  by date, then URL, and the identity includes both);
- new or changed documents are inverted alone and merged in;
- a term whose streams came out identical reuses its previous entry
  (its pieces are still in the export: pieces are never rewritten).

The result is identical to a full inversion (tests/test_union_search_index.py
compares the two on generated articles).  The state file lives in the
export directory (hard-linked into the next generation, replaced
atomically, never published).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from array import array

from union_core.digest import package_digest

STATE_FILE = "inverted.marshal"
STATE_VERSION = 1
KINDS = ("words", "unigrams", "bigrams")
# Above this share of changed documents a full inversion is as quick.
MAX_CHANGED_SHARE = 0.5


def doc_identity(record, date_key: str) -> str:
    """What fixes a document's postings apart from its id: URL, order key and analysed text."""
    return f"{record.url}\0{date_key}\0{record.text_hash()}"


def code_digest() -> str:
    """Changes whenever the code that writes the export may write something else (any file of
    union_search or union_text)."""
    return hashlib.sha1(f"{STATE_VERSION}\0{package_digest('union_search', 'union_text')}".encode()).hexdigest()


def state_key(stats: dict) -> tuple:
    averages = tuple(float(stats[k]) for k in
                     ("avg_title_words", "avg_body_words", "avg_title_chars", "avg_body_chars"))
    return (code_digest(), stats["analyzer"]) + averages


def load(root: str, key: tuple) -> dict | None:
    """The state saved in export directory `root`, or None (missing, damaged, other code or averages)."""
    try:
        with open(os.path.join(root, STATE_FILE), "rb") as handle:
            state = marshal.loads(handle.read())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(state, dict) or state.get("key") != key:
        return None
    return state


def save(root: str, key: tuple, identities: list[str], inverted, entries: dict) -> None:
    tables = {
        kind: {term: tuple(a.tobytes() for a in arrays) for term, arrays in getattr(inverted, kind).items()}
        for kind in KINDS
    }
    data = marshal.dumps({"key": key, "docs": identities, "tables": tables, "entries": entries})
    handle, temp = tempfile.mkstemp(dir=root, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, os.path.join(root, STATE_FILE))
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def _arrays(packed: tuple) -> tuple:
    out = []
    for data in packed:
        values = array("I")
        values.frombytes(data)
        out.append(values)
    return tuple(out)


def _field_terms(analysis, kind: str) -> set[str]:
    title, body = analysis.title, analysis.body
    return set(getattr(title, kind)) | set(getattr(body, kind))


def _rows(arrays: tuple, remap: dict) -> list[tuple]:
    """Per-document rows (new id, q[, count, positions]) of the kept documents."""
    if len(arrays) == 2:
        docs, qs = arrays
        return [(remap[d], q) for d, q in zip(docs, qs) if d in remap]
    docs, qs, counts, flat = arrays
    rows, offset = [], 0
    for d, q, count in zip(docs, qs, counts):
        if d in remap:
            rows.append((remap[d], q, count, flat[offset : offset + count]))
        offset += count
    return rows


def _from_rows(rows: list[tuple], bigram: bool) -> tuple:
    if not bigram:
        return array("I", [r[0] for r in rows]), array("I", [r[1] for r in rows])
    flat = array("I")
    for row in rows:
        flat.extend(row[3])
    return (array("I", [r[0] for r in rows]), array("I", [r[1] for r in rows]),
            array("I", [r[2] for r in rows]), flat)


def invert_incrementally(state: dict, identities: list[str], inverted, analysis_of_doc,
                         analysis_by_hash) -> bool:
    """Fill `inverted` (an empty export._Inverted) from `state` plus the changed documents.

    `identities[i]` is doc_identity() of export document i; `analysis_of_doc(i)`
    its analysis; `analysis_by_hash(text_hash)` an old analysis or None.
    Returns False (leaving `inverted` untouched) when a full inversion is
    needed instead.
    """
    old = state["docs"]
    old_ids = {ident: i for i, ident in enumerate(old)}
    remap: dict[int, int] = {}
    added: list[int] = []
    for new_id, ident in enumerate(identities):
        old_id = old_ids.get(ident)
        if old_id is None:
            added.append(new_id)
        else:
            remap[old_id] = new_id
    removed = [ident for i, ident in enumerate(old) if i not in remap]
    if (len(added) + len(removed)) > MAX_CHANGED_SHARE * max(1, len(identities)):
        return False
    touched: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for ident in removed:
        analysis = analysis_by_hash(ident.rsplit("\0", 1)[1])
        if analysis is None:
            return False  # its terms are unknown: cannot tell which postings to drop
        for kind in KINDS:
            touched[kind] |= _field_terms(analysis, kind)
    fresh = type(inverted)({"avg_title_words": inverted.avg_words[0], "avg_body_words": inverted.avg_words[1],
                            "avg_title_chars": inverted.avg_chars[0], "avg_body_chars": inverted.avg_chars[1]})
    for doc in added:
        fresh.add(doc, analysis_of_doc(doc))
    renumbered = any(old_id != new_id for old_id, new_id in remap.items())
    prefixes = {"words": "w:", "unigrams": "u:", "bigrams": "b:"}
    inverted.unchanged = set()  # keys whose streams are exactly the previous build's
    for kind in KINDS:
        bigram = kind == "bigrams"
        table = {}
        new_terms = getattr(fresh, kind)
        for term, packed in state["tables"][kind].items():
            arrays = _arrays(packed)
            if not renumbered and term not in touched[kind] and term not in new_terms:
                table[term] = arrays
                inverted.unchanged.add(prefixes[kind] + term)
                continue
            rows = _rows(arrays, remap)
            if term in new_terms:
                rows.extend(_rows(new_terms[term], {d: d for d in new_terms[term][0]}))
                rows.sort(key=lambda row: row[0])
            if rows:
                table[term] = _from_rows(rows, bigram)
        for term, arrays in new_terms.items():
            if term not in table:
                table[term] = arrays
        setattr(inverted, kind, table)
    return True
