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
UNION_INCREMENTAL_WRITES = False render everything.  Pelican's `content_written` signal is sent
for the pages rendered, not for those left as they were (no plugin of ours listens to it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import types

from jinja2 import TemplateNotFound, meta
from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper

from union_text.html_text import MEMO_ATTRIBUTE as HTML_TEXT_MEMO

# settings and context are digested apart; the parsed-text memo (union_text.html_text) is derived
# from `_content` and present only when a plugin parsed the article in this build
SKIPPED_ATTRIBUTES = frozenset({"settings", "_context", HTML_TEXT_MEMO})
UNSTABLE = object()   # marks a value whose digest cannot be trusted across builds
_ADDRESS = " at 0x"


class Unstable(Exception):
    """A value has no digest that is stable across builds."""


class Tokens:
    """Digests of values as templates see them, memoised for one build (objects are kept alive
    with their digest, so that an id is never reused within the build).

    Values are serialised with the json module's C encoder, sorted keys; what JSON has no form
    for goes through `_default` (content objects, dates, categories, paginators, other objects).
    """

    def __init__(self):
        self._own = {}       # id → (object, digest): a content object's own attributes
        self._full = {}      # id → (object, digest): with the objects it refers to
        self._values = {}    # id → (object, digest): values named by templates, other objects
        self._identities = {}  # id → (object, identity)

    # -- content objects ------------------------------------------------------------------
    def identity(self, item) -> str:
        found = self._identities.get(id(item))
        if found is None:
            date = getattr(item, "date", None)
            text = "\x1f".join((type(item).__name__, str(getattr(item, "source_path", "")),
                                str(getattr(item, "url", "")), str(getattr(item, "title", "")),
                                date.isoformat() if isinstance(date, (dt.date, dt.datetime)) else ""))
            found = self._identities[id(item)] = (item, text)
        return found[1]

    def own(self, item) -> str:
        """All the object's attributes; the content objects among them by identity."""
        found = self._own.get(id(item))
        if found is None:
            attributes = {name: value for name, value in vars(item).items() if name not in SKIPPED_ATTRIBUTES}
            found = self._own[id(item)] = (item, self._digest(attributes, nested=True))
        return found[1]

    def full(self, item) -> str:
        """Its own attributes and those of the content objects it refers to."""
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
            return f"N:{value.number}:{value.save_as}:{value.url}:{self._paginator(value.paginator)}"
        if _is_content(value):
            return self.full(value)
        found = self._values.get(id(value))
        if found is None:
            found = self._values[id(value)] = (value, self._digest(value, nested=False))
        return found[1]

    def _digest(self, value, nested: bool) -> str:
        try:
            text = json.dumps(value, default=self._nested_default if nested else self._default,
                              sort_keys=True, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError) as exc:   # keys of mixed types, cycles
            raise Unstable(str(exc)) from exc
        return hashlib.sha1(text.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()

    def _paginator(self, paginator) -> str:
        """Counts and stories by identity, once per paginator (all pages of a listing share it)."""
        found = self._values.get(id(paginator))
        if found is None:
            digest = hashlib.sha1(f"{paginator.name}:{paginator.url}:{paginator.count}:{paginator.num_pages}:"
                                  f"{paginator.per_page}\x1d".encode("utf-8", "surrogatepass"), usedforsecurity=False)
            for item in paginator.object_list:
                digest.update(self.identity(item).encode("utf-8", "surrogatepass") + b"\x1d")
            found = self._values[id(paginator)] = (paginator, digest.hexdigest())
        return found[1]

    def _nested_default(self, value):
        """Inside a content object or another object: content objects by identity."""
        if _is_content(value):
            return "C:" + self.identity(value)
        return self._other(value)

    def _default(self, value):
        """In a value a template names (a listing …): content objects with all their attributes."""
        if _is_content(value):
            return "C:" + self.own(value)
        return self._other(value)

    def _other(self, value):
        if isinstance(value, (dt.datetime, dt.date, dt.time)):
            return f"T:{type(value).__name__}:{value.isoformat()}:{getattr(value, 'tzinfo', None)}"
        if _is_url_wrapper(value):
            return f"W:{type(value).__name__}:{value.name}:{value.slug}:{value.url}"
        if _is_paginator(value):
            return "P:" + self._paginator(value)
        if _is_page(value):
            return [f"G:{value.number}:{value.save_as}:{value.url}", self._paginator(value.paginator),
                    [self.own(item) if _is_content(item) else item for item in value.object_list]]
        if isinstance(value, types.ModuleType):
            return f"M:{value.__name__}"
        if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type)) \
                and "<" not in value.__qualname__:
            # a named function or class (ARTICLE_ORDER_BY = newest_first_key …): its code is in the
            # package digest; lambdas and closures (<lambda>, <locals>) stay unstable
            return f"F:{value.__module__}.{value.__qualname__}"
        if isinstance(value, (set, frozenset)):
            return ["S"] + sorted(self._digest(item, nested=True) for item in value)
        if hasattr(value, "__dict__") and not callable(value):
            # any other object (a region of union_tags …): its attributes, stories in them by identity
            found = self._values.get(id(value))
            if found is None:
                attributes = {name: item for name, item in vars(value).items() if name not in SKIPPED_ATTRIBUTES}
                digest = self._digest(attributes, nested=True)
                found = self._values[id(value)] = (value, f"O:{type(value).__module__}.{type(value).__qualname__}:{digest}")
            return found[1]
        text = repr(value)
        if _ADDRESS in text:
            raise Unstable(text)
        return f"R:{type(value).__name__}:{text}"


def _is_content(value) -> bool:
    return isinstance(value, Content)


def _is_url_wrapper(value) -> bool:
    return isinstance(value, URLWrapper)


def _is_paginator(value) -> bool:
    return isinstance(value, Paginator)


def _is_page(value) -> bool:
    return isinstance(value, Page)


def _contents_in(value):
    """Content objects an attribute refers to: itself, or the items of a list or tuple of them
    (related stories, translations, neighbours)."""
    if isinstance(value, Content):
        return (value,)
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], Content):
        return [item for item in value if isinstance(item, Content)]
    return ()


def template_names(template, parsed: dict | None = None) -> frozenset | None:
    """Every variable the template and the templates it extends, includes or imports can read
    from its context; None when a template is chosen at render time (then: always render).
    `parsed` keeps each file's (names, referenced templates) between calls."""
    env = template.environment
    parsed = {} if parsed is None else parsed
    names, seen, todo = set(), set(), [template.name]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name not in parsed:
            try:
                ast = env.parse(env.loader.get_source(env, name)[0])
                parsed[name] = (meta.find_undeclared_variables(ast), list(meta.find_referenced_templates(ast)))
            except TemplateNotFound:
                parsed[name] = (set(), [])   # `include … ignore missing`
        found, referenced = parsed[name]
        if None in referenced:
            return None
        names |= found
        todo.extend(referenced)
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


TEMPLATE_KEY = "\0template\0"   # record entries that are not pages: each template's variables


class PageRecord:
    """What the previous build wrote: file name → [digest, size, mtime_ns], in a union_core store."""

    def __init__(self, store, trust_previous: bool = True):
        self.store = store
        self.trust_previous = trust_previous
        self.tokens = Tokens()
        self._names = {}
        self._parsed = {}
        self.rendered = 0
        self.kept = 0

    def names(self, template) -> frozenset | None:
        """template_names(), kept in the record between builds (its version covers the theme)."""
        key = (template.name, id(template.environment))
        if key not in self._names:
            stored_key = TEMPLATE_KEY + template.name
            stored = self.store.get(stored_key)
            if stored is not None:
                self._names[key] = None if stored == "dynamic" else frozenset(stored)
            else:
                names = template_names(template, self._parsed.setdefault(id(template.environment), {}))
                self.store.put(stored_key, "dynamic" if names is None else sorted(names))
                self._names[key] = names
        return self._names[key]

    def page_digest(self, name: str, template, localcontext: dict) -> str | None:
        """Digest of everything `template` can read for the page `name`; None: always render."""
        names = self.names(template)
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
