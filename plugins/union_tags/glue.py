"""Pelican-facing functions: tag one article, and the generator of region and topic pages.

Kept apart from __init__.py so that importing the package needs no Pelican.
"""

import json
import logging
import re
from pathlib import Path

from pelican.contents import Article
from pelican.generators import Generator

from union_core.report import ERROR, Problem, display_path, report
from union_core.settings import apply_defaults
from union_text.html_text import article_text

from .cache import CACHE_NAME, TagCache, input_key
from .gazetteer import load_gazetteer
from .site import RelatedIndex, build_region_tree, build_topic_index, credits_of, story_title
from .tagger import tag_story
from .settings import DEFAULTS
from .topics import default_taxonomy

PAGINATED = ("region", "topic")
logger = logging.getLogger("union_tags")
_OVERRIDE_FIELD = re.compile(r"^(Regions|Topics):\s*")


class TagState:
    """What union_tags keeps during one build: the tag cache."""

    def __init__(self, cache: TagCache):
        self.cache = cache


_state = TagState(TagCache())   # replaced at `initialized`


def set_defaults(pelican):
    settings = apply_defaults(pelican.settings, DEFAULTS)
    paginated = settings.setdefault("PAGINATED_TEMPLATES", {})
    for name in PAGINATED:
        paginated.setdefault(name, None)
    open_cache(settings)


def open_cache(settings):
    """Use CACHE_PATH/union_tags.json; read it unless LOAD_CONTENT_CACHE is off (publish)."""
    global _state
    path = Path(settings["CACHE_PATH"]) / CACHE_NAME
    cache = TagCache(path if settings["UNION_TAGS_CACHE"] else None)
    if settings["LOAD_CONTENT_CACHE"]:
        cache.load()
    _state = TagState(cache)
    return cache


def save_cache(_pelican=None):
    _state.cache.save()


def tag_article(content):
    """content_object_init: set the tag attributes on an article; safe to run twice on the same object."""
    if not isinstance(content, Article) or content._content is None:
        return
    for error in apply_tags(content):
        match = _OVERRIDE_FIELD.match(error)
        report(Problem(ERROR, display_path(content.source_path), error[match.end():] if match else error,
                       field=match.group(1) if match else None, source="union_tags"), logger)
    if content.settings["UNION_TAGS_EXPLAIN"]:
        for region in content.regions:
            logger.info("%s: 地区%s %s — %s", content.source_path, "★" if region["primary"] else "",
                        "›".join(region["path"]), region["reason"])
        for topic in content.topics:
            logger.info("%s: 主题 %s — %s", content.source_path, topic["name"], topic["reason"])


def get_generators(pelican):
    return TagPagesGenerator


def tags_for(title, body, regions_meta, topics_meta, credits=()) -> tuple:
    """(tags dict, errors) for one story, cached by the hash of its inputs."""
    cache = _state.cache
    key = input_key(title, body, regions_meta, topics_meta, *credits)
    cached = cache.get(key)
    if cached is None:
        tags = tag_story(title, body, regions_meta=regions_meta, topics_meta=topics_meta,
                         credits=credits)
        cached = [tags.to_dict(), list(tags.errors)]
        cache.put(key, cached)
    data, errors = cached
    return json.loads(json.dumps(data, ensure_ascii=False)), list(errors)   # a private copy


def apply_tags(article) -> list:
    """Set regions, topics, primary_region(_name), region_breadcrumb; return override errors."""
    meta = article.metadata
    settings = article.settings
    data, errors = tags_for(story_title(meta, article.title), article_text(article).paragraphs(),
                            meta.get("regions"), meta.get("topics"), credits_of(meta))
    gaz = load_gazetteer()
    region_url = settings["UNION_REGION_URL"]
    topic_url = settings["UNION_TOPIC_URL"]
    for region in data["regions"]:
        region["url"] = region_url.format(slug=region["slug"])
    for topic in data["topics"]:
        topic["url"] = topic_url.format(slug=topic["slug"])
    primary = next((r for r in data["regions"] if r["primary"]), None)
    article.regions = data["regions"]
    article.topics = data["topics"]
    article.primary_region = primary
    article.primary_region_name = primary["name"] if primary else ""
    article.region_breadcrumb = [
        {"name": gaz.name(code), "code": code, "url": region_url.format(slug=gaz.slug(code))}
        for code in (primary["path_codes"] if primary else [])]
    return errors


class TagPagesGenerator(Generator):
    """Region tree, region pages, topic index, topic pages, Atom feeds; related stories."""

    def generate_context(self):
        articles = self.context.get("articles", [])
        self.gaz = load_gazetteer()
        self.taxonomy = default_taxonomy()
        self.roots, self.nodes = build_region_tree(articles, self.gaz)
        self.topic_index = build_topic_index(articles, self.taxonomy)
        count = self.settings["UNION_RELATED_COUNT"]
        related = RelatedIndex(articles)
        for article in list(articles) + list(self.context.get("drafts", [])):
            article.related = related.related(article, count)
        listed_topics = {t.slug for t, _ in self.topic_index}
        for draft in self.context.get("drafts", []):
            # a draft's place or topic may have no page yet: show it unlinked
            for crumb in getattr(draft, "region_breadcrumb", None) or []:
                if crumb["code"] not in self.nodes:
                    crumb["url"] = None
            for topic in getattr(draft, "topics", None) or []:
                if topic["slug"] not in listed_topics:
                    topic["url"] = None
        s = self.settings
        self.context["union_region_roots"] = self.roots
        self.context["union_topic_index"] = self.topic_index
        extra = self.context.setdefault("union_sitemap_extra", [])
        extra.append((s["UNION_REGIONS_INDEX_URL"], None))
        extra.extend((self.region_url(n), n.articles[0].date) for n in self.nodes.values())
        extra.append((s["UNION_TOPICS_INDEX_URL"], None))
        extra.extend((self.topic_url(t), arts[0].date) for t, arts in self.topic_index)

    # -- URLs ---------------------------------------------------------------
    def region_url(self, node):
        return self.settings["UNION_REGION_URL"].format(slug=node.slug)

    def topic_url(self, topic):
        return self.settings["UNION_TOPIC_URL"].format(slug=topic.slug)

    def feed_path(self, key, slug):
        pattern = self.settings[key]
        if not pattern or not (self.settings.get("SITEURL") or self.settings.get("FEED_DOMAIN")):
            return None
        return pattern.format(slug=slug)

    # -- output ---------------------------------------------------------------
    def generate_output(self, writer):
        s = self.settings
        relative = s.get("RELATIVE_URLS", False)
        region_urls = {code: self.region_url(node) for code, node in self.nodes.items()}
        writer.write_file(s["UNION_REGIONS_INDEX_SAVE_AS"], self.get_template("regions"),
                          self.context, relative, url=s["UNION_REGIONS_INDEX_URL"],
                          page_name="regions", region_roots=self.roots, region_urls=region_urls)
        for code, node in self.nodes.items():
            feed = self.feed_path("UNION_REGION_FEED_ATOM", node.slug)
            if feed:
                writer.write_feed(node.articles, self.context, feed,
                                  feed_title=node.name)
            writer.write_file(s["UNION_REGION_SAVE_AS"].format(slug=node.slug),
                              self.get_template("region"), self.context, relative,
                              paginated={"articles": node.articles}, template_name="region",
                              url=region_urls[code], page_name="region", region=node,
                              region_urls=region_urls, feed_url=feed)
        writer.write_file(s["UNION_TOPICS_INDEX_SAVE_AS"], self.get_template("topics"),
                          self.context, relative, url=s["UNION_TOPICS_INDEX_URL"],
                          page_name="topics",
                          topic_entries=[(t, arts, self.topic_url(t)) for t, arts in self.topic_index])
        for topic, arts in self.topic_index:
            feed = self.feed_path("UNION_TOPIC_FEED_ATOM", topic.slug)
            if feed:
                writer.write_feed(arts, self.context, feed,
                                  feed_title=topic.name)
            writer.write_file(s["UNION_TOPIC_SAVE_AS"].format(slug=topic.slug),
                              self.get_template("topic"), self.context, relative,
                              paginated={"articles": arts}, template_name="topic",
                              url=self.topic_url(topic), page_name="topic", topic=topic,
                              feed_url=feed)
