"""Timed Pelican builds of the benchmark corpus, one work folder per variant.

Variants (see `variants()`):
- `stock`: Pelican exactly as `pelican-quickstart` sets it up (its own settings template, theme
  notmyidea, no plugins): the anchor of every build goal;
- `theme`: our pelicanconf.py and theme with PLUGINS=[] (what our theme and URL scheme cost);
- the plugin ladder (optional): PLUGINS one at a time, `+union_guard`, `+union_site`, …;
- `full`: pelicanconf.py's PLUGINS (or the ones asked for).

Every variant builds with the same reader cache settings (CACHE_CONTENT on, md5), so the
one-article rebuild compares against stock Pelican's cached rebuild.  Each variant owns one work
folder holding its output, reader cache and search index, so a cold build starts from nothing and
a rebuild finds exactly what the previous build left.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .measure import RunResult, run_measured

PROJECT_DIR = Path(__file__).resolve().parent.parent
CONF = PROJECT_DIR / "pelicanconf.py"
EDIT_MARK = "（编者按：本文于基准测试中修订，第{n}次。）"


class BuildFailed(RuntimeError):
    """A Pelican build returned non-zero; the message carries the log tail."""


@dataclass
class Variant:
    """A way of building the site.  `plugins=None` keeps the settings file's PLUGINS."""

    name: str
    plugins: list[str] | None
    work: Path
    extra_settings: dict = field(default_factory=dict)
    conf: Path = CONF
    label: str = ""

    @property
    def output(self) -> Path:
        return self.work / "output"

    @property
    def search_index(self) -> Path:
        return self.work / "search-index"

    def settings(self, load_cache: bool) -> dict:
        values = {
            "CACHE_PATH": str(self.work / "cache"),
            "CACHE_CONTENT": True,
            "LOAD_CONTENT_CACHE": load_cache,
            "CHECK_MODIFIED_METHOD": "md5",
            # union_search keeps its Whoosh index, export state and analysis cache outside output/
            "SEARCH_INDEX_PATH": str(self.search_index),
            "SEARCH_CACHE_PATH": str(self.work / "search-cache"),
            "UNION_BUILD_REPORT": str(self.work / "build-report.json"),
        }
        if self.plugins is not None:
            values["PLUGINS"] = self.plugins
        values.update(self.extra_settings)
        return values

    def command(self, content: Path, load_cache: bool) -> list[str]:
        cmd = [sys.executable, "-m", "pelican", str(content), "-o", str(self.output),
               "-s", str(self.conf), "-e"]
        return cmd + [f"{key}={json.dumps(value)}" for key, value in self.settings(load_cache).items()]


QUICKSTART_ANSWERS = {
    # what an editor answers to pelican-quickstart's questions for this site
    "sitename": "工会通讯", "author": "工会通讯编辑部", "timezone": "Asia/Shanghai", "lang": "zh-CN",
    "default_pagination": 10,
}


def quickstart_conf(folder: Path) -> Path:
    """The pelicanconf.py that `pelican-quickstart` writes, rendered from Pelican's own template."""
    import jinja2
    import pelican.tools

    templates = Path(pelican.tools.__file__).parent / "templates"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), trim_blocks=True,
                             keep_trailing_newline=True)
    # pelican-quickstart renders every answer through repr()
    answers = {key: repr(value) for key, value in QUICKSTART_ANSWERS.items()}
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "pelicanconf.py"
    target.write_text(env.get_template("pelicanconf.py.jinja2").render(**answers), encoding="utf-8")
    return target


def configured_plugins() -> list[str]:
    """PLUGINS as pelicanconf.py sets them."""
    namespace: dict = {"__file__": str(CONF)}
    exec(compile(CONF.read_text(encoding="utf-8"), str(CONF), "exec"), namespace)
    return list(namespace.get("PLUGINS", []))


def variants(work: Path, plugins: list[str] | None = None, ladder: bool = False,
             theme: bool = True) -> list[Variant]:
    """stock (the anchor), theme (unless not asked for), the plugin ladder when asked, full."""
    full = configured_plugins() if plugins is None else list(plugins)
    out = [Variant("stock", None, work / "stock", conf=quickstart_conf(work / "stock-conf"),
                   label="stock Pelican (quickstart, notmyidea)")]
    if theme:
        out.append(Variant("theme", [], work / "theme", label="our theme, no plugins"))
    if ladder:
        out += [Variant(f"+{name}", full[:i], work / f"plus-{name}", label=f"+{name}")
                for i, name in enumerate(full[:-1], 1)]
    out.append(Variant("full", full, work / "full", label="full site"))
    return out


LOG_LEVELS = re.compile(r"\b(ERROR|CRITICAL|WARNING)\b")


def log_problems(result: RunResult) -> dict:
    """Counts of error and warning records in a build log (Pelican prints one level word each)."""
    counts = {"errors": 0, "warnings": 0}
    for match in LOG_LEVELS.finditer(result.log_path.read_text(encoding="utf-8", errors="replace")):
        counts["warnings" if match.group(1) == "WARNING" else "errors"] += 1
    return counts


def _checked(result: RunResult, what: str) -> RunResult:
    if result.returncode != 0:
        raise BuildFailed(f"{what} failed (exit {result.returncode}); log {result.log_path}:\n"
                          f"{result.log_tail()}")
    return result


def cold_build(variant: Variant, content: Path, logs: Path, run: int) -> RunResult:
    """Build from nothing: output, reader cache and search index removed first."""
    if variant.work.exists():
        shutil.rmtree(variant.work)
    variant.work.mkdir(parents=True)
    label = f"{variant.name} cold build {run}"
    result = run_measured(variant.command(content, load_cache=False),
                          logs / f"{variant.name}-cold-{run}.log", cwd=PROJECT_DIR, label=label)
    return wait_for_index(variant, _checked(result, label))


def rebuild(variant: Variant, content: Path, logs: Path, run: int) -> RunResult:  # noqa: D401
    """Build again over the previous output with the reader cache (after an edit)."""
    label = f"{variant.name} rebuild {run}"
    result = run_measured(variant.command(content, load_cache=True),
                          logs / f"{variant.name}-rebuild-{run}.log", cwd=PROJECT_DIR, label=label)
    return wait_for_index(variant, _checked(result, label))


def wait_for_index(variant: Variant, result: RunResult, timeout: float = 3600) -> RunResult:
    """Wait for the editors' index the build updates in the background (union_search.sync), so
    that it never overlaps the next measured build; record what it cost (`index_sync`: its own
    time, CPU time and peak memory, and how long after the build it was ready)."""
    status_path = variant.search_index / "sync-status.json"
    if not status_path.exists():
        return result
    started = time.monotonic()
    while True:
        try:
            status = json.loads(status_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            status = {"state": "running"}
        if status.get("state") != "running" or time.monotonic() - started > timeout:
            break
        time.sleep(0.1)
    result.index_sync = {"state": status.get("state"), "seconds": status.get("seconds"),
                         "cpu_seconds": status.get("cpu_seconds"), "peak_rss_bytes": status.get("peak_rss_bytes"),
                         "ready_after_s": round(time.monotonic() - started, 3)}
    return result


def edit_article(path: Path, n: int) -> None:
    """An editor's typical change: one sentence appended to the body of one article."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n\n" + EDIT_MARK.format(n=n) + "\n", encoding="utf-8")
