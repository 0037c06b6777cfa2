"""Segmentation throughput: the site's jieba tokenizer, and rjieba (Rust port) when installed.

    python -m benchmarks.segmenters [--seeds DIR]

rjieba is not a dependency.  To compare, install it outside the venv
(`pip install --target /tmp/rj rjieba`, then PYTHONPATH=/tmp/rj).  It gets the same user
dictionary and synonym words with the frequencies jieba ends up with, and the tokens of both are
compared on the folded seed text (default mode with HMM, and search mode).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import corpus
from .queries import PROJECT_DIR


def _union_text():
    plugins = str(PROJECT_DIR / "plugins")
    if plugins not in sys.path:
        sys.path.insert(0, plugins)
    import union_text
    from union_text.segment import read_user_dictionary, tokenizer
    from union_text.synonyms import synonym_groups
    return union_text, tokenizer(), [w for w, _ in read_user_dictionary()] + [
        w for group in synonym_groups() for w in group]


def _best_rate(function, chars: int, repeats: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        out = function()
        best = min(best, time.perf_counter() - start)
    return chars / best, out


def measure(seeds_dir: Path | None = None) -> dict:
    pool = corpus.load_seeds(seeds_dir or corpus.find_seeds_dir())
    union_text, jieba_tk, user_words = _union_text()
    text = union_text.fold("\n".join(pool.paragraphs))
    chars = len(text)
    rate, reference = _best_rate(lambda: list(jieba_tk.tokenize(text, mode="default", HMM=True)), chars)
    search_rate, reference_search = _best_rate(lambda: jieba_tk.lcut_for_search(text), chars)
    result = {"chars": chars, "jieba_chars_per_s": round(rate), "jieba_search_chars_per_s": round(search_rate)}
    try:
        import rjieba
    except ImportError:
        result["rjieba"] = "not installed"
        return result
    rust = rjieba.Jieba()
    for word in dict.fromkeys(user_words):
        rust.add_word(word, jieba_tk.FREQ[word], None)
    rust_rate, tokens = _best_rate(lambda: rust.tokenize(text, "default", True), chars)
    rust_search_rate, search_tokens = _best_rate(lambda: rust.cut_for_search(text, True), chars)
    result.update({
        "rjieba_chars_per_s": round(rust_rate), "rjieba_search_chars_per_s": round(rust_search_rate),
        "rjieba_identical_tokens": [tuple(t) for t in tokens] == [tuple(t) for t in reference],
        "rjieba_identical_search_tokens": list(search_tokens) == list(reference_search),
    })
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=None)
    args = parser.parse_args(argv)
    try:
        result = measure(args.seeds)
    except corpus.CorpusError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for key, value in result.items():
        print(f"{key:<34}{value:>14,}" if isinstance(value, int) and not isinstance(value, bool)
              else f"{key:<34}{value!s:>14}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
