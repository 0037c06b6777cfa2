"""Review table of region and topic tags, for editors before publishing (`make tags`).

    python -m union_tags.review [content dir] [--format text|tsv|json] [--rejected]

Reads every Markdown article under the content directory (drafts included),
tags it exactly as the site build does, and prints per article its primary
region, other regions, topics and the reason for each.  `--rejected` also
lists the place-like words the tagger refused and why (false friends,
townships without their county).  Exit status 1 when a `Regions:`/`Topics:`
override cannot be used, 2 when the directory cannot be read.
"""

import argparse
import json
import re
import sys
from pathlib import Path

import markdown

from .site import credits_of, html_to_paragraphs, story_title
from .tagger import tag_story

_META_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):\s*(.*)$")


def read_markdown(path: Path) -> tuple:
    """(metadata with lowercase keys, body) of a Pelican Markdown file."""
    text = path.read_text(encoding="utf-8")
    meta, lines = {}, text.splitlines()
    index, key = 0, None
    for index, line in enumerate(lines):  # noqa: B007 - index is read after the loop
        if not line.strip():
            break
        match = _META_LINE.match(line)
        if match:
            key = match.group(1).lower()
            meta[key] = match.group(2).strip()
        elif key and line.startswith((" ", "\t")):
            meta[key] += " " + line.strip()
        else:   # no metadata block: the whole file is body
            return {}, text
    else:
        index = len(lines)
    return meta, "\n".join(lines[index + 1:])


def body_text(markdown_body: str) -> str:
    """The body as the build sees it: rendered by Markdown, then read back as paragraphs."""
    rendered = markdown.markdown(markdown_body, extensions=["markdown.extensions.extra"])
    return html_to_paragraphs(rendered)


def review_file(path: Path, with_rejected: bool = True) -> dict:
    meta, body = read_markdown(path)
    tags = tag_story(story_title(meta, path.stem), body_text(body),
                     regions_meta=meta.get("regions"), topics_meta=meta.get("topics"),
                     credits=credits_of(meta))
    return {"file": str(path), "title": meta.get("title", path.stem), "status": meta.get("status", ""),
            **tags.to_dict(),
            "rejected": [{"text": r.original, "why": r.why}
                         for r in tags.region_result.rejected if not r.routine] if with_rejected else [],
            "errors": [f"{path}: {e}" for e in tags.errors]}


def articles(content: Path) -> list:
    """Markdown files under content/, except static pages (content/pages)."""
    return sorted(p for p in content.rglob("*.md")
                  if p.is_file() and "pages" not in p.relative_to(content).parts[:-1])


def format_text(rows, show_rejected=False) -> str:
    out = []
    for row in rows:
        status = f" [{row['status']}]" if row["status"] else ""
        out.append(f"{row['file']}{status}  {row['title']}")
        if not row["regions"]:
            out.append("  地区   (无)")
        for r in row["regions"]:
            mark = "★" if r["primary"] else " "
            out.append(f"  地区 {mark} {'›'.join(r['path'])} ({r['code']})  {r['reason']}")
        if not row["topics"]:
            out.append("  主题   (无)")
        for t in row["topics"]:
            out.append(f"  主题   {t['name']} [{t['slug']}]  {t['reason']}")
        if show_rejected:
            seen = set()
            for r in row["rejected"]:
                key = (r["text"], r["why"])
                if key not in seen:
                    seen.add(key)
                    out.append(f"  未采用 {r['text']}：{r['why']}")
        for e in row["errors"]:
            out.append(f"  错误   {e}")
        out.append("")
    return "\n".join(out)


def format_tsv(rows) -> str:
    lines = ["file\ttitle\tprimary_region\tregions\ttopics\treasons"]
    for row in rows:
        primary = row["primary_region"]
        reasons = [f"{r['name']}: {r['reason']}" for r in row["regions"]]
        reasons += [f"{t['name']}: {t['reason']}" for t in row["topics"]]
        lines.append("\t".join([
            row["file"], row["title"],
            "›".join(primary["path"]) if primary else "",
            "; ".join("›".join(r["path"]) for r in row["regions"]),
            "; ".join(t["name"] for t in row["topics"]),
            " | ".join(reasons + row["errors"]),
        ]).replace("\n", " "))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", nargs="?", default="content", type=Path)
    parser.add_argument("--format", choices=("text", "tsv", "json"), default="text")
    parser.add_argument("--rejected", action="store_true",
                        help="also list place-like words that were not read as places")
    args = parser.parse_args(argv)
    if not args.content.is_dir():
        print(f"union_tags.review: {args.content} is not a directory; pass the content folder "
              "(default: content)", file=sys.stderr)
        return 2
    rows, unreadable = [], []
    for path in articles(args.content):
        try:
            rows.append(review_file(path, with_rejected=args.rejected or args.format == "json"))
        except (UnicodeDecodeError, OSError) as exc:
            unreadable.append(f"{path}: cannot read as UTF-8 text ({exc.__class__.__name__}); "
                              "save the file as UTF-8")
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif args.format == "tsv":
        print(format_tsv(rows))
    else:
        print(format_text(rows, args.rejected))
        print(f"{len(rows)} articles; {sum(1 for r in rows if r['primary_region'])} with a region, "
              f"{sum(1 for r in rows if r['topics'])} with topics")
    errors = unreadable + [e for row in rows for e in row["errors"]]
    for error in errors:
        print(error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
