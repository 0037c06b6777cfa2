"""Growth with the number of articles: the fitted exponent across every size measured.

    python -m benchmarks.scaling [--out bench-results] [--project 100000]

reads every `bench-<N>.json` in the results folder (one per size, written by benchmarks.run),
fits cost = a·n^k by least squares on log n and log cost for each measure, and projects the
sizes not measured yet.  k = 1 is linear growth; the goal is k ≤ LINEAR_EXPONENT_GOAL for the full
site's build time and memory, and a 100,000-article build within MEMORY_GOAL_AT_100K_BYTES.
Compare sizes measured on the same machine, on a quiet one: load skews wall time.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from . import report

LINEAR_EXPONENT_GOAL = 1.1
MEMORY_GOAL_N = 100_000
MEMORY_GOAL_BYTES = 8 * 2**30

# measure → (variant, field of the variant's summary)
MEASURES = {
    "stock_cold_s": ("anchor", "cold_median_s"),
    "stock_cold_cpu_s": ("anchor", "cold_cpu_median_s"),
    "stock_rebuild_s": ("anchor", "rebuild_median_s"),
    "stock_peak_mem_bytes": ("anchor", "peak_mem_bytes"),
    "full_cold_s": ("full", "cold_median_s"),
    "full_cold_cpu_s": ("full", "cold_cpu_median_s"),
    "full_rebuild_s": ("full", "rebuild_median_s"),
    "full_rebuild_cpu_s": ("full", "rebuild_cpu_median_s"),
    "full_peak_mem_bytes": ("full", "peak_mem_bytes"),
}


def fit_exponent(points: list[tuple[float, float]]) -> float | None:
    """k of cost = a·n^k, least squares on logs; None with fewer than two sizes or a zero cost."""
    points = [(n, cost) for n, cost in points if n and cost and cost > 0]
    if len({n for n, _ in points}) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(cost) for _, cost in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return round(sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / spread, 3)


def project(points: list[tuple[float, float]], exponent: float | None, n: int) -> float | None:
    """cost at n, from the largest size measured and the fitted exponent."""
    points = [(size, cost) for size, cost in points if size and cost]
    if not points or exponent is None:
        return None
    size, cost = max(points)
    return cost * (n / size) ** exponent


def row(result: dict) -> dict | None:
    """The figures of one benchmark result that scaling compares, or None without build figures."""
    builds = report.build_view(result.get("builds"))
    if not builds:
        return None
    variants = builds["variants"]
    names = {"anchor": builds["anchor"], "full": builds["full"]}
    out = {"n": result["n"], "date": result.get("date"), "anchor": builds["anchor"],
           "total_seconds": result.get("total_seconds"),
           "builds_seconds": round(sum(sum(v["cold_s"]) + sum(v["rebuild_s"]) for v in variants.values()), 1),
           "runs": {name: [len(v["cold_s"]), len(v["rebuild_s"])] for name, v in variants.items()},
           "medians": {name: {"cold": v["cold_median_s"], "rebuild": v["rebuild_median_s"]}
                       for name, v in variants.items()},
           "load_max": (builds.get("load") or {}).get("during_max")}
    for measure, (which, field) in MEASURES.items():
        out[measure] = variants[names[which]].get(field)
    return out


def scaling(results: list[dict]) -> dict:
    rows = sorted((r for r in (row(result) for result in results) if r), key=lambda r: r["n"])
    exponents = {measure: fit_exponent([(r["n"], r[measure]) for r in rows]) for measure in MEASURES}
    largest = rows[-1] if rows else None
    projected = {}
    if largest and largest["n"] < MEMORY_GOAL_N and len(rows) > 1:
        for measure in MEASURES:
            value = project([(r["n"], r[measure]) for r in rows], exponents[measure], MEMORY_GOAL_N)
            projected[measure] = round(value, 1) if value is not None else None
        projected["builds_seconds"] = _project_builds(rows, MEMORY_GOAL_N)
    return {"sizes": [r["n"] for r in rows], "rows": rows, "exponents": exponents,
            "largest_n": largest["n"] if largest else None,
            "projected_n": MEMORY_GOAL_N if projected else None, "projected": projected}


def _project_builds(rows: list[dict], n: int) -> float | None:
    """Wall time of the builds of the documented largest run (`--no-theme --rebuilds 1`: stock and
    the full site, one cold build and one rebuild each), each projected with its own exponent."""
    total = 0.0
    for measure in ("stock_cold_s", "stock_rebuild_s", "full_cold_s", "full_rebuild_s"):
        points = [(r["n"], r[measure]) for r in rows]
        value = project(points, fit_exponent(points), n)
        if value is None:
            return None
        total += value
    return round(total, 0)


def load_results(folder: Path) -> list[dict]:
    results = []
    for path in sorted(Path(folder).glob("bench-*.json")):
        if path.name.endswith(".partial.json"):
            continue
        try:
            results.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return results


def from_folder(folder: Path) -> dict:
    return scaling(load_results(folder))


def _fmt(measure: str, value) -> str:
    if value is None:
        return "—"
    if measure.endswith("_bytes"):
        return f"{value / 2**20:,.0f} MB"
    return f"{value:,.1f} s"


def format_scaling(data: dict) -> list[str]:
    if not data or not data.get("rows"):
        return ["scaling: no results"]
    shown = ("stock_cold_s", "full_cold_s", "full_cold_cpu_s", "full_rebuild_s",
             "stock_peak_mem_bytes", "full_peak_mem_bytes")
    heads = ("stock cold", "full cold", "full CPU", "full rebuild", "stock mem", "full mem")
    lines = [f"{'growth: articles':<20}" + "".join(f"{h:>14}" for h in heads) + "  measured"]
    for r in data["rows"]:
        lines.append(f"{r['n']:<20,}" + "".join(f"{_fmt(m, r[m]):>14}" for m in shown) + f"  {r['date'] or '?'}")
    if data.get("projected"):
        p = data["projected"]
        lines.append(f"{str(data['projected_n']) + ' (projected)':<20}"
                     + "".join(f"{_fmt(m, p.get(m)):>14}" for m in shown))
    lines.append(f"{'exponent k (n^k)':<20}"
                 + "".join(f"{'—' if data['exponents'][m] is None else format(data['exponents'][m], '.2f'):>14}"
                           for m in shown))
    if data.get("projected", {}).get("builds_seconds"):
        lines.append(f"a run at {data['projected_n']:,} articles (--no-theme --rebuilds 1) would spend about "
                     f"{data['projected']['builds_seconds'] / 3600:.1f} h in its builds "
                     f"(projected from {', '.join(f'{n:,}' for n in data['sizes'])})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "bench-results",
                        help="results folder (default bench-results/)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    data = from_folder(args.out)
    if not data["rows"]:
        print(f"no bench-<N>.json with build figures in {args.out}")
        return 1
    print(json.dumps(data, indent=1) if args.json else "\n".join(format_scaling(data)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
