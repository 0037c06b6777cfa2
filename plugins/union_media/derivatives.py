"""Resized copies of one photo: which sizes to make, and making them with Pillow.

Plain functions, no Pelican.  A photo gets WebP copies at a few widths
(480, 960, 1600 px by default) plus the same widths in a format every
browser reads (JPEG; PNG for PNG originals and transparency).  Nothing is
ever made wider than the original.  EXIF orientation is applied and all
metadata but the colour profile is dropped (phone photos carry GPS
positions).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import PIL
from PIL import Image, ImageOps

DEFAULT_WIDTHS = (480, 960, 1600)
# A width closer than this to the next larger one is not worth a file of its own
# (an 1000 px original gets 480 and 1000, not 480, 960 and 1000).
MIN_STEP = 0.9
ORIENTATION_TAG = 0x0112
TRANSPOSED = {5, 6, 7, 8}  # EXIF orientations that swap width and height
PUBLIC_FILE_MODE = 0o644
# libwebp's effort, 0-6: 3 is about twice as fast as the default 4 for ~5% larger files.
WEBP_METHOD = 3


@dataclass(frozen=True)
class Quality:
    webp: int = 78
    jpeg: int = 82


DEFAULT_QUALITY = Quality()


def encoder_fingerprint(quality: Quality) -> str:
    """What the bytes of a derivative depend on besides the original: this module (the recipe),
    Pillow's version and the quality settings.  Part of every derivative's name, so a change in
    any of them makes new files under new names (never mistaken for the old ones, by our cache
    or a CDN's).  Only this module counts: rewording the article markup must not re-encode
    every photo of a 100,000-story archive."""
    recipe = Path(__file__).read_bytes()
    return hashlib.sha256(recipe + f"\0{PIL.__version__}\0{quality.webp}\0{quality.jpeg}".encode()
                          ).hexdigest()[:16]


@dataclass(frozen=True)
class Variant:
    """One derivative file: its pixel size, format and file name."""

    width: int
    height: int
    format: str  # "webp", "jpeg" or "png"
    name: str

    @property
    def mime(self) -> str:
        return f"image/{self.format}"


def plan_widths(width: int, widths=DEFAULT_WIDTHS) -> list:
    """Widths to make for an original `width` px wide, smallest first; never wider than it."""
    top = min(int(width), max(widths))
    return sorted({w for w in widths if w <= top * MIN_STEP} | {top})


def scaled_height(width: int, height: int, new_width: int) -> int:
    return max(1, round(height * new_width / width))


def oriented_size(image: Image.Image) -> tuple:
    """(width, height) as the photo is shown, after its EXIF orientation."""
    try:
        orientation = image.getexif().get(ORIENTATION_TAG)
    except Exception:  # a damaged EXIF block is not a reason to refuse the photo
        orientation = None
    width, height = image.size
    return (height, width) if orientation in TRANSPOSED else (width, height)


def fallback_format(image: Image.Image) -> str:
    """The format of the copies for browsers without WebP: PNG for PNG originals (drawings,
    screenshots, charts: lossless stays lossless) and for anything with transparency (JPEG has
    none), JPEG for everything else."""
    if image.format == "PNG" or image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        return "png"
    return "jpeg"


def safe_stem(path) -> str:
    """An ASCII piece of the original's file name, to make derivative names readable."""
    stem = re.sub(r"[^a-z0-9]+", "-", Path(path).stem.lower()).strip("-")
    return stem[:40].rstrip("-") or "photo"


def variant_name(stem: str, key: str, width: int, fmt: str) -> str:
    return f"{stem}-{key}-{width}.{'jpg' if fmt == 'jpeg' else fmt}"


def plan_variants(stem: str, key: str, width: int, height: int, fallback: str,
                  widths=DEFAULT_WIDTHS) -> list:
    """Every Variant of a photo, WebP first, each format smallest first."""
    return [Variant(w, scaled_height(width, height, w), fmt, variant_name(stem, key, w, fmt))
            for fmt in ("webp", fallback) for w in plan_widths(width, widths)]


def _for_saving(image: Image.Image, fmt: str) -> Image.Image:
    if fmt == "jpeg":
        return image if image.mode == "RGB" else image.convert("RGB")
    keep = "RGBA" if image.mode in ("RGBA", "LA", "PA", "P") or "transparency" in image.info else "RGB"
    return image if image.mode == keep else image.convert(keep)


def _save(image: Image.Image, target: Path, fmt: str, quality: Quality, icc) -> None:
    options = {"icc_profile": icc} if icc else {}
    if fmt == "webp":
        options.update(quality=quality.webp, method=WEBP_METHOD)
    elif fmt == "jpeg":
        options.update(quality=quality.jpeg, progressive=True)
    else:
        options.update(compress_level=6)
    # Write beside the target, then rename: a killed build never leaves half a file under its name.
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix="." + fmt)
    try:
        with os.fdopen(fd, "wb") as out:
            image.save(out, format=fmt.upper(), **options)
        os.chmod(tmp, PUBLIC_FILE_MODE)  # mkstemp makes 0600: a web server could not read it
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def encode_variants(source, variants, target_dir, quality: Quality = DEFAULT_QUALITY) -> None:
    """Make every variant of `source` in `target_dir`.  Raises OSError (or Pillow's
    errors) when the file cannot be decoded; nothing half-written is left.

    Cheap on purpose: a JPEG is decoded at the smallest scale that still covers the
    largest variant (Pillow's draft mode: a 4,000 px phone photo decodes at 2,000 px),
    and each size is resized from the one above it, not from the original.
    """
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    largest = max(variants, key=lambda v: v.width)
    with Image.open(source) as opened:
        # A CMYK or grey profile would be wrong on the RGB copies: keep only an RGB one.
        icc = opened.info.get("icc_profile") if opened.mode in ("RGB", "RGBA") else None
        if opened.format == "JPEG":
            swapped = oriented_size(opened) != opened.size
            opened.draft(None, (largest.height, largest.width) if swapped else (largest.width, largest.height))
        image = ImageOps.exif_transpose(opened)  # loads the pixels: a truncated file fails here
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if fallback_format(image) == "png" else "RGB")
        for variant in sorted(variants, key=lambda v: -v.width):
            size = (variant.width, variant.height)
            if image.size != size:
                image = image.resize(size, Image.Resampling.LANCZOS)
            _save(_for_saving(image, variant.format), target_dir / variant.name, variant.format,
                  quality, icc)
