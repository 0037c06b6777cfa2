"""Stories -> Pelican Markdown articles, and articles -> the text they carry (for accounting).

Conventions (docs/importer.md): metadata Title, Subtitle, Column, Byline (as printed),
Authors (names only, comma-separated), Date (the page's date, else one full date in the story),
Source (SOURCE=, else what the page says; never a file name), Status: draft, Slug, and the
editor-only bookkeeping Import-File, Import-Derived, Import-Key and Import-Hash.  Body:
paragraphs, sub-headings as ##/###/####, pictures as `![caption]({static}/images/…)`, a caption
whose picture is missing as an HTML comment `<!-- 待配图：… -->` (kept for the editor, never
published: the site strips comments), editor's notes as a blockquote `> 小编说：…`.
"""

import hashlib
import re
from dataclasses import dataclass

from importer.assemble import Story
from importer.text import squash_spaces

ORPHAN_CAPTION = re.compile(r"^<!-- 待配图：(?P<caption>.*) -->$")
PICTURE = re.compile(r"^!\[(?P<caption>[^\]]*)\]\((?P<path>[^)\s]*)\)$")
LEGACY_CAPTION = re.compile(r"^\*图[:：](?P<caption>.*)\*$")   # reviewed seed articles
CONTENT_FIELDS = ("Title", "Subtitle", "Column", "Byline")
DERIVED_KEY = "Import-Derived"
FULL_DATE = re.compile(r"(20\d{2}|19\d{2})年(\d{1,2})月(\d{1,2})日")
_MARKDOWN_START = re.compile(r"^([#>*+\-]|\d+[.)]\s)")
HASH_KEY = "Import-Hash"


@dataclass
class Article:
    metadata: dict[str, str]
    body: str


def found_date(story: Story) -> str:
    """A date only when the story gives exactly one full date (年月日)."""
    dates = {f"{y}-{int(m):02d}-{int(d):02d}" for y, m, d in FULL_DATE.findall(story.text())}
    return dates.pop() if len(dates) == 1 else ""


def untitled_label(story: Story) -> str:
    return f"UNTITLED story at line {story.line}"


BOLD_LEAD = re.compile(r"^\*\*[^*\s][^*]*\*\*")


def _escape(text: str) -> str:
    if BOLD_LEAD.match(text):            # a manuscript's bold lead: **以赛促学。**为提升…
        return text
    return "\\" + text if _MARKDOWN_START.match(text) else text


def _comment_safe(text: str) -> str:
    """Text that cannot end or break an HTML comment."""
    return re.sub(r"-(?=-)|^>|^->", lambda m: m.group(0).replace("-", "－").replace(">", "＞"),
                  text.replace("\n", " "))


def body_markdown(story: Story) -> str:
    parts = []
    for item in story.items:
        if item.kind == "heading":
            parts.append("#" * item.level + " " + item.text)
        elif item.kind == "caption":
            parts.append(f"<!-- 待配图：{_comment_safe(item.text)} -->")
        elif item.kind == "picture":
            caption = item.text.replace("[", "［").replace("]", "］").replace("\n", " ")
            parts.append(f"![{caption}]({{static}}/{item.image})")
        elif item.kind == "note":
            parts.append("> " + item.text)
        else:
            parts.append(_escape(item.text))
    return "\n\n".join(parts) + "\n"


def story_metadata(story: Story, source: str, slug: str, key: str, import_file: str = "",
                   date: str = "") -> dict[str, str]:
    """``source``: the page's Source ('' for none; the story's own 来源 line is used then);
    ``date``: the page's date (else a full date the story gives)."""
    metadata = {"Title": squash_spaces(story.title) or untitled_label(story)}
    if story.subtitle:
        metadata["Subtitle"] = squash_spaces(story.subtitle)
    if story.column:
        metadata["Column"] = squash_spaces(story.column)
    date = date or found_date(story)
    if date:
        metadata["Date"] = date
    if story.authors:
        metadata["Authors"] = ", ".join(story.authors)
    if story.bylines:
        metadata["Byline"] = " / ".join(squash_spaces(b) for b in story.bylines)
    source = source or story.source
    if source:
        metadata["Source"] = squash_spaces(source)
    metadata.update({"Slug": slug, "Status": "draft"})
    if import_file:
        metadata["Import-File"] = import_file
    derived = [name for name in CONTENT_FIELDS if name in story.derived and name in metadata]
    if derived:
        metadata[DERIVED_KEY] = ", ".join(derived)
    metadata["Import-Key"] = key
    return metadata


def content_hash(text: str) -> str:
    """Hash of an article file without its own Import-Hash line: detects any later edit."""
    kept = [line for line in text.split("\n") if not line.startswith(HASH_KEY + ":")]
    return hashlib.sha256("\n".join(kept).encode("utf-8")).hexdigest()


def render(article: Article) -> str:
    header = "".join(f"{key}: {value}\n" for key, value in article.metadata.items()
                     if key != HASH_KEY)
    text = header + "\n" + article.body
    return text.replace("\nImport-Key:", f"\n{HASH_KEY}: {content_hash(text)}\nImport-Key:", 1)


def parse(text: str) -> Article:
    """Read back an article file: metadata up to the first blank line, then the body."""
    header, _, body = text.partition("\n\n")
    metadata = {}
    for line in header.split("\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip():
            metadata[key.strip()] = value.strip()
    return Article(metadata, body)


def carried_text(article: Article) -> str:
    """The page text an article carries: content metadata and body, minus importer markup."""
    lines = []
    for line in article.body.split("\n"):
        marked = ORPHAN_CAPTION.match(line) or PICTURE.match(line) or LEGACY_CAPTION.match(line)
        lines.append(marked.group("caption") if marked else line)
    derived = {name.strip() for name in article.metadata.get(DERIVED_KEY, "").split(",")}
    fields = [article.metadata.get(name, "") for name in CONTENT_FIELDS if name not in derived]
    if article.metadata.get("Title", "").startswith("UNTITLED story at line"):
        fields = fields[1:] if "Title" not in derived else fields
    return "\n".join(fields + lines)
