"""Run a command and measure its wall time and the peak memory of its whole process tree.

Peak memory is the largest sum of proportional set sizes (PSS: memory shared between forked
processes counted once) over the command and all its descendants, sampled 4 times a second from /proc,
so worker processes on the second core count; it is never less than the kernel's own high-water
mark (ru_maxrss) of the main process.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_EVERY_S = 0.25  # cheap enough not to slow a build on 2 cores


@dataclass
class RunResult:
    seconds: float
    peak_mem_bytes: int
    returncode: int
    log_path: Path
    cpu_seconds: float = 0.0  # user + system time of the command and the children it reaped
    load_before: float = 0.0  # 1-minute load average at start: other work on the machine skews `seconds`
    load_max: float = 0.0  # highest 1-minute load average sampled while the command ran

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # the command name (field 2) may hold spaces; fields after its closing parenthesis are fixed
        fields = stat[stat.rfind(b")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _pss_bytes(pid: int) -> int:
    """Proportional set size: pages shared after fork() count once across the tree, not per process."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_bytes(root: int) -> int:
    """Current memory (PSS) of `root` and all its descendants."""
    children = _children_map()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _pss_bytes(pid)
        stack.extend(children.get(pid, ()))
    return total


def run_measured(cmd: list[str], log_path: Path, cwd: Path | None = None,
                 heartbeat_s: float = 30.0, label: str = "") -> RunResult:
    """Run `cmd` with output to `log_path`; prints a line every `heartbeat_s` while it runs."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    peak = 0
    done = threading.Event()
    load_before = load_max = os.getloadavg()[0]
    with open(log_path, "wb") as log:
        start = time.perf_counter()
        # a wide virtual terminal keeps Pelican's log records on one line each
        env = {**os.environ, "COLUMNS": "1000"}
        process = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=env)

        def sample() -> None:
            nonlocal peak, load_max
            next_beat = heartbeat_s
            while not done.wait(SAMPLE_EVERY_S):
                peak = max(peak, tree_rss_bytes(process.pid))
                load_max = max(load_max, os.getloadavg()[0])
                elapsed = time.perf_counter() - start
                if heartbeat_s and elapsed >= next_beat:
                    print(f"    … {label} still running ({elapsed:.0f} s)", flush=True)
                    next_beat += heartbeat_s

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    peak = max(peak, usage.ru_maxrss * 1024)
    return RunResult(seconds, peak, process.returncode, log_path,
                     cpu_seconds=usage.ru_utime + usage.ru_stime, load_before=load_before,
                     load_max=max(load_max, os.getloadavg()[0]))
