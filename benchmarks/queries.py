"""The fixed benchmark queries and their Ctrl-F truth in the generated articles.

Truth for a query is the set of articles whose visible text (title, subtitle, body) contains every
space-separated part of the query, compared after the project's character folding (NFKC,
lowercase, traditional → simplified): what a reader's Ctrl-F finds on the simplified page when
typing the query in simplified characters.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

# Jargon kept whole by the user dictionary, sub-words, one character, traditional script,
# a place name and a two-part query.
QUERIES = [
    "帮扶", "外卖", "职工之家", "工會", "工资集体协商", "快递小哥", "劳模工匠创新工作室",
    "爱心驿站", "驿站", "产改", "协商", "安吉", "女职工 权益", "匠",
]


def _fold_function():
    """union_text.fold when available (the site's one normalizer), else NFKC + lowercase."""
    plugins = str(PROJECT_DIR / "plugins")
    if plugins not in sys.path:
        sys.path.insert(0, plugins)
    try:
        from union_text import fold
        return fold
    except ImportError:
        return lambda text: unicodedata.normalize("NFKC", text).lower()


def ctrl_f_truth(articles: list[dict], queries: list[str] = QUERIES) -> dict[str, set[str]]:
    """Query → URLs of the articles whose folded visible text contains every part of the query."""
    fold = _fold_function()
    folded = [(article["url"], fold(article["text"])) for article in articles]
    truth = {}
    for query in queries:
        parts = [fold(part) for part in query.split()]
        truth[query] = {url for url, text in folded if all(part in text for part in parts)}
    return truth


def normalize_url(url: str) -> str:
    """Site-relative article URL (articles/2021/slug/) from an absolute or relative one."""
    path = url.split("://", 1)[-1]
    if "://" in url:
        path = path.split("/", 1)[1] if "/" in path else ""
    path = path.split("#", 1)[0].split("?", 1)[0].lstrip("./").lstrip("/")
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return path
