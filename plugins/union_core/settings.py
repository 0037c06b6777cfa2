"""One settings table per plugin, applied once; unknown UNION_*/SEARCH_* keys are reported.

Each plugin keeps a DEFAULTS dict (name → default) in its package's `settings.py`, which
imports nothing heavy, and applies it at `initialized`; the code then reads `settings[KEY]`
without repeating a default.  A key with our prefixes that no plugin knows is a typo until
proven otherwise: it is reported with the closest known name.
"""

from __future__ import annotations

import difflib
import importlib

PREFIXES = ("UNION_", "SEARCH_")
# Every package whose settings table counts as known, loaded or not (a site may list only some
# plugins and still set the others' keys).
PACKAGES = ("union_core", "union_guard", "union_site", "union_media", "union_tags", "union_search",
            "union_text")

DEFAULTS = {
    # Where the build report goes (None: <project>/var/build-report.json, beside the search index).
    "UNION_BUILD_REPORT": None,
    # Print the build report's table at the end of every build (it is always written).
    "UNION_BUILD_REPORT_TABLE": True,
}


def apply_defaults(settings: dict, defaults: dict) -> dict:
    """Set every missing key of `defaults` (copies of mutable values); returns `settings`."""
    for key, value in defaults.items():
        if key not in settings:
            settings[key] = value.copy() if isinstance(value, (dict, list, set)) else value
    return settings


def known_settings() -> dict:
    """name → default, over every package's settings table."""
    known: dict = {}
    for package in PACKAGES:
        try:
            module = importlib.import_module(f"{package}.settings")
        except ImportError:
            continue
        known.update(getattr(module, "DEFAULTS", {}))
        known.update({name: None for name in getattr(module, "ACCEPTED", ())})
    return known


def unknown_settings(settings: dict, known: dict | None = None) -> list[tuple[str, str | None]]:
    """[(key, closest known key or None)] for every UNION_*/SEARCH_* key no plugin knows."""
    known = known_settings() if known is None else known
    found = []
    for key in sorted(settings):
        if isinstance(key, str) and key.startswith(PREFIXES) and key not in known:
            close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.75)
            found.append((key, close[0] if close else None))
    return found
