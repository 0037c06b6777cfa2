"""Incremental writes: a page is rendered again only when something its template can show changed.

Stock Pelican renders and rewrites every page on every build; with its reader cache, a
one-article edit still costs the whole site's rendering.  Here every page written through
Pelican's writer gets a digest of its inputs: the code (theme templates, our plugins, Pelican
and Jinja versions), the settings, the page's file name, and the value of every variable its
template (with the templates it extends, includes or imports) names, as Jinja's own parser
finds them.  When the digest, and the file on disk (size and modification time), are what the
previous build recorded, the page is left as it is.

How values are digested (`Tokens`):
- plain values, dates, containers: by value;
- a content object (article, page) named directly by the template (`article` on its page):
  all its attributes (body HTML, metadata, everything plugins set on it), and those of the
  content objects it refers to (related stories, translations, neighbours);
- a content object inside a list (a listing's stories): all its attributes, the objects it
  refers to by identity (class, source, URL, title, date);
- a paginator: its counts, and its stories by identity (templates list a page's stories
  through `articles_page`, whose stories are digested in full; of the previous and next pages,
  `articles_previous_page` and `articles_next_page`, templates show the address);
- categories, tags, authors: name, slug, URL; any other object: its attributes;
- a value whose digest would not be stable from one build to the next (an object printed
  with its memory address) makes the page be rendered every time.

So an edit re-renders the edited story's page, the pages that list it, the pages of the
stories that show it as related, and pages that name the whole collection (the home page
lists categories with their articles).  What is not covered: a template reading, two links
away, more than the identity of a story (a listing showing the related stories of each of
its stories, or `articles_paginator.object_list[i].summary`); `make clean` or
UNION_INCREMENTAL_WRITES = False render everything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os

from jinja2 import TemplateNotFound, meta

SKIPPED_ATTRIBUTES = frozenset({"settings", "_context"})
UNSTABLE = object()   # marks a value whose digest cannot be trusted across builds
_ADDRESS = " at 0x"


class Unstable(Exception):
    """A value has no digest that is stable across builds."""


class Tokens:
    """Digests of values as templates see them, memoised for one build (objects are kept alive
    with their digest, so that an id is never reused within the build)."""

    def __init__(self):
        self._own = {}       # id → (object, digest): a content object's own attributes
        self._full = {}      # id → (object, digest): with the objects it refers to
        self._values = {}    # id → (object, digest): other large values (lists of stories …)

    # -- content objects ------------------------------------------------------------------
    def identity(self, item) -> str:
        date = getattr(item, "date", None)
        return "\x1f".join((type(item).__name__, str(getattr(item, "source_path", "")),
                            str(getattr(item, "url", "")), str(getattr(item, "title", "")),
                            date.isoformat() if isinstance(date, (dt.date, dt.datetime)) else ""))

    def own(self, item) -> str:
        found = self._own.get(id(item))
        if found is None:
            digest = hashlib.sha1(usedforsecurity=False)
            for name, value in sorted(vars(item).items()):
                if name not in SKIPPED_ATTRIBUTES:
                    digest.update(name.encode() + b"\x1e")
                    self._feed(digest, value, nested=True)
            found = self._own[id(item)] = (item, digest.hexdigest())
        return found[1]

    def full(self, item) -> str:
        found = self._full.get(id(item))
        if found is None:
            digest = hashlib.sha1(self.own(item).encode(), usedforsecurity=False)
            for name, value in sorted(vars(item).items()):
                if name in SKIPPED_ATTRIBUTES:
                    continue
                for other in _contents_in(value):
                    digest.update(name.encode() + b"\x1e" + self.own(other).encode())
            found = self._full[id(item)] = (item, digest.hexdigest())
        return found[1]

    # -- any value ---------------------------------------------------------------------------
    def value(self, value, neighbour: bool = False) -> str:
        """Digest of a value a template names directly.  `neighbour`: a previous or next page of a
        listing, of which templates show the address (its stories are digested by identity)."""
        if neighbour and _is_page(value):
            digest = hashlib.sha1(f"N:{value.number}:{value.save_as}:{value.url}".encode(), usedforsecurity=False)
            self._feed(digest, value.paginator, True)
            return digest.hexdigest()
        if _is_content(value):
            return self.full(value)
        if isinstance(value, (list, tuple, dict, set, frozenset)) or hasattr(value, "__dict__"):
            found = self._values.get(id(value))
            if found is None:
                digest = hashlib.sha1(usedforsecurity=False)
                self._feed(digest, value, nested=False)
                found = self._values[id(value)] = (value, digest.hexdigest())
            return found[1]
        digest = hashlib.sha1(usedforsecurity=False)
        self._feed(digest, value, nested=False)
        return digest.hexdigest()

    def _feed(self, digest, value, nested: bool, depth: int = 0) -> None:
        """Write `value` into `digest`.  `nested`: inside a content object (refer to others by identity)."""
        if depth > 24:
            raise Unstable("nested too deep")
        update = digest.update
        if value is None or isinstance(value, (bool, int, float, str)):
            update(f"{type(value).__name__}:{value}\x1d".encode("utf-8", "surrogatepass"))
        elif isinstance(value, (dt.datetime, dt.date, dt.time)):
            update(f"{type(value).__name__}:{value.isoformat()}:{getattr(value, 'tzinfo', None)}\x1d".encode())
        elif _is_content(value):
            update(b"C:" + (self.identity(value) if nested else self.own(value)).encode("utf-8", "surrogatepass"))
        elif _is_url_wrapper(value):
            update(f"W:{type(value).__name__}:{value.name}:{value.slug}:{value.url}\x1d".encode("utf-8", "surrogatepass"))
        elif _is_paginator(value):
            update(f"P:{value.name}:{value.url}:{value.count}:{value.num_pages}:{value.per_page}\x1d".encode())
            for item in value.object_list:
                update(self.identity(item).encode("utf-8", "surrogatepass") + b"\x1d")
        elif _is_page(value):
            update(f"G:{value.number}:{value.save_as}:{value.url}\x1d".encode())
            self._feed(digest, value.paginator, nested, depth + 1)
            for item in value.object_list:
                self._feed(digest, item, False, depth + 1)
        elif isinstance(value, dict):
            update(f"D{len(value)}\x1d".encode())
            for key in sorted(value, key=repr):
                self._feed(digest, key, nested, depth + 1)
                self._feed(digest, value[key], nested, depth + 1)
        elif isinstance(value, (list, tuple)):
            update(f"L{len(value)}\x1d".encode())
            for item in value:
                self._feed(digest, item, nested, depth + 1)
        elif isinstance(value, (set, frozenset)):
            parts = []
            for item in value:
                part = hashlib.sha1(usedforsecurity=False)
                self._feed(part, item, nested, depth + 1)
                parts.append(part.hexdigest())
            update(("S" + ",".join(sorted(parts)) + "\x1d").encode())
        elif hasattr(value, "__dict__") and not callable(value):
            # any other object (a region of union_tags …): its attributes, stories in them by identity
            update(f"O:{type(value).__module__}.{type(value).__qualname__}\x1d".encode())
            for name, item in sorted(vars(value).items()):
                if name not in SKIPPED_ATTRIBUTES:
                    update(name.encode() + b"\x1e")
                    self._feed(digest, item, True, depth + 1)
        else:
            text = repr(value)
            if _ADDRESS in text:
                raise Unstable(text)
            update(f"R:{type(value).__name__}:{text}\x1d".encode("utf-8", "surrogatepass"))


def _is_content(value) -> bool:
    from pelican.contents import Content

    return isinstance(value, Content)


def _is_url_wrapper(value) -> bool:
    from pelican.urlwrappers import URLWrapper

    return isinstance(value, URLWrapper)


def _is_paginator(value) -> bool:
    from pelican.paginator import Paginator

    return isinstance(value, Paginator)


def _is_page(value) -> bool:
    from pelican.paginator import Page

    return isinstance(value, Page)


def _contents_in(value, depth: int = 0):
    """Content objects directly in an attribute's value (itself, or items of a list/tuple/dict)."""
    if _is_content(value):
        yield value
    elif depth < 2 and isinstance(value, (list, tuple)):
        for item in value:
            yield from _contents_in(item, depth + 1)
    elif depth < 2 and isinstance(value, dict):
        for item in value.values():
            yield from _contents_in(item, depth + 1)


def template_names(template) -> frozenset | None:
    """Every variable the template and the templates it extends, includes or imports can read
    from its context; None when a template is chosen at render time (then: always render)."""
    env = template.environment
    names, seen, todo = set(), set(), [template.name]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source = env.loader.get_source(env, name)[0]
        except TemplateNotFound:
            continue   # `include … ignore missing`
        ast = env.parse(source)
        names |= meta.find_undeclared_variables(ast)
        for referenced in meta.find_referenced_templates(ast):
            if referenced is None:
                return None
            todo.append(referenced)
    return frozenset(names)


# How Pelican caches what it read, not what it renders: a rebuild with the cache on must match
# the record of a cold build with it off.
CACHE_POLICY_SETTINGS = frozenset({"CACHE_CONTENT", "LOAD_CONTENT_CACHE", "CHECK_MODIFIED_METHOD",
                                   "CACHE_PATH", "GZIP_CACHE", "CONTENT_CACHING_LAYER"})


def settings_digest(settings: dict) -> str:
    """Digest of the settings, or a value that never matches when one cannot be digested stably."""
    tokens = Tokens()
    digest = hashlib.sha1(usedforsecurity=False)
    for key in sorted(k for k in settings if isinstance(k, str) and k not in CACHE_POLICY_SETTINGS):
        try:
            digest.update(key.encode() + b"=" + tokens.value(settings[key]).encode() + b"\n")
        except Unstable:
            digest.update(key.encode() + b"=" + os.urandom(8).hex().encode())
    return digest.hexdigest()


class PageRecord:
    """What the previous build wrote: file name → [digest, size, mtime_ns], in a union_core store."""

    def __init__(self, store, trust_previous: bool = True):
        self.store = store
        self.trust_previous = trust_previous
        self.tokens = Tokens()
        self._names = {}
        self.rendered = 0
        self.kept = 0

    def page_digest(self, name: str, template, localcontext: dict) -> str | None:
        """Digest of everything `template` can read for the page `name`; None: always render."""
        key = (template.name, id(template.environment))
        if key not in self._names:
            self._names[key] = template_names(template)
        names = self._names[key]
        if names is None:
            return None
        digest = hashlib.sha1(f"{name}\x1d{template.name}\x1d".encode("utf-8", "surrogatepass"),
                              usedforsecurity=False)
        try:
            for variable in sorted(names):
                if variable in localcontext:
                    neighbour = variable.endswith(("_previous_page", "_next_page"))
                    token = self.tokens.value(localcontext[variable], neighbour)
                    digest.update(variable.encode() + b"=" + token.encode())
                else:
                    digest.update(variable.encode() + b"!")
        except Unstable:
            return None
        return digest.hexdigest()

    def unchanged(self, name: str, digest: str | None, path: str) -> bool:
        """The file at `path` is what the previous build wrote for the same inputs."""
        if digest is None or not self.trust_previous:
            return False
        previous = self.store.get(name)
        if not previous or previous[0] != digest:
            return False
        try:
            stat = os.stat(path)
        except OSError:
            return False
        return [stat.st_size, stat.st_mtime_ns] == previous[1:]

    def written(self, name: str, digest: str | None, path: str) -> None:
        if digest is None:
            return
        try:
            stat = os.stat(path)
        except OSError:
            return
        self.store.put(name, [digest, stat.st_size, stat.st_mtime_ns])
