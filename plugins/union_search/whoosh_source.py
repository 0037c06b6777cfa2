"""The engine's Source over the Whoosh index (what the editors' command line searches)."""

from __future__ import annotations

import json

from . import index as search_index
from . import scoring


class WhooshSource:
    def __init__(self, index_dir: str):
        self.ix = search_index.open_current(index_dir)
        self.reader = self.ix.reader()
        self.stats = search_index.read_stats(index_dir)
        self.doc_count = self.stats["doc_count"]
        keys = self.reader.column_reader("key_col")
        lens = self.reader.column_reader("lens_col")
        self.docs = list(self.reader.all_doc_ids())
        self.urls = {d: keys[d].decode("utf-8") for d in self.docs}
        self.lens = {d: search_index.LENS.unpack(lens[d]) for d in self.docs}
        dates = self.reader.column_reader("date_col")
        self.dates = {d: dates[d].decode("ascii") for d in self.docs}

    def close(self) -> None:
        self.reader.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _freqs(self, fieldname: str, term: str, kind: str = "frequency") -> dict:
        if (fieldname, term) not in self.reader:
            return {}
        matcher = self.reader.postings(fieldname, term)
        return {d: v for d, v in matcher.items_as(kind) if d in self.lens}

    def _q(self, fields: tuple[str, str], term: str, title_len: int, body_len: int, avgs) -> dict:
        title = self._freqs(fields[0], term)
        body = self._freqs(fields[1], term)
        out = {}
        for doc in title.keys() | body.keys():
            lens = self.lens[doc]
            out[doc] = scoring.quantized_tf(
                title.get(doc, 0), body.get(doc, 0), lens[title_len], lens[body_len], *avgs
            )
        return out

    def word_postings(self, term: str) -> dict:
        avgs = (self.stats["avg_title_words"], self.stats["avg_body_words"])
        return self._q(search_index.WORD_FIELDS, term, 0, 1, avgs)

    def unigram_postings(self, char: str) -> dict:
        avgs = (self.stats["avg_title_chars"], self.stats["avg_body_chars"])
        return self._q(search_index.UNIGRAM_FIELDS, char, 2, 3, avgs)

    def bigram_postings(self, gram: str) -> dict:
        avgs = (self.stats["avg_title_chars"], self.stats["avg_body_chars"])
        return self._q(search_index.BIGRAM_FIELDS, gram, 2, 3, avgs)

    def bigram_positions(self, gram: str, docs) -> dict:
        """Positions in the combined coordinate: body offsets shifted by title length + 1."""
        out: dict = {}
        for name in search_index.BIGRAM_FIELDS:
            for doc, poses in self._freqs(name, gram, "positions").items():
                if doc in docs:
                    shift = 0 if name == "title_b" else self.lens[doc][4] + 1
                    out.setdefault(doc, []).extend(p + shift for p in poses)
        return out

    def facet_docs(self, facet: str, value: str) -> set:
        return set(self._freqs(facet, value))

    def all_docs(self) -> set:
        return set(self.docs)

    def stored(self, doc) -> dict:
        return self.reader.stored_fields(doc)["doc"]

    def sort_fields(self, doc) -> tuple[str, str]:
        return self.dates[doc], self.urls[doc]

    def facet_counts(self, docs, facet: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for doc in docs:
            stored = self.stored(doc)
            values = {"region": stored.get("regions", []), "topic": stored.get("topics", []),
                      "year": [stored.get("date", "")[:4]] if stored.get("date") else []}[facet]
            for value in values:
                counts[value] = counts.get(value, 0) + 1
        return counts
