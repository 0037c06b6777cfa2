"""Write articles into the content tree, idempotently.

An article is identified by its Import-Key (page file name # story number).  Importing the same
page again finds the earlier files by key, wherever the editor moved them under DEST:
unchanged files are left alone, files still as imported are refreshed, and files an editor has
changed since import (their Import-Hash no longer matches) are refused unless forced.
New files go to DEST/<year>/<slug>.md (DEST/undated/ without a date), slugs unique under DEST.

Pictures from a manuscript go to the content folder's images/import/<manuscript>/ (articles
refer to them as {static}/images/…, Pelican's own convention).  The content folder is DEST's
parent when DEST is (inside) an `articles` folder, DEST itself when it holds one, else DEST's
parent.  A picture is named by its content hash: writing it again changes nothing.
"""

from dataclasses import dataclass
from pathlib import Path

from importer.render import HASH_KEY, content_hash, parse, render


@dataclass
class Existing:
    path: Path
    text: str
    key: str
    slug: str

    @property
    def edited(self) -> bool:
        recorded = parse(self.text).metadata.get(HASH_KEY, "")
        return recorded != content_hash(self.text)


@dataclass
class Outcome:
    action: str        # new, updated, unchanged, refused, forced
    path: Path
    title: str


def scan(dest: Path) -> list[Existing]:
    found = []
    for path in sorted(dest.rglob("*.md")) if dest.exists() else []:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        metadata = parse(text).metadata
        found.append(Existing(path, text, metadata.get("Import-Key", ""),
                              metadata.get("Slug", path.stem)))
    return found


def _unique_slug(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


def _with_slug(text: str, slug: str) -> str:
    article = parse(text)
    article.metadata["Slug"] = slug
    return render(article)


def content_root(dest: Path) -> Path:
    """The Pelican content folder an article folder DEST belongs to (see the module docstring)."""
    dest = dest.resolve()
    for folder in [dest, *dest.parents]:
        if folder.name == "articles":
            return folder.parent
    if (dest / "articles").is_dir():
        return dest
    return dest.parent


def write_images(images, dest: Path) -> list[Path]:
    written = []
    root = content_root(dest)
    for image in images:
        path = root / image.path
        if path.exists() and path.read_bytes() == image.data:
            written.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(image.data)
        written.append(path)
    return written


def write_articles(articles: list[str], dest: Path, force: bool = False,
                   images=()) -> list[Outcome]:
    """Write the pictures first (an article never points at a missing file), then articles."""
    write_images(images, dest)
    existing = scan(dest)
    by_key = {item.key: item for item in existing if item.key}
    taken = {item.slug for item in existing}
    outcomes = []
    for text in articles:
        metadata = parse(text).metadata
        key, title = metadata["Import-Key"], metadata["Title"]
        previous = by_key.get(key)
        if previous:
            text = _with_slug(text, previous.slug)
            if previous.text == text:
                outcomes.append(Outcome("unchanged", previous.path, title))
            elif previous.edited and not force:
                outcomes.append(Outcome("refused", previous.path, title))
            else:
                previous.path.write_text(text, encoding="utf-8")
                outcomes.append(Outcome("forced" if previous.edited else "updated",
                                        previous.path, title))
            continue
        slug = _unique_slug(metadata["Slug"], taken)
        taken.add(slug)
        text = _with_slug(text, slug)
        folder = dest / (metadata["Date"][:4] if metadata.get("Date") else "undated")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{slug}.md"
        path.write_text(text, encoding="utf-8")
        outcomes.append(Outcome("new", path, title))
    return outcomes
