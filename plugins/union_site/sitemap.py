"""output/sitemap.xml for search engines (named to avoid the pip `sitemap` plugin)."""

from pathlib import Path
from xml.sax.saxutils import escape

from .catalog import absolute_url


def build_sitemap(entries, siteurl: str) -> str:
    """entries: iterable of (url, lastmod datetime or None)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url, lastmod in entries:
        lines.append(f"  <url><loc>{escape(absolute_url(siteurl, url))}</loc>"
                     + (f"<lastmod>{lastmod.date().isoformat()}</lastmod>" if lastmod else "")
                     + "</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def write_sitemap(xml: str, output_path: str) -> Path:
    target = Path(output_path) / "sitemap.xml"
    target.write_text(xml, encoding="utf-8")
    return target
