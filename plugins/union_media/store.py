"""Every photo the articles use, inspected once and resized once, remembered across builds.

A photo is known by its path under the content folder.  The manifest
(``<cache>/manifest.json``) remembers facts about each one: size and modification time,
content hash, pixel size, whether it could be decoded.  A rebuild only stats the file: no
hashing, no decoding, no encoding.  A touched but unchanged file is hashed and recognised; a
changed one gets new derivatives under new names (the content hash is part of every name, so a
CDN may cache them forever).  Derivatives live in ``<cache>/files/`` and are linked into the
output, so a build that empties the output folder (``make publish``) does not re-encode.

Judgements (too large?) are made from the facts on every build, so changing a limit takes
effect at once.  ``trust_stat=False`` (publishing: ``LOAD_CONTENT_CACHE = False``) ignores the
remembered facts and hashes every photo again, but still reuses derivatives, whose names say
exactly what they were made from.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .derivatives import (DEFAULT_QUALITY, DEFAULT_WIDTHS, Quality, encode_variants, encoder_fingerprint, fallback_format,
                          oriented_size, plan_variants, safe_stem)

MANIFEST_VERSION = 2
# Raster formats we resize.  Others (SVG, GIF animations …) are published as they are.
RESIZED_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})
DEFAULT_MAX_PIXELS = 50_000_000     # 8,000 × 6,000; decoding one takes ~150 MB
DEFAULT_MAX_BYTES = 30 * 1024 * 1024
TOO_LARGE_TODO = ("resize it to at most 4,000 pixels wide (JPEG quality about 85) before adding it;"
                  " until then it is published unresized")
UNREADABLE_TODO = "open it in an image editor and save it again as JPEG or PNG"


@dataclass(frozen=True)
class PhotoProblem:
    """Why a photo is published as it is (or not at all); reported as a warning."""

    path: str    # the file (or the article, for a missing file), as the editor knows it
    kind: str    # "missing", "unreadable" or "too-large"
    what: str
    todo: str

    @property
    def message(self) -> str:
        return f"{self.path}: {self.what} — {self.todo}"


@dataclass
class Photo:
    """A photo as the theme needs it.  `variants` is empty when it is published as is."""

    source: str                  # path under the content folder, with '/'
    width: int | None = None     # as displayed (after EXIF orientation)
    height: int | None = None
    variants: tuple = ()
    problem: PhotoProblem | None = None

    @property
    def resized(self) -> bool:
        return bool(self.variants)

    @property
    def webp(self) -> list:
        return [v for v in self.variants if v.format == "webp"]

    @property
    def fallback(self) -> list:
        return [v for v in self.variants if v.format != "webp"]


@dataclass
class BuildReport:
    encoded: list = field(default_factory=list)   # sources encoded this build
    reused: int = 0                               # sources whose derivatives were already made
    hashed: int = 0                               # sources read and hashed (new, touched, or not trusted)
    problems: list = field(default_factory=list)  # PhotoProblem


def file_sha256(path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def manifest_key() -> str:
    """The code that produced the manifest's facts: other code, facts gathered again (cheap:
    hashing and header reads; derivatives are kept, their names are exact)."""
    from union_core.digest import package_digest

    return f"{MANIFEST_VERSION}:{package_digest('union_media')}"


class PhotoStore:
    def __init__(self, content_root, cache_dir, widths=DEFAULT_WIDTHS,
                 max_pixels=DEFAULT_MAX_PIXELS, max_bytes=DEFAULT_MAX_BYTES,
                 quality: Quality = DEFAULT_QUALITY, display_root=None, trust_stat=True):
        self.content_root = Path(content_root)
        self.cache_dir = Path(cache_dir)
        self.files_dir = self.cache_dir / "files"
        self.widths = tuple(sorted(int(w) for w in widths))
        self.max_pixels = max_pixels
        self.max_bytes = max_bytes
        self.quality = quality
        self.fingerprint = encoder_fingerprint(quality)
        # Problems name files relative to this folder (the working directory, like the build report).
        self.display_root = Path(display_root) if display_root else Path.cwd()
        self.entries = self._load() if trust_stat else {}
        self.used: dict = {}             # source -> Photo, this build
        self.report = BuildReport()

    # -- the manifest -----------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.cache_dir / "manifest.json"

    def _load(self) -> dict:
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("key") != manifest_key():
            return {}
        photos = data.get("photos")
        return photos if isinstance(photos, dict) else {}

    def save(self) -> None:
        """Write the manifest (photos used this build only) and this build's counts; remove
        derivatives no longer used.  Then start a new build."""
        kept = {source: self.entries[source] for source in self.used if source in self.entries}
        wanted = {v.name for photo in self.used.values() for v in photo.variants}
        if self.files_dir.is_dir():
            for path in self.files_dir.iterdir():
                if path.name not in wanted:
                    path.unlink(missing_ok=True)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        data = {"key": manifest_key(), "photos": kept,
                "last_build": {"encoded": self.report.encoded, "reused": self.report.reused,
                               "hashed": self.report.hashed,
                               "problems": [asdict(p) for p in self.report.problems]}}
        tmp = self.manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.manifest_path)
        self.entries = kept
        self.used = {}
        self.report = BuildReport()

    # -- photos -----------------------------------------------------------
    def display(self, path) -> str:
        try:
            return os.path.relpath(path, self.display_root)
        except ValueError:
            return str(path)

    def missing(self, reference: str, article_path) -> PhotoProblem:
        """An article refers to a photo that is not there (reported for the article)."""
        problem = PhotoProblem(self.display(article_path), "missing", f"image {reference} not found",
                               "check the file name, and put the image in content/images/")
        self.report.problems.append(problem)
        return problem

    def photo(self, source: str) -> Photo | None:
        """The photo at `source` (a path under the content folder), or None when there is no
        such file.  Made once per build; a problem is recorded once per build."""
        if source in self.used:
            return self.used[source]
        path = self.content_root / source
        try:
            stat = path.stat()
        except OSError:
            return None
        if not path.is_file():
            return None
        photo = self._photo(source, path, self._facts(source, path, stat))
        if photo.problem:
            self.report.problems.append(photo.problem)
        self.used[source] = photo
        return photo

    def _facts(self, source, path, stat) -> dict:
        entry = self.entries.get(source)
        if entry and entry["size"] == stat.st_size and entry["mtime_ns"] == stat.st_mtime_ns:
            return entry
        if stat.st_size > self.max_bytes:   # judged below; not worth reading
            entry = {}
        else:
            sha = file_sha256(path)
            self.report.hashed += 1
            entry = dict(entry) if entry and entry.get("sha256") == sha else {"sha256": sha, **_inspect(path)}
        entry.update(size=stat.st_size, mtime_ns=stat.st_mtime_ns)
        self.entries[source] = entry
        return entry

    def _problem(self, path, facts) -> PhotoProblem | None:
        def problem(kind, what, todo):
            return PhotoProblem(self.display(path), kind, what, todo)

        if facts["size"] > self.max_bytes:
            return problem("too-large", f"{facts['size'] / 2**20:.1f} MB is over the "
                           f"{self.max_bytes / 2**20:g} MB limit for a photo", TOO_LARGE_TODO)
        if facts.get("bomb"):
            return problem("too-large", f"too many pixels to open safely ({facts['bomb']})", TOO_LARGE_TODO)
        if facts.get("unreadable"):
            return problem("unreadable", f"cannot be read as an image ({facts['unreadable']})",
                           UNREADABLE_TODO)
        if not facts.get("passthrough") and facts["width"] * facts["height"] > self.max_pixels:
            return problem("too-large", f"{facts['width']}×{facts['height']} pixels is over the "
                           f"{self.max_pixels / 1e6:g}-megapixel limit for a photo", TOO_LARGE_TODO)
        return None

    def _photo(self, source, path, facts) -> Photo:
        size = {"width": facts.get("width"), "height": facts.get("height")}
        problem = self._problem(path, facts)
        if problem or facts.get("passthrough"):
            return Photo(source, **size, problem=problem)
        key = hashlib.sha256(f"{facts['sha256']}:{self.fingerprint}".encode()).hexdigest()[:12]
        variants = tuple(plan_variants(safe_stem(source), key, facts["width"], facts["height"],
                                       facts["fallback"], self.widths))
        if all((self.files_dir / v.name).is_file() for v in variants):
            self.report.reused += 1
            return Photo(source, **size, variants=variants)
        try:
            encode_variants(path, variants, self.files_dir, self.quality)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
            facts["unreadable"] = _short(exc)   # the pixels are damaged: remembered, not retried
            return self._photo(source, path, facts)
        self.report.encoded.append(source)
        return Photo(source, **size, variants=variants)

    def publish(self, output_dir) -> int:
        """Link (or copy) this build's derivatives into `output_dir`; returns how many were new."""
        output_dir = Path(output_dir)
        added = 0
        for photo in self.used.values():
            for variant in photo.variants:
                target = output_dir / variant.name
                cached = self.files_dir / variant.name
                if target.is_file() and target.stat().st_size == cached.stat().st_size:
                    continue  # names carry the content hash: same name, same bytes
                output_dir.mkdir(parents=True, exist_ok=True)
                target.unlink(missing_ok=True)
                try:
                    os.link(cached, target)
                except OSError:
                    shutil.copyfile(cached, target)
                added += 1
        return added


def _inspect(path) -> dict:
    """Facts from the file's header (no decoding): pixel size, fallback format, or why not."""
    resizable = Path(path).suffix.lower() in RESIZED_SUFFIXES
    try:
        with warnings.catch_warnings():
            # Pillow warns above 89 megapixels: the store judges size itself.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = oriented_size(image)
                fallback = fallback_format(image)
                animated = getattr(image, "is_animated", False)
    except Image.DecompressionBombError as exc:   # over twice Pillow's limit: not even opened
        return {"bomb": _short(exc)}
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        return {"passthrough": True} if not resizable else {"unreadable": _short(exc)}
    facts = {"width": width, "height": height, "fallback": fallback}
    if not resizable or animated:
        facts["passthrough"] = True
    return facts


def _short(exc) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "…"
