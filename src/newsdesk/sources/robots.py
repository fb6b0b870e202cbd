"""robots.txt for our User-Agent (protego): allowed paths, Crawl-delay and Sitemap lines."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Robots"]


@dataclass
class Robots:
    """One host's rules. ``Robots.parse("")`` (no robots.txt) allows everything."""

    _rules: object | None = None
    user_agent: str = "newsdesk"

    @classmethod
    def parse(cls, text: str | bytes, user_agent: str = "newsdesk") -> "Robots":
        from protego import Protego
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return cls(Protego.parse(text) if text.strip() else None, _token(user_agent))

    @classmethod
    def deny_all(cls) -> "Robots":
        """A host whose robots.txt answers 401/403 asks not to be crawled (RFC 9309 says a
        client may take it as no restriction; a polite watcher does not)."""
        return cls.parse("User-agent: *\nDisallow: /")

    def allowed(self, url: str) -> bool:
        return self._rules is None or self._rules.can_fetch(url, self.user_agent)

    def crawl_delay(self) -> float | None:
        if self._rules is None:
            return None
        delay = self._rules.crawl_delay(self.user_agent)
        return float(delay) if delay is not None else None

    def sitemaps(self) -> list[str]:
        return list(self._rules.sitemaps) if self._rules is not None else []


def _token(user_agent: str) -> str:
    """The product token robots.txt groups match on: "newsdesk" of "newsdesk/0.1.0 (+url)"."""
    return user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else "newsdesk"
