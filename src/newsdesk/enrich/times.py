"""Enrichment step 'times' (placeholder until implemented)."""
from spacy.language import Language


@Language.component("newsdesk_times")
def times_component(doc):
    doc._.nd_times = []
    doc._.nd_quantities = []
    return doc
