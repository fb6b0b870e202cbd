"""Enrichment step 'places' (placeholder until implemented)."""
from spacy.language import Language


@Language.component("newsdesk_places")
def places_component(doc):
    doc._.nd_places = []
    return doc
