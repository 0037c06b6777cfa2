"""GuardedMarkdownReader: Pelican's Markdown reader with decoding, validation and sanitizing.

It replaces Pelican's MarkdownReader for .md/.markdown/.mkd/.mdown (see
``readers_init`` in __init__.py).  The parsing itself is Pelican's; what is
added happens around it:

- the file is decoded by ``decode.decode_source`` (UTF-8, BOM, UTF-16,
  GB18030 fallback, control characters removed);
- header keys typed in full width are normalised (``header``);
- every metadata value goes through ``process_metadata``: dates and other
  machine fields are read half-width and a bad date is an error naming its
  line; prose fields become plain text; the formatted Summary is sanitized;
- the body HTML is sanitized, each removal reported with its source line.

Problems are returned in the metadata under ``PROBLEMS_KEY``; the
``*_generator_context`` handler reports them and skips files with errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown import Markdown
from pelican.readers import _DISCARD, MarkdownReader

from union_text.pinyin import pinyin_slug

from .checks import (MACHINE_FIELDS, check_nesting, check_override, check_repeated_keys,
                     check_required, check_size, check_slug, check_status, complete_date, date_problem,
                     fallback_slug, machine_value, plain_text_field, sanitize_body)
from .content_files import FileRefused, read_limited
from .decode import decode_source
from .header import field_lines, header_line_count, normalize_header, repeated_keys
from .markdown_limits import MarkdownTimeout, check_shape, cpu_time_limit
from .problems import LINES_KEY, PROBLEMS_KEY, Problems, label, where

_CHINESE_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(.*)$")
_TAGS = re.compile(r"<[^>]*>")
# Fields holding a comma-separated list: lines continued under them are joined with ", "
# (others with a space).
LIST_FIELDS = frozenset({"tags", "authors", "regions", "topics"})


@dataclass
class _ReadState:
    problems: Problems
    field_lines: dict
    source_lines: list


def chinese_date_to_iso(value: str) -> str:
    """'2022年8月10日' → '2022-08-10' (editors write dates the way the paper prints them)."""
    match = _CHINESE_DATE.match(value)
    if not match:
        return value
    year, month, day, rest = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}{rest}"


class GuardedMarkdownReader(MarkdownReader):
    """Markdown reader that never lets a bad file stop the build or carry script into the site."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._guard = None
        self._markdown = None     # one Markdown instance for every file this reader reads
        self._meta_step = None    # (preprocessor, priority) of the meta extension

    def _fresh_markdown(self) -> Markdown:
        """A Markdown instance in the state of a new one.

        Pelican builds a new instance per file (0.6 ms each: 0.6 s of CPU per 1,000 articles)
        because its `_parse_metadata` removes the meta preprocessor from the instance.  Here one
        instance is `reset()` between files and that preprocessor put back where it was; the
        HTML and metadata are the same (tested on the corpus, the seeds and hostile files).
        """
        md = self._markdown
        if md is None:
            md = self._markdown = Markdown(**self.settings["MARKDOWN"])
            step = next((p for p in getattr(md.preprocessors, "_priority", ()) if p.name == "meta"), None)
            self._meta_step = (md.preprocessors["meta"], step.priority) if step else None
            return md
        md.reset()
        if self._meta_step and "meta" not in md.preprocessors:
            md.preprocessors.register(self._meta_step[0], "meta", self._meta_step[1])
        return md

    def read(self, source_path):
        self._source_path = source_path
        problems = Problems(source_path)
        refused = ("", {PROBLEMS_KEY: problems.items})
        raw = self._read_bytes(source_path, problems)
        if raw is None:
            return refused
        decoded = decode_source(raw, problems)
        if decoded.text is None:
            return refused
        text, renamed = normalize_header(decoded.text)
        for line, written, key in renamed:
            problems.warning(where(lines=[line]),
                             f"metadata key {written!r} typed in full-width characters; read as {key!r}",
                             "type metadata keys and the colon in half-width (English input mode)")
        source_lines = text.split("\n")
        if not check_repeated_keys(repeated_keys(source_lines), problems):
            return refused
        if not check_nesting(source_lines, problems) or not check_shape(text, problems):
            return refused
        lines = field_lines(text)
        self._guard = _ReadState(problems, lines, source_lines)
        try:
            with cpu_time_limit(self.settings["UNION_GUARD_MARKDOWN_SECONDS"]):
                self._md = self._fresh_markdown()
                content = self._md.convert(text)
                metadata = self._parse_metadata(self._md.Meta) if hasattr(self._md, "Meta") else {}
        except MarkdownTimeout as timeout:
            self._markdown = None  # interrupted mid-conversion: the next file gets a new one
            problems.error(None, f"Markdown needed more than {timeout.args[0]} s of CPU time for this file",
                           "look for very long runs of [ ( < * _ or ` or deep nesting, or split the file; "
                           "the file is skipped until then")
            return refused
        except Exception as exc:  # noqa: BLE001 - one unreadable file must not stop the build
            self._markdown = None  # its state after a failure is unknown: the next file gets a new one
            problems.error(None, f"Markdown could not convert this file ({type(exc).__name__}: {exc})",
                           "look for unusual nesting or pasted binary data; the file is skipped")
            return refused
        finally:
            self._guard = None
        content = sanitize_body(content, source_lines, problems,
                                body_start=header_line_count(source_lines))
        check_required(metadata, _TAGS.sub("", content), problems)
        if "slug" not in metadata and self.settings.get("SLUGIFY_SOURCE") == "title":
            slug = fallback_slug(metadata.get("title"), Path(source_path).stem, problems, pinyin_slug)
            if slug:
                metadata["slug"] = slug
        metadata[PROBLEMS_KEY] = problems.as_metadata()
        metadata[LINES_KEY] = lines
        return content, metadata

    def _parse_metadata(self, meta):
        """A value continued on indented lines is one value (keys written twice were refused
        before parsing): joined here, so Pelican neither keeps only the first line of Tags:
        nor prints a Python list for Subtitle:."""
        formatted = self.settings["FORMATTED_FIELDS"]
        joined = {key: value if len(value) < 2 or key in formatted else
                  [(", " if key in LIST_FIELDS else " ").join(part.strip() for part in value)]
                  for key, value in meta.items()}
        return super()._parse_metadata(joined)

    def _read_bytes(self, source_path, problems: Problems):
        """The file's bytes, or None (with an error): the size is checked before reading."""
        limit = self.settings["UNION_GUARD_MAX_BYTES"]
        try:
            raw = read_limited(source_path, limit)
        except FileRefused as refused:
            if refused.size is not None:
                check_size(refused.size, problems, limit)
            else:
                problems.error(None, refused.message, refused.todo)
            return None
        except OSError as exc:
            problems.error(None, f"cannot be read ({exc.strerror or exc})",
                           "check the file's permissions; the file is skipped until then")
            return None
        check_size(len(raw), problems, limit)  # the warning for long files
        return raw

    def process_metadata(self, name, value):
        state = self._guard
        if state is None:  # Pelican's own calls (defaults, path metadata)
            return super().process_metadata(name, value)
        line = state.field_lines.get(name)
        if name in self.settings["FORMATTED_FIELDS"]:
            value = sanitize_body(value, state.source_lines, state.problems, label(name),
                                  body_start=(line or 1) - 1)
        elif name in MACHINE_FIELDS:
            value = machine_value(value)
            if name in ("date", "modified"):
                complete = complete_date(chinese_date_to_iso(value))
                if complete is None:
                    date_problem(name, value, line, state.problems)
                    return _DISCARD
                try:
                    return super().process_metadata(name, complete)
                except (ValueError, OverflowError, TypeError):
                    date_problem(name, value, line, state.problems)
                    return _DISCARD
            if name == "status":
                value = check_status(value, line, state.problems)
                if value is None:
                    return _DISCARD
            if name == "slug":
                value = check_slug(value, line, state.problems, pinyin_slug)
                if not value:
                    return _DISCARD
            if name in ("lang", "save_as", "url"):
                value = check_override(name, value, line, state.problems)
                if value is None:
                    return _DISCARD
        else:
            value = plain_text_field(name, value, line, state.problems)
        return super().process_metadata(name, value)
