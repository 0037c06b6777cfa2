"""One call per story: regions and topics, editor overrides applied, reasons attached.

    tags = tag_story(title, body, regions_meta="-三门县", topics_meta=None)
    tags.to_dict()  # {"regions": [...], "topics": [...], "primary_region": {...} | None}

The structure of to_dict() is documented in README.md; search facets and
catalog.json read it.
"""

import re
from dataclasses import dataclass, field

from .overrides import OverrideError, parse_override, resolve_region, resolve_topic
from .regions import RegionResult, default_matcher, find_regions, make_tag
from .topics import TopicResult, TopicTag, default_taxonomy, score_topics

_PARAGRAPHS = re.compile(r"\n\s*\n")
_MARKUP = re.compile(r"^\s{0,3}(?:#{1,6}\s*|>\s*|[-*+]\s+)")
# A line that credits the story (来源：托克托县总工会, 通讯员 …, Byline: …): pasted
# bulletins carry them in the text; Pelican articles in Source:/Byline: metadata.
_CREDIT_LINE = re.compile(r"^\s*[（(]?\s*(?:来源|來源|稿源|供稿|通讯员|通訊員|记者|記者|作者|撰稿|文/图|图/文|"
                          r"source|byline)\s*[:：\s]", re.IGNORECASE)
EDITOR_REASON = "编辑指定（{field}:）"


@dataclass
class StoryTags:
    regions: list = field(default_factory=list)     # [RegionTag], primary first
    topics: list = field(default_factory=list)      # [TopicTag]
    region_result: RegionResult = None
    topic_result: TopicResult = None
    errors: list = field(default_factory=list)      # [str] problems with Regions:/Topics:

    @property
    def primary_region(self):
        return next((r for r in self.regions if r.primary), None)

    def to_dict(self) -> dict:
        primary = self.primary_region
        return {"regions": [r.to_dict() for r in self.regions],
                "topics": [t.to_dict() for t in self.topics],
                "primary_region": primary.to_dict() if primary else None}


def split_sections(title: str, body: str, credits=()) -> list:
    """[(section, text)]: the title, credit lines, the first paragraph of the body (lead), the rest.

    Markdown heading and list markers are dropped from the start of lines; the
    text itself is kept as is (the tagger matches raw text).  Credit lines of
    the body (来源：…, 通讯员 …) and the article's `credits` (Source:, Byline:)
    form the credit section.
    """
    paragraphs, credit_lines = [], [str(c) for c in credits or () if c and str(c).strip()]
    for block in _PARAGRAPHS.split(body or ""):
        lines = []
        for line in block.splitlines():
            line = _MARKUP.sub("", line)
            if _CREDIT_LINE.match(line):
                credit_lines.append(line)
            elif line.strip():
                lines.append(line)
        if lines:
            paragraphs.append("\n".join(lines))
    sections = [("title", title or "")]
    if credit_lines:
        sections.append(("credit", "\n".join(credit_lines)))
    if paragraphs:
        sections.append(("lead", paragraphs[0]))
    if len(paragraphs) > 1:
        sections.append(("body", "\n\n".join(paragraphs[1:])))
    return sections


def tag_story(title: str, body: str, regions_meta=None, topics_meta=None,
              matcher=None, taxonomy=None, credits=()) -> StoryTags:
    """Tags of one story; `credits`: the article's Source:/Byline: values (evidence of place)."""
    matcher = matcher or default_matcher()
    taxonomy = taxonomy or default_taxonomy()
    sections = split_sections(title, body, credits)
    tags = StoryTags()
    tags.region_result, tags.regions = _regions(sections, parse_override(regions_meta),
                                                matcher, tags.errors)
    tags.topic_result, tags.topics = _topics(sections, parse_override(topics_meta),
                                             taxonomy, tags.errors)
    return tags


def _regions(sections, override, matcher, errors):
    gaz = matcher.gaz
    blocked = _resolve_all(override.blocks, lambda i: resolve_region(i, gaz, matcher), errors)
    added = _resolve_all(override.adds, lambda i: resolve_region(i, gaz, matcher), errors)
    result = find_regions(sections, matcher, blocked_codes=blocked)
    if added:
        reason = EDITOR_REASON.format(field="Regions")
        result.tags = [make_tag(gaz, code, result.accepted, 0.0, index == 0, reason)
                       for index, code in enumerate(dict.fromkeys(added))]
    return result, list(result.tags)


def _topics(sections, override, taxonomy, errors):
    blocked = set(_resolve_all(override.blocks, lambda i: resolve_topic(i, taxonomy), errors))
    added = _resolve_all(override.adds, lambda i: resolve_topic(i, taxonomy), errors)
    result = score_topics(sections, taxonomy, blocked=blocked)
    if added:
        reason = EDITOR_REASON.format(field="Topics")
        tags = []
        for slug in dict.fromkeys(added):
            topic = taxonomy.by_slug[slug]
            tags.append(TopicTag(slug, topic.name, topic.short,
                                 round(result.scores.get(slug, 0.0), 1), reason))
        return result, tags
    return result, list(result.tags)


def _resolve_all(items, resolve, errors) -> list:
    out = []
    for item in items:
        try:
            out.append(resolve(item))
        except OverrideError as exc:
            errors.append(str(exc))
    return out
