"""The watcher's state (sources, frontier) on PostgreSQL, as on SQLite: a pass stores every
article once, a second pass is conditional and fetches no article page."""
import pytest

from newsdesk.sources.watch import Watcher
from newsdesk.store import open_store

from _pg_server import pg_executable  # tests/_pg_server.py
from _site import NewsSite

PG_CTL, PG_SKIP = pg_executable()

if PG_CTL:
    from pytest_postgresql import factories

    pg_proc = factories.postgresql_proc(executable=PG_CTL, port=None, user="postgres")
    pg_db = factories.postgresql("pg_proc", dbname="newsdesk_watch")


@pytest.fixture
def pg_url(request):
    if not PG_CTL:
        pytest.fail(f"PostgreSQL is needed here: {PG_SKIP}", pytrace=False)
    i = request.getfixturevalue("pg_db").info
    return f"postgresql://{i.user}@{i.host}:{i.port}/{i.dbname}"


def test_watch_on_postgres(pg_url):
    with NewsSite("127.0.0.1", "p", crawl_delay=None) as site:
        with open_store(pg_url) as store:
            w = Watcher(store, [site.base + "/"], steps="extract", delay=0.0, allow_private=True, backoff=0.1)
            first = w.run_once()
            n = len(site.requests())
            second = w.run_once()
            urls = [r["url"] for r in store.list(limit=100)]
            [health] = w.book.health()
        assert sorted(urls) == sorted(site.expected_urls())
        assert first.added == len(urls) and first.errors == 1 and first.blocked == 2
        assert second.fetched == 0 and second.added == 0 and second.not_modified >= 6
        assert not any(x["path"].startswith("/news/") for x in site.requests(n))
        assert health["articles"] == len(urls) and health["healthy"] and health["failed"] == 1
