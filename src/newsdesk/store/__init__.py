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


def _redact(url: str) -> str:
    """The URL without its password, fit for an error message."""
    import re
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", str(url))


def open_store(url_or_path: str = "newsdesk.db") -> "Store":
    """Open (creating or migrating as needed) the store at ``url_or_path``."""
    path = sqlite_path(url_or_path)
    if path is not None:
        return SQLiteStore(path)
    scheme = str(url_or_path).partition("://")[0].lower()
    if scheme in ("postgres", "postgresql") or scheme.startswith("postgresql+"):
        try:
            from .postgres import PostgresStore  # lazy: psycopg is only needed here
        except ImportError as exc:
            raise StoreError(f"PostgreSQL needs psycopg 3 ({exc}): pip install 'newsdesk[postgres]'") from exc
        try:
            return PostgresStore(str(url_or_path))
        except Exception as exc:  # psycopg.OperationalError and kin: say which server failed
            if exc.__class__.__module__.startswith("psycopg"):
                raise StoreError(f"cannot open PostgreSQL store {_redact(url_or_path)}: "
                                 f"{str(exc).strip().splitlines()[0]}") from exc
            raise
    raise StoreError(f"unknown store URL scheme {scheme!r} (use a path, sqlite:///path or postgresql://)")
