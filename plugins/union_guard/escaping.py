"""The theme's escaping model: Jinja autoescape on, `|safe` only on the sanitized body.

Pelican's Jinja environment has autoescape off, so every `{{ field }}` prints raw unless a
template escapes it.  Sanitizing inputs is not escaping outputs: a summary decoded from the
body's text, a quote in a description, an entity encoded six times and unwrapped by
`striptags` all became markup in listings and head tags.  With autoescape every value is
escaped exactly once for HTML (element text and double-quoted attributes alike); the
article and page bodies, which are HTML sanitized by nh3, are the only values marked `|safe`.

union_guard turns autoescape on when the site's JINJA_ENVIRONMENT does not say; a site that
turns it off explicitly gets a warning (so `make publish` fails).
"""

from __future__ import annotations

from union_core.report import WARNING, Problem


def require_autoescape(settings: dict) -> Problem | None:
    """Make sure the Jinja environment autoescapes; a Problem when the site turned it off."""
    environment = dict(settings.get("JINJA_ENVIRONMENT") or {})
    if "autoescape" not in environment:
        environment["autoescape"] = True
        settings["JINJA_ENVIRONMENT"] = environment
        return None
    if environment["autoescape"]:
        return None
    return Problem(WARNING, None, "JINJA_ENVIRONMENT turns Jinja's autoescape off: the theme prints "
                   "titles, summaries and names unescaped", "remove \"autoescape\": False from "
                   "JINJA_ENVIRONMENT (the theme marks the sanitized body |safe itself)",
                   field="JINJA_ENVIRONMENT", source="union_guard")
