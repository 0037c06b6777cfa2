"""Conservation: every Han character of the page is in the articles exactly once, except the
characters of the duplicate paragraphs that were dropped and of the lines set aside as page
furniture or read as the page's Date/Source/column (each reported)."""

from collections import Counter
from dataclasses import dataclass, field

from importer.text import han_multiset


@dataclass
class Balance:
    page: Counter
    articles: Counter
    dropped: Counter
    set_aside: Counter = field(default_factory=Counter)

    @property
    def missing(self) -> Counter:
        return self.page - self.articles - self.dropped - self.set_aside

    @property
    def extra(self) -> Counter:
        return (self.articles + self.dropped + self.set_aside) - self.page

    @property
    def ok(self) -> bool:
        return not self.missing and not self.extra

    def describe(self) -> str:
        def sample(counter: Counter) -> str:
            return " ".join(f"{char}×{count}" for char, count in counter.most_common(12))
        parts = [f"Han characters in {sum(self.page.values())}, out {sum(self.articles.values())}, "
                 f"dropped duplicates {sum(self.dropped.values())}"]
        if self.set_aside:
            parts[0] += f", set aside {sum(self.set_aside.values())}"
        if self.missing:
            parts.append(f"MISSING {sum(self.missing.values())}: {sample(self.missing)}")
        if self.extra:
            parts.append(f"EXTRA {sum(self.extra.values())}: {sample(self.extra)}")
        return "; ".join(parts)


def balance(page_text: str, article_texts: list[str], dropped_texts: list[str],
            set_aside_texts: list[str] = ()) -> Balance:
    articles, dropped, set_aside = Counter(), Counter(), Counter()
    for text in article_texts:
        articles += han_multiset(text)
    for text in dropped_texts:
        dropped += han_multiset(text)
    for text in set_aside_texts:
        set_aside += han_multiset(text)
    return Balance(han_multiset(page_text), articles, dropped, set_aside)
