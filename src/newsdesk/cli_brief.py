"""CLI command ``newsdesk brief``: the period's stories as a cited brief (md, html, json)."""
from __future__ import annotations

import sys


def add_brief_command(sub, db) -> None:
    p = sub.add_parser("brief", parents=[db], help="a cited brief of the period's stories",
                       description="The stories reported in the period, ranked by independent "
                                   "outlets and incidents, each told in two or three sentences "
                                   "built from its incident records, every fact with its citations "
                                   "(outlet, time, link, quoted span) and status. Needs "
                                   "'newsdesk link --rebuild' first.")
    p.add_argument("--since", default="24h",
                   help="start of the period: 24h, 30d, 2w back from now (from the newest stored report when 'the store ends earlier), or an ISO date (default 24h)")
    p.add_argument("--until", help="end of the period (ISO date); a relative --since counts back from it")
    p.add_argument("--q", help="only stories whose label holds these words")
    p.add_argument("--format", choices=("md", "html", "json"), default="md",
                   help="markdown (default), a self-contained printable HTML page, or JSON")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    p.add_argument("--limit", type=int, default=50, help="at most this many stories (default 50)")
    p.set_defaults(func=cmd_brief)


def cmd_brief(args) -> int:
    from . import brief
    from .cli_link import _store
    from .store.story_claims import stories_with_claims
    from .store.story_claims import latest_report
    with _store(args) as store:
        try:
            end = brief.parse_until(args.until) if args.until else None
            since = brief.parse_since(args.since, end or brief.anchor(latest_report(store)))
        except ValueError as e:
            print(f"newsdesk: --{e}", file=sys.stderr)
            return 2
        stories = stories_with_claims(store, since=since, until=end, q=args.q, limit=args.limit)
    text = brief.render(brief.build(stories, since=since, until=end, q=args.q), args.format)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        print(f"wrote {args.output}: {len(stories)} stories", file=sys.stderr)
    else:
        sys.stdout.write(text + "\n")
    return 0
