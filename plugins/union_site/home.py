"""The home page's lead story (头条); the 要闻 list under it is the newest articles of page 1."""

FEATURED_VALUES = frozenset({"yes", "true", "1", "y", "on", "是"})


def is_featured(article) -> bool:
    """`Featured: yes` in the article's metadata (also true/1/是)."""
    value = (getattr(article, "metadata", None) or {}).get("featured", "")
    return str(value).strip().lower() in FEATURED_VALUES


def newest_first(articles) -> list:
    return sorted(articles, key=lambda a: (a.date, a.slug), reverse=True)


def pick_lead(articles):
    """The newest featured article, else the newest article; None for an empty site."""
    ordered = newest_first(articles)
    return next((a for a in ordered if is_featured(a)), ordered[0] if ordered else None)

