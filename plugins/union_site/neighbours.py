"""Previous and next article in date order (stock Pelican sets neither).

Same attributes and meaning as the pelican-neighbors plugin: ``prev_article``
is the one published just before, ``next_article`` the one just after.
Articles of the same date are ordered by slug, as in catalog.json.
``newest_first_key`` gives Pelican's own lists (home, categories, tags,
authors, archives) the exact reverse of that order, so ties no longer depend
on which file Pelican happened to read first.
"""

def newest_first_key(article) -> tuple:
    """For ARTICLE_ORDER_BY (Pelican sorts with it as a key): newest first, same date by slug,
    descending.  A plain module-level function: Pelican pickles its settings with the reader cache."""
    # Each character negated, then a terminator above every negated one, so that of "ab" and
    # "abc" the longer sorts first, exactly as in a descending sort of the strings.
    return (-article.date.timestamp(), tuple(-ord(c) for c in article.slug) + (1,))


def date_order(articles) -> list:
    """Oldest first; equal dates by slug."""
    return sorted(articles, key=lambda a: (a.date, a.slug))


def link_neighbours(articles) -> None:
    """Set ``prev_article`` and ``next_article`` on every article (None at either end).
    Safe to run again: every article's links are set, none are left from before."""
    ordered = date_order(articles)
    for index, article in enumerate(ordered):
        article.prev_article = ordered[index - 1] if index > 0 else None
        article.next_article = ordered[index + 1] if index + 1 < len(ordered) else None
