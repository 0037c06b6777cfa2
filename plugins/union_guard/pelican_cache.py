"""Pelican's reader cache: keyed by our reader's code, read safely, written atomically.

Pelican caches what the reader returned for each file (metadata, HTML, and the problems our
reader found) and trusts it while the file is unchanged.  Three gaps, closed here:

- the cache knows nothing of the reader's code: after an upgrade of union_guard (a new check,
  a changed message) unchanged files would keep their old results.  The cache is dropped when
  the digest of the packages that shape a read changes;
- a build killed while Pelican saves the cache leaves a truncated file, and Pelican's loader
  lets the EOFError through, so every later build fails until someone deletes cache/.  A
  cache that cannot be read is discarded with a warning;
- Pelican writes the cache in place; here it is written to a temporary file and renamed.

Also: before reading a file, Pelican hashes it whole for the cache stamp (CHECK_MODIFIED_METHOD
"md5"), so a 5 GB file was read into memory before union_guard's size limit could refuse it.
Files that are not regular or are over UNION_GUARD_MAX_BYTES get a stamp from their size and
mtime instead; the reader then refuses them without reading.

Pelican has no hook for any of this, so FileDataCacher's and FileStampDataCacher's methods are
wrapped (idempotent, like the pinyin slugify in union_site).
"""

from __future__ import annotations

import glob
import logging
import os
import pickle
import stat
import tempfile
import time

from union_core.digest import package_digest
from union_core.report import WARNING, Problem, display_path, report

DIGEST_FILE = "union_guard-reader.digest"
STALE_TEMPORARY_SECONDS = 600  # a .tmp left by a killed build (a running build's is younger)
# The packages whose code shapes what the reader returns (union_core: the problem records).
READER_PACKAGES = ("union_guard", "union_text", "union_core")
logger = logging.getLogger("union_guard")


def reader_digest() -> str:
    import pelican

    return f"{package_digest(*READER_PACKAGES)} pelican {pelican.__version__}"


def drop_if_code_changed(cache_path: str) -> bool:
    """Delete Pelican's content caches in `cache_path` if they were written by other code; True if so."""
    stamp = os.path.join(cache_path, DIGEST_FILE)
    try:
        with open(stamp, encoding="utf-8") as handle:
            same = handle.read() == reader_digest()
    except OSError:
        same = False
    remove_stale_temporaries(cache_path)
    dropped = False
    if not same:
        for path in glob.glob(os.path.join(glob.escape(cache_path), "*Generator*")):
            try:
                os.unlink(path)
                dropped = True
            except OSError:
                pass
        os.makedirs(cache_path, exist_ok=True)
        _write_atomically(stamp, reader_digest().encode("utf-8"))
    return dropped


def remove_stale_temporaries(cache_path: str, now: float | None = None) -> list:
    """Delete the temporary files of saves that never finished (a killed build); their paths."""
    now = time.time() if now is None else now
    removed = []
    for path in glob.glob(os.path.join(glob.escape(cache_path), "*.tmp")):
        try:
            if now - os.stat(path).st_mtime > STALE_TEMPORARY_SECONDS:
                os.unlink(path)
                removed.append(path)
        except OSError:
            pass
    return removed


def _write_atomically(path: str, data: bytes) -> None:
    handle, temp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def install_safe_cache() -> None:
    """Wrap Pelican's FileDataCacher: unreadable caches are discarded, saves are atomic."""
    from pelican.cache import FileDataCacher

    if getattr(FileDataCacher, "_union_guard_safe", False):
        return
    original_init = FileDataCacher.__init__

    def __init__(self, settings, cache_name, caching_policy, load_policy):
        # Pelican's own loading lets EOFError through and hides a damaged gzip stream (OSError) at
        # debug level: the cache is loaded here instead; only a missing file is silent.
        original_init(self, settings, cache_name, caching_policy, False)
        if not load_policy or not os.path.exists(self._cache_path):
            return
        try:
            with self._cache_open(self._cache_path, "rb") as handle:
                self._cache = pickle.load(handle)
        except Exception as exc:  # noqa: BLE001 - EOFError, UnpicklingError, BadGzipFile, AttributeError …
            self._cache = {}
            report(Problem(WARNING, display_path(self._cache_path),
                           f"Pelican's cache could not be read ({type(exc).__name__}); discarded",
                           "nothing to do: this build reads every file again (a build was probably "
                           "stopped while saving it)", source="union_guard"), logger)

    def save_cache(self):
        if not self._cache_data_policy:
            return
        try:
            os.makedirs(self.settings["CACHE_PATH"], exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=self.settings["CACHE_PATH"], suffix=".tmp")
            os.close(handle)
            try:
                with self._cache_open(temp, "wb") as out:
                    pickle.dump(self._cache, out)
                os.replace(temp, self._cache_path)
            finally:
                if os.path.exists(temp):
                    os.unlink(temp)
        except (OSError, pickle.PicklingError, TypeError) as exc:
            report(Problem(WARNING, display_path(self._cache_path), f"could not save Pelican's cache: {exc}",
                           "the site is built; the next build reads every file again",
                           source="union_guard"), logger)

    FileDataCacher.__init__ = __init__
    FileDataCacher.save_cache = save_cache
    FileDataCacher._union_guard_safe = True
    _bound_file_stamps()


def unread_stamp(path: str, limit: int):
    """A stamp from size and mtime for a file that must not be read whole, else None."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if stat.S_ISREG(info.st_mode) and info.st_size <= limit:
        return None
    return f"unread {info.st_mode:o} {info.st_size} {info.st_mtime_ns}"


def _bound_file_stamps() -> None:
    from pelican.cache import FileStampDataCacher

    original = FileStampDataCacher._get_file_stamp

    def _get_file_stamp(self, filename):
        limit = self.settings.get("UNION_GUARD_MAX_BYTES")
        stamp = unread_stamp(filename, limit) if limit and self.settings.get("CHECK_MODIFIED_METHOD") != "mtime" else None
        return stamp if stamp is not None else original(self, filename)

    FileStampDataCacher._get_file_stamp = _get_file_stamp
