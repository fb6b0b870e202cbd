"""What linking needs of one article, computed once and kept: ``Inputs``.

``prepare`` turns enriched Articles into Inputs (text hash and MinHash sketch, the lead's
vector and keys, each event's trigger and sentence vectors, the report fields); the
indexes (link.linker) work from Inputs alone. Stored beside the article (store.links),
they let the next run rebuild the indexes without the sentence model and without reading
the articles again, so an incremental run and ``link --rebuild`` see the same numbers.

An event's vectors are only needed once another article's event could be the same
incident, so they are computed then (``embed_events``: all of one article's event
sentences in one batch, each distinct sentence once) and kept from then on; most articles
start a story of their own and never need them.

Vectors are kept as float16 (half the bytes; the scores need no more) and used as the
float32 of that rounding, whether fresh or read back, so both paths agree to the bit.
They are kept with their encoder's family (``vectors_of``: embed.family, "int8" or
"float" and the event window's mark; rows kept before it are "float"): read back under
another family they are computed again from the kept lead and sentences (``from_row``;
the lead only when the backend differs), never compared.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields

import numpy as np

from ..model import Article
from .families import shingles, signature, text_hash, words
from .keys import article_keys, entity_key

LEAD_CHARS = 400
LEAD_TOKENS = 128   # word pieces of the lead the story vector reads (title and opening)
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
    args: tuple[str, ...]
    time: str | None
    place: str | None
    type: str | None
    start: int
    end: int
    sentence_start: int | None
    sentence_end: int | None
    factuality: str
    source: str | None
    numbers: tuple[tuple[float, str | None], ...]
    sentence: int = 0           # row of its sentence in Inputs.sent_vecs

    def __post_init__(self):
        self.args, self.numbers = tuple(self.args), tuple(map(tuple, self.numbers))


@dataclass
class Inputs:
    """Its sequences are tuples whatever they are built from (``__post_init__``): a tuple of
    strings and numbers drops out of the garbage collector's rounds, a list never does, and
    a long-running linker keeps thousands of articles' Inputs."""

    id: str
    hash: str
    sig: bytes
    nshingles: int
    keys: tuple[str, ...]
    title: str | None
    outlet: str | None
    published: str | None
    names: tuple[str, ...]      # PERSON/ORG/NORP names, for the story label
    places: tuple[str, ...]
    first_words: str            # the text's opening, a label when there is no title
    events: list[EventInput] = field(default_factory=list)
    sentences: tuple[tuple[str, ...], ...] = ()   # each event sentence's words
    spans: tuple[tuple[tuple[int, int], ...], ...] = ()   # its triggers' words
    lead: str = ""              # lead_text, kept to compute lead_vec when first needed
    lead_vec: np.ndarray | None = None       # None until needed: a copy joins its head's story
    trigger_vecs: np.ndarray | None = None   # one row per event (None until embed_events)
    sent_vecs: np.ndarray | None = None      # one row per distinct event sentence
    vectors_of: str = ""                     # their encoder's family ("" while none)

    def __post_init__(self):
        self.keys, self.names = tuple(self.keys), tuple(self.names)
        self.places = tuple(self.places)
        self.sentences = tuple(map(tuple, self.sentences))
        self.spans = tuple(tuple(map(tuple, s)) for s in self.spans)

    @property
    def embedded(self) -> bool:
        return self.trigger_vecs is not None or not self.events

    def to_row(self) -> tuple[str, bytes]:
        """(meta JSON, vectors) for the store: float16 rows lead (once computed: ``has_lead``),
        then triggers and sentences once computed."""
        # fields read one level deep (dataclasses.asdict copies every nested value: the
        # same JSON, several times slower on a long article)
        meta = {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("sig", "lead_vec", "trigger_vecs", "sent_vecs")}
        meta["events"] = [{f.name: getattr(e, f.name) for f in fields(e)} for e in self.events]
        meta["sig"] = self.sig.hex()
        meta["has_lead"] = self.lead_vec is not None
        rows = [self.lead_vec[None]] if self.lead_vec is not None else []
        if self.trigger_vecs is not None:
            rows += [self.trigger_vecs, self.sent_vecs]
        # widths other than the model's 384 (a static table's, embed.StaticEncoder) are
        # kept: the lead's, then the event rows' (``static-lead`` mixes two)
        for key, r in (("lead_dim", rows[:1]), ("dim", rows[1:])):
            if r and r[-1].shape[-1] != 384:
                meta[key] = int(r[-1].shape[-1])
        vecs = b"".join(np.asarray(r, dtype=np.float16).tobytes() for r in rows)
        return json.dumps(meta, ensure_ascii=False), vecs

    @classmethod
    def from_row(cls, meta: str, vectors: bytes, dim: int = 384, enc=None) -> "Inputs":
        """Kept inputs; vectors of another family than ``enc``'s (else the configured
        encoder's) computed again with it (the process's encoder unless ``enc``)."""
        m = json.loads(meta)
        m.setdefault("vectors_of", "float" if vectors else "")  # kept before families
        events = [EventInput(**e) for e in m.pop("events")]
        sig = bytes.fromhex(m.pop("sig"))
        n_ev = len(events)
        lead = 1 if m.pop("has_lead", True) else 0   # rows kept before v14 always had one
        lead_dim = lead * m.pop("lead_dim", dim)
        dim = m.pop("dim", dim)
        v = np.frombuffer(vectors, dtype=np.float16).astype(np.float32)
        x = cls(**m, sig=sig, events=events,
                lead_vec=v[:lead_dim] if lead else None)
        if len(v) > lead_dim:
            v = v[lead_dim:].reshape(-1, dim)
            x.trigger_vecs, x.sent_vecs = v[:n_ev], v[n_ev:]
        if x.vectors_of:
            from .embed import family
            fam = enc.family if enc is not None else family()
            if x.vectors_of != fam:
                _recompute(x, fam, enc)
        return x


def _recompute(x: Inputs, fam: str, enc=None) -> None:
    """``x``'s vectors (those it has) computed again from its kept lead and sentences, for
    family ``fam`` (the process's encoder unless ``enc``). The lead only when the backend
    differs ("float", "int8": the family's first part): the event window and the tuned
    event layers change event vectors only, so a kept lead stays and a row without event
    vectors (most) is only relabelled."""
    def get():
        if enc is not None:
            return enc
        from .embed import encoder
        return encoder()
    had_events = x.trigger_vecs is not None
    if x.lead_vec is not None and x.vectors_of.split("+")[0] != fam.split("+")[0]:
        x.lead_vec = None
        embed_lead(x, get())
    if had_events:
        x.trigger_vecs = x.sent_vecs = None
        embed_events(x, get())
    x.vectors_of = fam


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
            index=i, lemma=e.lemma or (e.trigger.lower().split() or [""])[-1],
            args=sorted({entity_key(x) for x in e.actors + e.targets} - {""}), time=e.time,
            place=entity_key(e.place) if e.place else None, type=e.type, start=e.start,
            end=e.end, sentence_start=e.sentence_start, sentence_end=e.sentence_end,
            factuality=e.factuality, source=e.attributed_to, numbers=nums,
            sentence=where[key]))
    return events, sent_keys, sents, spans


def embed_lead(x: Inputs, enc) -> np.ndarray:
    """The lead's vector (title and opening, LEAD_TOKENS word pieces), computed once."""
    if x.lead_vec is None:
        x.lead_vec = _half(enc.encode([x.lead], max_tokens=LEAD_TOKENS))[0]
        x.vectors_of = enc.family
    return x.lead_vec


def prepare(articles: list[Article], enc=None, leads: bool = True) -> list[Inputs]:
    """Inputs for a batch of articles. ``leads``: the lead vectors now (a Dask worker);
    else when the linker first needs one (a copy never does). Either way a text gets the
    same bits whatever it was batched with (embed.Encoder._states). The event vectors wait
    for ``embed_events``."""
    if not articles:
        return []
    if enc is None and leads:
        from .embed import encoder
        enc = encoder()
    out = []
    for a in articles:
        events, _, sents, spans = _events(a)
        w = words(a.text)
        sh = shingles(tokens=w)
        out.append(Inputs(
            id=a.id, hash=text_hash(tokens=w), sig=signature(shingled=sh), nshingles=len(sh),
            keys=sorted(article_keys(a)), title=a.title, outlet=a.outlet, published=a.published,
            names=[e.canonical or e.text for e in a.entities if e.label in LABEL_LABELS],
            places=[p.name for p in a.places], first_words=(a.text or "")[:80], events=events,
            sentences=sents, spans=spans, lead=lead_text(a)))
        if leads:
            embed_lead(out[-1], enc)
    return out


def sentence_keys(x: Inputs) -> list[tuple]:
    """A key per event sentence: its words and trigger spans (a copy's sentence shares it)."""
    return [(tuple(w), tuple(sp)) for w, sp in zip(x.sentences, x.spans)]


def event_keys(x: Inputs) -> list[tuple]:
    """A key per event: its sentence's key, which of the sentence's triggers it is, and
    what the incident scorer reads of it besides vectors. Two events with one key have
    the same vectors and the same features (a copy's unchanged event and its head's)."""
    keys, used = sentence_keys(x), {}
    out = []
    for e in x.events:
        k = used.get(e.sentence, 0)
        used[e.sentence] = k + 1
        out.append((keys[e.sentence], k, e.lemma, tuple(e.args), e.time, e.place, e.type))
    return out


def remember(x: Inputs, cache: dict) -> None:
    """Put an embedded article's sentence vectors in ``cache`` (the first seen stays)."""
    if x.trigger_vecs is None:
        return
    rows: dict[int, list[int]] = {}
    for j, ev in enumerate(x.events):
        rows.setdefault(ev.sentence, []).append(j)
    for i, key in enumerate(sentence_keys(x)):
        cache.setdefault(key, (x.sent_vecs[i], x.trigger_vecs[rows.get(i, [])]))


def span_slots(x: Inputs) -> list[int]:
    """Per event, which of its sentence's trigger spans is its own: the k-th span of a
    sentence is the k-th event placed in it, in event order (``_events``)."""
    used: dict[int, int] = {}
    out = []
    for ev in x.events:
        out.append(used.get(ev.sentence, 0))
        used[ev.sentence] = out[-1] + 1
    return out


def embed_events(x: Inputs, enc, cache: dict | None = None) -> None:
    """The trigger-in-context and sentence vectors of one article's events: a sentence seen
    before (a copy's) from ``cache``, the others, each distinct one once, in one batch of
    this article's own."""
    if x.embedded:
        return
    cache = {} if cache is None else cache
    keys = sentence_keys(x)
    todo = [i for i, k in enumerate(keys) if k not in cache]
    if todo:
        sv, tv = enc.encode_words([x.sentences[i] for i in todo], [x.spans[i] for i in todo])
        sv = _half(sv)
        for r, i in enumerate(todo):
            cache.setdefault(keys[i], (sv[r], _half(tv[r])))
    # the event vectors' own width (static-lead: the model's, not the table's lead width)
    dim = cache[keys[0]][0].shape[-1] if keys else getattr(enc, "event_dim", enc.dim)
    sent = np.zeros((len(keys), dim), dtype=np.float32)
    trig = np.zeros((len(x.events), dim), dtype=np.float32)
    for i, k in enumerate(keys):
        sent[i] = cache[k][0]
    for j, (ev, k) in enumerate(zip(x.events, span_slots(x))):
        trig[j] = cache[keys[ev.sentence]][1][k]
    x.sent_vecs, x.trigger_vecs = sent, trig
    x.vectors_of = enc.family
