"""A small link checker for a built site: every internal link must resolve to a file."""

from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

LINK_ATTRS = (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
              ("form", "action"), ("source", "src"))


def _target_file(output: Path, page: Path, ref: str, siteurl: str = ""):
    """The file a reference points at, or None when it leaves the site."""
    if siteurl and ref.startswith(siteurl):
        ref = "/" + ref[len(siteurl):].lstrip("/")
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc:
        return None  # external (reported separately by the tests that forbid them)
    if not parts.path:
        return page  # "#fragment" or "?query" on the same page
    page_url = "/" + page.relative_to(output).as_posix()
    resolved = unquote(urlsplit(urljoin(page_url, parts.path)).path)
    target = output / resolved.lstrip("/")
    if resolved.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def srcset_urls(value: str) -> list:
    """The URLs of a srcset attribute ("a.webp 480w, b.webp 960w")."""
    return [candidate.split()[0] for candidate in (value or "").split(",") if candidate.strip()]


def references(soup):
    """(tag, reference) for every link and resource of a page, srcset candidates included."""
    for tag, attr in LINK_ATTRS:
        for element in soup.find_all(tag):
            yield tag, element.get(attr)
    for element in soup.find_all(["img", "source"], srcset=True):
        for url in srcset_urls(element["srcset"]):
            yield element.name, url


def broken_links(output, siteurl: str = ""):
    """[(page, reference)] for every internal reference whose target does not exist."""
    output = Path(output)
    broken = []
    for page in sorted(output.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for _tag, ref in references(soup):
            if not ref or ref.startswith(("mailto:", "tel:", "data:")):
                continue
            target = _target_file(output, page, ref, siteurl)
            if target is not None and not target.exists():
                broken.append((str(page.relative_to(output)), ref))
    return broken


def external_references(output, siteurl: str = ""):
    """[(page, reference)] for resources (not plain links) loaded from another host."""
    output = Path(output)
    found = []
    for page in sorted(output.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in (("link", "href"), ("script", "src"), ("img", "src"), ("iframe", "src")):
            for element in soup.find_all(tag):
                ref = element.get(attr) or ""
                if tag == "link" and "stylesheet" not in (element.get("rel") or []):
                    continue
                if urlsplit(ref).netloc and not (siteurl and ref.startswith(siteurl)):
                    found.append((str(page.relative_to(output)), ref))
        for element in soup.find_all(["img", "source"], srcset=True):
            for ref in srcset_urls(element["srcset"]):
                if urlsplit(ref).netloc and not (siteurl and ref.startswith(siteurl)):
                    found.append((str(page.relative_to(output)), ref))
    return found
