import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def shared_path() -> Path:
    """Where ../shared lives (override with NEWSDESK_SHARED)."""
    return Path(os.environ.get("NEWSDESK_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_path()
    if not path.is_dir():
        pytest.skip("../shared is absent (gold sets are read in place, never copied)")
    return path


@pytest.fixture(scope="session")
def seed(shared):
    import json
    txt = shared / "seed" / "kyiv-independent-2023-01-05.txt"
    gold = shared / "seed" / "kyiv-independent-2023-01-05.gold.json"
    if not txt.exists():
        pytest.skip("seed page absent")
    return txt, json.loads(gold.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def enricher():
    from newsdesk.enrich import Enricher
    return Enricher()
