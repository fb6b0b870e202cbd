"""CLI commands of the link stage: ``newsdesk link``, ``stories``, ``incidents``, ``incident``."""
from __future__ import annotations

import json
import sys

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

    p = sub.add_parser("incident", parents=[db], help="one incident with the claims behind it",
                       description="One incident: its status and why, outlets, sources, and "
                                   "each claim (outlet, time, quoted sentence, link), as "
                                   "GET /api/incidents/{id}. An incident merged into another "
                                   "shows the one it is part of now.")
    p.add_argument("incident_id", help="an incident id (as `newsdesk incidents` lists them)")
    p.add_argument("--json", action="store_true", help="the record as one JSON object")
    p.set_defaults(func=cmd_incident)


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


def cmd_incident(args) -> int:
    from .brief import sentence
    from .store.links import incident_merged_into
    from .store.story_claims import incident_with_claims
    iid = args.incident_id
    with _store(args) as store:
        found = incident_with_claims(store, iid)
        if found is None and (survivor := incident_merged_into(store, iid)) is not None:
            print(f"incident {iid} merged into {survivor}", file=sys.stderr)
            found = incident_with_claims(store, survivor)
    if found is None:
        raise SystemExit(f"newsdesk incident: no incident {iid!r}")
    found["sentence"] = sentence(found)
    if args.json:
        print(json.dumps(found, ensure_ascii=False))
        return 0
    story = found.get("story") or {}
    print(f"{found['id']}  {found['type']}  {found['status']} ({found['why']})  "
          f"first {found['first_report'] or '?'}")
    print(f"  {found['sentence']}")
    print(f"  story {found['story_id']}: {story.get('label', '?')}")
    print(f"  outlets: {', '.join(found['outlets'])}")
    if found["sources"]:
        print(f"  sources: {', '.join(found['sources'])}")
    for c in found["claims"]:
        who = f" ({c['source']})" if c.get("source") else ""
        print(f"  - {c.get('outlet') or '?'}, {c.get('published') or '?'}{who}, "
              f"{c.get('factuality') or '?'}: {c.get('quote') or ''}")
        if c.get("url"):
            print(f"    {c['url']}")
    return 0


def _print_rows(rows, as_json: bool, fmt) -> None:
    """One JSON object a line, or each row as ``fmt`` writes it for a person."""
    for row in rows:
        print(json.dumps(row, ensure_ascii=False) if as_json else fmt(row))
