"""Concepts: the topics, regions and columns a query may name (docs/search-export-format.md).

A query part that names a topic (full or short name), a region (its name, short
form or alias) or occurs in a story's column label (`Column:`) also finds the
stories tagged with that topic or region or carrying that column, ranked after
the literal matches and labelled with why (专题：疫情防控).  The same names
resolve short filter values (`topic:产改`, `region=温岭`).

The export writes the names in a few small shards (`k/`), chosen by a hash of
the name, so a query fetches one shard of about 2 KB per part, only when it
has a part of two characters or more; a concept's documents are inline or in
a piece of their own (`s/`), fetched only when the concept is named.

    aliases = tag_aliases(article.regions, article.topics)      # for ArticleRecord.aliases
    manifest["concepts"] = write_concepts(ordered_records, pieces)  # export
    ConceptReader(fetch_json, fetch_bytes, manifest).named("产改")    # reader
"""

from __future__ import annotations

import base64
import functools
import json
import math
from dataclasses import dataclass

import union_text

from .encoding import decode_doc_set, encode_doc_set

KINDS = ("topic", "region", "column")  # the order reasons are listed in
LABELS = {"topic": "专题", "region": "地区", "column": "栏目"}
MIN_NAME = 2  # a one-character name would match everywhere
MAX_COLUMN_NAME = 16  # longest piece of a column label that is a name
SHARD_TARGET = 2048  # bytes of JSON per shard
INLINE_DOCS = 24  # document sets up to this many bytes are written inline (base64)
_REGION_LEVELS = {2: "province", 4: "city", 6: "county", 9: "township"}  # by division code length


@dataclass(frozen=True)
class Concept:
    kind: str  # topic | region | column
    value: str  # facet value (topic name, region level name) or the column label as written
    docs: frozenset

    @property
    def label(self) -> str:
        """Why a story matched: 专题：疫情防控, 地区：温岭市, 栏目：“娘家人”助力疫情防控."""
        return f"{LABELS[self.kind]}：{self.value}"


# ---------------------------------------------------------------- records


def tag_aliases(regions, topics) -> tuple[tuple[str, str, str], ...]:
    """(facet, value, alias) for the short names of an article's tags (the tagging plugin's dicts).

    Topics: the taxonomy's short name (产业工人队伍建设改革 → 产改).  Regions: each level's
    short form and alias (温岭市 → 温岭), derived by the tagger's own naming rules; the
    level comes from the division code's length.  Tags given as plain strings have none.
    """
    found: dict[tuple[str, str, str], None] = {}  # insertion-ordered set
    for topic in topics or ():
        if isinstance(topic, dict):
            name, short = str(topic.get("name") or "").strip(), str(topic.get("short") or "").strip()
            if name and short and short != name:
                found[("topic", name, short)] = None
    for region in regions or ():
        if isinstance(region, dict):
            path, codes = region.get("path") or (), region.get("path_codes") or ()
            for value, alias in _path_aliases(tuple(map(str, path)), tuple(map(str, codes))):
                found[("region", value, alias)] = None
    return tuple(found)


@functools.lru_cache(maxsize=16384)  # a site names a few hundred places over and over
def _path_aliases(path: tuple, codes: tuple) -> tuple[tuple[str, str], ...]:
    """(level name, short form or alias) of every level of a region path."""
    try:
        from union_tags.names import alias_forms, short_forms
    except ImportError:  # the tagging plugin is not installed: no short forms
        return ()
    found = []
    for name, code in zip(path, codes):
        level = _REGION_LEVELS.get(len(code))
        if level:
            found += [(name.strip(), alias.strip()) for alias in short_forms(name, level) + alias_forms(name, level)
                      if alias.strip() and alias.strip() != name.strip()]
    return tuple(found)


# ---------------------------------------------------------------- names


def concept_names(kind: str, value: str, aliases=()) -> set[str]:
    """The folded names that name a concept.  A column is named by every piece of its label
    (two to MAX_COLUMN_NAME characters of a run): what Ctrl-F finds in the label."""
    if kind == "column":
        names = set()
        for run, _ in union_text.word_runs(union_text.fold(value)):
            for i in range(len(run)):
                for j in range(i + MIN_NAME, min(len(run), i + MAX_COLUMN_NAME) + 1):
                    names.add(run[i:j])
        return names
    names = {union_text.fold(value)} | {union_text.fold(alias) for alias in aliases}
    return {name for name in names if len(name) >= MIN_NAME}


def shard_of(name: str, shards: int) -> int:
    """FNV-1a (32 bit) of the name's UTF-8 bytes, modulo the number of shards (search-engine.js: shardOf)."""
    h = 0x811C9DC5
    for byte in name.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h % shards


# ---------------------------------------------------------------- export


def collect(records) -> list[tuple[str, str, set[str], list[int]]]:
    """(kind, value, names, docs) of every concept of the ordered records (docs are export ids)."""
    docs: dict[tuple[str, str], list[int]] = {}
    aliases: dict[tuple[str, str], set[str]] = {}
    for doc, record in enumerate(records):
        values = [("topic", name) for name in record.topics]
        values += [("region", name) for name in _region_levels(record.regions)]
        if getattr(record, "column", ""):
            values.append(("column", record.column))
        for key in dict.fromkeys(values):
            docs.setdefault(key, []).append(doc)
        for facet, value, alias in getattr(record, "aliases", ()):
            aliases.setdefault((facet, value), set()).add(alias)
    order = {kind: i for i, kind in enumerate(KINDS)}
    return [(kind, value, concept_names(kind, value, aliases.get((kind, value), ())), docs[(kind, value)])
            for kind, value in sorted(docs, key=lambda k: (order[k[0]], k[1]))]


def _region_levels(regions) -> list[str]:
    """The level names of region paths (浙江省›台州市›温岭市 → 浙江省, 台州市, 温岭市)."""
    names = []
    for path in regions:
        for name in path.split("›"):
            if name.strip() and name.strip() not in names:
                names.append(name.strip())
    return names


def write_concepts(records, pieces) -> dict | None:
    """Write the concept shards of the ordered records through `pieces` (export._PieceWriter);
    returns the manifest entry {"shards": [file, …]} (None when the site has no concept)."""
    concepts = collect(records)
    if not concepts:
        return None
    stored = []
    for kind, value, names, docs in concepts:
        data = encode_doc_set(docs, len(records))
        ref = base64.b64encode(data).decode("ascii") if len(data) <= INLINE_DOCS else {"piece": pieces.write("s", data, "bin")}
        stored.append(([kind, value, ref], names))
    total = sum(len(json.dumps(entry, ensure_ascii=False)) + 12 * len(names) + sum(len(n) * 3 for n in names)
                for entry, names in stored)
    count = max(1, math.ceil(total / SHARD_TARGET))
    shards = [{"concepts": [], "names": {}} for _ in range(count)]
    for entry, names in stored:
        for name in sorted(names):
            shard = shards[shard_of(name, count)]
            if not shard["concepts"] or shard["concepts"][-1] is not entry:
                shard["concepts"].append(entry)
            shard["names"].setdefault(name, []).append(len(shard["concepts"]) - 1)
    return {"shards": [pieces.write_json("k", shard) for shard in shards]}


def referenced(manifest: dict, load) -> set[str]:
    """Files the manifest's concepts need (`load(name)` reads a JSON piece, {} when missing)."""
    names: set[str] = set()
    for shard in (manifest.get("concepts") or {}).get("shards", []):
        names.add(shard)
        for _kind, _value, ref in load(shard).get("concepts", []):
            if isinstance(ref, dict):
                names.add(ref["piece"])
    return names


# ---------------------------------------------------------------- reading


class ConceptReader:
    """The concepts a folded name names, read from the export's shards (memoised per reader)."""

    def __init__(self, manifest: dict, fetch_json, fetch_bytes):
        self.shards = (manifest.get("concepts") or {}).get("shards", [])
        self.doc_count = manifest["doc_count"]
        self.fetch_json, self.fetch_bytes = fetch_json, fetch_bytes
        self._shards: dict[str, dict] = {}
        self._docs: dict[str, frozenset] = {}

    def named(self, name: str) -> list[Concept]:
        """Concepts named `name` (folded), in KINDS order then by value."""
        if len(name) < MIN_NAME or not self.shards:
            return []
        file = self.shards[shard_of(name, len(self.shards))]
        if file not in self._shards:
            self._shards[file] = self.fetch_json(file)
        shard = self._shards[file]
        return [self._concept(shard["concepts"][i]) for i in shard["names"].get(name, [])]

    def _concept(self, entry) -> Concept:
        kind, value, ref = entry
        key = ref["piece"] if isinstance(ref, dict) else ref
        if key not in self._docs:
            data = self.fetch_bytes(ref["piece"]) if isinstance(ref, dict) else base64.b64decode(ref)
            self._docs[key] = frozenset(decode_doc_set(data))
        return Concept(kind, value, self._docs[key])
