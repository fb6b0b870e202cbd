"""Sentence starts the parser must respect: line breaks and wire datelines.

News text comes in paragraphs; a scraped headline or a dateline run into the first sentence
("TROMSØ, Norway — Norwegian and Russian officials will meet ...") makes the parser read
the headline or the dateline as the subject. This component runs before the parser and
marks as sentence starts:

* the first token after a line break;
* the first token after a dateline that opens a line ("KYIV —", "TROMSØ, Norway —",
  "LONDON (Reuters) -"), so that the dateline is a sentence of its own.
"""
from __future__ import annotations

from spacy.language import Language

DASHES = {"—", "–", "-", "--"}
MAX_DATELINE = 10   # tokens before the dash


def dateline_end(doc, start: int) -> int | None:
    """Index of the dash that closes a dateline opening at token ``start``, or None."""
    first = doc[start]
    if not (first.is_alpha and first.is_upper and len(first) >= 2):
        return None
    for i in range(start + 1, min(len(doc) - 1, start + MAX_DATELINE + 1)):
        t = doc[i]
        if t.text in DASHES:
            return i
        # place names in capitals or title case, commas, an agency in parentheses
        if t.is_space or not (t.is_upper or t.is_title or t.text in (",", "(", ")", ".")):
            return None
    return None


@Language.component("newsdesk_segment")
def segment_component(doc):
    line_start = True
    for i, tok in enumerate(doc):
        if tok.is_space:
            line_start = line_start or "\n" in tok.text
            continue
        if line_start:
            if i > 0:
                tok.is_sent_start = True
            end = dateline_end(doc, i)
            if end is not None:
                doc[end + 1].is_sent_start = True
            line_start = False
    return doc
