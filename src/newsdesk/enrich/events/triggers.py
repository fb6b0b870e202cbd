"""Verb and noun triggers: the lexicon's argument constraints (``check``), support verbs
that anchor a noun, and reported demands ("X said Y must Z")."""
from __future__ import annotations

from ...model import Event
from ..resolve import actor_of_np, country_of_demonym, np_span
from .lexicon import (ALLOWEES, EVENT_CARRIERS, HUMAN_GROUPS, HUMAN_NOUNS, NEEDS_NAMED_ARG,
                      ROLE_NOUNS, SUBJECT_ANCHORS, VERBAL_ATTACKS, Trigger, in_class, lemma,
                      through_partitive)
from .syntax import agents, objects, subjects, with_conjuncts


class Triggers:
    """Whether a trigger word makes an event, and the event it makes (``_Events``)."""

    def demands(self) -> None:
        """'X said (that) Y must Z': a REQUEST by the speaker of Y."""
        doc = self.doc
        for st in self.statements:
            if st.source is None or st.kind != "reported":
                continue
            span = doc.char_span(st.content_start, st.content_end, alignment_mode="expand")
            if span is None:
                continue
            root = span.root
            musts = [c for c in root.children if c.dep_ == "aux" and c.lower_ in ("must", "should")]
            subj = [c for c in root.children if c.dep_ == "nsubj"]
            if not musts or not subj or root.pos_ != "VERB" or lemma(root) in ("be", "have"):
                continue
            targets = []
            for t in with_conjuncts(subj):   # "the government of X and the rebels" may parse as two subjects
                names = actor_of_np(self.res, t, conjuncts=False)
                if not names and lemma(t) in HUMAN_GROUPS:
                    names = self.unnamed(t)
                for name in names:
                    if name not in targets:
                        targets.append(name)
            if not targets:
                continue
            m = musts[0]
            sent = m.sent
            self.out.append(Event(
                type="REQUEST", trigger=m.text, start=m.idx, end=m.idx + len(m),
                actors=[st.source], targets=targets, place=None,
                time=st.date, factuality="asserted", attributed_to=st.source, mode=None,
                sentence_start=sent.start_char, sentence_end=sent.end_char, lemma=lemma(m)))
            self.where[id(self.out[-1])] = (m.i, root.i)

    def check(self, trig: Trigger, verb, noun=None, anchor=None) -> bool:
        c = trig.cons
        if verb is not None:
            subj = subjects(verb)
            objs = objects(verb)
        else:
            subj, objs = [], []
        if "obj" in c and not any(in_class(o, c["obj"][0]) or (
                c["obj"][0] == "PRISONER" and o.ent_type_ == "PERSON") for o in objs):
            return False   # a named person released or freed is a prisoner released
        if "subj" in c and not any(in_class(s, c["subj"][0]) for s in subj):
            return False
        if "arg" in c and not any(in_class(o, c["arg"][0]) for o in subj + objs):
            return False
        if "prt" in c and not any(ch.dep_ == "prt" and ch.lower_ in c["prt"] for ch in verb.children):
            return False
        if "prep" in c and not any(ch.dep_ == "prep" and ch.lower_ in c["prep"] for ch in verb.children):
            return False
        if "any" in c and verb is not None:
            ok = False
            for need in c["any"]:
                dep, _, word = need.partition("=")
                for ch in verb.children:
                    if ch.dep_ == dep and (not word or ch.lower_ == word):
                        ok = True
            if not ok:
                return False
        if "allowee" in c and verb is not None and not self.allowee(verb):
            return False
        if "noprt" in c and verb is not None and any(ch.dep_ == "prt" for ch in verb.children):
            return False
        if "notobj" in c and any(in_class(o, c["notobj"][0]) for o in objs):
            return False
        if "active" in c and verb is not None and any(ch.dep_ in ("auxpass", "nsubjpass") for ch in verb.children):
            return False
        if "noobj" in c and verb is not None and any(ch.dep_ == "dobj" for ch in verb.children):
            return False
        if "noccomp" in c and verb is not None and any(ch.dep_ == "ccomp" for ch in verb.children):
            return False
        if "plural" in c and not any(s.conjuncts or s.tag_ in ("NNS", "NNPS") for s in subj):
            return False
        if "mod" in c and noun is not None:
            base = noun
            while base.dep_ == "conj" and base.head.pos_ in ("NOUN", "PROPN"):
                base = base.head
            mods = {lemma(ch) for t in (noun, base) for ch in t.children if ch.dep_ in ("amod", "compound")}
            if not mods & set(c["mod"]):
                return False
        if "anchor" in c and (anchor is None or lemma(anchor) not in c["anchor"]) and not (
                anchor is not None and noun is not None and self.under(noun, anchor)):   # "came under fire"
            return False
        return True

    def allowee(self, verb) -> bool:
        """What an "allow" concedes (PLOVER CONCEDE): a person or a group of people who are no
        state or army ("allowed the opposition leader to hold a rally", "permitted aid convoys
        to enter"), or the return, entry or access of such; not "allowing Russia to use its
        territory" (a state's help) nor "will not allow them to cross" (a pronoun)."""
        party = [c for x in verb.children if x.dep_ in ("ccomp", "xcomp")
                 for c in x.children if c.dep_ in ("nsubj", "nsubjpass")]
        party += [o for o in objects(verb) if o.dep_ == "dobj"]
        for p in party:
            p = through_partitive(p)
            if p.pos_ == "PRON" or p.ent_type_ in ("GPE", "NORP") or in_class(p, "MILITARY"):
                continue
            if p.ent_type_ == "PERSON" or in_class(p, "PEOPLE") or in_class(p, "PRISONER") or in_class(p, "AIDGOODS"):
                return True
            if p.pos_ == "NOUN" and lemma(p) in ALLOWEES | HUMAN_NOUNS:
                return True
        return False

    def verb_event(self, tok, trig: Trigger):
        # imperatives ("Support us") and bare participles are no events
        if tok.dep_ == "ROOT" and tok.tag_ == "VB" and not any(
                c.dep_ in ("nsubj", "nsubjpass", "aux") for c in tok.children):
            return None
        if not self.check(trig, tok):
            return None
        lem = lemma(tok)
        if lem in NEEDS_NAMED_ARG and not self.named_argument(tok) and not (
                trig.type == "PROTEST" and any(self.human(s) and self.unnamed(s) for s in subjects(tok))):
            # "make ends meet", "meet the requirements", "stocks rallied"; but protest is what
            # unnamed crowds do ("thousands of protesters rallied")
            return None
        # "declined to comment" is no rejection; "refused to say" neither
        xc = [c for c in tok.children if c.dep_ == "xcomp"]
        if trig.type == "REJECT" and xc and (lemma(xc[0]) in self.cues or lemma(xc[0]) in (
                "comment", "elaborate", "discuss", "speculate", "answer", "respond")):
            return None
        ev = self.build(trig, tok, tok, tok.idx, tok.idx + len(tok))
        if ev is not None and "allowee" in trig.cons:
            # "allowed opposition leader X to hold a rally": the one allowed is the target
            for x in [c for y in tok.children if y.dep_ in ("ccomp", "xcomp")
                      for c in y.children if c.dep_ in ("nsubj", "nsubjpass")]:
                for n in actor_of_np(self.res, x) or (self.unnamed(x) if self.human(x) else []):
                    if n not in ev.targets and n not in ev.actors:
                        ev.targets.append(n)
        if ev is not None and trig.type == "ASSAULT" and lem in VERBAL_ATTACKS and self.verbal(tok):
            ev.type, ev.mode = "ACCUSE", None
        return ev

    def named_argument(self, verb) -> bool:
        """Some subject, object or with/to-partner of the verb is a named actor."""
        args = subjects(verb) + objects(verb) + agents(verb)
        for c in verb.children:
            if c.dep_ in ("prep", "dative") and c.lower_ in ("with", "to", "for", "on", "against", "from"):
                args.extend(with_conjuncts([p for p in c.children if p.dep_ == "pobj"]))
            if c.dep_ == "dative":
                args.append(c)
        for a in args:
            if a.pos_ == "PRON":
                continue
            span = np_span(a)
            if self.res.mentions_in(span.start_char, span.end_char) or country_of_demonym(a.text):
                return True
            if any(country_of_demonym(m.text) for m in a.children if m.dep_ in ("amod", "compound")):
                return True
            if a.pos_ in ("NOUN", "PROPN") and lemma(a) in ROLE_NOUNS:
                return True
        return False

    def verbal(self, verb) -> bool:
        """'Trump attacked Clinton for her support of ...': a person attacking a person in words."""
        if any(c.dep_ == "prep" and c.lower_ in ("for", "over") for c in verb.children):
            return True
        def is_person(toks):
            for t in toks:
                span = np_span(t)
                if any(m.label in ("PERSON", "PER") for m in self.res.mentions_in(span.start_char, span.end_char)):
                    return True
            return False
        return is_person(subjects(verb)) and is_person([o for o in objects(verb) if o.dep_ == "dobj"])

    def anchor_of(self, noun):
        """The support verb of a noun trigger ("held" for "training would be held")."""
        base = self.carrier(noun)
        while base.dep_ == "conj" and base.head.pos_ in ("NOUN", "PROPN"):
            base = base.head
        # "launched 10 days of war games": the partitive's verb anchors the noun
        for _ in range(3):
            up = base.head.head if base.dep_ == "pobj" and base.head.lower_ == "of" else None
            if up is None or up.pos_ not in ("NOUN", "NUM", "PRON", "DET", "ADJ") or through_partitive(up) is up:
                break
            base = up
        head = base.head
        if base.dep_ in ("dobj", "nsubjpass", "attr", "oprd") and head.pos_ in ("VERB", "AUX"):
            return head
        if base.dep_ == "nsubj" and head.pos_ == "VERB" and lemma(head) in {
                "begin", "start", "continue", "resume", "take", "end", "kill", "hit", "destroy",
                "damage", "target", "occur", "happen", "leave", "injure", "wound", "intensify",
                "escalate", "last"} | SUBJECT_ANCHORS:
            return head
        if base.dep_ == "pobj" and head.dep_ == "prep":
            verb = head.head
            if verb.pos_ in ("VERB", "ADJ") and lemma(verb) in self.lex.anchors | {"ready", "call", "participate"}:
                return verb
            if self.under(base, verb):
                return verb   # "came under attack"
            # "claimed responsibility for the killing": the claim anchors the act
            if head.lower_ == "for" and lemma(verb) in ("responsibility", "credit") and verb.head.pos_ == "VERB" \
                    and lemma(verb.head) in ("claim", "take", "accept", "admit") and verb.dep_ == "dobj":
                return verb.head
        if base.dep_ == "xcomp" and head.pos_ == "VERB":
            return head
        return None

    @staticmethod
    def carrier(noun):
        """The generic event noun a trigger noun modifies ("mediation effort" -> "effort"), else
        the noun itself."""
        if noun.dep_ == "compound" and noun.head.pos_ == "NOUN" and lemma(noun.head) in EVENT_CARRIERS:
            return noun.head
        return noun

    def noun_event(self, tok, trig: Trigger):
        if tok.dep_ in ("compound",) and tok.head.pos_ in ("NOUN", "PROPN") and self.carrier(tok) is tok:
            return None
        anchor = self.anchor_of(tok)
        free = "free" in trig.cons
        if anchor is None and not free:
            return None
        if anchor is not None and not free and not self.under(tok, anchor) and lemma(anchor) not in self.lex.anchors | {
                "ready", "call", "participate", "begin", "start", "continue", "resume", "take",
                "end", "kill", "hit", "destroy", "damage", "target", "occur", "happen", "leave",
                "injure", "wound", "intensify", "escalate", "last", "prepare", "plan", "gather"} | SUBJECT_ANCHORS:
            return None
        if not self.check(trig, None, noun=tok, anchor=anchor):
            return None
        # trigger text: the noun with its modifiers (conjoined nouns share the first's)
        base = tok
        while base.dep_ == "conj" and base.head.pos_ in ("NOUN", "PROPN"):
            base = base.head
        left = tok
        for t in (base,):
            mods = [c for c in t.children if c.dep_ in ("amod", "compound") and c.i < t.i]
            if mods:
                left = min([left] + mods, key=lambda x: x.i)
        if not free:
            comps = [c for c in tok.children if c.dep_ == "compound" and c.i < tok.i]
            left = min([tok] + comps, key=lambda x: x.i)
        start, end = left.idx, tok.idx + len(tok)
        return self.build(trig, tok, anchor, start, end, noun=tok)
