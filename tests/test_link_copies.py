"""A copy's event that is its head's word for word joins the head's incident unscored
(Linker.copies_join): on the demo corpus with republished copies arriving among other
news, it must give the incidents the plain path (every event scored) gives, and spare
the scoring it claims to spare."""
import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from newsdesk.link import linker as linker_mod
from newsdesk.link.linker import Linker
from newsdesk.model import Article, RawPage
from newsdesk.pipeline import Pipeline
from newsdesk.sources import read_pages

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"


@pytest.fixture(scope="module")
def news():
    pages = [p for p in read_pages([str(CORPUS)]) if isinstance(p, RawPage)]
    return [a for a in Pipeline().process(pages) if isinstance(a, Article)]


def _later(a: Article, hours: int) -> str:
    when = datetime.fromisoformat((a.published or "2024-01-01")[:19]) + timedelta(hours=hours)
    return when.isoformat()


def republished(arts: list[Article]) -> list[Article]:
    """The articles, then each with events republished by another outlet with a line of its
    own, in another order (so the heads' incidents have grown in between); every third
    copy's first event reads another time, as a re-dated copy's could: that one is scored."""
    out = list(arts)
    withev = [a for a in arts if len(a.events) >= 2]
    for k, a in enumerate(reversed(withev)):
        events = list(a.events)
        if k % 3 == 0:
            events[0] = dataclasses.replace(events[0], time="1999-01-01")
        out.append(dataclasses.replace(
            a, id=f"{a.id}-copy{k}", outlet=f"Reposter {k}", published=_later(a, 6 + k),
            text=a.text + f"\n\nRepublished by desk {k}.", events=events))
    return out


def _incidents(arts, copies_join):
    ln = Linker(copies_join=copies_join)
    links = ln.add_many(arts)
    return {(lk.article_id, j): iid for lk in links for j, iid in enumerate(lk.incidents)}, ln


def test_copies_join_their_heads_incidents_as_the_scorer_would(news, monkeypatch):
    arts = republished(news)
    plain, _ = _incidents(arts, False)
    scored = []
    real = linker_mod.assign
    monkeypatch.setattr(linker_mod, "assign",
                        lambda ms, *a: scored.extend(m.doc for m in ms) or real(ms, *a))
    fast, ln = _incidents(arts, True)
    assert fast == plain
    copies = [a for a in arts if "-copy" in a.id]
    assert len(copies) >= 6
    joined = sum(1 for (aid, _j) in fast if "-copy" in aid) - sum(
        1 for c in copies[::3] if c.events and c.events[0].sentence_start is not None)
    assert joined > 10
    # a copy is scored only for its re-dated event, never embedded for the others
    assert {d for d in scored if "-copy" in d} <= {c.id for c in copies[::3]}
    for c in copies[1::3] + copies[2::3]:
        assert ln.articles[c.id].trigger_vecs is None
