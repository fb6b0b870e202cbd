"""Readers of the watcher: URLs, feeds (RSS, Atom, JSON Feed), sitemaps, robots.txt,
feed discovery, WARC files, and hints that fill in only what a page leaves out."""
import gzip
import io
import json

import pytest

from newsdesk.model import RawPage
from newsdesk.sources.feeds import discover_feeds, parse_feed
from newsdesk.sources.fetch import address_refusal
from newsdesk.sources.robots import Robots
from newsdesk.sources.sitemaps import parse_sitemap
from newsdesk.sources.urls import normalise
from newsdesk.sources.watch import canonical_url, parse_interval

from _site import article_html

BASE = "https://news.example/feed"


def test_normalise_drops_tracking_fragment_and_default_port():
    assert normalise("HTTPS://News.Example:443/a/b?utm_source=x&id=3&fbclid=9&gclid=1#top") == \
        "https://news.example/a/b?id=3"
    assert normalise("http://news.example:8080") == "http://news.example:8080/"
    assert normalise("http://news.example/a?b=2&a=1") == "http://news.example/a?b=2&a=1"  # order kept
    assert normalise("ftp://news.example/x") is None
    assert normalise("javascript:alert(1)") is None
    assert normalise("http://[::1]:80/x") == "http://[::1]/x"


@pytest.mark.parametrize("doc", [
    # RSS 2.0
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>Talks resume</title>'
    b'<link>/news/1?utm_campaign=x</link><pubDate>Tue, 07 May 2024 10:00:00 GMT</pubDate>'
    b'<author>desk@news.example (Ann Lee)</author></item></channel></rss>',
    # RSS 0.91
    b'<?xml version="1.0"?><rss version="0.91"><channel><title>t</title><item><title>Talks resume</title>'
    b'<link>https://news.example/news/1</link></item></channel></rss>',
    # RSS 1.0 (RDF)
    b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    b'<channel rdf:about="https://news.example/"><title>t</title></channel>'
    b'<item rdf:about="https://news.example/news/1"><title>Talks resume</title>'
    b'<link>https://news.example/news/1</link><dc:date>2024-05-07T10:00:00Z</dc:date></item></rdf:RDF>',
    # Atom
    b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry>'
    b'<title>Talks resume</title><link rel="alternate" href="https://news.example/news/1"/>'
    b'<id>x</id><published>2024-05-07T10:00:00Z</published><author><name>Ann Lee</name></author></entry></feed>',
    # JSON Feed 1.1 and 1.0
    json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [
        {"id": "1", "url": "https://news.example/news/1", "title": "Talks resume",
         "date_published": "2024-05-07T10:00:00Z", "authors": [{"name": "Ann Lee"}]}]}).encode(),
    json.dumps({"version": "https://jsonfeed.org/version/1", "items": [
        {"id": "1", "url": "/news/1", "title": "Talks resume", "author": {"name": "Ann Lee"}}]}).encode(),
], ids=["rss2", "rss091", "rss1", "atom", "jsonfeed11", "jsonfeed10"])
def test_each_feed_kind_gives_its_links_and_hints(doc):
    [link] = parse_feed(doc, BASE)
    assert link.url == "https://news.example/news/1"
    assert link.title == "Talks resume"
    if b"2024-05-07" in doc or b"07 May 2024" in doc:
        assert link.published.startswith("2024-05-07")
    if b"Ann Lee" in doc:
        assert "Ann Lee" in link.author


def test_broken_feed_gives_no_links_not_an_exception():
    assert parse_feed(b"<rss><channel><item><title>x", BASE) == []
    assert parse_feed(b'{"version": "https://jsonfeed.org/version/1", "items": 3}', BASE) == []


def test_homepage_announces_its_feeds():
    html = b"""<html><head><link rel="alternate" type="application/rss+xml" href="/rss">
        <link rel="alternate" type="application/atom+xml" href="https://news.example/atom">
        <link rel="alternate" type="application/feed+json" href="feed.json">
        <link rel="alternate" hreflang="fr" href="/fr/"><link rel="stylesheet" href="/a.css">
        </head><body></body></html>"""
    assert discover_feeds(html, "https://news.example/") == [
        "https://news.example/rss", "https://news.example/atom", "https://news.example/feed.json"]


def test_sitemap_index_news_sitemap_gzip_and_lastmod():
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>https://news.example/news.xml.gz</loc></sitemap>
        <sitemap><loc>https://news.example/pages.xml</loc></sitemap></sitemapindex>"""
    got = parse_sitemap(index, "https://news.example/sitemap.xml")
    assert got.sitemaps == ["https://news.example/news.xml.gz", "https://news.example/pages.xml"] and not got.links
    news = gzip.compress(b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://news.example/a</loc>
        <lastmod>2024-05-01</lastmod><news:news><news:publication><news:name>N</news:name></news:publication>
        <news:publication_date>2024-05-02T08:00:00Z</news:publication_date><news:title>Flood warning</news:title>
        </news:news></url><url><loc>https://news.example/b#x</loc></url></urlset>""")
    got = parse_sitemap(news, "https://news.example/news.xml.gz")
    a, b = got.links
    assert (a.url, a.title, a.published, a.lastmod) == ("https://news.example/a", "Flood warning",
                                                        "2024-05-02T08:00:00Z", "2024-05-01")
    assert b.url == "https://news.example/b" and b.title is None


def test_sitemap_entities_are_not_expanded():
    evil = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
        <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://n.example/&e;</loc></url></urlset>"""
    for link in parse_sitemap(evil, "https://n.example/s.xml").links:
        assert "root" not in link.url


def test_robots_rules_for_our_user_agent():
    text = ("User-agent: *\nDisallow: /private/\n\nUser-agent: newsdesk\nDisallow: /drafts/\n"
            "Allow: /drafts/public\nCrawl-delay: 2.5\nSitemap: https://news.example/sm.xml\n")
    r = Robots.parse(text, "newsdesk/0.1.0 (+https://x)")
    assert not r.allowed("https://news.example/drafts/x")
    assert r.allowed("https://news.example/drafts/public")
    assert r.allowed("https://news.example/private/x")  # our own group replaces the * group
    assert r.crawl_delay() == 2.5 and r.sitemaps() == ["https://news.example/sm.xml"]
    other = Robots.parse(text, "otherbot/1.0")
    assert not other.allowed("https://news.example/private/x") and other.crawl_delay() is None
    assert Robots.parse("").allowed("https://news.example/anything")
    assert not Robots.deny_all().allowed("https://news.example/")


@pytest.mark.parametrize("ip", ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                                "224.0.0.1", "240.0.0.1", "0.0.0.0", "100.64.0.1", "::1", "fe80::1",
                                "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::"])
def test_private_and_reserved_addresses_are_refused(ip):
    assert address_refusal(ip)


@pytest.mark.parametrize("ip", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(ip):
    assert address_refusal(ip) is None


def test_canonical_link_on_the_same_host_only():
    page = article_html(1, "x", canonical="/news/one?utm_source=x").encode()
    assert canonical_url(page, "https://news.example/amp/one") == "https://news.example/news/one"
    other = article_html(1, "x", canonical="https://wire.example/story").encode()
    assert canonical_url(other, "https://news.example/amp/one") is None


def test_interval_parsing():
    assert parse_interval("15m") == 900 and parse_interval("90s") == 90 and parse_interval("2h") == 7200
    with pytest.raises(ValueError):
        parse_interval("soon")


def test_hints_fill_only_what_the_page_leaves_out():
    from newsdesk.extract import extract
    hints = {"title": "Feed title", "published": "2024-05-09T08:30:00Z", "author": "Dana Fixture"}
    silent = RawPage(content=article_html(3, "", dated=False).replace("<title></title>", "").replace("<h1></h1>", ""),
                     format="html", url="https://news.example/news/3", hints=hints)
    a = extract(silent)
    assert a.published.startswith("2024-05-09") and a.title == "Feed title" and a.byline == ["Dana Fixture"]
    stated = RawPage(content=article_html(3, "Page title", dated=True), format="html",
                     url="https://news.example/news/3", hints=hints)
    b = extract(stated)
    assert b.title == "Page title" and b.published.startswith("2024-05-04")  # the page wins
