"""Where the shared gold sets live: $NEWSDESK_SHARED, else <repo>/../shared (None if absent)."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path | None:
    env = os.environ.get("NEWSDESK_SHARED")
    path = Path(env) if env else ROOT.parent / "shared"
    return path if path.is_dir() else None


def clean_article(text: str, source: str, date: str | None = None):
    """The Article ``newsdesk extract --input-format clean`` makes of the text: the same code
    path as the CLI, so the figures are newsdesk's own output; offsets must stay exact."""
    from newsdesk.extract import extract
    from newsdesk.model import RawPage

    art = extract(RawPage(content=text, source=source, format="clean", date=date))
    if art.text != text:
        raise AssertionError(f"{source}: clean extraction changed the text (offsets would shift)")
    return art
