"""What tagging costs per article, and a snapshot of every tag it gives.

    PYTHONPATH=plugins .venv/bin/python -m union_tags.tools.throughput CONTENT_DIR \
        [--runs 3] [--profile 15] [--snapshot out.json] [--fixtures tests/fixtures/tags]

Reads every Markdown article under CONTENT_DIR as `make tags` does (Markdown
rendered, then read back as paragraphs) before the clock starts, loads the
gazetteer and the topics, then tags every article `--runs` times in this
process and prints the median CPU time (time.process_time) per 1,000 articles.
`--profile N` prints the N most expensive functions of one more run (cProfile).
`--snapshot` writes every story's tags (to_dict(), the rejected words with
their reasons, override errors) as JSON: of the articles and, with
`--fixtures`, of the labelled fixture stories too; two snapshots that are
equal mean a change to the tagger left its output alone.
"""

import argparse
import cProfile
import json
import pstats
import resource
import statistics
import sys
import time
from pathlib import Path

from ..evaluate import load_labels, load_stories, tag_labelled
from ..regions import default_matcher
from ..review import articles, body_text, read_markdown
from ..site import credits_of, story_title
from ..tagger import tag_story
from ..topics import default_taxonomy

SEEDS_DIR = Path("/work/shared/seeds")


def read_articles(content: Path) -> list:
    """[(name, kwargs of tag_story)] for every article under `content`."""
    out = []
    for path in articles(content):
        meta, body = read_markdown(path)
        out.append((str(path.relative_to(content)),
                    {"title": story_title(meta, path.stem), "body": body_text(body),
                     "regions_meta": meta.get("regions"), "topics_meta": meta.get("topics"),
                     "credits": credits_of(meta)}))
    return out


def snapshot_of(tags) -> dict:
    return {**tags.to_dict(), "errors": list(tags.errors),
            "rejected": [[r.original, r.section, r.why, r.routine] for r in tags.region_result.rejected]}


def fixture_snapshots(fixtures: Path) -> dict:
    out = {}
    for path in sorted(fixtures.glob("*.yaml")):
        if path.name == "labels.yaml":
            if not SEEDS_DIR.is_dir():
                continue
            stories = load_labels(path, SEEDS_DIR)
        else:
            stories = load_stories(path)
        for index, story in enumerate(stories):
            out[f"{path.name}#{index}:{story.seed}"] = snapshot_of(tag_labelled(story))
    return out


def tag_all(stories) -> list:
    return [tag_story(**kwargs) for _, kwargs in stories]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--snapshot", type=Path)
    parser.add_argument("--fixtures", type=Path)
    args = parser.parse_args(argv)
    stories = read_articles(args.content)
    if not stories:
        print(f"{args.content}: no articles", file=sys.stderr)
        return 2
    default_matcher(), default_taxonomy()
    per_thousand = []
    for _ in range(max(1, args.runs)):
        start = time.process_time()
        tag_all(stories)
        per_thousand.append((time.process_time() - start) / len(stories) * 1000)
    print(f"{len(stories)} articles; CPU per 1,000 articles: median {statistics.median(per_thousand):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in per_thousand)})")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(tag_all, stories)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
    if args.snapshot:
        snap = {"articles": {name: snapshot_of(tag_story(**kwargs)) for name, kwargs in stories}}
        if args.fixtures:
            snap["fixtures"] = fixture_snapshots(args.fixtures)
        args.snapshot.write_text(json.dumps(snap, ensure_ascii=False, indent=1, sort_keys=True),
                                 encoding="utf-8")
        print(f"snapshot of {sum(len(v) for v in snap.values())} stories: {args.snapshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
