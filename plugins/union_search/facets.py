"""Filters and filter counts: which facet values a filter selects, and the region tree.

Shared by the command line and the export reader; search-engine.js mirrors it
(selectedValues, regionTree).  A Source supplies `facet_values(facet)` →
[(folded, display)], `value_docs(facet, folded)` → set and
`concepts_named(name)` → [Concept] (concepts.py: short names).
"""

from __future__ import annotations

from dataclasses import dataclass, field

PATH = "›"  # region paths: 浙江省›台州市›温岭市
TREE_DEPTH = 3  # 省 › 市 › 县


def select_values(values: list[str], value: str, aliases) -> list[str]:
    """The folded facet values a folded filter value selects, first rule that selects any:

    1. a region path selects itself and every path under it (浙江省›台州市 → …›温岭市);
       any other value selects the value equal to it;
    2. a short name selects the values it is short for (`aliases()`: 产改 → 产业工人队伍建设改革,
       温岭 → 温岭市; called only when rule 1 selects nothing: it may fetch a concept shard);
    3. every value containing it (集体协商 → 工资集体协商).
    """
    if PATH in value:
        chosen = [v for v in values if v == value or v.startswith(value + PATH)]
        if chosen:
            return chosen
    elif value in values:
        return [value]
    known = [a for a in aliases() if a in values]
    if known:
        return known
    return [v for v in values if value in v]


def filter_docs(source, facet: str, value: str) -> set:
    """Documents a filter `facet:value` (value folded) lets through."""
    import union_text

    values = [folded for folded, _ in source.facet_values(facet)]

    def aliases():
        if facet not in ("region", "topic"):
            return []
        return [union_text.fold(c.value) for c in source.concepts_named(value) if c.kind == facet]

    docs: set = set()
    for chosen in select_values(values, value, aliases):
        docs |= source.value_docs(facet, chosen)
    return docs


@dataclass
class RegionNode:
    name: str  # 温岭市
    path: str  # 浙江省›台州市›温岭市 (the filter value of the node)
    count: int
    children: list["RegionNode"] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"name": self.name, "path": self.path, "count": self.count,
                "children": [child.to_dict() for child in self.children]}


def region_tree(source, docs) -> list[RegionNode]:
    """省 › 市 › 县 nodes with the number of `docs` under each (nodes with none left out).

    A province counts every document of its name's value (its name is unique, and a story
    tagged with the province alone has no path); a city or county counts the documents with
    a region path through it.  Children: most documents first, then by name.
    """
    wanted = set(docs)
    names = [name for _folded, name in source.facet_values("region")]
    folded_of = dict((name, folded) for folded, name in source.facet_values("region"))
    paths = [name for name in names if PATH in name]
    inside = {level for path in paths for level in path.split(PATH)[1:]}
    roots = list(dict.fromkeys([path.split(PATH)[0] for path in paths]
                               + [name for name in names if PATH not in name and name not in inside]))
    under: dict[tuple, set] = {}
    for root in roots:
        if root in folded_of:
            under[(root,)] = source.value_docs("region", folded_of[root]) & wanted
    for path in paths:
        docs_here = source.value_docs("region", folded_of[path]) & wanted
        if not docs_here:
            continue
        levels = tuple(path.split(PATH))
        for depth in range(2, min(len(levels), TREE_DEPTH) + 1):
            under.setdefault(levels[:depth], set()).update(docs_here)
    return _nodes((), under)


def _nodes(prefix: tuple, under: dict) -> list[RegionNode]:
    keys = [key for key in under if len(key) == len(prefix) + 1 and key[:len(prefix)] == prefix and under[key]]
    nodes = [RegionNode(key[-1], PATH.join(key), len(under[key]), _nodes(key, under)) for key in keys]
    return sorted(nodes, key=lambda node: (-node.count, node.name))  # str order is code point order
