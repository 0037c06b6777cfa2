"""Importer: what editors receive (print pages, brief lists, web pages saved as text, in any
Chinese encoding; Word manuscripts) -> one draft Markdown article per story.

Pipeline (one module per step): decode -> punctuation -> webpage/pagefacts -> blocks (reflow)
-> briefs -> classify -> dedupe -> repair -> assemble -> render -> accounting -> store, driven by
``cli`` through ``pipeline``; ``manuscript`` reads a .docx into the same blocks.  Every step
works on plain data and can be tested without Pelican.
"""

import sys as _sys
from pathlib import Path as _Path

# The shared slug helper lives in plugins/union_site (the Pelican plugin folder).  pytest puts
# plugins/ on sys.path through pyproject.toml; `python -m importer` (make import) gets it here.
_PLUGINS = _Path(__file__).resolve().parent.parent / "plugins"
if _PLUGINS.is_dir() and str(_PLUGINS) not in _sys.path:
    _sys.path.append(str(_PLUGINS))
