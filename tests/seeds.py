"""The source bulletin pages the tests run on: ../shared/seeds beside the checkout.

CI clones the project with shared/ beside it; a missing folder is an error,
never a reason to skip the tests that need it.
"""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
_CANDIDATES = (PROJECT_DIR.parent / "shared" / "seeds", Path("/work/shared/seeds"))

SEEDS_DIR = next((path for path in _CANDIDATES if path.is_dir()), None)
if SEEDS_DIR is None:
    raise RuntimeError("seed bulletins not found: expected ../shared/seeds beside the checkout "
                       f"(looked in {', '.join(map(str, _CANDIDATES))})")

SEED_PAGES = sorted(SEEDS_DIR.glob("*.txt"))
