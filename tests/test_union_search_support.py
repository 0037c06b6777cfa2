"""Articles cut from the real bulletin seeds, for the search tests (helpers + their checks)."""

from __future__ import annotations


from union_search.records import ArticleRecord
from seeds import SEED_PAGES

SEEDS = [str(path) for path in SEED_PAGES]


def seed_paragraphs(path: str) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    return [p.strip().lstrip("#").strip() for p in text.split("\n\n") if p.strip()]


def seed_records(chars_per_article: int = 1200) -> list[ArticleRecord]:
    """Cut each seed into articles of about `chars_per_article` characters.

    Titles are the first paragraph; regions/topics/dates vary so filters have
    something to separate.
    """
    records = []
    regions = [("浙江省›台州市›黄岩区",), ("浙江省›嘉兴市›南湖区",), ("江苏省›无锡市",), ()]
    topics = [("帮扶",), ("集体协商", "新就业形态"), ()]
    for seed_number, path in enumerate(SEEDS):
        paragraphs = seed_paragraphs(path)
        chunk: list[str] = []
        size = 0
        part = 0

        def flush():
            nonlocal chunk, size, part
            if not chunk:
                return
            title, body = chunk[0][:60], "\n".join(chunk[1:] or chunk)
            index = len(records)
            records.append(
                ArticleRecord(
                    url=f"articles/s{seed_number}-{part:02d}.html",  # noqa: B023 - called within the loop
                    title=title,
                    body=body,
                    date=f"{2021 + index % 4}-{1 + index % 12:02d}-{1 + index % 28:02d}",
                    regions=regions[index % len(regions)],
                    topics=topics[index % len(topics)],
                )
            )
            chunk, size, part = [], 0, part + 1

        for paragraph in paragraphs:
            chunk.append(paragraph)
            size += len(paragraph)
            if size >= chars_per_article:
                flush()
        flush()
    return records


def test_seed_records_keep_every_paragraph():
    records = seed_records()
    text = "\n".join(r.title + "\n" + r.body for r in records)
    for path in SEEDS:
        for paragraph in seed_paragraphs(path):
            assert paragraph[:60] in text
    assert len({r.url for r in records}) == len(records) >= 20


def test_progress_reports_periodic_counts_only_for_long_builds():
    import io

    from union_search.progress import Progress

    ticks = iter(range(0, 1000, 2))  # the clock advances 2 s per reading
    out = io.StringIO()
    progress = Progress("analysed", 300, interval=5.0, stream=out, clock=lambda: next(ticks))
    for _ in range(10):
        progress.advance(30)
    progress.done()
    lines = out.getvalue().splitlines()
    assert lines[-1].startswith("search: analysed 300/300 articles (100%)")
    assert 2 <= len(lines) <= 5, lines  # every ~5 s, not on every article
    quiet = io.StringIO()
    small = Progress("analysed", 20, stream=quiet)
    small.advance(20)
    small.done()
    assert quiet.getvalue() == ""
