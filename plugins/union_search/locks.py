"""Advisory locks (fcntl.flock) between a build, the editors' index sync and the command line.

- `export_read(index_dir)`: shared, held while pieces of the published export
  are read (syncing Whoosh from it, answering a query from its net);
- `export_prune(index_dir)`: exclusive and non-blocking, for deleting pieces
  the new manifest no longer names: when someone is reading, the pieces stay
  until a later build (a reader never loses a piece under its feet);
- `whoosh(index_dir)`: exclusive, one writer of the Whoosh index at a time
  (the background sync after a build, or a query catching up).

Lock files live in the index directory (never in output/).
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager

EXPORT_LOCK = "export.lock"
WHOOSH_LOCK = "whoosh.lock"


@contextmanager
def _locked(path: str, mode: int, blocking: bool = True):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, mode | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def export_read(index_dir: str):
    return _locked(os.path.join(index_dir, EXPORT_LOCK), fcntl.LOCK_SH)


def export_prune(index_dir: str):
    """Yields True if pieces may be deleted now, False if a reader holds the export."""
    return _locked(os.path.join(index_dir, EXPORT_LOCK), fcntl.LOCK_EX, blocking=False)


def whoosh(index_dir: str, blocking: bool = True):
    return _locked(os.path.join(index_dir, WHOOSH_LOCK), fcntl.LOCK_EX, blocking)
