"""What the tagger costs a build before the first article: load the gazetteer, build the
region matcher and the topic taxonomy; time (CPU and wall) and memory.

    PYTHONPATH=plugins .venv/bin/python -m union_tags.tools.startup [--runs 5]

Each run is a fresh interpreter (the loaders cache per process), with the text
folder and pinyin already imported as they are in a build.  Memory is what the
loaded structures hold (tracemalloc, measured in a separate run so that it does
not slow the timed ones) and the growth of the process's resident set.
"""

import argparse
import json
import subprocess
import sys

_RUN = r"""
import json, resource, sys, time, tracemalloc
measure_memory = sys.argv[1] == "memory"
import union_text.pinyin, union_tags.textfold
union_tags.textfold.fold("预热"); union_text.pinyin.pinyin_slug("黄岩")
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if measure_memory:
    tracemalloc.start()
cpu0, wall0 = time.process_time(), time.perf_counter()
from union_tags.gazetteer import load_gazetteer
from union_tags.regions import default_matcher
from union_tags.topics import default_taxonomy
gaz = load_gazetteer(); matcher = default_matcher(); taxonomy = default_taxonomy()
out = {"cpu_s": time.process_time() - cpu0, "wall_s": time.perf_counter() - wall0,
       "rss_growth_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024,
       "places": len(gaz), "forms": len(matcher.forms)}
if measure_memory:
    out["traced_mb"] = tracemalloc.get_traced_memory()[0] / 1e6
print(json.dumps(out))
"""


def run_once(mode: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _RUN, mode], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    runs = [run_once("time") for _ in range(max(1, args.runs))]
    memory = run_once("memory")
    cpu = sorted(r["cpu_s"] for r in runs)
    wall = sorted(r["wall_s"] for r in runs)
    print(f"gazetteer: {runs[0]['places']:,} places, {runs[0]['forms']:,} names")
    print(f"start-up CPU  median {cpu[len(cpu) // 2]:.3f} s (min {cpu[0]:.3f}, max {cpu[-1]:.3f}) over {len(runs)} runs")
    print(f"start-up wall median {wall[len(wall) // 2]:.3f} s (min {wall[0]:.3f}, max {wall[-1]:.3f})")
    print(f"memory: {memory['traced_mb']:.1f} MB held (tracemalloc), "
          f"resident set +{runs[0]['rss_growth_mb']:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
