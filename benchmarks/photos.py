"""What photos cost a build (union_media): encoding once, then nothing.

    .venv/bin/python -m benchmarks.photos [--photos 20]

Draws `--photos` 2,400 × 1,350 test pictures (tests/fixtures/images.py), then times, in CPU
seconds: the first build's encoding, a rebuild (manifest: stat only), a publish (hash every
photo again, reuse every derivative), and the markup pass over 10,000 articles with and without
a photo.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(PROJECT_DIR / "plugins"), str(PROJECT_DIR)]

from tests.fixtures.images import quick_picture  # noqa: E402
from union_media.markup import rewrite_photos  # noqa: E402
from union_media.store import PhotoStore  # noqa: E402


def timed(label, work):
    cpu, wall = time.process_time(), time.perf_counter()
    result = work()
    print(f"{label:<52} {time.process_time() - cpu:8.3f} s CPU {time.perf_counter() - wall:8.3f} s wall")
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        content, cache = Path(tmp) / "content", Path(tmp) / "cache"
        (content / "images").mkdir(parents=True)
        sources = []
        for n in range(args.photos):
            quick_picture((2400, 1350)).rotate(n).save(content / "images" / f"p{n}.jpg", quality=88)
            sources.append(f"images/p{n}.jpg")

        def build(**options):
            store = PhotoStore(content, cache, **options)
            for source in sources:
                store.photo(source)
            counts = (len(store.report.encoded), store.report.reused, store.report.hashed)
            store.save()
            return counts

        print("encoded, reused, hashed:", timed(f"first build: {args.photos} photos of 2,400 px", build))
        print("encoded, reused, hashed:", timed("rebuild (manifest, stat only)", build))
        print("encoded, reused, hashed:", timed("publish (hash again, reuse derivatives)",
                                                lambda: build(trust_stat=False)))
        store = PhotoStore(content, cache)
        photo = store.photo(sources[0])
        text = "<p>" + "工会职工" * 700 + "</p>\n"
        with_photo = text + f'<p><img alt="说明" src="{{static}}/{sources[0]}"></p>\n' + text
        timed("markup, 10,000 articles without photos",
              lambda: [rewrite_photos(text, lambda t: None, "../photos/") for _ in range(10000)])
        timed("markup, 10,000 articles with one photo",
              lambda: [rewrite_photos(with_photo, lambda t: photo, "../photos/") for _ in range(10000)])


if __name__ == "__main__":
    main()
