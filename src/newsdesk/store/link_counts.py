"""How many rows ``articles`` and ``link_inputs`` hold, kept in ``link_counts`` by triggers
(SQLite ``_v18``, PostgreSQL ``_v16``), so that linking (store.links.link_new) learns
whether articles are missing links without a ``count(*)`` over either table.

The triggers run in the transaction that inserts or deletes the rows, whatever wrote
them (ingest, bulk loads, relink, a hand-made DELETE): the counts commit or roll back
with the rows and are never seen apart from them.

- SQLite: one row, updated per inserted or deleted row (writers take turns anyway).
- PostgreSQL: a row per statement that changed a table, holding the change (statement
  triggers over the transition table): concurrent writers each insert their own rows,
  so none waits for another's lock on a shared counter (a single row would serialize
  parallel loaders until they commit, or deadlock them with the articles' own unique
  index). The counts are the sums; ``compact`` folds the rows into one, and link_new
  calls it when they pile up. ``ENABLE ALWAYS``: the triggers also fire in the bulk
  loaders' sessions, which skip ordinary triggers (session_replication_role = replica).
"""
from __future__ import annotations

TABLES = {"articles": "articles", "link_inputs": "inputs"}   # table -> its count's column


def sqlite_schema() -> list[str]:
    """The table, its triggers, and the counts of the rows already stored."""
    out = ["""CREATE TABLE IF NOT EXISTS link_counts (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                articles INTEGER NOT NULL, inputs INTEGER NOT NULL)"""]
    for table, col in TABLES.items():
        for event, step in (("INSERT", "+ 1"), ("DELETE", "- 1")):
            out.append(f"CREATE TRIGGER IF NOT EXISTS link_counts_{table}_{event.lower()} "
                       f"AFTER {event} ON {table} BEGIN "
                       f"UPDATE link_counts SET {col} = {col} {step} WHERE id = 1; END")
    out.append("INSERT OR REPLACE INTO link_counts (id, articles, inputs) VALUES (1, "
               "(SELECT count(*) FROM articles), (SELECT count(*) FROM link_inputs))")
    return out


def postgres_schema() -> list[str]:
    """The table, its triggers (made again if there: a rerun of the migration), then the
    counts of the rows already stored (the triggers' lock on each table is held until the
    migration commits, so no insert falls between)."""
    out = [
        """CREATE TABLE IF NOT EXISTS link_counts (
            id BIGSERIAL PRIMARY KEY, articles BIGINT NOT NULL, inputs BIGINT NOT NULL)""",
        # the rows a statement inserted or deleted, as a row of link_counts (none if none)
        """CREATE OR REPLACE FUNCTION link_counts_change() RETURNS trigger
           LANGUAGE plpgsql AS $$
           DECLARE n BIGINT;
           BEGIN
               SELECT count(*) INTO n FROM changed;
               IF n > 0 THEN
                   IF TG_OP = 'DELETE' THEN n := -n; END IF;
                   IF TG_TABLE_NAME = 'articles' THEN
                       INSERT INTO link_counts (articles, inputs) VALUES (n, 0);
                   ELSE
                       INSERT INTO link_counts (articles, inputs) VALUES (0, n);
                   END IF;
               END IF;
               RETURN NULL;
           END $$""",
        # TRUNCATE holds the table exclusively: every row counted so far is gone
        """CREATE OR REPLACE FUNCTION link_counts_truncate() RETURNS trigger
           LANGUAGE plpgsql AS $$
           BEGIN
               IF TG_TABLE_NAME = 'articles' THEN
                   INSERT INTO link_counts (articles, inputs)
                       SELECT -coalesce(sum(articles), 0), 0 FROM link_counts;
               ELSE
                   INSERT INTO link_counts (articles, inputs)
                       SELECT 0, -coalesce(sum(inputs), 0) FROM link_counts;
               END IF;
               RETURN NULL;
           END $$""",
    ]
    for table in TABLES:
        for event, ref in (("INSERT", "NEW"), ("DELETE", "OLD")):
            name = f"link_counts_{table}_{event.lower()}"
            out += [f"DROP TRIGGER IF EXISTS {name} ON {table}",
                    f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                    f"REFERENCING {ref} TABLE AS changed FOR EACH STATEMENT "
                    "EXECUTE FUNCTION link_counts_change()",
                    f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}"]
        name = f"link_counts_{table}_truncate"
        out += [f"DROP TRIGGER IF EXISTS {name} ON {table}",
                f"CREATE TRIGGER {name} AFTER TRUNCATE ON {table} FOR EACH STATEMENT "
                "EXECUTE FUNCTION link_counts_truncate()",
                f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}"]
    out += ["DELETE FROM link_counts",
            "INSERT INTO link_counts (articles, inputs) VALUES "
            "((SELECT count(*) FROM articles), (SELECT count(*) FROM link_inputs))"]
    return out


# PostgreSQL: rows past which link_new folds them into one (reading a few is cheaper
# than rewriting them at every run).
COMPACT_AT = 64


def read(conn) -> tuple[int, int, int]:
    """(articles, link_inputs, rows of link_counts) as the caller's transaction sees them."""
    cur = conn.execute("SELECT coalesce(sum(articles), 0) AS a, coalesce(sum(inputs), 0) AS i, "
                       "count(*) AS n FROM link_counts")
    row = cur.fetchone()
    if isinstance(row, dict):
        row = tuple(row.values())
    return int(row[0]), int(row[1]), int(row[2])


def compact(conn) -> None:
    """Fold the rows into one (PostgreSQL). One statement: it sums exactly the rows it
    deletes, so a row another session commits meanwhile is neither lost nor counted twice."""
    conn.execute("WITH gone AS (DELETE FROM link_counts RETURNING articles, inputs) "
                 "INSERT INTO link_counts (articles, inputs) "
                 "SELECT coalesce(sum(articles), 0), coalesce(sum(inputs), 0) FROM gone")
