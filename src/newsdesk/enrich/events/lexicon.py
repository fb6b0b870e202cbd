"""Word classes and the trigger lexicon of the events step: the constant sets the
rules read, the PLOVER trigger table (``data/plover_triggers.tsv``), lemmas and class tests."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ..resolve import read_table

SYMMETRIC = {"AGREE", "CONSULT", "COOPERATE"}

# main verbs that name no act, which the classifier fallback leaves untyped (a copula stays
# open to it: "removing the sanctions is out of the question" is a rejection)
STATE_VERBS = {"seem", "appear", "remain", "become", "stay", "hope", "expect", "believe",
               "think", "feel", "fear", "want", "wish", "need", "look", "see", "hear", "know",
               "understand", "stand", "sit", "lie", "die", "live", "spread", "grow", "rise", "fall",
               "decline", "happen", "occur", "exist", "include", "contain", "cost", "mean", "convey",
               "worry", "like", "love", "hate", "prefer", "consider", "doubt", "wonder", "seek", "try",
               # estimates: "police put the figure at 6,000"
               "put", "estimate", "count", "number", "total", "reach", "exceed"}
BORDER_WORDS = {"border", "frontier", "boundary"}
HUMAN_GROUPS = {"official", "government", "leader", "authority", "police", "force", "troop",
                "country", "nation", "state", "party", "side", "people", "citizen", "voter",
                "minister", "president", "administration", "congress", "parliament", "company",
                "rebel", "militant", "army", "military", "member", "ally", "partner", "lawmaker"}
# role nouns that stand for an actor even unnamed ("the ministers met", "the junta released")
ROLE_NOUNS = HUMAN_GROUPS | {"pope", "rebel", "junta", "court", "mayor", "envoy", "fighter", "gunman",
                             "militant", "soldier", "diplomat", "delegation", "counterpart", "premier",
                             "chancellor", "king", "queen", "prince", "monarch", "union", "opposition",
                             "regime", "cabinet", "ministry", "navy", "council", "judge", "prosecutor",
                             "insurgent", "protester", "demonstrator", "worker", "student", "activist",
                             "detainee", "prisoner", "hostage", "senator", "governor", "general"}
VERBAL_ATTACKS = {"attack", "assault", "slam", "blast", "clash"}
TARGET_IS_PLACE = {"ASSAULT", "COERCE", "PROTEST", "AID", "MOBILIZE"}
PATIENT_TYPES = {"ACCUSE", "COERCE", "ASSAULT", "THREATEN", "REQUEST"}   # the object is the target
# events whose target may be named in their purpose clause ("opened fire to disperse protesters")
PURPOSE_TYPES = {"PROTEST", "ASSAULT", "COERCE", "MOBILIZE"}
# noun triggers whose "of" phrase is who undergoes them ("the shelling of Kharkiv", "the
# blockade of Gaza", "criticism of the government")
OF_PATIENT_TYPES = {"ASSAULT", "COERCE", "SANCTION", "ACCUSE"}
UNNAMED_TARGETS = {"ASSAULT", "COERCE", "SANCTION", "ACCUSE", "THREATEN"}
# heads that only measure or package what follows "of" ("10 days of war games", "a state of
# emergency", "part of a military aid program", "a group of Yoruba leaders"): classes,
# anchors and actors look through them
PARTITIVES = {"day", "week", "month", "hour", "year", "series", "round", "wave", "number", "part",
              "state", "set", "string", "spate", "couple", "lot", "dozen", "score", "hundred",
              "thousand", "group", "band", "kind", "type", "form", "portion", "share", "rest",
              "bulk", "majority", "some", "all", "most", "many", "several", "none", "one"}
# generic event nouns whose compound modifier carries the event ("a mediation effort",
# "a peace process", "a strike campaign")
EVENT_CARRIERS = {"effort", "campaign", "operation", "mission", "process", "bid", "initiative",
                  "drive", "attempt", "plan", "program", "programme", "move"}
# PLOVER codebook groupings: cooperative types a promise or offer turns into AGREE, and
# conflictual ones a threat, ultimatum or vow turns into THREATEN
COOPERATIVE = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"}
CONFLICTUAL = {"SANCTION", "COERCE", "ASSAULT", "MOBILIZE", "PROTEST"}
# verbs and adjectives that commit their subject to the complement: "promised to withdraw",
# "is willing to negotiate", "offered to hand over", "vowed to retaliate"
COMMIT_GOVERNORS = {"promise", "pledge", "vow", "offer", "commit", "undertake", "willing",
                    "ready", "prepared", "agree", "swear", "guarantee"}
# verbs ending a cooperative relation: "ended mediation efforts", "suspended aid"
END_GOVERNORS = {"end", "halt", "suspend", "stop", "cut", "break", "freeze", "sever", "terminate",
                 "cancel", "withdraw", "abandon", "scrap", "discontinue"}
# event nouns whose possessor is who undergoes them, not who acts ("the journalist's arrest")
PATIENT_NOUNS = {"arrest", "detention", "killing", "assassination", "murder", "release", "expulsion",
                 "deportation", "execution", "kidnapping", "abduction", "imprisonment", "torture",
                 "extradition", "eviction", "resignation", "ouster", "dismissal"}
# reporting verbs the classifier fallback never takes for the event ("Pavliuk emphasized that ...")
SPEECH_VERBS = {"say", "tell", "add", "announce", "report", "emphasize", "emphasise", "stress",
                "underline", "note", "insist", "claim", "state", "declare", "explain", "write",
                "confirm", "reiterate", "argue", "assert", "maintain", "acknowledge", "believe",
                "think", "predict", "expect", "reveal", "point", "remark", "comment", "describe"}
# verbs whose subject can be a noun trigger the sentence reports on ("the talks collapsed",
# "protests erupted", "the strike spread")
SUBJECT_ANCHORS = {"collapse", "erupt", "break", "spread", "stall", "fail", "flare", "rage", "open",
                   "conclude", "claim", "enter", "drag", "succeed", "produce", "paralyze", "paralyse",
                   "disrupt", "focus", "center", "centre", "cover"}
# nouns of an act that a compound weapon or unit modifies ("a missile launch", "a drone test")
ACT_NOUNS = {"launch", "test", "firing", "attack", "strike", "incursion"}
HUMAN_CLASSES = ("DIPLOMAT", "PRISONER", "PEOPLE")
# what an "allow" or "permit" concedes besides people: access, return, entry, a rally
ALLOWEES = {"candidate", "opposition", "leader", "inspector", "observer", "monitor", "convoy",
            "return", "entry", "access", "visit", "rally", "march", "demonstration", "election",
            "vote", "referendum", "party", "union", "press", "media", "investigator", "delegation",
            "team", "mission", "agency", "organization", "organisation", "group"}
# happenings that can be a verb's subject without acting ("the blast killed 12")
EVENT_NOUNS = {"blast", "explosion", "bomb", "fire", "violence", "unrest", "crisis", "war", "conflict",
               "flood", "earthquake", "storm", "accident", "crash", "collapse", "outbreak", "epidemic"}
HUMAN_NOUNS = {"refugee", "civilian", "migrant", "advisor", "adviser", "people", "person", "man",
               "woman", "child", "family", "villager", "resident", "guerrilla", "guerilla",
               "militiaman", "separatist", "fundamentalist", "extremist", "terrorist", "opponent",
               "critic", "supporter", "national", "businessman", "newspaper", "agency", "group",
               "faction", "clan", "tribe", "party", "movement", "dissident", "suspect",
               "journalist", "opposition", "refugee", "asylum-seeker", "pilgrim", "worshipper",
               "passenger", "tourist", "hostage", "victim"}
# verbs whose weapon or unit object is what they hit, not the actor's own arms ("intercepted
# Russian missiles", "destroyed two Ukrainian tanks"; "shot down" by its particle): roles.destroys
PATIENT_ARMS_VERBS = {"intercept", "destroy", "down", "seize", "capture", "neutralize", "neutralise",
                      "sink", "wreck"}
# bare definite nouns that stand for a named actor of the sentences before ("the state also
# threatened", "the man was arrested"): roles.antecedent
STAND_IN_STATES = {"state", "country", "nation", "kingdom", "republic"}
STAND_IN_PERSONS = {"man", "woman"}
# types whose object may stand for its owner's act ("rejected a US offer", "calls by X")
OWNER_TYPES = {"REJECT", "ACCUSE", "SUPPORT", "REQUEST", "CONCEDE", "AGREE"}
# types whose target may sit in the clause they govern ("threatened to cut ties with X")
COMPLEMENT_TYPES = {"THREATEN", "REJECT", "AGREE", "REQUEST", "SANCTION", "SUPPORT", "CONCEDE"}
NEEDS_NAMED_ARG = {"meet", "support", "back", "welcome", "host", "visit", "recognize",
                   "recognise", "free", "release", "move", "gather", "form", "create",
                   "establish", "reach", "offer", "agree", "accept", "discuss", "seize",
                   "kill", "fire", "decline", "dismiss", "refuse", "reject", "yield", "march",
                   "rally", "demonstrate", "transfer", "appeal", "request", "assist", "aid"}



@dataclass
class Trigger:
    type: str
    mode: str | None
    pos: str
    lemma: str
    cons: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Lexicon:
    classes: dict[str, dict[str, list[str] | None]]
    anchors: set[str]
    verbs: dict[str, list[Trigger]]
    nouns: dict[str, list[Trigger]]


@functools.lru_cache(maxsize=None)
def lexicon() -> Lexicon:
    classes: dict[str, dict[str, list[str] | None]] = {}
    anchors: set[str] = set()
    verbs: dict[str, list[Trigger]] = {}
    nouns: dict[str, list[Trigger]] = {}
    for row in read_table("plover_triggers.tsv"):
        if row[0].startswith("@"):
            words = row[1].split() if len(row) > 1 else []
            if row[0] == "@ANCHOR":
                anchors.update(words)
                continue
            table: dict[str, list[str] | None] = {}
            for w in words:
                m = re.match(r"^([\w'-]+)(?:\[([^\]]*)\])?$", w)
                if m:
                    table[m.group(1)] = m.group(2).split(",") if m.group(2) else None
            classes[row[0][1:]] = table
            continue
        row = row + [""] * (5 - len(row))
        etype, mode, pos, lemma, cons = (x.strip() for x in row[:5])
        parsed: dict[str, list[str]] = {}
        for c in cons.split():
            k, _, v = c.partition(":")
            parsed[k] = v.split("|") if v else []
        trig = Trigger(etype, mode or None, pos, lemma, parsed)
        (verbs if pos == "V" else nouns).setdefault(lemma, []).append(trig)
    return Lexicon(classes, anchors, verbs, nouns)


def names_a_state(verb) -> bool:
    """The verb is one of STATE_VERBS, by its lemma or by its form with an ending cut off
    (the small model lemmatises "hoped" as "hop")."""
    low = verb.lower_
    return bool({lemma(verb), low, low[:-1], low[:-2], low[:-3]} & STATE_VERBS)


def lemma(tok) -> str:
    lem = tok.lemma_.lower()
    # the small model drops a final "e" of some past forms ("staged" -> "stag"): take the
    # known lemma the form spells
    if tok.tag_ in ("VBD", "VBN") and tok.lower_.endswith("ed") and lem == tok.lower_[:-2]:
        alt = tok.lower_[:-1]
        if alt in known_lemmas() and lem not in known_lemmas():
            return alt
    return lem


@functools.lru_cache(maxsize=None)
def known_lemmas() -> frozenset[str]:
    lex = lexicon()
    return frozenset(set(lex.verbs) | set(lex.nouns) | lex.anchors)


def through_partitive(tok):
    """'10 days of war games' -> 'games'; 'a state of emergency' -> 'emergency'; '14 of the
    20 drones' -> 'drones'."""
    for _ in range(3):
        if tok.pos_ not in ("NOUN", "NUM", "PRON", "DET", "ADJ") or (
                tok.lemma_.lower() not in PARTITIVES and tok.pos_ != "NUM"):
            return tok
        nxt = None
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                nxt = next((p for p in c.children if p.dep_ == "pobj"), None)
        if nxt is None and tok.pos_ == "NUM" and tok.i + 2 < len(tok.doc) \
                and tok.nbor(1).lower_ == "out" and tok.nbor(2).lower_ == "of":
            # "6 out of 9 missiles": the parser hangs "out of" anywhere but on the number
            nxt = next((p for p in tok.nbor(2).children if p.dep_ == "pobj"), None)
        if nxt is None:
            return tok
        tok = nxt
    return tok


def in_class(tok, cls: str) -> bool:
    inner = through_partitive(tok)
    if inner is not tok and in_class(inner, cls):
        return True
    table = lexicon().classes.get(cls, {})
    base = tok
    while base.dep_ == "conj" and base.head.i != base.i and base.head.pos_ in ("NOUN", "PROPN"):
        base = base.head
    mods = {lemma(c) for t in (tok, base) for c in t.children if c.dep_ in ("amod", "compound", "nmod")}
    mods |= {c.lower_ for t in (tok, base) for c in t.children if c.dep_ in ("amod", "compound", "nmod")}
    for word in (lemma(tok), tok.lower_):
        if word in table:
            need = table[word]
            if need is None or mods & set(need):
                return True
    if lemma(tok) in ACT_NOUNS or lemma(tok) in lexicon().nouns:
        return False   # "a missile launch", "a rocket attack": an act, not the weapon
    for c in tok.children:  # "Union State": a listed compound
        if c.dep_ == "compound" and (lemma(c) in table and table[lemma(c)] is None):
            return True
    return False
