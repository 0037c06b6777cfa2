"""Measure the tagger against hand labels: primary region, false places and topics.

Two kinds of label files:

    # stories cut from the seed pages by line range (tests/fixtures/tags/labels.yaml)
    python -m union_tags.evaluate tests/fixtures/tags/labels.yaml /work/shared/seeds

    # self-contained stories: title and body in the file (tests/fixtures/tags/heldout.yaml)
    python -m union_tags.evaluate tests/fixtures/tags/heldout.yaml [-v] [--json]

Figures: primary region exact; primary right at county level (a township
label is matched by its county, a coarser label must match exactly); false
places (a labelled forbidden code on the path of any tag); unlabelled places
(tags on no labelled path: reported, not counted as false); topic precision
and recall over all stories.
"""

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .rulefile import load_yaml
from .tagger import tag_story


@dataclass
class LabelledStory:
    title: str
    seed: str                 # seed file name, or the story id for self-contained files
    body: str
    primary: str
    topics: list
    never: list               # codes that must never be tagged (false friends)
    others: list = field(default_factory=list)   # other places the story gives weight to
    meta: dict = field(default_factory=dict)     # source / byline metadata of the article
    script: str = ""          # simplified | traditional


def _codes(values, where, name) -> list:
    out = []
    for value in values or []:
        if not isinstance(value, str):
            raise ValueError(f"{where}: {name} code {value!r} must be a quoted string "
                             "(YAML reads 110105 as a number)")
        out.append(value)
    return out


def load_labels(labels_path: Path, seeds_dir: Path) -> list:
    """Cut every labelled story out of its seed page."""
    records = load_yaml(labels_path) or []
    stories = []
    for index, rec in enumerate(records, 1):
        where = f"{labels_path}: record #{index} ({rec.get('title', '?')})"
        seed_path = Path(seeds_dir) / rec["seed"]
        if not seed_path.exists():
            raise ValueError(f"{where}: seed {seed_path} not found")
        lines = seed_path.read_text(encoding="utf-8").splitlines()
        if rec["title"] not in "\n".join(lines):
            raise ValueError(f"{where}: the title is not in {rec['seed']} as written")
        parts = []
        for first, last in rec["body"]:
            if not 1 <= first <= last <= len(lines):
                raise ValueError(f"{where}: line range {first}-{last} is outside {rec['seed']}")
            parts.append("\n".join(lines[first - 1:last]))
        stories.append(LabelledStory(rec["title"], rec["seed"], "\n\n".join(parts),
                                     str(rec["primary"]), list(rec.get("topics") or []),
                                     [str(c) for c in rec.get("never") or []]))
    return stories


def load_stories(path: Path) -> list:
    """Self-contained labelled stories (heldout.yaml, tuning.yaml): id, title, body, labels."""
    records = load_yaml(path) or []
    stories, seen = [], set()
    for index, rec in enumerate(records, 1):
        where = f"{path}: record #{index} ({rec.get('id', '?') if isinstance(rec, dict) else '?'})"
        if not isinstance(rec, dict):
            raise ValueError(f"{where}: expected a mapping with id, title, body, primary")
        missing = [k for k in ("id", "title", "body", "primary") if not rec.get(k)]
        if missing:
            raise ValueError(f"{where}: missing {', '.join(missing)}")
        if rec["id"] in seen:
            raise ValueError(f"{where}: id {rec['id']!r} is used twice")
        seen.add(rec["id"])
        primary = _codes([rec["primary"]], where, "primary")[0]
        meta = rec.get("meta") or {}
        if not isinstance(meta, dict):
            raise ValueError(f"{where}: meta must be a mapping (source:, byline:)")
        stories.append(LabelledStory(
            title=str(rec["title"]), seed=str(rec["id"]), body=str(rec["body"]), primary=primary,
            topics=list(rec.get("topics") or []), never=_codes(rec.get("forbidden"), where, "forbidden"),
            others=_codes(rec.get("others"), where, "others"),
            meta={str(k): str(v) for k, v in meta.items()}, script=str(rec.get("script") or "")))
    return stories


@dataclass
class Scores:
    stories: int
    primary_exact: int
    primary_county: int
    primary_given: int
    topic_tp: int
    topic_fp: int
    topic_fn: int
    never_hits: list
    unlabelled: list = field(default_factory=list)   # (story, code) tagged on no labelled path
    misses: list = field(default_factory=list)       # (story, got, wanted) primary not exact

    @property
    def topic_precision(self):
        return self.topic_tp / max(1, self.topic_tp + self.topic_fp)

    @property
    def topic_recall(self):
        return self.topic_tp / max(1, self.topic_tp + self.topic_fn)

    @property
    def primary_exact_rate(self):
        return self.primary_exact / max(1, self.stories)

    @property
    def primary_county_rate(self):
        return self.primary_county / max(1, self.stories)

    def lines(self):
        n = self.stories
        return [
            f"stories: {n}",
            f"primary region exact: {self.primary_exact}/{n} correct "
            f"(precision {self.primary_exact / max(1, self.primary_given):.0%} of "
            f"{self.primary_given} given, recall {self.primary_exact / max(1, n):.0%})",
            f"primary region at county level (or the labelled level if coarser): "
            f"{self.primary_county}/{n} correct (precision "
            f"{self.primary_county / max(1, self.primary_given):.0%}, recall {self.primary_county / max(1, n):.0%})",
            f"topics: precision {self.topic_precision:.0%} ({self.topic_tp}/{self.topic_tp + self.topic_fp}), "
            f"recall {self.topic_recall:.0%} ({self.topic_tp}/{self.topic_tp + self.topic_fn})",
            f"forbidden regions tagged (false places): {len(self.never_hits)}",
            f"tags on no labelled path (reported, not counted as false): {len(self.unlabelled)}",
        ]

    def to_dict(self) -> dict:
        return {"stories": self.stories, "primary_exact": self.primary_exact,
                "primary_county": self.primary_county, "primary_given": self.primary_given,
                "topic_precision": round(self.topic_precision, 4),
                "topic_recall": round(self.topic_recall, 4),
                "topic_tp": self.topic_tp, "topic_fp": self.topic_fp, "topic_fn": self.topic_fn,
                "false_places": [list(x) for x in self.never_hits],
                "unlabelled": [list(x) for x in self.unlabelled],
                "misses": [list(x) for x in self.misses]}


def county_key(code: str) -> str:
    """Township codes (9 digits) compare by their county (first 6)."""
    return code[:6] if len(code) > 6 else code


def tag_labelled(story: LabelledStory):
    """Tag a labelled story as the site build would: title, body, and the article's credits."""
    credits = [story.meta[k] for k in ("source", "byline") if story.meta.get(k)]
    return tag_story(story.title, story.body, credits=credits)


def _on_labelled_path(code: str, labelled: list) -> bool:
    """A tag is expected when it is a labelled place, one of its ancestors or descendants."""
    return any(code == c or c.startswith(code) or code.startswith(c) for c in labelled)


def evaluate(stories, report=None) -> Scores:
    s = Scores(len(stories), 0, 0, 0, 0, 0, 0, [])
    for story in stories:
        tags = tag_labelled(story)
        primary = tags.primary_region
        got = primary.code if primary else None
        if got:
            s.primary_given += 1
        s.primary_exact += got == story.primary
        s.primary_county += bool(got) and county_key(got) == county_key(story.primary)
        if got != story.primary:
            s.misses.append((story.seed, got, story.primary))
        topics = {t.slug for t in tags.topics}
        s.topic_tp += len(topics & set(story.topics))
        s.topic_fp += len(topics - set(story.topics))
        s.topic_fn += len(set(story.topics) - topics)
        codes = {c for r in tags.regions for c in r.path_codes}
        s.never_hits += [(story.seed, c) for c in story.never if c in codes]
        labelled = [story.primary] + list(story.others)
        s.unlabelled += [(story.seed, r.code) for r in tags.regions
                         if not _on_labelled_path(r.code, labelled)]
        if report:
            mark = "ok " if got == story.primary else "BAD"
            report(f"{mark} {story.seed[:34]:34} {story.title[:18]}: primary {got} "
                   f"({primary.name if primary else '-'}) want {story.primary}; "
                   f"topics +{sorted(topics - set(story.topics))} -{sorted(set(story.topics) - topics)}")
    return s


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", type=Path)
    parser.add_argument("seeds", type=Path, nargs="?",
                        help="seed pages folder (only for labels that cut stories out of seed pages)")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per story")
    parser.add_argument("--json", action="store_true", help="figures as JSON")
    args = parser.parse_args(argv)
    try:
        stories = (load_labels(args.labels, args.seeds) if args.seeds
                   else load_stories(args.labels))
    except (OSError, ValueError, KeyError, TypeError, yaml.YAMLError) as exc:
        print(f"evaluate: {exc}", file=sys.stderr)
        return 2
    scores = evaluate(stories, report=print if args.verbose and not args.json else None)
    if args.json:
        print(json.dumps(scores.to_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(scores.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
