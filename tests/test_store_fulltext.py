"""SQLite full-text index as external content (schema v13): a v12 database upgrades with
its search answers unchanged, and the index follows adds, edits and deletes."""
import sqlite3

import pytest

from newsdesk.model import Article, Event
from newsdesk.store import Filters, open_store
from newsdesk.store import sqlite as sqlite_mod
from newsdesk.store.bulk import bulk_load

WORDS = ("harbour", "quota", "walrus", "ferry", "strike", "minister", "salmon", "storm")


def corpus(n, start=0):
    return [Article(id=f"a{i:05d}", title=f"{WORDS[i % 8].title()} report {i}",
                    text=f"The {WORDS[i % 8]} and the {WORDS[(i * 3) % 8]} were discussed "
                         f"in Tromsø on day {i}. Number{i} closes the story.",
                    published=f"2024-05-{1 + i % 28:02d}", outlet=("Nordlys", "iTromsø")[i % 2],
                    url=f"https://example.org/{i}", source=f"p{i}.html",
                    events=[Event(("PROTEST", "CONSULT")[i % 2], "discussed", 0, 3)])
            for i in range(start, start + n)]


def answers(store):
    out = []
    for q in ("harbour", "walrus storm", "number17", "tromsø", '"the ferry"', "salmon -x"):
        out.append(store.search(q, limit=50))
        page = store.articles(Filters(q=q), limit=30)
        out.append(([(r["id"], r.get("snippet")) for r in page.items], page.total))
        out.append(store.facets(Filters(q=q)))
    return out


@pytest.fixture
def v12_store(tmp_path, monkeypatch):
    """A store as version 12 wrote it (the FTS table holding its own copy of the texts)."""
    orig = sqlite_mod.migrate

    def migrate_to_12(conn, upto=12):
        orig(conn, upto=12)
        sqlite_mod.add_model_columns(conn)
        return 12

    path = tmp_path / "nd.db"
    monkeypatch.setattr(sqlite_mod, "migrate", migrate_to_12)
    with open_store(str(path)) as s:
        list(s.add_many(corpus(300), commit_every=70))
        before = answers(s)
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == 12
    monkeypatch.setattr(sqlite_mod, "migrate", orig)
    return path, before


def test_v12_database_upgrades_with_search_answers_unchanged(v12_store):
    path, before = v12_store
    with open_store(str(path)) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == sqlite_mod.SCHEMA_VERSION
        sql = s.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchone()[0]
        assert "content = 'articles'" in sql
        assert answers(s) == before
        assert s.articles(Filters(q="harbour")).total == 300 // 8 + (300 % 8 > 0)
        # new articles after the upgrade are found, the old ones still are
        list(s.add_many(corpus(5, start=300)))
        assert [h[0] for h in s.search("number302")] == ["a00302"]
        assert [h[0] for h in s.search("number17")] == ["a00017"]


def test_external_index_follows_edits_and_deletes(tmp_path):
    with open_store(str(tmp_path / "nd.db")) as s:
        list(s.add_many(corpus(40)))
        s.conn.execute("UPDATE articles SET text = 'Narwhal spotted near the quay.' WHERE id = 'a00003'")
        s.conn.execute("DELETE FROM articles WHERE id = 'a00005'")
        s.commit()
        assert [h[0] for h in s.search("narwhal")] == ["a00003"]
        assert s.search("number3") == []  # the old text left the index
        assert s.search("number5") == []
        assert s.articles(Filters(q="number5")).total == 0
        # the index is consistent with its content (FTS5's own check)
        s.conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")


def test_bulk_load_into_empty_and_non_empty_store_indexes_every_article(tmp_path):
    path = tmp_path / "nd.db"
    with open_store(str(path)) as s:
        assert bulk_load(s, corpus(120), batch_size=50, defer_indexes=True)["added"] == 120
        assert bulk_load(s, corpus(60, start=100), batch_size=25, defer_indexes=True)["added"] == 40
        assert s.articles(Filters(q="harbour")).total == 160 // 8
        assert [h[0] for h in s.search("number150")] == ["a00150"]
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
    assert conn.execute("SELECT count(*) FROM fts_map").fetchone()[0] == 160
    conn.close()
