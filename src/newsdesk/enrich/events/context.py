"""Where, when, how sure and on whose word: an event's place, time, factuality and
attribution."""
from __future__ import annotations

import re

from ..factuality import chain as fact_chain, factuality as classify_factuality
from ..resolve import strip_the
from .lexicon import BORDER_WORDS, lemma
from .syntax import objects


class Context:
    """Place, time, factuality and attribution of an event (``_Events``)."""

    # -- place and time ------------------------------------------------------------------
    def place(self, tok, verb, used):
        heads = [h for h in (tok, verb) if h is not None]
        for h in list(heads):
            heads.extend(o for o in objects(h) if o not in heads)
        cands = []
        for h in heads:
            for c in h.children:
                if c.dep_ == "prep" and c.lower_ in ("to", "in", "into", "on", "at", "near", "across",
                                                      "along", "inside", "toward", "towards", "within",
                                                      "over", "outside"):
                    cands.append((c.left_edge.idx, c.right_edge.idx + len(c.right_edge)))
        scope = verb if verb is not None else tok
        cands.append((scope.left_edge.idx, scope.right_edge.idx + len(scope.right_edge)))
        # other clauses under the trigger hold other events ("urged Serbia to recognize Kosovo")
        other = [(c.left_edge.idx, c.right_edge.idx + len(c.right_edge)) for c in scope.children
                 if c.dep_ in ("xcomp", "ccomp", "advcl", "conj", "csubj", "parataxis")]
        for s, e in cands:
            places = [p for p in self.places_in(s, e)
                      if not any(us <= p.start and p.end <= ue for us, ue in used + other)]
            if places:
                return self.place_name(places[0])
        return None

    def places_in(self, s, e):
        if self.res.places:
            return self.res.places_in(s, e)
        # fallback: spaCy's place entities
        from ...model import Place
        return [Place(text=x.text, start=x.start_char, end=x.end_char, name=strip_the(x.text))
                for x in self.doc.ents if x.label_ in ("GPE", "LOC", "FAC")
                and x.start_char >= s and x.end_char <= e]

    def place_name(self, p) -> str:
        """'on the border with Belarus' / 'the Belarusian border' -> 'Belarus border'."""
        doc = self.doc
        span = doc.char_span(p.start, p.end, alignment_mode="expand")
        name = p.name
        if span is None:
            return name
        root = span.root
        if root.dep_ == "pobj" and root.head.lower_ in ("with", "of") and (
                lemma(root.head.head) in BORDER_WORDS
                or (root.head.i > 0 and lemma(doc[root.head.i - 1]) in BORDER_WORDS)):
            return f"{name} border"
        if root.dep_ in ("amod", "compound") and lemma(root.head) in BORDER_WORDS:
            return f"{name} border"
        return name

    def time(self, tok, verb, sent, factuality):
        """A date in the trigger's clause or sentence, else (present tense) the publication
        date; ``self.inferred_time`` tells which."""
        self.inferred_time = False
        res = self.res
        clause = verb if verb is not None else tok
        while clause.dep_ == "xcomp" and clause.head.i != clause.i:
            clause = clause.head
        s_lo, s_hi = sent.start_char, sent.end_char
        inside = self.statement_of(tok.idx)
        if inside is not None:  # a time outside the content dates the saying, not the event
            s_lo, s_hi = max(s_lo, inside.content_start), min(s_hi, inside.content_end)
        for s, e in ((clause.left_edge.idx, clause.right_edge.idx + len(clause.right_edge)),
                     (s_lo, s_hi)):
            s, e = max(s, s_lo), min(e, s_hi)
            found = [t for t in res.times if t.start >= s and t.end <= e and t.type != "DURATION"]
            # a calendar value beats a vague one ("until recently" -> PAST_REF)
            found.sort(key=lambda t: (not re.match(r"^\d", t.value or ""), t.start))
            if found:
                return found[0].value
        # present-tense, ongoing events happen "now": the publication date
        if factuality == "asserted" and self.published and verb is not None:
            v = clause
            auxes = {lemma(c) for c in v.children if c.dep_ in ("aux", "auxpass")}
            tags = {c.tag_ for c in v.children if c.dep_ in ("aux", "auxpass")}
            if v.tag_ in ("VBZ", "VBP") or (v.tag_ == "VBG" and "be" in auxes and tags & {"VBZ", "VBP"}):
                self.inferred_time = True
                return self.published
        return None

    # -- factuality ----------------------------------------------------------------------
    @staticmethod
    def chain(tok, verb):
        """The trigger and the verbs governing it (enrich/factuality.py)."""
        return fact_chain(tok, verb)

    @staticmethod
    def factuality(tok, verb) -> str:
        """Factuality of the event at ``tok`` (enrich/factuality.py: rules as features of a
        small learned classifier)."""
        return classify_factuality(tok, verb)

    # -- attribution --------------------------------------------------------------------
    def statement_of(self, start: int):
        inside = [s for s in self.statements if s.content_start <= start < s.content_end]
        if inside:
            return min(inside, key=lambda s: s.content_end - s.content_start)
        return None

    def attribution(self, start: int) -> str | None:
        inner = self.statement_of(start)
        if inner is not None:
            return inner.source
        return self.doc._.outlet
