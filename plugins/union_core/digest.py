"""A digest of all the code and data of packages: the key of every cache and of the search export.

Hand-kept lists of "the files that matter" go stale (a constant changed in a module nobody
listed kept publishing an old export).  Every file of the package counts instead, except
compiled bytecode; editing any module or data file invalidates what the package built.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os

_SKIP_DIRS = {"__pycache__"}
_SKIP_SUFFIXES = (".pyc", ".pyo", "~", ".swp")


def package_dir(name: str) -> str:
    """The directory of an importable package, without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"{name} is not a package on sys.path")
    return list(spec.submodule_search_locations)[0]


def tree_digest(root: str) -> str:
    """SHA-256 over every file below `root` (relative path and bytes), in a fixed order."""
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(_SKIP_SUFFIXES) or name.startswith("."):
                continue
            path = os.path.join(folder, name)
            digest.update(os.path.relpath(path, root).replace(os.sep, "/").encode() + b"\0")
            with open(path, "rb") as handle:
                digest.update(handle.read())
            digest.update(b"\0")
    return digest.hexdigest()


@functools.lru_cache(maxsize=None)
def package_digest(*names: str) -> str:
    """Digest of the named packages' files (computed once per process)."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode() + b"\0" + tree_digest(package_dir(name)).encode())
    return digest.hexdigest()[:24]
