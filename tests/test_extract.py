"""Extraction: the seed page, formats, HTML metadata, robustness."""
from __future__ import annotations

import time

import pytest

from newsdesk.extract import NO_TEXT, ExtractionError, extract, sniff_format
from newsdesk.model import RawPage, article_id


# --- the seed page ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_article(seed):
    txt, gold = seed
    page = RawPage(content=txt.read_text(encoding="utf-8"), source=str(txt), format="dated-text")
    return extract(page), gold["article"]


def test_seed_fields(seed_article):
    art, gold = seed_article
    assert art.outlet == gold["outlet"]
    assert art.title == gold["title"]
    assert art.published == gold["published"]
    assert art.byline == gold["byline"]
    assert art.language == gold["language"]
    assert art.id == article_id(None, art.text)


def test_seed_body(seed_article):
    art, gold = seed_article
    assert art.text.startswith(gold["body_first_words"])
    assert art.text.endswith(gold["body_last_words"])
    assert len(art.text.split("\n\n")) == gold["body_paragraphs"]
    for chrome in gold["boilerplate_that_must_not_be_in_body"]:
        if chrome == "OK":   # the cookie button: as a line of its own, not inside words
            assert "\nOK" not in art.text and not art.text.endswith("OK")
        else:
            assert chrome not in art.text, chrome
    assert "\xa0" not in art.text
    assert art.warnings == []


def test_seed_auto_is_dated_text(seed):
    txt, gold = seed
    content = txt.read_text(encoding="utf-8")
    assert sniff_format(content) == "dated-text"
    art = extract(RawPage(content=content, format="auto"))
    assert art.published == gold["article"]["published"]
    assert art.title == gold["article"]["title"]


def test_seed_page_date_overrides(seed):
    txt, _ = seed
    art = extract(RawPage(content=txt.read_text(encoding="utf-8"), format="dated-text", date="2023-01-07"))
    assert art.published == "2023-01-07"       # page says Jan 5: its time does not refine another day
    assert any("2023-01-05" in w for w in art.warnings)


def test_seed_as_bytes_and_with_url(seed):
    txt, gold = seed
    url = "https://kyivindependent.com/belarus-russian-troops/"
    art = extract(RawPage(content=txt.read_bytes(), format="dated-text", url=url))
    assert art.url == url and art.id == article_id(url, art.text)
    assert art.outlet == gold["article"]["outlet"]


# --- clean and auto ----------------------------------------------------------------------

def test_clean_keeps_text_identical():
    text = "  The council met on Monday.\xa0It voted 7-2 to close the bridge.\r\n\nShare\n"
    art = extract(RawPage(content=text, format="clean", date="2024-03-04", url="https://www.example.org/a"))
    assert art.text == text
    assert art.published == "2024-03-04"
    assert art.outlet == "example.org"
    assert art.title is None


def test_auto_detection():
    assert sniff_format("<!DOCTYPE html><html><body><p>x</p></body></html>") == "html"
    assert sniff_format("  date 2021-02-03 Some page text") == "dated-text"
    assert sniff_format("The mayor said on Monday that the bridge would close.\n\nIt will reopen in May.") == "text"
    assert sniff_format("<div><p>a</p><p>b</p><span>c</span><a href=x>d</a></div>") == "html"


# --- HTML --------------------------------------------------------------------------------

HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="windows-1252">
<title>Harbour ferry returns after storm | The Coastal Ledger</title>
<meta property="og:site_name" content="Coastal Ledger Online">
<meta property="og:title" content="Harbour ferry returns (og)">
<meta name="author" content="Meta Author">
<meta property="article:published_time" content="2024-02-11T08:30:00+01:00">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "ignored"},
  {"@type": "NewsArticle", "headline": "Harbour ferry returns after three-day storm",
   "datePublished": "2024-02-10T19:05:00+01:00",
   "author": [{"@type": "Person", "name": "Marta Quill"}, {"@type": "Person", "name": "Owen Pratt"}],
   "publisher": {"@type": "NewsMediaOrganization", "name": "The Coastal Ledger"}}]}
</script>
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<div class="cookie">We use cookies to improve your experience. <button>Accept</button></div>
<main><article>
<h1>Harbour ferry returns after three-day storm</h1>
<p class="byline">By Marta Quill and Owen Pratt</p>
<p>The island ferry resumed its crossings on Saturday morning after gales had kept it in port for three days, the operator said.</p>
<p>Around 240 passengers boarded the first sailing, many of them islanders who had been stranded on the mainland since Wednesday.</p>
<p>Harbour staff worked through the night to repair a damaged mooring post, and engineers inspected the ship’s hull before it was cleared to sail.</p>
<p>The operator said a second vessel would join the route next week to clear the backlog of freight lorries waiting at the quay.</p>
</article></main>
<footer><p>&copy; 2024 The Coastal Ledger. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"""


@pytest.fixture(scope="module")
def html_article():
    data = HTML_PAGE.encode("cp1252")   # the apostrophe becomes byte 0x92
    assert b"ship\x92s" in data
    return extract(RawPage(content=data, format="html", url="https://coastal-ledger.example/ferry"))


def test_html_body(html_article):
    text = html_article.text
    assert text.startswith("The island ferry resumed its crossings")
    assert text.endswith("waiting at the quay.")
    assert len(text.split("\n\n")) == 4
    assert "ship’s hull" in text          # cp1252 byte 0x92 decoded from the declared charset
    for chrome in ("Home", "cookies", "All rights reserved", "Privacy"):
        assert chrome not in text


def test_html_metadata_prefers_jsonld(html_article):
    a = html_article
    assert a.title == "Harbour ferry returns after three-day storm"
    assert a.published == "2024-02-10T19:05"
    assert a.byline == ["Marta Quill", "Owen Pratt"]
    assert a.outlet == "The Coastal Ledger"
    assert a.language == "en"
    assert a.url == "https://coastal-ledger.example/ferry"


def test_html_metadata_from_meta_tags():
    page = HTML_PAGE.split("<script")[0] + HTML_PAGE.split("</script>")[1]
    a = extract(RawPage(content=page, format="auto"))
    assert a.published == "2024-02-11T08:30"
    assert a.byline == ["Meta Author"]
    assert a.outlet == "Coastal Ledger Online"
    assert a.text.startswith("The island ferry resumed")


def test_html_page_date_overrides():
    a = extract(RawPage(content=HTML_PAGE, format="html", date="2024-02-10"))
    assert a.published == "2024-02-10T19:05"    # same day: the page's time refines the corpus date
    a = extract(RawPage(content=HTML_PAGE, format="html", date="2024-03-01"))
    assert a.published == "2024-03-01"


# --- errors ------------------------------------------------------------------------------

@pytest.mark.parametrize("content", ["", "   \n\t  ", b"", b"\n\n  "])
def test_empty_raises(content):
    with pytest.raises(ExtractionError, match="empty"):
        extract(RawPage(content=content, format="auto"))


def test_pdf_raises():
    pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\nstream\n\x00\x9c\xff\x10\nendstream\n%%EOF"
    for fmt in ("auto", "html", "text", "clean"):
        with pytest.raises(ExtractionError, match="binary"):
            extract(RawPage(content=pdf, format=fmt))


def test_nul_bytes_and_noise_raise():
    with pytest.raises(ExtractionError, match="binary"):
        extract(RawPage(content=b"hello\x00world " * 50, format="text"))
    noise = bytes(range(1, 32)) * 40
    with pytest.raises(ExtractionError):
        extract(RawPage(content=noise, format="text"))


def test_bad_encoding_raises():
    # Mostly invalid UTF-8, and bytes that cp1252 leaves undefined (0x81, 0x8d, 0x8f, 0x90, 0x9d).
    data = b"The council met \xc3\x28 on Monday " + b"\x81\x8d\x8f\x90\x9d\xc3" * 20 + b" and voted."
    with pytest.raises(ExtractionError, match="undecodable"):
        extract(RawPage(content=data, format="text"))
    with pytest.raises(ExtractionError, match="undecodable"):
        extract(RawPage(content="bad \udc81 surrogates " + "\ufffd" * 40, format="text"))


def test_huge_markup_fails_fast():
    blob = b"<html><body>" + b"<div><p>row</p></div>" * (50 * 1024 * 1024 // 21) + b"</body></html>"
    text = blob.decode("ascii")
    assert len(blob) > 50_000_000
    t0 = time.perf_counter()
    with pytest.raises(ExtractionError, match="too large"):
        extract(RawPage(content=blob, format="html"))
    with pytest.raises(ExtractionError, match="too large"):
        extract(RawPage(content=text, format="auto"))
    assert time.perf_counter() - t0 < 1.0


def test_size_limit_is_configurable():
    with pytest.raises(ExtractionError, match="too large"):
        extract(RawPage(content="The council met on Monday and voted to close the bridge.", format="text"), max_bytes=10)


# --- generic scraped text ----------------------------------------------------------------

SCRAPED = """Subscribe nowLog in
NewsWorldSportCulture
Opinion
Monday, 4 March 2024

Council votes to close the old river bridge

By Ana Ruiz and Tom Bell11 March 2024 at 9:15 am
Share on FacebookTweet
The city council voted on Monday evening to close the old river bridge to cars from April, citing cracks found during an inspection last month.

Engineers said the steel supports had corroded faster than expected and that heavy traffic could no longer be allowed across the span.

Repairs

The work is expected to take at least two years and cost about 14 million euros, according to the council's own estimate.
Shop owners on the east bank said they feared losing customers while the bridge is closed.
Ana Ruiz
Ana Ruiz is a city reporter who has covered local politics for ten years and lives by the river.
Join 5,000 subscribersBecome a member
This site uses cookies to personalise content. By continuing to browse you agree to our use of cookies.
Accept
© 2024 The River Gazette
"""


@pytest.fixture(scope="module")
def scraped():
    return extract(RawPage(content=SCRAPED, format="text", url="https://rivergazette.example/bridge"))


def test_scraped_glued_byline_and_date(scraped):
    assert scraped.byline == ["Ana Ruiz", "Tom Bell"]
    assert scraped.published == "2024-03-11T09:15"        # the byline's date, not the page's dateline
    assert scraped.title == "Council votes to close the old river bridge"
    assert scraped.outlet == "The River Gazette"


def test_scraped_body_and_chrome(scraped):
    text = scraped.text
    assert text.startswith("The city council voted on Monday evening")
    assert text.endswith("while the bridge is closed.")
    assert "Repairs" in text                               # a subhead inside the body is kept
    for chrome in ("Share", "Tweet", "cookies", "Accept", "subscribers", "city reporter", "Subscribe", "Sport"):
        assert chrome not in text, chrome
    assert len(text.split("\n\n")) == 5
    assert scraped.language == "en"


def test_scraped_cookie_and_share_lines_dropped():
    body = ("The regional train line will reopen on Friday after a month of track repairs, the operator said.\n"
            "We use cookies to give you the best experience on our website.\n"
            "Share this article\n"
            "Passengers had used replacement buses between the two towns since the end of January.\n")
    art = extract(RawPage(content=body, format="text"))
    assert art.text == ("The regional train line will reopen on Friday after a month of track repairs, the operator said."
                        "\n\nPassengers had used replacement buses between the two towns since the end of January.")
    assert "no publication date found" in art.warnings


def test_scraped_testimonial_dropped():
    text = ("Heavy snow closed the mountain pass for a second day on Tuesday, stranding dozens of lorries at the border.\n\n"
            "Police said the road would reopen once ploughs had cleared the drifts and the avalanche risk had fallen.\n\n"
            "“Reliable reporting I read every single morning with my coffee,\n"
            "and I recommend it to my friends.”\n"
            "Peter K., subscriber since 2019\n")
    art = extract(RawPage(content=text, format="text"))
    assert art.text.endswith("the avalanche risk had fallen.")
    assert "Peter K." not in art.text and "coffee" not in art.text


def test_not_english_is_not_en():
    text = ("Der Stadtrat hat am Montag beschlossen, die alte Brücke für den Verkehr zu sperren. "
            "Die Arbeiten sollen mindestens zwei Jahre dauern und werden von der Stadt bezahlt, "
            "die auch die Umleitung für den Verkehr plant.")
    art = extract(RawPage(content=text, format="clean"))
    assert art.language == "de"


def test_reader_comments_are_not_the_body():
    article = "\n\n".join(
        f"Paragraph {i} of the report says the harbour authority approved the new pier after a long public consultation."
        for i in range(4))
    comments = "\n".join(
        f"reader{i} says:\nNovember 19, 2019 at {i + 1}:00 am\n"
        f"I think this is a terrible decision and the council should have listened to the residents who live near the pier {i}."
        for i in range(12))
    page = f"Harbour pier approved\nBy Lee Wong\n{article}\n12 responses to “Harbour pier approved”\n{comments}\nLeave a Reply"
    art = extract(RawPage(content=page, format="text"))
    assert art.text.startswith("Paragraph 0 of the report")
    assert art.text.endswith("long public consultation.")
    assert "says:" not in art.text and "terrible" not in art.text and "responses" not in art.text
    assert art.title == "Harbour pier approved" and art.byline == ["Lee Wong"]


def test_link_teasers_are_not_the_body():
    teasers = "\n".join(
        f"Local Team Wins Big Game In {town}The home side came back from ten points down to win the final in front of a packed stadium."
        for town in ("Leeds", "York", "Hull", "Derby", "Bath", "Wells", "Ely", "Ripon", "Truro", "Exeter"))
    body = ("The water company said on Tuesday that supplies to the northern district had been restored after a burst main.\n"
            "Engineers worked overnight to replace a section of the pipe, and bottled water stations will close on Wednesday.")
    art = extract(RawPage(content=f"{teasers}\n\n{body}", format="text"))
    assert art.text == body.replace("\n", "\n\n")


def test_page_without_article_text_is_an_empty_article_with_a_warning():
    # Parsed, but nothing to keep: the Article is empty and its first warning says why.
    for content, fmt in (("<html><head><title>x</title></head><body><div></div></body></html>", "html"),
                         (b"<html><head><title>Only a title</title></head></html>", "auto"),
                         ("Home\nNews\nSport\nShare\nSubscribe now", "text")):
        art = extract(RawPage(content=content, format=fmt))
        assert art.text == "" and art.warnings[0] == NO_TEXT


def test_frames_only_page_says_so():
    page = (b'<html><head><title>Frames</title></head><frameset cols="50%,50%">'
            b'<frame src="a.html"><frame src="b.html"></frameset></html>')
    art = extract(RawPage(content=page, format="auto"))
    assert art.text == "" and art.warnings[0] == NO_TEXT
    assert any("frameset" in w for w in art.warnings)


def test_pdf_renamed_html_is_rejected_fast():
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\n" + b"\x00\x01stream" * 1000
    with pytest.raises(ExtractionError, match="PDF"):
        extract(RawPage(content=pdf, format="html", url="https://example.org/report.html"))


@pytest.mark.parametrize("blob", [
    b"<html><body>" + b"<table><tr><td>cell text " * 800_000 + b"</body></html>",          # 20 MB, nested
    b"<html><body><table>" + b"<tr><td>cell</td><td>more cell text</td></tr>" * 450_000 + b"</table></body></html>",
])
def test_20mb_of_tables_returns_in_bounded_time(blob):
    assert len(blob) > 19_000_000
    with pytest.raises(ExtractionError, match="too large"):      # the default limit: at once
        extract(RawPage(content=blob, format="html"))
    t0 = time.perf_counter()
    art = extract(RawPage(content=blob, format="html"), max_bytes=64 * 1024 * 1024)
    assert time.perf_counter() - t0 < 30
    assert art.text == "" and art.warnings[0] == NO_TEXT or "cell" in art.text


def test_utf16_with_bom_is_decoded():
    text = "The council met on Monday and voted to close the old bridge to traffic from April."
    art = extract(RawPage(content=b"\xff\xfe" + text.encode("utf-16-le"), format="text"))
    assert art.text == text


def test_very_long_text_is_capped_and_fast():
    line = "The committee said the report would be published next week after a final review by the board."
    t0 = time.perf_counter()
    art = extract(RawPage(content="\n".join([line + f" {i}." for i in range(60000)]), format="text"))
    assert time.perf_counter() - t0 < 20
    assert any("lines" in w for w in art.warnings)


def test_reporting_that_mentions_support_or_says_is_kept():
    text = ("The prime minister told parliament on Monday that the country would support our allies with more aid.\n\n"
            "In a letter to members, the chair says:\n\n"
            "“We will not accept any cuts to the hospital budget this year, whatever the council decides.”\n\n"
            "Hospital staff welcomed the statement but said they were still waiting for a written guarantee.\n\n"
            "The mayor pledged to donate his salary.\n\n"
            "Residents must register by Friday to vote in the local referendum on the hospital, officials said.")
    art = extract(RawPage(content=text, format="text"))
    assert art.text == text


def test_dated_text_header_variants():
    body = "The council met on Monday and voted to close the old bridge to traffic from April onwards."
    assert extract(RawPage(content="\ufeff\n  date 2023-01-05 " + body)).published == "2023-01-05"
    assert extract(RawPage(content="date 2023-01-05 17:40\n" + body)).published == "2023-01-05T17:40"
    assert extract(RawPage(content="date 2023-01-05 " + body, date="2023-01-06")).published == "2023-01-06"
    with pytest.raises(ExtractionError, match="impossible date"):
        extract(RawPage(content="date 2023-02-30 " + body, format="dated-text"))
    with pytest.raises(ExtractionError, match="date"):
        extract(RawPage(content=body, format="dated-text"))


def test_article_split_by_a_widget_is_rejoined():
    first = [f"The river authority said on Friday that flood defences along the east bank had held during the storm, report {i}."
             for i in range(4)]
    second = [f"Engineers will inspect the barrier again next week before the spring tides arrive in the estuary, note {i}."
              for i in range(4)]
    widget = ["Most read", "CELEB SHOCK", "Star spotted at airport in disguise", "HOLIDAY HELL",
              "Family stranded for days after airline collapse", "Advertisement"]
    page = "\n".join(["River defences hold", "By Sam Hale"] + first + widget + second + ["Topics", "Weather"])
    art = extract(RawPage(content=page, format="text"))
    assert art.text == "\n\n".join(first + second)


# --- general clean-up rules on HTML bodies (invented pages) --------------------------------

CHUNK_PARAS = [f"Paragraph {w} of the harbour report says the pier will be rebuilt in stone before the winter storms arrive."
               for w in ("one", "two", "three", "four", "five", "six")]


def _chunked_page() -> str:
    chunks = "".join(
        f'<div class="story-chunk body-part"><p>{CHUNK_PARAS[i]}</p><p>{CHUNK_PARAS[i + 1]}</p></div>'
        f'<aside class="ad-slot"><p>Advertisement</p></aside>' for i in (0, 2, 4))
    person = ('<span class="person-rollover"><a href="/p/ann">Ann Lee</a><span class="rollover-card">'
              '<a href="/s/1">Ann Lee wins award for harbour reporting | Council budget vote delayed</a></span></span>')
    return ("<!DOCTYPE html><html lang='en'><head><title>Pier to be rebuilt | Harbour Post</title></head><body>"
            "<article><h1>Pier to be rebuilt</h1>"
            f"<p>The harbour master {person} said on Monday that the pier would be rebuilt in stone this year.</p>"
            f"<div class='chunks'>{chunks}</div>"
            "<p>Don't miss</p><p>Storm closes coastal road for a day</p><p>Ferry fares to rise in spring</p>"
            "<p>Divers found the old pier's timber piles badly rotten during an inspection in the autumn, officials said.</p>"
            "</article></body></html>")


def test_article_split_into_chunks_is_read_whole_and_cards_are_dropped():
    art = extract(RawPage(content=_chunked_page(), format="html", url="https://harbourpost.example/pier"))
    paras = art.text.split("\n\n")
    assert paras[0] == "The harbour master Ann Lee said on Monday that the pier would be rebuilt in stone this year."
    assert [p for p in paras if p.startswith("Paragraph")] == CHUNK_PARAS      # every chunk, in page order
    assert "award" not in art.text and "Advertisement" not in art.text          # hover card, ad label
    assert "Storm closes" not in art.text and "Don't miss" not in art.text      # the related box
    assert paras[-1].startswith("Divers found")                                 # the story goes on after it


def test_closing_list_of_headline_links_is_dropped_but_short_lists_stay():
    story = "".join(f"<p>{p}</p>" for p in CHUNK_PARAS[:3])
    facts = "<ul><li>England: tenth appearance</li><li>Spain: eleventh appearance</li><li>Wales: second appearance</li></ul>"
    links = "<ul>" + "".join(f"<li><a href='/x{i}'>{t}</a></li>" for i, t in enumerate((
        "Council approves new harbour wall after long public consultation",
        "Ferry operator adds second vessel to the island route next week",
        "Fishermen ask for deeper berths at the old quay before summer"))) + "</ul>"
    page = f"<html><body><article><h1>Pier</h1>{story}{facts}{links}</article></body></html>"
    art = extract(RawPage(content=page, format="html"))
    assert "tenth appearance" in art.text and "second appearance" in art.text
    assert "Council approves" not in art.text and "Fishermen ask" not in art.text


# --- scraped text: lists, fact lines and repeated copies (invented pages) --------------------

_LAKE = [f"The lake council said on Tuesday that the water level had fallen for the {w} month in a row, and that "
         f"boat owners should check their moorings." for w in ("third", "fourth", "fifth")]


def test_scraped_list_and_fact_lines_after_the_prose_are_kept():
    facts = ["Northbank (3-1): Ana Pires 2 goals, 1 assist. Tom Reed 1 goal.",
             "Westfield (1-3): Lee Moss 4 saves, Dan Ito 1 goal.",
             "Eastmoor d. Southgate 2-0",
             "Eastmoor (2-2): Ola Berg 2 goals. Sam Cole 5 saves."]
    page = "\n".join(["Menu", "Home", "Sport", "Lake league round-up", "By Ivy Stone"] + _LAKE + facts
                     + ["Share this article", "Facebook", "Twitter", "Most read", "Ferry fares to rise in spring"])
    art = extract(RawPage(content=page, format="text"))
    assert art.text == "\n\n".join(_LAKE + facts)


def test_scraped_list_items_inside_the_article_do_not_split_it():
    items = [f"Boat owners on the {side} shore, who must move their boats by Friday, the council said"
             for side in ("north", "south", "east", "west", "upper", "lower", "inner")]
    tail = [f"Harbour staff will check every mooring again next {d}, when the council expects more rain to fall."
            for d in ("week", "month")]
    page = "\n".join(["Lake level falls again", "By Ivy Stone"] + _LAKE + ["The order covers:"] + items + tail
                     + ["Related", "Ferry fares to rise in spring", "Advertisement"])
    art = extract(RawPage(content=page, format="text"))
    assert art.text == "\n\n".join(_LAKE + ["The order covers:"] + items + tail)


def test_scraped_teaser_list_after_the_article_stays_out():
    teasers = ["Ferry fares to rise in spring as fuel costs climb", "false", "Council delays vote on new marina",
               "false", "Storm closes coastal road for a day", "false", "Fishing ban lifted after two years"]
    page = "\n".join(["Lake level falls again", "By Ivy Stone"] + _LAKE + ["Top Video", "Don't Miss"] + teasers)
    art = extract(RawPage(content=page, format="text"))
    assert art.text == "\n\n".join(_LAKE)


def test_scraped_article_carried_twice_is_kept_once():
    copy = ["Menu", "Sections", "Sport", "Weather", "Podcasts", "Newsletters", "Jobs", "Events"]
    page = "\n".join(["Lake level falls again", "By Ivy Stone"] + _LAKE + copy + _LAKE + ["Advertisement"])
    art = extract(RawPage(content=page, format="text"))
    assert art.text == "\n\n".join(_LAKE)


def test_scraped_newsletter_prompt_is_chrome():
    from newsdesk.extract.scraped import classify_line
    assert classify_line("Stay up to date with Harbour Post. Subscribe to our weekly newsletter.") == "chrome"
    assert classify_line("The club asked members to subscribe to the new pension plan by Friday.") == "prose"


# --- scraped text: captions, author boxes, widgets, tables, ledes ------------------------

_QUARRY = [
    "The county approved plans on Tuesday to turn the disused quarry at Elmbrook into a public park with a swimming lake.",
    "Work on the paths and the visitor centre will start in spring, and the lake should open to swimmers the summer after.",
    "Residents had campaigned for a decade to stop the site being filled with builders' waste from the new ring road.",
    "The council will pay for most of the work, with a regional lottery fund covering the cost of the new footbridge.",
]


def _scraped(lines: list[str]) -> str:
    return extract(RawPage(content="\n\n".join(lines), format="text")).text


def test_scraped_picture_captions_and_labels_are_dropped():
    page = (["Quarry to become a park", "By Nell Ward"] + _QUARRY[:2]
            + ["Divers test the water of the flooded pit at Elmbrook in May (AP Photo/Jo Hart, File)"]
            + _QUARRY[2:3]
            + ["Image copyright Getty Images", "Image caption", "The old crusher house will be kept as a cafe"]
            + _QUARRY[3:] + ["Related Topics", "Parks"])
    assert _scraped(page) == "\n\n".join(_QUARRY)


def test_scraped_embedded_post_labels_do_not_split_the_article():
    # Two embedded posts: six short labels between paragraphs; the article goes on below them.
    tail = ["The park is expected to draw about 80,000 visitors a year, the council's planning report says.",
            "A bus route from the town centre to the new entrance is to be added when the lake opens.",
            "Campaigners said they would keep watching the project until the first swimmers were in the water."]
    page = (["Quarry to become a park"] + _QUARRY
            + ["Image copyright @elmbrookparks", "@elmbrookparks", "Report",
               "Image copyright @countyhall", "@countyhall", "Report"] + tail + ["Share this story", "Facebook"])
    assert _scraped(page) == "\n\n".join(_QUARRY + tail)


def test_scraped_about_the_author_box_ends_the_body():
    page = (["Quarry to become a park", "Nell Ward", "March 4, 2024"] + _QUARRY
            + ["About Nell Ward",
               "Nell Ward has covered local government for the paper since 2015 and lives in Elmbrook with her family."])
    assert _scraped(page) == "\n\n".join(_QUARRY)
    page = (["Quarry to become a park"] + _QUARRY
            + ["About the author", "She has written about parks, planning and the countryside for many years now."])
    assert _scraped(page) == "\n\n".join(_QUARRY)


def test_scraped_newsletter_box_ends_the_body():
    page = (["Quarry to become a park"] + _QUARRY
            + ["Get the week's best local stories delivered straight to your inbox every Friday morning.",
               "No spam, we promise. You can unsubscribe at any time and we will never share your details."])
    assert _scraped(page) == "\n\n".join(_QUARRY)


def test_scraped_list_of_headline_links_inside_the_page_stays_out():
    page = (["Quarry to become a park"] + _QUARRY[:2]
            + ["Seven Quiet Lakes Worth The Drive This Summer", "Why Old Quarries Make Great Nature Reserves",
               "The Town That Saved Its Railway Station"] + _QUARRY[2:])
    assert _scraped(page) == "\n\n".join(_QUARRY)


def test_scraped_promotion_in_capitals_is_dropped():
    page = (["Quarry to become a park"] + _QUARRY[:2] + ["READ MORE LOCAL NEWS BY CLICKING HERE"] + _QUARRY[2:])
    assert _scraped(page) == "\n\n".join(_QUARRY)


def test_scraped_table_flattened_to_cells_is_kept():
    intro = ["The final standings of the county cricket league after the last round on Saturday are below.",
             "Elmbrook won the title for the first time since 1998 after beating Ashford by six wickets."]
    cells = ["Pos.", "Team", "Played", "Points"]
    for pos, (team, played, points) in enumerate(
            [("Elmbrook", "14", "212"), ("Ashford", "14", "198"), ("Kingsmere", "14", "176"),
             ("Oldcastle", "14", "150"), ("Brackley", "14", "131")], 1):
        cells += [str(pos), team, played, points]
    page = ["Menu", "Sport", "Cricket", "Elmbrook take the league title"] + intro + cells + [
        "Share on Facebook", "Share on Twitter"]
    assert _scraped(page) == "\n\n".join(intro + cells)


def test_scraped_list_repeated_in_the_text_is_not_a_menu():
    plan = ["Breakfast", "Two eggs, one slice of toast, half a cup of berries, black coffee"]
    assert not any(l.kind == "nav" and l.text == plan[1]
                   for l in __import__("newsdesk.extract.scraped", fromlist=["_lines"])._lines(
                       "\n".join(plan + plan), []))


def test_scraped_lede_without_full_stop_is_kept_but_a_deck_is_not():
    lede = "The county approved plans on Tuesday to turn the disused quarry at Elmbrook into a public park"
    page = ["Quarry to become a park", "March 4, 2024", lede] + _QUARRY[1:]
    assert _scraped(page) == "\n\n".join([lede] + _QUARRY[1:])
    deck = "Campaigners say a decade of letters and meetings has finally paid off for the town"
    page = ["Menu", "Quarry To Become A Park With A Lake", deck] + _QUARRY
    assert _scraped(page) == "\n\n".join(_QUARRY)


# --- scraped text: related boxes, calls to action, credits, fine print, other scripts -------

def test_scraped_related_box_inside_the_text_stays_out():
    page = (["Quarry to become a park"] + _QUARRY[:2]
            + ["Read also:", "Council rejects plan for a second marina on the river",
               "Why the old ring road is still closed to lorries?", "Ferry fares to rise in spring"]
            + _QUARRY[2:])
    assert _scraped(page) == "\n\n".join(_QUARRY)
    # A heading in another language, with the links' section labels between them.
    page = (["Quarry to become a park"] + _QUARRY[:2]
            + ["Leia também", "Cidade", "Prefeitura adia obras da nova ponte sobre o rio", "Esporte",
               "Clube da cidade vence o campeonato regional de remo"] + _QUARRY[2:])
    assert _scraped(page) == "\n\n".join(_QUARRY)


def test_scraped_calls_to_action_after_the_text_stay_out():
    page = (["Quarry to become a park"] + _QUARRY
            + ["Follow us on Twitter, Facebook and Instagram for more local news.",
               "Got a tip? Send it to the newsroom and one of our reporters will look into it.",
               "Subscribe to the Elmbrook Gazette YouTube channel for the latest videos from the county.",
               "We may earn a commission when you buy through links on this page."])
    assert _scraped(page) == "\n\n".join(_QUARRY)
    # The same verbs inside a news sentence are news.
    from newsdesk.extract.scraped import _is_call_to_action
    assert not _is_call_to_action("Thousands of residents follow the council on Twitter, the mayor said on Monday.")
    assert not _is_call_to_action("The minister asked voters to subscribe to the new savings bond before March.")


def test_scraped_caption_above_its_credit_line_is_dropped():
    page = (["Quarry to become a park", "By Nell Ward"] + _QUARRY[:2]
            + ["Swimmers test the water of the flooded pit at Elmbrook on a warm day in May.", "Photo: Jo Hart, AP"]
            + _QUARRY[2:3]
            + ["The old crusher house, seen from the north bank, will become a cafe.", "Courtesy of Elmbrook Council"]
            + _QUARRY[3:])
    assert _scraped(page) == "\n\n".join(_QUARRY)


def test_scraped_labels_inside_the_text_are_dropped_and_do_not_end_it():
    page = (["Quarry to become a park"] + _QUARRY[:3]
            + ["Story continues below advertisement", "toggle caption", "Image 1 of 12"]
            + ["Councillors said the lake would be fenced off until lifeguards are hired."])
    assert _scraped(page) == "\n\n".join(_QUARRY[:3] + ["Councillors said the lake would be fenced off until lifeguards are hired."])


def test_scraped_site_fine_print_is_not_the_article():
    fine = ["The information provided on this website is for general informational purposes and is not advice.",
            "These statements have not been evaluated by the Food and Drug Administration in any way at all.",
            "Acme and the Acme logo are registered trademarks of Acme Media Inc. in many countries of the world.",
            "The material on this site may not be reproduced except with the prior written permission of Acme."]
    short = _QUARRY[:2]
    page = ["Quarry to become a park", "By Nell Ward"] + short + ["Share", "Facebook", "Twitter"] + fine + ["© 2024 Acme"]
    assert _scraped(page) == "\n\n".join(short)
    # Parties agreeing to terms, or a story about a website, are news.
    from newsdesk.extract.scraped import classify_line
    assert classify_line("Both sides agree to the terms of the ceasefire, the envoy said on Monday.") == "prose"
    news = "The council's planning portal says the website will show every objection to the quarry scheme."
    assert _scraped(["Quarry to become a park"] + _QUARRY[:2] + [news] + _QUARRY[2:]).count(news) == 1


def test_scraped_text_in_scripts_without_capitals_is_prose():
    from newsdesk.extract.scraped import classify_line
    assert classify_line("قال وزير الخارجية إن المحادثات ستستمر الأسبوع المقبل في العاصمة بمشاركة وفود من عدة دول.") == "prose"
    assert classify_line("प्रधानमंत्री ने कहा कि सरकार अगले साल तक सभी गांवों में बिजली पहुंचाने का लक्ष्य रखती है।") == "prose"
    assert classify_line("정부는 다음 주부터 새로운 정책을 시행할 예정이라고 밝혔다. 이번 조치는 경제 회복을 위한 것이다.") == "prose"
    assert classify_line("Home News Sport Weather About Us Contact") != "prose"


def test_scraped_surname_with_a_prefix_is_not_glue():
    from newsdesk.extract.scraped import classify_line
    assert classify_line("Elmbrook's Hugh McPherson won first place in the 100 yard freestyle.") == "prose"


def test_scraped_time_stamp_after_the_text_is_not_text():
    page = (["Quarry to become a park"] + _QUARRY + ["Updated at 1:23 p.m.", "Tags Elmbrook parks quarry lake"])
    assert _scraped(page) == "\n\n".join(_QUARRY)


def test_scraped_embedded_post_at_the_end_is_kept():
    post = ["The lake will be open to swimmers next summer, and we cannot wait. https://t.co/abc123",
            "— Elmbrook Parks (@elmbrookparks) March 4, 2024"]
    page = (["Quarry to become a park"] + _QUARRY + post + ["Updated at 1:23 p.m.", "Most Popular", "Video"])
    assert _scraped(page) == "\n\n".join(_QUARRY + post)


def test_scraped_split_article_keeps_the_lines_between_its_parts():
    # A short widget splits the text; the list between the parts belongs to the article.
    items = [f"{t}: open daily from 9 am, entry free for residents, parking at the north gate"
             for t in ("Lake", "Woodland trail", "Visitor centre")]
    more = ["The council will publish the final design in June, after a last round of public meetings.",
            "Work on the car park is due to start in the autumn, once the nesting season is over.",
            "The footbridge over the old rail cutting will be built last, the planning report says."]
    page = (["Quarry to become a park"] + _QUARRY + items + more)
    assert _scraped(page) == "\n\n".join(_QUARRY + items + more)


def test_scraped_byline_split_over_two_lines_is_one_byline():
    page = ["Quarry to become a park", "By", "Nell Ward", "The county approved the plans in a close vote."] + _QUARRY
    art = extract(RawPage(content="\n".join(page), format="text"))
    assert art.byline == ["Nell Ward"]
    assert "Nell Ward" not in art.text


def test_scraped_deck_above_the_dateline_is_not_the_text():
    deck = "The county says the swimming lake should open the summer after next, once the paths are laid."
    page = ["Quarry to become a park", deck, "4 March 2024 08:00 GMT"] + _QUARRY
    assert _scraped(page) == "\n\n".join(_QUARRY)
    # Without a dateline between, the first paragraph is the article's.
    assert _scraped(["Quarry to become a park"] + _QUARRY) == "\n\n".join(_QUARRY)


def test_scraped_paragraph_repeated_in_the_body_is_kept_once():
    quote = "“We have waited ten years for this lake, and we will be the first in the water,” one resident said."
    page = ["Quarry to become a park"] + _QUARRY[:2] + [quote, _QUARRY[2], quote, _QUARRY[3]]
    assert _scraped(page) == "\n\n".join(_QUARRY[:2] + [quote] + _QUARRY[2:])


def test_scraped_tag_list_is_chrome_but_a_headline_is_not():
    from newsdesk.extract.scraped import classify_line
    assert classify_line("Tags Elmbrook quarry parks county council") == "chrome"
    assert classify_line("Filed under: Politics | Elections") == "chrome"
    assert classify_line("Category 5 storm makes landfall on the coast") != "chrome"


def test_scraped_teaser_with_read_more_button_stays_out_but_a_cut_lede_stays():
    teaser = "The ferry company says fares will rise by a tenth in spring."
    page = ["Quarry to become a park"] + _QUARRY[:2] + [teaser, "Read More"] + _QUARRY[2:]
    assert _scraped(page) == "\n\n".join(_QUARRY)
    long_lede = " ".join(_QUARRY[:2])     # a long opening cut short by the button is the article's
    page = ["Quarry to become a park", long_lede, "Read more"] + _QUARRY[2:]
    assert _scraped(page).startswith(long_lede)


def test_scraped_dateline_on_its_own_line_opens_the_text_and_the_deck_above_stays_out():
    deck = "The county says the swimming lake should open the summer after next, once the paths are laid."
    page = ["Quarry to become a park", "March 4, 2024", deck, "ELMBROOK, Westshire"] + _QUARRY
    assert _scraped(page) == "\n\n".join(["ELMBROOK, Westshire"] + _QUARRY)
    # A credit in capitals is not a dateline.
    from newsdesk.extract.scraped import _DATELINE
    assert not _DATELINE.match("ITV, ASSOCIATED PRESS") and _DATELINE.match("LONDON (Reuters) -")


def test_scraped_inline_link_prefixes_are_chrome():
    from newsdesk.extract.scraped import classify_line
    assert classify_line("Also: See our full coverage of the county elections") == "chrome"
    assert classify_line("SEE MORE: Ferry fares to rise in spring") == "chrome"


def test_scraped_comment_rules_open_the_comment_section():
    from newsdesk.extract.scraped import classify_line
    assert classify_line("Comments are moderated and will appear once a moderator has approved them.") == "comments"
    assert classify_line("ATENÇÃO: Comentários ofensivos não serão aprovados pelo moderador.") == "comments"
    assert classify_line("The council said the comments were removed from the minutes after a complaint.") == "prose"
    page = (["Quarry to become a park"] + _QUARRY
            + ["Comments are moderated and will appear once a moderator has approved them.",
               "Great news, we have waited for this lake for years and years, and so have our children!"])
    assert _scraped(page) == "\n\n".join(_QUARRY)


_PORTS = ["Three ports on the west coast were closed on Tuesday as a storm brought winds of more than 100 km/h to the region.",
          "Ferries were cancelled and lorries were told to wait at service stations inland until the wind dropped.",
          "The coastguard said it had rescued two people from a yacht that lost its mast off the point.",
          "Forecasters expect the wind to ease on Wednesday evening, when the ports should reopen."]


def test_scraped_article_split_by_a_player_and_a_slideshow_is_read_whole_without_captions():
    media = ["Watch: Waves hit the harbour wall", "Video", "00:45", "Waves crash over the harbour wall at Elmbrook",
             "1 of 8", "Photos", "A lorry waits at the closed port gate.", "2 of 8",
             "Fishing boats sheltering in the inner harbour.", "3 of 8", "Next", "Previous"]
    page = ["Storm forces closure of three ports", "Updated 14:02 GMT, 5 March 2024"] + _PORTS[:2] + media + _PORTS[2:]
    assert _scraped(page) == "\n\n".join(_PORTS)
    # A list of links between the parts is no picture: a short part below it stays out.
    links = ["More stories", "Ferry fares to rise in spring as fuel costs climb", "Council delays vote on new marina",
             "Storm closes coastal road for a day"]
    page = ["Storm forces closure of three ports"] + _QUARRY + ["Photo: Jo Hart", "1 of 3"] + links + _PORTS[2:]
    assert "coastguard" not in _scraped(page)


def test_scraped_note_on_the_author_at_the_end_is_dropped_but_not_inside():
    note = "Ann Lee is the Harbour Post's harbour reporter. Reach her at ann.lee@harbourpost.example."
    page = ["Quarry to become a park", "By Ann Lee"] + _QUARRY + [note]
    assert _scraped(page) == "\n\n".join(_QUARRY)
    news = "Tom Reed is a reporter who has covered the quarry for the county paper since it closed, and he backs the plan."
    page = ["Quarry to become a park"] + _QUARRY[:2] + [news] + _QUARRY[2:]
    assert news in _scraped(page)


def test_scraped_caption_with_a_name_and_outlet_credit_is_dropped():
    page = (["Pier to be rebuilt", "By Ann Lee"] + _QUARRY[:2]
            + ["Divers inspect the piles of the old pier at Elmbrook in February.", "Jo Hart/Harbour Post"] + _QUARRY[2:])
    assert _scraped(page) == "\n\n".join(_QUARRY)


def test_scraped_chrome_words_of_other_languages():
    from newsdesk.extract.scraped import classify_line
    for label in ("Publicidad", "Anzeige", "Publicité", "Compartir en Facebook", "Teilen",
                  "Etiquetas: política, elecciones", "Lee también: El Gobierno aprueba el presupuesto"):
        assert classify_line(label) == "chrome", label
    cuerpo = ["El consejo municipal aprobó el lunes el plan para convertir la antigua cantera en un parque público.",
              "Las obras de los caminos y del centro de visitantes empezarán en primavera, según el ayuntamiento.",
              "Los vecinos llevaban una década pidiendo que el terreno no se llenara de escombros de la nueva carretera."]
    page = ["La cantera será un parque"] + cuerpo[:2] + ["Publicidad"] + cuerpo[2:] + ["Compartir", "Comentarios (3)"]
    assert _scraped(page) == "\n\n".join(cuerpo)


def test_scraped_short_article_beats_a_longer_about_us_box():
    story = ["The Elm Street bridge will close for three weeks from Monday while crews replace its deck, the county said.",
             "Drivers are advised to use the Oak Avenue crossing instead."]
    about = ["Elmbrook Today is the county's oldest independent news source, founded in 1921 by a group of printers.",
             "Today our newsroom of twelve reporters covers local government, schools, business and sport every day.",
             "We are owned by a community trust and do not take money from political parties or campaign groups."]
    page = (["Home", "Local", "Bridge to close for repairs", "Posted: Feb 16, 2018"] + story
            + ["Most Popular", "Ferry fares to rise in spring", "Council delays vote on new marina", "About Us"] + about
            + ["Contact us", "Copyright 2024 Elmbrook Today"])
    assert _scraped(page) == "\n\n".join(story)


def test_scraped_comment_thread_without_a_heading_is_not_the_article():
    comments = []
    for i, name in enumerate(["Jim Brown", "Sue Park", "Al Grey", "Kim Lo", "Dee Fox"]):
        comments += [name, f"{i + 2} hours ago",
                     f"This is the {i + 3}th time in five years they have shut the road, and every time the work "
                     f"takes far longer than the county says it will, so nobody believes them any more.", "Reply"]
    page = ["Home", "Quarry to become a park", "By Nell Ward", "March 4, 2024"] + _QUARRY + ["Conversation"] + comments
    assert _scraped(page) == "\n\n".join(_QUARRY)


def test_scraped_time_stamped_entries_of_a_live_report_are_all_kept():
    entries = []
    for stamp, text in zip(("2 hours ago", "3 hours ago", "4 hours ago"), _PORTS):
        entries += [stamp, text, "Share"]
    page = ["Home", "Live: storm closes the ports", "By Ann Lee"] + entries + ["Most read", "Ferry fares to rise in spring"]
    assert _scraped(page) == "\n\n".join(_PORTS[:3])


def test_closing_self_description_of_the_site_is_dropped():
    from newsdesk.extract.scraped import drop_self_description
    body = ("Harbour Tech said on Monday it would supply paging systems to three hospitals in Ghent.\n\n"
            "The contract runs for five years, the company said.\n\n"
            "About Harbour Tech\n\n"
            "Harbour Tech is a leading provider of hospital communication systems, headquartered in "
            "Antwerp, with offices in 12 countries and around 900 employees.")
    kept = drop_self_description(body, "https://www.harbourtech.com/news/ghent-contract.html")
    assert kept.endswith("the company said.")
    # another site's page keeps it: only the site's own owner is boilerplate
    assert drop_self_description(body, "https://www.example-news.com/tech/ghent.html") == body
    # a story about the company on its own site, not a self-description, stays
    story = "Harbour Tech is recalling 4,000 pagers after a battery fault, the firm said on Monday."
    assert drop_self_description("Intro paragraph of the story here.\n\n" + story,
                                 "https://harbourtech.com/x") .endswith(story)
