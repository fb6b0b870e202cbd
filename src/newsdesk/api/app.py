"""The HTTP API and the web page: ``create_app(db)`` builds a FastAPI app over one store.

Reads (``GET /api/...``) are open unless ``open_reads=False``; writing (``POST /api/pages``)
needs ``Authorization: Bearer <token>`` and is disabled when no token is configured.
Everything reads the store through the contract in ``newsdesk.store.base``.
"""

import hmac
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import Field

from .. import __version__
from ..model import PageError
from ..store import open_store, sqlite_path
from ..store.base import Filters, Page
from ..store.links import article_links_many
from .links import LinkedArticle, with_links
from .docs import add_docs
from .models import (COUNT_CAP, ArticlesPage, EntitiesPage, ErrorOut, EventCollection,
                     EventMethod, EventsPage, EventType, Factuality, Health, IngestResult, PageIn, PageResult,
                     PlacesPage, StatementsPage, TimelineItem)

log = logging.getLogger("newsdesk.api")

STATIC = Path(__file__).resolve().parent.parent / "web" / "static"
MAX_LIMIT = 200
MAX_OFFSET = 1_000_000
MAX_BODY = 20 * 1024 * 1024        # bytes per POST request
MAX_PAGES_PER_POST = 100
GEOJSON_SCAN = 20_000              # events looked at, at most, for one GeoJSON answer

# The page builds its DOM from data with textContent only; the policy is a second line.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'")

ERRORS = {401: {"model": ErrorOut, "description": "token missing or wrong"},
          403: {"model": ErrorOut, "description": "not allowed (e.g. writing disabled)"},
          422: {"model": ErrorOut, "description": "invalid parameters"}}

# Text filters: bounded, and without NUL (which no stored name holds, and which SQLite's
# full-text parser rejects).
_text = dict(max_length=500, pattern=r"^[^\x00]*$")


def filters(
    q: Annotated[str | None, Query(description='full-text query over title and body: words '
                                               'are ANDed, "quoted words" form a phrase, '
                                               'word* matches a prefix', **_text)] = None,
    outlet: Annotated[str | None, Query(description="exact outlet name", **_text)] = None,
    since: Annotated[date | None, Query(description="published on or after (YYYY-MM-DD)")] = None,
    until: Annotated[date | None, Query(description="published on or before (YYYY-MM-DD)")] = None,
    entity: Annotated[str | None, Query(description="canonical entity name", **_text)] = None,
    place: Annotated[str | None, Query(description="place name", **_text)] = None,
    event_type: Annotated[EventType | None, Query(description="PLOVER event type")] = None,
    factuality: Annotated[Factuality | None, Query(description="event factuality")] = None,
    source: Annotated[str | None, Query(description="statement source or event attributed_to",
                                        **_text)] = None,
    method: Annotated[EventMethod | None,
                      Query(description="how events were found: pattern (trigger lexicon) or "
                                        "classifier (sentence classifier, less precise)")] = None,
    min_confidence: Annotated[float | None,
                              Query(ge=0.0, le=1.0, description="events and statements whose "
                                    "confidence is at least this (unscored records are kept)")] = None,
) -> Filters:
    if since and until and since > until:
        raise HTTPException(422, f"since ({since}) is after until ({until})")
    return Filters(q=q or None, outlet=outlet or None, since=since.isoformat() if since else None,
                   until=until.isoformat() if until else None, entity=entity or None,
                   place=place or None, event_type=event_type, factuality=factuality,
                   source=source or None, method=method, min_confidence=min_confidence)


Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"page size (at most {MAX_LIMIT})")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="records to skip")]
F = Annotated[Filters, Depends(filters)]
Pages = PageIn | Annotated[list[PageIn], Field(min_length=1, max_length=MAX_PAGES_PER_POST)]


class Backend:
    """How requests reach the store: one store per worker thread, opened on the thread's
    first request and reused (a sqlite3 connection belongs to its thread; a PostgreSQL
    connection serves one request at a time). FastAPI runs the sync endpoints in a bounded
    threadpool, so there are at most that many connections. A store whose request failed is
    closed and reopened on the next request (a PostgreSQL connection whose transaction
    failed refuses every later statement)."""

    def __init__(self, db: str):
        self.db = db
        self.is_sqlite = sqlite_path(db) is not None
        self.kind = "sqlite" if self.is_sqlite else str(db).partition("://")[0].split("+")[0]
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: set[Any] = set()   # every store opened, to close them all at shutdown
        first = open_store(db)  # fails early on a bad URL; creates or migrates the schema
        self._keep(first)

    def _keep(self, store) -> None:
        store.count_cap = COUNT_CAP  # a page answers fast; "10,000+" matches is enough to say
        with self._lock:
            self._open.add(store)
        self._local.store = store

    @contextmanager
    def session(self) -> Iterator[Any]:
        store = getattr(self._local, "store", None)
        if store is None or store not in self._open:  # none yet, or closed by close()
            store = open_store(self.db)
            self._keep(store)
        try:
            yield store
        except HTTPException:
            raise
        except BaseException:
            self._discard(store)
            raise

    def _discard(self, store) -> None:
        if getattr(self._local, "store", None) is store:
            self._local.store = None
        with self._lock:
            self._open.discard(store)
        try:
            store.close()
        except Exception:  # already broken: nothing more to do
            pass

    def close(self) -> None:
        with self._lock:
            stores, self._open = list(self._open), set()
        for store in stores:
            try:
                store.close()
            except Exception:
                pass


def _page(page: Page) -> dict[str, Any]:
    return {"total": page.total, "total_is_estimate": page.total_is_estimate,
            "limit": page.limit, "offset": page.offset, "items": page.items}


LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def default_allowed_hosts(bound: str) -> list[str]:
    """Host names a server bound to ``bound`` answers to: the address itself, and the
    loopback names when it is a loopback address (a page on another site that rebinds its
    own name to 127.0.0.1 sends its name, which is refused). A wildcard bind (0.0.0.0, ::)
    cannot know its public names: every host is allowed unless --allowed-host says."""
    if bound in ("0.0.0.0", "::", ""):
        return ["*"]
    if bound in LOOPBACK_NAMES or bound.startswith("127."):
        return list(dict.fromkeys([bound, *LOOPBACK_NAMES]))
    return [bound]


def create_app(db: str, token: str | None = None, open_reads: bool = True,
               allowed_hosts: list[str] | None = None):
    """The API and web page over the store at ``db`` (a path, sqlite:///path or postgresql://).

    ``token``: the bearer token that allows writing (None: writing disabled).
    ``open_reads=False``: reads need the token too.
    ``allowed_hosts``: Host header values answered (``*.example.org`` patterns too); any
    other gets 400, which stops DNS rebinding. None: no check (``newsdesk serve`` passes
    the bound address by default, see ``default_allowed_hosts``).
    """
    if not open_reads and not token:
        raise ValueError("private reads (open_reads=False) need a token")
    backend = Backend(db)
    ingest_lock = threading.Lock()  # one spaCy pipeline per app, used by one request at a time
    state: dict[str, Any] = {}
    bearer = HTTPBearer(auto_error=False, description="the token given to newsdesk serve")

    def _check(creds: HTTPAuthorizationCredentials | None) -> None:
        given = creds.credentials if creds is not None else ""
        if not (token and hmac.compare_digest(given.encode("utf-8", "surrogatepass"),
                                              token.encode("utf-8", "surrogatepass"))):
            raise HTTPException(401, "a valid bearer token is required",
                                headers={"WWW-Authenticate": "Bearer"})

    def can_read(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
        if not open_reads:
            _check(creds)

    def can_write(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
        if not token:
            raise HTTPException(403, "writing is disabled: start the server with --token "
                                     "(or NEWSDESK_TOKEN) to allow it")
        _check(creds)

    @asynccontextmanager
    async def lifespan(app):
        yield
        backend.close()

    app = FastAPI(
        title="newsdesk",
        version=__version__,
        description="Sourced records from news pages: articles with entities, places, times, "
                    "attributed statements and PLOVER events. Spans are character offsets "
                    "into the article text.",
        lifespan=lifespan,
        max_body_size=MAX_BODY,  # 413 beyond, chunked bodies included
        docs_url=None, redoc_url=None,  # served from installed files (api/docs.py)
    )
    app.state.backend = backend
    add_docs(app)

    if allowed_hosts is not None and "*" not in allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware
        # Added before ``guard``, so ``guard`` (outermost) puts its headers on the 400 too.
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))

    def _write_refused(request: Request) -> JSONResponse | None:
        """The token is checked from the headers before the body is read: an
        unauthenticated upload costs nothing to refuse, however big."""
        if not token:
            return JSONResponse({"detail": "writing is disabled: start the server with --token "
                                           "(or NEWSDESK_TOKEN) to allow it"}, status_code=403)
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
                given.strip().encode("utf-8", "surrogatepass"), token.encode("utf-8", "surrogatepass")):
            return JSONResponse({"detail": "a valid bearer token is required"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        return None

    @app.middleware("http")
    async def guard(request: Request, call_next):
        path = request.url.path
        refused = None
        if request.method not in ("GET", "HEAD", "OPTIONS") and path.startswith("/api/"):
            refused = _write_refused(request)
        response = refused or await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if not path.startswith(("/docs", "/redoc")):  # Swagger UI loads its own assets
            response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        else:
            response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        # Like FastAPI's answer, without echoing big inputs (a page body can be megabytes).
        from fastapi.encoders import jsonable_encoder
        errors = []
        for err in exc.errors():
            err = dict(err)
            if len(repr(err.get("input"))) > 200:
                err["input"] = "(omitted: too long)"
            if isinstance(err.get("ctx"), dict):
                err["ctx"] = {k: str(v) for k, v in err["ctx"].items()}
            errors.append(err)
        try:
            detail = jsonable_encoder(errors)
        except Exception:  # pragma: no cover - exotic input
            detail = "invalid request"
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception):
        log.exception("error serving %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error"}, status_code=500)

    read = [Depends(can_read)]

    # -- reading ---------------------------------------------------------------------
    @app.get("/api/health", response_model=Health, tags=["meta"])
    def health() -> dict:
        """Liveness and what the server allows; row counts when reads are open."""
        out: dict[str, Any] = {"version": __version__, "store": backend.kind,
                               "writable": bool(token), "open_reads": open_reads}
        if open_reads:
            with backend.session() as store:
                counts = store.counts()
            out["counts"] = {k: v for k, v in counts.items() if isinstance(v, int)}
        return out

    @app.get("/api/articles", response_model=ArticlesPage, dependencies=read, responses=ERRORS,
             tags=["articles"])
    def articles(f: F, limit: Limit = 20, offset: Offset = 0,
                 facets: Annotated[bool, Query(description="add facet counts over all matches "
                                                           "(costs a scan of the matches)")] = False
                 ) -> dict:
        """Matching articles, newest first; with ``facets=true``, facet counts over all matches."""
        with backend.session() as store:
            page = store.articles(f, limit=limit, offset=offset)
            counts = store.facets(f) if facets else None
            linked = article_links_many(store, [i["id"] for i in page.items])
        return _page(page) | {"items": [i | linked[i["id"]] for i in page.items], "facets": counts}

    @app.get("/api/articles/{article_id}", response_model=LinkedArticle, dependencies=read,
             responses={404: {"model": ErrorOut, "description": "no such article"}, **ERRORS},
             tags=["articles"])
    def article(article_id: str) -> LinkedArticle:
        """One article with everything found in it (id or a unique prefix of at least 4 chars),
        its story and the article it copies (duplicate_of) once linked."""
        with backend.session() as store:
            found = store.get(article_id) if 0 < len(article_id) <= 200 else None
            if found is not None:
                found = with_links(found, article_links_many(store, [found.id])[found.id])
        if found is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return found

    @app.get("/api/events", response_model=EventsPage, dependencies=read, responses=ERRORS,
             tags=["events"])
    def events(f: F, limit: Limit = 100, offset: Offset = 0) -> dict:
        """Matching events, by article (newest first) then position in the text."""
        with backend.session() as store:
            return _page(store.events(f, limit=limit, offset=offset))

    @app.get("/api/events.geojson", response_model=EventCollection, dependencies=read,
             responses=ERRORS, tags=["events"],
             response_class=JSONResponse)
    def events_geojson(f: F, limit: Annotated[int, Query(ge=1, le=5000, description=
                       "features at most")] = 1000) -> JSONResponse:
        """Matching events that have coordinates, as a GeoJSON FeatureCollection of points."""
        features: list[dict] = []
        offset = 0
        with backend.session() as store:
            while len(features) < limit and offset < GEOJSON_SCAN:
                page = store.events(f, limit=MAX_LIMIT, offset=offset)
                for e in page.items:
                    if e.get("lat") is not None and e.get("lon") is not None:
                        features.append({"type": "Feature",
                                         "geometry": {"type": "Point",
                                                      "coordinates": [e["lon"], e["lat"]]},
                                         "properties": e})
                offset += MAX_LIMIT
                if (offset >= page.total and not page.total_is_estimate) or not page.items:
                    break
        body = EventCollection.model_validate(
            {"type": "FeatureCollection", "features": features[:limit]})
        return JSONResponse(body.model_dump(mode="json"), media_type="application/geo+json")

    @app.get("/api/statements", response_model=StatementsPage, dependencies=read,
             responses=ERRORS, tags=["statements"])
    def statements(f: F, limit: Limit = 100, offset: Offset = 0) -> dict:
        """Matching attributed statements: who said what, with the cue."""
        with backend.session() as store:
            return _page(store.statements(f, limit=limit, offset=offset))

    @app.get("/api/entities", response_model=EntitiesPage, dependencies=read, responses=ERRORS,
             tags=["entities"])
    def entities(f: F, limit: Limit = 100, offset: Offset = 0) -> dict:
        """Entities in matching articles, most mentioned first."""
        with backend.session() as store:
            return _page(store.entities(f, limit=limit, offset=offset))

    @app.get("/api/places", response_model=PlacesPage, dependencies=read, responses=ERRORS,
             tags=["places"])
    def places(f: F, limit: Limit = 100, offset: Offset = 0) -> dict:
        """Places in matching articles, most mentioned first, with coordinates."""
        with backend.session() as store:
            return _page(store.places(f, limit=limit, offset=offset))

    @app.get("/api/timeline", response_model=list[TimelineItem], dependencies=read,
             responses=ERRORS, tags=["events"])
    def timeline(f: F) -> list[dict]:
        """Counts of matching events per day and type, by date then type."""
        with backend.session() as store:
            return store.timeline(f)

    from .sources import add_source_routes
    add_source_routes(app, backend, read)  # GET /api/sources

    # -- writing ---------------------------------------------------------------------
    @app.post("/api/pages", response_model=IngestResult, dependencies=[Depends(can_write)],
              responses={413: {"model": ErrorOut, "description": "request too large"}, **ERRORS},
              tags=["ingest"])
    def post_pages(pages: Annotated[Pages, Body(description="one page or a list of pages")],
                   steps: Annotated[str | None, Query(max_length=200, description=
                                    "comma-separated pipeline steps (default: all)")] = None) -> dict:
        """Extract, annotate and store pages. Needs ``Authorization: Bearer <token>``.

        Idempotent: a page already stored is reported as skipped. A page that cannot be
        processed is stored as an error and reported with the reason.
        """
        from ..extract.templates import TemplateBook, host_of
        from ..model import RawPage
        from ..pipeline import Pipeline, parse_steps
        from ..sources import content_hash, pages_from_bytes
        try:
            wanted = parse_steps(steps)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        raw = []
        for p in pages if isinstance(pages, list) else [pages]:
            content = p.html if p.html is not None else p.text
            fmt = p.format or ("html" if p.html is not None else "auto")
            source = f"api:{p.url}" if p.url else f"api:{content_hash(content)[:16]}"
            raw.extend(pages_from_bytes(content, source, fmt, url=p.url, published=p.date))
        hosts = {h for h in (host_of(r.url) for r in raw if isinstance(r, RawPage)) if h}
        with ingest_lock:  # also keeps site-template updates of concurrent uploads apart
            if state.get("steps") != wanted:  # keep one pipeline (one model) per app
                state["pipeline"], state["steps"] = Pipeline(wanted), wanted
            with backend.session() as store:
                book = TemplateBook.from_dicts(store.templates(hosts)) if hosts else None
            pipeline = state["pipeline"]
            pipeline.templates = book
            try:
                records = list(pipeline.process(raw))
            finally:
                pipeline.templates = None
            from ..resume import page_key
            keys = [page_key(r) if isinstance(r, RawPage) else None for r in raw]
            with backend.session() as store:
                statuses = list(store.add_many(records, keys=keys))
                if book is not None and book.changed:
                    store.save_templates(book.to_dicts(book.changed))
        results, tally = [], {"added": 0, "skipped": 0, "error": 0}
        for rec, status in zip(records, statuses):
            tally[status] = tally.get(status, 0) + 1
            if isinstance(rec, PageError):
                results.append(PageResult(source=rec.source, status="error", url=rec.url,
                                          step=rec.step, reason=rec.reason))
            else:
                results.append(PageResult(source=rec.source or "", status=status, id=rec.id,
                                          url=rec.url, title=rec.title))
        return {"added": tally["added"], "skipped": tally["skipped"], "errors": tally["error"],
                "results": results}

    # -- the web page ----------------------------------------------------------------
    from .links import add_link_routes
    add_link_routes(app, backend, read)

    if STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")

        @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
        def index() -> FileResponse:
            return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    return app


def app_from_env():
    """App factory for ``uvicorn --factory newsdesk.api:app_from_env``: reads NEWSDESK_DB,
    NEWSDESK_TOKEN, NEWSDESK_PRIVATE=1 and NEWSDESK_ALLOWED_HOSTS (comma-separated host
    names; default: the loopback names)."""
    hosts = [h.strip() for h in os.environ.get("NEWSDESK_ALLOWED_HOSTS", "").split(",") if h.strip()]
    return create_app(os.environ.get("NEWSDESK_DB", "newsdesk.db"),
                      token=os.environ.get("NEWSDESK_TOKEN") or None,
                      open_reads=os.environ.get("NEWSDESK_PRIVATE", "") not in ("1", "true", "yes"),
                      allowed_hosts=hosts or list(LOOPBACK_NAMES))
