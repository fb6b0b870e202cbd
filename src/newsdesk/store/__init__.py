"""Storage of articles and errors. ``open_store(url_or_path)`` picks the backend.

- ``newsdesk.db``, any path, or ``sqlite:///path`` → SQLiteStore
- ``postgresql://...`` (or ``postgres://``, ``postgresql+psycopg://``) → PostgresStore
  (needs psycopg 3: ``pip install 'newsdesk[postgres]'``; imported only then)
"""
from __future__ import annotations

from .base import Filters, Page, Store
from .sqlite import SQLiteStore

__all__ = ["open_store", "sqlite_path", "SQLiteStore", "StoreError", "Filters", "Page", "Store"]


class StoreError(Exception):
    """A store URL that cannot be opened."""


def sqlite_path(url_or_path: str) -> str | None:
    """The file a SQLite store lives in, or None for other backends."""
    target = str(url_or_path)
    scheme, sep, rest = target.partition("://")
    if not sep or len(scheme) == 1:  # a plain path (or a Windows drive letter)
        return target
    if scheme.lower() == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute.db, as SQLAlchemy spells them.
        path = rest[1:] if rest.startswith("/") else rest
        if not path:
            raise StoreError("sqlite URL without a path: use sqlite:///newsdesk.db")
        return path
    return None


def open_store(url_or_path: str = "newsdesk.db") -> "Store":
    """Open (creating or migrating as needed) the store at ``url_or_path``."""
    path = sqlite_path(url_or_path)
    if path is not None:
        return SQLiteStore(path)
    scheme = str(url_or_path).partition("://")[0].lower()
    if scheme in ("postgres", "postgresql") or scheme.startswith("postgresql+"):
        from .postgres import PostgresStore  # lazy: psycopg is only needed here
        return PostgresStore(str(url_or_path))
    raise StoreError(f"unknown store URL scheme {scheme!r} (use a path, sqlite:///path or postgresql://)")
