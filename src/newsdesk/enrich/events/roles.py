"""An event's arguments: actors, targets, owners of proposals, pronouns and unnamed groups
(``build`` assembles the event)."""
from __future__ import annotations

import re

from ...model import Event
from ..nlp import doc_text
from ..resolve import (GROUP_COUNTRIES, actor_of_np, country_of_demonym, demonym_table, np_span,
                       strip_the)
from .lexicon import (BORDER_WORDS, COMPLEMENT_TYPES, CONFLICTUAL, EVENT_NOUNS, HUMAN_CLASSES,
                      HUMAN_NOUNS, OF_PATIENT_TYPES, OWNER_TYPES, PATIENT_ARMS_VERBS, PATIENT_NOUNS,
                      PATIENT_TYPES, PURPOSE_TYPES, ROLE_NOUNS, STAND_IN_PERSONS, STAND_IN_STATES,
                      SYMMETRIC, TARGET_IS_PLACE, UNNAMED_TARGETS, Trigger, in_class, lemma,
                      through_partitive)
from .syntax import agents, objects, purpose, subjects, with_conjuncts


class Roles:
    """Who acts and who is acted on (``_Events``)."""

    # -- arguments ---------------------------------------------------------------------------
    def build(self, trig: Trigger, tok, verb, start, end, noun=None):
        doc = self.doc
        res = self.res
        actors: list[str] = []
        targets: list[str] = []
        used: list[tuple[int, int]] = []

        def add(lst, names):
            for n in names:
                if n and n not in lst:
                    lst.append(n)

        def take(t, actor=True):
            span = np_span(t)
            # actors are no place; targets are only where the event hits ("a strike on Kyiv")
            if actor or trig.type not in TARGET_IS_PLACE:
                used.append((span.start_char, span.end_char))
            if t.conjuncts and not actor_of_np(res, t, conjuncts=False):
                # an unnamed conjunct ("the government and the rebels"): its named siblings
                # are taken on their own, and it may still count as an unnamed actor
                return []
            return actor_of_np(res, t)

        passive = verb is not None and any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)
        if verb is not None:
            for s in subjects(verb):
                if noun is not None and s.i in (noun.i, self.carrier(noun).i):
                    # "heavy fighting continued": the event is no actor of itself, but its
                    # named modifiers are ("US drone strikes killed ...")
                    add(actors, [n for n in take(s) if noun.lower_ not in n.lower()])
                    continue
                add(actors, self.salient_person(s) or take(s) or self.antecedent(s, nouns_only=True)
                    or (self.unnamed(s) if not self.eventive(s) else []) or self.pronoun_actor(s)
                    or self.antecedent(s))
            for a in agents(verb):
                add(actors, take(a) or self.antecedent(a, nouns_only=True) or self.unnamed(a))
        carrier = self.carrier(noun) if noun is not None else None
        if noun is not None:
            for c in list(noun.children) + (list(carrier.children) if carrier is not noun else []):
                if c.i == noun.i:
                    continue
                if c.dep_ == "poss" and lemma(noun) in PATIENT_NOUNS and c.pos_ != "PRON":
                    add(targets, take(c, False))   # "Navalny's arrest": the one arrested
                    continue
                if c.dep_ == "poss" or (c.dep_ in ("amod", "compound") and country_of_demonym(c.text)):
                    add(actors, take(c) if c.dep_ == "poss" else [country_of_demonym(c.text)])
                if c.dep_ == "prep" and c.lower_ == "by":
                    for p in c.children:
                        if p.dep_ == "pobj":
                            add(actors, take(p))
        # patients: troops and weapons name their own country; others are targets
        arms_hit = False   # "shot down 14 drones": a victim, even when it names no one
        if verb is not None:
            for o in objects(verb):
                if noun is not None and (o.i in (noun.i, carrier.i) or o.i in {c.i for c in noun.conjuncts}):
                    continue
                o = through_partitive(o)
                arms = in_class(o, "MILITARY") or in_class(o, "WEAPON") or in_class(o, "UNIT")
                hit = arms and actors and not passive and self.destroys(verb)
                if hit:
                    arms_hit = True
                elif arms:
                    if (passive and not agents(verb)) or not actors:
                        names = [n for n in actor_of_np(res, o) if n]
                        add(actors, names)
                        used.append((np_span(o).start_char, np_span(o).end_char))
                    continue
                if trig.type in ("MOBILIZE",) or o.pos_ == "PRON":
                    continue
                if "obj" in trig.cons and in_class(o, trig.cons["obj"][0]) and trig.type not in PATIENT_TYPES \
                        and not any(in_class(o, k) for k in HUMAN_CLASSES):
                    continue  # the thing made or handed over, not a target (people are targets)
                names = take(o, False)
                if not names and hit:   # "shot down drones launched by Russia": who sent them
                    for acl in (c for c in o.children if c.dep_ == "acl"):
                        for ag in agents(acl):
                            add(names, take(ag, False))
                            # the sender, not where it happened (take keeps an ASSAULT's
                            # target as a possible place: "a strike on Kyiv")
                            used.append((np_span(ag).start_char, np_span(ag).end_char))
                if not names and trig.type in OWNER_TYPES:
                    names = self.owners(o, take)   # "rejected calls by Belarus's rulers"
                if not names and (trig.type in UNNAMED_TARGETS or any(in_class(o, k) for k in HUMAN_CLASSES)) \
                        and self.human(o):
                    names = self.unnamed(o)
                add(targets, names)
        # recipients: "gave the Ivory Coast 5 million dollars"
        if verb is not None:
            for c in verb.children:
                if c.dep_ == "dative" and c.pos_ in ("PROPN", "NOUN"):
                    add(targets, take(c, False))
                elif c.dep_ == "dative" and c.lower_ in ("to", "for"):
                    # "granted asylum to the dissident": the parser's dative preposition
                    for x in with_conjuncts([p for p in c.children if p.dep_ == "pobj"]):
                        add(targets, take(x, False) or (self.unnamed(x) if self.human(x) else []))
            # the addressee of a demand: "demanded that the US cancel ..."
            if trig.type == "REQUEST":
                for comp in (c for c in verb.children if c.dep_ == "ccomp"):
                    for subj in (x for x in comp.children if x.dep_ in ("nsubj", "nsubjpass")):
                        add(targets, take(subj, False) or self.unnamed(subj))
        # prepositional partners and targets, on the trigger, its object or its complement
        heads = [h for h in (verb, noun) if h is not None]
        if carrier is not None and carrier is not noun:
            heads.append(carrier)
        if verb is not None:
            heads += [c for c in verb.children if c.dep_ == "xcomp"]
            heads += [o for o in objects(verb) if noun is None or o.i != noun.i]
            heads += [through_partitive(o) for o in objects(verb) if through_partitive(o) is not o]
        # "suspended part of a military aid program for Bosnia": the head behind the partitive
        partitive_heads = [through_partitive(o) for o in objects(verb)] if verb is not None else []
        for h in heads:
            for c in h.children:
                if c.dep_ != "prep":
                    continue
                p = c.lower_
                pobjs = with_conjuncts([x for x in c.children if x.dep_ == "pobj"])
                if p in ("against", "on", "upon", "at") and trig.type in (
                        "ASSAULT", "ACCUSE", "SANCTION", "THREATEN", "PROTEST", "COERCE", "REQUEST"):
                    for x in pobjs:   # "opened fire on protesters": unnamed people are hit too
                        add(targets, take(x, False) or (
                            self.unnamed(x) if trig.type in ("ASSAULT", "COERCE") and self.human(x) else []))
                elif p == "with" and trig.mode == "fight":
                    for x in pobjs:   # "clashed with rebels": the other side
                        add(targets, take(x, False) or (self.unnamed(x) if self.human(x) else []))
                elif p in ("with", "between", "among") and trig.type in SYMMETRIC | {"SUPPORT", "AID", "ACCUSE"}:
                    if c.i > 0 and lemma(doc[c.i - 1]) in BORDER_WORDS:
                        continue  # "on the border with Belarus": a place, not a partner
                    for x in pobjs:   # unnamed partners count: "mediation between rival militias"
                        add(targets, take(x, False) or (self.unnamed(x) if self.human(x) else []))
                elif p in ("to", "for", "with") and (
                        (trig.type == "SANCTION" and h is verb and noun is None)
                        or (trig.type in ("SANCTION", "AID") and h is not verb and h is not noun
                            and (h.dep_ in ("dobj", "nsubjpass") or h in partitive_heads))):
                    for x in pobjs:   # the partner of what is cut or given: "suspended aid to X"
                        add(targets, take(x, False))
                elif p in ("to", "for") and trig.type in ("AID", "SUPPORT", "REQUEST", "CONCEDE", "AGREE"):
                    for x in pobjs:
                        add(targets, take(x, False))
                elif p == "into" and trig.type == "ACCUSE":
                    for x in pobjs:
                        add(targets, take(x, False))
                elif p == "of" and noun is not None and trig.type in OF_PATIENT_TYPES and h.i == noun.i:
                    for x in pobjs:   # "the shelling of Kharkiv", "the blockade of Gaza"
                        add(targets, take(x, False))
                elif p == "to" and trig.mode == "visit":
                    for x in pobjs:   # "paid a visit to Beijing": the host
                        add(targets, take(x, False))
                elif p == "from" and trig.type == "RETREAT" and h is verb:
                    for x in pobjs:   # "withdraw its troops from Lebanon"
                        add(targets, take(x, False))
                elif p in ("on", "upon") and trig.type in OWNER_TYPES:
                    for x in pobjs:   # "reneged on his commitment to the Zambian people"
                        add(targets, take(x, False) or self.owners(x, take))
        if verb is not None and trig.type in CONFLICTUAL | {"THREATEN", "ACCUSE", "REJECT"}:
            # "against X" deeper in the clause: "mobilized reservists for a war against Iraq",
            # "in protest of the government's refusal"
            for x in self.against(verb if noun is None else carrier):
                add(targets, take(x, False))
        if verb is not None and trig.type in ("AID", "SUPPORT") and not [t for t in targets if t not in actors]:
            # the recipient deeper in the clause: "provided $20 million in aid to Nepal"
            for x in self.against(verb if noun is None else carrier, preps=("to",)):
                add(targets, take(x, False) or (self.unnamed(x) if self.human(x) else []))
        if trig.type == "THREATEN" and verb is not None:
            # the one the condition is put to: "... unless Baghdad accepted its conditions"
            for subj in self.condition_subjects(verb):
                add(targets, take(subj, False))
        if not [t for t in targets if t not in actors] and verb is not None and noun is None \
                and trig.type in COMPLEMENT_TYPES:
            # the target of what is threatened, refused, promised or asked: "threatened to break
            # relations with Russia", "refused to deploy peacekeepers in Iraq"
            for x in self.complement_args(verb):
                add(targets, take(x, False))
        if noun is not None and trig.type in SYMMETRIC and not actors:
            scope = verb if verb is not None else noun
            for t in scope.subtree:
                if t.lower_ in ("countries", "nations", "sides", "governments") and any(
                        c.lower_ in ("both", "two") for c in t.children):
                    add(actors, actor_of_np(res, t))
                    break
        if noun is not None and verb is not None and self.under(noun, verb):
            # "towns came under attack from Turkish forces": who comes under it is hit, the
            # "from"/"by" phrase acts
            hit = actors
            actors = []
            for c in noun.children:
                if c.dep_ == "prep" and c.lower_ in ("from", "by"):
                    for x in with_conjuncts([p for p in c.children if p.dep_ == "pobj"]):
                        add(actors, take(x) or self.unnamed(x))
            targets = hit + [t for t in targets if t not in hit]
        if verb is not None and trig.type in PURPOSE_TYPES and not [t for t in targets if t not in actors]:
            # the one a protest or an attack is aimed at, named in its purpose clause: "opened
            # fire to disperse the protesters", "went on hunger strike to demand the
            # resignation of President X", "deployed troops to fight the rebels"
            for pv in (c for c in verb.children if purpose(c) or (
                    c.dep_ == "xcomp" and c.pos_ == "VERB" and noun is not None)):
                for o in objects(pv):
                    o = through_partitive(o)
                    names = take(o, False) or self.owners(o, take) or [
                        n for c in o.children if c.dep_ == "prep" and c.lower_ == "of"
                        for x in with_conjuncts([p for p in c.children if p.dep_ == "pobj"])
                        for n in take(x, False)]
                    if not names and self.human(o):
                        names = self.unnamed(o)
                    add(targets, names)
                for c in pv.children:   # "to press their demands on / from the government"
                    if c.dep_ == "prep" and c.lower_ in ("from", "on", "against"):
                        for x in with_conjuncts([p for p in c.children if p.dep_ == "pobj"]):
                            add(targets, take(x, False))
        if (trig.type in SYMMETRIC or trig.mode == "fight") and len(actors) > 1:
            # "Greece and Turkey held talks", "protesters and police clashed": the first side
            # acts, the other is its partner (or opponent)
            actors, extra = actors[:1], actors[1:]
            targets = extra + [t for t in targets if t not in extra]
        targets = [t for t in targets if t not in actors]

        sent = tok.sent
        s_start, s_end = sent.start_char, sent.end_char
        text = doc_text(doc)
        while s_start < s_end and (text[s_start].isspace() or text[s_start] in "\"”’"):
            s_start += 1
        while s_end > s_start and text[s_end - 1].isspace():
            s_end -= 1
        factuality = self.factuality(tok, verb)
        place = self.place(tok, verb, used)
        # the place of an interception is where the weapons fell, not what they were sent at
        if place and not targets and not arms_hit and place not in actors and (trig.type in ("ASSAULT", "COERCE") or (
                trig.type == "CONCEDE" and verb is not None and "obj" in trig.cons
                and trig.cons["obj"][0] == "RESTRICTIONS")):
            # an attack or a curfew with no named victim hits where it happens ("shelled
            # positions in Jericho" -> Jericho), as the PLOVER codebook codes it; so does the
            # lifting of a curfew or a state of emergency ("lifted the curfew in Nairobi")
            targets = [place]
        time = self.time(tok, verb, sent, factuality)
        time_inferred = time is not None and time == self.published and self.inferred_time
        trigger_text = text[start:end]
        if verb is not None and noun is None:
            prt = [c for c in verb.children if c.dep_ == "prt" and not any(
                p.dep_ == "prep" and p.lower_ == "to" for p in c.children)]
            if prt and prt[0].i == verb.i + 1:
                end = prt[0].idx + len(prt[0])
                trigger_text = text[start:end]
        return Event(type=trig.type, trigger=trigger_text, start=start, end=end,
                     actors=actors, targets=targets, place=place, time=time,
                     time_inferred=time_inferred, factuality=factuality, attributed_to=self.attribution(start),
                     mode=trig.mode, sentence_start=s_start, sentence_end=s_end, lemma=lemma(tok))

    @staticmethod
    def under(noun, verb) -> bool:
        """'came under attack', 'is under fire': the verb's subject undergoes the noun."""
        return (noun.dep_ == "pobj" and noun.head.lower_ == "under" and noun.head.head.i == verb.i
                and lemma(verb) in ("come", "be", "remain", "fall"))

    @staticmethod
    def condition_subjects(verb) -> list:
        """Subjects of an if/unless clause on the verb or its complement."""
        out = []
        for v in [verb] + [c for c in verb.children if c.dep_ == "xcomp"]:
            for cl in v.children:
                if cl.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in cl.children):
                    subj = [x for x in cl.children if x.dep_ in ("nsubj", "nsubjpass") and x.pos_ != "PRON"]
                    if not subj and cl.pos_ == "NOUN":   # "unless Peru apologizes" misread as a noun
                        subj = [x for x in cl.children if x.dep_ == "compound" and x.pos_ == "PROPN"]
                    out += subj
        return out

    def owners(self, noun, take) -> list[str]:
        """Who made or holds a proposal-like noun: its possessor or its "by"/"from"/"to" phrase
        ("calls by Belarus's rulers", "an appeal from President X", "a commitment to the people")."""
        if noun.pos_ not in ("NOUN", "PROPN"):
            return []
        out: list[str] = []
        for c in noun.children:
            if c.dep_ == "poss" and c.pos_ != "PRON":
                out += take(c, False) or (self.unnamed(c) if self.human(c) else [])
            elif c.dep_ == "prep" and c.lower_ in ("by", "from", "to"):
                for x in with_conjuncts([p for p in c.children if p.dep_ == "pobj"]):
                    out += take(x, False) or (self.unnamed(x) if self.human(x) else [])
        return out

    def human(self, tok) -> bool:
        """A noun that stands for people or a group of them ("refugees", "the rebels")."""
        if tok.pos_ == "PROPN" or tok.ent_type_ in ("PERSON", "NORP", "ORG", "GPE"):
            return True
        return tok.pos_ == "NOUN" and (lemma(tok) in ROLE_NOUNS or any(in_class(tok, k) for k in HUMAN_CLASSES)
                                       or lemma(tok) in HUMAN_NOUNS)

    def against(self, head, preps=("against",)) -> list:
        """Objects of "against" (and of "in protest of/at/over") within the clause of ``head``;
        other prepositions with ``preps``."""
        out = []
        stack = list(head.children)
        while stack:
            t = stack.pop()
            if t.dep_ in ("ccomp", "advcl", "relcl", "parataxis", "csubj", "acl") or (
                    t.dep_ == "conj" and t.pos_ in ("VERB", "AUX")):
                continue
            if t.dep_ == "prep" and t.lower_ in preps:
                out += with_conjuncts([p for p in t.children if p.dep_ == "pobj"])
            elif preps == ("against",) and t.dep_ == "prep" and t.lower_ in ("of", "at", "over") and t.head.lemma_.lower() in (
                    "protest", "opposition", "defiance", "anger", "outrage"):
                for p in t.children:
                    if p.dep_ == "pobj":
                        poss = [c for c in p.children if c.dep_ == "poss" and c.pos_ != "PRON"]
                        out += poss or [p]
            stack.extend(t.children)
        return out

    def complement_args(self, verb) -> list:
        """Named arguments of the clause a verb governs (xcomp chain): its object, its partners
        ("with", "to", "against", "on", "from"), else a country or city it happens in."""
        out, places = [], []
        v = verb
        for _ in range(3):
            comps = [c for c in v.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")]
            if not comps:
                break
            v = comps[0]
            heads = [v] + [through_partitive(o) for o in v.children if o.dep_ == "dobj"]
            for o in heads[1:]:
                if o.pos_ == "PROPN" or o.ent_type_ in ("GPE", "NORP", "ORG", "PERSON"):
                    out += with_conjuncts([o])
            for h in heads:
                for c in h.children:
                    if c.dep_ == "dative":
                        out.append(c)
                    if c.dep_ != "prep":
                        continue
                    pobjs = with_conjuncts([p for p in c.children if p.dep_ == "pobj"])
                    if c.lower_ in ("with", "to", "against", "on", "upon", "from", "toward", "towards", "into"):
                        out += [p for p in pobjs if p.pos_ == "PROPN" or p.ent_type_ in ("GPE", "NORP", "ORG", "PERSON")]
                    elif c.lower_ == "in":
                        places += [p for p in pobjs if p.ent_type_ == "GPE"]
            if out:
                return out
        return out or places[:1]

    def pronoun_actor(self, pron) -> list[str]:
        """'it' / 'they' / 'we' as subject: the named subject of a governing clause
        ("Iran said it would not attend the talks" -> Iran). 'it' never names a person."""
        if pron.pos_ != "PRON" or pron.lower_ not in ("it", "they", "we"):
            return []
        v = pron.head
        for _ in range(6):
            if v.head.i == v.i:
                break
            v = v.head
            for subj in (c for c in v.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ != "PRON"):
                names = actor_of_np(self.res, subj)
                if pron.lower_ == "it":
                    span = np_span(subj)
                    persons = {m.canonical for m in self.res.mentions_in(span.start_char, span.end_char)
                               if m.label in ("PERSON", "PER")}
                    names = [n for n in names if n not in persons]
                elif not names:
                    names = self.unnamed(subj)
                if names:
                    return names
                return self.reporter(pron)
        return self.reporter(pron)

    @staticmethod
    def destroys(verb) -> bool:
        """A verb whose object is what it hits even when that is a weapon or a unit ("shot down
        two Ukrainian drones", "intercepted Russian missiles"): the object is the target, not
        the actor's own arms ("fired missiles")."""
        return lemma(verb) in PATIENT_ARMS_VERBS or (
            # the parser reads "down" as a particle or, as often, an adverb
            lemma(verb) == "shoot" and any(c.dep_ in ("prt", "advmod") and c.lower_ == "down"
                                           for c in verb.children))

    def salient_person(self, pron) -> list[str]:
        """'he' / 'she' as subject: the named person subject of a governing clause ("Scholz said
        he would visit"), else of the two sentences before (subjects are the salient mentions:
        "Scholz met Zelensky. He also visited Lviv" -> Scholz); [] leaves it to the resolver's
        nearest person."""
        if pron.pos_ != "PRON" or pron.lower_ not in ("he", "she"):
            return []
        persons = {m.canonical for m in self.res.mentions if m.label in ("PERSON", "PER")}
        heads, v = [], pron.head
        for _ in range(6):
            if v.head.i == v.i:
                break
            v = v.head
            heads += [c for c in v.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ != "PRON"]
        sent = pron.sent
        for _ in range(2):
            if sent.start == 0:
                break
            sent = self.doc[sent.start - 1].sent
            heads += [c for v in [sent.root] + list(sent.root.conjuncts)
                      for c in v.children if c.dep_ in ("nsubj", "nsubjpass")]
        for h in heads:
            names = [n for n in actor_of_np(self.res, h) if n in persons]
            if names:
                return names[:1]
        return []

    def antecedent(self, tok, nouns_only: bool = False) -> list[str]:
        """A small coreference for an actor left as a stand-in: 'it' / 'they' (when no clause of
        the sentence names it), or a bare definite "the state" / "the country" / "the man",
        stands for the nearest compatible named actor of the two sentences before, the
        subject of a sentence first (the most salient mention), then its other names in order.
        'it', 'they' and state nouns take a country or an organisation, person nouns a person."""
        low = lemma(tok)
        if tok.pos_ == "PRON":
            if nouns_only or tok.lower_ not in ("it", "they"):
                return []
            kinds = {"state", "org"}
        elif tok.pos_ == "NOUN" and (low in STAND_IN_STATES or low in STAND_IN_PERSONS):
            if not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in tok.children) or any(
                    c.dep_ in ("amod", "compound", "nmod", "poss", "prep", "appos", "relcl", "acl")
                    for c in tok.children):
                return []   # "a man", "the Kurdish state", "the state of emergency": not a stand-in
            kinds = {"state"} if low in STAND_IN_STATES else {"person"}
        else:
            return []
        sents = []
        sent = tok.sent
        while len(sents) < 2 and sent.start > 0:
            sent = self.doc[sent.start - 1].sent
            sents.append(sent)
        persons = {m.canonical for m in self.res.mentions if m.label in ("PERSON", "PER")}
        states = set(demonym_table().values())
        for sent in sents:
            heads = [c for v in [sent.root] + list(sent.root.conjuncts)
                     for c in v.children if c.dep_ in ("nsubj", "nsubjpass")]
            names = [n for h in heads for n in actor_of_np(self.res, h)]
            names += [m.canonical for m in self.res.mentions_in(sent.start_char, sent.end_char)
                      if m.label in ("PERSON", "PER", "ORG", "GPE", "NORP")]
            for name in names:
                kind = "person" if name in persons else "state" if name in states else "org"
                if kind in kinds:
                    return [name]
        return []

    def reporter(self, pron) -> list[str]:
        """'it' / 'they' inside a reported clause whose own subjects name nobody: the one who
        reports ("the port authority said ships were diverted and that it had asked ...")."""
        outer = [s for s in self.statements if s.content_start <= pron.idx < s.content_end and s.source
                 and not (s.source_start <= pron.idx < s.source_end)]
        if not outer:
            return []
        st = max(outer, key=lambda s: s.content_end - s.content_start)
        persons = {m.canonical for m in self.res.mentions if m.label in ("PERSON", "PER")}
        if pron.lower_ == "it" and st.source in persons:
            return []
        return [st.source]

    def eventive(self, tok) -> bool:
        """A noun that names a happening, not someone who acts ("the air strike killed",
        "kidnappings have spread"): no unnamed actor."""
        return (lemma(tok) in self.lex.nouns or lemma(tok) in EVENT_NOUNS
                or (tok.lower_.endswith(("ing", "ings")) and lemma(tok) not in ROLE_NOUNS | HUMAN_NOUNS))

    def unnamed(self, tok) -> list[str]:
        """Unnamed actors kept as written ("protesters", "gunmen"), not pronouns."""
        if tok.pos_ != "NOUN" or tok.lower_ in ("it", "they", "this", "which"):
            return []
        if GROUP_COUNTRIES.match(np_span(tok).text):
            return []
        text = re.sub(r"^(?:an?|An?|A)\s+", "", strip_the(np_span(tok).text))
        return [text] if len(np_span(tok)) <= 4 else [tok.text]
