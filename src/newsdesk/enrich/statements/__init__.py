"""Enrichment step 'statements': who said what, as ``doc._.nd_statements``.

Shapes found (offsets are characters into ``doc.text``):

* direct quotes, straight or curly: ``"...," X said`` / ``X said: "..."`` /
  ``"...," he said, "..."`` (each quoted part becomes a statement with the same cue);
* reported speech from the dependency parse: a cue verb (``data/speech_cues.tsv``) with a
  clausal complement, ``X said that ...``, including sentence-final attribution
  ``..., the ministry added.``;
* ``according to X`` (the content is the rest of the clause);
* passive, unnamed attribution: ``... is said to be ...`` (source ``None``);
* attitudes with a non-clausal content (PolNeAR counts beliefs, wishes, judgments and
  evidence as attribution): ``X criticized the plan``, ``X wants to ...``, ``X called for
  talks`` (cue classes ``stance``/``cognition``/``evidential`` in ``speech_cues.tsv``),
  skipped inside another statement's content or a quote (the speaker's own hedge);
* noun cues: ``X's claim that ...``, ``the warning by X that ...``, ``X's determination
  to ...``;
* passives: ``X is expected to ...``, ``X was viewed as ...`` (unnamed source) and ``X was
  first reported by Y`` (the agent is the source); ``..., as police have said``;
* the writer's own ``I believe ...`` outside every quote (op-eds); a cue inside another
  statement's direct quote, or a belief/finding inside a reported content, is dropped;
* light verbs with a speech or attitude noun: ``X raised questions about Y``, ``X voiced
  concern that ...``, ``X took offense at Y`` (the cue runs from the verb to the preposition);
* documents put out by a source: ``X issued a statement calling ...``, ``X released a letter
  that says ...`` (the issuing verb's subject is the source, the cue runs from that verb);
* stance predicates with a prepositional object: ``X has been critical of Y``, ``X is a
  staunch opponent of Y``; raising verbs with no holder named: ``X seems to ...`` (source
  ``None``, the content the subject with its complement, as for the passives).

The cue span follows PolNeAR's convention: the verbal group with auxiliaries, negation and
adverbs before the verb, a governing verb of an infinitive cue, and a particle, fixed
preposition, bare date or interview after it (``has also said``, ``did not immediately
respond``, ``continued to call for``, ``called on``, ``said Friday``, ``said in an
interview``); never a token of the source or the content. The source span is the text as written (a pronoun, "who"
of a relative clause, a participle's governing subject); ``source`` is its resolution.

Sources resolve through ``doc._.nd_entities`` (canonical names, nominal mentions such as
"the ministry"); "he"/"she" resolve to the last person named before. ``date`` is the
statement's own date when the sentence gives it (``statement published on Jan. 5``,
``In an interview ... on Dec. 15``) from ``doc._.nd_times``; ``venue`` comes from
``in an interview with X`` / ``told X`` / ``on Twitter``.
"""
from __future__ import annotations

import logging

from spacy.language import Language

from ...model import Statement
from .attitudes import _attitude_adjectives, _attitudes
from .clauses import (_according_to, _as_clauses, _commissives, _final_attribution, _interrupted_and_loose,
    _passive, _passive_agent, _raising, _reported)
from .context import _Ctx
from .cues import cue_lemma, cue_lexicon, is_cue, lemma_class
from .direct import _direct_quotes, _name_colon_lines, _speaker_lines
from .nominal import _light_verbs, _noun_cues
from .quotes import CLOSE_QUOTES, find_quotes, OPEN_QUOTES


log = logging.getLogger(__name__)


def extract_statements(doc) -> list[Statement]:
    if not len(doc):
        return []
    ctx = _Ctx(doc)
    _direct_quotes(ctx)
    _according_to(ctx)
    _reported(ctx)
    _as_clauses(ctx)
    _passive_agent(ctx)
    _final_attribution(ctx)
    _interrupted_and_loose(ctx)
    _commissives(ctx)
    _light_verbs(ctx)
    _noun_cues(ctx)
    _attitudes(ctx)
    _attitude_adjectives(ctx)
    _passive(ctx)
    _raising(ctx)
    _speaker_lines(ctx)
    _name_colon_lines(ctx)
    return sorted(_drop_nested(ctx), key=lambda s: (s.content_start, s.cue_start))


def _drop_nested(ctx: _Ctx) -> list[Statement]:
    """A cue inside another statement's direct quote is the quoted speaker talking ("you
    might ask", "I would say"), and a belief or finding inside a reported content is part
    of what was reported: neither is an attribution of its own."""
    lex = cue_lexicon()
    out = []
    for s in ctx.out:
        hosts = [o for o in ctx.out if o is not s and o.content_start <= s.cue_start
                 and s.cue_end <= o.content_end]
        if hosts:
            if any(o.kind == "direct" for o in hosts):
                continue
            span = ctx.doc.char_span(s.cue_start, s.cue_end, alignment_mode="expand")
            root = span.root if span is not None and len(span) else ctx.token_at(s.cue_start)
            if lex.get(cue_lemma(root)) in ("cognition", "evidential", None):
                continue
            if s.kind == "direct" and s.source is None and any(
                    o.content_start <= s.content_start and s.content_end <= o.content_end for o in hosts):
                continue  # words quoted inside what someone reported ("would gather “within
                #           the coming weeks” to agree"): part of that report, no speaker of their own
        out.append(s)
    return out


@Language.component("newsdesk_statements")
def statements_component(doc):
    try:
        doc._.nd_statements = extract_statements(doc)
    except Exception:  # one odd parse must not sink the batch
        log.exception("statements: failed on a document")
        doc._.nd_statements = []
    return doc
