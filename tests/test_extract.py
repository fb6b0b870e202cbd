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
    # Invalid UTF-8 and holding bytes that cp1252 leaves undefined (0x81, 0x8d, 0x8f, 0x90, 0x9d).
    data = b"The council met \xc3\x28 on Monday \x81\x8d\x8f\x90\x9d and voted."
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
