"""BM25F as used by the command line and (mirrored in JavaScript) the browser.

Everything the browser must reproduce is here; docs/search-export-format.md
states the same formulas.  A posting carries q, the field-weighted,
length-normalised term frequency scaled by Q_SCALE and rounded to an integer,
so both sides add the same integers and differ at most in the last bits of
the final floating-point sum, which SCORE_GRAIN rounds away.
"""

from __future__ import annotations

import math

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 3.0
BODY_WEIGHT = 1.0
Q_SCALE = 1000
SCORE_GRAIN = 1_000_000  # scores compare as floor(score * SCORE_GRAIN + 0.5)


def field_factors(len_title: int, len_body: int, avg_title: float, avg_body: float) -> tuple[float, float]:
    """Per-document factors w_f / ((1 − B) + B · len_f / avg_f) for title and body."""
    return (
        TITLE_WEIGHT / ((1 - B) + B * len_title / (avg_title or 1.0)),
        BODY_WEIGHT / ((1 - B) + B * len_body / (avg_body or 1.0)),
    )


def quantize(tf_title: int, tf_body: int, factors: tuple[float, float]) -> int:
    """q = floor(Q_SCALE · (tf_title · factor_title + tf_body · factor_body) + 0.5), at least 1.

    The export inlines exactly this arithmetic (export._Inverted); keep them identical.
    """
    total = tf_title * factors[0] + tf_body * factors[1]
    if total <= 0:
        return 0
    return max(1, math.floor(total * Q_SCALE + 0.5))


def quantized_tf(tf_title: int, tf_body: int, len_title: int, len_body: int,
                 avg_title: float, avg_body: float) -> int:
    return quantize(tf_title, tf_body, field_factors(len_title, len_body, avg_title, avg_body))


def idf(doc_count: int, doc_freq: int) -> float:
    return math.log(1 + (doc_count - doc_freq + 0.5) / (doc_freq + 0.5))


def term_score(idf_value: float, q_sum: int) -> float:
    """BM25 saturation of the summed q of one query word (synonyms summed)."""
    tf = q_sum / Q_SCALE
    return idf_value * tf * (K1 + 1) / (K1 + tf)


def score_grain(score: float) -> int:
    return math.floor(score * SCORE_GRAIN + 0.5)
