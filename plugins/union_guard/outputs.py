"""Output paths: the site's own pages are reserved, and no two sources may write one file.

Pelican lets any article or page choose where it is written (`Save_as:`, `URL:`, `Slug:`)
and lets a file marked "override" replace a generated page without a word: `Save_as:
index.html` replaced the home page, a page with `Slug: tag` took the tags index.  Here every
path a content item would be written to, or linked at, is checked against

- the generated pages, feeds and files, read from the settings: every `*_SAVE_AS` that is
  not an article/page pattern (direct templates, tag/category/author/archive/region/topic
  pages), every feed setting, the theme's static folder, the search export folder, static
  folders, pagination, and UNION_GUARD_RESERVED_PATHS (files other plugins write under fixed
  names: catalog.json, sitemap.xml).  A pattern such as `tag/{slug}/index.html` reserves
  its whole folder (`tag/`): the slugs are not known yet when articles are checked;
- the paths already claimed by other content items.

Paths are compared as the files they write (a URL `x/` is the file `x/index.html`),
case-insensitively (a site previewed on macOS or served from a case-insensitive disk would
overwrite `Index.html` with `index.html`).
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field

from union_core.report import display_path

# The patterns that place content items themselves (their clashes are between items).
CONTENT_PATTERNS = frozenset({
    "ARTICLE_SAVE_AS", "ARTICLE_LANG_SAVE_AS", "DRAFT_SAVE_AS", "DRAFT_LANG_SAVE_AS",
    "PAGE_SAVE_AS", "PAGE_LANG_SAVE_AS", "DRAFT_PAGE_SAVE_AS", "DRAFT_PAGE_LANG_SAVE_AS",
    "STATIC_SAVE_AS",
})
# Folders inside OUTPUT_PATH named by a setting (the value is the folder).
FOLDER_SETTINGS = ("THEME_STATIC_DIR", "SEARCH_EXPORT_DIR")
MAX_NAME_BYTES = 255  # one path component, on every filesystem the site is built on


def output_file(path: str) -> str:
    """The file a save_as or URL path writes: 'x/' → 'x/index.html', '' → 'index.html'."""
    path = (path or "").split("#", 1)[0].split("?", 1)[0].lstrip("/")
    if not path or path.endswith("/"):
        path += "index.html"
    return posixpath.normpath(path)


def _key(path: str) -> str:
    return path.lower()


@dataclass
class Reserved:
    """Generated outputs: exact files and whole folders, each with what writes it."""

    files: dict = field(default_factory=dict)    # key → (path, description)
    folders: dict = field(default_factory=dict)  # key ("tag/") → (path, description)

    def add_file(self, path: str, what: str) -> None:
        path = output_file(path)
        self.files.setdefault(_key(path), (path, what))

    def add_folder(self, folder: str, what: str) -> None:
        folder = posixpath.normpath(folder.strip("/")) + "/"
        if folder not in ("./", "/"):
            self.folders.setdefault(_key(folder), (folder, what))

    def add_pattern(self, pattern: str, what: str) -> None:
        """An exact path, or the fixed folder in front of the first {placeholder}."""
        if "{" not in pattern:
            self.add_file(pattern, what)
            return
        fixed = pattern.split("{", 1)[0]
        if "/" in fixed.lstrip("/"):
            self.add_folder(fixed[: fixed.rindex("/") + 1], what)

    def owner(self, path: str) -> tuple[str, str] | None:
        """(reserved path, what writes it) when `path` (an output file) is taken, else None."""
        key = _key(path)
        if key in self.files:
            return self.files[key]
        if not key.startswith(tuple(self.folders)):
            return None
        parts = key.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth]) + "/"
            if folder in self.folders:
                return self.folders[folder]
        return None


def reserved_outputs(settings: dict) -> Reserved:
    """Everything the site generates itself, from the settings (see the module docstring)."""
    reserved = Reserved()
    for name in settings.get("DIRECT_TEMPLATES", ()):
        save_as = settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html")
        if save_as:
            reserved.add_file(save_as, f"the {name} page")
    for key, value in settings.items():
        if not isinstance(key, str) or not isinstance(value, str) or not value:
            continue
        if key.endswith("_SAVE_AS") and key not in CONTENT_PATTERNS:
            reserved.add_pattern(value, key)
        elif "FEED" in key and key.endswith(("_ATOM", "_RSS")):
            reserved.add_pattern(value, f"the feeds ({key})")
    for key in FOLDER_SETTINGS:
        if settings.get(key):
            reserved.add_folder(str(settings[key]), key)
    if settings.get("STATIC_SAVE_AS", "{path}") == "{path}":
        for folder in settings.get("STATIC_PATHS", ()):
            if folder and folder not in (".", "/"):
                reserved.add_folder(folder, f"static files (STATIC_PATHS {folder!r})")
    for source, meta in (settings.get("EXTRA_PATH_METADATA") or {}).items():
        target = (meta or {}).get("save_as") or (meta or {}).get("path")
        if target:
            reserved.add_file(target, f"the static file {source}")
    for source, target in (settings.get("TEMPLATE_PAGES") or {}).items():
        reserved.add_file(target, f"the template page {source}")
    index = settings.get("INDEX_SAVE_AS", "index.html")
    for pattern in settings.get("PAGINATION_PATTERNS", ()):
        if len(pattern) >= 3 and isinstance(pattern[2], str) and "{number}" in pattern[2]:
            base = posixpath.dirname(index)
            shaped = pattern[2].replace("{base_name}", base).replace("{save_as}", index)
            reserved.add_pattern(shaped, "the home page's later pages (PAGINATION_PATTERNS)")
    for path in settings.get("UNION_GUARD_RESERVED_PATHS", ()):
        if path.endswith("/"):
            reserved.add_folder(path, "UNION_GUARD_RESERVED_PATHS")
        else:
            reserved.add_file(path, "UNION_GUARD_RESERVED_PATHS")
    return reserved


def overlong_component(path: str) -> str | None:
    """The first part of `path` longer than a file name may be, or None."""
    if len(path) * 4 <= MAX_NAME_BYTES:  # UTF-8 takes at most 4 bytes a character
        return None
    for part in path.split("/"):
        if len(part.encode("utf-8")) > MAX_NAME_BYTES:
            return part
    return None


@dataclass(frozen=True)
class Claim:
    """One output file a content item would write, or be linked at."""

    path: str               # output file, e.g. 'index.html'
    chosen_by: str | None   # the metadata field that chose it ('Save_as', 'URL', 'Slug') or None
    item: object = field(compare=False)

    @property
    def explicit(self) -> bool:
        """Chosen by hand with Save_as:/URL: rather than by the site's patterns."""
        return self.chosen_by in ("Save_as", "URL")


def item_claims(item) -> list:
    """The output files an item writes (save_as) and is linked at (an explicit URL)."""
    metadata = getattr(item, "metadata", None) or {}
    claims = []
    save_as = getattr(item, "save_as", None)
    if save_as:
        chosen_by = "Save_as" if "save_as" in metadata else ("Slug" if "slug" in metadata else None)
        claims.append(Claim(output_file(save_as), chosen_by, item))
    url = getattr(item, "url", None)
    if url is not None and "url" in metadata:
        path = output_file(url)
        if not claims or path != claims[0].path:
            claims.append(Claim(path, "URL", item))
    return claims


def url_of(save_as: str) -> str:
    """The URL that serves a saved file: 'x/index.html' → 'x/', 'x.html' → 'x.html'."""
    path = output_file(save_as)
    return path[: -len("index.html")] if path == "index.html" or path.endswith("/index.html") else path


def align_url(item) -> tuple[str, str] | None:
    """Make an item's URL lead to the file it is written to; (message, what to do) when an
    explicit URL: was ignored for that.

    Pelican writes at Save_as (the default one when only URL: is given) and links at URL (the
    default one when only Save_as: is given): either alone made every link to the story lead
    nowhere.  Save_as: alone moves the URL with it (what the editor meant, no report); URL:
    that is not where the story is written is ignored, with a warning.
    """
    metadata = getattr(item, "metadata", None) or {}
    url, save_as = getattr(item, "url", None), getattr(item, "save_as", None)
    if url is None or not save_as or output_file(url) == output_file(save_as):
        return None
    if "url" not in metadata:
        item.override_url = url_of(save_as)
        return None
    del metadata["url"]
    if hasattr(item, "override_url"):
        del item.override_url
    if "save_as" in metadata:
        item.override_url = url_of(save_as)
    return (f"{url!r} is not where the story is written ({output_file(save_as)!r}): links would lead nowhere; "
            f"ignored, links use {item.url!r}", "add a Save_as: line with the same path, or delete the URL: line")


def pattern_shape(pattern: str):
    """A regex matching every path `pattern` ('{slug}/index.html') can produce."""
    parts = re.split(r"(\{[^}]*\})", pattern.lstrip("/"))
    body = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(body + "$", re.IGNORECASE)


@dataclass(frozen=True)
class Clash:
    """A content item that cannot be written where it asks: skipped, with the reason."""

    item: object
    claim: Claim
    message: str
    todo: str


def _age(item):
    date = getattr(item, "date", None)
    stamp = date.replace(tzinfo=None).isoformat() if hasattr(date, "isoformat") else ""
    return (0 if stamp else 1, stamp, os.fspath(getattr(item, "source_path", "") or ""))


class PathRegistry:
    """Output files claimed by content items so far in one build (articles first, then pages)."""

    def __init__(self):
        self.owners = {}   # key → Claim

    def release(self, item) -> None:
        for key in [k for k, claim in self.owners.items() if claim.item is item]:
            del self.owners[key]

    def settle(self, items, reserved: Reserved, forbidden_shapes=()) -> list:
        """Claim the paths of `items` (one generator's content); the Clashes of those that lose.

        A generated page always wins.  Between two items, the one whose path was chosen by hand
        (Save_as:, URL:) loses to one placed by the site's patterns; otherwise the older item (same
        date or no date: the path that sorts first) keeps it, and an item settled by an earlier
        generator (articles, before pages) always keeps it.
        """
        batch = {id(item) for item in items}
        clashes = []
        dropped = set()
        for item in sorted(items, key=_age):
            claims = item_claims(item)
            refusal = self._refusal(claims, reserved, forbidden_shapes)
            if refusal:
                clashes.append(refusal)
                dropped.add(id(item))
                continue
            for claim in claims:
                holder = self.owners.get(_key(claim.path))
                if holder is None or holder.item is item:
                    continue
                if id(holder.item) in batch and holder.explicit and not claim.explicit:
                    loser, winner = holder, claim
                else:
                    loser, winner = claim, holder
                clashes.append(Clash(loser.item, loser, _clash_message(loser, winner), _clash_todo(loser)))
                dropped.add(id(loser.item))
                if loser is claim:
                    break
                self.release(holder.item)
            if id(item) not in dropped:
                for claim in claims:
                    self.owners[_key(claim.path)] = claim
        return clashes

    @staticmethod
    def _refusal(claims, reserved, forbidden_shapes):
        for claim in claims:
            owner = reserved.owner(claim.path)
            name = _field_name(claim)
            if owner:
                inside = f", inside {owner[0]!r}" if owner[0].endswith("/") else ""
                return Clash(claim.item, claim,
                             f"{name} would write {claim.path!r}{inside}, which the site writes itself ({owner[1]})",
                             "choose another address; the file is skipped until then (the site's page is kept)")
            too_long = overlong_component(claim.path)
            if too_long:
                size = len(too_long.encode())
                return Clash(claim.item, claim,
                             f"{name} would write {claim.path!r}, which has a part of {size} bytes, longer "
                             f"than a file name may be ({MAX_NAME_BYTES})",
                             "choose a shorter address; the file is skipped until then")
            if claim.explicit and any(shape.match(claim.path) for shape in forbidden_shapes):
                return Clash(claim.item, claim,
                             f"{name} would write {claim.path!r}, an address of the shape pages have "
                             "(articles may not take one: a page could be written there)",
                             "write a path inside the articles' folder, for example articles/2019/old-story/; "
                             "the file is skipped until then")
        return None


def _field_name(claim: Claim) -> str:
    """'Save_as 'index.html'', 'Slug 'tag'' or 'the address'."""
    if not claim.chosen_by:
        return "the address"
    value = (getattr(claim.item, "metadata", None) or {}).get(claim.chosen_by.lower())
    return f"{claim.chosen_by} {value!r}" if isinstance(value, str) else claim.chosen_by


def _clash_message(loser: Claim, winner: Claim) -> str:
    how = f"its {winner.chosen_by}" if winner.chosen_by else "its address"
    return (f"{_field_name(loser)} would write {loser.path!r}, which {source_of(winner.item)} writes "
            f"({how}); one file would overwrite the other")


def _clash_todo(loser: Claim) -> str:
    if loser.explicit:
        return f"change or delete the {loser.chosen_by}: line; this file is skipped until then"
    return "give this file its own \"Slug:\" line; it is skipped until then"


def source_of(item) -> str:
    return display_path(os.fspath(getattr(item, "source_path", "") or "?"))
