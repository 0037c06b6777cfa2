"""The one text analyzer of the union bulletin site.

fold() normalizes text character by character (NFKC, lowercase, traditional →
simplified) without changing its length; segment() cuts folded text into
jieba words with the union user dictionary (positions and offsets);
bigrams()/unigrams() give the substring net; expand() applies the synonym
table.  The search index, its static export and the tagger all use these.
"""

from .fold import fold, fold_char, is_word_char, t2s_map, word_flags
from .segment import (
    Token,
    bigram_offsets,
    bigrams,
    cut,
    is_dictionary_word,
    segment,
    segmenter_name,
    sub_words,
    tokenizer,
    unigrams,
    word_counts,
    word_positions,
    word_runs,
)
from .synonyms import SynonymTableError, expand, synonym_groups, synonym_map

ANALYZER_VERSION = "1"


def analyzer_fingerprint() -> str:
    """Changes whenever analysis output may change: any file of union_text, or the segmenter used."""
    import hashlib

    from union_core.digest import package_digest

    digest = hashlib.sha1(f"{ANALYZER_VERSION}\0{package_digest('union_text')}\0{segmenter_name()}".encode())
    return digest.hexdigest()[:16]


def tokens(text: str) -> list[Token]:
    """Fold then segment: word tokens with positions and offsets into `text`."""
    return segment(fold(text))


__all__ = [
    "ANALYZER_VERSION",
    "SynonymTableError",
    "Token",
    "analyzer_fingerprint",
    "bigram_offsets",
    "bigrams",
    "cut",
    "expand",
    "fold",
    "fold_char",
    "is_dictionary_word",
    "is_word_char",
    "segment",
    "segmenter_name",
    "sub_words",
    "synonym_groups",
    "synonym_map",
    "t2s_map",
    "tokenizer",
    "tokens",
    "unigrams",
    "word_counts",
    "word_flags",
    "word_positions",
    "word_runs",
]
