"""Enrichment step 'entities' (placeholder until implemented)."""
from spacy.language import Language


@Language.component("newsdesk_entities")
def entities_component(doc):
    doc._.nd_entities = []
    return doc
