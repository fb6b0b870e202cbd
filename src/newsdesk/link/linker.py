"""The link stage: families, stories and incidents for articles in arrival order.

``Linker.add_many`` takes enriched Articles and returns one ``Links`` per article. Each
index holds only what candidates need (hashes and MinHash sketches, story centroids and
an inverted key index, the mentions of each story), so a new article is compared with
its candidates, never with everything stored. ``Linker`` can be rebuilt from stored
articles by adding them again in their first-seen order.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from ..model import Article
from .corroboration import Report, status
from .families import FamilyIndex
from .incidents import Mention, scorer
from .keys import article_keys, entity_key
from .stories import StoryIndex

LEAD_CHARS = 400
_WORDS = re.compile(r"\w+|[^\w\s]")


def lead_text(article: Article) -> str:
    """The title and the opening of the text, cut at a sentence end near LEAD_CHARS."""
    text = article.text or ""
    cut = text.find(". ", LEAD_CHARS // 2)
    lead = text[: cut + 1 if 0 < cut < LEAD_CHARS * 2 else LEAD_CHARS]
    return f"{article.title or ''}. {lead}".strip(". ")


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
    def __init__(self):
        self.families = FamilyIndex()
        self.stories = StoryIndex()
        self.incidents: dict[str, Incident] = {}
        self.story_incidents: dict[str, list[str]] = defaultdict(list)
        self.articles: dict[str, Article] = {}

    def add_many(self, articles: list[Article]) -> list[Links]:
        from .embed import encoder
        enc = encoder()
        leads = enc.encode([lead_text(a) for a in articles])
        out = []
        for a, vec in zip(articles, leads):
            out.append(self._add(a, vec, enc))
        return out

    def _add(self, a: Article, vec: np.ndarray, enc) -> Links:
        fam = self.families.add(a.id, a.text)
        dup = fam.head if fam.head != a.id else None
        self.articles[a.id] = a
        if dup and self.stories.of.get(dup):
            # a copy joins its head's story without moving the centroid
            sid = self.stories.resolve(self.stories.of[dup])
            self.stories.of[a.id] = sid
            self.stories.stories[sid].members.append(a.id)
        else:
            sid = self.stories.add(a.id, vec, article_keys(a), a.published)
        inc_ids = self._link_events(a, sid, fam.head, enc)
        return Links(a.id, dup, sid, inc_ids)

    def _mentions(self, a: Article, enc) -> list[tuple[int, Mention]]:
        events = [(i, e) for i, e in enumerate(a.events) if e.sentence_start is not None]
        if not events:
            return []
        sents, spans = [], []
        for _, e in events:
            s = a.text[e.sentence_start:e.sentence_end]
            toks = [(m.start() + e.sentence_start, m.end() + e.sentence_start, m.group())
                    for m in _WORDS.finditer(s)]
            words = [t[2] for t in toks] or ["_"]
            idx = [k for k, t in enumerate(toks) if t[0] < e.end and t[1] > e.start] or [0]
            sents.append(words)
            spans.append([(idx[0], idx[-1] + 1)])
        sv, tv = enc.encode_words(sents, spans)
        out = []
        for (i, e), s, t in zip(events, sv, tv):
            args = frozenset(entity_key(x) for x in e.actors + e.targets) - {""}
            out.append((i, Mention(key=(a.id, i), doc=a.id, lemma=e.trigger.lower().split()[-1],
                                   vec=t[0], sent_vec=s, args=args, time=e.time,
                                   place=entity_key(e.place) if e.place else None, type=e.type)))
        return out

    def _link_events(self, a: Article, sid: str, family: str, enc) -> list[str]:
        model = scorer()
        ids = []
        for i, m in self._mentions(a, enc):
            e = a.events[i]
            best, best_p = None, model.threshold
            for iid in self.story_incidents.get(sid, []):
                inc = self.incidents[iid]
                others = [x for x in inc.mentions if x.doc != a.id]
                if not others:
                    continue
                from .incidents import pair_features
                p = float(np.mean([model.prob(pair_features(m, x)) for x in others]))
                if p >= best_p:
                    best, best_p = iid, p
            if best is None:
                best = f"{a.id}:{i}"
                self.incidents[best] = Incident(best, sid, e.type)
                self.story_incidents[sid].append(best)
            inc = self.incidents[best]
            inc.mentions.append(m)
            nums = [(q.value, q.unit) for q in a.quantities
                    if e.sentence_start is not None and e.sentence_start <= q.start < (e.sentence_end or 0)]
            inc.reports.append(Report(article_id=a.id, outlet=a.outlet, family=family,
                                      published=a.published, start=e.start, end=e.end,
                                      sentence_start=e.sentence_start, sentence_end=e.sentence_end,
                                      factuality=e.factuality, source=e.attributed_to, numbers=nums))
            ids.append(best)
        return ids
