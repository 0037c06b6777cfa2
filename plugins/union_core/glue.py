"""Pelican glue for union_core: start the build report, check settings, write the report."""

from __future__ import annotations

import atexit
import os
import sys

from . import report as build_report
from .report import WARNING, Problem
from .settings import DEFAULTS, apply_defaults, unknown_settings

_settings: dict | None = None


def report_path(settings: dict) -> str:
    configured = settings.get("UNION_BUILD_REPORT")
    if configured:
        return str(configured)
    project = os.path.dirname(os.path.abspath(settings.get("PATH", ".")))
    return os.path.join(project, "var", "build-report.json")


def start_report(pelican) -> None:
    global _settings
    _settings = apply_defaults(pelican.settings, DEFAULTS)
    build_report.start()


def check_settings(pelican) -> None:
    for key, close in unknown_settings(pelican.settings):
        hint = f"did you mean {close}?" if close else "see the settings table in README.md"
        build_report.report(Problem(WARNING, None, f"unknown setting {key}", f"{hint} (it is ignored)",
                                    field=key, source="union_core"))


def finish_report(pelican=None) -> None:
    """Write the report (and print its table); also at exit when the build stopped early."""
    finished = build_report.stop()
    if finished is None or _settings is None:
        return
    try:
        finished.write(report_path(_settings))
    except OSError as exc:
        print(f"could not write the build report {report_path(_settings)}: {exc}", file=sys.stderr)
    if _settings.get("UNION_BUILD_REPORT_TABLE", True) and finished.problems:
        print(finished.table(), file=sys.stderr)
        print(f"(also in {build_report.display_path(report_path(_settings))})", file=sys.stderr)


atexit.register(finish_report)
