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


# Fixed document folds (issue 16). Each bench keeps its documents in one fixed order (corpus
# order or file name) and document i lies in fold i % K_FOLDS. The even positions (folds 0
# and 2) are the "studied" folds: the halves earlier sessions read errors on, and the only
# ones whose errors may be read from now on. Folds 1 and 3 are "held out": scored, never
# read, and no rule, feature or threshold is chosen on them. Learned parts train on the
# studied folds. bench/README.md records, per gold set, what was studied before the folds.
K_FOLDS = 4
STUDIED_FOLDS = (0, 2)
HELDOUT_FOLDS = (1, 3)


def fold_of(index: int) -> int:
    return index % K_FOLDS


def in_folds(items, folds) -> list:
    """The items (in their fixed order) whose position lies in one of ``folds``."""
    return [x for i, x in enumerate(items) if fold_of(i) in folds]
