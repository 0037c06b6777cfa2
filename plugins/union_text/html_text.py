"""Plain text of rendered article HTML: parsed once per article, shared by every plugin.

One pass of C regex over the HTML (no tree, no parser objects): text runs
between tags are entity-decoded with html.unescape; `script` and `style`
elements, comments and declarations vanish; the end of a block element
(p, li, td, h2 …; br and hr themselves) ends a block.  Inline elements end
nothing, so "的<strong>保障</strong>" stays "的保障", as a reader's Ctrl-F
sees it.

Each plugin reads the view it needs from the one parse:

- `lines()` / `text`: every non-blank line, stripped, joined by "\\n" (search
  records; identical to BeautifulSoup's get_text() with a newline after each
  block element, which union_search used before);
- `paragraphs()`: one paragraph per block (blank lines inside a block also
  split), spaces and tabs collapsed, joined by blank lines (the tagger);
- `flat()`: all text on one line, runs of whitespace as one space
  (character counts and meta descriptions).

`article_text(content)` memoises the parse on a Pelican content object.
"""

from __future__ import annotations

import re
from html import unescape

# Elements whose end ends a line of text (as union_search's records always had it).
BLOCK_TAGS = frozenset((
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "tr", "td", "th", "section", "article", "figure", "figcaption",
    "header", "footer", "hr",
))
_VOID_BLOCKS = frozenset(("br", "hr"))  # no end tag: the tag itself ends the block

# One token of markup.  Group 1: script/style element (dropped with its content); group 2: an
# end tag's name; group 3: a start tag's name.  Quoted attribute values may hold ">".
# Like HTML, "<" starts markup only before a letter, "/", "!" or "?"; any other "<" is text.
_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)"                                   # comment (unclosed: to the end)
    r"|<(script|style)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>.*?(?:</\1\s*>|\Z)"
    r"|</([a-zA-Z][^\s/>]*)[^>]*>"                          # end tag
    r"|<([a-zA-Z][^\s/>]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>"  # start or empty-element tag
    r"|<[!?/][^>]*>",                                      # declaration, processing instruction, bogus
    re.DOTALL | re.IGNORECASE,
)
_BLANK_LINE = re.compile(r"\n\s*\n")
_INLINE_SPACE = re.compile(r"[ \t\r\f\v]+")
_SPACE = re.compile(r"\s+")


class HtmlText:
    """The blocks of text of one HTML fragment (inline markup removed, entities decoded)."""

    __slots__ = ("blocks", "_text")

    def __init__(self, blocks: tuple[str, ...]):
        self.blocks = blocks
        self._text: str | None = None

    def lines(self) -> list[str]:
        """Non-blank lines, stripped, in order (a block may hold several, e.g. in <pre>)."""
        return [line for line in map(str.strip, "\n".join(self.blocks).splitlines()) if line]

    @property
    def text(self) -> str:
        """lines() joined by newlines: what search indexes and shows."""
        if self._text is None:
            self._text = "\n".join(self.lines())
        return self._text

    def paragraphs(self) -> str:
        """One paragraph per block, spaces collapsed, separated by blank lines (the tagger's view)."""
        # Blocks joined by a blank line split exactly where each block would split alone.
        paragraphs = (_INLINE_SPACE.sub(" ", p).strip() for p in _BLANK_LINE.split("\n\n".join(self.blocks)))
        return "\n\n".join(p for p in paragraphs if p)

    def flat(self) -> str:
        """All the text on one line, whitespace collapsed (character counts, descriptions)."""
        return _SPACE.sub(" ", " ".join(self.blocks)).strip()  # the same as joining lines()

    def __eq__(self, other) -> bool:
        return isinstance(other, HtmlText) and other.blocks == self.blocks

    def __repr__(self) -> str:
        return f"HtmlText({self.blocks!r})"


def html_text(fragment: str | None) -> HtmlText:
    """Parse an HTML fragment (rendered Markdown, a summary, a title) into its blocks of text."""
    fragment = fragment or ""
    if "<" not in fragment:
        return HtmlText((unescape(fragment),) if fragment else ())
    blocks: list[str] = []
    current: list[str] = []  # decoded text runs of the block being read
    last = 0
    preformatted = 0  # open <pre>/<textarea> elements
    for match in _MARKUP.finditer(fragment):
        start = match.start()
        if start > last:
            current.append(_text_run(fragment[last:start], preformatted))
        last = match.end()
        if match.group(1):
            continue
        name = match.group(2)
        if name is None:
            name = match.group(3)
            if name is None:
                continue
            name = name.lower()
            empty = match.group(0).endswith("/>")
            if name in _PREFORMATTED and not empty:
                preformatted += 1
            if name not in _VOID_BLOCKS and not (empty and name in BLOCK_TAGS):
                continue
        else:
            name = name.lower()
            if name in _PREFORMATTED and preformatted:
                preformatted -= 1
            if name not in BLOCK_TAGS:
                continue
        if current:
            blocks.append("".join(current))
            current = []
    if last < len(fragment):
        current.append(_text_run(fragment[last:], preformatted))
    if current:
        blocks.append("".join(current))
    return HtmlText(tuple(blocks))


_PREFORMATTED = frozenset(("pre", "textarea"))
_ASCII_SPACE = " \n\t\f\r"


def _text_run(raw: str, preformatted: int) -> str:
    """One run of text between two pieces of markup, decoded on its own as a parser does.

    Outside preformatted elements a run of nothing but ASCII spaces counts as
    one space, or one newline if it holds one: markup indentation ("<h2>   <a>")
    is not text (BeautifulSoup, which union_search used before, did the same).
    """
    text = unescape(raw)
    if not preformatted and not text.strip(_ASCII_SPACE):
        return "\n" if "\n" in text else " "
    return text


def html_to_text(fragment: str | None) -> str:
    """Plain text of an HTML fragment, one line per block (HtmlText.text)."""
    return html_text(fragment).text


MEMO_ATTRIBUTE = "_union_html_text"  # where article_text keeps its parse on the object
_MEMO = MEMO_ATTRIBUTE


def article_text(content) -> HtmlText:
    """The parsed text of a Pelican article or page's HTML (`_content`), parsed once per object.

    `_content` is read, not `content`: reading `content` before every article
    is read would make Pelican resolve {filename} links too early.  The parse is
    kept on the object with the HTML it came from, so a plugin that replaces
    `_content` gets a fresh parse.
    """
    html = getattr(content, "_content", None) or ""
    memo = getattr(content, _MEMO, None)
    if memo is not None and memo[0] is html:
        return memo[1]
    parsed = html_text(html)
    try:
        setattr(content, _MEMO, (html, parsed))
    except AttributeError:  # an object that takes no attributes: parse again next time
        pass
    return parsed
