"""The web page end to end: Debian's chromium, driven by Playwright, against `newsdesk serve`.

Needs /usr/bin/chromium (CI installs it; `playwright install` is never used). Screenshots
go to build/screenshots/ (gitignored); their paths are printed.
"""
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from _pages import STORIES, html_page  # tests/_pages.py

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "build" / "screenshots"
TOKEN = "web-test-token"
LOW = 0.5  # the page hides events and statements below this confidence by default

try:
    from playwright import sync_api
except ImportError:
    sync_api = None
MISSING = ([f"{CHROMIUM} is missing (apt-get install chromium; CI installs it)"]
           * (not os.path.exists(CHROMIUM))
           + ["playwright is not installed (pip install -e '.[test]')"] * (sync_api is None))


@pytest.fixture(scope="session", autouse=True)
def browser_present():
    """These tests drive a real browser: without one they fail, saying what is missing."""
    if MISSING:
        pytest.fail("; ".join(MISSING), pytrace=False)


# Invented stories, written for these tests (the first ones shared with test_api).
PAGES = STORIES + [
    {"url": "https://sahel-report.example/gao-convoy", "date": "2024-03-12",
     "html": html_page("Sahel Report", "Aid convoy reaches Gao after attack on the road", [
         "Gunmen attacked an aid convoy near Gao on Sunday, the United Nations said.",
         "The convoy reached the city on Monday, and the agency said it would send more food "
         "to Mali next month."])},
]

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
LINK = '<a href="javascript:window.__xss=1">click me</a>'
HOSTILE = {
    "url": "javascript:window.__xss=1", "date": "2024-03-07",
    "html": html_page("Hostile Gazette", f"{SCRIPT} Hostile headline {IMG}", [
        f"Officials in Riga said on Monday that {SCRIPT} was found in a page with <mark>fake</mark> marks.",
        f"A reader sent {IMG} and {LINK} to the desk, police said."]),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(base: str, body) -> dict:
    req = urllib.request.Request(base + "/api/pages", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json",
                                          "Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.load(r)


def get(base: str, path: str):
    with urllib.request.urlopen(base + path, timeout=30) as r:
        return json.load(r)


@contextlib.contextmanager
def serving(db, *options):
    """`newsdesk serve` over ``db`` on a free port until the block ends; yields its base URL."""
    port = free_port()
    log = open(Path(db).parent / "serve.log", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "newsdesk", "serve", "--db", str(db),
                             "--port", str(port), *options],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                get(base, "/api/health")
                break
            except OSError:
                if proc.poll() is not None:
                    log.seek(0)
                    pytest.fail("newsdesk serve exited:\n" + log.read())
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`newsdesk serve` on a free port over a store filled through POST /api/pages."""
    db = tmp_path_factory.mktemp("web") / "web.db"
    with serving(db, "--token", TOKEN) as base:
        out = post(base, PAGES + [HOSTILE])
        assert out["added"] == len(PAGES) + 1, out
        ids = {r["url"]: r["id"] for r in out["results"]}
        yield {"base": base, "ids": ids}


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu",
                                    "--disable-background-networking",
                                    "--disable-component-update", "--disable-sync",
                                    "--no-first-run"])
        yield b
        b.close()


def keep_on_server(pg, base: str) -> list[str]:
    """Abort every request of ``pg`` that leaves ``base``; returns the list they are noted in."""
    outside: list[str] = []

    def route(r):
        if r.request.url.startswith(base):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    pg.route("**/*", route)
    return outside


@pytest.fixture
def page(browser, server):
    # bypass_csp: Playwright's wait_for_function needs eval, which the page's CSP forbids.
    # It also makes the XSS test prove that the DOM is built safely, CSP or not.
    context = browser.new_context(viewport={"width": 1366, "height": 768}, bypass_csp=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    # Offline: any request leaving the server is a bug (no CDN, no web fonts).
    outside = keep_on_server(pg, server["base"])
    pg.js_errors = errors  # a test expecting an error empties it
    yield pg
    context.close()
    assert not outside, f"the page tried to reach the network: {outside}"
    assert not errors, f"errors in the page: {errors}"


def shot(pg, name: str, **kw) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    (kw.pop("element").screenshot if "element" in kw else pg.screenshot)(path=str(path), **kw)
    print(f"screenshot: {path}")
    return path


def load(pg, server, hash_: str = "#/"):
    pg.goto(server["base"] + "/" + hash_)
    pg.wait_for_selector("#results li")
    pg.wait_for_selector("#events li")


def test_search_with_facets(page, server):
    load(page, server)
    assert page.locator("#results .result").count() == len(PAGES) + 1
    assert page.locator("#facets .facet").count() == 3
    page.fill("#q", "Kharkiv")
    page.press("#q", "Enter")
    page.wait_for_function("document.querySelectorAll('#results .result').length === 1")
    assert page.locator("#results .result-title").inner_text() == "Drone strike hits Kharkiv power station"
    assert page.locator("#results .snippet mark").first.inner_text() == "Kharkiv"
    assert "q=Kharkiv" in page.url
    assert "text: Kharkiv" in page.locator("#chips").inner_text()
    # A facet narrows the search; pressing it again clears it.
    page.click("#chips .chip")  # remove the text filter
    page.wait_for_function(f"document.querySelectorAll('#results .result').length === {len(PAGES) + 1}")
    outlet = page.locator("#facets .facet-value", has_text="Caucasus Post")
    outlet.click()
    page.wait_for_function("document.querySelectorAll('#results .result').length === 1")
    assert page.locator("#facets .facet-value.active").inner_text().startswith("Caucasus Post")
    assert page.locator("#results .meta").inner_text().startswith("Caucasus Post")
    shot(page, "search-facet")
    page.locator("#facets .facet-value.active").click()
    page.wait_for_function(f"document.querySelectorAll('#results .result').length === {len(PAGES) + 1}")
    # Event type facet filters the event list too.
    etype = page.locator("#facets .facet:nth-child(2) .facet-value").first
    name = etype.locator(".facet-name").inner_text()
    etype.click()
    page.wait_for_function("(t) => [...document.querySelectorAll('#events .type-badge')]"
                           ".every(b => b.textContent === t) && document.querySelector('#events .type-badge')",
                           arg=name)
    shot(page, "search")


def test_open_article_and_focus_a_statement(page, server):
    load(page, server)
    page.click("text=Ministers meet in Vienna to discuss grain corridor")
    page.wait_for_selector("#view-article:not([hidden]) #article-text .hl")
    assert page.locator("#article-title").inner_text() == "Ministers meet in Vienna to discuss grain corridor"
    link = page.locator("#article-head a")
    assert link.get_attribute("href") == "https://alpine-herald.example/grain-talks"
    for kind in ("entity", "place", "content", "cue", "source", "event"):
        assert page.locator(f"#article-text .hl-{kind}").count() >= 1, kind
    statement = page.locator(".ann-statement", has_text="Karl Brenner")
    assert statement.count() == 1
    statement.click()
    focused = page.evaluate("""() => { const a = document.activeElement;
        return {cls: a.className, text: a.textContent,
                all: [...document.querySelectorAll('.hl.focused')].map(n => n.textContent).join('')}; }""")
    assert "hl-content" in focused["cls"] and "focused" in focused["cls"]
    assert "We agreed to keep the corridor open" in focused["all"]
    box = page.locator("#article-text .hl.focused").first.bounding_box()
    assert box and 0 <= box["y"] <= 768, "the span is scrolled into view"
    # Its source and cue are highlighted in their own styles.
    assert page.locator("#article-text .hl-source", has_text="Karl Brenner").count() >= 1
    assert page.locator("#article-text .hl-cue", has_text="said").count() >= 1
    # An event in the list focuses its trigger.
    page.locator(".ann-event").first.click()
    assert "hl-event" in page.evaluate("document.activeElement.className")
    shot(page, "article")
    # Layers can be switched off.
    page.uncheck("#layer-content")
    bg = page.locator("#article-text .hl-content").first.evaluate("n => getComputedStyle(n).backgroundColor")
    assert bg in ("rgba(0, 0, 0, 0)", "transparent") or "253, 227, 200" in bg  # none, or focus colour


def test_keyboard_only(page, server):
    load(page, server)
    page.focus("#q")
    page.keyboard.press("Tab")  # Search button
    page.keyboard.press("Tab")  # first facet value (facets come before the results)
    assert page.evaluate("document.activeElement.classList.contains('facet-value')")
    page.focus("#results .result-title")
    title = page.evaluate("document.activeElement.textContent")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus is visible"
    page.keyboard.press("Enter")
    page.wait_for_selector("#view-article:not([hidden])")
    page.wait_for_function("(t) => document.querySelector('#article-title')?.textContent === t", arg=title)
    page.focus(".ann-statement")
    page.keyboard.press("Enter")
    assert "hl" in page.evaluate("document.activeElement.className")
    page.keyboard.press("Escape")
    page.wait_for_selector("#view-search:not([hidden])")


def test_timeline_filters_the_events(page, server):
    load(page, server)
    rows = get(server["base"], f"/api/timeline?min_confidence={LOW}")  # the page's default
    per_day: dict[str, int] = {}
    for r in rows:
        per_day[r["date"]] = per_day.get(r["date"], 0) + r["count"]
    assert len(per_day) >= 2
    page.wait_for_function("(n) => document.querySelectorAll('#timeline .tl-hit').length === n",
                           arg=len(per_day))
    hits = page.locator("#timeline .tl-hit")
    first = hits.first.get_attribute("data-day")
    hits.first.click()
    page.wait_for_function("(n) => document.querySelector('#events-count').textContent === `(${n})`",
                           arg=per_day[first])
    assert f"days={first}..{first}" in page.url
    assert page.locator("#timeline .tl-selection").count() == 1
    assert first in page.locator("#chips").inner_text()
    shot(page, "timeline-day")
    # Brushing across days keeps the events of all of them.
    days = sorted(per_day)
    a = page.locator(f"#timeline .tl-hit[data-day='{days[0]}']").bounding_box()
    b = page.locator(f"#timeline .tl-hit[data-day='{days[-2]}']").bounding_box()
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + 10)
    page.mouse.down()
    page.mouse.move((a["x"] + b["x"]) / 2, a["y"] + 10, steps=4)
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + 10, steps=4)
    page.mouse.up()
    expected = sum(n for d, n in per_day.items() if days[0] <= d <= days[-2])
    page.wait_for_function("(n) => document.querySelector('#events-count').textContent === `(${n})`",
                           arg=expected)
    assert f"days={days[0]}..{days[-2]}" in page.url
    # The chip clears the day filter.
    page.locator("#chips .chip-days").click()
    total = get(server["base"], f"/api/events?limit=1&min_confidence={LOW}")["total"]
    page.wait_for_function("(n) => document.querySelector('#events-count').textContent === `(${n})`",
                           arg=total)
    # Keyboard: Enter on a focused day picks it.
    page.focus(f"#timeline .tl-hit[data-day='{days[-1]}']")
    page.keyboard.press("Enter")
    page.wait_for_function("(n) => document.querySelector('#events-count').textContent === `(${n})`",
                           arg=per_day[days[-1]])


def test_map_shades_countries_and_marks_finer_places(page, server):
    """Countries are shaded shapes, first-level divisions shaded discs, cities and finer places
    dots; regions and unions are not drawn; nothing at a country's centre point."""
    load(page, server)
    page.wait_for_selector("#map .land path")
    assert page.locator("#map .land path").count() > 150, "the offline basemap is drawn"
    fc = get(server["base"], f"/api/events.geojson?min_confidence={LOW}")
    by = {}
    for f in fc["features"]:
        key = (round(f["geometry"]["coordinates"][0], 3), round(f["geometry"]["coordinates"][1], 3))
        by.setdefault(f["properties"]["precision"] or "point", set()).add(key)
    fine = by.get("city", set()) | by.get("point", set())
    assert by.get("country") and fine, by  # the stories name both countries and cities
    page.wait_for_function("(n) => document.querySelectorAll('#map circle.marker').length === n", arg=len(fine))
    assert page.locator("#map [data-precision=country].marker").count() == 0
    countries = page.locator("#map path.area-country")
    assert 1 <= countries.count() <= len(by["country"])
    assert page.locator("#map circle.area-division").count() == len(by.get("division", ()))
    # A shaded country is the basemap's own shape, named, and opens its event's article.
    area = countries.first
    name = area.get_attribute("data-name")
    assert name and area.get_attribute("d") == page.locator(
        "#map .land path", has=page.locator(f"title:text-is('{name}')")).first.get_attribute("d")
    assert "event" in area.get_attribute("aria-label")
    shot(page, "map-areas", element=page.locator(".map-box"))
    marker = page.locator("#map circle.marker").first
    label = marker.get_attribute("aria-label")
    marker.hover()
    assert page.locator("#map-tip").is_visible() and page.locator("#map-tip").inner_text() in label
    area.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#view-article:not([hidden]) #article-text .hl")
    assert page.evaluate("document.activeElement.className").count("hl-event")


def test_low_confidence_records_are_hidden_until_asked_for(page, server):
    base = server["base"]
    every = get(base, "/api/events?limit=200")["items"]
    kept = get(base, f"/api/events?limit=200&min_confidence={LOW}")["items"]
    assert len(kept) < len(every), "the stories hold low-confidence events"
    load(page, server)
    page.wait_for_function("(n) => document.querySelector('#events-count').textContent === `(${n})`",
                           arg=len(kept))
    assert not page.is_checked("#show-low")
    metas = page.locator("#events .event .meta").all_inner_texts()
    shown = [float(m.rsplit("confidence ", 1)[1]) for m in metas if "confidence " in m]
    assert shown and min(shown) >= LOW
    assert page.locator("#events .low-confidence").count() == 0
    shot(page, "confidence-default")
    page.check("#show-low")
    page.wait_for_function("(n) => document.querySelector('#events-count').textContent === `(${n})`",
                           arg=len(every))
    assert "low=1" in page.url
    assert page.locator("#events .low-confidence").count() == sum(e["confidence"] < LOW for e in every)
    shot(page, "confidence-all")
    # The article view hides them too, and says how many.
    low = next(e for e in every if e["confidence"] < LOW)
    page.uncheck("#show-low")
    page.wait_for_function("(n) => document.querySelector('#events-count').textContent === `(${n})`",
                           arg=len(kept))
    page.goto(f"{base}/#/article/{low['article_id']}")
    page.wait_for_selector("#view-article:not([hidden]) #article-side .ann-event, #article-side .low-note")
    assert "hidden" in page.locator("#article-side .low-note").inner_text()
    assert all("confidence" in t or "unscored" in t for t in page.locator("#article-side .ann-event").all_inner_texts())


def test_side_panel_starts_at_the_top_of_a_new_article(page, server):
    ids = list(server["ids"].values())
    page.set_viewport_size({"width": 1366, "height": 400})  # a short window: the panel scrolls
    page.goto(f"{server['base']}/#/article/{ids[0]}")
    page.wait_for_selector("#view-article:not([hidden]) #article-side .side-section")
    side = page.locator("#article-side")
    assert side.evaluate("n => n.scrollHeight > n.clientHeight"), "the panel must overflow for this test"
    side.evaluate("n => { n.scrollTop = n.scrollHeight; }")
    assert side.evaluate("n => n.scrollTop") > 0
    page.goto(f"{server['base']}/#/article/{ids[1]}")
    page.wait_for_function("(t) => document.querySelector('#article-title').textContent !== t",
                           arg=page.locator("#article-title").inner_text())
    page.wait_for_function("document.querySelector('#article-side').scrollTop === 0")


def test_api_docs_render_offline(page, server):
    """Swagger UI and ReDoc from the installed files; the fixture fails any request that
    leaves the server (no CDN)."""
    page.goto(server["base"] + "/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30000)
    assert "newsdesk" in page.locator(".swagger-ui .info .title").inner_text()
    shot(page, "docs")



def test_redoc_renders_offline(browser, server):
    """ReDoc under its own policy (not bypassed here): nothing leaves the server."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    pg = context.new_page()
    outside = keep_on_server(pg, server["base"])
    try:
        pg.goto(server["base"] + "/redoc")
        pg.wait_for_selector("[role=menuitem]", timeout=30000)
        assert "/api/events" in pg.content()
        shot(pg, "redoc")
        assert not outside, f"ReDoc tried to reach the network: {outside}"
    finally:
        context.close()


def test_hostile_text_renders_as_text(page, server):
    aid = server["ids"][HOSTILE["url"]]
    page.goto(server["base"] + "/#/article/" + aid)
    page.wait_for_selector("#article-title")
    title = page.locator("#article-title").inner_text()
    assert SCRIPT in title and IMG in title
    text = page.locator("#article-text").inner_text()
    assert SCRIPT in text and IMG in text and LINK in text
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("#view-article img, #view-article script, #view-article iframe").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    # The javascript: URL is shown as text, never as a link.
    assert "javascript:window.__xss=1" in page.locator("#article-head").inner_text()
    shot(page, "xss-article")
    # In the result list, the snippet and the event list too.
    page.goto(server["base"] + "/#/?q=Riga")
    page.wait_for_selector("#results .result")
    assert SCRIPT in page.locator("#results").inner_text()
    assert "<mark>fake</mark>" in page.locator("#results").inner_text()
    assert page.locator("#results mark").all_inner_texts() == ["Riga"]
    assert page.locator("#results img, #results script").count() == 0
    page.goto(server["base"] + "/#/?q=" + urllib.request.quote(SCRIPT))
    page.wait_for_selector("#results li")
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("main img, main script").count() == 0


def test_missing_article(page, server):
    page.goto(server["base"] + "/#/article/ffffffffffffffff")
    page.wait_for_selector("#article-head h2")
    assert page.locator("#article-head h2").inner_text() == "No such article"
    assert page.js_errors == ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
    page.js_errors.clear()


def test_concurrent_requests_on_the_server(server):
    from concurrent.futures import ThreadPoolExecutor
    paths = ["/api/articles", "/api/events", "/api/timeline", "/api/events.geojson",
             "/api/statements", "/api/entities", "/api/places"] * 8
    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(lambda p: get(server["base"], p), paths))
    assert len(results) == len(paths)
