"""Sizes of index folders: total, gzip total, largest piece, file count."""

from __future__ import annotations

import gzip
from pathlib import Path


def folder_size(path: Path, exclude: tuple[str, ...] = (), with_gzip: bool = True) -> dict | None:
    """Totals over the regular files under `path` (a symlink to it is followed), leaving out the
    top-level entries named in `exclude`; None when `path` is absent.  `gzip_bytes` (each file
    compressed alone) only `with_gzip`."""
    path = Path(path)
    if not path.exists():
        return None
    root = path.resolve()
    files = [p for p in root.rglob("*")
             if p.is_file() and p.relative_to(root).parts[0] not in exclude]
    sizes = [(p.stat().st_size, p) for p in files]
    largest = max(sizes, default=(0, None))
    packed = 0
    for _, file in sizes if with_gzip else ():
        body = file.read_bytes()
        packed += len(body) if body[:2] == b"\x1f\x8b" else min(len(body), len(gzip.compress(body, 6)))
    return {"bytes": sum(size for size, _ in sizes), "gzip_bytes": packed if with_gzip else None,
            "files": len(files),
            "largest_bytes": largest[0],
            "largest_file": str(largest[1].relative_to(path.resolve())) if largest[1] else None}
