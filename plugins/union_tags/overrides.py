"""Editors' `Regions:` and `Topics:` metadata.

Syntax (items separated by commas, 、 or ；):

    Regions: 黄岩区                 the story's regions are exactly these; the first is primary
    Regions: 台州市黄岩区, 331081    a name with its parent, or a division code, when a name is shared
    Regions: -三门县                 keep the suggestions but never tag 三门县 (or its townships)
    Topics: 工资集体协商, 女职工      exactly these topics (name, short name or slug)
    Topics: -疫情防控                keep the suggestions but drop this one

Items with a leading '-' (or '－', '!') block; the others replace the suggestions.
"""

import re
from dataclasses import dataclass, field

from .textfold import fold

_SPLIT = re.compile(r"[,，、;；]+")
_BLOCK_PREFIXES = ("-", "－", "!", "！")
_PATH_SEPARATORS = re.compile(r"[/›>\s]+")


class OverrideError(ValueError):
    """A metadata item the tagger cannot use; the message says which and what to do."""


@dataclass
class Override:
    adds: list = field(default_factory=list)
    blocks: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.adds or self.blocks)


def parse_override(value) -> Override:
    """Split a metadata value (string or list of strings) into added and blocked items."""
    if value is None:
        return Override()
    items = value if isinstance(value, (list, tuple)) else [value]
    result = Override()
    for item in items:
        for part in _SPLIT.split(str(item)):
            part = part.strip()
            if not part:
                continue
            if part.startswith(_BLOCK_PREFIXES):
                name = part[1:].strip()
                if name:
                    result.blocks.append(name)
            else:
                result.adds.append(part)
    return result


def resolve_region(item: str, gaz, matcher) -> str:
    """Division code for an editor's item: a code, a full or short name, or a path."""
    text = fold(item.strip())
    if text.isdigit():
        if text in gaz:
            return text
        raise OverrideError(f"Regions: {item!r} is not a division code in the gazetteer; "
                            "write the 2/4/6/9-digit code or the place name")
    parts = [p for p in _PATH_SEPARATORS.split(text) if p]
    last = parts[-1] if parts else text
    candidates = _named(last, gaz, matcher)
    if len(parts) == 1 and len(candidates) != 1:
        candidates = _split_joined_path(text, gaz, matcher) or candidates
    else:
        for parent in parts[:-1]:
            parent_codes = set(_named(parent, gaz, matcher))
            candidates = [c for c in candidates
                          if any(p.code in parent_codes for p in gaz.ancestors(c))]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise OverrideError(f"Regions: {item!r} names no division in the gazetteer; check the "
                            "spelling, or write its code (e.g. 331003 for 黄岩区)")
    options = "; ".join(f"{'›'.join(p.name for p in gaz.path(c))} ({c})" for c in candidates[:6])
    raise OverrideError(f"Regions: {item!r} is ambiguous: {options}; write the code or the "
                        "name with its city, e.g. 舟山市普陀区")


def _named(name: str, gaz, matcher) -> list:
    return matcher.forms.codes(name)


def _split_joined_path(text: str, gaz, matcher) -> list:
    """台州市黄岩区 written without a separator: try every split into parent + child."""
    for cut in range(2, len(text) - 1):
        parents = set(_named(text[:cut], gaz, matcher))
        children = _named(text[cut:], gaz, matcher)
        hits = [c for c in children if any(p.code in parents for p in gaz.ancestors(c))]
        if len(hits) == 1:
            return hits
    return []


def resolve_topic(item: str, taxonomy) -> str:
    topic = taxonomy.lookup(item)
    if topic is None:
        known = "、".join(t.short for t in taxonomy.topics)
        raise OverrideError(f"Topics: {item!r} is not a topic of topics.yaml; use a name, short "
                            f"name or slug ({known}), or add the topic to topics.yaml")
    return topic.slug
