"""Where, when, how sure and on whose word: an event's place, time, factuality and
attribution."""
from __future__ import annotations

import re

from ..resolve import strip_the
from .lexicon import (BORDER_WORDS, CCOMP_GOVERNORS, FUTURE_AUX, HEDGES, IF_MARKS, INVERTED_IF,
                      NEG_DETS, NEG_GOVERNORS, PLAN_GOVERNORS, PLAN_NOUNS, PREDICT_GOVERNORS,
                      PREDICT_HEDGES, REQUEST_GOVERNORS, UNCERTAIN_AUX, UNCERTAIN_GOVERNORS,
                      UNSURE_WORDS, lemma)
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
    def chain(self, tok, verb):
        """The trigger and the verbs governing it up to its clause (not past a speech cue)."""
        out = [tok]
        v = verb if verb is not None else tok
        if v.i != tok.i:
            out.append(v)
        for _ in range(6):
            if v.head.i == v.i:
                break
            if v.dep_ in ("xcomp",) or (v.dep_ in ("pobj", "pcomp") and v.head.dep_ == "prep"):
                v = v.head if v.dep_ == "xcomp" else v.head.head
                out.append(v)
                continue
            if v.dep_ in ("acomp",) and v.head.pos_ in ("AUX", "VERB"):
                v = v.head
                out.append(v)
                continue
            # "expect that X will ...", "denied that its soldiers had shelled ..."
            if v.dep_ == "ccomp" and lemma(v.head) in CCOMP_GOVERNORS:
                v = v.head
                out.append(v)
                continue
            # "announced plans to withdraw": the plan noun governs the event
            if v.dep_ in ("acl", "relcl") and v.dep_ == "acl" and lemma(v.head) in PLAN_NOUNS:
                v = v.head
                out.append(v)
                continue
            break
        return out

    def factuality(self, tok, verb) -> str:
        chain = self.chain(tok, verb)
        kids = [c for t in chain for c in t.children]
        aux = {c.lower_ for c in kids if c.dep_ in ("aux", "auxpass")}
        advs = {c.lower_ for c in kids if c.dep_ == "advmod"}
        lemmas = {lemma(t) for t in chain[1:]}
        # hypothetical: inside an if-clause ("Had the army withdrawn ...", "if the troops do
        # not leave": a condition, negated or not, says nothing of what happened)
        def conditional(clause) -> bool:
            if any(c.dep_ == "mark" and c.lower_ in IF_MARKS for c in clause.children):
                return True
            first = clause.left_edge
            return (first.lower_ in INVERTED_IF and first.head.i == clause.i and first.dep_ in ("aux", "auxpass")
                    and any(c.dep_ in ("nsubj", "nsubjpass") and c.i > first.i for c in clause.children))
        t = tok
        for _ in range(8):
            if t.dep_ in ("advcl", "ccomp") and conditional(t):
                return "hypothetical"
            if t.head.i == t.i:
                break
            t = t.head
        # negation: "did not", "have not been sent", "never", "no troops were sent",
        # "failed to reach an agreement"
        if any(c.dep_ == "neg" for c in kids) or advs & {"never"}:
            return "negated"
        if lemmas & NEG_GOVERNORS:
            return "negated"
        for t in chain:
            for arg in t.children:
                if arg.dep_ in ("nsubj", "nsubjpass", "dobj") and any(
                        d.dep_ == "det" and d.lower_ in NEG_DETS for d in arg.children):
                    return "negated"
        if any(c.dep_ == "det" and c.lower_ in NEG_DETS for c in tok.children):
            return "negated"
        # or a modal main clause with an if-clause ("..., Israel would strike")
        for t in chain:
            if any(c.dep_ == "advcl" and conditional(c) for c in t.children) and aux & (FUTURE_AUX | UNCERTAIN_AUX):
                return "hypothetical"
        # counterfactual: "could have arrested", "would have sent"
        if aux & {"would", "could", "might", "should"} and "have" in aux and tok.tag_ == "VBN" and not advs & HEDGES:
            if aux & {"would", "could"}:
                return "hypothetical"
        # asked of someone, not done: "urged Serbia and Kosovo to resume talks"
        if any(lemma(t) in REQUEST_GOVERNORS for t in chain[1:] if t.pos_ == "VERB"):
            return "hypothetical"
        # predicted / planned / uncertain
        hedged_future = bool(aux & FUTURE_AUX) and bool(advs & PREDICT_HEDGES)
        governed_by = lambda words: bool(lemmas & words) or any(  # noqa: E731
            lemma(c) in words and c.dep_ == "acomp" for c in kids)
        if hedged_future or governed_by(PREDICT_GOVERNORS - {"prepare"}) or (
                "prepare" in lemmas and tok.pos_ == "NOUN"):
            return "predicted"
        if "prepare" in lemmas:
            return "predicted"
        if aux & UNCERTAIN_AUX or advs & HEDGES:
            return "uncertain"
        # "according to unconfirmed reports"
        for c in kids:
            if c.dep_ == "prep" and c.lower_ == "according" and any(
                    w.lower_ in UNSURE_WORDS for w in c.subtree):
                return "uncertain"
        if any(lemma(t) in UNCERTAIN_GOVERNORS and t.tag_ == "VBN" and any(
                c.dep_ == "auxpass" for c in t.children) for t in chain[1:]):
            return "uncertain"
        if aux & FUTURE_AUX or governed_by(PLAN_GOVERNORS):
            return "planned"
        return "asserted"

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
