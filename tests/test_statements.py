"""Statements: who said what (direct, reported, according to, unnamed), with offsets."""
from __future__ import annotations

import re

import pytest

from newsdesk import model


def norm(name: str | None) -> str:
    return re.sub(r"^the\s+", "", (name or "").strip().lower())


def enrich(enricher, text: str, published: str = "2024-03-10T10:00") -> model.Article:
    art = model.Article(id="t", text=text, published=published, outlet="Test Outlet")
    return enricher(art)


def check_offsets(art: model.Article) -> None:
    for s in art.statements:
        assert art.text[s.cue_start:s.cue_end] == s.cue
        assert art.text[s.content_start:s.content_end] == s.content
        if s.source_start is not None:
            assert 0 <= s.source_start < s.source_end <= len(art.text)
        assert s.kind in ("direct", "reported")


# -- seed gold -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_art(seed_enriched):
    return seed_enriched


def _gold_statements(seed):
    return seed[1]["statements"]


@pytest.mark.parametrize("index", range(7))
def test_seed_statement(seed, seed_art, index):
    gold = _gold_statements(seed)[index]
    check_offsets(seed_art)
    found = [s for s in seed_art.statements
             if norm(s.source) == norm(gold["source"]) and s.kind == gold["kind"]
             and s.cue.lower() == gold["cue"].lower()
             and all(k.lower() in s.content.lower() for k in gold["key_words"])]
    assert found, f"gold statement not found: {gold}\n got: {seed_art.statements}"
    s = found[0]
    if "date" in gold:
        assert s.date == gold["date"]
    if "venue" in gold:
        assert norm(s.venue) == norm(gold["venue"])


def test_seed_no_footer_statement(seed_art):
    assert not any("emily" in (s.source or "").lower() for s in seed_art.statements)


def test_seed_passive_unnamed(seed_art):
    said = [s for s in seed_art.statements if "is said to be" in s.content]
    assert said and said[0].source is None and said[0].kind == "reported"


# -- shapes on original sentences -------------------------------------------------------------
SHAPES = [
    # text, source, cue, kind, words in content, words NOT in content
    ('"We will not give up a single village," Mayor Anna Kovacs said on Monday.',
     "Anna Kovacs", "said", "direct", ["single village"], ["Mayor", "said"]),
    ("“The port is closed until further notice,” the harbour master told reporters.",
     "harbour master", "told", "direct", ["port is closed"], ["told"]),
    ('Prime Minister Lena Holm said: "Our budget is balanced for the first time in a decade."',
     "Lena Holm", "said", "direct", ["budget is balanced"], ["Holm"]),
    ("“The bridge will reopen,” said Tomas Varga, the city engineer.",
     "Tomas Varga", "said", "direct", ["bridge will reopen"], ["Varga"]),
    ("The central bank announced that interest rates would stay at 4 percent.",
     "central bank", "announced", "reported", ["interest rates would stay"], ["that interest", "announced"]),
    ("Senator Ruth Adler emphasized that the bill protects farmers.",
     "Ruth Adler", "emphasized", "reported", ["protects farmers"], []),
    ("The drought has cut wheat harvests by a third, the agriculture ministry added.",
     "agriculture ministry", "added", "reported", ["wheat harvests"], ["added"]),
    ("According to the World Health Organization, measles cases doubled last year.",
     "World Health Organization", "According to", "reported", ["measles cases doubled"], ["According"]),
    ("Measles cases doubled last year, according to the World Health Organization.",
     "World Health Organization", "according to", "reported", ["Measles cases doubled"], ["according"]),
    ("Officials said the road would remain closed through Friday.",
     "officials", "said", "reported", ["road would remain closed"], []),
    # the passive cue keeps its auxiliary, as PolNeAR marks it ("is said", "is not thought")
    ("The painting is said to be worth millions.",
     None, "is said", "reported", ["worth millions"], []),
    ("Rescuers warned that more storms were coming.",
     "rescuers", "warned", "reported", ["more storms"], []),
]


@pytest.mark.parametrize("text,source,cue,kind,words,absent", SHAPES)
def test_statement_shapes(enricher, text, source, cue, kind, words, absent):
    art = enrich(enricher, text)
    check_offsets(art)
    assert len(art.statements) == 1, art.statements
    s = art.statements[0]
    assert norm(s.source) == norm(source)
    assert s.cue == cue
    assert s.kind == kind
    for w in words:
        assert w in s.content
    for w in absent:
        assert w not in s.content


def test_interrupted_quote_gives_two_parts(enricher):
    art = enrich(enricher, "“We are ready,” Yusuf Demir said, “and we will not wait for Brussels.”")
    check_offsets(art)
    parts = [s for s in art.statements if s.kind == "direct"]
    assert len(parts) == 2
    assert {norm(s.source) for s in parts} == {"yusuf demir"}
    assert "ready" in parts[0].content and "Brussels" in parts[1].content


def test_pronoun_resolves_to_last_person(enricher):
    art = enrich(enricher, "Captain Ilse Brandt inspected the ship on Tuesday. "
                           "The hull needs repairs, she said.")
    s = [s for s in art.statements if s.cue == "said"][0]
    assert s.source == "Ilse Brandt"
    assert art.text[s.source_start:s.source_end] == "she"


def test_interview_venue_and_date(enricher):
    art = enrich(enricher, "In an interview with The Guardian on Feb. 2, Marta Lopez said that "
                           "the strike would continue.", published="2024-03-10T10:00")
    s = art.statements[0]
    assert norm(s.source) == "marta lopez"
    assert norm(s.venue) == "guardian"
    assert s.date == "2024-02-02"
    assert s.content.startswith("the strike would continue")


def test_social_media_venue(enricher):
    art = enrich(enricher, "Maria Zakharova wrote on Telegram that the talks had stalled.")
    assert art.statements[0].venue == "Telegram"
    assert art.statements[0].cue == "wrote"


def test_no_statement_without_attribution(enricher):
    art = enrich(enricher, "The river flooded three villages. Say what you want, the \"best\" is yet to come.")
    assert art.statements == []


def test_fallback_without_entities_step():
    """With no nd_entities, names come from spaCy's NER: the surname maps to the full name."""
    import spacy

    from newsdesk.enrich import nlp as nd_nlp
    from newsdesk.enrich.statements import extract_statements

    nlp = spacy.load(nd_nlp.MODEL)
    doc = nlp("General Oleksandr Pavliuk visited the front. "
              "\u201cThe line will hold,\u201d Pavliuk said. The ministry is calm, he added.")
    assert doc._.nd_entities is None
    got = extract_statements(doc)
    assert [s.source for s in got] == ["Oleksandr Pavliuk", "Oleksandr Pavliuk"]
    assert [s.kind for s in got] == ["direct", "reported"]


def test_cue_lexicon_breadth():
    from newsdesk.enrich.statements import cue_lexicon
    lex = cue_lexicon()
    for verb in ("say", "tell", "add", "announce", "emphasize", "stress", "claim", "state",
                 "report", "note", "warn", "deny", "insist", "confirm", "explain", "accuse",
                 "write", "tweet", "argue"):
        assert verb in lex
    assert len(lex) >= 80


def test_cue_classes_from_wordnet_table():
    """Verbs of communication come from the shipped WordNet table, not the hand list; its
    cognition verbs are not cues ("accept" would be)."""
    from newsdesk.enrich.resolve import read_table
    from newsdesk.enrich.statements import cue_lexicon
    table = {r[0]: r[1] for r in read_table("cue_classes.tsv")}
    hand = {r[0] for r in read_table("speech_cues.tsv")}
    assert set(table.values()) == {"communication", "cognition"}
    assert 100 <= len(table) <= 1000
    lex = cue_lexicon()
    for verb in ("say", "divulge", "asseverate"):
        assert verb not in hand and table[verb] == "communication" and lex[verb] == "speech"
    assert table["accept"] == "cognition" and "accept" not in lex


def test_class_table_verb_is_a_cue(enricher):
    art = enrich(enricher, "The minister divulged that the budget would be cut by a third.")
    s = art.statements[0]
    assert art.text[s.cue_start:s.cue_end] == "divulged"
    assert art.text[s.content_start:s.content_end].startswith("the budget would be cut")


def test_it_resolves_to_last_organisation(enricher):
    art = enrich(enricher, "The World Bank released a report on Monday. "
                           "It said that growth would slow to 2 percent.")
    s = art.statements[0]
    assert s.source == "World Bank"
    assert art.text[s.source_start:s.source_end] == "It"


def test_statement_own_date(enricher):
    art = enrich(enricher, "Mayor Anna Kovacs said on Monday that the bridge would reopen.",
                 published="2024-03-10T10:00")
    s = art.statements[0]
    assert s.date is not None and s.date.startswith("2024-03")
    art = enrich(enricher, "Mayor Anna Kovacs said that the bridge would reopen.")
    assert art.statements[0].date is None


def test_parenthesised_attribution(enricher):
    art = enrich(enricher, "(Russia attacked Kyiv, officials said.)")
    s = art.statements[0]
    assert s.content == "Russia attacked Kyiv"
    assert [e.attributed_to for e in art.events] == ["officials"]


def test_dash_byline_and_transcript_speaker(enricher):
    art = enrich(enricher, "“We have waited for this bridge for thirty years.” ― Maria Silva\n\n"
                           "HOLT: Do you support the plan?\n")
    kinds = {(s.cue, s.kind) for s in art.statements}
    assert ("―", "direct") in kinds
    dash = [s for s in art.statements if s.cue == "―"][0]
    assert dash.source == "Maria Silva" and "thirty years" in dash.content
    holt = [s for s in art.statements if s.cue == ":"]
    assert holt and holt[0].content.startswith("Do you support")


def test_quote_continued_and_running_on(enricher):
    text = ("“The first paragraph of a long statement goes here.\n\n"
            "“And the second paragraph ends the quote,” said Ivan Petrenko.\n\n"
            "“A later quote follows on its own.”\n\n"
            "The council met on Friday. “An unattributed remark stands alone here.”")
    art = enrich(enricher, text)
    check_offsets(art)
    by_content = {s.content: s for s in art.statements}
    for part in ("The first paragraph of a long statement goes here.",
                 "And the second paragraph ends the quote",
                 "A later quote follows on its own."):
        assert by_content[part].source == "Ivan Petrenko"
        assert by_content[part].kind == "direct"
    assert not any("unattributed remark" in s.content for s in art.statements)


# -- broader attribution (PolNeAR-style): attitudes, nouns, in-text sources ---------------
BROAD = [
    # text, source (canonical), source span text, cue, words in content
    ("Senator Ruth Adler criticized the new farm subsidy plan.",
     "Ruth Adler", "Senator Ruth Adler", "criticized", ["farm subsidy plan"]),
    ("Mayor Anna Kovacs wants to close the old bridge next year.",
     "Anna Kovacs", "Mayor Anna Kovacs", "wants", ["close the old bridge"]),
    ("Mr. Clarke hoped the utilities would buy his credits.",
     "Clarke", "Mr. Clarke", "hoped", ["utilities would buy"]),
    ("The minister has also said that the budget is balanced.",
     "minister", "The minister", "has also said", ["budget is balanced"]),
    ("Robby Mook appeared on television, arguing that the debate was unfair.",
     "Robby Mook", "Robby Mook", "arguing", ["debate was unfair"]),
    # the possessive marker goes with the noun cue, as in PolNeAR
    ("Donald Trump’s claim that the vote was rigged drew criticism.",
     "Donald Trump", "Donald Trump", "’s claim", ["vote was rigged"]),
    ("Protesters were frustrated that the police released only part of the video.",
     "protesters", "Protesters", "were frustrated", ["police released"]),
    ("Activists called for an independent inquiry into the shooting.",
     "activists", "Activists", "called for", ["independent inquiry"]),
]


@pytest.mark.parametrize("text,source,span,cue,words", BROAD)
def test_broad_attribution(enricher, text, source, span, cue, words):
    art = enrich(enricher, text)
    check_offsets(art)
    got = [s for s in art.statements if s.cue == cue]
    assert got, art.statements
    s = got[0]
    assert norm(s.source) == norm(source)
    assert art.text[s.source_start:s.source_end] == span
    for w in words:
        assert w in s.content


def test_relative_pronoun_is_source_span(enricher):
    art = enrich(enricher, "Michael Flynn, who said the generals were right, spoke later.")
    s = [s for s in art.statements if s.cue == "said"][0]
    assert s.source == "Michael Flynn"
    assert art.text[s.source_start:s.source_end] == "who"
    # the nested attribution is not part of another source span
    assert all("who said" not in art.text[x.source_start:x.source_end]
               for x in art.statements if x.source_start is not None)


def test_hedge_inside_quote_is_not_attribution(enricher):
    art = enrich(enricher, '"I think we want to win this," the coach said.')
    assert [s.cue for s in art.statements] == ["said"]


# -- PolNeAR cue conventions and shapes (issue #5), on invented sentences -----------------------
CUE_SPANS = [
    # text, expected cue, words in content, words NOT in the cue
    ("Mayor Ana Ruiz said Friday that the library would reopen.",
     "said Friday", ["library would reopen"], ["that"]),
    ("Governor Ian Platt said in an interview with the Daily Courier that taxes would rise.",
     "said in an interview with the Daily Courier", ["taxes would rise"], ["that"]),
    ("The council has not immediately responded to the petition.",
     "has not immediately responded to", ["the petition"], []),
    ("Senator Mia Cole continued to call for a ban on the pesticide.",
     "continued to call for", ["ban on the pesticide"], []),
    ("The union leader Tom Reyes went on to explain that the strike would last a week.",
     "went on to explain", ["strike would last"], []),
    ("Dr. Hanna Berg is once again questioning the safety of the dam.",
     "is once again questioning", ["safety of the dam"], []),
]


@pytest.mark.parametrize("text,cue,words,not_in_cue", CUE_SPANS)
def test_cue_span_follows_polnear(enricher, text, cue, words, not_in_cue):
    art = enrich(enricher, text)
    check_offsets(art)
    got = [s for s in art.statements if s.cue == cue]
    assert got, [(s.cue, s.content) for s in art.statements]
    for w in words:
        assert w in got[0].content
    for w in not_in_cue:
        assert w not in got[0].cue.split()


def test_called_on_keeps_addressee_in_content(enricher):
    art = enrich(enricher, "Mayor Lidia Novak called on the governor to release the funds.")
    s = [s for s in art.statements if s.cue == "called on"][0]
    assert norm(s.source) == "lidia novak"
    assert s.content.startswith("the governor") and "release the funds" in s.content


def test_passive_judgment_and_agent(enricher):
    art = enrich(enricher, "The new levy is widely expected to raise prices. "
                           "The plan was first reported by the Harbor Gazette.")
    check_offsets(art)
    exp = [s for s in art.statements if s.cue == "is widely expected"]
    assert exp and exp[0].source is None and "raise prices" in exp[0].content
    rep = [s for s in art.statements if s.cue == "was first reported by"]
    assert rep and norm(rep[0].source) == "harbor gazette" and rep[0].content == "The plan"


def test_as_clause_attribution(enricher):
    art = enrich(enricher, "The bridge was closed for repairs, as the city engineer Paul Okafor said.")
    s = [s for s in art.statements if s.cue == "said"][0]
    assert "bridge was closed" in s.content and "Okafor" not in s.content
    assert norm(s.source) == "paul okafor"


def test_first_person_writer_outside_quotes(enricher):
    # an op-ed writer's own belief is attributed; the same words inside a quote are not
    art = enrich(enricher, "I believe the new school will change this town.")
    assert [s.cue for s in art.statements] == ["believe"]
    art = enrich(enricher, '"I believe the new school will change this town," Rosa Lind said.')
    assert [s.cue for s in art.statements] == ["said"]
    art = enrich(enricher, "Do you think the school will open on time?")
    assert art.statements == []


def test_nested_cue_inside_quote_dropped(enricher):
    art = enrich(enricher, '"You might ask why we waited so long," the director, Omar Haddad, said.')
    assert [s.cue for s in art.statements] == ["said"]


def test_possessive_nominal_attitude(enricher):
    art = enrich(enricher, "Critics questioned Maria Duarte's determination to close the old mine.")
    s = [s for s in art.statements if s.cue == "'s determination"]
    assert s and norm(s[0].source) == "maria duarte" and "close the old mine" in s[0].content


def test_fronted_relative_object(enricher):
    art = enrich(enricher, "The union bought a stake in the mill, which Ada Moss says she will keep open.")
    s = [s for s in art.statements if s.cue == "says"][0]
    assert norm(s.source) == "ada moss"
    assert s.content.startswith("she will keep open")


# -- light verbs, documents, stance predicates, raising verbs (issue 5) -----------------------
LIGHT = [
    # text, source span text, cue, content
    ("Senator Lena Park raised questions about the new toll road.",
     "Senator Lena Park", "raised questions about", "the new toll road"),
    ("The dockworkers' union voiced concern that the plant would close.",
     "The dockworkers' union", "voiced concern", "the plant would close"),
    ("The senator took offense at suggestions that she had misled voters.",
     "The senator", "took offense at", "suggestions that she had misled voters"),
    ("The ministry issued a statement calling the blockade illegal.",
     "The ministry", "issued a statement calling", "the blockade illegal"),
    ("Coach Dana Hill released a letter that says the team will relocate.",
     "Coach Dana Hill", "released a letter that says", "the team will relocate"),
    ("Governor Ellen Ruiz has been critical of the pipeline project.",
     "Governor Ellen Ruiz", "has been critical of", "the pipeline project"),
    ("Ellen Ruiz is a longtime opponent of the casino plan.",
     "Ellen Ruiz", "is a longtime opponent of", "the casino plan"),
    ("Ana Silva talked to reporters about the flood defenses.",
     "Ana Silva", "talked to reporters about", "the flood defenses"),
    ("“We are not done yet,” she said, referencing the stalled budget talks.",
     "she", "referencing", "the stalled budget talks"),
]


@pytest.mark.parametrize("text,span,cue,content", LIGHT)
def test_light_verb_document_and_stance_cues(enricher, text, span, cue, content):
    art = enrich(enricher, text)
    check_offsets(art)
    got = [s for s in art.statements if s.cue == cue]
    assert got, art.statements
    s = got[0]
    assert art.text[s.source_start:s.source_end] == span
    assert s.content == content


def test_place_and_addressee_are_not_content(enricher):
    # "at a rally" is where the pledge was made; "to reporters" who was spoken to
    for text in ("Mayor Ines Cole made the pledge at a rally in Tulsa.",
                 "Ana Silva spoke to reporters on Tuesday."):
        art = enrich(enricher, text)
        assert not [s for s in art.statements if "rally" in s.content or "reporters" in s.content
                    or "Tuesday" in s.content], art.statements


def test_raising_verb_unnamed_source(enricher):
    art = enrich(enricher, "The new stadium seems to be badly over budget.")
    got = [s for s in art.statements if s.cue == "seems"]
    assert got and got[0].source is None and got[0].source_start is None
    assert got[0].content.startswith("The new stadium") and got[0].content.endswith("over budget")
    # a causative's object and a free relative are no impressions of their own
    for text in ("The haircut made him seem kinder.", "What appeared to be a gun was a phone."):
        art = enrich(enricher, text)
        assert not [s for s in art.statements if s.cue in ("seem", "appeared")], art.statements


def test_possessive_marker_goes_with_noun_cue(enricher):
    art = enrich(enricher, "Ruth Adler's warning about the dam was ignored.")
    s = [s for s in art.statements if s.cue == "'s warning about"]
    assert s, art.statements
    assert art.text[s[0].source_start:s[0].source_end] == "Ruth Adler"
    assert s[0].content == "the dam"


def test_separator_is_no_content(enricher):
    art = enrich(enricher, "About a dozen people demonstrated outside the paper.\n\n___\n\nMore news.")
    assert not [s for s in art.statements if "___" in s.content]


def test_subject_across_paragraph_break(enricher):
    """A parse that takes a heading as the subject of the next paragraph's cue: the source is
    the noun phrase opening the cue's own paragraph."""
    from spacy.tokens import Doc
    from newsdesk.enrich.statements import extract_statements
    words = ["The", "Latest", ":", "\n\n", "Donald", "Trump", "says", "it", "rained", "."]
    doc = Doc(enricher.nlp.vocab, words=words,
              spaces=[True, False, False, False, True, True, True, True, False, False],
              heads=[1, 6, 1, 2, 5, 1, 6, 8, 6, 6],
              deps=["det", "nsubj", "punct", "dep", "compound", "appos", "ROOT", "nsubj", "ccomp", "punct"],
              pos=["DET", "PROPN", "PUNCT", "SPACE", "PROPN", "PROPN", "VERB", "PRON", "VERB", "PUNCT"],
              tags=["DT", "NNP", ":", "_SP", "NNP", "NNP", "VBZ", "PRP", "VBD", "."],
              lemmas=["the", "Latest", ":", "\n\n", "Donald", "Trump", "say", "it", "rain", "."])
    st = extract_statements(doc)
    assert [(doc.text[s.source_start:s.source_end], s.cue, s.content) for s in st] == \
        [("Donald Trump", "says", "it rained")]


@pytest.mark.parametrize("text, source", [
    ("Haitian police unions said the equipment had not arrived.", "Haitian police unions"),
    ("Several Caribbean countries said they would send police officers.", "Caribbean countries"),
    ("Ukrainian officials said the talks had failed.", "Ukrainian officials"),
])
def test_a_group_named_by_its_nationality_speaks_as_the_group(enricher, text, source):
    art = enrich(enricher, text)
    assert [s.source for s in art.statements] == [source]


def test_a_second_cue_coordinated_into_the_reported_clause_keeps_the_reporter(enricher):
    art = enrich(enricher, "The party leader said the protests were organised by radical groups and denied "
                           "that the law targeted journalists.")
    denied = [s for s in art.statements if s.cue.startswith("denied")]
    assert denied and norm(denied[0].source) == "party leader"


def test_it_inside_a_reported_clause_is_the_reporter(enricher):
    art = enrich(enricher, "The Eastern Command said its forces had trained. The port authority said ships "
                           "had been diverted and that it had asked the government to mediate.")
    asked = [s for s in art.statements if "asked" in s.cue]
    assert asked and norm(asked[0].source) == "port authority"
    request = [e for e in art.events if e.type == "REQUEST"]
    assert request and request[0].actors == ["port authority"]


@pytest.mark.parametrize("dateline", ["TROMSØ, Norway — ", "LONDON (Reuters) - ", "KYIV — "])
def test_a_dateline_is_no_part_of_the_first_sentence(enricher, dateline):
    text = dateline + "Officials from both countries will meet next week to set fishing quotas, the ministry said."
    art = enrich(enricher, text)
    said = [s for s in art.statements if s.cue == "said"]
    assert said and norm(said[0].source) == "ministry"
    assert art.text[said[0].content_start:said[0].content_end].startswith("Officials from")


def test_a_line_break_starts_a_sentence():
    from newsdesk.enrich.nlp import load_nlp
    doc = load_nlp(("entities",))("Lithuania holds civil defence drill in Vilnius\nLithuanian authorities held "
                                  "an exercise in Vilnius on Wednesday.")
    starts = [t.text for t in doc if t.is_sent_start]
    assert "Lithuanian" in starts


def test_guillemets_are_quote_marks_not_sources(enricher):
    art = enrich(enricher, "«We have waited two years for a fair agreement,» a union delegate told reporters.")
    assert [norm(s.source) for s in art.statements] == ["a union delegate"]
    assert art.statements[0].kind == "direct"


@pytest.mark.parametrize("text, sources", [
    ("Officials said the next resupply mission would go ahead as planned.", ["Officials"]),
    ("The commissions said experts would gather “within the coming weeks” to agree on procedures.",
     ["commissions"]),
    ("Residents of Kherson said the shelling continued all night.", ["Residents of Kherson"]),
])
def test_no_speaker_is_made_up(enricher, text, sources):
    art = enrich(enricher, text)
    assert [s.source for s in art.statements] == sources


def test_a_date_is_never_a_venue():
    """A date or weekday the tagger may take for an organisation is not where a thing was said."""
    import spacy

    from newsdesk.enrich import nlp as nd_nlp
    from newsdesk.enrich.statements.context import _Ctx

    doc = spacy.load(nd_nlp.MODEL)("The ministry spoke on Wednesday to Reuters.")
    ctx = _Ctx(doc)
    wed = next(t for t in doc if t.text == "Wednesday")
    reuters = next(t for t in doc if t.text == "Reuters")
    assert ctx._venue_name(wed) is None
    assert ctx._venue_name(reuters) == "Reuters"


def test_an_institution_of_a_place_is_named_by_its_whole_phrase(enricher):
    """"Norway's fisheries ministry" speaks, not Norway; a person named after the place keeps
    their own name."""
    art = enrich(enricher, "Norway's fisheries ministry said on Wednesday that cod quotas would fall. "
                           "Germany's Olaf Scholz said that the talks would go on.")
    assert [s.source for s in art.statements] == ["Norway's fisheries ministry", "Olaf Scholz"]


def test_a_named_speaker_before_a_colon_opens_a_statement(enricher):
    art = enrich(enricher, "Bernie Sanders: Clinton needs to get away from personality politics\n\n"
                           "Budget: the plan adds two billion in spending.")
    colon = [s for s in art.statements if art.text[s.cue_start:s.cue_end] == ":"]
    assert len(colon) == 1   # "Budget" names nobody
    s = colon[0]
    assert art.text[s.source_start:s.source_end] == "Bernie Sanders"
    assert art.text[s.content_start:s.content_end].startswith("Clinton needs")
