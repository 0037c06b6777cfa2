"""Segmentation throughput: the reference jieba and the rjieba accelerator, as the site uses them.

    python -m benchmarks.segmenters [--seeds DIR]

Both run through union_text (same user dictionary, same frequencies and dictionary total), on the
folded text of the seed pages: `cut` (default mode with HMM, with offsets) for throughput, and the
site's words (union_text.segment: runs, positions, sub-words) for the comparison.
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
    return union_text


def _best_rate(function, chars: int, repeats: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        out = function()
        best = min(best, time.perf_counter() - start)
    return chars / best, out


def measure(seeds_dir: Path | None = None) -> dict:
    pool = corpus.load_seeds(seeds_dir or corpus.find_seeds_dir())
    union_text = _union_text()
    text = union_text.fold("\n".join(pool.paragraphs))
    chars = len(text)
    rate, _ = _best_rate(lambda: union_text.cut(text, reference=True), chars)
    result = {"chars": chars, "jieba_chars_per_s": round(rate), "segmenter": union_text.segmenter_name()}
    if not result["segmenter"].startswith("rjieba"):
        result["rjieba"] = "not in use (not installed, or UNION_TEXT_SEGMENTER=jieba)"
        return result
    fast_rate, _ = _best_rate(lambda: union_text.cut(text), chars)
    same = union_text.segment(text) == union_text.segment(text, reference=True)
    result.update({"rjieba_chars_per_s": round(fast_rate),
                   # the report's keys: words with positions and offsets, sub-words included
                   "rjieba_identical_tokens": same, "rjieba_identical_search_tokens": same})
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
