"""Command line, in process through main(argv) and as a real subprocess."""
import json
import os
import subprocess
import sys

import pytest

from newsdesk.cli import main

PAGE = """date 2024-02-20 Glacier lake drains near Juneau

A glacier-dammed lake near Juneau drained overnight, flooding several streets.
City officials said residents on the river bank had been warned on Monday.
"The water rose faster than last year," said Rosa Tlingit, a resident of the valley.
Crews were clearing debris from the roads on Tuesday morning.
"""

OTHER = """date 2024-02-21 Cleanup continues in Juneau

Volunteers in Juneau filled sandbags as the river level slowly fell.
The mayor thanked the volunteers and said damage reports would be ready by Friday.
"""


@pytest.fixture
def pages(tmp_path):
    d = tmp_path / "pages"
    d.mkdir()
    (d / "1.txt").write_text(PAGE, encoding="utf-8")
    (d / "2.txt").write_text(OTHER, encoding="utf-8")
    return d


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_extract_one_page_prints_pretty_json(pages, capsys):
    code, out, err = run(capsys, "extract", str(pages / "1.txt"), "--steps", "extract")
    assert code == 0
    assert out.startswith("{\n")  # indented: one page
    a = json.loads(out)
    assert list(a)[:8] == ["id", "url", "outlet", "title", "published", "byline", "language", "text"]
    assert a["published"].startswith("2024-02-20") and "Juneau" in a["text"] + a["title"]
    assert a["entities"] == [] and a["events"] == []


def test_extract_many_pages_prints_json_lines_in_order(pages, capsys):
    code, out, _ = run(capsys, "extract", str(pages / "2.txt"), str(pages / "1.txt"), "--steps", "extract")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert [json.loads(l)["source"] for l in lines] == [str(pages / "2.txt"), str(pages / "1.txt")]


def test_extract_directory_with_a_bad_page_reports_and_exits_1(pages, capsys):
    (pages / "3.bin").write_bytes(b"\x00\xff" * 100)
    code, out, err = run(capsys, "extract", str(pages), "--steps", "extract")
    records = [json.loads(l) for l in out.splitlines()]
    assert code == 1
    assert [("error" in r) for r in records] == [False, False, True]
    assert records[2]["source"] == str(pages / "3.bin") and records[2]["error"]
    assert str(pages / "3.bin") in err


def test_extract_overrides_and_bad_steps(pages, capsys):
    code, out, _ = run(capsys, "extract", str(pages / "1.txt"), "--steps", "extract",
                       "--url", "https://news.example.com/lake", "--published", "2024-03-01")
    a = json.loads(out)
    assert a["url"] == "https://news.example.com/lake" and a["published"].startswith("2024-03-01")
    with pytest.raises(SystemExit) as exc:
        main(["extract", str(pages / "1.txt"), "--steps", "extract,bogus"])
    assert exc.value.code == 2


def test_ingest_list_show_search_stats(pages, tmp_path, capsys):
    db = str(tmp_path / "nd.db")
    code, out, _ = run(capsys, "ingest", str(pages), "--db", db, "--steps", "extract")
    assert code == 0 and out.strip() == ("added 2, skipped 0 (already stored), errors 0; "
                                         "linked 2: 0 copies, 2 stories, 0 incidents")
    code, out, _ = run(capsys, "ingest", str(pages), "--db", db, "--steps", "extract")
    assert out.strip() == "added 0, skipped 2 (already stored), errors 0"

    code, out, _ = run(capsys, "list", "--db", db)
    rows = out.splitlines()
    assert code == 0 and len(rows) == 2
    assert "2024-02-21" in rows[0] and "2024-02-20" in rows[1]  # newest first
    first_id = rows[1].split()[0]

    code, out, _ = run(capsys, "show", first_id, "--db", db)
    assert code == 0 and "Juneau" in out and "2024-02-20" in out
    code, out, _ = run(capsys, "show", first_id, "--db", db, "--json")
    assert json.loads(out)["id"] == first_id
    code, _, err = run(capsys, "show", "doesnotexist", "--db", db)
    assert code == 1 and "doesnotexist" in err

    code, out, _ = run(capsys, "search", "sandbags", "--db", db)
    assert code == 0 and "[sandbags]" in out and len(out.splitlines()) == 2
    for weird in ['"', "sand* OR (", "NEAR(", "-x", "'; DROP TABLE articles; --"]:
        code, _, _ = run(capsys, "search", "--db", db, "--", weird)
        assert code == 0
    code, out, _ = run(capsys, "search", "sandbags", "--db", db, "--json")
    assert json.loads(out.splitlines()[0])["title"]

    code, out, _ = run(capsys, "stats", "--db", db, "--json")
    counts = json.loads(out)
    assert counts["articles"] == 2 and counts["errors"] == 0 and counts["events_by_type"] == {}
    code, out, _ = run(capsys, "stats", "--db", db)
    assert "articles" in out and "2" in out


def test_db_from_environment_and_missing_store(pages, tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "env.db")
    monkeypatch.setenv("NEWSDESK_DB", db)
    run(capsys, "ingest", str(pages / "1.txt"), "--steps", "extract")
    assert os.path.exists(db)
    with pytest.raises(SystemExit) as exc:
        main(["list", "--db", str(tmp_path / "absent.db")])
    assert "no store" in str(exc.value)
    assert not os.path.exists(tmp_path / "absent.db")  # reading never creates a store


def test_postgres_url_is_a_clear_error(pages, capsys):
    # Port 1 on loopback: nothing listens, so the connection is refused at once.
    code, _, err = run(capsys, "ingest", str(pages), "--db", "postgresql://nd:secret@127.0.0.1:1/nd",
                       "--steps", "extract")
    assert code == 2 and "cannot open PostgreSQL store" in err and "secret" not in err


def cli(*args, stdin=None, env=None):
    return subprocess.run([sys.executable, "-m", "newsdesk", *args], input=stdin,
                          capture_output=True, timeout=300, env=env)


def test_python_m_newsdesk_reads_stdin():
    r = cli("extract", "-", "--steps", "extract", stdin=PAGE.encode())
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["published"].startswith("2024-02-20")
    r = cli("extract", "-", "--steps", "extract", stdin=(PAGE + OTHER).encode())
    assert [json.loads(l)["source"] for l in r.stdout.splitlines()] == ["-#1", "-#2"]


def test_full_steps_via_subprocess(pages):
    r = cli("extract", str(pages / "1.txt"))
    assert r.returncode == 0, r.stderr
    a = json.loads(r.stdout)
    for key in ("entities", "places", "times", "quantities", "statements", "events"):
        assert isinstance(a[key], list)
    for e in a["entities"]:
        assert a["text"][e["start"]:e["end"]] == e["text"]


def test_help_texts():
    r = cli("--help")
    assert r.returncode == 0 and b"ingest" in r.stdout and b"search" in r.stdout
    r = cli("ingest", "--help")
    assert b"--workers" in r.stdout and b"NEWSDESK_DB" in r.stdout


def test_show_renders_sections():
    from newsdesk.cli import render_article
    from newsdesk.model import Article, Entity, Event, Statement
    text = "Fishermen protested in Tromsø. \"We will not accept this,\" said Ingrid Dahl."
    a = Article(
        id="x1", text=text, title="Quota protest", outlet="Nordlys", published="2024-05-06",
        byline=["K. Berg"],
        entities=[Entity("Ingrid Dahl", "PERSON", 62, 73, "Ingrid Dahl"),
                  Entity("Dahl", "PERSON", 68, 73, "Ingrid Dahl")],
        statements=[Statement("Ingrid Dahl", 62, 73, "said", 57, 61, "We will not accept this",
                              32, 55, "direct")],
        events=[Event("PROTEST", "protested", 10, 19, actors=["Fishermen"], targets=["government"],
                      place="Tromsø", time="2024-05-06", attributed_to="Nordlys")])
    out = render_article(a)
    assert out.splitlines()[0] == "Quota protest"
    assert "Nordlys" in out and "2024-05-06" in out and "K. Berg" in out
    assert "Ingrid Dahl [PERSON] ×2" in out
    assert "Ingrid Dahl — said — “We will not accept this”" in out
    assert "PROTEST asserted: Fishermen → government @ Tromsø, 2024-05-06, per Nordlys" in out


def test_show_prints_the_whole_body_paragraph_by_paragraph():
    from newsdesk.cli import render_article
    from newsdesk.model import Article, Event
    paras = [f"Paragraph {i} tells part {i} of the story, with enough words to wrap a line or two "
             f"when it is printed at seventy-nine columns." for i in range(14)]
    text = "\n".join(paras)
    a = Article(id="x2", text=text, title="Long story",
                events=[Event("PROTEST", "tells", 12, 17, actors=["x"], confidence=0.42)])
    out = render_article(a)
    assert len(text) > 1500
    flat = " ".join(out.split())
    assert all(" ".join(p.split()) in flat for p in paras)  # nothing cut
    assert "Paragraph 13 tells part 13 of the story" in out and "…" not in out
    assert "confidence 0.42" in out
