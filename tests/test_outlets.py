"""One name per outlet (extract.outlets) and the URL a page gives for itself (extract.canonical)."""
from newsdesk.extract import extract
from newsdesk.extract.outlets import OutletBook, is_host_name
from newsdesk.model import Article, Event, PageError, RawPage, Statement


def art(id_, outlet, url, **kw):
    return Article(id=id_, text="Text.", outlet=outlet, url=url, **kw)


def test_host_names_are_recognised():
    assert is_host_name("meridianwire.example", "https://www.meridianwire.example/a")
    assert is_host_name("www.meridianwire.example", "https://meridianwire.example/a")
    assert is_host_name(None, "https://x.example/a")
    assert not is_host_name("Meridian Wire", "https://www.meridianwire.example/a")


def test_a_site_name_read_later_renames_earlier_host_named_articles_in_order():
    ev = Event("PROTEST", "protest", 0, 4, attributed_to="meridianwire.example")
    st = Statement("meridianwire.example", 0, 1, "said", 0, 1, "x", 0, 1, "reported")
    recs = [art("a", "meridianwire.example", "https://www.meridianwire.example/1", events=[ev], statements=[st]),
            PageError(source="bad", reason="broken"),
            art("b", "Other Post", "https://other.example/1"),
            art("c", "Meridian Wire", "https://meridianwire.example/2"),
            art("d", "lonely.example", "https://lonely.example/1")]
    out = list(OutletBook().unify(recs))
    assert [r.source if isinstance(r, PageError) else r.id for r in out] == ["a", "bad", "b", "c", "d"]
    assert [getattr(r, "outlet", None) for r in out] == ["Meridian Wire", None, "Other Post",
                                                         "Meridian Wire", "lonely.example"]
    assert ev.attributed_to == "Meridian Wire" and st.source == "Meridian Wire"


def test_html_url_comes_from_canonical_then_og_url():
    body = "<p>" + "The council met on Monday to discuss the harbour budget. " * 8 + "</p>"
    page = ('<html><head><title>T</title><link rel="canonical" href="https://news.example/a/1">'
            '<meta property="og:url" content="https://news.example/og"></head><body>' + body + "</body></html>")
    assert extract(RawPage(content=page, format="html")).url == "https://news.example/a/1"
    og_only = page.replace('<link rel="canonical" href="https://news.example/a/1">', "")
    assert extract(RawPage(content=og_only, format="html")).url == "https://news.example/og"
    # a URL given with the page wins; a relative canonical is resolved against it
    given = extract(RawPage(content=page.replace("https://news.example/a/1", "/a/2"), format="html",
                            url="https://news.example/given"))
    assert given.url == "https://news.example/given"
    junk = og_only.replace("https://news.example/og", "javascript:alert(1)")
    assert extract(RawPage(content=junk, format="html")).url is None


def test_a_syndicated_copy_does_not_take_the_originals_url():
    from newsdesk.extract.canonical import names_site
    assert names_site("The Harbor Ledger", "https://www.harborledger.example/a")
    assert names_site("New York Times", "https://www.nytimes.com/a")
    assert names_site("BBC News", "https://www.bbc.co.uk/news/a")
    assert names_site(None, "https://x.example/a")
    assert not names_site("Danube Courier", "https://www.eastlinepost.example/a")
    body = "<p>" + "Thousands marched in the capital on Sunday over heating prices. " * 8 + "</p>"
    page = ('<html><head><title>T</title><meta property="og:site_name" content="Danube Courier">'
            '<link rel="canonical" href="https://www.eastlinepost.example/world/1"></head><body>'
            + body + "</body></html>")
    copy = extract(RawPage(content=page, format="html"))
    assert copy.url is None and copy.outlet == "Danube Courier"
    assert any("syndicated" in w for w in copy.warnings)
    own = extract(RawPage(content=page.replace("Danube Courier", "Eastline Post"), format="html"))
    assert own.url == "https://www.eastlinepost.example/world/1" and own.id != copy.id
