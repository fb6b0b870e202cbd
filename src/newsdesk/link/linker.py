"""The link stage: families, stories and incidents for articles in arrival order.

``Linker.add_many`` takes enriched Articles and returns one ``Links`` per article;
``Linker.apply`` does the same from kept ``Inputs`` (link.inputs), without the model. Each
index holds only what candidates need (hashes and MinHash sketches, story centroids and
an inverted key index, the mentions of each story), so a new article is compared with
its candidates, never with everything stored. After a scored article joins a story, that
story may merge with a near one (link.story_merge): the gone story's incidents and
articles move to the survivor, and both are ``dirty`` for the writers. Then the story may
split in two (link.story_split: its halves would not merge): the moved members' incidents
and mentions follow them. After an article's events joined or started incidents, those it
touched may merge with other incidents of its story neighbourhood (link.incident_merge):
the older keeps its id. ``Linker`` can be rebuilt from stored articles by adding them
again in their first-seen order.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from ..model import Article
from .corroboration import Report, status
from .families import FamilyIndex
from . import incident_merge
from .incidents import Mention, assign, neighbour_stories, scorer, unit_scorer, units
from .inputs import (Inputs, embed_events, embed_lead, event_keys, lead_text,  # noqa: F401  (lead_text: the linker's text)
                     prepare, remember, span_slots)
from .stories import StoryIndex
from .story_merge import merge_step
from .story_split import split_step


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

    def __init__(self, encoder=None, copies_join: bool = True, merges: bool = True,
                 splits: bool = True):
        self._enc = encoder
        # after an article joins a story, the story may merge with a near one
        # (link.story_merge); False: stories never merge
        self.merges = merges
        # then the story may split in two (link.story_split); False: stories never split
        self.splits = splits
        # a copy's event that is its head's, word for word, joins the head's incident
        # unscored (False: every event is scored, the plain path tests compare with)
        self.copies_join = copies_join
        self.incident_of: dict[tuple[str, int], str] = {}   # (article, event index) -> incident
        self.sentences: dict = {}   # event sentence -> its vectors (link.inputs.remember)
        self.mentions_of: dict[str, list[Mention]] = {}
        self.families = FamilyIndex()
        self.stories = StoryIndex()
        self.incidents: dict[str, Incident] = {}
        # merged-away incident -> the incident it merged into (link.incident_merge; a
        # stored linker holds only its own run's, the writers chain them in the store)
        self.incidents_merged: dict[str, str] = {}
        self.story_incidents: dict[str, list[str]] = defaultdict(list)
        self.articles: dict[str, Inputs] = {}
        self.seq_of: dict[str, int] = {}   # article -> its linking position
        self.next_seq = 0
        self.unscored: set[str] = set()    # copies: story members without a vector of their own
        self.blended: set[str] = set()     # merge survivors: a centroid no replay gives back
        self.head_of: dict[str, str] = {}  # copy -> its family head (a split moves them together)
        self.clean()
        # the within-document step's clustering (incidents.cluster) imported with the
        # linker, a one-off per process (~65 ms), not inside the first article that has
        # events to group (the bench's new news paid it: ~3 ms an article of 19)
        import scipy.cluster.hierarchy  # noqa: F401
        import scipy.spatial.distance  # noqa: F401

    def clean(self) -> None:
        self.embedded: set[str] = set()   # articles whose event vectors were computed
        self.dirty_stories: set[str] = set()
        self.dirty_incidents: set[str] = set()
        # since then, by link.story_split: the stories cut (their keys shrank) and the
        # articles moved to another story (the writers update their stored story)
        self.split_stories: set[str] = set()
        self.split_moved: set[str] = set()

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
        self.seq_of[x.id] = self.next_seq
        self.next_seq += 1
        remember(x, self.sentences)
        passed = None
        if dup and self.stories.of.get(dup):
            # a copy joins its head's story without moving the centroid
            sid = self.stories.of[dup]
            self.stories.of[x.id] = sid
            self.stories.stories[sid].members.append(x.id)
            self.unscored.add(x.id)
            self.head_of[x.id] = dup
        else:
            sid = self.stories.add(x.id, embed_lead(x, self.encoder()), set(x.keys), x.published)
            passed = set(self.stories.passed)   # scored as it chose: not scored again
            if self.merges:
                sid = self._merge_step(sid, set(x.keys), x.published)
                # a story it passed may be merged away now: its survivor stands for it
                passed = {self.survivor(s) for s in passed}
            if self.splits:
                sid = self._split_step(sid, x.id)
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

    def survivor(self, sid: str) -> str:
        """The story ``sid`` is now: itself, or the one it merged into (in turn)."""
        merged = self.stories.merged
        while sid in merged:
            sid = merged[sid]
        return sid

    def incident_survivor(self, iid: str) -> str:
        """The incident ``iid`` is now: itself, or the one it merged into (in turn)."""
        while iid in self.incidents_merged:
            iid = self.incidents_merged[iid]
        return iid

    def _merge_step(self, sid: str, keys: set[str], time: str | None) -> str:
        """link.story_merge's step after an article joined ``sid``; on a merge, the gone
        story's incidents and members move to the survivor (``_merged``). Returns the
        story the article is now in."""
        before = len(self.stories.merged)
        keep = merge_step(self.stories, sid, keys, time=time)
        if len(self.stories.merged) > before:
            gone, keep = next(reversed(self.stories.merged.items()))
            self._merged(gone, keep)
        return keep

    def _merged(self, gone: str, keep: str) -> None:
        """What a merge moves beside the story index: the gone story's incidents (their
        story, in the survivor's list in the order they were made, as a store loads
        them), its articles' mentions (their story is a pair feature), and the
        survivor's members in linking order (as replaying them gives: the merge appended
        the gone story's); the centroid stays the merge's (``blended``: kept by writers)."""
        mine = list(self.story_incidents.get(keep, ()))
        theirs = list(self.story_incidents.get(gone, ()))
        self.story_incidents.pop(gone, None)
        for iid in theirs:
            self.incidents[iid].story = keep
        first = lambda iid: (self.seq_of[self.incidents[iid].mentions[0].doc],  # noqa: E731
                             self.incidents[iid].mentions[0].key[1])
        self.story_incidents[keep] = sorted(mine + theirs, key=first)
        story = self.stories.stories[keep]
        for aid in story.members:
            for m in self.mentions_of.get(aid, ()):
                m.story = keep
            self._moved(aid, keep)
        # the scored members (not copies) are those with a vector, in the same order
        scored = [a for a in story.members if a not in self.unscored]
        if len(scored) == len(story.vecs):
            order = sorted(range(len(scored)), key=lambda i: self.seq_of[scored[i]])
            story.vecs = [story.vecs[i] for i in order]
            story.key_sets = [story.key_sets[i] for i in order]
            story._matrix = None
            keys: dict[str, int] = {}
            for i in order:
                for k in set(self.articles[scored[i]].keys):
                    keys[k] = keys.get(k, 0) + 1
            story.keys = keys
        story.members.sort(key=self.seq_of.__getitem__)
        self.blended.add(keep)
        self.blended.discard(gone)
        self.dirty_stories.update((keep, gone))
        self.dirty_incidents.update(theirs)

    def _split_step(self, sid: str, article_id: str) -> str:
        """link.story_split's step on the article's story; each split moves the moved
        members' incidents and mentions (``_split``). Returns the article's story now."""
        for old, new, moved in split_step(self.stories, sid, self.unscored,
                                          lambda a: self.articles[a].published,
                                          self.head_of.get):
            self._split(old, new, moved)
        return self.stories.of[article_id]

    def _split(self, old: str, new: str, moved: list[str]) -> None:
        """What a split moves beside the story index: the incidents an article of
        ``moved`` started (their story, in ``new``'s list in the order they were made),
        and the moved articles' mentions (their story is a pair feature). Both halves'
        centroids are their members' replay (no longer ``blended``)."""
        gone = set(moved)
        mine = list(self.story_incidents.get(old, ()))
        self.story_incidents[old] = [i for i in mine if self.incidents[i].mentions[0].doc not in gone]
        theirs = [i for i in mine if self.incidents[i].mentions[0].doc in gone]
        self.story_incidents[new] = theirs
        for iid in theirs:
            self.incidents[iid].story = new
        for aid in moved:
            for m in self.mentions_of.get(aid, ()):
                m.story = new
            self._moved(aid, new)
        self.blended.discard(old)
        self.dirty_stories.update((old, new))
        self.dirty_incidents.update(theirs)
        self.split_stories.add(old)
        self.split_moved.update(moved)

    def _moved(self, article_id: str, story: str) -> None:
        """An article's story changed by a merge or a split (StoredLinker keeps where it
        loaded it)."""

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
            mine.append(event_mention(
                x, j, None if x.trigger_vecs is None else x.trigger_vecs[j],
                None if x.sent_vecs is None else x.sent_vecs[e.sentence], doc_vec=lead, story=sid))
        ms.extend(mine)
        rest = [j for j in range(len(mine)) if j not in copied]
        candidates = []
        if rest:
            candidates = [(iid, self._others(self.incidents[iid], x.id))
                          for s in sorted(near) for iid in self.story_incidents.get(s, [])]
            candidates = [(iid, others) for iid, others in candidates if others]
        # the model's vectors only when there is something to compare: another article's
        # mention (the article's own events are grouped on the table's, ``_units``)
        if candidates:
            for doc in [x.id] + sorted({o.doc for _, others in candidates for o in others}):
                self._embed(doc)
        joins = [([j], iid) for j, iid in sorted(copied.items())]
        joins += [([rest[k] for k in u], best)
                  for u, best in assign([mine[j] for j in rest], candidates, model,
                                        own_units(x, rest))]
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
        # a copy brings no evidence of its own (its head stands for it): it merges nothing,
        # so scoring its events or joining them unscored (``copied``) gives the same
        if candidates and family == x.id:
            ids = self._merge_incidents(x.id, near, ids, {ids[j] for j in rest}, model)
        return ids

    def _stand_for(self, inc: Incident) -> list[Mention]:
        """The mentions that stand for an incident in a merge: those of the first article of
        each duplicate family in it (as ``_others``, wire copies do not weigh more)."""
        first: dict[str, str] = {}
        for m, r in zip(inc.mentions, inc.reports):
            first.setdefault(r.family, m.doc)
        docs = set(first.values())
        return [m for m in inc.mentions if m.doc in docs and m.vec is not None]

    def _merge_incidents(self, doc: str, near: set[str], ids: list, touched: set[str],
                         model) -> list:
        """link.incident_merge's step after the article's units linked: the incidents its
        scored units touched against the others of ``near``; each merge moves the gone
        incident's mentions and reports to the survivor (``_merge_incident``). Returns the
        article's incident per event then."""
        if incident_merge.CUT is None:
            return ids
        age = lambda iid: (self.seq_of[self.incidents[iid].mentions[0].doc],  # noqa: E731
                           self.incidents[iid].mentions[0].key[1])
        pool = sorted({iid for s in near for iid in self.story_incidents.get(s, ())}, key=age)
        incs = {iid: self._stand_for(self.incidents[iid]) for iid in pool}
        fresh = {iid for iid in pool if all(m.doc == doc for m in self.incidents[iid].mentions)}
        for gone, keep in incident_merge.merges(incs, touched & set(pool), fresh, model):
            self._merge_incident(gone, keep)
        return [self.incident_survivor(i) for i in ids]

    def _merge_incident(self, gone: str, keep: str) -> None:
        """The gone incident's mentions and reports join the survivor's, by linking
        position (stably: a store loads them in that order), and it is dropped from its
        story; both are ``dirty`` (the writers delete the gone one's rows)."""
        K, G = self.incidents[keep], self.incidents.pop(gone)
        self.incidents_merged[gone] = keep
        both = list(zip(K.mentions, K.reports)) + list(zip(G.mentions, G.reports))
        both.sort(key=lambda mr: self.seq_of[mr[0].doc])
        K.mentions, K.reports = [m for m, _ in both], [r for _, r in both]
        for m in G.mentions:
            self.incident_of[(m.doc, m.key[1])] = keep
        lst = self.story_incidents.get(G.story)
        if lst is not None and gone in lst:
            lst.remove(gone)
        self.dirty_incidents.update((keep, gone))


def own_units(x: Inputs, rest: list[int]) -> list[list[int]]:
    """The within-document step (incidents.units) over the events ``rest`` of ``x``:
    by the unit scorer on the static table's vectors (embed.table_encoder), so an
    article whose events have nothing to compare with elsewhere (most new stories')
    needs no pass of the model. Index lists into ``rest``."""
    um = unit_scorer()
    if len(rest) < 2 or um.doc_threshold is None:
        return [[k] for k in range(len(rest))]
    from .embed import table_encoder
    sent, trig = table_encoder().table_words(x.sentences, x.spans)
    slot = span_slots(x)
    ms = [event_mention(x, j, trig[x.events[j].sentence][slot[j]], sent[x.events[j].sentence])
          for j in rest]
    return units(ms, um)


def event_mention(x: Inputs, j: int, vec, sent_vec, **kw) -> Mention:
    """The scorer's view of event ``j`` of ``x`` with the given trigger and sentence
    vectors (the model's or the static table's)."""
    e = x.events[j]
    return Mention(key=(x.id, e.index), doc=x.id, lemma=e.lemma, vec=vec, sent_vec=sent_vec,
                   args=frozenset(e.args), time=e.time, place=e.place, type=e.type, **kw)
