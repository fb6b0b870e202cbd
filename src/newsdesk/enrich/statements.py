"""Enrichment step 'statements' (placeholder until implemented)."""
from spacy.language import Language


@Language.component("newsdesk_statements")
def statements_component(doc):
    doc._.nd_statements = []
    return doc
