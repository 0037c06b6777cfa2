"""Story cards rendered once: a story appears in a dozen lists (home, archives, category, author,
each of its regions and topics, other stories' related lists), always with the same card.

`union_story_card(item)` (a Jinja global, see theme/templates/partials/article_list.html)
renders partials/story_card.html with the page's variables and keeps the HTML for the
story and the values of every variable the card names (SITEURL differs with the page's depth
under relative URLs).  The card is the same text the template would render in place: the
cache only skips rendering it again.  Reset at the start of each build's writing.
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup

from .incremental import template_names

CARD_TEMPLATE = "partials/story_card.html"


class StoryCards:
    def __init__(self):
        self.cards = {}      # (id(env), id(item), values the card names) → (item, Markup)
        self.names = {}      # id(env) → variables the card template names, besides `item`
        self.rendered = 0

    def __repr__(self) -> str:   # stable: settings digests (incremental.py) see it in JINJA_GLOBALS
        return f"{type(self).__module__}.{type(self).__qualname__}()"

    def reset(self) -> None:
        self.cards.clear()
        self.names.clear()

    @jinja2.pass_context
    def __call__(self, context, item):
        env = context.environment
        template = env.get_template(CARD_TEMPLATE)
        names = self.names.get(id(env))
        if names is None:
            found = template_names(template)
            names = self.names[id(env)] = None if found is None else tuple(sorted(found - {"item"}))
        values = None if names is None else tuple(_key(context.get(name)) for name in names)
        key = (id(env), id(item), values)
        hit = self.cards.get(key) if values is not None else None
        if hit is not None:
            return hit[1]
        html = Markup(template.render({**context.get_all(), "item": item}))
        self.rendered += 1
        if values is not None:
            self.cards[key] = (item, html)
        return html


def _key(value):
    """Strings and numbers by value (each page has its own SITEURL string), anything else by identity."""
    return value if isinstance(value, (str, int, float, bool, type(None))) else ("id", id(value))


story_cards = StoryCards()
