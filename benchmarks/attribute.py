"""Where a build's CPU time goes, per plugin handler and per generator, without a profiler's overhead.

    python -m benchmarks.attribute [--json FILE] -- <pelican arguments>

runs Pelican in this process with every signal receiver, every generator's generate_context /
generate_output and Pelican's file reading timed (CPU and wall, exclusive of the timed calls
nested inside), then prints one line per item and a total per plugin.  `start-up` is everything
before the first generator runs (imports, settings, plugin registration); `unattributed` is the
rest of Pelican's own work (e.g. the writer between generators).  A search worker's CPU shows as
`worker processes` (it runs in a forked process).

Principle 8 (docs/DESIGN.md): attribute cost per plugin before optimising.  The plugin ladder in
`benchmarks.run --ladder` gives the same answer as whole builds; this tells which handler it is.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

import blinker.base

PLUGIN_PREFIXES = ("union_guard", "union_site", "union_tags", "union_search", "union_text")


class Ledger:
    """Exclusive CPU and wall time per label; nested timed calls are charged to themselves."""

    def __init__(self, cpu_clock=time.process_time, wall_clock=time.perf_counter):
        self.cpu_clock, self.wall_clock = cpu_clock, wall_clock
        self.cpu = defaultdict(float)
        self.wall = defaultdict(float)
        self.calls = defaultdict(int)
        self._stack = []  # [label, cpu at start, wall at start, cpu of timed children, wall of children]

    def timed(self, label, func, *args, **kwargs):
        frame = [label, self.cpu_clock(), self.wall_clock(), 0.0, 0.0]
        self._stack.append(frame)
        try:
            return func(*args, **kwargs)
        finally:
            self._stack.pop()
            cpu = self.cpu_clock() - frame[1]
            wall = self.wall_clock() - frame[2]
            self.cpu[label] += cpu - frame[3]
            self.wall[label] += wall - frame[4]
            self.calls[label] += 1
            if self._stack:
                self._stack[-1][3] += cpu
                self._stack[-1][4] += wall


def owner(label: str) -> str:
    """The plugin (or `pelican`) a label belongs to."""
    module = label.split(" ", 1)[-1]
    for prefix in PLUGIN_PREFIXES:
        if module.startswith(prefix) or f" {prefix}" in label or label.startswith(prefix):
            return prefix
    return "pelican"


def _receiver_label(signal_name: str, receiver) -> str:
    name = getattr(receiver, "__qualname__", repr(receiver))
    return f"signal {signal_name}: {getattr(receiver, '__module__', '?')}.{name}"


def install(ledger: Ledger) -> None:
    """Patch blinker and Pelican so that every receiver, generator step and file read is timed."""
    import pelican
    from pelican import readers

    def send(self, sender=None, /, *, _async_wrapper=None, **kwargs):
        if self.is_muted:
            return []
        results = []
        for receiver in self.receivers_for(sender):
            label = _receiver_label(getattr(self, "name", "?"), receiver)
            results.append((receiver, ledger.timed(label, receiver, sender, **kwargs)))
        return results

    blinker.base.Signal.send = send

    wrapped = set()

    def wrap_method(cls, method):
        original = cls.__dict__.get(method)
        if original is None or (cls, method) in wrapped:
            return
        wrapped.add((cls, method))
        label = f"{cls.__name__}.{method} {cls.__module__}"

        def timed(self, *args, _original=original, _label=label, **kwargs):
            return ledger.timed(_label, _original, self, *args, **kwargs)

        setattr(cls, method, timed)

    def wrap_generator(cls):
        for method in ("generate_context", "generate_output"):
            wrap_method(cls, method)

    original_classes = pelican.Pelican._get_generator_classes

    def generator_classes(self):
        classes = original_classes(self)
        for cls in classes:
            for klass in cls.__mro__:
                if klass.__module__.startswith(("pelican", *PLUGIN_PREFIXES)) and klass is not object:
                    wrap_generator(klass)
        ledger.started = (time.process_time(), time.perf_counter() - START_WALL)
        return classes

    pelican.Pelican._get_generator_classes = generator_classes

    original_read = readers.Readers.read_file

    def read_file(self, *args, **kwargs):
        for reader in self.readers.values():  # the reader classes themselves (e.g. union_guard's)
            wrap_method(type(reader), "read")
        return ledger.timed("Readers.read_file (reader cache, content objects) pelican.readers",
                            original_read, self, *args, **kwargs)

    readers.Readers.read_file = read_file


def summarise(ledger: Ledger, cpu_total: float, wall_total: float, children_cpu: float) -> dict:
    started_cpu, started_wall = getattr(ledger, "started", (cpu_total, wall_total))
    items = [{"label": label, "owner": owner(label), "cpu_s": round(ledger.cpu[label], 4),
              "wall_s": round(ledger.wall[label], 4), "calls": ledger.calls[label]}
             for label in ledger.cpu]
    items.sort(key=lambda item: -item["cpu_s"])
    attributed = sum(item["cpu_s"] for item in items)
    per_owner = defaultdict(float)
    for item in items:
        per_owner[item["owner"]] += item["cpu_s"]
    return {"cpu_s": round(cpu_total, 3), "wall_s": round(wall_total, 3),
            "startup_cpu_s": round(started_cpu, 3), "startup_wall_s": round(started_wall, 3),
            "unattributed_cpu_s": round(max(0.0, cpu_total - started_cpu - attributed), 3),
            "worker_cpu_s": round(children_cpu, 3),
            "per_owner_cpu_s": {k: round(v, 3) for k, v in sorted(per_owner.items(), key=lambda kv: -kv[1])},
            "items": items}


def format_summary(summary: dict, top: int = 40) -> str:
    lines = [f"{'CPU s':>8} {'wall s':>8} {'calls':>7}  item"]
    for item in summary["items"][:top]:
        if item["cpu_s"] < 0.005 and item["wall_s"] < 0.005:
            continue
        lines.append(f"{item['cpu_s']:8.3f} {item['wall_s']:8.3f} {item['calls']:7d}  {item['label']}")
    lines += ["", f"{summary['startup_cpu_s']:8.3f} {summary['startup_wall_s']:8.3f} {'':7}  start-up "
                  "(imports, settings, plugins registered)",
              f"{summary['unattributed_cpu_s']:8.3f} {'':8} {'':7}  unattributed (Pelican between generators)",
              f"{summary['worker_cpu_s']:8.3f} {'':8} {'':7}  worker processes",
              f"{summary['cpu_s']:8.3f} {summary['wall_s']:8.3f} {'':7}  total (this process)", "",
              "per owner (exclusive CPU s): " + ", ".join(f"{k} {v:.2f}" for k, v in
                                                         summary["per_owner_cpu_s"].items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--top", type=int, default=40, help="items to print (default 40)")
    parser.add_argument("pelican_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    pelican_args = args.pelican_args[1:] if args.pelican_args[:1] == ["--"] else args.pelican_args
    ledger = Ledger()
    install(ledger)
    import pelican

    status = 0
    try:
        pelican.main(pelican_args)
    except SystemExit as exit_:
        status = exit_.code if isinstance(exit_.code, int) else 1
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = summarise(ledger, usage.ru_utime + usage.ru_stime, time.perf_counter() - START_WALL,
                        children.ru_utime + children.ru_stime)
    print(format_summary(summary, args.top), flush=True)
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return status


START_WALL = time.perf_counter()

if __name__ == "__main__":
    sys.exit(main())
