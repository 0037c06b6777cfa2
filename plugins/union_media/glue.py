"""Pelican glue for union_media: one PhotoStore per build, article rewriting, output links."""

from __future__ import annotations

import logging
import os
import posixpath
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import unquote

from pelican.contents import Article, Page
from pelican.generators import Generator
from pelican.utils import (get_relative_path, strip_toc_elements_from_html, truncate_html_paragraphs,
                           truncate_html_words)

from union_core.report import WARNING, Problem, report
from union_core.settings import apply_defaults

from .derivatives import Quality
from .markup import rewrite_photos, without_photo_figures
from .settings import DEFAULTS
from .store import PhotoStore

logger = logging.getLogger("union_media")


class MediaState:
    """What union_media keeps during one build: the photo store (None until `initialized`)."""

    def __init__(self, store: PhotoStore | None = None):
        self.store = store


_state = MediaState()   # replaced at `initialized`


def open_store(pelican) -> PhotoStore:
    global _state
    settings = apply_defaults(pelican.settings, DEFAULTS)
    cache = settings["UNION_MEDIA_CACHE_PATH"] or os.path.join(settings["CACHE_PATH"], "union_media")
    store = PhotoStore(
        settings["PATH"], cache, widths=settings["UNION_MEDIA_WIDTHS"],
        max_pixels=settings["UNION_MEDIA_MAX_PIXELS"], max_bytes=settings["UNION_MEDIA_MAX_BYTES"],
        quality=Quality(settings["UNION_MEDIA_WEBP_QUALITY"], settings["UNION_MEDIA_JPEG_QUALITY"]),
        # Publishing (LOAD_CONTENT_CACHE off) hashes every photo again; derivatives are still reused.
        trust_stat=settings["LOAD_CONTENT_CACHE"])
    _state = MediaState(store)
    return store


def save_store(_pelican=None) -> None:
    if _state.store is not None:
        _state.store.save()


def report_problem(problem, lines=()) -> None:
    report(Problem(WARNING, problem.path, problem.what, problem.todo, lines=tuple(lines),
                   source="union_media"), logger)


def source_lines(path, needle: str) -> list:
    """1-based lines of `path` that contain `needle` (for a missing image's report)."""
    try:
        text = open(path, encoding="utf-8-sig", errors="replace").read()
    except OSError:
        return []
    return [n for n, line in enumerate(text.splitlines(), 1) if needle in line]


@dataclass(frozen=True)
class Image:
    """One derivative as templates use it: URL (from the site root), width, height."""

    url: str
    width: int
    height: int


@dataclass(frozen=True)
class CardPhoto:
    """An article's first photo, for its card thumbnail and its og:image."""

    alt: str
    width: int
    height: int
    webp: tuple        # Image, smallest first
    fallback: tuple    # Image (JPEG or PNG), smallest first

    @property
    def src(self) -> Image:
        """The fallback <img src>: the largest copy up to 960 px."""
        return max((i for i in self.fallback if i.width <= 960), key=lambda i: i.width,
                   default=self.fallback[0])

    @property
    def share(self) -> Image:
        """og:image: the largest copy (1,600 px at most)."""
        return self.fallback[-1]


def card_photo(use, folder: str) -> CardPhoto | None:
    photo = use.photo
    if not photo.resized:
        return None

    def images(variants):
        return tuple(Image(f"{folder}/{v.name}", v.width, v.height) for v in variants)

    largest = photo.fallback[-1]
    return CardPhoto(use.alt, largest.width, largest.height, images(photo.webp), images(photo.fallback))


def derivatives_prefix(content) -> str:
    """The derivatives folder's URL as seen from `content`'s own page, ending in '/'."""
    settings = content.settings
    folder = settings["UNION_MEDIA_OUTPUT_DIR"].strip("/")
    if settings.get("RELATIVE_URLS"):
        return posixpath.join(get_relative_path(content.save_as), folder) + "/"
    return f"{settings.get('SITEURL', '').rstrip('/')}/{folder}/"


def content_path(content, target: str) -> str | None:
    """Path under the content folder for what follows {static} (Pelican's rules), or None
    when it points outside the content folder."""
    target = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if target.startswith("/"):
        path = target.lstrip("/")
    else:
        path = posixpath.join(content.relative_dir.replace(os.sep, "/"), target)
    path = posixpath.normpath(path)
    return None if path.startswith("../") or path in ("..", ".") else path


def add_photos(content) -> None:
    store = _state.store
    if store is None or not isinstance(content, (Article, Page)) or content._content is None:
        return

    def find(target):
        path = content_path(content, target)
        if path is None:
            return None
        known = len(store.report.problems)
        photo = store.photo(path)
        for problem in store.report.problems[known:]:
            report_problem(problem)
        return photo

    def missing(src):
        needle = src.split("}", 1)[-1] if src.startswith("{") else src
        report_problem(store.missing(src, content.source_path), source_lines(content.source_path, needle))

    settings = content.settings
    html, uses = rewrite_photos(content._content, find, derivatives_prefix(content),
                                settings["UNION_MEDIA_SIZES"], missing)
    content._content = html
    content.photos = uses
    if uses and "summary" not in content.metadata:
        # An instance attribute shadows Pelican's (memoized, non-data descriptor) method.
        content.get_summary = partial(summary_without_photos, content)
    folder = settings["UNION_MEDIA_OUTPUT_DIR"].strip("/")
    # The first photo that has derivatives (a broken first file does not leave the card bare).
    first = next((use for use in uses if use.photo.resized), None)
    content.first_photo = card_photo(first, folder) if first else None


def summary_without_photos(content, siteurl: str) -> str:
    """Pelican's automatic summary (Content.get_summary), made without the photo figures, so that
    lists, feeds, catalog.json and search results open with the story, not with a caption."""
    if "summary" in content.metadata:
        return content.metadata["summary"]
    settings = content.settings
    html = without_photo_figures(content.get_content(siteurl))
    if settings.get("SUMMARY_MAX_PARAGRAPHS") is not None:
        html = truncate_html_paragraphs(html, settings["SUMMARY_MAX_PARAGRAPHS"])
    if settings.get("SUMMARY_MAX_LENGTH") is not None:
        html = truncate_html_words(html, settings["SUMMARY_MAX_LENGTH"], settings["SUMMARY_END_SUFFIX"])
    return strip_toc_elements_from_html(html)


class MediaGenerator(Generator):
    """Links this build's photo derivatives into the output folder."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        store = _state.store
        if store is not None:
            store.publish(Path(self.output_path) / self.settings["UNION_MEDIA_OUTPUT_DIR"].strip("/"))


def get_generators(pelican):
    return MediaGenerator
