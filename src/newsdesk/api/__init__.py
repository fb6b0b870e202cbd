"""HTTP API and web page: ``create_app(db, token=None, open_reads=True)``; ``newsdesk serve``."""
from .app import app_from_env, create_app

__all__ = ["create_app", "app_from_env"]
