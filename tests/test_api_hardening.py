"""API and CLI hardening (issue 17, problem 7): the token is checked before a body is read,
a Host check stops DNS rebinding, security headers on every response, bounded CLI integers
and a capped CLI search query."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsdesk.api import create_app
from newsdesk.api.app import default_allowed_hosts

BIN = Path(sys.executable).parent / "newsdesk"
TOKEN = "s3cret-token"


@pytest.fixture
def db(tmp_path):
    from newsdesk.store import open_store
    path = str(tmp_path / "nd.db")
    open_store(path).close()
    return path


def test_token_is_checked_before_the_body_is_read(db):
    with TestClient(create_app(db, token=TOKEN)) as c:
        junk = b"{" + b"x" * 5_000_000  # not JSON at all: parsing it first would answer 422
        r = c.post("/api/pages", content=junk, headers={"Content-Type": "application/json"})
        assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
        r = c.post("/api/pages", content=junk, headers={"Authorization": "Bearer wrong",
                                                        "Content-Type": "application/json"})
        assert r.status_code == 401
        r = c.post("/api/pages", content=junk, headers={"Authorization": f"Bearer {TOKEN}",
                                                        "Content-Type": "application/json"})
        assert r.status_code == 422  # with the token, the body is read and judged
    with TestClient(create_app(db)) as c:  # no token: writing disabled, body unread
        assert c.post("/api/pages", content=b"{", headers={"Content-Type": "application/json"}).status_code == 403


def test_unknown_host_header_is_refused(db):
    app = create_app(db, allowed_hosts=default_allowed_hosts("127.0.0.1"))
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/health").status_code == 200
        assert c.get("/api/health", headers={"Host": "localhost:8000"}).status_code == 200
        r = c.get("/api/articles", headers={"Host": "rebound.attacker.example"})
        assert r.status_code == 400
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert default_allowed_hosts("0.0.0.0") == ["*"]
    assert default_allowed_hosts("10.1.2.3") == ["10.1.2.3"]


def test_security_headers_on_every_response(db):
    with TestClient(create_app(db)) as c:
        for path in ("/api/health", "/api/articles/nope", "/api/articles?limit=0", "/docs", "/"):
            r = c.get(path)
            assert r.headers["X-Content-Type-Options"] == "nosniff", path
            assert r.headers["X-Frame-Options"] == "DENY", path
            assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"], path


def _cli(*args, timeout=60):
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("args", [["list", "--limit", "99999999999999999999"],
                                  ["list", "--offset", "-5"],
                                  ["list", "--limit", "ten"],
                                  ["serve", "--port", "70000"]])
def test_cli_integers_are_bounded_with_a_clean_message(db, args):
    r = _cli(*args, "--db", db)
    assert r.returncode == 2, r.stdout
    assert "Traceback" not in r.stderr and "must be between" in r.stderr or "not a whole number" in r.stderr


def test_cli_search_query_is_capped(db):
    t0 = time.monotonic()
    r = _cli("search", " ".join(["port"] * 18_000), "--db", db)
    assert r.returncode == 2 and "at most 500" in r.stderr and "Traceback" not in r.stderr
    assert time.monotonic() - t0 < 30
    assert _cli("search", "harbour", "--db", db).returncode == 0
