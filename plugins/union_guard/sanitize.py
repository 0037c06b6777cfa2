"""What HTML an article may contain, enforced with nh3 (Rust's ammonia).

Bodies: the HTML that Markdown (with the extra, toc and meta extensions)
produces, plus the few raw tags editors legitimately write (figure, sub/sup,
mark, span/div with a class).  Never: script, style, iframe, object, embed,
forms, SVG/MathML, event-handler attributes (on*), inline ``style``, or URLs
other than http(s), mailto, tel and relative ones (``{filename}`` and
``{static}`` links stay relative, so Pelican still resolves them).  Every
link gets ``rel="noopener"``.

Metadata (title, subtitle, byline, source, column, tags, authors …) is plain
text: entities are decoded until nothing decodes, and tags are removed (with a
warning: editors do not mean them).  That is a cleaning of the *value*, not
the site's protection: the theme escapes every field for where it prints it
(Jinja autoescape, see the README), and the cleaned text is also harmless to
consumers that forget to (catalog.json readers): it cannot open a tag nor decode
into one.  ``<``, ``>`` and ``"`` themselves stay: "PM2.5<35", union_tags'
"浙江省>台州市" paths and quoted names are ordinary text.

``body_findings`` lists what ``clean_body`` removes, for the report; nh3 does
the removing.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

BODY_TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
    "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup",
    "abbr", "cite", "q", "kbd", "span", "div", "a", "img", "figure", "figcaption",
    "ul", "ol", "li", "dl", "dt", "dd",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
})
# Removed together with everything inside them (their text is code or fallback, not prose).
DROPPED_WITH_CONTENT = frozenset({
    "script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
    "textarea", "select", "title", "frameset", "noembed", "noframes",
})
BODY_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "th": {"colspan", "rowspan", "scope", "align"},
    "td": {"colspan", "rowspan", "align"},
    "col": {"span"},
    "colgroup": {"span"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "action", "formaction", "srcset", "poster",
                            "background", "data", "xlink:href"})
LINK_REL = "noopener"

_CLEANER = nh3.Cleaner(
    tags=set(BODY_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in BODY_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_TAG_LIKE = re.compile(r"<[A-Za-z!/?]")  # how HTML starts a tag, comment or bogus comment


_MARKDOWN_ALIGN = re.compile(r'(<t[hd]\b[^>]*?) style="text-align: (left|center|right);"')


def table_alignment_as_attribute(fragment: str) -> str:
    """Markdown writes column alignment as style="text-align: …" (forbidden: CSP and allowlist);
    the same meaning as the align attribute, which browsers honour without any style."""
    return _MARKDOWN_ALIGN.sub(r'\1 align="\2"', fragment) if "text-align" in fragment else fragment


def clean_body(fragment: str) -> str:
    """The fragment with everything outside the allowlist removed."""
    return _CLEANER.clean(table_alignment_as_attribute(fragment or ""))


def url_scheme(value: str) -> str | None:
    """Scheme as a browser reads it (ignoring spaces, tabs and newlines inside), or None if relative."""
    match = _SCHEME.match(_URL_NOISE.sub("", html.unescape(value or "")).lower())
    return match.group(1) if match else None


def is_allowed_url(value: str) -> bool:
    scheme = url_scheme(value)
    return scheme is None or scheme in URL_SCHEMES


@dataclass(frozen=True)
class Finding:
    """One kind of thing the sanitizer removes (or keeps but will not work)."""

    kind: str      # "element", "attribute", "url" or "external-image"
    name: str      # tag, attribute or URL scheme; the image URL for external images
    needle: str    # text to look for in the source to find its line
    count: int = 1

    def describe(self) -> str:
        times = f" ({self.count} times)" if self.count > 1 else ""
        if self.kind == "element":
            return f"<{self.name}> removed{times}"
        if self.kind == "attribute":
            return f"attribute {self.name}= removed{times}"
        if self.kind == "url":
            return f"{self.name}: link or image address removed{times}"
        return f"external image {self.name} will not display{times}"


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = Counter()
        self.needles = {}
        self._skip_depth = 0

    def _note(self, kind, name, needle):
        key = (kind, name)
        self.found[key] += 1
        self.needles.setdefault(key, needle)

    def handle_starttag(self, tag, attrs):
        if self._skip_depth:
            return
        if tag not in BODY_TAGS:
            self._note("element", tag, f"<{tag}")
            if tag in DROPPED_WITH_CONTENT and tag not in {"embed"}:
                self._skip_depth = 1
            return
        allowed = BODY_ATTRIBUTES["*"] | BODY_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                if name == "rel" and tag == "a":
                    continue  # replaced by rel="noopener"
                self._note("attribute", name, name)
            elif name in URL_ATTRIBUTES and not is_allowed_url(value or ""):
                self._note("url", url_scheme(value), (value or "")[:30])
            elif tag == "img" and name == "src" and url_scheme(value or "") in {"http", "https"}:
                self._note("external-image", value, value[:60])

    def handle_startendtag(self, tag, attrs):
        skip = self._skip_depth
        self.handle_starttag(tag, attrs)
        self._skip_depth = skip

    def handle_endtag(self, tag):
        if self._skip_depth and tag in DROPPED_WITH_CONTENT:
            self._skip_depth = 0


# Markup as Markdown writes it: a lower-case tag, attributes double-quoted, no entity in a value.
_PLAIN_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)((?:[ \t\n]+[a-z][a-z-]*="[^"<>&]*")*)[ \t\n]*/?>')
_PLAIN_ATTRIBUTE = re.compile(r'([a-z][a-z-]*)="([^"]*)"')
_ALLOWED_ATTRIBUTES = {tag: frozenset(BODY_ATTRIBUTES["*"] | BODY_ATTRIBUTES.get(tag, set())) for tag in BODY_TAGS}


def plainly_allowed(fragment: str) -> bool:
    """True only when the scanner below would find nothing to report, decided with one C regex.

    Every ``<`` must start such a plain tag of the allowlist, with allowed attributes, allowed
    URLs and no external image; anything else (a comment, an entity in a value, single quotes,
    upper case, a table's ``style``) is left to the full scanner.  The scanner parses each body
    in pure Python (a third of union_guard's cost); bodies written in Markdown pass here.
    """
    tags = 0
    for closing, tag, attributes in _PLAIN_TAG.findall(fragment):
        tags += 1
        allowed = _ALLOWED_ATTRIBUTES.get(tag)
        if allowed is None or (closing and attributes):
            return False
        for name, value in _PLAIN_ATTRIBUTE.findall(attributes):
            if name not in allowed:
                return False
            if name in URL_ATTRIBUTES:
                scheme = url_scheme(value)
                if (scheme is not None and scheme not in URL_SCHEMES) or (
                        tag == "img" and name == "src" and scheme in {"http", "https"}):
                    return False
    return tags == fragment.count("<")


def body_findings(fragment: str) -> list:
    """What ``clean_body`` will remove from ``fragment`` (grouped, with counts)."""
    if not fragment or "<" not in fragment or plainly_allowed(fragment):
        return []
    scanner = _Scanner()
    scanner.feed(table_alignment_as_attribute(fragment))
    scanner.close()
    return [Finding(kind, name, scanner.needles[(kind, name)], count)
            for (kind, name), count in scanner.found.items()]


MAX_DECODE_ROUNDS = 64


def unescape_fully(value: str, rounds: int = MAX_DECODE_ROUNDS) -> str:
    """Decode entities until nothing decodes any more (defeats &amp;lt; encoded any number of times).

    Each round that changes the text shortens it, so the rounds are few for any real value; the
    cap only bounds the work on a hostile one (what is left is printed escaped anyway).
    """
    for _ in range(rounds):
        if "&" not in value:
            break
        decoded = html.unescape(value)
        if decoded == value:
            break
        value = decoded
    return value


def clean_text(value: str):
    """(plain text safe in any HTML context, True when markup was removed).

    Ordinary text - Chinese, English, full-width punctuation, emoji, quotes -
    comes back unchanged.
    """
    text = unescape_fully(value)
    removed = bool(_TAG_LIKE.search(text))
    for _ in range(5):  # "<<script></script>img …>" leaves "&lt;img …>", a tag again once decoded
        if not _TAG_LIKE.search(text):
            break
        text = unescape_fully(nh3.clean(text, tags=set(), clean_content_tags={"script", "style"}))
    text = _TAG_LIKE.sub(lambda m: "\uff1c" + m.group(0)[1:], text)
    return " ".join(text.split()) if removed else text, removed
