"""Cue words: the lexicon of speech and attitude verbs and the words that frame a cue."""
from __future__ import annotations

import functools

from ..resolve import read_table


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
    # the verb classes from WordNet (scripts/build_cue_classes.py) cover what the hand list
    # does not name; the hand list's finer class wins where both have a verb
    for row in read_table("cue_classes.tsv"):
        if row[1].strip() in CLASS_OF:
            out.setdefault(row[0].strip().lower(), CLASS_OF[row[1].strip()])
    return out


# WordNet's verb class -> the lexicon's cue class. Cognition verbs stay out: on the studied
# half they added cues PolNeAR does not mark ("accept", "mind", "figure out") and lowered
# the cue and source figures there.
CLASS_OF = {"communication": "speech"}


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

# people who speak for themselves, never for the place they are from ("residents of Kherson")
PEOPLE_HEADS = {"resident", "villager", "local", "witness", "farmer", "worker", "family", "survivor",
                "refugee", "protester", "demonstrator", "student", "parent", "trader", "shopkeeper",
                "fisherman", "miner", "driver", "passenger", "patient", "voter", "citizen", "people"}

# documents a source puts out, and the verbs that put them out: "X issued a statement
# calling ...", "X released a letter that says ...", "X unleashed a series of tweets saying"
DOCUMENT_NOUNS = {"statement", "letter", "tweet", "post", "report", "release", "paper", "memo",
                  "video", "ad", "advertisement", "message", "note", "column", "op-ed", "email",
                  "e-mail", "series", "communique", "editorial", "essay", "book", "study", "filing",
                  "complaint", "lawsuit", "suit", "petition", "resolution", "order", "ruling"}
DOCUMENT_VERBS = {"issue", "release", "send", "post", "publish", "put", "unleash", "write", "tweet",
                  "pen", "fire", "file", "circulate", "distribute", "air", "run", "launch", "sign",
                  "hand", "deliver", "submit", "unveil", "produce", "share"}


def lemma_class(tok) -> str | None:
    return cue_lexicon().get(cue_lemma(tok))
