"""Where newsdesk keeps files it builds once and reuses across processes (the gazetteer's
index, the encoder's graph): ``$XDG_CACHE_HOME/newsdesk``, else ``~/.cache/newsdesk``."""
from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsdesk"
