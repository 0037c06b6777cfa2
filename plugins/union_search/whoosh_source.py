"""The engine's Source for the editors' command line: the current index generation.

Words, stored documents and per-document lengths come from Whoosh; the
substring net (bigrams with positions, single characters) and the facets
come from the same generation's export pieces (see index.py for why).
Documents are identified by export id, the (date desc, URL asc) order both
sides derive from the same columns, so results compare one to one.
"""

from __future__ import annotations

import os

from whoosh.reading import TermNotFound

from . import index as search_index
from . import scoring
from .export import doc_order_key
from .export_reader import ExportSource


class WhooshSource:
    def __init__(self, index_dir: str):
        self.ix = search_index.open_current(index_dir)
        generation = os.path.realpath(search_index.current_path(index_dir))
        self.reader = self.ix.reader()
        self.stats = search_index.read_generation_stats(generation)
        keys = search_index.column(self.reader, "key_col")
        lens = search_index.column(self.reader, "lens_col")
        dates = search_index.column(self.reader, "date_col")
        live = list(keys)
        urls = {d: keys[d].decode("utf-8") for d in live}
        order = sorted(live, key=lambda d: doc_order_key(dates[d].decode("ascii"), urls[d]))
        self.docnums = order  # export id → Whoosh docnum
        self.export_ids = {docnum: i for i, docnum in enumerate(order)}
        self.urls = [urls[d] for d in order]  # export id → URL
        self.lens = {d: search_index.LENS.unpack(lens[d]) for d in live}
        self.doc_count = len(order)
        self.net = ExportSource(os.path.join(generation, search_index.EXPORT_DIR))
        if self.net.doc_count != self.doc_count:
            raise search_index.IndexMissing(
                f"the index at {index_dir} is incomplete ({self.doc_count} documents, "
                f"export {self.net.doc_count}): build the site again"
            )

    def close(self) -> None:
        self.reader.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _freqs(self, fieldname: str, term: str) -> dict:
        try:
            matcher = self.reader.postings(fieldname, term)
        except TermNotFound:
            return {}
        return {d: v for d, v in matcher.items_as("frequency") if d in self.lens}

    def word_postings(self, term: str) -> dict:
        title = self._freqs("title_w", term)
        body = self._freqs("body_w", term)
        avgs = (self.stats["avg_title_words"], self.stats["avg_body_words"])
        out = {}
        for docnum in title.keys() | body.keys():
            lens = self.lens[docnum]
            out[self.export_ids[docnum]] = scoring.quantized_tf(
                title.get(docnum, 0), body.get(docnum, 0), lens[0], lens[1], *avgs
            )
        return out

    def unigram_postings(self, char: str) -> dict:
        return self.net.unigram_postings(char)

    def bigram_postings(self, gram: str) -> dict:
        return self.net.bigram_postings(gram)

    def pinyin_words(self, letters: str) -> list[str]:
        return self.net.pinyin_words(letters)

    def bigram_positions(self, gram: str, docs) -> dict:
        return self.net.bigram_positions(gram, docs)

    def facet_values(self, facet: str) -> list[tuple[str, str]]:
        return self.net.facet_values(facet)

    def value_docs(self, facet: str, folded: str) -> set:
        return self.net.value_docs(facet, folded)

    def concepts_named(self, name: str) -> list:
        return self.net.concepts_named(name)

    def sort_fields(self, doc) -> tuple[str, str]:
        return "", f"{doc:012d}"  # export ids are already in (date desc, URL asc) order

    def stored(self, doc) -> dict:
        return self.reader.stored_fields(self.docnums[doc])["doc"]

    def facet_counts(self, docs, facet: str) -> dict[str, int]:
        return self.net.facet_counts(docs, facet)
