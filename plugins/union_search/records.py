"""What the search needs from one article, and the one place that reads Pelican objects."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from union_text.html_text import article_text, html_to_text

from .concepts import tag_aliases

REGION_SEPARATORS = ("›", ">", "/")


@dataclass(frozen=True)
class ArticleRecord:
    url: str  # site-relative, the document's identity
    title: str
    body: str  # plain text
    date: str = ""  # ISO date, yyyy-mm-dd
    regions: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    summary: str = ""
    source_path: str = ""
    column: str = ""  # the story's column label (Column:), a concept (concepts.py)
    aliases: tuple[tuple[str, str, str], ...] = ()  # (facet, value, short name): concepts.tag_aliases

    @property
    def year(self) -> str:
        return self.date[:4]

    def text_hash(self) -> str:
        """Hash of what analysis reads (title and body)."""
        return hashlib.sha1(f"{self.title}\0{self.body}".encode()).hexdigest()

    def content_hash(self) -> str:
        """Hash of everything the index stores for this article."""
        data = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)
        return hashlib.sha1(data.encode()).hexdigest()


def _tag_name(item) -> str:
    """A tag's path (joined with ›) or name, whether it is a str, a dict or an object."""
    if isinstance(item, str):
        return item.strip()
    get = item.get if isinstance(item, dict) else (lambda key: getattr(item, key, None))
    path = get("path")
    if isinstance(path, (list, tuple)) and path:
        return "›".join(str(part).strip() for part in path)
    for key in ("path", "name", "title", "label"):
        value = get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return str(item).strip()


def _names(value) -> tuple[str, ...]:
    """Tag values as strings, whatever shape the tagging plugin gives (str, list of str/dict/object)."""
    if not value:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    names = []
    for item in value:
        name = _tag_name(item)
        if name and name not in names:
            names.append(name)
    return tuple(names)


def facet_values(names: tuple[str, ...]) -> tuple[str, ...]:
    """A region path 浙江省›台州市›黄岩区 is found under each of its levels and its full path."""
    values: list[str] = []
    for name in names:
        parts = [name]
        for sep in REGION_SEPARATORS:
            if sep in name:
                parts = [p.strip() for p in name.split(sep) if p.strip()]
                break
        candidates = parts + (["›".join(parts)] if len(parts) > 1 else [])
        for value in candidates:
            if value not in values:
                values.append(value)
    return tuple(values)


def record_text(title, subtitle, body: str) -> tuple[str, str]:
    """(title, body) of a record from the title and subtitle (HTML or text) and the body's text:
    what analysis reads (the early analyser receives it before the record exists)."""
    subtitle_text = html_to_text(str(subtitle or ""))
    return html_to_text(str(title or "")), f"{subtitle_text}\n{body}" if subtitle_text else body


def article_record_text(article) -> tuple[str, str]:
    """record_text() of a Pelican article, its body parsed once for every plugin (article_text)."""
    return record_text(getattr(article, "title", ""), getattr(article, "subtitle", ""),
                       article_text(article).text)


def record_from_article(article) -> ArticleRecord:
    """Coupling with Pelican and the tagging plugin: keep it in this function."""
    date = getattr(article, "date", None)
    title, body = article_record_text(article)
    return ArticleRecord(
        url=str(getattr(article, "url", "") or ""),
        title=title,
        body=body,
        date=date.strftime("%Y-%m-%d") if date else "",
        regions=_names(getattr(article, "regions", None)),
        topics=_names(getattr(article, "topics", None)),
        summary=html_to_text(str(getattr(article, "summary", "") or ""))[:200],
        source_path=str(getattr(article, "source_path", "") or ""),
        column=str(getattr(article, "metadata", {}).get("column", "") or "").strip(),
        aliases=tag_aliases(getattr(article, "regions", None), getattr(article, "topics", None)),
    )
