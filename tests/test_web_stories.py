"""The story page and the brief in Debian's chromium, against `newsdesk serve` over the demo
corpus's multi-outlet stories (ingested and linked by the CLI, as `make demo` does).

Screenshots go to build/screenshots/ (gitignored); their paths are printed.
"""
import subprocess
import sys
from pathlib import Path

import pytest

from test_web import browser, get, page, serving, shot  # noqa: F401  (fixtures and helpers)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
# Two stories told by several outlets, with wire copies, a corroborated and a contested incident.
FILES = ["html/danube-courier-chisinau-heating-protest.html",
         "html/eastline-post-chisinau-heating-protest.html",
         "html/meridian-wire-kharkiv-drone-attack.html.gz",
         "scraped/plains-gazette-kharkiv-drones.txt",
         "jsonl/linked-stories.jsonl"]


def newsdesk(*args):
    return subprocess.run([sys.executable, "-m", "newsdesk", *args], capture_output=True, text=True,
                          timeout=600, check=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("stories") / "stories.db"
    newsdesk("ingest", *[str(CORPUS / f) for f in FILES], "--db", str(db))
    newsdesk("link", "--rebuild", "--db", str(db))
    with serving(db) as base:
        yield {"base": base, "db": db}


def story_with(server, status: str) -> dict:
    inc = get(server["base"], f"/api/incidents?status={status}&limit=1")["items"][0]
    return get(server["base"], f"/api/stories/{inc['story_id']}")


def test_story_page_shows_incidents_with_their_claims(page, server):
    s = story_with(server, "contested")
    page.goto(f"{server['base']}/#/story/{s['id']}")
    page.wait_for_selector("#incidents li.incident")
    rows = page.locator("#incidents > li.incident")
    assert rows.count() == len(s["incidents"])
    contested = page.locator('#incidents > li[data-status="contested"]')
    corroborated = page.locator('#incidents > li[data-status="corroborated"]')
    assert contested.count() >= 1 and corroborated.count() >= 1
    assert contested.first.locator(".badge").inner_text().lower() == "contested"
    # A contested incident shows each outlet's claim: quoted span, who said it, outlet and time.
    claims = contested.first.locator(".claim")
    assert claims.count() >= 2
    outlets = {claims.nth(i).locator(".claim-link").inner_text().split(",")[0] for i in range(claims.count())}
    assert len(outlets) >= 2
    inc = next(i for i in s["incidents"] if i["status"] == "contested")
    for c in inc["claims"]:
        art = get(server["base"], f"/api/articles/{c['article_id']}")
        assert c["quote"] and c["quote"] in art["text"]  # the quote is the article's own words
        assert page.locator(".claim-quote", has_text=c["quote"][:60]).count() >= 1
        # the claim's trigger is marked inside its quote (one sentence may hold two claims)
        marks = page.locator(".claim-quote", has_text=c["quote"][:60]).locator("mark.claim-trigger")
        assert art["text"][c["start"]:c["end"]] in marks.all_inner_texts()
    # Header: outlets, article count, first and latest report.
    meta = page.locator("#story-meta").inner_text()
    assert f"{s['article_count']} article" in meta and s["first_seen"][:10] in meta
    # Timeline: one dot per dated article, one row per outlet; map: the located incidents.
    dated = [a for a in s["articles"] if a["published"]]
    assert page.locator("#story-timeline circle.tl-dot").count() == len(dated)
    located = [i for i in s["incidents"] if (i["summary"]["place"] or {}).get("lat") is not None]
    assert located
    drawn = page.locator("#story-map .story-marker, #story-map .story-area")
    assert drawn.count() >= 1
    # a country is shaded, not put on a point
    countries = {i["summary"]["place"]["name"] for i in located if i["summary"]["place"]["precision"] == "country"}
    assert page.locator("#story-map circle.story-marker[data-precision=country]").count() == 0
    assert page.locator("#story-map path.story-area[data-precision=country]").count() == len(countries)
    shot(page, "story-page", full_page=True)
    # A claim opens its article with the reported span highlighted.
    first = inc["claims"][0]
    art = get(server["base"], f"/api/articles/{first['article_id']}")
    contested.first.locator(".claim-link").first.click()
    page.wait_for_selector(".hl.focused")
    assert page.locator(".hl.focused").first.inner_text() in art["text"][first["start"]:first["end"]]
    # and the article names its story, linking back
    page.wait_for_selector("#article-story a")
    page.click("#article-story a")
    page.wait_for_selector("#story-title")
    assert page.evaluate("location.hash") == f"#/story/{s['id']}"


def test_story_page_folds_wire_copies(page, server):
    stories = get(server["base"], "/api/stories?limit=50")["items"]
    s = next(get(server["base"], f"/api/stories/{x['id']}") for x in stories
             if any(a["duplicate_of"] for a in get(server["base"], f"/api/stories/{x['id']}")["articles"]))
    page.goto(f"{server['base']}/#/story/{s['id']}")
    page.wait_for_selector("#story-articles li")
    copies = [a for a in s["articles"] if a["duplicate_of"]]
    assert page.locator("#story-articles > li").count() == len(s["articles"]) - len(copies)
    also = page.locator("#story-articles .also")
    assert also.count() >= 1 and "also carried by" in also.first.inner_text()
    assert any(a["outlet"] in also.first.inner_text() for a in copies)
    # copies are hollow dots on the timeline
    assert page.locator("#story-timeline circle.tl-copy").count() == len(copies)


def test_brief_ranks_stories_and_cites_every_fact(page, server):
    page.goto(f"{server['base']}/#/brief?since=30d")
    page.wait_for_selector("#brief-stories > li")
    b = get(server["base"], "/api/brief?since=30d")
    items = page.locator("#brief-stories > li")
    assert items.count() == len(b["stories"]) >= 2
    counts = [len(s["outlets"]) for s in b["stories"]]
    assert counts == sorted(counts, reverse=True)
    assert items.first.get_attribute("data-story") == b["stories"][0]["story_id"]
    facts = page.locator(".brief-fact")
    assert facts.count() == sum(len(s["facts"]) for s in b["stories"])
    for i in range(facts.count()):
        assert facts.nth(i).locator(".claim").count() >= 1
        assert facts.nth(i).locator(".badge").count() == 1
    contested = page.locator('.brief-fact[data-status="contested"]')
    assert contested.count() >= 1
    assert contested.first.locator("p.side").count() >= 2  # both sides
    # each citation marks its claim's word where the API says (inside a quote maybe cut)
    cites = [c for s in b["stories"] for f in s["facts"] for c in f["citations"] if c["mark"]]
    marked = page.locator(".brief-fact mark.claim-trigger").all_inner_texts()
    assert cites and sorted(marked) == sorted(c["quote"][c["mark"][0]:c["mark"][1]] for c in cites)
    shot(page, "brief", full_page=True)
    # The brief links each story to its page.
    items.first.locator(".brief-story-title a").click()
    page.wait_for_selector("#incidents li.incident")
    assert page.locator("#story-title").is_visible()


def test_brief_period_and_words_filter(page, server):
    page.goto(f"{server['base']}/#/brief?since=30d")
    page.wait_for_selector("#brief-stories > li")
    page.fill("#brief-q", "kharkiv")
    page.click("#brief-form button[type=submit]")
    page.wait_for_function("document.querySelectorAll('#brief-stories > li').length === 1")
    assert "kharkiv" in page.locator("#brief-stories").inner_text().lower()
    page.goto(f"{server['base']}/#/brief?since=2030-01-01")
    page.wait_for_selector("#brief-meta")
    assert page.locator("#brief-stories > li").count() == 0


def test_start_page_has_the_brief_link(page, server):
    page.goto(server["base"] + "/")
    page.wait_for_selector("#results li")
    page.wait_for_selector("#map svg")
    page.wait_for_function("document.getElementById('status').textContent === ''")
    shot(page, "start-page-demo")
    page.click("#nav-brief")
    page.wait_for_selector("#brief-stories > li")


def test_html_brief_is_self_contained_and_prints(browser, server, tmp_path):  # noqa: F811
    out = tmp_path / "brief.html"
    newsdesk("brief", "--since", "30d", "--format", "html", "-o", str(out), "--db", str(server["db"]))
    context = browser.new_context(viewport={"width": 900, "height": 1200})
    pg = context.new_page()
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto(out.as_uri())
    assert requests == [out.as_uri()]  # nothing else: no stylesheet, font, script or image
    assert pg.locator("section.story").count() >= 2
    assert pg.locator('.fact[data-status="contested"] p.side').count() >= 2
    pg.emulate_media(media="print")
    shot(pg, "brief-print", full_page=True)
    pdf = pg.pdf()
    assert pdf.startswith(b"%PDF")
    context.close()
