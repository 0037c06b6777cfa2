"""The union jargon synonym table (synonyms.yaml beside this file)."""

from __future__ import annotations

import os
from functools import lru_cache

import yaml

from .fold import fold

SYNONYMS_PATH = os.path.join(os.path.dirname(__file__), "synonyms.yaml")


class SynonymTableError(ValueError):
    """The YAML table is malformed; the message names the file and the entry."""


def load_synonym_groups(path: str = SYNONYMS_PATH) -> list[list[str]]:
    """Read and validate the table; members are folded, groups keep file order."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
    except yaml.YAMLError as exc:
        raise SynonymTableError(f"{path}: not valid YAML: {exc}") from exc
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        raise SynonymTableError(f"{path}: expected a top-level 'groups:' list of word lists")
    result: list[list[str]] = []
    for number, group in enumerate(groups, start=1):
        if not isinstance(group, list) or len(group) < 2 or not all(
            isinstance(word, str) and word.strip() for word in group
        ):
            raise SynonymTableError(
                f"{path}: group {number} ({group!r}) must be a list of at least two non-empty words"
            )
        members: list[str] = []
        for word in group:
            folded = fold(word.strip())
            if any(ch.isspace() for ch in folded):
                raise SynonymTableError(f"{path}: group {number}: {word!r} must be one word, without spaces")
            if folded not in members:
                members.append(folded)
        result.append(members)
    return result


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(group) for group in load_synonym_groups())


@lru_cache(maxsize=1)
def synonym_map() -> dict[str, tuple[str, ...]]:
    """word → every word of its group(s), the word itself first."""
    mapping: dict[str, list[str]] = {}
    for group in synonym_groups():
        for word in group:
            alternatives = mapping.setdefault(word, [word])
            alternatives.extend(other for other in group if other not in alternatives)
    return {word: tuple(alternatives) for word, alternatives in mapping.items()}


def expand(word: str) -> tuple[str, ...]:
    """The word and its synonyms (just the word when it has none)."""
    return synonym_map().get(word, (word,))
