"""``newsdesk watch`` and ``newsdesk sources add|list|remove`` (the CLI calls ``add_parsers``)."""
from __future__ import annotations

import argparse
import json
import sys
import time


def _interval(value: str) -> float:
    from .watch import parse_interval
    try:
        return parse_interval(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _seconds(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if x < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return x


def add_parsers(sub, db: argparse.ArgumentParser, steps_type, date_type, positive) -> None:
    from .. import STEPS
    from .fetch import MAX_BYTES, USER_AGENT
    p = sub.add_parser(
        "watch", parents=[db], help="follow sites, feeds and sitemaps; store each new article once",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Watch news sources: each URL is a site (its feeds and sitemaps are found "
                    "from its homepage and robots.txt), a feed (RSS, Atom, JSON Feed) or a "
                    "sitemap. Every pass reads each source conditionally, queues new article "
                    "URLs and fetches, annotates and stores them. Fetching is polite: "
                    "robots.txt is obeyed, one request at a time per host, at least the "
                    "host's Crawl-delay (or --delay) apart. Private and loopback addresses "
                    "are refused unless --allow-private. Sources are remembered in the store: "
                    "later runs need no URL. Stopped at any moment, the next run goes on "
                    "where it stopped, fetching no stored page again.",
        epilog="examples:\n  newsdesk watch https://example.org/ --once\n"
               "  newsdesk watch https://example.org/feed.xml --interval 15m\n"
               "  newsdesk watch            # every stored source, every 15 minutes")
    p.add_argument("urls", nargs="*", metavar="URL", help="sites, feeds or sitemaps to watch (added to "
                                                          "the stored sources)")
    p.add_argument("--once", action="store_true", help="one pass over every source, then exit")
    p.add_argument("--interval", type=_interval, default=900.0, metavar="DURATION",
                   help="time between passes, e.g. 90s, 15m, 2h (default: 15m)")
    p.add_argument("--allow-private", action="store_true",
                   help="allow loopback and private addresses (a local test site)")
    p.add_argument("--max-pages", type=positive, metavar="N", help="fetch at most N article pages a pass")
    p.add_argument("--since", type=date_type, metavar="DATE",
                   help="skip articles a feed or sitemap dates before DATE")
    p.add_argument("--delay", type=_seconds, default=1.0, metavar="SECONDS",
                   help="seconds between requests to one host when robots.txt names no longer "
                        "Crawl-delay (default: 1)")
    p.add_argument("--user-agent", default=USER_AGENT, metavar="UA",
                   help=f"User-Agent sent and matched in robots.txt (default: {USER_AGENT})")
    p.add_argument("--max-bytes", type=positive, default=MAX_BYTES, metavar="N",
                   help=f"largest page fetched; a larger one becomes an error record (default: {MAX_BYTES:,})")
    p.add_argument("--steps", type=steps_type, default=STEPS, metavar="LIST",
                   help="comma-separated steps to run on each article (default: all)")
    p.add_argument("--no-templates", dest="templates", action="store_false",
                   help="do not learn site templates (as ingest: on by default)")
    p.add_argument("--quiet", action="store_true", help="no progress, only the summary of each pass")
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("sources", help="list, add or remove watched sources",
                       description="The sources `newsdesk watch` follows, kept in the store.")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    q = verbs.add_parser("list", parents=[db], help="watched sources and their health")
    q.add_argument("--json", action="store_true", help="JSON Lines, one source each")
    q.set_defaults(func=cmd_sources_list)
    q = verbs.add_parser("add", parents=[db], help="watch these URLs (fetched on the next pass)")
    q.add_argument("urls", nargs="+", metavar="URL")
    q.set_defaults(func=cmd_sources_add)
    q = verbs.add_parser("remove", parents=[db], help="stop watching these URLs (articles stay)")
    q.add_argument("urls", nargs="+", metavar="URL")
    q.set_defaults(func=cmd_sources_remove)


class _Progress:
    """A live line on a terminal (tqdm), log lines otherwise, nothing with --quiet."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.tty = sys.stderr.isatty() and not quiet
        self.bar = None

    def __call__(self, report, event: str | None) -> None:
        if self.quiet:
            return
        if self.tty:
            from tqdm import tqdm
            if self.bar is None:
                self.bar = tqdm(total=0, unit="page", desc="watch", dynamic_ncols=True, file=sys.stderr)
            self.bar.total = report.queued or self.bar.total
            self.bar.n = report.fetched + report.blocked
            self.bar.set_postfix_str(f"sources {report.sources} requests {report.requests} "
                                     f"new {report.added} errors {report.errors}", refresh=True)
            if event:
                self.bar.write(event, file=sys.stderr)
            if event and event.startswith("pass done"):
                self.bar.close()
                self.bar = None
        elif event and not event.startswith("pass done"):  # the summary goes to stdout
            stamp = time.strftime("%H:%M:%S")
            print(f"{stamp} {event}", file=sys.stderr, flush=True)


def cmd_watch(args) -> int:
    from ..store import open_store
    from .watch import Watcher
    with open_store(args.db) as store:
        try:
            watcher = Watcher(store, args.urls, steps=args.steps, max_pages=args.max_pages,
                              since=args.since, interval=args.interval, on_progress=_Progress(args.quiet),
                              delay=args.delay, allow_private=args.allow_private,
                              user_agent=args.user_agent, max_bytes=args.max_bytes,
                              templates=args.templates)
        except ValueError as exc:
            print(f"newsdesk: {exc}", file=sys.stderr)
            return 2
        if not watcher.book.watched():
            print("newsdesk: no sources: give URLs or add some with `newsdesk sources add`", file=sys.stderr)
            return 2
        while True:
            start = time.monotonic()
            report = watcher.run_once(respect_backoff=not args.once)
            print(str(report), flush=True)
            if args.once:
                return 0
            time.sleep(max(0.0, args.interval - (time.monotonic() - start)))


def cmd_sources_list(args) -> int:
    from ..store import open_store
    from ..store.sources import SourceBook
    with open_store(args.db) as store:
        rows = SourceBook(store).health()
    for r in rows:
        if args.json:
            print(json.dumps(r, ensure_ascii=False))
            continue
        state = "ok" if r["healthy"] else ("never fetched" if not r["last_fetch"] else f"{r['errors']} errors")
        print(f"{r['url']}  [{r['kind']}]  articles {r['articles']}, queued {r['queued']}, "
              f"failed {r['failed']}  last success {r['last_success'] or '-'}  {state}")
        for kid in r["found"]:
            print(f"    {kid['kind']:8} {kid['url']}")
        if r["last_error"]:
            print(f"    last error: {r['last_error']}")
    if not rows and not args.json:
        print("no sources (add some with `newsdesk sources add URL`)", file=sys.stderr)
    return 0


def cmd_sources_add(args) -> int:
    from ..store import open_store
    from ..store.sources import SourceBook
    from .urls import normalise
    bad = [u for u in args.urls if normalise(u) is None]
    if bad:
        print(f"newsdesk: not an http or https URL: {bad[0]}", file=sys.stderr)
        return 2
    with open_store(args.db) as store:
        book = SourceBook(store)
        for url in args.urls:
            new = book.add_source(normalise(url))
            print(f"{'added' if new else 'already watched'}: {normalise(url)}")
        book.commit()
    return 0


def cmd_sources_remove(args) -> int:
    from ..store import open_store
    from ..store.sources import SourceBook
    from .urls import normalise
    with open_store(args.db) as store:
        book = SourceBook(store)
        status = 0
        for url in args.urls:
            n = book.remove_source(normalise(url) or url)
            print(f"removed: {url}" if n else f"not watched: {url}", file=sys.stdout if n else sys.stderr)
            status |= 0 if n else 1
    return status
