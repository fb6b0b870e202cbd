"""API routes of the link stage: stories and incidents (filled by ``newsdesk link``)."""
from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal

from urllib.parse import quote

from fastapi import HTTPException, Path, Query
from fastapi.responses import RedirectResponse

from ..model import Article

Status = Literal["single-source", "corroborated", "contested"]


@dataclasses.dataclass
class LinkedArticle(Article):
    """An Article as the API gives it: with its story and, for a copy, the first-seen
    article of its duplicate family (both null until linked)."""

    story_id: str | None = None
    duplicate_of: str | None = None


def with_links(article: Article, links: dict[str, Any]) -> LinkedArticle:
    fields = {f.name: getattr(article, f.name) for f in dataclasses.fields(article)}
    return LinkedArticle(**fields, **links)


def _found_or_moved(backend, read_one, merged_into, key: str, base: str, what: str):
    """The stored record of ``key``; for one merged into another (link.story_merge,
    link.incident_merge) a 308 to the survivor's address, so a saved link leads on to it;
    else 404. (Incident ids are "<article>:<event>": the colon, a path character, stays.)"""
    with backend.session() as store:
        found = read_one(store, key)
        survivor = merged_into(store, key) if found is None else None
    if survivor is not None:
        return RedirectResponse(base + quote(survivor, safe=":"), status_code=308)
    if found is None:
        raise HTTPException(404, f"no {what} {key!r}")
    return found


def add_link_routes(app, backend, read) -> None:
    from ..store import links

    @app.get("/api/stories", dependencies=read, tags=["links"])
    def stories(q: Annotated[str | None, Query(max_length=200, description="words of the label")] = None,
                since: Annotated[str | None, Query(max_length=40)] = None,
                until: Annotated[str | None, Query(max_length=40)] = None,
                entity: Annotated[str | None, Query(max_length=200,
                                                    description="a name one of its articles gives")] = None,
                place: Annotated[str | None, Query(max_length=200,
                                                   description="a place one of its articles names")] = None,
                min_outlets: Annotated[int, Query(ge=0, le=10_000)] = 0,
                limit: Annotated[int, Query(ge=1, le=500)] = 20,
                offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> dict[str, Any]:
        """Stories (the same news across articles), largest first, with their outlets."""
        with backend.session() as store:
            items = links.stories(store, min_outlets=min_outlets, limit=limit, offset=offset, q=q,
                                  since=since, until=until, entity=entity, place=place)
        return {"items": items, "limit": limit, "offset": offset}

    @app.get("/api/stories/{story_id}", dependencies=read, tags=["links"])
    def story(story_id: Annotated[str, Path(max_length=200)]) -> dict[str, Any]:
        """One story: its articles (copies marked by duplicate_of, and folded into families)
        and incidents with their status, outlets, sources and provenance spans; each
        incident's claims give the quoted sentence, article title, link and time, and the
        event's actors and place. A story merged into another (link.story_merge) answers
        308 with the survivor's address."""
        from ..store.story_claims import story_with_claims
        found = _found_or_moved(backend, story_with_claims, links.merged_into, story_id,
                                "/api/stories/", "story")
        if not isinstance(found, dict):
            return found
        from ..brief import sentence
        for inc in found["incidents"]:
            inc["sentence"] = sentence(inc)  # the brief's wording of it
        return found

    @app.get("/api/articles/{article_id}/story", dependencies=read, tags=["links"])
    def article_story(article_id: Annotated[str, Path(max_length=200)]) -> dict[str, Any]:
        """The article's story (id, label, outlets) and the family head it copies, if any;
        ``story`` is null before ``newsdesk link`` has run."""
        from ..store.story_claims import story_summary
        with backend.session() as store:
            found = links.article_links(store, article_id)
            summary = story_summary(store, found["story_id"]) if found["story_id"] else None
        return {"article_id": article_id, "duplicate_of": found["duplicate_of"], "story": summary}

    @app.get("/api/incidents", dependencies=read, tags=["links"])
    def incidents(status: Status | None = None,
                  story_id: Annotated[str | None, Query(max_length=200)] = None,
                  type: Annotated[str | None, Query(max_length=40)] = None,
                  limit: Annotated[int, Query(ge=1, le=500)] = 20,
                  offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> dict[str, Any]:
        """Incidents (one happening told by several reports) with their status."""
        with backend.session() as store:
            items = links.incidents(store, status=status, limit=limit, offset=offset,
                                    story_id=story_id, type=type)
        return {"items": items, "limit": limit, "offset": offset}

    @app.get("/api/incidents/{incident_id}", dependencies=read, tags=["links"])
    def incident(incident_id: Annotated[str, Path(max_length=200)]) -> dict[str, Any]:
        """One incident: its status (and why), outlets, sources, each claim with the quoted
        sentence, article and event, the most told actors, place and date, and its story.
        An incident merged into another (link.incident_merge) answers 308 with the
        survivor's address."""
        from ..store.story_claims import incident_with_claims
        found = _found_or_moved(backend, incident_with_claims, links.incident_merged_into,
                                incident_id, "/api/incidents/", "incident")
        if not isinstance(found, dict):
            return found
        from ..brief import sentence
        found["sentence"] = sentence(found)
        return found

    @app.get("/api/brief", dependencies=read, tags=["links"])
    def brief_route(since: Annotated[str, Query(max_length=40, description="24h, 30d, 2w or an ISO date")] = "24h",
                    until: Annotated[str | None, Query(max_length=40, description="ISO date")] = None,
                    q: Annotated[str | None, Query(max_length=200)] = None,
                    limit: Annotated[int, Query(ge=1, le=200)] = 50) -> dict[str, Any]:
        """The period's stories ranked by independent outlets and incidents, each with
        templated sentences from its incidents and their citations (as ``newsdesk brief``)."""
        from .. import brief
        from ..store.story_claims import latest_report, stories_with_claims
        with backend.session() as store:
            try:
                end = brief.parse_until(until) if until else None
                start = brief.parse_since(since, end or brief.anchor(latest_report(store)))
            except ValueError as e:
                raise HTTPException(422, str(e)) from None
            found = stories_with_claims(store, since=start, until=end, q=q, limit=limit)
        return brief.build(found, since=start, until=end, q=q)
