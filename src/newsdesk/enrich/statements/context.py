"""One document's extraction state: quotes, sources, cue spans, date and venue of a statement."""
from __future__ import annotations

import bisect
import re

from ...model import Statement
from ..nlp import doc_text
from ..resolve import np_span, PERSON_LABELS, Resolver, strip_the
from .cues import (AFTER_ADVERBS, CUE_ADVERBS, DOCUMENT_NOUNS, DOCUMENT_VERBS, INTERVIEW_NOUNS, is_cue,
    PEOPLE_HEADS, WH_ADVERBS)
from .quotes import find_quotes


VENUE_NOUNS = {
    "interview", "statement", "speech", "address", "post", "op-ed", "article", "conference",
    "briefing", "letter", "message", "video", "broadcast", "remark", "comment", "column",
    "podcast", "appearance", "tweet", "hearing", "session", "meeting", "programme", "program",
    "show", "editorial", "essay", "communique", "report", "publication",
}
PLATFORMS = {
    "twitter", "telegram", "facebook", "instagram", "youtube", "tiktok", "x", "television",
    "tv", "radio", "truth social", "weibo", "vkontakte", "linkedin", "threads",
}


class _Ctx:
    def __init__(self, doc):
        self.doc = doc
        self.res = Resolver(doc)
        self.starts = [t.idx for t in doc]
        self.text = doc_text(doc)
        self.quotes = find_quotes(self.text)
        self.used_cues: set[int] = set()
        self.out: list[Statement] = []

    def token_at(self, char: int):
        i = bisect.bisect_right(self.starts, char) - 1
        return self.doc[max(i, 0)] if len(self.doc) else None

    def in_content(self, char: int) -> bool:
        return any(s.content_start <= char < s.content_end for s in self.out)

    def first_person_ok(self, tok) -> bool:
        """An "I think ..." outside every quote and reported content: the writer's own
        attribution (op-eds, letters), which PolNeAR annotates like anyone else's."""
        subj = [c for c in tok.children if c.dep_ == "nsubj"]
        if subj and subj[0].lower_ == "you" or tok.sent.text.rstrip().endswith("?"):
            return False  # "Do you think ...?" asks, it attributes nothing
        line = self.text.rfind("\n", 0, tok.idx) + 1
        if re.match(r"[ \t\"“]*[A-Z][A-Z.'\- ]{1,30}:", self.text[line:tok.idx]):
            return False  # a transcript line ("HOLT: I think ..."): the speaker's own words
        return not self.in_quote(tok.idx, tok.idx + 1) and not self.in_content(tok.idx) \
            and not self.quote_open_before(tok.idx)

    def quote_open_before(self, char: int) -> bool:
        """An opening quote mark earlier in the paragraph that no pair closes before
        ``char`` (a quote running on over paragraphs, or an odd mark)."""
        para = self.text.rfind("\n", 0, char) + 1
        seg = self.text[para:char]
        return seg.count('"') % 2 == 1 or seg.count("“") > seg.count("”") or seg.count("''") % 2 == 1

    def in_quote(self, start: int, end: int) -> bool:
        return any(qs <= start and end <= qe for qs, qe in self.quotes)

    # -- building a record --------------------------------------------------------------
    def document_verb(self, cue):
        """'X issued a statement calling ...', 'X released a letter that says ...': the verb
        that put out the document a participle or relative-clause cue hangs on, or None."""
        noun = cue.head
        if cue.dep_ not in ("acl", "relcl") or noun.i >= cue.i or noun.lemma_.lower() not in DOCUMENT_NOUNS:
            return None
        if cue.dep_ == "acl" and cue.tag_ != "VBG":
            return None
        if cue.dep_ == "relcl" and not any(c.dep_ == "nsubj" and c.lower_ in ("that", "which")
                                           for c in cue.children):
            return None
        while noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.pos_ == "NOUN":
            noun = noun.head.head  # "a series of tweets saying"
        verb = noun.head
        if noun.dep_ != "dobj" or verb.pos_ != "VERB" or verb.lemma_.lower() not in DOCUMENT_VERBS:
            return None
        if not any(c.dep_ == "nsubj" for c in verb.children) and verb.dep_ not in ("xcomp", "conj"):
            return None
        return verb

    def source_of(self, cue):
        """(source text, start, end, subject token) of a cue verb, climbing xcomp/conj."""
        verb = self.document_verb(cue) or cue
        for _ in range(4):
            # a closing quote mark the parser took for a subject ("» a delegate told")
            subj = [c for c in verb.children if c.dep_ in ("nsubj",) and not c.is_punct]
            if subj:
                return self._source_np(self._same_paragraph(subj[0], verb))
            agent = [c for c in verb.children if c.dep_ == "agent"]
            if agent:
                pobj = [c for c in agent[0].children if c.dep_ == "pobj"]
                if pobj:
                    return self._source_np(pobj[0])
            if [c for c in verb.children if c.dep_ in ("nsubjpass", "expl")]:
                return None
            if verb.dep_ in ("xcomp", "conj") and verb.head.i != verb.i:
                if verb.dep_ == "conj" and not is_cue(verb.head):
                    reporter = self._reporting_verb(verb.head)
                    if reporter is not None:
                        # "said the protests were organised by radical groups and denied
                        # that ...": a cue coordinated into a reported clause is the
                        # reporter's second act (the parser attaches it low)
                        verb = reporter
                        continue
                verb = verb.head
                continue
            if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "acl") and verb.head.i != verb.i:
                # "Mook appeared on CNN, arguing that ...": the governing clause's subject;
                # "Robby Mook, arguing that ...": the noun the participle modifies
                if verb.dep_ == "acl" and verb.head.pos_ in ("PROPN", "NOUN"):
                    return self._source_np(verb.head)
                verb = verb.head
                if not is_cue(verb) or verb.i < cue.i:
                    continue
            break
        return None

    @staticmethod
    def _reporting_verb(tok):
        """The cue verb whose reported clause holds ``tok`` ("said [ships had been diverted
        and that it had asked ...]"), climbing conjuncts; or None."""
        t = tok
        for _ in range(4):
            if t.dep_ == "conj" and t.head.i != t.i:
                t = t.head
                continue
            if t.dep_ == "ccomp" and is_cue(t.head):
                return t.head
            return None
        return None

    def _same_paragraph(self, subj, verb):
        """A subject parsed across a paragraph break ("12:15 p.m.\n\nDonald Trump says",
        the parser reaching back to a heading): the noun phrase that opens the verb's own
        paragraph, when it has one."""
        doc = self.doc
        if subj.i >= verb.i or "\n" not in self.text[subj.idx:verb.idx]:
            return subj
        start = self.text.rfind("\n", subj.idx, verb.idx) + 1
        seg = [t for t in doc[subj.i:verb.i] if t.idx >= start and not t.is_space]
        for t in seg:
            if t.pos_ in ("PROPN", "NOUN", "PRON") and not (seg[0].i <= t.head.i < verb.i
                                                          and t.head.pos_ in ("PROPN", "NOUN")):
                return t
        return subj

    def _group_speaks(self, tok, span) -> bool:
        """The common-noun head speaks for itself, not a name inside its phrase: a group named
        by its nationality ("Haitian police unions", "several Caribbean countries": the only
        names are non-possessive nationalities or places before the head) or people from a
        place ("residents of Kherson")."""
        ms = self.res.mentions_in(span.start_char, span.end_char)
        if not ms or any(m.start <= tok.idx < m.end for m in ms):
            return False
        if tok.lemma_.lower() in PEOPLE_HEADS:
            return True
        text = doc_text(tok.doc)
        return len(span) <= 6 and all(m.label in ("NORP", "GPE", "LOC") and m.end <= tok.idx
                                      and text[m.end:m.end + 2] not in ("'s", "’s") for m in ms)

    def _place_owned(self, tok, span) -> bool:
        """A common-noun head that belongs to a place named inside its phrase ("Norway's
        fisheries ministry", "the head of Germany's central bank"): the body speaks, not the
        country, so the source is the whole phrase. A name heading the phrase ("Germany's Olaf
        Scholz") keeps its own mention."""
        ms = self.res.mentions_in(span.start_char, span.end_char)
        own = [m for m in ms if m.start <= tok.idx < m.end]
        places = [m for m in ms if m not in own]
        return bool(places) and all(m.label in ("GPE", "LOC", "NORP") for m in places) \
            and all(m.label not in PERSON_LABELS and m.text[:1].islower() for m in own)

    def _source_np(self, tok):
        if tok.lower_ in ("it", "they") and tok.dep_ == "nsubj":
            reporter = self._reporting_verb(tok.head)
            subj = [c for c in reporter.children if c.dep_ == "nsubj"] if reporter is not None else []
            if subj and subj[0].lower_ not in ("it", "they", "he", "she", "i", "we", "you"):
                # "the port authority said that it had asked ...": the reporter speaks of itself
                found = self._source_np(subj[0])
                if found is not None:
                    return found[0], tok.idx, tok.idx + len(tok), tok
        if tok.lower_ == "it" and tok.dep_ == "nsubj":
            # "It said ...": the organisation last named
            org = None
            for m in self.res.mentions:
                if m.end <= tok.idx and m.label == "ORG":
                    org = m
            if org is not None:
                return org.canonical, tok.idx, tok.idx + len(tok), tok
            return None
        if tok.lower_ in ("who", "which", "that") and tok.head.dep_ == "relcl" \
                and tok.head.head.pos_ in ("PROPN", "NOUN"):
            # "Flynn, who said ...": the relative pronoun is the source in the text, the
            # noun it refers to names it
            ref = self._source_np(tok.head.head)
            if ref is not None:
                return ref[0], tok.idx, tok.idx + len(tok), tok
        if tok.lower_ in ("it", "there", "this", "that", "which", "who"):
            return None
        span = np_span(tok)
        name = self.res.resolve_np(tok, span.start_char, span.end_char)
        if name is not None and (tok.pos_ == "NOUN" and self._group_speaks(tok, span)
                                 or tok.pos_ in ("NOUN", "PROPN") and self._place_owned(tok, span)):
            name = None   # named by its own phrase, without its determiners
        if name is None:
            name = strip_the(span.text) if tok.pos_ != "PRON" else span.text
            name = re.sub(r"^(?:several|some|many|most|two|three|four|five|a few|dozens of|hundreds of|"
                          r"thousands of|other|both)\s+", "", name, flags=re.I) or name
        # the source span is the whole noun phrase, titles, appositions and all
        # ("A spokeswoman for Hillary Clinton", "The state's campaign chairman, Phil Lovas")
        doc = tok.doc
        left, right = tok.left_edge.i, tok.right_edge.i
        for c in tok.rights:
            if c.dep_ in ("relcl", "acl") and is_cue(c):
                right = min(right, c.left_edge.i - 1)  # "Flynn, who said ...": a nested attribution
        for i in range(tok.i, right + 1):
            if "\n" in doc[i].text_with_ws and i < right:
                right = i
                break
        for i in range(tok.i, left - 1, -1):
            if i < tok.i and "\n" in doc[i].text_with_ws:
                left = i + 1
                break
        while right > tok.i and (doc[right].is_punct or doc[right].is_space) and doc[right].text != ")":
            right -= 1
        while left < tok.i and (doc[left].is_punct or doc[left].is_space):
            left += 1
        start, end = doc[left].idx, doc[right].idx + len(doc[right].text.rstrip())
        return name, start, end, tok

    def cue_bounds(self, cue, right=None, exclude=()):
        """Character span of a cue verb with its verbal group, after PolNeAR's convention
        (the cue covers everything that frames the attribution but is neither its source
        nor its content):

        * before the verb: auxiliaries, negation and adverbs ("has also said", "did not
          immediately respond", "is once again questioning");
        * a governing verb whose infinitive the cue is ("continued to call for", "went on
          to explain", "declined to comment");
        * after the verb: a particle or fixed preposition ("pointed out", "called for"), a
          bare date ("said Friday", "said Thursday morning"), a manner or time adverb
          ("said later") and the interview it was given in ("said in an interview with
          CNN");

        ``right`` extends the span to that token; nothing in ``exclude`` (content, source)
        is taken in."""
        doc = self.doc

        def free(i):
            if i < 0 or i >= len(doc):
                return False
            t = doc[i]
            return not any(xs < t.idx + len(t) and t.idx < xe for xs, xe in exclude)

        head = cue
        issuer = self.document_verb(cue)
        if issuer is not None and all(free(k) for k in range(issuer.i, cue.i)):
            head = issuer  # "issued a statement calling", "released a letter that says"
        # "continued to call for", "went on to explain": the governing verb frames the cue
        for _ in range(3):
            h = head.head
            infinitive = head.dep_ == "xcomp" or (head.dep_ == "advcl" and any(
                c.dep_ == "aux" and c.lower_ == "to" and c.i == head.i - 1 for c in head.lefts))
            if not infinitive or h.i >= head.i or h.pos_ not in ("VERB", "AUX") \
                    or not free(h.i):
                break
            gap = [t for t in doc[h.i + 1:head.i]]
            if not all((t.dep_ in ("aux", "prt", "advmod", "neg") and t.head.i in (h.i, head.i))
                       for t in gap):
                break
            head = h
        left = head.i
        lefts = set()
        for v in {head, cue}:
            lefts |= {c.i for c in v.lefts if c.dep_ in ("aux", "auxpass", "neg")
                      or (c.dep_ == "advmod" and (c.lower_ in CUE_ADVERBS or c.tag_ == "RB"
                                                 and c.lower_ not in WH_ADVERBS))}
        while free(left - 1) and (left - 1 in lefts or (
                doc[left - 1].dep_ == "advmod" and doc[left - 1].tag_ == "RB"
                and doc[left - 1].lower_ not in WH_ADVERBS and left <= doc[left - 1].head.i <= cue.i)):
            left -= 1  # "is once again questioning": an adverb on an adverb of the group
        end = cue.i
        kids = {c.i: c for c in cue.rights}
        if right is not None and right.i > end:
            end = right.i
        while end + 1 < len(doc) and free(end + 1):
            t = doc[end + 1]
            if t.i in kids and t.dep_ == "prt":
                end = t.i
            elif t.i in kids and t.dep_ == "prep" and t.pos_ == "ADP" and t.lower_ != "as" and not any(
                    o.dep_ in ("pobj", "pcomp") for o in t.children):
                end = t.i  # a stranded preposition: "called for [compensation to be ...]"
            elif t.i in kids and t.dep_ in ("npadvmod", "tmod", "dobj", "advmod") \
                    and t.ent_type_ in ("DATE", "TIME") and t.ent_iob_ == "B":
                # a bare date: "said Friday", "said Thursday morning", "said last month"
                e = t.i
                while e + 1 < len(doc) and doc[e + 1].ent_iob_ == "I" and free(e + 1):
                    e += 1
                end = e
            elif t.ent_type_ in ("DATE", "TIME") and t.ent_iob_ == "B" and t.head.i in kids \
                    and kids[t.head.i].dep_ in ("npadvmod", "advmod") and t.head.i > t.i:
                e = t.head.i
                if not all(free(k) for k in range(t.i, e + 1)):
                    break
                end = e
            elif t.i in kids and t.dep_ == "advmod" and t.tag_ == "RB" and t.lower_ in AFTER_ADVERBS:
                end = t.i
            elif t.i in kids and t.dep_ == "prep" and t.lower_ in ("in", "during") \
                    and any(o.dep_ == "pobj" and o.lemma_.lower() in INTERVIEW_NOUNS for o in t.children) \
                    and all(free(k) for k in range(t.i, t.right_edge.i + 1)):
                end = t.right_edge.i  # "said in an interview with CNN's Wolf Blitzer"
            else:
                break
        while end > cue.i and (doc[end].is_punct or doc[end].is_space):
            end -= 1
        return doc[left].idx, doc[end].idx + len(doc[end])

    def frame_info(self, cue, exclude: list[tuple[int, int]], extra: list[tuple[int, int]] = ()):
        """Date and venue from the cue's own modifiers (not its content or source)."""
        date = venue = None
        ranges = []
        for child in cue.children:
            if child.dep_ in ("prep", "npadvmod", "advmod", "dobj", "dative", "advcl", "pobj"):
                s, e = child.left_edge.idx, child.right_edge.idx + len(child.right_edge)
                if any(s < xe and e > xs for xs, xe in exclude):
                    continue
                ranges.append((s, e))
                venue = venue or self._venue(child)
        ranges.extend(extra)
        for s, e in ranges:
            t = self.res.time_in(s, e)
            if t is not None and t.type in ("DATE", "TIME") and re.match(r"^\d{4}", t.value or ""):
                date = t.value
                break
        return date, venue

    def _venue(self, child):
        if child.dep_ in ("dobj", "dative") and child.ent_type_ in ("ORG",):
            return self._venue_name(child)
        if child.dep_ != "prep":
            return None
        for pobj in (c for c in child.children if c.dep_ == "pobj"):
            if child.lower_ == "on" and (pobj.lower_ in PLATFORMS or pobj.ent_type_ == "ORG"):
                return self._venue_name(pobj)
            if child.lower_ in ("in", "during", "at", "on") and pobj.lemma_.lower() in VENUE_NOUNS:
                for p2 in pobj.children:
                    if p2.dep_ == "prep" and p2.lower_ in ("with", "to", "on", "for"):
                        for o in p2.children:
                            if o.dep_ == "pobj":
                                return self._venue_name(o)
        return None

    def _venue_name(self, tok):
        """The venue named by ``tok``; a date is never one ("told X on Wednesday", an
        ``on`` phrase the tagger took for an organisation)."""
        end = tok.idx + len(tok)
        if tok.ent_type_ in ("DATE", "TIME") or any(t.start < end and tok.idx < t.end for t in self.res.times):
            return None
        span = np_span(tok)
        for m in self.res.mentions_in(span.start_char, span.end_char):
            if m.label in ("ORG", "WORK_OF_ART", "PRODUCT") or m.start <= tok.idx < m.end:
                if self.doc._.nd_entities:
                    return m.canonical
                return re.sub(r"^the\s+", "", m.text)
        return re.sub(r"^the\s+", "", span.text)

    def add(self, cue_start, cue_end, content_start, content_end, source, kind,
            date=None, venue=None):
        text = self.text
        # trim spaces and edge punctuation of the content
        while content_start < content_end and (text[content_start].isspace() or text[content_start] in ",;:—–-"):
            content_start += 1
        while content_end > content_start and (text[content_end - 1].isspace() or text[content_end - 1] in ",;:—–-"):
            content_end -= 1
        # an unbalanced bracket at an edge ("(Russia attacked Kyiv, officials said.)")
        if text[content_start] in "([" and text.count(")" if text[content_start] == "(" else "]",
                                                         content_start, content_end) == 0:
            content_start += 1
        if content_end - content_start < 3 or not re.search(r"[^\W_]{2}", text[content_start:content_end]):
            return  # no content ("___", a separator line)
        for s in self.out:
            if s.content_start == content_start and s.content_end == content_end:
                return
        src, ss, se = (source[0], source[1], source[2]) if source else (None, None, None)
        self.out.append(Statement(
            source=src, source_start=ss, source_end=se,
            cue=text[cue_start:cue_end], cue_start=cue_start, cue_end=cue_end,
            content=text[content_start:content_end], content_start=content_start,
            content_end=content_end, kind=kind, date=date, venue=venue))


def _ex(c_start, c_end, source):
    """The spans a cue must not take in: the content and the source."""
    return [(c_start, c_end)] + ([(source[1], source[2])] if source and source[1] is not None else [])
