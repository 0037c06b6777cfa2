"""Conservation holds on scrambled pages too: seed pages with their blocks shuffled, paragraphs
cut at random places and random paragraphs repeated (a fixed random seed keeps it repeatable)."""

import random

import pytest

from importer.pipeline import import_page
from importer.text import han_count
from seeds import SEEDS_DIR

SEEDS = SEEDS_DIR
PAGES = sorted(SEEDS.glob("*.txt"))


def scramble(text: str, rng: random.Random) -> tuple[str, int]:
    blocks = [block for block in text.split("\n\n") if block.strip()]
    for _ in range(rng.randint(1, 4)):                       # cut paragraphs mid-sentence
        i = rng.randrange(len(blocks))
        if len(blocks[i]) > 20:
            cut = rng.randrange(5, len(blocks[i]) - 5)
            blocks[i:i + 1] = [blocks[i][:cut], blocks[i][cut:]]
    repeats = 0
    for _ in range(rng.randint(0, 3)):                       # repeat a long paragraph elsewhere
        copy = rng.choice([block for block in blocks if han_count(block) >= 15])
        blocks.insert(rng.randrange(len(blocks)), copy)
        repeats += 1
    for _ in range(rng.randint(0, 3)):                       # swap two neighbours
        i = rng.randrange(len(blocks) - 1)
        blocks[i], blocks[i + 1] = blocks[i + 1], blocks[i]
    gaps = ["\n\n", "\n\n", "\n\n\n\n"]
    return "".join(block + rng.choice(gaps) for block in blocks), repeats


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.name[:3])
def test_scrambled_pages_still_balance(page):
    rng = random.Random(page.name)
    for round_ in range(10):
        text, repeats = scramble(page.read_text(encoding="utf-8"), rng)
        result = import_page(text.encode("utf-8"), f"{page.name}-{round_}")
        assert result.balance.ok, (round_, result.balance.describe())
        assert result.stories and len(result.articles) == len(result.stories)
        assert len(result.dropped) >= repeats     # every added copy is dropped and reported
