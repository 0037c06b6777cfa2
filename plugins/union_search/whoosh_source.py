"""The engine's Source for the editors' command line: the current index generation.

Words, stored documents and per-document lengths come from Whoosh; the
substring net (bigrams with positions, single characters) and the facets
come from the export the index follows (see index.py for why), which the
index holds exactly (index.is_current: the command line syncs first).
Documents are identified by export id (oldest first, as export.order_records
numbers them), derived from the same columns, so results compare one to one.
"""

from __future__ import annotations

import os

from whoosh.reading import TermNotFound

from . import index as search_index
from . import locks, scoring
from .export import doc_order_key
from .export_reader import ExportSource


class WhooshSource:
    def __init__(self, index_dir: str):
        self.ix = search_index.open_current(index_dir)
        generation = os.path.realpath(search_index.current_path(index_dir))
        self._export_lock = locks.export_read(index_dir)
        self._export_lock.__enter__()  # the build prunes no piece while a query reads them
        try:
            self._open(index_dir, generation)
        except BaseException:
            self._export_lock.__exit__(None, None, None)
            raise

    def _open(self, index_dir: str, generation: str) -> None:
        self.reader = self.ix.reader()
        self.stats = search_index.read_generation_stats(generation)
        keys = search_index.column(self.reader, "key_col")
        lens = search_index.column(self.reader, "lens_col")
        dates = search_index.column(self.reader, "date_col")
        live = list(keys)
        urls = {d: keys[d].decode("utf-8") for d in live}
        order = sorted(live, key=lambda d: doc_order_key(dates[d].decode("ascii"), urls[d]), reverse=True)
        self.docnums = order  # export id → Whoosh docnum
        self.export_ids = {docnum: i for i, docnum in enumerate(order)}
        self.urls = [urls[d] for d in order]  # export id → URL
        self.lens = {d: search_index.LENS.unpack(lens[d]) for d in live}
        self.doc_count = len(order)
        self.net = ExportSource(search_index.read_site(index_dir)["export"])
        if self.net.doc_count != self.doc_count or search_index.manifest_id(self.net.root) != self.stats.get("manifest"):
            raise search_index.IndexMissing(
                f"the index at {index_dir} is behind the export at {self.net.root} ({self.doc_count} documents, "
                f"export {self.net.doc_count}): search again (the command line catches up first)"
            )

    def close(self) -> None:
        self.reader.close()
        self._export_lock.__exit__(None, None, None)

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
        return "", f"{self.doc_count - 1 - doc:012d}"  # the newest (highest id) first

    def stored(self, doc, terms=None) -> dict:
        return self.reader.stored_fields(self.docnums[doc])["doc"]

    def facet_counts(self, docs, facet: str) -> dict[str, int]:
        return self.net.facet_counts(docs, facet)
