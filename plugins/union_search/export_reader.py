"""Reference reader of the static export: the engine's Source over output/search/.

It does what the browser does (fetch the manifest, then only the pieces a
query needs) and counts the bytes it fetched, so tests can check that the
export ranks exactly like the Whoosh index and measure bytes per query.
"""

from __future__ import annotations

import base64
import bisect
import json
import os

from .concepts import ConceptReader
from .encoding import decode_doc_set, decode_positions, decode_postings
from .export import FORMAT_VERSION
from .export_terms import term_key
from .highlight import SNIPPET_CHARS, SNIPPET_LEAD, find_marks


class ExportSource:
    def __init__(self, root: str):
        self.root = root
        self.fetched: dict[str, int] = {}  # file → bytes (one query's worth when reset)
        self.manifest = self._json("manifest.json")
        if self.manifest.get("format") != FORMAT_VERSION:
            raise ValueError(f"{root}: search export format {self.manifest.get('format')}, this code reads "
                             f"format {FORMAT_VERSION}: build the site again (make html)")
        self.doc_count = self.manifest["doc_count"]
        self._page_keys = [first for first, _ in self.manifest["pages"]]
        self._pages: dict[str, list] = {}
        self._chunks: dict[str, dict] = {}
        self._facets = None
        self._concepts = None

    # fetching -----------------------------------------------------------
    def _bytes(self, name: str) -> bytes:
        with open(os.path.join(self.root, name), "rb") as handle:
            data = handle.read()
        self.fetched[name] = len(data)
        return data

    def _json(self, name: str):
        return json.loads(self._bytes(name))

    def reset_counter(self) -> None:
        self.fetched = {}
        self._chunks = {}
        self._pages = {}
        self._facets = None
        self._concepts = None

    @property
    def bytes_fetched(self) -> int:
        return sum(self.fetched.values())

    # terms ---------------------------------------------------------------
    def _entry(self, key: str):
        """manifest.pages → index page → term chunk → entry (None when the key is not indexed)."""
        i = bisect.bisect_right(self._page_keys, key) - 1
        if i < 0:
            return None
        page_name = self.manifest["pages"][i][1]
        if page_name not in self._pages:
            self._pages[page_name] = self._json(page_name)["chunks"]
        chunks = self._pages[page_name]
        j = bisect.bisect_right([first for first, _ in chunks], key) - 1
        if j < 0:
            return None
        name = chunks[j][1]
        if name not in self._chunks:
            self._chunks[name] = {entry[0]: entry for entry in self._json(name)["terms"]}
        return self._chunks[name].get(key)

    def _stream(self, stream, decode, wanted=None) -> dict:
        if isinstance(stream, str):
            return decode(base64.b64decode(stream))
        result: dict = {}
        for first, last, name in stream["segments"]:
            if wanted is not None and not any(first <= d <= last for d in wanted):
                continue
            result.update(decode(self._bytes(name)))
        return result

    def _postings(self, key: str) -> dict:
        entry = self._entry(key)
        return self._stream(entry[2], decode_postings) if entry else {}

    def word_postings(self, term: str) -> dict:
        return self._postings(term_key(term, "w"))

    def unigram_postings(self, char: str) -> dict:
        return self._postings(term_key(char, "u"))

    def bigram_postings(self, gram: str) -> dict:
        return self._postings(term_key(gram, "b"))

    def pinyin_words(self, letters: str) -> list[str]:
        entry = self._entry(term_key(letters, "p"))
        return list(entry[2]) if entry else []

    def bigram_positions(self, gram: str, docs) -> dict:
        entry = self._entry(term_key(gram, "b"))
        if not entry:
            return {}
        wanted = sorted(docs)
        found = self._stream(entry[3], decode_positions, wanted)
        return {d: p for d, p in found.items() if d in docs}

    # documents and facets ------------------------------------------------------
    def facets(self) -> dict:
        if self._facets is None:
            self._facets = self._json(self.manifest["facets"])
        return self._facets

    def facet_values(self, facet: str) -> list[tuple[str, str]]:
        """(folded, display) of every value of a facet, in file order."""
        return [(folded, name) for folded, name, _docs in self.facets().get(facet, [])]

    def value_docs(self, facet: str, folded: str) -> set:
        """Documents carrying one facet value (engine.filter_docs chooses the values)."""
        for value, _name, docs in self.facets().get(facet, []):
            if value == folded:
                return set(decode_doc_set(base64.b64decode(docs)))
        return set()

    def concepts_named(self, name: str) -> list:
        """Topics, regions and columns that `name` (folded) names (concepts.py)."""
        if self._concepts is None:
            self._concepts = ConceptReader(self.manifest, self._json, self._bytes)
        return self._concepts.named(name)

    def facet_counts(self, docs, facet: str) -> dict[str, int]:
        """Display value → number of `docs` carrying it (the counts next to filters)."""
        wanted = set(docs)
        counts = {}
        for _folded, name, encoded in self.facets().get(facet, []):
            count = len(wanted.intersection(decode_doc_set(base64.b64decode(encoded))))
            if count:
                counts[name] = count
        return counts

    def stored(self, doc, terms=None) -> dict:
        """What a result shows: the fragment, its body's rest fetched only when the snippet needs it
        (terms: the hit's highlight terms; None fetches the whole body)."""
        data = self._json(self._fragment_name(doc))
        body = data["head"]
        if data.get("rest") and (terms is None or not head_decides_snippet(body, terms)):
            body += self._bytes(data["rest"]).decode("utf-8")
        data["body"] = body
        return data

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def sort_fields(self, doc) -> tuple[str, str]:
        # ids run oldest first: the newest (highest id) ranks first among equals
        return "", f"{self.doc_count - 1 - doc:012d}"

    def _fragment_name(self, doc: int) -> str:
        starts = [first for first, _ in self.manifest["docmaps"]]
        i = bisect.bisect_right(starts, doc) - 1
        docmap = self._json(self.manifest["docmaps"][i][1])
        return docmap["fragments"][doc - docmap["first"]]

    def fragment(self, doc: int) -> dict:
        """The document's fragment with its whole body."""
        return self.stored(doc)


def head_decides_snippet(head: str, terms) -> bool:
    """Whether the snippet of a body can be cut from its first characters alone (`head`).

    A mark starting at position p is certain once p plus the longest
    highlight term is within the head (highlight.find_marks decides each
    position from the characters at it); the snippet needs its first mark
    and every mark before its end (highlight.make_snippet).  When the head
    holds no certain mark the body's rest is needed (its first mark may be
    there; with none anywhere the snippet is the body's opening).
    """
    longest = max((len(t) for t in terms if t), default=0)
    flat = head.replace("\n", " ")
    if not longest:  # nothing to mark (a query of filters only): the snippet is the body's opening
        return SNIPPET_CHARS < len(flat)
    marks = find_marks(flat, terms)
    if not marks or marks[0][0] + longest > len(flat):
        return False
    start = max(0, marks[0][0] - SNIPPET_LEAD)
    end = start + SNIPPET_CHARS
    for mark_start, mark_end in marks:
        if mark_start < end < mark_end:
            end = mark_end
    # strictly inside: make_snippet on the head alone then cuts and ends ("…") exactly as on the body
    return end + longest <= len(flat)
