"""The link stage: families, stories and incidents for articles in arrival order.

``Linker.add_many`` takes enriched Articles and returns one ``Links`` per article;
``Linker.apply`` does the same from kept ``Inputs`` (link.inputs), without the model. Each
index holds only what candidates need (hashes and MinHash sketches, story centroids and
an inverted key index, the mentions of each story), so a new article is compared with
its candidates, never with everything stored. ``Linker`` can be rebuilt from stored
articles by adding them again in their first-seen order.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from ..model import Article
from .corroboration import Report, status
from .families import FamilyIndex
from .incidents import Mention, assign, neighbour_stories, scorer
from .inputs import (Inputs, embed_events, embed_lead, event_keys, lead_text,  # noqa: F401  (lead_text: the linker's text)
                     prepare, remember)
from .stories import StoryIndex


@dataclass
class Incident:
    id: str
    story: str
    type: str
    mentions: list[Mention] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)

    @property
    def status(self) -> tuple[str, str]:
        return status(self.reports)


@dataclass
class Links:
    article_id: str
    duplicate_of: str | None
    story_id: str
    incidents: list[str]


class Linker:
    """The indexes. ``add_many`` links Articles (``prepare`` then ``apply``); ``apply``
    alone replays kept Inputs. ``dirty`` collects what changed since ``clean()``: the
    stories and incidents a writer must rewrite."""

    def __init__(self, encoder=None, copies_join: bool = True):
        self._enc = encoder
        # a copy's event that is its head's, word for word, joins the head's incident
        # unscored (False: every event is scored, the plain path tests compare with)
        self.copies_join = copies_join
        self.incident_of: dict[tuple[str, int], str] = {}   # (article, event index) -> incident
        self.sentences: dict = {}   # event sentence -> its vectors (link.inputs.remember)
        self.mentions_of: dict[str, list[Mention]] = {}
        self.families = FamilyIndex()
        self.stories = StoryIndex()
        self.incidents: dict[str, Incident] = {}
        self.story_incidents: dict[str, list[str]] = defaultdict(list)
        self.articles: dict[str, Inputs] = {}
        self.clean()

    def clean(self) -> None:
        self.embedded: set[str] = set()   # articles whose event vectors were computed
        self.dirty_stories: set[str] = set()
        self.dirty_incidents: set[str] = set()

    def encoder(self):
        if self._enc is None:
            from .embed import encoder
            self._enc = encoder()
        return self._enc

    def add_many(self, articles: list[Article]) -> list[Links]:
        return [self.apply(x) for x in prepare(articles, leads=False)]

    def _embed(self, article_id: str) -> None:
        x = self.articles[article_id]
        if x.embedded:
            return
        embed_events(x, self.encoder(), self.sentences)
        for j, m in enumerate(self.mentions_of.get(article_id, ())):
            m.vec, m.sent_vec = x.trigger_vecs[j], x.sent_vecs[x.events[j].sentence]
        self.embedded.add(article_id)

    def apply(self, x: Inputs) -> Links:
        fam = self.families.add_sketch(x.id, x.hash, x.sig, x.nshingles)
        dup = fam.head if fam.head != x.id else None
        self.articles[x.id] = x
        remember(x, self.sentences)
        passed = None
        if dup and self.stories.of.get(dup):
            # a copy joins its head's story without moving the centroid
            sid = self.stories.of[dup]
            self.stories.of[x.id] = sid
            self.stories.stories[sid].members.append(x.id)
        else:
            sid = self.stories.add(x.id, embed_lead(x, self.encoder()), set(x.keys), x.published)
            passed = set(self.stories.passed)   # scored as it chose: not scored again
        self.dirty_stories.add(sid)
        # a copy has no lead vector of its own: its head's stands for it
        lead = x.lead_vec if x.lead_vec is not None else self.articles[fam.head].lead_vec
        copied = self._copied(x, dup) if dup and self.copies_join else {}
        near = {sid}
        if len(copied) < len(x.events) and lead is not None:
            near |= (passed if passed is not None
                     else neighbour_stories(self.stories, lead, set(x.keys), x.published))
        inc_ids = self._link_events(x, sid, fam.head, near, lead, copied)
        return Links(x.id, dup, sid, inc_ids)

    def _copied(self, x: Inputs, head: str) -> dict[int, str]:
        """The copy's events that are its head's word for word (same sentence, trigger
        words, lemma, arguments, time, place and type: the same vectors and features, so
        the same mention but for its article), each with the incident the head's joined:
        event position -> incident. The copy's event joins it unscored and unembedded."""
        h = self.articles.get(head)
        if h is None or not x.events:
            return {}
        mine = {}
        for i, k in enumerate(event_keys(h)):
            mine.setdefault(k, []).append(h.events[i].index)
        out = {}
        for j, k in enumerate(event_keys(x)):
            if mine.get(k):
                iid = self._incident_of_event(head, mine[k].pop(0))
                if iid is not None:
                    out[j] = iid
        return out

    def _incident_of_event(self, article_id: str, index: int) -> str | None:
        """The incident an event of a linked article joined."""
        return self.incident_of.get((article_id, index))

    @staticmethod
    def _others(inc: Incident, doc: str) -> list[Mention]:
        """The incident's mentions a new one is compared with: not its own article's, and
        one per duplicate family (its first), so wire copies neither weigh more nor make
        the comparison grow."""
        seen, out = set(), []
        for o, r in zip(inc.mentions, inc.reports):
            if o.doc != doc and r.family not in seen:
                seen.add(r.family)
                out.append(o)
        return out

    def _link_events(self, x: Inputs, sid: str, family: str, near: set[str],
                     lead: np.ndarray | None, copied: dict[int, str] | None = None) -> list[str]:
        """The article's events, in units (incidents.units: within the article first), each
        join the incident of its story or of a story the article nearly joined (``near``, as
        incidents.neighbourhoods groups them) with the best mean chance over its mentions,
        or start one; an event of ``copied`` joins its head's incident unscored
        (``_copied``)."""
        model = scorer()
        copied = copied or {}
        ms = self.mentions_of.setdefault(x.id, [])
        mine = []
        for j, e in enumerate(x.events):
            mine.append(Mention(key=(x.id, e.index), doc=x.id, lemma=e.lemma,
                                vec=None if x.trigger_vecs is None else x.trigger_vecs[j],
                                sent_vec=None if x.sent_vecs is None else x.sent_vecs[e.sentence],
                                args=frozenset(e.args), time=e.time, place=e.place, type=e.type,
                                doc_vec=lead, story=sid))
        ms.extend(mine)
        rest = [j for j in range(len(mine)) if j not in copied]
        candidates = []
        if rest:
            candidates = [(iid, self._others(self.incidents[iid], x.id))
                          for s in sorted(near) for iid in self.story_incidents.get(s, [])]
            candidates = [(iid, others) for iid, others in candidates if others]
        # vectors only when there is something to compare: another article's mention, or
        # the article's own events to group (the within-document step)
        if candidates or (len(rest) > 1 and model.doc_threshold is not None):
            for doc in [x.id] + sorted({o.doc for _, others in candidates for o in others}):
                self._embed(doc)
        joins = [([j], iid) for j, iid in sorted(copied.items())]
        joins += [([rest[k] for k in u], best)
                  for u, best in assign([mine[j] for j in rest], candidates, model)]
        ids: list[str | None] = [None] * len(mine)
        for u, best in sorted(joins):
            if best is None:
                e = x.events[u[0]]
                best = f"{x.id}:{e.index}"
                self.incidents[best] = Incident(best, sid, e.type)
                self.story_incidents[sid].append(best)
            inc = self.incidents[best]
            for j in u:
                e = x.events[j]
                inc.mentions.append(mine[j])
                inc.reports.append(Report(article_id=x.id, outlet=x.outlet, family=family,
                                          published=x.published, start=e.start, end=e.end,
                                          sentence_start=e.sentence_start,
                                          sentence_end=e.sentence_end, factuality=e.factuality,
                                          source=e.source, numbers=list(e.numbers)))
                ids[j] = best
                self.incident_of[(x.id, e.index)] = best
            self.dirty_incidents.add(best)
        return ids
