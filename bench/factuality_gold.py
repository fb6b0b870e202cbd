"""Gold event mentions with factuality, read from the shared corpora, for bench/factuality.py --news.

* ECB+ (``ecbplus/``): every ACTION_* / NEG_ACTION_* markable of a validated sentence;
  NEG_ACTION_* is "negated", the rest "asserted" (ECB+ marks polarity only).
* TimeBank (``timebank/``): every EVENT with its first MAKEINSTANCE; polarity NEG ->
  "negated", modality would/could/may/might -> "uncertain", tense FUTURE or modality
  will/shall -> "future", else "asserted".

Each mention is (document name, parsed sentence or document, head token index, gold class).
The parse is the plain spaCy model newsdesk loads (``event_classifier._parser``).
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

TO_FOUR = {"asserted": "asserted", "negated": "negated", "planned": "future", "predicted": "future",
           "hypothetical": "uncertain", "uncertain": "uncertain"}
UNCERTAIN_MODALS = {"would", "could", "may", "might", "'d"}
FUTURE_MODALS = {"will", "shall", "'ll"}


@dataclass
class GoldMention:
    doc: str          # document name (folds are by document)
    parsed: object    # the spaCy Doc holding the mention
    head: int         # token index of the mention's head in ``parsed``
    gold: str


def _nlp():
    from newsdesk.enrich.event_classifier import _parser
    return _parser()


def head_of(doc, start: int, end: int) -> int:
    """The token of [start, end) whose head lies outside the span (the last one if several)."""
    best = end - 1
    for t in doc[start:end]:
        if not (start <= t.head.i < end) or t.head.i == t.i:
            best = t.i
    return best


def ecbplus(shared: Path, topics: list[int]) -> tuple[list[GoldMention], list[str]]:
    """Gold mentions of the given ECB+ topics and every document name in corpus order."""
    import ecbplus_data
    from spacy.tokens import Doc

    nlp = _nlp()
    out, names = [], []
    for d in ecbplus_data.read(shared / "bench" / "ecbplus", topics):
        names.append(d.name)
        by_sent: dict[int, list] = {}
        for m in d.mentions:
            by_sent.setdefault(m.sentence, []).append(m)
        for s in sorted(by_sent):
            words = [w if w.strip() else "_" for w in d.sentences[s]]
            parsed = nlp(Doc(nlp.vocab, words=words))
            for m in by_sent[s]:
                gold = "negated" if m.kind.startswith("NEG_") else "asserted"
                out.append(GoldMention(d.name, parsed, head_of(parsed, m.start, m.end), gold))
    return out, names


_TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def timebank_gold(instance: dict) -> str:
    modality = instance.get("modality", "").lower().strip()
    if instance.get("polarity", "POS").upper() == "NEG":
        return "negated"
    if modality in UNCERTAIN_MODALS:
        return "uncertain"
    if instance.get("tense", "").upper() == "FUTURE" or modality in FUTURE_MODALS:
        return "future"
    return "asserted"


def read_tml(path: Path) -> tuple[str, list[tuple[int, int, str]]]:
    """The plain text of <TEXT> and (start, end, gold class) per EVENT with an instance."""
    raw = path.read_text(encoding="utf-8")
    body = raw[raw.index("<TEXT>") + len("<TEXT>"):raw.index("</TEXT>")]
    instances = {}
    for m in re.finditer(r"<MAKEINSTANCE([^>]*)/?>", raw):
        attrs = dict(_ATTR.findall(m.group(1)))
        instances.setdefault(attrs.get("eventID"), attrs)
    text, spans, open_event = [], [], None
    pos, n = 0, 0
    for m in _TAG.finditer(body):
        chunk = body[pos:m.start()]
        text.append(chunk)
        n += len(chunk)
        pos = m.end()
        closing, tag, attrs = m.group(1), m.group(2), dict(_ATTR.findall(m.group(3)))
        if tag == "EVENT" and not closing:
            open_event = (n, attrs.get("eid"))
        elif tag == "EVENT" and closing and open_event:
            start, eid = open_event
            if eid in instances:
                spans.append((start, n, timebank_gold(instances[eid])))
            open_event = None
    text.append(body[pos:])
    plain = "".join(text)
    return plain, spans


def timebank(shared: Path) -> tuple[list[GoldMention], list[str]]:
    """Gold event mentions of TimeBank and every document name in file-name order (the
    order bench/times.py folds)."""
    nlp = _nlp()
    out = []
    paths = sorted((shared / "bench" / "timebank").glob("*.tml"))
    for path in paths:
        text, spans = read_tml(path)
        parsed = nlp(text)
        for start, end, gold in spans:
            span = parsed.char_span(start, end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            out.append(GoldMention(path.stem, parsed, head_of(parsed, span.start, span.end), gold))
    return out, [p.stem for p in paths]
