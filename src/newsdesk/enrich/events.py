"""Enrichment step 'events' (placeholder until implemented)."""
from spacy.language import Language


@Language.component("newsdesk_events")
def events_component(doc):
    doc._.nd_events = []
    return doc
