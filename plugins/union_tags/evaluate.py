"""Measure the tagger against hand labels: precision and recall of primary region and topics.

    python -m union_tags.evaluate tests/fixtures/tags/labels.yaml /work/shared/seeds

Labels are YAML records (see tests/fixtures/tags/labels.yaml): the story's
title, its seed file and line ranges, the expected primary division code,
topic slugs and codes it must never get.
"""

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from .tagger import tag_story


@dataclass
class LabelledStory:
    title: str
    seed: str
    body: str
    primary: str
    topics: list
    never: list


def load_labels(labels_path: Path, seeds_dir: Path) -> list:
    """Cut every labelled story out of its seed page."""
    records = yaml.safe_load(Path(labels_path).read_text(encoding="utf-8")) or []
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

    @property
    def topic_precision(self):
        return self.topic_tp / max(1, self.topic_tp + self.topic_fp)

    @property
    def topic_recall(self):
        return self.topic_tp / max(1, self.topic_tp + self.topic_fn)

    def lines(self):
        n = self.stories
        return [
            f"stories: {n}",
            f"primary region exact: {self.primary_exact}/{n} correct "
            f"(precision {self.primary_exact / max(1, self.primary_given):.0%} of "
            f"{self.primary_given} given, recall {self.primary_exact / n:.0%})",
            f"primary region at county level (or the labelled level if coarser): "
            f"{self.primary_county}/{n} correct (precision "
            f"{self.primary_county / max(1, self.primary_given):.0%}, recall {self.primary_county / n:.0%})",
            f"topics: precision {self.topic_precision:.0%} ({self.topic_tp}/{self.topic_tp + self.topic_fp}), "
            f"recall {self.topic_recall:.0%} ({self.topic_tp}/{self.topic_tp + self.topic_fn})",
            f"forbidden regions tagged: {len(self.never_hits)}",
        ]


def county_key(code: str) -> str:
    """Township codes (9 digits) compare by their county (first 6)."""
    return code[:6] if len(code) > 6 else code


def evaluate(stories, report=None) -> Scores:
    s = Scores(len(stories), 0, 0, 0, 0, 0, 0, [])
    for story in stories:
        tags = tag_story(story.title, story.body)
        primary = tags.primary_region
        got = primary.code if primary else None
        if got:
            s.primary_given += 1
        s.primary_exact += got == story.primary
        s.primary_county += bool(got) and county_key(got) == county_key(story.primary)
        topics = {t.slug for t in tags.topics}
        s.topic_tp += len(topics & set(story.topics))
        s.topic_fp += len(topics - set(story.topics))
        s.topic_fn += len(set(story.topics) - topics)
        codes = {c for r in tags.regions for c in r.path_codes}
        s.never_hits += [(story.title, c) for c in story.never if c in codes]
        if report:
            mark = "ok " if got == story.primary else "BAD"
            report(f"{mark} {story.title[:30]}: primary {got} ({primary.name if primary else '-'})"
                   f" want {story.primary}; topics +{sorted(topics - set(story.topics))}"
                   f" -{sorted(set(story.topics) - topics)}")
    return s


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", type=Path)
    parser.add_argument("seeds", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per story")
    args = parser.parse_args(argv)
    try:
        stories = load_labels(args.labels, args.seeds)
    except (OSError, ValueError, KeyError, yaml.YAMLError) as exc:
        print(f"evaluate: {exc}", file=sys.stderr)
        return 2
    scores = evaluate(stories, report=print if args.verbose else None)
    print("\n".join(scores.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
