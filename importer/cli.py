"""`python -m importer SRC --dest DIR [--force] [--source TEXT]`
(also `make import SRC=... [DEST=...] [FORCE=1] [SOURCE="…"]`).

Exit status: 0 all pages imported and accounted for; 1 a page could not be read, its characters
did not balance, or an edited article was refused; 2 bad usage (no such SRC).
"""

import argparse
import sys
from pathlib import Path

from importer.decode import InputError
from importer.pipeline import PageResult, import_page
from importer.store import write_articles

PAGE_SUFFIXES = {".txt", ".text", "", ".docx"}


def pages(source: Path) -> list[Path]:
    if source.is_dir():
        return sorted(path for path in source.rglob("*")
                      if path.is_file() and path.suffix.lower() in PAGE_SUFFIXES
                      and not path.name.startswith((".", "~$")))   # ~$稿件.docx: Word's lock file
    return [source]


def summary(result: PageResult) -> str:
    joined = len(result.joins)
    across = sum(1 for join in result.joins if not join.adjacent)
    status = "OK" if result.balance.ok else "FAILED: characters unaccounted for"
    pictures = f", {result.pictures_in} pictures" if result.pictures_in else ""
    return (f"{result.name} [{result.encoding}]: {len(result.stories)} stories ({result.layout}"
            f"{pictures}), {joined} paragraphs joined ({across} across the layout), "
            f"{len(result.dropped)} duplicates dropped, {result.punctuation} punctuation marks "
            f"made full-width; {result.balance.describe()} — {status}")


def import_one(path: Path, dest: Path, force: bool, out, source: str | None = None) -> bool:
    try:
        data = path.read_bytes()
    except OSError as error:
        print(f"{path}: cannot read: {error.strerror}", file=out)
        return False
    try:
        result = import_page(data, str(path), source=source)
    except InputError as error:
        print(f"{path}: {error}", file=out)
        return False
    except Exception as error:  # a bug must not hide which page triggered it, nor stop the others
        print(f"{path}: importer error ({type(error).__name__}: {error}); nothing written for this "
              "page; please report it with the page attached", file=out)
        return False
    print(summary(result), file=out)
    for warning in result.warnings:
        print(f"  ! {warning}", file=out)
    if not result.balance.ok:
        print(f"  nothing written for {path}: the importer lost or invented text; "
              "please report this page", file=out)
        return False
    ok = True
    try:
        outcomes = write_articles(result.articles, dest, force=force, images=result.images)
    except OSError as error:
        print(f"  cannot write under {dest}: {error}", file=out)
        return False
    for outcome in outcomes:
        print(f"  {outcome.action:9s} {outcome.path}  {outcome.title}", file=out)
        if outcome.action == "refused":
            print(f"  ! {outcome.path} was edited since import: not overwritten "
                  "(use --force / FORCE=1 to replace it)", file=out)
            ok = False
    return ok


def main(argv: list[str] | None = None, out=None) -> int:
    out = out or sys.stdout
    parser = argparse.ArgumentParser(prog="python -m importer",
                                     description="Turn bulletin pages into draft articles.")
    parser.add_argument("src", type=Path, help="a page (.txt) or a folder of pages")
    parser.add_argument("--dest", type=Path, default=Path("content/articles"),
                        help="content folder for the articles (default: content/articles)")
    parser.add_argument("--force", action="store_true",
                        help="overwrite articles an editor changed since import")
    parser.add_argument("--source", default=None,
                        help="Source: for every story, e.g. \"浙江工人日报 2022年8月10日 第3版\" "
                             "(default: what the page says, else none)")
    args = parser.parse_args(argv)
    if not args.src.exists():
        print(f"{args.src}: no such file or folder", file=out)
        return 2
    files = pages(args.src)
    if not files:
        print(f"{args.src}: no .txt pages in this folder", file=out)
        return 2
    source = args.source.strip() if args.source is not None else None
    if source is not None and (not source or "\n" in source):
        print("--source: give the paper and page on one line, e.g. "
              "SOURCE=\"浙江工人日报 2022年8月10日 第3版\"", file=out)
        return 2
    results = [import_one(path, args.dest, args.force, out, source) for path in files]
    failed = results.count(False)
    print(f"{len(files)} page(s), {failed} failed", file=out)
    return 1 if failed else 0
