"""What the search needs from one article, and the one place that reads Pelican objects."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from bs4 import BeautifulSoup

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


BLOCK_TAGS = (
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "tr", "td", "th", "section", "article", "figure", "figcaption",
    "header", "footer", "hr",
)


def html_to_text(html: str) -> str:
    """Plain text of rendered article HTML, as a reader's Ctrl-F sees it.

    Block elements end lines; inline ones (strong, a, span) do not, so
    "的<strong>保障</strong>" stays "的保障" and remains findable.
    """
    soup = BeautifulSoup(html or "", "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    for tag in soup.find_all(BLOCK_TAGS):
        tag.insert_after("\n")
    text = soup.get_text("")
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


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


def record_text(title, subtitle, content, to_text=html_to_text) -> tuple[str, str]:
    """(title, body) of a record: what analysis reads (early.py computes it before the record)."""
    subtitle_text = to_text(str(subtitle or ""))
    body = to_text(content or "")
    return to_text(str(title or "")), f"{subtitle_text}\n{body}" if subtitle_text else body


def record_from_article(article, to_text=html_to_text) -> ArticleRecord:
    """Coupling with Pelican and the tagging plugin: keep it in this function.

    `to_text` is html_to_text or a cached equivalent (HtmlTextCache.text).
    """
    date = getattr(article, "date", None)
    title, body = record_text(getattr(article, "title", ""), getattr(article, "subtitle", ""),
                              getattr(article, "content", ""), to_text)
    return ArticleRecord(
        url=str(getattr(article, "url", "") or ""),
        title=title,
        body=body,
        date=date.strftime("%Y-%m-%d") if date else "",
        regions=_names(getattr(article, "regions", None)),
        topics=_names(getattr(article, "topics", None)),
        summary=to_text(str(getattr(article, "summary", "") or ""))[:200],
        source_path=str(getattr(article, "source_path", "") or ""),
        column=str(getattr(article, "metadata", {}).get("column", "") or "").strip(),
        aliases=tag_aliases(getattr(article, "regions", None), getattr(article, "topics", None)),
    )


class HtmlTextCache:
    """html_to_text results kept between builds, keyed by the SHA-1 of the HTML.

    Parsing every article with BeautifulSoup costs about 4 ms each on every
    build, edited or not.  The file is dropped when any file of union_search
    changes (its digest is the version); writes are atomic; only entries
    used by the current build are saved.
    """

    def __init__(self, path: str | None):
        self.path = path
        self.stored: dict[bytes, str] = {}
        self.used: dict[bytes, str] = {}

    @staticmethod
    def version() -> bytes:
        from union_core.digest import package_digest

        return package_digest("union_search").encode()

    def load(self) -> "HtmlTextCache":
        import marshal

        try:
            with open(self.path, "rb") as handle:
                version, entries = marshal.loads(handle.read())
        except (OSError, EOFError, ValueError, TypeError):
            return self  # missing, damaged or from another version: parse again
        if version == self.version() and isinstance(entries, dict):
            self.stored = entries
        return self

    def text(self, html: str) -> str:
        if not html:
            return html_to_text(html)
        key = hashlib.sha1(html.encode("utf-8", "surrogatepass")).digest()
        text = self.used.get(key)
        if text is None:
            text = self.stored.get(key)
            if text is None:
                text = html_to_text(html)
            self.used[key] = text
        return text

    def save(self) -> None:
        import marshal
        import os
        import tempfile

        if not self.path:
            return
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=os.path.dirname(self.path), suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                marshal.dump((self.version(), self.used), out)
            os.replace(temp, self.path)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise
