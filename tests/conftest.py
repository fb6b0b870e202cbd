import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"


def missing_system_parts() -> list[str]:
    """What the browser and PostgreSQL tests need and this machine lacks, as install hints."""
    from _pg_server import pg_executable  # tests/_pg_server.py
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"{CHROMIUM} (the browser tests): apt-get install chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("Playwright for Python: pip install -e '.[test]' (or make venv)")
    pg, reason = pg_executable()
    if pg is None:
        missing.append(reason)
    return missing


def pytest_sessionstart(session):
    """``make test`` sets NEWSDESK_REQUIRE_SYSTEM=1: a machine without the browser or the
    PostgreSQL server then fails at once, saying what to install, instead of skipping
    those tests and reporting green. A bare ``pytest`` still skips them, with the reason."""
    if os.environ.get("NEWSDESK_REQUIRE_SYSTEM") not in ("1", "true", "yes"):
        return
    missing = missing_system_parts()
    if missing:
        pytest.exit("make test needs system packages that are missing (see README, Set up):\n  - "
                    + "\n  - ".join(missing), returncode=1)


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


def gold_body(seed) -> str:
    """The seed's article body, sliced from the raw page by the gold's first and last words.

    Lets enrichment tests run on the gold body without depending on the extraction step.
    """
    txt, gold = seed
    raw = txt.read_text(encoding="utf-8")
    first, last = gold["article"]["body_first_words"], gold["article"]["body_last_words"]
    start = raw.index(first)
    return raw[start:raw.index(last, start) + len(last)]


@pytest.fixture(scope="session")
def seed_body(seed) -> str:
    return gold_body(seed)


@pytest.fixture(scope="session")
def enricher():
    from newsdesk.enrich import Enricher
    return Enricher()


@pytest.fixture(scope="session")
def seed_enriched(seed, enricher):
    """The seed's gold body, dated and attributed to its outlet as the gold says, enriched."""
    from newsdesk.model import Article
    meta = seed[1]["article"]
    return enricher(Article(id="seed", text=gold_body(seed), published=meta["published"],
                            outlet=meta["outlet"]))


@pytest.fixture
def minilm_leads(monkeypatch):
    """Lead vectors from the MiniLM model (backend ``ort``) instead of the default static
    table: for scenarios whose synthetic articles were laid out on that model's geometry
    (which articles merge or split); the link mechanics they test do not depend on it."""
    from newsdesk.link import embed
    from newsdesk.store import links
    monkeypatch.setenv("NEWSDESK_ENCODER", "ort")
    embed.encoder.cache_clear()
    links._LINKERS.clear()
    yield
    embed.encoder.cache_clear()
    links._LINKERS.clear()
