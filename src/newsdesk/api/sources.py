"""``GET /api/sources``: the watched sources and their health (``newsdesk watch`` keeps them)."""
from __future__ import annotations

from pydantic import BaseModel, Field


class FoundSource(BaseModel):
    url: str
    kind: str = Field(description="feed or sitemap (auto: not fetched yet)")


class SourceHealth(BaseModel):
    url: str
    kind: str = Field(description="site, feed, sitemap, or auto (not fetched yet)")
    added_at: str
    last_fetch: str | None = None
    last_success: str | None = Field(None, description="last fetch that answered 200 or 304")
    errors: int = Field(description="consecutive failed fetches (0: healthy)")
    last_error: str | None = None
    next_due: str | None = None
    found: list[FoundSource] = Field(description="feeds and sitemaps found under this source")
    articles: int = Field(description="articles stored from this source")
    queued: int
    failed: int
    blocked: int = Field(description="URLs robots.txt disallows")
    healthy: bool


def add_source_routes(app, backend, read) -> None:
    @app.get("/api/sources", response_model=list[SourceHealth], dependencies=read, tags=["sources"])
    def sources() -> list[dict]:
        """Watched sources with their health: last success, errors, articles stored."""
        from ..store.sources import SourceBook
        with backend.session() as store:
            return SourceBook(store).health()
