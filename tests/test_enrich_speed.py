"""Per-Doc caches added for speed answer exactly as the per-token definitions they replace."""
from __future__ import annotations

import pytest

from newsdesk.enrich import load_nlp
from newsdesk.enrich.events import in_parentheses
from newsdesk.enrich.nlp import doc_text

TEXT = ("Soldiers (invading troops from the north) shelled the town on Monday, officials said.\n"
        "(The ministry denied it.) The mayor (who fled) said (again) that (aid) had not come.\n"
        "A spokesman said residents (about 300 of them) were evacuated (by bus.")


@pytest.fixture(scope="module")
def doc():
    nlp = load_nlp(("entities",))
    return nlp(TEXT)


def _walked(tok) -> bool:
    """in_parentheses as first written: the token's sentence, read token by token."""
    text, sent = tok.doc.text, tok.sent
    before = text[sent.start_char:tok.idx]
    if before.count("(") <= before.count(")"):
        return False
    return not text[sent.start_char:sent.end_char].lstrip(" \"“").startswith("(")


def test_doc_text_is_the_text_and_built_once(doc):
    assert doc_text(doc) == doc.text == TEXT
    assert doc_text(doc) is doc_text(doc)


def test_in_parentheses_matches_the_sentence_walk(doc):
    got = [in_parentheses(t) for t in doc]
    assert got == [_walked(t) for t in doc]
    inside = {t.text for t in doc if in_parentheses(t)}
    assert {"invading", "troops", "fled", "again", "300"} <= inside
    assert not {"Soldiers", "shelled", "ministry", "denied", "mayor", "residents"} & inside
