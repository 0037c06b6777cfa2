"""A correspondent's Word manuscript (.docx) read into the importer's blocks, with python-docx.

Every paragraph of the document body in order, table cells and text boxes included (the
duplicate fallback copy Word keeps of a text box is skipped), becomes one block:
- a paragraph styled Title / Heading N / 标题 N (or with an outline level) is a heading of that
  rank (Title outranks Heading 1); a short paragraph that is bold throughout is a heading one
  rank below the deepest styled one, or the title when it comes first;
- a paragraph that opens with bold words keeps them as a bold lead: **以赛促学。**为提升…;
- a picture (an embedded image in a run) is a picture block, saved under
  images/import/<manuscript>/; its caption is the paragraph styled Caption/题注, or the short
  paragraph right after it that reads as a caption (图：…, ▲…, one short sentence), and goes
  into the picture's Markdown ![caption](…), the site's figure caption;
- anything else is ordinary text, classified like a page's (bylines, credits, notes …).
Paragraph numbers stand for line numbers in the report.  ``text`` is every w:t of the body in
document order, read independently of the blocks: the accounting checks one against the other.
"""

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from importer.blocks import CAPTION_START, Block
from importer.classify import is_short_line
from importer.decode import InputError
from importer.punctuation import normalize_line
from union_text.pinyin import pinyin_slug

IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/bmp": "bmp",
               "image/tiff": "tiff", "image/webp": "webp", "image/x-emf": "emf",
               "image/x-wmf": "wmf"}
BROWSER_IMAGES = {"png", "jpg", "gif", "webp"}
HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
CAPTION_STYLES = {"caption", "题注"}
CAPTION_MAX = 40


@dataclass
class Manuscript:
    text: str                              # all the document's text, for the accounting
    blocks: list[Block]
    images: list = field(default_factory=list)      # pipeline.ImageFile
    punctuation: int = 0
    warnings: list[str] = field(default_factory=list)


def _open(data: bytes, name: str):
    try:
        import docx
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InputError(f"not a Word .docx manuscript ({type(error).__name__}: {error}); "
                         "open it in Word or WPS and save it again as .docx") from None
    except Exception as error:  # python-docx raises its own types for broken packages
        raise InputError(f"cannot read this .docx ({type(error).__name__}: {error}); "
                         "open it in Word or WPS and save it again as .docx") from None


def _in_fallback(element) -> bool:
    from docx.oxml.ns import qn
    fallback = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
    parent = element.getparent()
    while parent is not None:
        if parent.tag == fallback:
            return True
        if parent.tag == qn("w:body"):
            return False
        parent = parent.getparent()
    return False


def document_text(document) -> str:
    """Every w:t of the body in document order (one line per paragraph), for the accounting."""
    from docx.oxml.ns import qn
    lines = []
    for paragraph in document.element.body.iter(qn("w:p")):
        if _in_fallback(paragraph):
            continue
        own = [t.text or "" for t in paragraph.iter(qn("w:t"))
               if _owning_paragraph(t) is paragraph]
        lines.append("".join(own))
    return "\n".join(lines)


def _owning_paragraph(element):
    from docx.oxml.ns import qn
    parent = element.getparent()
    while parent is not None and parent.tag != qn("w:p"):
        parent = parent.getparent()
    return parent


def _heading_level(paragraph) -> int | None:
    """Word's own level: Heading N / 标题 N, or the paragraph's outline level (0 = level 1)."""
    from docx.oxml.ns import qn
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    match = HEADING_STYLE.match(style)
    if match:
        return int(match.group(1))
    level = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
    value = level.get(qn("w:val"), "9") if level is not None else "9"
    return int(value) + 1 if value.isdigit() and int(value) < 6 else None


def _is_title_style(paragraph) -> bool:
    return paragraph.style is not None and (paragraph.style.name or "").lower() in {"title", "标题"}


def _style_rank(paragraph, has_title: bool, top: int) -> int | None:
    """Markdown rank: Title 1; the highest heading level used is 2 under a Title, else 1."""
    if _is_title_style(paragraph):
        return 1
    level = _heading_level(paragraph)
    if level is None:
        return None
    return min(6, level - top + (2 if has_title else 1))


def _runs(paragraph):
    from docx.text.hyperlink import Hyperlink
    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            yield from item.runs
        else:
            yield item


def _bold(run, paragraph) -> bool:
    if run.bold is not None:
        return bool(run.bold)
    style = paragraph.style
    while style is not None:
        if style.font is not None and style.font.bold is not None:
            return bool(style.font.bold)
        style = style.base_style
    return False


def _text_and_lead(paragraph) -> tuple[str, str, bool]:
    """(text, bold lead, bold throughout)."""
    pieces = [(run.text, _bold(run, paragraph)) for run in _runs(paragraph) if run.text]
    text = "".join(piece for piece, _ in pieces)
    if not text.strip():
        return text, "", False
    if all(bold for piece, bold in pieces if piece.strip()):
        return text, "", True
    lead = ""
    for piece, bold in pieces:
        if not bold:
            break
        lead += piece
    return text, lead if lead.strip() else "", False


def _pictures(paragraph, document) -> list[tuple[bytes, str]]:
    from docx.oxml.ns import qn
    found = []
    blip = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
    imagedata = "{urn:schemas-microsoft-com:vml}imagedata"
    relation = qn("r:embed")
    for element in paragraph._p.iter(blip, imagedata):
        if _in_fallback(element) or _owning_paragraph(element) is not paragraph._p:
            continue
        rid = element.get(relation) or element.get(qn("r:id"))
        part = document.part.related_parts.get(rid) if rid else None
        if part is None:
            continue
        extension = IMAGE_TYPES.get(part.content_type) or Path(str(part.partname)).suffix.lstrip(".").lower()
        found.append((part.blob, extension or "bin"))
    return found


def read_manuscript(data: bytes, name: str):
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    from importer.pipeline import ImageFile
    document = _open(data, name)
    folder = pinyin_slug(Path(name).stem) or "manuscript"
    paragraphs = [Paragraph(p, document) for p in document.element.body.iter(qn("w:p"))
                  if not _in_fallback(p)]
    has_title = any(_is_title_style(p) for p in paragraphs)
    levels = [level for level in (_heading_level(p) for p in paragraphs) if level]
    top = min(levels) if levels else 1
    styled = [rank for rank in (_style_rank(p, has_title, top) for p in paragraphs) if rank]
    bold_rank = min(6, max(styled) + 1) if styled else 2
    blocks: list[Block] = []
    images: list[ImageFile] = []
    warnings: list[str] = []
    changed = 0
    gap = 2

    def add(line: int, text: str, kind: str = "", **extra) -> Block:
        nonlocal gap
        block = Block(len(blocks), line, [text], gap)
        if kind:
            block.kind, block.fixed = kind, True
        for key, value in extra.items():
            setattr(block, key, value)
        blocks.append(block)
        gap = 1
        return block

    for number, paragraph in enumerate(paragraphs, start=1):
        text, lead, all_bold = _text_and_lead(paragraph)
        text, count = normalize_line(text.strip())
        lead = normalize_line(lead.strip())[0]
        changed += count
        style = (paragraph.style.name if paragraph.style is not None else "").lower()
        previous = blocks[-1] if blocks else None
        if text and (style in CAPTION_STYLES or previous is not None and previous.kind == "picture"
                     and not previous.text and _reads_as_caption(text)):
            if previous is not None and previous.kind == "picture" and not previous.text:
                previous.text = text
                continue
            add(number, text, "caption")
            continue
        if text:
            rank = _style_rank(paragraph, has_title, top)
            if rank is None and all_bold and is_short_line(text):
                rank = 1 if not blocks and not styled else bold_rank
            if rank:
                add(number, "#" * rank + " " + text)
            elif lead and len(lead) < len(text):
                add(number, f"**{lead}**{text[len(lead):].lstrip()}" if text.startswith(lead)
                    else text)
            else:
                add(number, text)
        for blob, extension in _pictures(paragraph, document):
            digest = hashlib.sha256(blob).hexdigest()[:10]
            path = f"images/import/{folder}/{len(images) + 1}-{digest}.{extension}"
            images.append(ImageFile(path, blob))
            add(number, "", "picture", image=path)
            if extension not in BROWSER_IMAGES:
                warnings.append(f"paragraph {number}: picture {len(images)} is .{extension}, which "
                                "browsers cannot show: save it as PNG or JPEG and replace "
                                f"{path}")
    for block in blocks:
        if block.kind == "picture" and not block.text:
            warnings.append(f"paragraph {block.line}: picture {block.image} has no caption: "
                            "write one in ![说明](…)")
    return Manuscript(document_text(document), blocks, images, changed, warnings)


def _reads_as_caption(text: str) -> bool:
    sentences = sum(text.count(mark) for mark in "。！？!?")
    return bool(CAPTION_START.match(text)) or len(text) <= CAPTION_MAX and sentences <= 1 \
        and not text.startswith("#")
