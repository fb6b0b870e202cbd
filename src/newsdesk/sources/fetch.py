"""A polite asynchronous fetcher (httpx): robots.txt obeyed, one request at a time per host
with a delay between them, conditional GET, retries with backoff, a streamed size cap, and
no request to a private address unless allowed.

Every hop of a redirect chain is checked as the first request was: scheme (http, https),
robots.txt, the host's addresses (resolved here, refused if loopback, private, link-local,
multicast or reserved), then the connection goes to the address that was checked (the URL
carries the IP, the Host header and TLS SNI the name), so a second DNS answer cannot
redirect it.
"""
from __future__ import annotations

import asyncio
import ipaddress
import random
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit, urlunsplit

from .. import __version__
from .robots import Robots
from .urls import normalise, origin

__all__ = ["Fetcher", "FetchError", "Response", "USER_AGENT", "MAX_BYTES", "HTML_TYPES", "FEED_TYPES",
           "address_refusal"]

USER_AGENT = f"newsdesk/{__version__} (+https://github.com/newsdesk/newsdesk)"
MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Feeds and sitemaps come under many names; gzip and octet-stream for .xml.gz sitemaps.
FEED_TYPES = ("xml", "rss", "atom", "json", "text/plain", "gzip", "octet-stream")
_REDIRECTS = (301, 302, 303, 307, 308)
_RETRY = (429, 500, 502, 503, 504)


class FetchError(Exception):
    """A URL that gave no usable response; ``reason`` says why in words, ``sent`` whether
    any request left (False for refused addresses, robots.txt, bad schemes)."""

    def __init__(self, url: str, reason: str, status: int | None = None, sent: bool = True,
                 transient: bool = False):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.status, self.sent, self.transient = url, reason, status, sent, transient


@dataclass
class Response:
    url: str                       # final URL, normalised, after redirects
    status: int
    headers: dict[str, str]
    content: bytes = b""
    fetched: str = ""              # ISO time the response came
    redirects: list[str] = field(default_factory=list)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def address_refusal(ip: str) -> str | None:
    """Why a crawler must not connect to ``ip`` (None: a public address)."""
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    for kind in ("loopback", "private", "link_local", "multicast", "reserved", "unspecified"):
        if getattr(addr, f"is_{kind}"):
            return f"{addr} is a {kind.replace('_', '-')} address"
    if not addr.is_global:
        return f"{addr} is not a public address"
    return None


@dataclass
class _Host:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last: float = float("-inf")    # monotonic time the last response ended
    robots: Robots | None = None
    robots_task: asyncio.Future | None = None


class Fetcher:
    """``async with Fetcher(...) as f: resp = await f.get(url)``.

    ``delay``: seconds between two requests to one host when its robots.txt names no
    Crawl-delay (a larger Crawl-delay wins; a smaller one is raised to ``delay``).
    ``resolve``: host -> IP strings, instead of DNS (tests give names to loopback servers).
    ``refuse``: ip -> reason or None, instead of ``address_refusal``.
    ``on_request(method, url, status)``: called after each request sent (progress, logs).
    """

    def __init__(self, user_agent: str = USER_AGENT, delay: float = 1.0, allow_private: bool = False,
                 max_bytes: int = MAX_BYTES, max_redirects: int = MAX_REDIRECTS, retries: int = 3,
                 backoff: float = 1.0, max_wait: float = 120.0, connect_timeout: float = 10.0,
                 read_timeout: float = 30.0, total_timeout: float = 120.0,
                 resolve: Callable[[str], Iterable[str]] | None = None,
                 refuse: Callable[[str], str | None] | None = None,
                 on_request: Callable[[str, str, int | None], None] | None = None):
        self.user_agent = user_agent
        self.delay = delay
        self.allow_private = allow_private
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.total_timeout = total_timeout
        self._timeout = (connect_timeout, read_timeout)
        self._resolve = resolve
        self._refuse = refuse or address_refusal
        self.on_request = on_request
        self._hosts: dict[str, _Host] = {}
        self._client = None
        self.sent = 0

    async def __aenter__(self) -> "Fetcher":
        import httpx
        connect, read = self._timeout
        self._client = httpx.AsyncClient(
            follow_redirects=False, trust_env=False,  # no proxy from the environment
            timeout=httpx.Timeout(read, connect=connect, pool=connect),
            transport=httpx.AsyncHTTPTransport(retries=0))
        return self

    async def __aexit__(self, *exc) -> None:
        await self._client.aclose()

    # -- public ------------------------------------------------------------------
    async def get(self, url: str, accept: tuple[str, ...] = HTML_TYPES, etag: str | None = None,
                  last_modified: str | None = None) -> Response:
        """GET ``url`` following at most ``max_redirects`` redirects; raise FetchError."""
        current = normalise(url)
        if current is None:
            raise FetchError(url, "not an http or https URL", sent=False)
        chain: list[str] = []
        for _ in range(self.max_redirects + 1):
            resp = await self._hop(current, etag, last_modified)
            location = resp.headers.get("location")
            if resp.status in _REDIRECTS and location:
                from urllib.parse import urljoin
                target = urljoin(current, location)
                nxt = normalise(target)
                if nxt is None:
                    raise FetchError(current, f"redirect to a URL that is not http or https: {target}")
                chain.append(current)
                current = nxt
                etag = last_modified = None  # validators belong to the first URL
                continue
            resp.url, resp.redirects = current, chain
            if resp.status == 304:
                return resp
            if resp.status != 200:
                raise FetchError(current, f"HTTP {resp.status}", status=resp.status,
                                 transient=resp.status in _RETRY)
            ctype = resp.content_type
            if ctype and not any(a in ctype for a in accept):
                raise FetchError(current, f"unexpected content type {ctype}", status=200)
            return resp
        raise FetchError(url, f"more than {self.max_redirects} redirects")

    async def robots(self, url: str) -> Robots:
        """The robots.txt rules of ``url``'s host, read once per Fetcher."""
        host = self._host(origin(url))
        if host.robots is None:
            if host.robots_task is None:  # asked for by several requests at once: read once
                host.robots_task = asyncio.ensure_future(self._read_robots(origin(url)))
            try:
                host.robots = await asyncio.shield(host.robots_task)
            except FetchError:
                host.robots_task = None  # refused or unreachable: asked again next time
                raise
        return host.robots

    def host_delay(self, url: str) -> float:
        host = self._host(origin(url))
        stated = host.robots.crawl_delay() if host.robots else None
        return max(self.delay, stated or 0.0)

    # -- one hop -------------------------------------------------------------------
    def _host(self, key: str) -> _Host:
        if key not in self._hosts:
            self._hosts[key] = _Host()
        return self._hosts[key]

    async def _read_robots(self, site: str) -> Robots:
        try:
            resp = await self._send(site + "/robots.txt", None, None, check_robots=False)
        except FetchError as exc:
            if exc.status is None and not exc.sent:
                raise
            return Robots.parse("", self.user_agent)  # unreachable robots.txt: RFC 9309 §2.3.1.4
        if resp.status in (401, 403):
            return Robots.deny_all()
        if resp.status == 200:
            return Robots.parse(resp.content[:512 * 1024], self.user_agent)
        return Robots.parse("", self.user_agent)

    async def _hop(self, url: str, etag, last_modified) -> Response:
        robots = await self.robots(url)
        if not robots.allowed(url):
            raise FetchError(url, "disallowed by robots.txt", sent=False)
        return await self._send(url, etag, last_modified)

    async def _address(self, url: str) -> str:
        parts = urlsplit(url)
        host = parts.hostname or ""
        try:
            ips = [str(ipaddress.ip_address(host))]
        except ValueError:
            if self._resolve is not None:
                ips = list(self._resolve(host))
            else:
                try:
                    infos = await asyncio.get_running_loop().getaddrinfo(
                        host, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM)
                except OSError as exc:
                    raise FetchError(url, f"cannot resolve {host}: {exc.strerror or exc}", sent=False) from None
                ips = list(dict.fromkeys(info[4][0] for info in infos))
        if not ips:
            raise FetchError(url, f"cannot resolve {host}", sent=False)
        if self.allow_private:
            return ips[0]
        reasons = [self._refuse(ip) for ip in ips]
        for ip, reason in zip(ips, reasons):
            if reason is None:
                return ip
        raise FetchError(url, f"refused {host}: {reasons[0]} "
                              f"(pass --allow-private for a local site)", sent=False)

    async def _send(self, url: str, etag, last_modified, check_robots: bool = True) -> Response:
        """Send one request (with retries), keeping the host's delay; no redirect followed."""
        site = origin(url)
        host = self._host(site)
        ip = await self._address(url)
        async with host.lock:
            attempt = 0
            while True:
                wait = host.last + (self.host_delay(url) if check_robots else self.delay) - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                try:
                    resp = await asyncio.wait_for(self._request(url, ip, etag, last_modified),
                                                  self.total_timeout)
                    error = None
                except (asyncio.TimeoutError, OSError) as exc:
                    resp, error = None, f"timed out after {self.total_timeout:g} s" \
                        if isinstance(exc, asyncio.TimeoutError) else str(exc)
                except FetchError:
                    host.last = time.monotonic()
                    raise
                except Exception as exc:  # httpx transport errors: connect, read, protocol
                    resp, error = None, f"{type(exc).__name__}: {exc}".rstrip(": ")
                finally:
                    host.last = time.monotonic()
                status = resp.status if resp else None
                if self.on_request:
                    self.on_request("GET", url, status)
                if resp is not None and status not in _RETRY:
                    return resp
                if attempt >= self.retries:
                    if resp is not None:
                        return resp  # the caller turns the status into an error
                    raise FetchError(url, error or "no response", transient=True)
                pause = self._retry_after(resp) if resp is not None else None
                if pause is None:
                    pause = self.backoff * 2 ** attempt * (1 + random.random() / 4)
                if pause > self.max_wait:
                    raise FetchError(url, f"HTTP {status}: Retry-After {pause:.0f} s is over the "
                                          f"{self.max_wait:g} s this fetcher waits", status=status,
                                     transient=True)
                attempt += 1
                host.last = time.monotonic() + pause - self.host_delay(url)

    def _retry_after(self, resp: Response) -> float | None:
        value = resp.headers.get("retry-after", "").strip()
        if not value:
            return None
        if value.isdigit():
            return float(value)
        try:
            when = parsedate_to_datetime(value)
            return max(0.0, when.timestamp() - time.time())
        except (TypeError, ValueError):
            return None

    async def _request(self, url: str, ip: str, etag, last_modified) -> Response:
        from datetime import datetime, timezone
        parts = urlsplit(url)
        literal = f"[{ip}]" if ":" in ip else ip
        netloc = literal if parts.port is None else f"{literal}:{parts.port}"
        target = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
        headers = {"Host": parts.netloc, "User-Agent": self.user_agent,
                   "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
        self.sent += 1
        async with self._client.stream("GET", target, headers=headers, extensions=extensions) as r:
            headers_out = {k.lower(): v for k, v in r.headers.items()}
            body = bytearray()
            if r.status_code == 200:
                declared = headers_out.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(url, f"too large: {int(declared):,} bytes (Content-Length), "
                                          f"over the {self.max_bytes:,}-byte cap", status=200)
                async for chunk in r.aiter_bytes():
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise FetchError(url, f"too large: over {self.max_bytes:,} bytes after "
                                              f"{len(body):,} read; abandoned", status=200)
            return Response(url=url, status=r.status_code, headers=headers_out, content=bytes(body),
                            fetched=datetime.now(timezone.utc).isoformat(timespec="seconds"))
