"""Command line: ``newsdesk extract | ingest | list | show | search | stats | serve | watch | sources``."""
from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from itertools import islice

from . import STEPS, __version__
from .model import EVENT_METHODS, INPUT_FORMATS, Article, PageError

# Output key order for an article: what a reader looks for first.
ARTICLE_KEYS = ("id", "url", "outlet", "title", "published", "byline", "language", "text",
                "entities", "places", "times", "quantities", "statements", "events", "warnings",
                "source")


def article_json(article: Article) -> dict:
    d = article.to_dict()
    return {k: d[k] for k in ARTICLE_KEYS if k in d} | {k: v for k, v in d.items() if k not in ARTICLE_KEYS}


def error_json(error: PageError) -> dict:
    return {"error": error.reason, "source": error.source, "step": error.step, "url": error.url}


def _steps(value: str) -> tuple[str, ...]:
    from .pipeline import parse_steps
    try:
        return parse_steps(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _date(value: str) -> str:
    from datetime import date, datetime
    try:
        (date if len(value) == 10 else datetime).fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date: {value!r} (e.g. 2023-01-05)") from None
    return value


def _unit(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        x = -1.0
    if not 0.0 <= x <= 1.0:
        raise argparse.ArgumentTypeError(f"not a number from 0 to 1: {value!r}")
    return x


MAX_INT_ARG = 1_000_000_000


def _bounded(value: str, low: int, high: int = MAX_INT_ARG) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not low <= n <= high:
        raise argparse.ArgumentTypeError(f"must be between {low} and {high:,}")
    return n


def _positive(value: str) -> int:
    return _bounded(value, 1)


def _non_negative(value: str) -> int:
    return _bounded(value, 0)


def _port(value: str) -> int:
    return _bounded(value, 0, 65535)


MAX_QUERY_CHARS = 500  # as the API's text filters


def _query(value: str) -> str:
    if len(value) > MAX_QUERY_CHARS:
        raise argparse.ArgumentTypeError(f"too long: {len(value):,} characters (at most {MAX_QUERY_CHARS})")
    if "\x00" in value:
        raise argparse.ArgumentTypeError("contains a NUL character")
    return value


def _seconds(value: str) -> float:
    try:
        n = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not 0 <= n <= 86400:
        raise argparse.ArgumentTypeError("must be between 0 and 86400 seconds")
    return n


def build_parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        formatter_class=fmt,
        description="Turn raw news pages into sourced, searchable records: who said what, "
                    "what happened, where and when.",
        epilog=textwrap.dedent("""\
            examples:
              newsdesk extract page.html                 one article as JSON
              newsdesk extract pages/ > articles.jsonl   one JSON line per page
              newsdesk ingest corpus.jsonl.gz --workers 4
              newsdesk search "Union State"
            """))
    parser.add_argument("--version", action="version", version=f"newsdesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    inputs = argparse.ArgumentParser(add_help=False)
    inputs.add_argument("paths", nargs="+", metavar="PATH",
                        help="files, directories (read recursively, hidden files skipped), "
                             ".gz files, JSONL corpora, or - for stdin")
    inputs.add_argument("--input-format", choices=INPUT_FORMATS, default="auto",
                        help="how to read the input (default: auto, guessed per file). "
                             "html: a web page; text: text scraped from a page, boilerplate "
                             "included; clean: article text only; dated-text: pages each "
                             "starting with a line 'date YYYY-MM-DD'; jsonl: one JSON object "
                             "per line with url, html or text, and optional date, title and format")
    inputs.add_argument("--steps", type=_steps, default=STEPS, metavar="LIST",
                        help=f"comma-separated steps to run (default: all: {','.join(STEPS)}); "
                             "extract always runs, e.g. --steps extract for text and metadata only")
    inputs.add_argument("--url", help="the page's URL, overriding what the page or corpus says "
                                      "(meant for a single page)")
    inputs.add_argument("--published", type=_date, metavar="DATE",
                        help="publication date (ISO 8601), overriding the page's")
    inputs.add_argument("--page-timeout", type=_seconds, default=None, metavar="SECONDS",
                        help="time one page's extraction may take before it becomes an error "
                             "record (default: $NEWSDESK_PAGE_TIMEOUT or 5; 0: no limit)")

    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--db", default=os.environ.get("NEWSDESK_DB", "newsdesk.db"), metavar="URL",
                    help="store: a SQLite path or sqlite:///path "
                         "(default: $NEWSDESK_DB or newsdesk.db)")

    p = sub.add_parser("extract", parents=[inputs],
                       help="extract and annotate pages, print JSON",
                       description="Extract and annotate pages and print them as JSON: one page "
                                   "gives one pretty-printed article; several pages give JSON "
                                   "Lines, one article per page in input order. A page that "
                                   "fails gives a line {\"error\": ..., \"source\": ...} and a "
                                   "message on stderr, and the exit status is 1.")
    p.add_argument("--workers", type=_positive, default=1, metavar="N",
                   help="worker processes (default: 1)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("ingest", parents=[inputs, db],
                       help="extract, annotate and store pages",
                       description="Extract, annotate and store pages. Re-ingesting is safe: "
                                   "stored articles are skipped, never duplicated; pages that "
                                   "fail are stored as errors with the reason.")
    p.add_argument("--workers", type=_positive, default=1, metavar="N",
                   help="worker processes, each loading the models once (default: 1)")
    p.add_argument("--executor", choices=("local", "process", "dask"), default=None,
                   help="where the pipeline runs: local (this process), process (--workers "
                        "processes here) or dask (a Dask cluster: --scheduler, else a local "
                        "one of --workers processes, at least 2); default: local for one "
                        "worker, process for more")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler to run on, e.g. tcp://10.0.0.5:8786 (with --executor "
                        "dask; the workers must read PATH under the same names)")
    p.add_argument("--output", metavar="DIR",
                   help="with --executor dask: also write each input partition's articles "
                        "to DIR as a Parquet shard (part-N-ID.parquet, then a .done marker)")
    p.add_argument("--no-templates", dest="templates", action="store_false",
                   help="do not learn site templates: by default the lines that recur across a "
                        "host's pages are learned, stored and stripped from its next pages")
    p.add_argument("--no-link", dest="link", action="store_false",
                   help="do not link the new articles: by default they are linked to the stored "
                        "ones (copies, stories, incidents) as 'newsdesk link' does")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("list", parents=[db], help="list stored articles, newest first",
                       description="List stored articles, newest first (undated last).")
    p.add_argument("--limit", type=_positive, default=20, help="how many (default: 20)")
    p.add_argument("--offset", type=_non_negative, default=0, help="skip this many first (default: 0)")
    p.add_argument("--outlet", help="only this outlet")
    p.add_argument("--json", action="store_true", help="JSON Lines instead of a table")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", parents=[db], help="show one stored article",
                       description="Show one stored article: its text and what was found in it.")
    p.add_argument("id", metavar="ID", help="article id (or a unique prefix of it)")
    p.add_argument("--json", action="store_true", help="print the full record as JSON")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("search", parents=[db], help="full-text search over stored articles",
                       description="Search titles and texts, best match first. Words are "
                                   "ANDed, \"quoted words\" match as a phrase, word* matches "
                                   "a prefix; anything else is taken literally.")
    p.add_argument("query", metavar="QUERY", type=_query,
                   help=f"at most {MAX_QUERY_CHARS} characters, as in the API")
    p.add_argument("--limit", type=_positive, default=10, help="how many (default: 10)")
    p.add_argument("--json", action="store_true", help="JSON Lines output")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("stats", parents=[db], help="counts of what is stored",
                       description="Counts of stored articles, errors, annotations and events by type.")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("export", parents=[db], help="export stored records as JSONL, CSV, GeoJSON or Parquet",
                       description="Export stored articles, events or statements, filtered as in "
                                   "the API, newest article first. jsonl: one JSON object per line "
                                   "(articles as full records); csv: one row each; geojson: events "
                                   "with coordinates as Point features; parquet: typed columns "
                                   "(needs pyarrow: pip install 'newsdesk[parquet]').")
    p.add_argument("--format", choices=("jsonl", "csv", "geojson", "parquet"), default="jsonl",
                   help="output format (default: jsonl)")
    p.add_argument("--what", choices=("articles", "events", "statements", "stories", "incidents"),
                   default=None, help="what to export (default: articles; events for geojson; "
                                      "stories and incidents, from 'newsdesk link', as jsonl)")
    p.add_argument("-o", "--output", default="-", metavar="FILE", help="output file (default: stdout)")
    p.add_argument("--q", help="full-text query over title and body")
    p.add_argument("--outlet", help="only this outlet")
    p.add_argument("--since", type=_date, metavar="DATE", help="published on or after DATE")
    p.add_argument("--until", type=_date, metavar="DATE", help="published on or before DATE")
    p.add_argument("--entity", help="articles mentioning this entity (canonical name)")
    p.add_argument("--place", help="articles mentioning this place (events: at this place)")
    p.add_argument("--event-type", metavar="TYPE", help="PLOVER event type, e.g. PROTEST")
    p.add_argument("--factuality", help="event factuality, e.g. asserted, negated, planned")
    p.add_argument("--method", choices=EVENT_METHODS,
                   help="events found by the trigger lexicon (pattern) or the sentence classifier")
    p.add_argument("--source", help="statement source or event attributed_to")
    p.add_argument("--min-confidence", type=_unit, metavar="P",
                   help="events and statements with confidence >= P (0 to 1; unscored kept)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("serve", parents=[db], help="serve the HTTP API and the web page",
                       description="Serve the JSON API (/api, docs at /docs) and the web page "
                                   "(/) over the store. Reads are open unless NEWSDESK_PRIVATE=1; "
                                   "POST /api/pages (ingest) needs the token and is disabled "
                                   "without one.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=_port, default=8000, help="port (default: 8000)")
    p.add_argument("--allowed-host", dest="allowed_hosts", action="append", metavar="HOST",
                   default=[h for h in os.environ.get("NEWSDESK_ALLOWED_HOSTS", "").split(",") if h.strip()] or None,
                   help="a Host header to answer (repeat for more; *.example.org patterns; * for "
                        "any); others get 400, against DNS rebinding (default: "
                        "$NEWSDESK_ALLOWED_HOSTS, else the --host address, with localhost for a "
                        "loopback one)")
    p.add_argument("--token", default=os.environ.get("NEWSDESK_TOKEN") or None,
                   help="bearer token allowing writes (default: $NEWSDESK_TOKEN; none: read only)")
    p.set_defaults(func=cmd_serve)

    from .sources.commands import add_parsers as add_source_parsers
    add_source_parsers(sub, db, _steps, _date, _positive)  # watch, sources
    from .cli_link import add_link_commands
    add_link_commands(sub, db)
    from .cli_brief import add_brief_command
    add_brief_command(sub, db)
    return parser


def _out(obj, pretty: bool = False) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None) + "\n")


def _report_error(error: PageError) -> None:
    where = f" [{error.step}]" if error.step else ""
    print(f"newsdesk: {error.source}{where}: {error.reason}", file=sys.stderr)


def cmd_extract(args) -> int:
    from . import extract_files
    results = iter(extract_files(args.paths, args.input_format, args.steps, args.url,
                                 args.published, workers=args.workers))
    # Peek two results: one page prints pretty JSON, more print JSON Lines.
    head = list(islice(results, 2))
    pretty = len(head) == 1
    failed = 0
    for record in [*head, *results]:
        if isinstance(record, PageError):
            failed += 1
            _report_error(record)
            _out(error_json(record), pretty)
        else:
            _out(article_json(record), pretty)
        sys.stdout.flush()
    if not head:
        print("newsdesk: no pages found", file=sys.stderr)
        return 1
    return 1 if failed else 0


def cmd_ingest(args) -> int:
    import logging

    from . import ingest
    progress = sys.stderr.isatty()
    # Readers say what they skipped (a web archive's requests, metadata, non-HTML records).
    readers = logging.getLogger("newsdesk.sources")
    if not readers.handlers:
        readers.addHandler(logging.StreamHandler(sys.stderr))
        readers.setLevel(logging.INFO)

    def on_error(error: PageError) -> None:
        if progress:
            from tqdm import tqdm
            tqdm.write(f"error: {error.source}: {error.reason}", file=sys.stderr)
        else:
            _report_error(error)

    report = ingest(args.paths, db=args.db, steps=args.steps, progress=progress,
                    input_format=args.input_format, workers=args.workers, url=args.url,
                    published=args.published, on_error=on_error, templates=args.templates,
                    link=args.link, **_executor_args(args))
    print(str(report))
    return 0


def _executor_args(args) -> dict:
    if args.executor != "dask" and (args.scheduler or args.output):
        raise SystemExit("newsdesk: --scheduler and --output need --executor dask")
    if args.executor == "dask" and "-" in args.paths:
        raise SystemExit("newsdesk: --executor dask reads files and folders, not stdin")
    return {"executor": args.executor, "scheduler": args.scheduler, "output": args.output}


def _open(args):
    from .store import open_store
    return open_store(args.db)


def _require_db(args) -> None:
    """Reading commands never create an empty store by mistake."""
    from .store import sqlite_path
    path = sqlite_path(args.db)
    if path is not None and path != ":memory:" and not os.path.exists(path):
        raise SystemExit(f"newsdesk: no store at {args.db} (run newsdesk ingest first, or pass --db)")


def cmd_list(args) -> int:
    _require_db(args)
    with _open(args) as store:
        rows = store.list(limit=args.limit, offset=args.offset, outlet=args.outlet)
    for r in rows:
        if args.json:
            _out(r)
        else:
            date = (r["published"] or "")[:10].ljust(10)
            outlet = (r["outlet"] or "")[:20].ljust(20)
            print(f"{r['id']}  {date}  {outlet}  {_clip(r['title'] or '(untitled)', 70)}")
    return 0


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


_QUOTES = "\"'“”‘’«» "


def _grouped(items, key) -> list[tuple[tuple, int]]:
    counts: dict[tuple, int] = {}
    for item in items:
        k = key(item)
        counts[k] = counts.get(k, 0) + 1
    return list(counts.items())  # first-mention order


def _times(n: int) -> str:
    return f" ×{n}" if n > 1 else ""


def _trust(record) -> str:
    c = getattr(record, "confidence", None)
    return f"  confidence {c:.2f}" if c is not None else ""


def render_article(a: Article, excerpt: int | None = None) -> str:
    """A readable view of an article and what was found in it: the whole body, paragraph by
    paragraph (``excerpt``: only its first that many characters)."""
    lines = [a.title or "(untitled)", "=" * min(len(a.title or "(untitled)"), 79)]
    meta = [("outlet", a.outlet), ("date", a.published), ("byline", ", ".join(a.byline)),
            ("url", a.url), ("language", a.language), ("id", a.id)]
    lines += [f"{k + ':':10}{v}" for k, v in meta if v]
    if excerpt is not None:
        lines += ["", textwrap.fill(_clip(a.text, excerpt), 79)]
    else:
        for para in (p for p in a.text.split("\n") if p.strip()):
            lines += ["", textwrap.fill(" ".join(para.split()), 79)]

    def section(name, items, fmt):
        if items:
            lines.extend(["", f"{name} ({len(items)})"])
            lines.extend("  " + fmt(x) for x in items)

    # Entities and places are listed once each, with how often they are mentioned.
    section("Entities", _grouped(a.entities, lambda e: (e.canonical or e.text, e.label, e.role)),
            lambda g: f"{g[0][0]} [{g[0][1]}]" + (f" ({g[0][2]})" if g[0][2] else "") + _times(g[1]))
    section("Places", _grouped(a.places, lambda p: (p.name, p.country, p.kind, p.lat, p.lon)),
            lambda g: ", ".join(x for x in g[0][:2] if x) + (f" [{g[0][2]}]" if g[0][2] else "")
            + (f" ({g[0][3]:.2f}, {g[0][4]:.2f})" if g[0][3] is not None and g[0][4] is not None else "")
            + _times(g[1]))
    section("Times", a.times, lambda t: f"{t.text} → {t.value} [{t.type}]")
    section("Statements", a.statements, lambda s: f"{s.source or '(unattributed)'} — {s.cue} — "
            f"“{_clip(s.content.strip(_QUOTES), 160)}”" + (f" [{s.date}]" if s.date else "")
            + _trust(s))

    def event(e):
        who = ", ".join(e.actors) or "?"
        kind = e.type + (f"/{e.mode}" if e.mode else "")
        s = f"{kind} {e.factuality}: {who}"
        if e.targets:
            s += " → " + ", ".join(e.targets)
        when = e.time
        if when and getattr(e, "time_inferred", False):
            when += " (publication date)"
        where_when = ", ".join(x for x in (e.place, when) if x)
        if where_when:
            s += f" @ {where_when}"
        if e.attributed_to:
            s += f", per {e.attributed_to}"
        how = ", classifier" if getattr(e, "method", "pattern") == "classifier" else ""
        return s + f"  (“{e.trigger}”{how})" + _trust(e)

    section("Events", a.events, event)
    if a.warnings:
        section("Warnings", a.warnings, str)
    return "\n".join(lines)


def cmd_show(args) -> int:
    _require_db(args)
    with _open(args) as store:
        article = store.get(args.id)
    if article is None:
        print(f"newsdesk: no article {args.id!r} in {args.db}", file=sys.stderr)
        return 1
    if args.json:
        _out(article_json(article), pretty=True)
    else:
        print(render_article(article))
    return 0


def cmd_search(args) -> int:
    _require_db(args)
    with _open(args) as store:
        hits = store.search(args.query, limit=args.limit)
    for id_, title, snippet in hits:
        if args.json:
            _out({"id": id_, "title": title, "snippet": snippet})
        else:
            print(f"{id_}  {_clip(title or '(untitled)', 70)}\n    {_clip(snippet, 150)}")
    if not hits and not args.json:
        print("no match", file=sys.stderr)
    return 0


def cmd_stats(args) -> int:
    _require_db(args)
    with _open(args) as store:
        counts = store.counts()
    if args.json:
        _out(counts, pretty=True)
        return 0
    by_type = counts.pop("events_by_type")
    width = max(map(len, [*counts, *(f"  {k}" for k in by_type)]))
    for key, n in counts.items():
        print(f"{key:<{width}}  {n:>7}")
    if by_type:
        print("events by type:")
        for kind, n in by_type.items():
            print(f"  {kind:<{width - 2}}  {n:>7}")
    return 0


def cmd_export(args) -> int:
    from .store.base import Filters
    from .store.export import ExportError, export
    _require_db(args)
    what = args.what or ("events" if args.format == "geojson" else "articles")
    f = Filters(q=args.q, outlet=args.outlet, since=args.since, until=args.until,
                entity=args.entity, place=args.place, event_type=args.event_type,
                factuality=args.factuality, source=args.source, method=args.method,
                min_confidence=args.min_confidence)
    if args.format == "parquet" and args.output == "-" and sys.stdout.isatty():
        raise SystemExit("newsdesk: parquet is binary: pass -o FILE")
    try:
        with _open(args) as store:
            n = export(store, args.output, format=args.format, what=what, filters=f)
    except ExportError as exc:
        print(f"newsdesk: {exc}", file=sys.stderr)
        return 2
    unit = "features" if args.format == "geojson" else what
    where = "" if args.output == "-" else f" to {args.output}"
    print(f"newsdesk: exported {n} {unit}{where}", file=sys.stderr)
    return 0


def cmd_serve(args) -> int:
    import uvicorn

    from .api import create_app
    private = os.environ.get("NEWSDESK_PRIVATE", "").lower() in ("1", "true", "yes")
    if private and not args.token:
        raise SystemExit("newsdesk: NEWSDESK_PRIVATE=1 needs a token (--token or NEWSDESK_TOKEN)")
    if not args.token:
        _require_db(args)  # read only: never serve a new empty store by mistake
    from .api.app import default_allowed_hosts
    hosts = args.allowed_hosts or default_allowed_hosts(args.host)
    app = create_app(args.db, token=args.token, open_reads=not private, allowed_hosts=hosts)
    print(f"newsdesk: serving {args.db} on http://{args.host}:{args.port}/ "
          f"({'writes need the token' if args.token else 'read only'}"
          f"{', reads need the token' if private else ''})", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "page_timeout", None) is not None:
        os.environ["NEWSDESK_PAGE_TIMEOUT"] = str(args.page_timeout)  # worker processes inherit it
    import sqlite3

    from .store import StoreError
    try:
        return args.func(args)
    except (NotImplementedError, StoreError) as exc:
        print(f"newsdesk: {exc}", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as exc:  # e.g. --db pointing at a file that is not a database
        print(f"newsdesk: {args.db}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # Output piped into head & co: stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("newsdesk: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
