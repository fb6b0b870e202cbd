"""Enrichment step 'statements': who said what, as ``doc._.nd_statements``.

Shapes found (offsets are characters into ``doc.text``):

* direct quotes, straight or curly: ``"...," X said`` / ``X said: "..."`` /
  ``"...," he said, "..."`` (each quoted part becomes a statement with the same cue);
* reported speech from the dependency parse: a cue verb (``data/speech_cues.tsv``) with a
  clausal complement, ``X said that ...``, including sentence-final attribution
  ``..., the ministry added.``;
* ``according to X`` (the content is the rest of the clause);
* passive, unnamed attribution: ``... is said to be ...`` (source ``None``);
* attitudes with a non-clausal content (PolNeAR counts beliefs, wishes, judgments and
  evidence as attribution): ``X criticized the plan``, ``X wants to ...``, ``X called for
  talks`` (cue classes ``stance``/``cognition``/``evidential`` in ``speech_cues.tsv``),
  skipped inside another statement's content or a quote (the speaker's own hedge);
* noun cues: ``X's claim that ...``, ``the warning by X that ...``, ``X's determination
  to ...``;
* passives: ``X is expected to ...``, ``X was viewed as ...`` (unnamed source) and ``X was
  first reported by Y`` (the agent is the source); ``..., as police have said``;
* the writer's own ``I believe ...`` outside every quote (op-eds); a cue inside another
  statement's direct quote, or a belief/finding inside a reported content, is dropped;
* light verbs with a speech or attitude noun: ``X raised questions about Y``, ``X voiced
  concern that ...``, ``X took offense at Y`` (the cue runs from the verb to the preposition);
* documents put out by a source: ``X issued a statement calling ...``, ``X released a letter
  that says ...`` (the issuing verb's subject is the source, the cue runs from that verb);
* stance predicates with a prepositional object: ``X has been critical of Y``, ``X is a
  staunch opponent of Y``; raising verbs with no holder named: ``X seems to ...`` (source
  ``None``, the content the subject with its complement, as for the passives).

The cue span follows PolNeAR's convention: the verbal group with auxiliaries, negation and
adverbs before the verb, a governing verb of an infinitive cue, and a particle, fixed
preposition, bare date or interview after it (``has also said``, ``did not immediately
respond``, ``continued to call for``, ``called on``, ``said Friday``, ``said in an
interview``); never a token of the source or the content. The source span is the text as written (a pronoun, "who"
of a relative clause, a participle's governing subject); ``source`` is its resolution.

Sources resolve through ``doc._.nd_entities`` (canonical names, nominal mentions such as
"the ministry"); "he"/"she" resolve to the last person named before. ``date`` is the
statement's own date when the sentence gives it (``statement published on Jan. 5``,
``In an interview ... on Dec. 15``) from ``doc._.nd_times``; ``venue`` comes from
``in an interview with X`` / ``told X`` / ``on Twitter``.
"""
from __future__ import annotations

import bisect
import functools
import logging
import re

from spacy.language import Language

from ..model import Statement
from .nlp import doc_text
from .resolve import Resolver, np_span, read_table, strip_the

log = logging.getLogger(__name__)

OPEN_QUOTES = "“„«"
CLOSE_QUOTES = "”»"
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
CUE_ADVERBS = {"also", "not", "never", "n't", "now", "repeatedly", "later", "previously",
               "already", "again", "often", "publicly", "privately", "then", "first", "long",
               "once", "recently", "still", "even", "further", "openly", "quickly", "frequently"}
WH_ADVERBS = {"when", "how", "why", "where", "whenever", "wherever", "so", "as", "too",
              "very", "just", "however", "therefore", "thus", "meanwhile", "instead"}
# adverbs that stay with a cue standing after it ("said later", "added sarcastically")
AFTER_ADVERBS = {"later", "again", "then", "earlier", "repeatedly", "publicly", "privately",
                 "sarcastically", "recently", "separately", "afterward", "afterwards",
                 "today", "yesterday", "tonight", "once", "bluntly", "flatly", "angrily",
                 "jokingly", "matter-of-factly", "candidly", "openly", "frankly", "simply"}
INTERVIEW_NOUNS = {"interview", "podcast", "op-ed"}
PASSIVE_CUES = {"say", "report", "believe", "think", "allege", "rumor", "rumour", "claim",
                "understand", "consider", "know", "expect", "view", "see", "regard", "deem",
                "describe", "estimate", "predict", "call", "label", "brand", "portray",
                "rumored", "reckon", "presume", "assume", "perceive", "project", "forecast"}


@functools.lru_cache(maxsize=None)
def cue_lexicon() -> dict[str, str]:
    """lemma -> class (speech, report, cognition, evidential)."""
    out: dict[str, str] = {}
    for row in read_table("speech_cues.tsv"):
        out.setdefault(row[0].strip().lower(), row[1].strip() if len(row) > 1 else "speech")
    return out


def cue_lemma(tok) -> str:
    """The token's lemma, or, when the lemmatizer missed an inflected cue verb ("hoped" ->
    "hop"), the lexicon entry its regular inflection comes from."""
    lemma = tok.lemma_.lower()
    lex = cue_lexicon()
    if lemma in lex or not tok.tag_.startswith("VB"):
        return lemma
    w = tok.lower_
    for suffix, repl in (("ied", "y"), ("ies", "y"), ("ed", "e"), ("ed", ""), ("es", ""), ("s", ""),
                         ("ing", "e"), ("ing", "")):
        if w.endswith(suffix) and len(w) > len(suffix) + 2 and w[:-len(suffix)] + repl in lex:
            return w[:-len(suffix)] + repl
    return lemma


def is_cue(tok) -> bool:
    return tok.i in _cue_verbs(tok.doc)


def _cue_verbs(doc) -> frozenset[int]:
    """Indices of the Doc's cue verbs, found once (kept in ``doc.user_data``): a dozen passes
    ask is_cue() of every token."""
    found = doc.user_data.get(_CUE_VERBS_KEY)
    if found is None:
        lex = cue_lexicon()
        found = doc.user_data[_CUE_VERBS_KEY] = frozenset(
            t.i for t in doc
            if t.pos_ in ("VERB", "AUX") and t.tag_.startswith("VB") and cue_lemma(t) in lex)
    return found


_CUE_VERBS_KEY = "newsdesk.cue_verbs"


# -- quotes ----------------------------------------------------------------------------------
def find_quotes(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text inside each pair of quote marks, paired within a paragraph."""
    out = []
    pos = 0
    for para in re.split(r"(\n+)", text):
        if para and not para.startswith("\n"):
            curly_open = None
            straight_open = None
            double_open = None       # ''...'' (two apostrophes, as some wires print quotes)
            for m in re.finditer(r"''|[\"“”„«»]", para):
                ch, i = m.group(), m.start()
                if ch in OPEN_QUOTES:
                    curly_open = m.end()
                elif ch in CLOSE_QUOTES and curly_open is not None:
                    out.append((pos + curly_open, pos + i))
                    curly_open = None
                elif ch == '"':
                    if straight_open is None:
                        straight_open = m.end()
                    else:
                        out.append((pos + straight_open, pos + i))
                        straight_open = None
                elif ch == "''":
                    if double_open is None:
                        double_open = m.end()
                    else:
                        out.append((pos + double_open, pos + i))
                        double_open = None
            if curly_open is not None and curly_open < len(para):
                # '“A long quote' running on: the next paragraph reopens with a quote mark
                rest = text[pos + len(para):].lstrip("\n")
                if rest[:1] in OPEN_QUOTES:
                    out.append((pos + curly_open, pos + len(para.rstrip())))
        pos += len(para)
    return sorted(out)


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
        if name is not None and tok.pos_ == "NOUN" and self._group_speaks(tok, span):
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


# -- shapes ----------------------------------------------------------------------------------
def _direct_quotes(ctx: _Ctx) -> None:
    text = ctx.text
    for qs, qe in ctx.quotes:
        inner = text[qs:qe].strip()
        if len(inner.split()) < 3:
            continue
        if len(inner.split()) < 6 and _title_quote(ctx, qs):
            continue
        close_len = 2 if text[qe:qe + 2] == "''" else 1
        open_len = 2 if qs >= 2 and text[qs - 2:qs] == "''" else 1
        cue = _cue_after(ctx, qe + close_len) or _cue_before(ctx, qs - open_len)
        if cue is None:
            before = len(ctx.out)
            _punct_cue(ctx, qs, qe, close_len, open_len)
            if len(ctx.out) == before:
                _continued_quote(ctx, qs, qe)
            continue
        source = ctx.source_of(cue)
        if source is None:
            source = _inverted_source(ctx, cue)
        ctx.used_cues.add(cue.i)
        exclude = [(qs, qe)] + ([(source[1], source[2])] if source else [])
        date, venue = ctx.frame_info(cue, exclude)
        ctx.add(*ctx.cue_bounds(cue, exclude=exclude), qs, qe, source, "direct", date, venue)
    # a quote running on over paragraphs takes the speaker of the part that closes it
    for qs, qe in reversed(ctx.quotes):
        if text[qe:qe + 1] in CLOSE_QUOTES + '"' or any(s.content_start <= qs < s.content_end for s in ctx.out):
            continue
        nxt = [s for s in ctx.out if s.kind == "direct" and 0 <= s.content_start - qe <= 6]
        if nxt:
            n = nxt[0]
            ctx.add(n.cue_start, n.cue_end, qs, qe,
                    (n.source, n.source_start, n.source_end) if n.source is not None else None,
                    "direct", n.date, n.venue)


DASHES = "―—–"


def _title_quote(ctx: _Ctx, qs: int) -> bool:
    """A short quote standing where a noun phrase goes ('on Fox News's "Fox and Friends"',
    'the so-called "red line"'): a title or a scare quote, not speech."""
    tok = ctx.token_at(qs)
    if tok is None:
        return False
    i = tok.i if tok.idx >= qs else tok.i + 1
    i -= 1
    while i >= 0 and (ctx.doc[i].is_space or ctx.doc[i].text in OPEN_QUOTES + '"'):
        i -= 1
    if i < 0:
        return False
    prev = ctx.doc[i]
    return prev.dep_ in ("prep", "det", "case", "poss", "amod") or prev.tag_ in ("IN", "DT", "POS", "PRP$") \
        or prev.lower_ in ("’s", "'s")


def _continued_quote(ctx: _Ctx, qs: int, qe: int) -> None:
    """A quote with no cue of its own that follows the same speaker's quote with nothing
    but that quote's attribution in between: '"A," he said. "B."' and a quote running on
    into the next paragraph take the previous speaker and cue."""
    text = ctx.text
    prev = [s for s in ctx.out if s.kind == "direct" and s.content_end <= qs]
    if not prev:
        return
    last = max(prev, key=lambda s: s.content_end)
    gap = text[last.content_end:qs]
    if len(gap) > 120 or any(q in gap[1:-1] for q in OPEN_QUOTES) or gap.count("\n\n") > 1:
        return
    # between the quotes only the attribution sentence may stand
    if last.cue_start < last.content_end:
        return  # attributed before the quote ('X said: "A." "B."') is fine only when adjacent
    if last.cue_end > qs:
        return
    ctx.add(last.cue_start, last.cue_end, qs, qe,
            (last.source, last.source_start, last.source_end) if last.source_start is not None or last.source
            else None, "direct", last.date, last.venue)


def _punct_cue(ctx: _Ctx, qs: int, qe: int, close_len: int, open_len: int) -> None:
    """'"..." ― Jorge Falcon' (dash byline) and 'Trump: "..."' (colon after a name)."""
    text = ctx.text
    # a dash right after the closing mark, then a short name to the end of the line
    m = re.match(r"[ \t]*([" + DASHES + r"])[ \t]*([^\n]{2,60}?)[ \t.]*(?:\n|$)", text[qe + close_len:])
    if m:
        d_start = qe + close_len + m.start(1)
        n_start = qe + close_len + m.start(2)
        n_end = qe + close_len + m.end(2)
        name = text[n_start:n_end].split(",")[0].strip()
        if 1 <= len(name.split()) <= 5 and name[:1].isupper():
            n_end = n_start + len(name)
            tok = ctx.token_at(n_start)
            canon = ctx.res.resolve_np(tok, n_start, n_end) or name
            ctx.add(d_start, d_start + 1, qs, qe, (canon, n_start, n_end), "direct")
            return
    # a colon right before the opening mark, after a name that opens the sentence
    j = qs - open_len - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    if j >= 0 and text[j] == ":":
        line_start = max(text.rfind("\n", 0, j) + 1, max(text.rfind(c, 0, j) + 1 for c in ".!?"))
        name = text[line_start:j].strip()
        if 1 <= len(name.split()) <= 5 and name[:1].isupper():
            n_start = text.index(name, line_start)
            tok = ctx.token_at(n_start)
            if any(m.label in ("PERSON", "ORG", "GPE", "NORP") for m in ctx.res.mentions_in(n_start, n_start + len(name))):
                canon = ctx.res.resolve_np(tok, n_start, n_start + len(name)) or name
                ctx.add(j, j + 1, qs, qe, (canon, n_start, n_start + len(name)), "direct")


def _speaker_lines(ctx: _Ctx) -> None:
    """Transcripts: 'PENCE: Well, look, ...' (a capitalised speaker label opening a paragraph)."""
    text = ctx.text
    for m in re.finditer(r"(?m)^[ \t\"“]*([A-Z][A-Z.'\- ]{1,30}[A-Z.]):[ \t]+(\S[^\n]*)$", text):
        name = m.group(1).strip()
        if len(name.split()) > 4:
            continue
        c_start, c_end = m.start(2), m.end(2)
        if any(s.content_start < c_end and s.content_end > c_start for s in ctx.out):
            continue
        tok = ctx.token_at(m.start(1))
        canon = ctx.res.resolve_np(tok, m.start(1), m.end(1)) or name.title()
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        ctx.add(m.end(1), m.end(1) + 1, c_start, c_end, (canon, m.start(1), m.end(1)), kind)


def _inverted_source(ctx, cue):
    """"...," said Pavliuk: a subject placed after the cue, however the parser attached it."""
    for c in cue.rights:
        if c.pos_ in ("PROPN", "NOUN", "PRON") and c.dep_ in ("nsubj", "dobj", "attr", "npadvmod", "appos"):
            return ctx._source_np(c)
    return None


def _cue_after(ctx: _Ctx, char: int):
    """A cue right after a closing quote mark: '," X said' or '," said X'."""
    doc = ctx.doc
    tok = ctx.token_at(char)
    if tok is None:
        return None
    i = tok.i if tok.idx >= char else tok.i + 1
    seen = 0
    while i < len(doc) and seen < 10:
        t = doc[i]
        if t.is_space and "\n" in t.text:
            return None
        if t.text in OPEN_QUOTES or t.text == '"' or t.text in ".!?;":
            return None
        if t.is_punct or t.is_space:
            i += 1
            continue
        if is_cue(t):
            return t
        if t.pos_ == "VERB":
            return None
        seen += 1
        i += 1
    return None


def _cue_before(ctx: _Ctx, char: int):
    """A cue before an opening quote mark: 'X said: "' or 'X said, "'."""
    doc, text = ctx.doc, ctx.text
    j = char - 1
    while j >= 0 and text[j].isspace() and text[j] != "\n":
        j -= 1
    if j < 0 or text[j] not in ":,":
        return None
    start = max(text.rfind("\n", 0, j), max(text.rfind(c, 0, j) for c in ".!?" + CLOSE_QUOTES + '"'))
    tok = ctx.token_at(j)
    i = tok.i
    while i >= 0 and doc[i].idx > start:
        t = doc[i]
        if is_cue(t):
            return t
        i -= 1
    return None


def _according_to(ctx: _Ctx) -> None:
    doc = ctx.doc
    for tok in doc:
        if tok.lower_ != "according" or tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
            continue
        to = doc[tok.i + 1]
        pobj = [c for c in to.children if c.dep_ == "pobj"] or \
               [c for c in tok.children if c.dep_ == "pobj"]
        if not pobj:
            continue
        src_tok = pobj[0]
        source = ctx._source_np(src_tok)
        frame_s = tok.idx
        frame_e = src_tok.right_edge.idx + len(src_tok.right_edge)
        head = tok.head if tok.head.i != tok.i else None
        sent = tok.sent
        if head is None or head.i == tok.i:
            continue
        # the clause the attribution modifies, without the attribution itself
        if tok.i > head.i:
            c_start = head.left_edge.idx if head.dep_ != "ROOT" else sent.start_char
            c_start = max(c_start, sent.start_char)
            c_end = frame_s
        else:
            c_start = frame_e
            c_end = head.right_edge.idx + len(head.right_edge)
            if head.dep_ == "ROOT":
                c_end = sent.end_char
        if c_end - c_start < 3:
            continue
        text = ctx.text
        while c_end > c_start and text[c_end - 1] in " \n.,;:":
            c_end -= 1
        date = None
        t = ctx.res.time_in(src_tok.left_edge.idx, frame_e)
        if t is not None and re.match(r"^\d{4}", t.value or ""):
            date = t.value
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        ctx.add(tok.idx, to.idx + len(to), c_start, c_end, source, kind, date, None)


def _reported(ctx: _Ctx) -> None:
    doc = ctx.doc
    lex = cue_lexicon()
    for tok in doc:
        if tok.i in ctx.used_cues or not is_cue(tok):
            continue
        comps = [c for c in tok.children if c.dep_ == "ccomp"]
        if not comps:
            continue
        if tok.tag_ == "VB" and not any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass")
                                        for c in tok.children) and tok.dep_ not in ("xcomp",):
            continue  # an imperative ("Say what you want") reports nobody
        klass = lex.get(cue_lemma(tok))
        if klass == "quote":
            continue
        if klass in ("cognition", "stance") and (ctx.in_quote(tok.idx, tok.idx + 1) or ctx.in_content(tok.idx)):
            continue
        if klass == "cognition" and any(c.dep_ == "nsubj" and c.lower_ in ("i", "we", "you")
                                        for c in tok.children) and not ctx.first_person_ok(tok):
            continue  # "I think ..." is the quoted speaker's hedge, not a new attribution
        comp = comps[0]
        source = ctx.source_of(tok)
        first = comp.left_edge
        if first.i < tok.i < comp.i:
            # a fronted relative or wh-object ("the mine, which Clarke says he keeps open"):
            # the content is the clause after the cue
            first = doc[tok.i + 1]
            while first.i < comp.i and (first.is_punct or first.dep_ in ("advmod", "npadvmod")
                                        or first.ent_type_ in ("DATE", "TIME")):
                first = doc[first.i + 1]
        c_start = first.idx
        c_end = comp.right_edge.idx + len(comp.right_edge)
        # drop the complementizer
        if first.dep_ == "mark" and first.lower_ in ("that", "whether", "if"):
            nxt = doc[first.i + 1] if first.i + 1 < len(doc) else None
            if nxt is not None:
                c_start = nxt.idx
        # content before the cue ("..., he said"): stop before the source / cue
        if comp.i < tok.i:
            stop = min(x for x in ([source[1]] if source else []) + [tok.idx])
            c_end = min(c_end, stop)
        elif source and source[1] >= c_start and source[2] <= c_end:
            continue
        if klass in ("cognition", "evidential", "stance") and source is None:
            continue
        exclude = [(c_start, c_end)] + ([(source[1], source[2])] if source else [])
        date, venue = ctx.frame_info(tok, exclude)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        ctx.used_cues.add(tok.i)
        ctx.add(*ctx.cue_bounds(tok, exclude=_ex(c_start, c_end, source)), c_start, c_end, source, kind, date, venue)


def _final_attribution(ctx: _Ctx) -> None:
    """'..., he said.' when the parser made the cue a parataxis of the content clause."""
    doc = ctx.doc
    for tok in doc:
        if tok.i in ctx.used_cues or not is_cue(tok):
            continue
        if tok.dep_ not in ("parataxis", "ccomp", "conj", "advcl") or tok.head.i >= tok.i:
            continue
        source = ctx.source_of(tok)
        if source is None:
            continue
        subj = source[3]
        if subj.head.i != tok.i and tok.head.i in ctx.used_cues:
            continue  # "..., she said, referencing ...": the sentence is the governing cue's
        left = min(subj.left_edge.i, tok.i)
        if left == 0 or doc[left - 1].text not in (",", "—", "–"):
            continue
        sent = tok.sent
        c_start, c_end = sent.start_char, doc[left - 1].idx
        ctx.used_cues.add(tok.i)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        date, venue = ctx.frame_info(tok, [(c_start, c_end), (source[1], source[2])])
        ctx.add(*ctx.cue_bounds(tok, exclude=_ex(c_start, c_end, source)), c_start, c_end, source, kind, date, venue)


COMMISSIVES = {"vow", "pledge", "promise", "threaten", "urge", "ask", "call", "demand",
               "encourage", "propose", "warn", "appeal", "beg", "implore", "order", "instruct",
               "swear", "undertake", "plead"}


def _interrupted_and_loose(ctx: _Ctx) -> None:
    """'Acts of protest, Mr. Obama said, are ...' (cue inside the content) and cues whose
    'that'-clause the parser attached elsewhere ('X reported at the time that ...')."""
    doc = ctx.doc
    for tok in doc:
        if tok.i in ctx.used_cues or not is_cue(tok):
            continue
        source = ctx.source_of(tok)
        if source is None:
            continue
        sent = tok.sent
        subj = source[3]
        left = min(subj.left_edge.i, tok.i)
        right = tok.i
        # interruption: ", he said," with the content's head after it
        if tok.dep_ in ("parataxis", "advcl", "ccomp") and tok.head.i > tok.i and left > sent.start \
                and doc[left - 1].text == "," and right + 1 < sent.end and doc[right + 1].text == ",":
            c_start, c_end = sent.start_char, sent.end_char
            ctx.used_cues.add(tok.i)
            kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
            ctx.add(*ctx.cue_bounds(tok, exclude=_ex(c_start, c_end, source)), c_start, c_end, source, kind)
            continue
        # a complementizer shortly after the cue: "reported at the time that ..."
        if any(c.dep_ in ("ccomp", "xcomp", "dobj") for c in tok.children):
            continue
        for k in range(tok.i + 1, min(tok.i + 7, sent.end - 1)):
            if doc[k].lower_ == "that" and doc[k].dep_ == "mark":
                c_start, c_end = doc[k + 1].idx, sent.end_char
                ctx.used_cues.add(tok.i)
                kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
                date, venue = ctx.frame_info(tok, [(c_start, c_end), (source[1], source[2])])
                ctx.add(*ctx.cue_bounds(tok, exclude=_ex(c_start, c_end, source)), c_start, c_end, source, kind, date, venue)
                break
            if doc[k].text in ",;:" or doc[k].pos_ == "VERB":
                break


NON_CONTENT_OBJ = {"it", "them", "him", "her", "us", "me", "you", "himself", "herself", "themselves"}


def _commissives(ctx: _Ctx) -> None:
    """'X vowed to punish ...', 'X urged Congress to act', 'X called for a ceasefire'."""
    doc = ctx.doc
    for tok in doc:
        if tok.i in ctx.used_cues or tok.pos_ != "VERB" or tok.lemma_.lower() not in COMMISSIVES:
            continue
        source = ctx.source_of(tok)
        if source is None:
            continue
        comp = [c for c in tok.children if c.dep_ == "xcomp"]
        right = None
        if comp:
            c = comp[0]
            first = c.left_edge
            c_start = doc[first.i + 1].idx if first.lower_ == "to" and first.i + 1 < len(doc) else first.idx
            c_end = c.right_edge.idx + len(c.right_edge)
            # the one asked belongs to the content: "urged [Congress to act]", "called on
            # [Trump to apologize]" (the preposition stays with the cue)
            objs = [o for o in tok.children if o.dep_ == "dobj" and o.i < c.i and o.lower_ not in NON_CONTENT_OBJ]
            preps = [p for p in tok.children if p.dep_ == "prep" and p.lower_ in ("on", "upon", "for")
                     and p.i < c.i and any(o.dep_ == "pobj" for o in p.children)]
            if objs:
                c_start = objs[0].left_edge.idx
            elif preps:
                pobj = [o for o in preps[0].children if o.dep_ == "pobj"][0]
                c_start = pobj.left_edge.idx
                right = preps[0]
        elif tok.lemma_.lower() == "call":
            pfor = [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "for"]
            if not pfor:
                continue
            c_start = pfor[0].idx + len(pfor[0])
            c_end = pfor[0].right_edge.idx + len(pfor[0].right_edge)
            if pfor[0].i == tok.i + 1:
                right = pfor[0]
        else:
            continue
        if source[1] >= c_start and source[2] <= c_end:
            continue
        ctx.used_cues.add(tok.i)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        date, venue = ctx.frame_info(tok, [(c_start, c_end), (source[1], source[2])])
        ctx.add(*ctx.cue_bounds(tok, right, _ex(c_start, c_end, source)), c_start, c_end, source, kind, date, venue)


# people who speak for themselves, never for the place they are from ("residents of Kherson")
PEOPLE_HEADS = {"resident", "villager", "local", "witness", "farmer", "worker", "family", "survivor",
                "refugee", "protester", "demonstrator", "student", "parent", "trader", "shopkeeper",
                "fisherman", "miner", "driver", "passenger", "patient", "voter", "citizen", "people"}
# verbs of speaking that take an addressee or a venue with to/with/at ("spoke to reporters")
TALK_VERBS = {"speak", "talk", "sing", "preach", "lecture", "whisper", "shout", "yell", "plead",
              "chant", "mutter", "cry", "joke", "brag", "boast"}
# prepositions that a cue verb takes as part of its meaning ("called for", "pointed to",
# "spoke about"): the cue spans verb + preposition, the content is the prepositional object
CUE_PREPS = {"for", "to", "about", "on", "against", "of", "over", "at", "with"}
NON_CONTENT = {"it", "them", "this", "that", "him", "her", "us", "me", "you", "something",
               "anything", "nothing", "everything", "one", "so", "reporters", "journalists"}


def _attitudes(ctx: _Ctx) -> None:
    """A cue verb whose content is not a clause: a noun phrase or an infinitive
    ("X criticized the plan", "X wants to run", "X described Y as Z", "X called for talks").
    Needs a named or nominal subject as source."""
    doc = ctx.doc
    lex = cue_lexicon()
    for tok in doc:
        if tok.i in ctx.used_cues or not is_cue(tok) or tok.pos_ != "VERB":
            continue
        if tok.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in tok.children):
            continue
        if tok.dep_ in ("amod", "acl", "relcl") and not any(c.dep_ == "nsubj" for c in tok.children) \
                and ctx.document_verb(tok) is None:
            continue
        if tok.dep_ == "xcomp":
            continue  # "wants to see ...": the governing verb is the attribution
        klass = lex.get(cue_lemma(tok))
        if klass == "quote":
            continue
        if ctx.in_content(tok.idx) or (klass != "speech" and ctx.in_quote(tok.idx, tok.idx + 1)):
            continue  # a belief or wish inside a quote or a reported content is the speaker's own
        source = ctx.source_of(tok)
        if source is None or source[3].i > tok.i:
            continue
        if source[3].lower_ in ("i", "we", "you") and not ctx.first_person_ok(tok):
            continue
        comps = [c for c in tok.rights if c.dep_ in ("dobj", "xcomp", "oprd", "ccomp")]
        right = None
        if not comps:
            nxt = tok.i + 1 + sum(1 for c in tok.rights if c.dep_ == "prt" and c.i == tok.i + 1)
            preps = [c for c in tok.rights if c.dep_ in ("prep",) and c.lower_ in CUE_PREPS
                     and c.i == nxt and any(o.dep_ in ("pobj", "pcomp") for o in c.children)]
            if not preps:
                continue
            right = preps[0]
            if cue_lemma(tok) in TALK_VERBS and right.lower_ in ("to", "with", "at"):
                # "spoke to reporters", "spoke at a rally": an addressee or a venue, not what
                # was said; "talked to X about Y" says it in the second preposition
                topic = [c for c in tok.rights if c.dep_ == "prep" and c.i > right.i
                         and c.lower_ in ("about", "on", "over", "regarding")
                         and any(o.dep_ in ("pobj", "pcomp") and o.ent_type_ not in ("DATE", "TIME")
                                 for o in c.children)]
                if not topic:
                    continue
                right = topic[0]
            comps = [o for o in right.children if o.dep_ in ("pobj", "pcomp")]
        first = comps[0]
        if first.i in ctx.used_cues:
            continue  # "X repeated its warning that ...": the noun carries the attribution
        if first.dep_ == "dobj" and (first.lower_ in NON_CONTENT and first.n_rights == 0
                                     and not [c for c in tok.rights if c.dep_ in ("oprd", "xcomp", "prep") and c.i > first.i]):
            continue
        # content: from the first complement to the end of the last complement-like child
        last_i = max(c.right_edge.i for c in tok.rights
                     if c.dep_ in ("dobj", "xcomp", "oprd", "ccomp", "prep", "dative") and c.i >= first.i) \
            if right is None else right.right_edge.i
        start_tok = first.left_edge
        if start_tok.lower_ == "to" and start_tok.dep_ == "aux" and start_tok.i + 1 < len(doc):
            start_tok = doc[start_tok.i + 1]
        c_start = start_tok.idx
        c_end = doc[last_i].idx + len(doc[last_i])
        if source[1] >= c_start and source[2] <= c_end:
            continue
        if c_end - c_start < 2:
            continue
        ctx.used_cues.add(tok.i)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        date, venue = ctx.frame_info(tok, [(c_start, c_end), (source[1], source[2])])
        ctx.add(*ctx.cue_bounds(tok, right, _ex(c_start, c_end, source)), c_start, c_end, source, kind, date, venue)


# documents a source puts out, and the verbs that put them out: "X issued a statement
# calling ...", "X released a letter that says ...", "X unleashed a series of tweets saying"
DOCUMENT_NOUNS = {"statement", "letter", "tweet", "post", "report", "release", "paper", "memo",
                  "video", "ad", "advertisement", "message", "note", "column", "op-ed", "email",
                  "e-mail", "series", "communique", "editorial", "essay", "book", "study", "filing",
                  "complaint", "lawsuit", "suit", "petition", "resolution", "order", "ruling"}
DOCUMENT_VERBS = {"issue", "release", "send", "post", "publish", "put", "unleash", "write", "tweet",
                  "pen", "fire", "file", "circulate", "distribute", "air", "run", "launch", "sign",
                  "hand", "deliver", "submit", "unveil", "produce", "share"}


# Nouns that name an attributed proposition (speech act, belief, finding): "Trump's claim
# that ...", "the ministry's warning that ...", "her comments on ...". Written from the
# nominalisations of the cue verb classes, not from a corpus.
NOUN_CUES = {
    "claim", "statement", "assertion", "argument", "belief", "view", "warning", "promise",
    "pledge", "vow", "accusation", "allegation", "charge", "criticism", "comment", "remark",
    "suggestion", "insistence", "contention", "demand", "denial", "admission",
    "acknowledgment", "acknowledgement", "announcement", "prediction", "estimate",
    "assessment", "conclusion", "finding", "testimony", "speculation", "suspicion", "fear",
    "hope", "concern", "worry", "doubt", "idea", "notion", "opinion", "position", "proposal",
    "decision", "assurance", "reminder", "message", "explanation", "complaint", "threat",
    "recommendation", "assumption", "expectation", "insinuation", "boast", "confidence",
    "conviction", "impression", "sense", "suggestion", "reports", "rumor", "rumour",
    "speculation", "theory", "contention", "thesis", "verdict", "judgment", "judgement",
    # nominal attitudes with a possessive holder ("his determination to ...", "her
    # refusal to ...", "Trump's rhetoric about ..."), from the study half's noun cues
    "determination", "refusal", "intention", "intent", "commitment", "obsession",
    "rhetoric", "emphasis", "disdain", "admiration", "praise", "opposition", "rejection",
    "endorsement", "condemnation", "outrage", "reluctance", "willingness", "desire",
}
RESTATING_VERBS = {"repeat", "reiterate", "make", "issue", "renew", "voice", "express", "restate",
                   "publish", "release", "stand", "double", "defend", "explain", "post"}
SPEECH_NOUNS = {"claim", "statement", "assertion", "argument", "warning", "promise", "pledge",
                "accusation", "allegation", "comment", "remark", "testimony", "announcement",
                "complaint", "denial", "admission", "explanation", "prediction", "proposal"}
NOUN_PREPS = {"on", "about", "of", "over", "regarding", "against", "for"}


def _noun_cues(ctx: _Ctx) -> None:
    """'X's claim that ...', 'the claim by X that ...', 'X made the claim that ...' and
    'X's comments on Y' (with a possessive source)."""
    doc = ctx.doc
    for tok in doc:
        if tok.pos_ != "NOUN" or tok.lemma_.lower() not in NOUN_CUES or tok.i in ctx.used_cues:
            continue
        poss = [c for c in tok.lefts if c.dep_ == "poss"]
        source = None
        if poss and poss[0].lower_ in ("its", "their", "his", "her") and tok.dep_ == "dobj" \
                and tok.head.lemma_.lower() in RESTATING_VERBS:
            source = ctx.source_of(tok.head)  # "The ministry repeated its warning that ..."
        if source is None and poss and poss[0].lower_ not in ("my", "our", "your"):
            source = ctx._source_np(poss[0])
        if source is None:
            by = [c for c in tok.rights if c.dep_ == "prep" and c.lower_ in ("by", "from")]
            if by:
                pobj = [c for c in by[0].children if c.dep_ == "pobj"]
                if pobj:
                    source = ctx._source_np(pobj[0])
        if source is None and tok.dep_ == "dobj" and tok.head.pos_ == "VERB":
            source = ctx.source_of(tok.head)
        clause = [c for c in tok.rights if c.dep_ in ("acl", "ccomp", "appos")
                  and c.left_edge.lower_ == "that" and c.left_edge.dep_ == "mark"]
        # "his determination to act alone", "her refusal to answer" (with a possessive)
        infinitive = [c for c in tok.rights if c.dep_ in ("acl", "relcl") and c.tag_ == "VB"
                      and c.left_edge.lower_ == "to" and c.left_edge.dep_ == "aux"] if poss else []
        right = None
        if clause:
            c = clause[0]
            c_start = doc[c.left_edge.i + 1].idx
            c_end = c.right_edge.idx + len(c.right_edge)
        elif infinitive and source is not None:
            c = infinitive[0]
            c_start = doc[c.left_edge.i + 1].idx
            c_end = c.right_edge.idx + len(c.right_edge)
        else:
            if source is None:
                continue
            if tok.lemma_.lower() not in SPEECH_NOUNS and not (poss and poss[0].lower_ not in ("its", "their")):
                continue  # "a view of ...": not an attribution; "her concerns about ..." is
            preps = [c for c in tok.rights if c.dep_ == "prep" and c.lower_ in NOUN_PREPS
                     and c.i == tok.i + 1 and any(o.dep_ in ("pobj", "pcomp") for o in c.children)]
            if not preps:
                continue
            right = preps[0]
            objs = [o for o in right.children if o.dep_ in ("pobj", "pcomp")]
            c_start = objs[0].left_edge.idx
            c_end = right.right_edge.idx + len(right.right_edge)
        if source is not None and source[1] >= c_start and source[2] <= c_end:
            continue
        if c_end - c_start < 3:
            continue
        ctx.used_cues.add(tok.i)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        cue_end = (right.idx + len(right)) if right is not None else tok.idx + len(tok)
        cue_start = tok.idx
        if source is not None and poss and source[3].i == poss[0].i:
            # "North Korea's claims": the possessive marker goes with the cue (PolNeAR)
            case = [c for c in poss[0].children if c.dep_ == "case" and c.i == source[3].right_edge.i
                    and c.i == tok.i - 1]
            if case and source[1] < case[0].idx <= source[2]:
                cue_start = case[0].idx
                end = case[0].idx
                while end > source[1] and ctx.text[end - 1].isspace():
                    end -= 1
                source = (source[0], source[1], end, source[3])
        ctx.add(cue_start, cue_end, c_start, c_end, source, kind)


# Adjectival attitude predicates with a clause: "Protesters were frustrated that ...",
# "She is confident the bill will pass" (epistemic and emotive adjectives).
ATTITUDE_ADJS = {
    "sure", "certain", "confident", "convinced", "aware", "afraid", "worried", "concerned",
    "hopeful", "optimistic", "pessimistic", "skeptical", "sceptical", "doubtful", "frustrated",
    "angry", "upset", "happy", "glad", "pleased", "proud", "disappointed", "satisfied",
    "unhappy", "furious", "outraged", "adamant", "insistent", "fearful", "alarmed", "troubled",
    "dismayed", "surprised", "shocked", "thrilled", "delighted", "unsure", "uncertain",
    "persuaded", "grateful", "sorry", "eager", "anxious", "nervous", "determined",
}


# ... and with a prepositional object: "X has been critical of Y", "X is worried about Y"
# (the preposition closes the cue, its object is the content)
ATTITUDE_PREP_ADJS = ATTITUDE_ADJS | {
    "critical", "supportive", "passionate", "wary", "opposed", "enthusiastic", "bullish",
    "bearish", "dismissive", "suspicious", "fond", "contemptuous", "scornful", "cautious",
    "vocal", "leery", "distrustful", "appreciative", "sympathetic", "hostile",
}
ATTITUDE_PREPS = {"about", "of", "with", "over", "on", "toward", "towards", "at", "in"}
# nouns naming the holder of a stance, as predicates: "X is a staunch opponent of Y"
STANCE_HOLDER_NOUNS = {
    "supporter", "opponent", "critic", "advocate", "proponent", "defender", "champion",
    "backer", "fan", "skeptic", "sceptic", "admirer", "foe",
}


def _attitude_adjectives(ctx: _Ctx) -> None:
    doc = ctx.doc
    for tok in doc:
        low = tok.lower_
        if tok.i in ctx.used_cues or not (low in ATTITUDE_PREP_ADJS or (
                tok.pos_ == "NOUN" and tok.dep_ == "attr" and tok.lemma_.lower() in STANCE_HOLDER_NOUNS)):
            continue
        comps = [c for c in tok.rights if c.dep_ in ("ccomp", "xcomp")] if low in ATTITUDE_ADJS else []
        prep = None
        if not comps and tok.dep_ in ("acomp", "attr"):
            preps = [c for c in tok.rights if c.dep_ == "prep" and c.lower_ in ATTITUDE_PREPS
                     and any(o.dep_ in ("pobj", "pcomp") for o in c.children)
                     and all(t.dep_ in ("advmod", "npadvmod") or t.i == c.i for t in doc[tok.i + 1:c.i + 1])]
            if tok.pos_ == "NOUN":
                preps = [c for c in preps if c.lower_ == "of"]
            if preps:
                prep = preps[0]
                comps = [o for o in prep.children if o.dep_ in ("pobj", "pcomp")]
        if not comps:
            continue
        if ctx.in_content(tok.idx) or ctx.in_quote(tok.idx, tok.idx + 1):
            continue
        # the predicate: "were frustrated" (copula head or passive participle)
        pred = tok.head if tok.dep_ in ("acomp", "oprd", "attr") else tok
        subj = [c for c in pred.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subj or subj[0].lower_ in ("i", "we", "you", "it", "this", "that", "there"):
            continue
        source = ctx._source_np(subj[0])
        if source is None:
            continue
        comp = comps[0]
        first = comp.left_edge
        if first.lower_ == "that" and first.dep_ == "mark" and first.i + 1 < len(doc):
            first = doc[first.i + 1]
        elif first.lower_ == "to" and first.dep_ == "aux" and first.i + 1 < len(doc):
            first = doc[first.i + 1]
        c_start, c_end = first.idx, comp.right_edge.idx + len(comp.right_edge)
        lefts = [c for c in pred.children if c.dep_ in ("aux", "auxpass", "neg") and c.i < tok.i and c.i > subj[0].i]
        cue_start = min([pred.idx if pred.i < tok.i else tok.idx] + [c.idx for c in lefts])
        if source[2] > cue_start or c_start < tok.idx:
            continue
        ctx.used_cues.add(tok.i)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        cue_end = prep.idx + len(prep) if prep is not None else tok.idx + len(tok)
        ctx.add(cue_start, cue_end, c_start, c_end, source, kind)


def _as_clauses(ctx: _Ctx) -> None:
    """'..., as police have said.' / 'As the ministry reported, ...': the clause the
    'as'-clause hangs on is the content."""
    doc = ctx.doc
    for tok in doc:
        if tok.i in ctx.used_cues or not is_cue(tok) or tok.dep_ != "advcl" \
               :
            continue
        marks = [c for c in tok.lefts if c.dep_ == "mark" and c.lower_ == "as"]
        if not marks or any(c.dep_ in ("ccomp", "dobj", "xcomp") for c in tok.children):
            continue
        if lemma_class(tok) in ("quote",):
            continue
        head = tok.head
        if head.i == tok.i or ctx.in_quote(tok.idx, tok.idx + 1):
            continue
        source = ctx.source_of(tok)
        if source is None and tok.tag_ != "VBN":
            continue
        if source is None and tok.lemma_.lower() in ("plan", "schedule", "agree", "promise", "intend",
                                                     "arrange", "design", "envisage"):
            continue  # "go ahead as planned": how a thing runs, not who said so
        sent = tok.sent
        a, b = marks[0].i, tok.right_edge.i
        if a > head.i:
            c_start = max(head.left_edge.idx, sent.start_char)
            c_end = doc[a].idx
        else:
            if b + 1 >= len(doc):
                continue
            c_start = doc[b + 1].idx
            c_end = max(head.right_edge.idx + len(head.right_edge), c_start)
        if c_end - c_start < 3:
            continue
        ctx.used_cues.add(tok.i)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        ctx.add(*ctx.cue_bounds(tok, exclude=_ex(c_start, c_end, source)), c_start, c_end, source, kind)


def _passive_agent(ctx: _Ctx) -> None:
    """'The issue was first reported by The Washington Post', 'His views were echoed by
    experts': a cue verb in the passive with a 'by' agent; the agent is the source, the
    passive subject the content, and the cue runs to 'by' (PolNeAR's convention)."""
    doc = ctx.doc
    for tok in doc:
        if tok.i in ctx.used_cues or tok.tag_ != "VBN" or not is_cue(tok):
            continue
        if lemma_class(tok) == "quote":
            continue
        kids = {}
        for c in tok.children:
            kids.setdefault(c.dep_, c)
        if "auxpass" not in kids or "nsubjpass" not in kids or "agent" not in kids:
            continue
        if any(c.dep_ in ("xcomp", "oprd", "ccomp") for c in tok.children):
            continue
        agent = kids["agent"]
        pobj = [c for c in agent.children if c.dep_ == "pobj"]
        subj = kids["nsubjpass"]
        if not pobj or subj.lower_ in ("it", "there") or subj.i > tok.i:
            continue
        if ctx.in_quote(tok.idx, tok.idx + 1) or ctx.in_content(tok.idx):
            continue
        source = ctx._source_np(pobj[0])
        if source is None:
            continue
        c_start = subj.left_edge.idx
        c_end = subj.right_edge.idx + len(subj.right_edge)
        if subj.lower_ in ("which", "that", "who") and subj.head.dep_ == "relcl":
            ante = subj.head.head
            c_start, c_end = ante.left_edge.idx, ante.idx + len(ante)
        if c_end - c_start < 3:
            continue
        ctx.used_cues.add(tok.i)
        right = agent if all(t.i in (agent.i,) or t.dep_ in ("advmod", "prt") for t in doc[tok.i + 1:agent.i + 1]) else None
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        ctx.add(*ctx.cue_bounds(tok, right, _ex(c_start, c_end, source)), c_start, c_end, source, kind)


def lemma_class(tok) -> str | None:
    return cue_lexicon().get(cue_lemma(tok))


PASSIVE_COMPLEMENTS = {"as"}
PASSIVE_JUDGMENT = {"accuse", "charge", "criticize", "criticise", "blame", "praise", "condemn",
                    "fault", "credit", "suspect"}


def _passive(ctx: _Ctx) -> None:
    """'X is said to be ...', 'X is expected to ...', 'X is considered a threat', 'X was
    viewed as ...', 'X was accused of ...': unnamed source (or the agent of the passive).
    The content is the subject with its complement (it takes in the cue, which stands
    between them); the cue is the passive group ("is not thought", "was widely viewed")."""
    doc = ctx.doc
    for tok in doc:
        if tok.i in ctx.used_cues or tok.tag_ != "VBN":
            continue
        lemma = cue_lemma(tok)
        if lemma not in PASSIVE_CUES and lemma not in PASSIVE_JUDGMENT:
            continue
        kids = {}
        for c in tok.children:
            kids.setdefault(c.dep_, c)
        if "auxpass" not in kids or "nsubjpass" not in kids:
            continue
        comp = kids.get("xcomp") or kids.get("oprd")
        if comp is None:
            preps = [c for c in tok.rights if c.dep_ == "prep" and any(o.dep_ in ("pobj", "pcomp", "amod", "acomp") for o in c.children)
                     and (c.lower_ in PASSIVE_COMPLEMENTS or (lemma in PASSIVE_JUDGMENT and c.lower_ in ("of", "with", "for")))]
            if not preps:
                continue
            comp = preps[0]
        subj = kids["nsubjpass"]
        if subj.lower_ in ("it", "this", "that", "which", "who") and comp.dep_ != "xcomp":
            continue
        if ctx.in_quote(tok.idx, tok.idx + 1) or ctx.in_content(tok.idx):
            continue
        source = None
        if "agent" in kids:
            pobj = [c for c in kids["agent"].children if c.dep_ == "pobj"]
            if pobj:
                source = ctx._source_np(pobj[0])
        c_start = subj.left_edge.idx
        c_end = comp.right_edge.idx + len(comp.right_edge)
        ctx.used_cues.add(tok.i)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        ctx.add(*ctx.cue_bounds(tok), c_start, c_end, source, kind)


RAISING_CUES = {"seem", "appear"}


def _raising(ctx: _Ctx) -> None:
    """'Melania seems to have vanished', 'The city can appear to be ...', 'X seems too
    risky': an evidential impression with nobody named (source ``None``). As with the
    passives, the content is the subject with its complement; the cue the verbal group.
    Not when the complement is a cue of its own ('appeared to suggest')."""
    doc = ctx.doc
    for tok in doc:
        if tok.i in ctx.used_cues or tok.pos_ != "VERB" or tok.lemma_.lower() not in RAISING_CUES:
            continue
        kids = {}
        for c in tok.children:
            kids.setdefault(c.dep_, c)
        subj = kids.get("nsubj")
        comp = kids.get("xcomp") or kids.get("acomp") or kids.get("oprd")
        if subj is None or comp is None or comp.i < tok.i or subj.i > tok.i:
            continue
        if subj.lower_ in ("it", "there", "this", "that", "which", "who", "i", "we", "you") \
                or subj.tag_ in ("WP", "WDT") or subj.lower_ in ("him", "her", "them", "me", "us"):
            continue  # "what appeared to be ...", "made him seem kinder"
        if comp.i in ctx.used_cues or any(c.dep_ == "prep" and c.lower_ == "to" and c.i < comp.i
                                          for c in tok.children):
            continue  # "appeared to suggest" is the cue "suggest"; "seems to me" has a holder
        if ctx.in_quote(tok.idx, tok.idx + 1) or ctx.in_content(tok.idx) or ctx.quote_open_before(tok.idx):
            continue
        c_start = subj.left_edge.idx
        c_end = comp.right_edge.idx + len(comp.right_edge)
        ctx.used_cues.add(tok.i)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        ctx.add(*ctx.cue_bounds(tok, exclude=[(c_start, subj.right_edge.idx + len(subj.right_edge))]),
                c_start, c_end, None, kind)


# Light verbs that make an attribution out of a speech or attitude noun: "X raised questions
# about Y", "X made a strong condemnation of Y", "X sounded a call for Y", "X took offense
# at Y", "X has no illusions about Y". The cue runs from the verb to the preposition
# (PolNeAR's convention); the content is the prepositional object.
LIGHT_VERBS = {"make", "raise", "offer", "add", "issue", "sound", "voice", "express", "take",
               "have", "deliver", "lodge", "level", "renew", "register", "air"}
LIGHT_NOUNS = NOUN_CUES | {
    "question", "insight", "note", "call", "offense", "offence", "illusion", "case", "point",
    "reference", "advice", "condemnation", "objection", "appeal", "plea", "request", "attack",
    "complaint", "charge", "doubt", "concern", "misgiving", "reservation", "qualm", "exception",
    "issue", "umbrage", "stand", "pitch", "argument",
}
LIGHT_PREPS = {"about", "on", "of", "for", "at", "into", "over", "against", "regarding", "with"}


def _light_verbs(ctx: _Ctx) -> None:
    doc = ctx.doc
    for tok in doc:
        if tok.i in ctx.used_cues or tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in LIGHT_VERBS:
            continue
        objs = [c for c in tok.rights if c.dep_ == "dobj" and c.pos_ == "NOUN"
                and c.lemma_.lower() in LIGHT_NOUNS and c.i not in ctx.used_cues]
        if not objs:
            continue
        noun = objs[0]
        if tok.lemma_.lower() == "have" and not any(c.lower_ == "no" for c in noun.lefts):
            continue  # "has no illusions about" (a stance); "has questions about" is too loose
        preps = [c for c in list(noun.rights) + list(tok.rights) if c.dep_ == "prep" and c.lower_ in LIGHT_PREPS
                 and c.i > noun.i and any(o.dep_ in ("pobj", "pcomp") for o in c.children)]
        clause = [c for c in noun.rights if c.dep_ in ("acl", "ccomp", "appos")
                  and c.left_edge.lower_ == "that" and c.left_edge.dep_ == "mark"]
        if clause and (not preps or clause[0].i < min(p.i for p in preps)):
            # "voiced concern that ...", "made the case that ...": noun and clause
            c = clause[0]
            c_start = doc[c.left_edge.i + 1].idx
            c_end = c.right_edge.idx + len(c.right_edge)
            if ctx.in_quote(tok.idx, tok.idx + 1) or ctx.in_content(tok.idx):
                continue
            source = ctx.source_of(tok)
            if source is None or source[3].i > tok.i or source[3].lower_ in ("i", "we", "you"):
                continue
            ctx.used_cues.update((tok.i, noun.i))
            kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
            ctx.add(*ctx.cue_bounds(tok, noun, _ex(c_start, c_end, source)), c_start, c_end, source, kind)
            continue
        if not preps:
            continue
        prep = min(preps, key=lambda c: c.i)
        if prep.lower_ == "at" and noun.lemma_.lower() not in ("offense", "offence", "umbrage", "exception"):
            continue  # "made the pledge at a rally": a place, not a target
        if any(t.dep_ not in ("amod", "advmod", "det", "compound", "npadvmod", "nummod", "punct")
               and t.i != noun.i for t in doc[noun.i + 1:prep.i]):
            continue
        if ctx.in_quote(tok.idx, tok.idx + 1) or ctx.in_content(tok.idx):
            continue
        source = ctx.source_of(tok)
        if source is None or source[3].i > tok.i:
            continue
        if source[3].lower_ in ("i", "we", "you") and not ctx.first_person_ok(tok):
            continue
        objs_ = [o for o in prep.children if o.dep_ in ("pobj", "pcomp")]
        c_start = objs_[0].left_edge.idx
        c_end = prep.right_edge.idx + len(prep.right_edge)
        if c_end - c_start < 3:
            continue
        ctx.used_cues.update((tok.i, noun.i))
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        ctx.add(*ctx.cue_bounds(tok, prep, _ex(c_start, c_end, source)), c_start, c_end, source, kind)


def extract_statements(doc) -> list[Statement]:
    if not len(doc):
        return []
    ctx = _Ctx(doc)
    _direct_quotes(ctx)
    _according_to(ctx)
    _reported(ctx)
    _as_clauses(ctx)
    _passive_agent(ctx)
    _final_attribution(ctx)
    _interrupted_and_loose(ctx)
    _commissives(ctx)
    _light_verbs(ctx)
    _noun_cues(ctx)
    _attitudes(ctx)
    _attitude_adjectives(ctx)
    _passive(ctx)
    _raising(ctx)
    _speaker_lines(ctx)
    return sorted(_drop_nested(ctx), key=lambda s: (s.content_start, s.cue_start))



def _drop_nested(ctx: _Ctx) -> list[Statement]:
    """A cue inside another statement's direct quote is the quoted speaker talking ("you
    might ask", "I would say"), and a belief or finding inside a reported content is part
    of what was reported: neither is an attribution of its own."""
    lex = cue_lexicon()
    out = []
    for s in ctx.out:
        hosts = [o for o in ctx.out if o is not s and o.content_start <= s.cue_start
                 and s.cue_end <= o.content_end]
        if hosts:
            if any(o.kind == "direct" for o in hosts):
                continue
            span = ctx.doc.char_span(s.cue_start, s.cue_end, alignment_mode="expand")
            root = span.root if span is not None and len(span) else ctx.token_at(s.cue_start)
            if lex.get(cue_lemma(root)) in ("cognition", "evidential", None):
                continue
            if s.kind == "direct" and s.source is None and any(
                    o.content_start <= s.content_start and s.content_end <= o.content_end for o in hosts):
                continue  # words quoted inside what someone reported ("would gather “within
                #           the coming weeks” to agree"): part of that report, no speaker of their own
        out.append(s)
    return out


@Language.component("newsdesk_statements")
def statements_component(doc):
    try:
        doc._.nd_statements = extract_statements(doc)
    except Exception:  # one odd parse must not sink the batch
        log.exception("statements: failed on a document")
        doc._.nd_statements = []
    return doc
