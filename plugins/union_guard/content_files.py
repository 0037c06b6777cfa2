"""Which files in content/ may be read at all, and reading one without trusting it.

Pelican walks content/ following every symlink and reads whatever it finds, whole, before
any plugin sees it (the reader cache hashes each file first).  So a FIFO hangs the build, a
symlink to /dev/zero fills the memory, a symlink to a file or folder outside content/
publishes it (an image folder linked to a home directory), and a folder linked to its own
parent is walked again and again.  Here:

- `walk` replaces Pelican's `Generator.get_files` walk (same rules for `paths`, `exclude`,
  IGNORE_FILES and extensions): regular files only; a symlink is followed only when it
  resolves inside content/ (and a linked folder only once: no loops); FIFOs, sockets and
  devices are refused.  Entries that are not symlinks cost no system call beyond the
  directory listing (their type comes from the listing), so the walk costs what Pelican's did.
- `read_limited` opens without blocking (a FIFO swapped in after the walk cannot hang it),
  checks the size with fstat *before* reading, and never reads more than the limit.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Refusal:
    path: str      # relative to the content folder
    message: str
    todo: str


@dataclass
class Walk:
    files: set = field(default_factory=set)       # relative paths, as Pelican's get_files returns
    refused: list = field(default_factory=list)   # [Refusal]


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def walk(content_root: str, paths, exclude, ignores, include) -> Walk:
    """The files Pelican's get_files would return, minus anything that is not safe to read.

    ``include(relative_path) -> bool`` applies the generator's extension rules
    (``Generator._include_path``); ``exclude`` are paths relative to ``content_root``.
    Linked folders are walked after the real ones, once each.
    """
    result = Walk()
    root_real = os.path.realpath(content_root)
    excluded = {os.path.normpath(os.path.join(content_root, item)) for item in exclude or ()}
    seen_dirs = set()
    linked_dirs = []

    def refuse(full, message, todo):
        result.refused.append(Refusal(os.path.relpath(full, content_root), message, todo))

    def wanted_dir(full, name):
        return full not in excluded and not any(fnmatch.fnmatch(name, ignore) for ignore in ignores)

    def visit_dir(directory, real):
        if real in seen_dirs:
            return
        seen_dirs.add(real)
        relative_dir = os.path.relpath(directory, content_root)
        try:
            entries = list(os.scandir(directory))
        except OSError:
            return
        for entry in entries:
            full = os.path.join(directory, entry.name)
            relative = os.path.join(relative_dir, entry.name)
            try:
                if entry.is_symlink():
                    visit_link(entry, full, relative, directory)
                elif entry.is_dir(follow_symlinks=False):
                    if wanted_dir(full, entry.name):
                        visit_dir(full, os.path.join(real, entry.name))
                elif entry.is_file(follow_symlinks=False):
                    if include(relative):
                        result.files.add(relative)
                elif include(relative):
                    refuse(full, f"is {_kind(entry.stat(follow_symlinks=False).st_mode)}, not a file",
                           "content/ holds ordinary files only: delete it")
            except OSError:
                continue

    def visit_link(entry, full, relative, directory):
        target = os.path.realpath(full)
        try:
            mode = os.stat(full).st_mode
        except OSError:
            if include(relative):
                refuse(full, "is a broken symbolic link", "delete the link")
            return
        is_dir = stat.S_ISDIR(mode)
        if not is_dir and not include(relative):
            return
        if not _inside(target, root_real):
            refuse(full, f"is a symbolic link to {target}, outside the content folder; not read",
                   "copy the file into content/ instead of linking to it, or delete the link")
        elif is_dir:
            if _inside(os.path.realpath(directory), target):
                refuse(full, "is a symbolic link to a folder that contains it (a loop); not followed",
                       "delete the link")
            elif wanted_dir(full, entry.name):
                linked_dirs.append((full, target))
        elif stat.S_ISREG(mode):
            result.files.add(relative)
        else:
            refuse(full, f"is a symbolic link to {_kind(mode)} ({target}), not a file",
                   "content/ holds ordinary files only: delete the link")

    for path in paths:
        start = os.path.join(content_root, path) if path else content_root
        real = os.path.realpath(start)
        if not _inside(real, root_real):
            refuse(start, f"is a symbolic link to {real}, outside the content folder; not read",
                   "copy the files into content/ instead of linking to them")
        elif os.path.isdir(start):
            visit_dir(start, real)
        elif os.path.isfile(start) and include(path):
            result.files.add(path)
    while linked_dirs:
        full, target = linked_dirs.pop(0)
        visit_dir(full, target)
    result.refused.sort(key=lambda refusal: refusal.path)
    return result


class FileRefused(Exception):
    """A file that cannot be read as an article: not a regular file, or over the size limit."""

    def __init__(self, message: str, todo: str, size: int | None = None):
        super().__init__(message)
        self.message, self.todo, self.size = message, todo, size


def read_limited(path: str, max_bytes: int) -> bytes:
    """The file's bytes, checked to be a regular file of at most `max_bytes` before reading.

    Raises FileRefused (with `size` set when the file is too large).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(f"is {_kind(info.st_mode)}, not a file", "content/ holds ordinary files only: delete it")
        if info.st_size > max_bytes:
            raise FileRefused("too large", "", size=info.st_size)
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            data = handle.read(info.st_size + 1)  # the size it has (a buffer of the limit costs a 2 MB malloc)
            if len(data) > info.st_size:  # it grew after fstat: read on, never past the limit
                data += handle.read(max_bytes + 1 - len(data))
    finally:
        os.close(descriptor)
    if len(data) > max_bytes:
        raise FileRefused("too large", "", size=len(data))
    return data
