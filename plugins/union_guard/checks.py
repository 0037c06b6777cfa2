"""Checks on one article's metadata and body that need no Pelican: plain functions over values.

Each function records problems (with the field, line and what to do) and
returns the value to use.
"""

from __future__ import annotations

import re
import unicodedata
import zlib

from .problems import Problems, label, where
from .settings import DEFAULTS
from .sanitize import body_findings, clean_body, clean_text

STATUSES = ("published", "draft", "hidden", "skip")
LARGE_FILE_BYTES = 300_000
MAX_FILE_BYTES = DEFAULTS["UNION_GUARD_MAX_BYTES"]
# Fields whose value is a machine value, not prose: read half-width, never cleaned as text.
MACHINE_FIELDS = frozenset({"date", "modified", "status", "slug", "lang", "template",
                            "save_as", "url", "translation"})
_SLUG_OK = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")
_LANG_OK = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_PATH_OK = re.compile(r"^(?!/)(?!.*(?:^|/)\.\.(?:/|$))[A-Za-z0-9._~/-]+$")


def line_of(source_lines, needle: str, start: int = 0):
    """1-based number of the first source line containing ``needle`` (case-insensitive), or None."""
    needle = needle.lower()
    for number, line in enumerate(source_lines[start:], start + 1):
        if needle in line.lower():
            return number
    return None


def sanitize_body(fragment: str, source_lines, problems: Problems, field_name=None,
                  body_start: int = 0) -> str:
    """Clean an HTML fragment, reporting each kind of removed markup with the line it came from."""
    for finding in body_findings(fragment):
        line = line_of(source_lines, finding.needle, body_start)
        place = where(field_name, [line] if line else [])
        if finding.kind == "external-image":
            problems.warning(place, finding.describe(),
                             "the site only shows its own images: save the picture in content/images/ "
                             "and write ![说明]({static}/images/<file>)")
        else:
            problems.warning(place, finding.describe(),
                             "raw HTML in articles is limited to the list in docs/content-rules.md; "
                             "use Markdown, or delete it")
    return clean_body(fragment)


def plain_text_field(name: str, value, line, problems: Problems):
    """A prose metadata value as safe plain text (lists cleaned item by item)."""
    if isinstance(value, (list, tuple)):
        return [plain_text_field(name, item, line, problems) for item in value]
    if not isinstance(value, str):
        return value
    text, removed = clean_text(value)
    if removed:
        problems.warning(where(label(name), [line] if line else []),
                         f"HTML markup removed from {value[:60]!r}",
                         "metadata is plain text: delete the tags")
    return text


def machine_value(value):
    """Machine fields read with full-width digits and letters folded (２０２２－０８－１０)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value).strip()
    return value


# A complete date: four-digit year, month and day with one separator (2022-08-10, 2022/8/10,
# 2022.8.10; 2022年8月10日 is turned into this form first), optionally a time and a zone.
_COMPLETE_DATE = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})"
                            r"((?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?)$")
DATE_TODO = ("write the year with four digits, then the month and the day: 2022-08-10, 2022/8/10 or "
             "2022年8月10日, optionally with a time HH:MM (YYYY-MM-DD)")


def complete_date(value: str) -> str | None:
    """'2022/8/10 9:30' → '2022-08-10 9:30'; None for anything incomplete or ambiguous.

    Pelican hands dates to dateutil, which guesses: '22-8-10' became 2010-08-22 and '2022'
    today's month and day in 2022, silently.  Only a four-digit year, a month and a day are
    accepted; whether they exist (2022-13-45) is left to Pelican's parser.
    """
    match = _COMPLETE_DATE.match(value.strip())
    if not match:
        return None
    year, _, month, day, rest = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}{rest}"


def date_problem(name: str, value: str, line, problems: Problems) -> None:
    problems.error(where(label(name), [line] if line else []),
                   f"{value!r} is not a complete date", DATE_TODO)


def check_repeated_keys(repeated, problems: Problems) -> bool:
    """False (with an error per key) when a metadata key is written twice: which one was meant
    cannot be guessed (Pelican kept the first, or printed a Python list, or lost the title)."""
    for key, lines in repeated:
        problems.error(where(label(key.lower()), lines),
                       f"{key}: is written {len(lines)} times",
                       f"keep one {key}: line (a long value may continue on lines indented by 4 spaces); "
                       "the file is skipped until then")
    return not repeated


def check_status(value: str, line, problems: Problems):
    """The status in Pelican's spelling ('Draft' → 'draft'), or None (with an error)."""
    if value.lower() in STATUSES:
        return value.lower()
    problems.error(where("Status", [line] if line else []), f"{value!r} is not a status",
                   "write published, draft or hidden")
    return None


def check_slug(value: str, line, problems: Problems, make_slug):
    """An explicit Slug: lowercase ASCII letters, digits and hyphens; otherwise repaired."""
    if _SLUG_OK.match(value):
        return value
    repaired = make_slug(value)
    problems.warning(where("Slug", [line] if line else []),
                     f"{value!r} is not a web address name" + (f"; used {repaired!r}" if repaired else
                                                              "; the address comes from the title"),
                     "write lowercase letters, digits and hyphens, e.g. an-ji-kuai-di")
    return repaired or None


def check_required(metadata: dict, body_text: str, problems: Problems) -> None:
    title = metadata.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.error(where("Title"), "missing or empty",
                       "add a first line such as \"Title: 安吉县快递行业签订工资集体协议\"; "
                       "the file is skipped until then")
    if not body_text.strip():
        problems.warning(None, "the article has no text after the metadata",
                         "leave one blank line after the metadata, then write the story")


def check_size(size: int, problems: Problems, max_bytes: int = MAX_FILE_BYTES) -> bool:
    """False (with an error) above ``max_bytes``; a warning above LARGE_FILE_BYTES.

    300 KB is about 100,000 Chinese characters, ten times a long feature.  Far
    beyond that a file is a whole issue or a pasted PDF: a page no phone can
    use, and seconds of indexing on every full build (a 400 KB story added
    about 3 s to a build, measured with union_search on a busy 2-core box).
    """
    if size > max_bytes:
        problems.error(None, f"file is {size / 1_000_000:.1f} MB, over the {max_bytes / 1_000_000:.1f} MB limit "
                           "for one article", "split it into separate stories; the file is skipped until then")
        return False
    if size > LARGE_FILE_BYTES:
        problems.warning(None, f"file is {size / 1_000:.0f} KB, far longer than a news story",
                         "check it is one story and not a whole issue or a pasted PDF; split it if needed")
    return True


MAX_LIST_DEPTH = 50
_LIST_ITEM = re.compile(r"^([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]")


def check_nesting(source_lines, problems: Problems) -> bool:
    """False (with an error) when lists nest deeper than MAX_LIST_DEPTH.

    Python-Markdown's list parsing is roughly cubic in the nesting depth: 200
    levels take half a second, 1,000 levels run for over a minute and then
    fail with RecursionError.  No story needs more than a few levels; such
    depth comes from pasted indentation or from an attack.
    """
    for number, line in enumerate(source_lines, 1):
        match = _LIST_ITEM.match(line)
        if match and len(match.group(1).expandtabs(4)) // 4 >= MAX_LIST_DEPTH:
            problems.error(where(lines=[number]),
                           f"a list nested more than {MAX_LIST_DEPTH} levels deep",
                           "remove the extra indentation (4 spaces per level); the file is skipped until then")
            return False
    return True


def fallback_slug(title: str, file_stem: str, problems: Problems, make_slug) -> str | None:
    """A slug when the title has no letters for one (only emoji or symbols), else None."""
    if not isinstance(title, str) or not title.strip() or make_slug(title):
        return None
    slug = make_slug(file_stem) or "article-" + format(zlib.crc32(file_stem.encode("utf-8")), "08x")
    problems.warning(where("Title"), f"{title!r} gives no letters for the web address; used {slug!r}",
                     "add a line such as \"Slug: gong-hui-xin-wen\"")
    return slug


def check_override(name: str, value: str, line, problems: Problems):
    """Lang, Save_as and URL change where Pelican writes a story: a bad value would write odd
    files (markup in a file name, `../`).  The bad field is dropped with a warning; the story is
    built the default way.  (Template: is checked per kind of content: checks.check_template.)"""
    if name == "lang":
        ok, todo = _LANG_OK.match(value), "write a language tag such as zh-CN or en, or delete the line"
    else:
        ok, todo = _PATH_OK.match(value), "write a relative path such as articles/2022/x/, or delete the line"
    if ok:
        return value
    problems.warning(where(label(name), [line] if line else []), f"{value!r} cannot be used; ignored",
                     todo)
    return None


def check_template(value, kind: str, allowed, line, problems: Problems) -> bool:
    """False (with an error) unless `value` names one of the `allowed` templates for this kind.

    `Template: tag` renders a story with the tag page's template, which needs variables a
    story does not have: the build stopped.  Only the article (or page) templates listed in
    UNION_GUARD_ARTICLE_TEMPLATES / UNION_GUARD_PAGE_TEMPLATES may be named.
    """
    if isinstance(value, str) and value in allowed:
        return True
    names = ", ".join(allowed) or "(none)"
    problems.error(where("Template", [line] if line else []),
                   f"{value!r} is not a template for {kind}s (these are: {names})",
                   "delete the Template: line (or name one of those); the file is skipped until then")
    return False
