"""What linking needs of one article, computed once and kept: ``Inputs``.

``prepare`` turns enriched Articles into Inputs (text hash and MinHash sketch, the lead's
vector and keys, each event's trigger and sentence vectors, the report fields); the
indexes (link.linker) work from Inputs alone. Stored beside the article (store.links),
they let the next run rebuild the indexes without the sentence model and without reading
the articles again, so an incremental run and ``link --rebuild`` see the same numbers.

Vectors are kept as float16 (half the bytes; the scores need no more) and used as the
float32 of that rounding, whether fresh or read back, so both paths agree to the bit.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

import numpy as np

from ..model import Article
from .families import shingles, signature, text_hash
from .keys import article_keys, entity_key

LEAD_CHARS = 400
_WORDS = re.compile(r"\w+|[^\w\s]")
LABEL_LABELS = ("PERSON", "ORG", "NORP")


def lead_text(article: Article) -> str:
    """The title and the opening of the text, cut at a sentence end near LEAD_CHARS."""
    text = article.text or ""
    cut = text.find(". ", LEAD_CHARS // 2)
    lead = text[: cut + 1 if 0 < cut < LEAD_CHARS * 2 else LEAD_CHARS]
    return f"{article.title or ''}. {lead}".strip(". ")


@dataclass
class EventInput:
    """One event of the article, as the incident scorer and the report need it."""

    index: int                  # position in article.events
    lemma: str
    args: list[str]
    time: str | None
    place: str | None
    type: str | None
    start: int
    end: int
    sentence_start: int | None
    sentence_end: int | None
    factuality: str
    source: str | None
    numbers: list[tuple[float, str | None]]
    sentence: int = 0           # row of its sentence in Inputs.sent_vecs


@dataclass
class Inputs:
    id: str
    hash: str
    sig: bytes
    nshingles: int
    keys: list[str]
    title: str | None
    outlet: str | None
    published: str | None
    names: list[str]            # PERSON/ORG/NORP names, for the story label
    places: list[str]
    first_words: str            # the text's opening, a label when there is no title
    events: list[EventInput] = field(default_factory=list)
    lead_vec: np.ndarray | None = None
    trigger_vecs: np.ndarray | None = None   # one row per event
    sent_vecs: np.ndarray | None = None      # one row per distinct event sentence

    def to_row(self) -> tuple[str, bytes]:
        """(meta JSON, vectors) for the store: float16 rows lead, triggers, sentences."""
        meta = {k: v for k, v in asdict(self).items()
                if k not in ("sig", "lead_vec", "trigger_vecs", "sent_vecs")}
        meta["sig"] = self.sig.hex()
        meta["n_sent"] = int(len(self.sent_vecs))
        vecs = np.vstack([self.lead_vec[None], self.trigger_vecs, self.sent_vecs])
        return json.dumps(meta, ensure_ascii=False), vecs.astype(np.float16).tobytes()

    @classmethod
    def from_row(cls, meta: str, vectors: bytes, dim: int = 384) -> "Inputs":
        m = json.loads(meta)
        n_sent = m.pop("n_sent")
        events = [EventInput(**{**e, "numbers": [tuple(x) for x in e["numbers"]]})
                  for e in m.pop("events")]
        sig = bytes.fromhex(m.pop("sig"))
        v = np.frombuffer(bytes(vectors), dtype=np.float16).reshape(-1, dim).astype(np.float32)
        n_ev = len(events)
        return cls(**m, sig=sig, events=events, lead_vec=v[0], trigger_vecs=v[1:1 + n_ev],
                   sent_vecs=v[1 + n_ev:1 + n_ev + n_sent])


def _half(m: np.ndarray) -> np.ndarray:
    return np.asarray(m, dtype=np.float32).astype(np.float16).astype(np.float32)


def _events(a: Article) -> tuple[list[EventInput], list[str], list[list[str]], list[list[tuple]]]:
    """The events with a sentence, and each distinct sentence once as words with the
    trigger spans inside it (one forward pass per sentence, however many events)."""
    events, sent_keys, sents, spans = [], [], [], []
    where: dict[tuple[int, int], int] = {}
    for i, e in enumerate(a.events):
        if e.sentence_start is None:
            continue
        key = (e.sentence_start, e.sentence_end or e.sentence_start)
        s = a.text[key[0]:key[1]]
        toks = [(m.start() + key[0], m.end() + key[0], m.group()) for m in _WORDS.finditer(s)]
        if key not in where:
            where[key] = len(sents)
            sents.append([t[2] for t in toks] or ["_"])
            spans.append([])
            sent_keys.append(key)
        idx = [k for k, t in enumerate(toks) if t[0] < e.end and t[1] > e.start] or [0]
        spans[where[key]].append((idx[0], idx[-1] + 1))
        nums = [(float(q.value), q.unit) for q in a.quantities
                if q.value is not None and key[0] <= q.start < key[1]]
        events.append(EventInput(
            index=i, lemma=(e.trigger.lower().split() or [""])[-1],
            args=sorted({entity_key(x) for x in e.actors + e.targets} - {""}), time=e.time,
            place=entity_key(e.place) if e.place else None, type=e.type, start=e.start,
            end=e.end, sentence_start=e.sentence_start, sentence_end=e.sentence_end,
            factuality=e.factuality, source=e.attributed_to, numbers=nums,
            sentence=where[key]))
    return events, sent_keys, sents, spans


def prepare(articles: list[Article], enc=None) -> list[Inputs]:
    """Inputs for a batch of articles: every text of the batch through the model at once."""
    if not articles:
        return []
    if enc is None:
        from .embed import encoder
        enc = encoder()
    leads = _half(enc.encode([lead_text(a) for a in articles]))
    per_article = [_events(a) for a in articles]
    all_sents, all_spans, owner = [], [], []
    for n, (_, _, sents, spans) in enumerate(per_article):
        all_sents += sents
        all_spans += spans
        owner += [n] * len(sents)
    sv, tv = enc.encode_words(all_sents, all_spans) if all_sents else (np.zeros((0, enc.dim)), [])
    sv = _half(sv)
    out = []
    row = 0
    for n, (a, (events, _, sents, _)) in enumerate(zip(articles, per_article)):
        s_rows = list(range(row, row + len(sents)))
        row += len(sents)
        trig = np.zeros((len(events), enc.dim), dtype=np.float32)
        # the k-th span of a sentence is the k-th event placed in it, in event order
        used: dict[int, int] = {}
        for j, ev in enumerate(events):
            k = used.get(ev.sentence, 0)
            used[ev.sentence] = k + 1
            trig[j] = tv[s_rows[ev.sentence]][k]
        out.append(Inputs(
            id=a.id, hash=text_hash(a.text), sig=signature(a.text), nshingles=len(shingles(a.text)),
            keys=sorted(article_keys(a)), title=a.title, outlet=a.outlet, published=a.published,
            names=[e.canonical or e.text for e in a.entities if e.label in LABEL_LABELS],
            places=[p.name for p in a.places], first_words=(a.text or "")[:80], events=events,
            lead_vec=leads[n], trigger_vecs=_half(trig),
            sent_vecs=sv[s_rows] if s_rows else np.zeros((0, enc.dim), dtype=np.float32)))
    return out

