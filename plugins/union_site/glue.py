"""Pelican glue for union_site: pinyin slugify, reading statistics, catalog.json and sitemap.xml."""

from pelican.contents import Article, Page
from pelican.generators import Generator

from union_core.settings import apply_defaults
from union_text.html_text import article_text

from .catalog import build_catalog, write_catalog
from .settings import DEFAULTS
from .sitemap import build_sitemap, write_sitemap
from .slugs import install_pinyin_slugify
from .text_stats import count_characters, html_to_text, meta_description, reading_minutes


def set_defaults(pelican):
    apply_defaults(pelican.settings, DEFAULTS)
    install_pinyin_slugify()


def add_reading_stats(content):
    """Character count, reading time and a plain description, from the raw HTML.

    Uses ``_content`` (before Pelican resolves {filename} links): reading
    ``content`` this early would memoize links to articles not read yet.
    """
    if not isinstance(content, (Article, Page)) or content._content is None:
        return
    text = article_text(content).flat()  # parsed once, shared with union_tags and union_search
    content.char_count = count_characters(text)
    content.reading_minutes = reading_minutes(
        content.char_count, content.settings["UNION_READING_CHARS_PER_MINUTE"])
    summary = content.metadata.get("summary")
    content.description = meta_description(html_to_text(summary) if summary else text)


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
