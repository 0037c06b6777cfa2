"""Article HTML: each local photo becomes a <figure> with a responsive <picture>.

Input is an article body after union_guard's sanitizer (nh3 writes every
attribute double-quoted, with ``"`` and ``&`` escaped).  Only images the
editor wrote as ``![说明]({static}/images/x.jpg)`` (or ``<img src="{static}…">``)
are changed:

- an image alone in its paragraph becomes ``<figure class="photo">`` with the
  picture and a ``<figcaption>`` (the image's title if it has one, else its
  alt text);
- an image inside a paragraph of text, or inside the editor's own <figure>,
  gets the picture without a new figure;
- every picture has WebP and JPEG (or PNG) ``srcset``s, ``width``/``height``,
  ``decoding="async"`` and, except the article's first image,
  ``loading="lazy"``.

The markup is made here, after sanitizing, from values we computed
(derivative URLs, sizes) and the editor's alt/title text, re-escaped once.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote

ATTRIBUTE = r'\s+[^\s"\'>/=]+(?:\s*=\s*(?:"[^"]*"|\'[^\']*\'|[^\s"\'=<>`]+))?'
# An <img>; the <p> around it (when the paragraph holds nothing else) is checked separately:
# a pattern starting with an optional <p> would be tried at every character of every article.
IMAGE = re.compile(rf'<img\b(?P<attrs>(?:{ATTRIBUTE})*)\s*/?>', re.IGNORECASE)
_OPENS_PARAGRAPH = re.compile(r"<p>\s*$")
_CLOSES_PARAGRAPH = re.compile(r"\s*</p>")
_ATTR = re.compile(r'([^\s"\'>/=]+)(?:\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s"\'=<>`]+)))?')
STATIC = "{static}"
DEFAULT_SIZES = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"
PHOTO_FIGURE = re.compile(r'<figure class="photo">.*?</figure>\s*', re.DOTALL)


@dataclass(frozen=True)
class PhotoUse:
    """One photo in an article, in reading order."""

    photo: object          # store.Photo
    alt: str               # plain text
    caption: str           # plain text ('' for none)


def attributes(attrs: str) -> dict:
    """Attribute names (lowercased) to decoded values."""
    found = {}
    for match in _ATTR.finditer(attrs or ""):
        name = match.group(1).lower()
        value = next((g for g in match.groups()[1:] if g is not None), "")
        found.setdefault(name, html.unescape(value))
    return found


def static_target(src: str) -> str | None:
    """The path after ``{static}`` (what Pelican resolves), or None for other images."""
    src = src.strip()
    return src[len(STATIC):] if src.startswith(STATIC) else None


def srcset(prefix: str, variants) -> str:
    return ", ".join(f"{prefix}{v.name} {v.width}w" for v in variants)


def picture(photo, alt: str, prefix: str, sizes: str = DEFAULT_SIZES, lazy: bool = True,
            original_src: str | None = None) -> str:
    """<picture> (or a plain <img> when the photo is published as is)."""
    alt_attr = html.escape(alt, quote=True)
    common = f' alt="{alt_attr}" decoding="async"' + (' loading="lazy"' if lazy else "")
    if photo.width and photo.height:
        size = f' width="{photo.width}" height="{photo.height}"'
    else:
        size = ""
    if not photo.resized:
        return f'<img src="{html.escape(original_src or "", quote=True)}"{size}{common}>'
    sizes = html.escape(sizes, quote=True)
    fallback = photo.fallback
    largest = fallback[-1]
    default = max((v for v in fallback if v.width <= 960), key=lambda v: v.width, default=fallback[0])
    return (f'<picture><source type="image/webp" srcset="{srcset(prefix, photo.webp)}" sizes="{sizes}">'
            f'<img src="{prefix}{default.name}" srcset="{srcset(prefix, fallback)}" sizes="{sizes}"'
            f' width="{largest.width}" height="{largest.height}"{common}></picture>')


def figure(inner: str, caption: str) -> str:
    text = f"<figcaption>{html.escape(caption, quote=False)}</figcaption>" if caption else ""
    return f'<figure class="photo">{inner}{text}</figure>'


def without_photo_figures(fragment: str) -> str:
    """The fragment without the figures made here (for summaries: a caption is not the story's
    opening).  Our figures never nest: their content is a picture or an img and a figcaption."""
    return PHOTO_FIGURE.sub("", fragment or "")


def rewrite_photos(fragment: str, find: Callable, prefix: str, sizes: str = DEFAULT_SIZES,
                   on_missing: Callable | None = None) -> tuple:
    """(new HTML, [PhotoUse]) for an article body.

    `find(target)` returns the Photo for what follows ``{static}`` in a src, or
    None when there is no such file (then `on_missing(src)` is called and the
    image is left as it is).  `prefix` is the URL of the derivatives' folder as
    seen from the page, ending in '/'.
    """
    if not fragment or ("<img" not in fragment and "<IMG" not in fragment):  # nh3 writes lowercase
        return fragment, []
    uses = []
    pieces, done = [], 0
    for match in IMAGE.finditer(fragment):
        attrs = attributes(match.group("attrs"))
        target = static_target(attrs.get("src", ""))
        if target is None:
            continue
        photo = find(target)
        if photo is None:
            if on_missing:
                on_missing(attrs.get("src", ""))
            continue
        alt = attrs.get("alt", "").strip()
        caption = (attrs.get("title") or alt).strip()
        uses.append(PhotoUse(photo, alt, caption))
        # Published as is: keep {static} so Pelican resolves (and copies) the original.
        original = STATIC + quote(target, safe="/:@!$&'()*+,;=-._~")
        inner = picture(photo, alt, prefix, sizes, lazy=len(uses) > 1, original_src=original)
        start, end = match.span()
        opening = _OPENS_PARAGRAPH.search(fragment, max(done, start - 16), start)
        closing = _CLOSES_PARAGRAPH.match(fragment, end)
        if opening and closing:   # alone in its paragraph: the figure replaces the paragraph
            start, end, inner = opening.start(), closing.end(), figure(inner, caption)
        pieces += [fragment[done:start], inner]
        done = end
    return "".join(pieces) + fragment[done:], uses
