"""CLI commands of the link stage: ``newsdesk link``, ``stories``, ``incidents``."""
from __future__ import annotations

import json

STATUSES = ("single-source", "corroborated", "contested")


def add_link_commands(sub, db) -> None:
    p = sub.add_parser("link", parents=[db], help="link stored articles: families, stories, incidents",
                       description="Link the stored articles: duplicate families (wire copies), "
                                   "stories (the same developing news across outlets) and "
                                   "incidents (events told by several articles) with their "
                                   "corroboration status. Without --rebuild, only the articles "
                                   "not linked yet are linked to the others (ingest does this "
                                   "unless --no-link).")
    p.add_argument("--rebuild", action="store_true",
                   help="recompute every link from the stored articles (first-stored order)")
    p.add_argument("--re-embed", action="store_true",
                   help="with --rebuild: recompute each article's kept inputs (sketch, "
                        "vectors) too, not only the links")
    p.set_defaults(func=cmd_link)

    p = sub.add_parser("stories", parents=[db], help="list stories, largest first")
    p.add_argument("--min-outlets", type=int, default=0, metavar="N",
                   help="only stories told by at least N outlets")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true", help="JSON lines")
    p.set_defaults(func=cmd_stories)

    p = sub.add_parser("incidents", parents=[db], help="list incidents with their status")
    p.add_argument("--status", choices=STATUSES, help="only incidents with this status")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true", help="JSON lines")
    p.set_defaults(func=cmd_incidents)


def _store(args):
    from .cli import _open, _require_db
    _require_db(args)
    return _open(args)


def cmd_link(args) -> int:
    from .store.links import counts, link_new, relink
    if args.re_embed and not args.rebuild:
        raise SystemExit("newsdesk link: --re-embed goes with --rebuild")
    with _store(args) as store:
        n = relink(store, re_embed=args.re_embed) if args.rebuild else link_new(store)
        c = counts(store)
    print("linked {articles} articles: {copies} copies in {families} families, {stories} stories, "
          "{incidents} incidents".format(**n))
    print(f"stories told by 3 or more outlets: {c['stories_3_outlets']}")
    print("incidents by status: " + ", ".join(f"{k} {v}" for k, v in c["incidents"].items()))
    return 0


def cmd_stories(args) -> int:
    from .store.links import stories
    with _store(args) as store:
        rows = stories(store, min_outlets=args.min_outlets, limit=args.limit)
    _print_rows(rows, args.json, lambda s: (
        f"{s['id']}  {s['article_count']} articles, {len(s['outlets'])} outlets  "
        f"{s['first_seen'] or '?'} .. {s['last_seen'] or '?'}\n  {s['label']}\n"
        f"  outlets: {', '.join(s['outlets'])}"))
    return 0


def cmd_incidents(args) -> int:
    from .store.links import incidents
    with _store(args) as store:
        rows = incidents(store, status=args.status, limit=args.limit)
    _print_rows(rows, args.json, lambda i: (
        f"{i['id']}  {i['type']}  {i['status']} ({i['why']})  first {i['first_report'] or '?'}\n"
        f"  outlets: {', '.join(i['outlets'])}"
        + (f"\n  sources: {', '.join(i['sources'])}" if i["sources"] else "")))
    return 0


def _print_rows(rows, as_json: bool, fmt) -> None:
    """One JSON object a line, or each row as ``fmt`` writes it for a person."""
    for row in rows:
        print(json.dumps(row, ensure_ascii=False) if as_json else fmt(row))
