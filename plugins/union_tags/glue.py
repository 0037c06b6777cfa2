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
from .site import (PlaceBook, RelatedIndex, build_region_tree, build_topic_index, credits_of,
                   places_on_paths, related_inputs_key, story_title)
from .tagger import tag_story
from .settings import DEFAULTS
from .topics import default_taxonomy

PAGINATED = ("region", "topic")
logger = logging.getLogger("union_tags")
_OVERRIDE_FIELD = re.compile(r"^(Regions|Topics):\s*")


class TagState:
    """What union_tags keeps during one build: the tag cache, and the places its tags name."""

    def __init__(self, cache: TagCache):
        self.cache = cache
        self.places = PlaceBook()


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


def _cached_tags(key: str, title, body_text, regions_meta, topics_meta, credits=()) -> list:
    """[tags dict, errors, places] from the cache, or from the tagger (`body_text()` only then).

    `places` (code → [name, level, parent code, slug] for every place on the tags' paths) is what
    the region pages and breadcrumbs need: a build whose tags all come from the cache never
    loads the gazetteer.  The cache's version covers the gazetteer, so they never go stale.
    """
    cached = _state.cache.get(key)
    if cached is None or len(cached) != 3:
        tags = tag_story(title, body_text(), regions_meta=regions_meta, topics_meta=topics_meta,
                         credits=credits)
        data = tags.to_dict()
        cached = [data, list(tags.errors), places_on_paths(load_gazetteer(), data["regions"])]
        _state.cache.put(key, cached)
    return cached


def tags_for(title, body, regions_meta, topics_meta, credits=()) -> tuple:
    """(tags dict, errors) for one story's title and body text, cached by the hash of its inputs."""
    data, errors, _ = _cached_tags(input_key(title, body, regions_meta, topics_meta, *credits), title,
                                   lambda: body, regions_meta, topics_meta, credits)
    return json.loads(json.dumps(data, ensure_ascii=False)), list(errors)   # a private copy


def apply_tags(article) -> list:
    """Set regions, topics, primary_region(_name), region_breadcrumb; return override errors.

    Keyed by the article's HTML, so that a cached article costs one hash: its text is
    extracted only when it has to be tagged.  The cached dicts are never modified (each
    article gets its own copies with its URLs).
    """
    meta = article.metadata
    settings = article.settings
    title, html = story_title(meta, article.title), article._content
    regions_meta, topics_meta, credits = meta.get("regions"), meta.get("topics"), credits_of(meta)
    data, errors, places = _cached_tags(input_key("html", title, html, regions_meta, topics_meta, *credits),
                                        title, lambda: article_text(article).paragraphs(), regions_meta, topics_meta,
                                        credits)
    _state.places.add(places)
    region_url = settings["UNION_REGION_URL"]
    topic_url = settings["UNION_TOPIC_URL"]
    regions = [{**region, "url": region_url.format(slug=region["slug"])} for region in data["regions"]]
    topics = [{**topic, "url": topic_url.format(slug=topic["slug"])} for topic in data["topics"]]
    primary = next((r for r in regions if r["primary"]), None)
    article.regions = regions
    article.topics = topics
    article.primary_region = primary
    article.primary_region_name = primary["name"] if primary else ""
    book = _state.places
    article.region_breadcrumb = [
        {"name": book[code].name, "code": code, "url": region_url.format(slug=book.slug(code))}
        for code in (primary["path_codes"] if primary else [])]
    return list(errors)


class TagPagesGenerator(Generator):
    """Region tree, region pages, topic index, topic pages, Atom feeds; related stories."""

    def generate_context(self):
        articles = self.context.get("articles", [])
        self.taxonomy = default_taxonomy()
        self.roots, self.nodes = build_region_tree(articles, _state.places)
        self.topic_index = build_topic_index(articles, self.taxonomy)
        count = self.settings["UNION_RELATED_COUNT"]
        self.set_related(articles, list(articles) + list(self.context.get("drafts", [])), count)
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

    def set_related(self, candidates, targets, count) -> None:
        """article.related for every target, reused from the previous build when no story's place,
        topics, date or slug changed (the lists are kept by source path in the tag cache)."""
        key = "related:" + related_inputs_key(candidates, targets, count)
        stored = _state.cache.get(key)
        by_path = {str(a.source_path): a for a in candidates}
        if stored is not None and all(str(t.source_path) in stored for t in targets):
            for target in targets:
                target.related = [by_path[path] for path in stored[str(target.source_path)]]
            return
        index = RelatedIndex(candidates)
        lists = {}
        for target in targets:
            target.related = index.related(target, count)
            lists[str(target.source_path)] = [str(a.source_path) for a in target.related]
        _state.cache.put(key, lists)

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
