"""Pelican glue for union_site: pinyin slugify, reading statistics, catalog.json and sitemap.xml,
previous/next links and the home page's lead story."""

import hashlib
import logging
import os

from pelican.contents import Article, Page
from pelican.generators import Generator

from union_core.digest import package_digest
from union_core.settings import apply_defaults
from union_core.store import JsonStore
from union_text.html_text import article_text

from .catalog import build_catalog, write_catalog
from .home import pick_lead
from .neighbours import link_neighbours, newest_first_key
from .settings import DEFAULTS
from .sitemap import build_sitemap, write_sitemap
from .slugs import install_pinyin_slugify
from .text_stats import count_characters, html_to_text, meta_description, reading_minutes
from .cards import story_cards
from .urls import freeze_urls
from .incremental import PageRecord, settings_digest
from .writer import IncrementalWriter


CACHE_NAME = "union_site.json"
logger = logging.getLogger("union_site")


class SiteState:
    """What union_site keeps during one build: its cache (reading statistics by content hash,
    slug transliterations by text), in CACHE_PATH/union_site.json between builds."""

    def __init__(self, store: JsonStore):
        self.store = store
        self.pages: PageRecord | None = None   # this build's incremental writes (get_writer)


_state = SiteState(JsonStore())   # replaced at `initialized`


def open_store(settings) -> JsonStore:
    """Written when Pelican caches content (CACHE_CONTENT); read unless LOAD_CONTENT_CACHE is off."""
    path = os.path.join(settings["CACHE_PATH"], CACHE_NAME) if settings.get("CACHE_CONTENT") else None
    store = JsonStore(path, package_digest("union_site", "union_text") if path else "")
    if settings.get("LOAD_CONTENT_CACHE"):
        store.load()
    return store


def set_defaults(pelican):
    global _state
    settings = apply_defaults(pelican.settings, DEFAULTS)
    if settings.get("ARTICLE_ORDER_BY") == "reversed-date":  # Pelican's default: ties by file
        settings["ARTICLE_ORDER_BY"] = newest_first_key
    _state = SiteState(open_store(settings))
    install_pinyin_slugify(_state.store)
    settings.setdefault("JINJA_GLOBALS", {})["union_story_card"] = story_cards


def prepare_writing(generators):
    """all_generators_finalized: contents are final; store their URLs, start a fresh card cache."""
    freeze_urls(generators)
    story_cards.reset()


PAGES_NAME = "union_site-pages.json"
CODE_PACKAGES = ("union_core", "union_guard", "union_site", "union_tags", "union_search", "union_text",
                 "union_media")


def rendering_digest(settings) -> str:
    """What every page's rendering depends on besides its variables: our code, the theme,
    Pelican's and Jinja's versions, every setting, and where the pages go."""
    import importlib.util

    import jinja2
    import pelican

    from union_core.digest import tree_digest

    packages = [name for name in CODE_PACKAGES if importlib.util.find_spec(name) is not None]
    folders = [settings.get("THEME", "")] + list(settings.get("THEME_TEMPLATES_OVERRIDES", []))
    parts = [package_digest(*packages), pelican.__version__, jinja2.__version__,
             settings_digest(settings), os.path.abspath(settings["OUTPUT_PATH"])]
    parts += [tree_digest(folder) for folder in folders if folder and os.path.isdir(folder)]
    return hashlib.sha1("\n".join(parts).encode(), usedforsecurity=False).hexdigest()


def get_writer(pelican):
    """Pelican asks for its writer once per build, after every generator has its context."""
    settings = pelican.settings
    if not settings["UNION_INCREMENTAL_WRITES"]:
        IncrementalWriter.record = _state.pages = None
        return None
    path = os.path.join(settings["CACHE_PATH"], PAGES_NAME) if settings.get("CACHE_CONTENT") else None
    store = JsonStore(path, rendering_digest(settings) if path else "")
    # consumed: a build stopped before `finalized` leaves no record, and the next renders all
    store.load(consume=True)
    record = PageRecord(store, trust_previous=bool(settings.get("LOAD_CONTENT_CACHE")))
    IncrementalWriter.record = _state.pages = record
    return IncrementalWriter


def save_store(_pelican=None):
    for store in (_state.store, _state.pages.store if _state.pages else None):
        if store is None:
            continue
        try:
            store.save()
        except OSError:
            pass   # a cache that cannot be written costs the next build time, nothing else
    if _state.pages:
        logger.info("union_site: %d pages rendered, %d unchanged pages left as they were",
                    _state.pages.rendered, _state.pages.kept)
    IncrementalWriter.record = _state.pages = None


def _content_key(content) -> str:
    """Hash of an article's HTML and Summary: what its reading statistics and summary text come from."""
    summary = content.metadata.get("summary")
    return hashlib.sha1(f"{content._content}\0{summary or ''}".encode("utf-8", "surrogatepass"),
                        usedforsecurity=False).hexdigest()


def add_reading_stats(content):
    """Character count, reading time and a plain description, from the raw HTML.

    Uses ``_content`` (before Pelican resolves {filename} links): reading
    ``content`` this early would memoize links to articles not read yet.
    Cached by the hash of the HTML and summary: an unchanged article costs one hash.
    """
    if not isinstance(content, (Article, Page)) or content._content is None:
        return
    summary = content.metadata.get("summary")
    key = "stats:" + _content_key(content)
    cached = _state.store.get(key)
    if cached is None:
        text = article_text(content).flat()  # parsed once, shared with union_tags and union_search
        cached = [count_characters(text), meta_description(html_to_text(summary) if summary else text)]
        _state.store.put(key, cached)
    content.char_count, content.description = cached
    content.reading_minutes = reading_minutes(
        content.char_count, content.settings["UNION_READING_CHARS_PER_MINUTE"])


def link_articles(generator):
    """prev_article/next_article on every article; the home page's lead story (``union_lead``)."""
    link_neighbours(generator.articles)
    generator.context["union_lead"] = pick_lead(generator.articles)


class SiteDataGenerator(Generator):
    """Writes catalog.json and sitemap.xml once every other generator has its context."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        articles = self.context.get("articles", [])
        siteurl = self.settings.get("SITEURL", "")
        if self.settings["UNION_CATALOG"]:
            catalog = build_catalog(articles, self.settings["SITENAME"], siteurl)
            write_catalog(catalog, self.output_path)
        if self.settings["UNION_SITEMAP"]:
            write_sitemap(build_sitemap(sitemap_entries(self.context, self.settings), siteurl),
                          self.output_path)


def sitemap_entries(context, settings):
    newest = max((a.date for a in context.get("articles", [])), default=None)
    yield "", newest
    for name in ("ARCHIVES_URL", "CATEGORIES_URL", "TAGS_URL"):
        if settings.get(name):
            yield settings[name], newest
    for article in context.get("articles", []):
        yield article.url, getattr(article, "modified", None) or article.date
    for page in context.get("pages", []):
        yield page.url, None
    for category, _ in context.get("categories", []):
        yield category.url, None
    # Other plugins list their own pages (regions, topics) here.
    yield from context.get("union_sitemap_extra", [])


def get_generators(pelican):
    return SiteDataGenerator
