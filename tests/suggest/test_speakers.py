"""suggest/speakers.py: who said it, ranked, on our own fictional sentences."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from suggest.speakers import (
    Candidate,
    find_typed,
    guess_kind,
    looks_like_quote,
    paragraph_number,
    quote_fragments,
    speaker_candidates,
)


@dataclass(frozen=True)
class Span:
    id: int
    label: str
    fragments: tuple[tuple[int, int], ...]
    entity_id: int | None = None


@dataclass(frozen=True)
class Relation:
    type: str
    source_id: int
    target_id: int


@dataclass(frozen=True)
class Actor:
    id: int
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


def at(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def texts(candidates: list[Candidate]) -> list[str]:
    return [c.text for c in candidates]


def test_x_said_after_the_quote_comes_first() -> None:
    text = ("Harbour strike\n\n“The cranes stay still until Friday,” union leader Maren Solt "
            "told dockers in Brisk. Port director Ivo Kell was not available.")
    found = speaker_candidates(text, [at(text, "The cranes stay still until Friday,")])
    assert found[0].text == "union leader Maren Solt" or found[0].text == "Maren Solt"
    assert found[0].pattern == "X said" and not found[0].marked
    assert found[0].kind == "person"
    assert "Ivo Kell" in texts(found) or "Port director Ivo Kell" in texts(found)


def test_said_x_and_according_to_x() -> None:
    text = ("“Prices will fall by spring,” said Odile Farr, an economist at Tessel Bank.\n\n"
            "According to Farr, the harbour tax was “a mistake from the start.”")
    first = speaker_candidates(text, [at(text, "Prices will fall by spring,")])
    assert (first[0].text, first[0].pattern) == ("Odile Farr", "said X")
    second = speaker_candidates(text, [at(text, "a mistake from the start.")])
    assert (second[0].text, second[0].pattern) == ("Farr", "according to X")
    assert second[0].paragraph == 2
    assert first[0].paragraph == 1


def test_x_at_the_place_said() -> None:
    text = ("Harbour officials insisted the fee was fair. “Rules are rules,” a port clerk at "
            "the harbour office said, asking not to be named.")
    found = speaker_candidates(text, [at(text, "Rules are rules,")])
    assert (found[0].text, found[0].pattern) == ("a port clerk", "X said")
    office = next(c for c in found if c.text == "the harbour office")
    assert office.pattern == ""


def test_said_x_followed_by_a_verb_is_content_not_a_speaker() -> None:
    text = ("A senior aide, speaking on condition of anonymity because he was not allowed "
            "to talk, said the governor had been “livid” all week.")
    found = speaker_candidates(text, [at(text, "livid")])
    assert found[0].text == "A senior aide" and found[0].pattern == "X … said"
    governor = next(c for c in found if c.text == "the governor")
    assert governor.pattern == ""


def test_told_x_is_the_addressee_and_in_x_said_is_a_place() -> None:
    text = ("“We will appeal,” Lena Voss told the Brisk Courier.\n\n"
            "Traders in Brisk said the ruling was “harsh but expected.”")
    found = speaker_candidates(text, [at(text, "We will appeal,")])
    assert found[0].text == "Lena Voss"
    courier = [c for c in found if "Courier" in c.text]
    assert courier and all(c.pattern == "" for c in courier)
    second = speaker_candidates(text, [at(text, "harsh but expected.")])
    brisk = [c for c in second if c.text == "Brisk" and c.paragraph == 2]
    assert brisk and brisk[0].pattern == ""
    assert second[0].text == "Traders"


def test_marked_mentions_win_over_the_same_words_unmarked_and_carry_their_actor() -> None:
    text = "“No deal tonight,” Mayor Ilse Dorrin said. Dorrin left at nine."
    mayor = at(text, "Mayor Ilse Dorrin")
    spans = [Span(1, "Quote", (at(text, "No deal tonight,"),)),
             Span(2, "Actor", (mayor,), entity_id=7)]
    found = speaker_candidates(text, spans[0].fragments, spans, quote_id=1)
    assert found[0].span_id == 2 and found[0].entity_id == 7
    # no unmarked duplicate overlapping the marked mention
    assert not any(c.span_id is None and c.start < mayor[1] and mayor[0] < c.end
                   for c in found)
    only_marked = speaker_candidates(text, spans[0].fragments, spans, quote_id=1,
                                     unmarked=False)
    assert [c.span_id for c in only_marked] == [2]


def test_the_paragraphs_previous_speaker_comes_before_other_mentions() -> None:
    text = ("“We close the gates at six,” Warden Pell Osk said on Monday, "
            "turning to the guard Tam Brun. “Nobody gets in after that.”")
    first = at(text, "We close the gates at six,")
    second = at(text, "Nobody gets in after that.")
    osk = at(text, "Warden Pell Osk")
    spans = [Span(1, "Quote", (first,)), Span(2, "Quote", (second,)),
             Span(3, "Actor", (osk,)), Span(4, "Actor", (at(text, "Tam Brun"),))]
    found = speaker_candidates(text, [second], spans, [Relation("speaker", 1, 3)],
                               quote_id=2)
    assert found[0].span_id == 3 and found[0].rank <= 1
    # the relations may come as a mapping by id, as the window keeps them
    by_id = speaker_candidates(text, [second], spans, {9: Relation("speaker", 1, 3)},
                               quote_id=2)
    assert list(by_id) == list(found)


def test_far_marked_mentions_rank_by_distance_between_near_ones_and_the_quote() -> None:
    paragraph = "Tam Brun spoke to Ivo Kell at the gate."
    text = "\n\n".join([paragraph] * 30 + ["“We close at six, Ola Wren,” Sela Dunn said."]
                       + [paragraph] * 30)
    spans = []
    for index, match_start in enumerate(
            i for i in range(len(text)) if text.startswith(("Tam Brun", "Ivo Kell"), i)):
        spans.append(Span(index + 10, "Actor", ((match_start, match_start + 8),)))
    quote = at(text, "We close at six, Ola Wren,")
    found = speaker_candidates(text, [quote], spans)
    assert found[0].text == "Sela Dunn" and found[-1].text == "Ola Wren"
    assert len(found) == len(list(found)) == len(spans) + 2
    far = [c for c in found if c.rank == 6]
    assert far and all(c.marked and c.pattern == "" for c in far)
    distances = [c.distance for c in far]
    assert distances == sorted(distances)
    # read twice, the same objects; negative indexes and slices work
    assert found[5] is found[5] and found[-1] is found[len(found) - 1]
    assert found[1:3] == [found[1], found[2]]
    assert far[0].context in ("[Tam Brun] spoke to Ivo Kell…",
                              "Tam Brun spoke to [Ivo Kell] at the gate.")


def test_actors_inside_the_quote_come_last() -> None:
    text = "“Even Arlo Venn cannot stop this,” Nadia Prell said."
    quote = at(text, "Even Arlo Venn cannot stop this,")
    found = speaker_candidates(text, [quote])
    assert found[0].text == "Nadia Prell"
    assert found[-1].text == "Arlo Venn" and found[-1].inside_quote


def test_pronouns_descriptions_and_registry_aliases_are_offered() -> None:
    text = ("The Tessel president warned the council again.\n\n"
            "“This is the last offer,” she said. The Chief had left the room.")
    registry = [Actor(5, "Ysolde Marr", "person", ("the Chief",))]
    found = speaker_candidates(text, [at(text, "This is the last offer,")],
                               registry=registry)
    assert found[0].text == "she" and found[0].source == "pronoun"
    shown = {c.text: c for c in found}
    assert shown["The Tessel president"].source == "description"
    assert shown["The Chief"].entity_id is None or shown["The Chief"].entity_id == 5
    chief = [c for c in found if c.entity_id == 5]
    assert chief and chief[0].kind == "person"


def test_context_shows_a_few_words_and_the_paragraph() -> None:
    text = ("Weather desk\n\nSnow is due tonight, Ansel Brack said.\n\n"
            "“Stay home,” Ansel Brack said.")
    found = speaker_candidates(text, [at(text, "Stay home,")])
    twins = [c for c in found if c.text == "Ansel Brack"]
    assert [c.paragraph for c in twins] == [3, 2]
    assert twins[0].context == "“Stay home,” [Ansel Brack] said."
    assert twins[1].before == "Snow is due tonight, " and twins[1].after == " said."


def test_guess_kind() -> None:
    assert guess_kind("Prime Minister Selka Dorn") == "person"
    assert guess_kind("Ivo Kell") == "person"
    assert guess_kind("she") == "person"
    assert guess_kind("the foreign ministry") == "organisation"
    assert guess_kind("Brisk Harbour Council") == "organisation"
    assert guess_kind("analysts") == "group"
    assert guess_kind("the Amber Palace") is None
    assert guess_kind("Tessel") is None
    assert guess_kind("Tessel", text="Talks in Tessel went on.") == "state"
    assert guess_kind("Kell", text="Port director Ivo Kell left.") == "person"
    assert guess_kind("the Chief", [Actor(5, "Ysolde Marr", "organisation",
                                          ("the Chief",))]) == "organisation"


def test_looks_like_quote() -> None:
    text = "“Even Arlo Venn cannot stop this,” Nadia Prell said."
    assert looks_like_quote(text, *at(text, "Even Arlo Venn cannot stop this,"))
    assert looks_like_quote(text, *at(text, "Arlo Venn cannot stop this"))
    assert not looks_like_quote(text, *at(text, "Arlo Venn"))
    assert not looks_like_quote(text, *at(text, "Nadia Prell"))
    assert looks_like_quote(text, *at(text, "“Even Arlo Venn cannot stop this,”"))


def test_quote_fragments_split_at_the_attribution() -> None:
    text = "\"We hold the line,\" Dara Quill said, \"and we hold it tonight.\" Then she left."
    whole = at(text, "We hold the line,\" Dara Quill said, \"and we hold it tonight.")
    assert quote_fragments(text, *whole) == [at(text, "We hold the line,"),
                                             at(text, "and we hold it tonight.")]
    with_marks = (whole[0] - 1, whole[1] + 1)
    assert quote_fragments(text, *with_marks) == quote_fragments(text, *whole)
    curly = "„Wir bleiben“, sagte Ola Brandt, „bis morgen.“ Dann ging sie. “Don’t go,” I said."
    assert quote_fragments(curly, *at(curly, "Wir bleiben“, sagte Ola Brandt, „bis morgen.")) \
        == [at(curly, "Wir bleiben"), at(curly, "bis morgen.")]
    # an apostrophe is not a closing mark
    assert quote_fragments(curly, *at(curly, "Don’t go,")) == [at(curly, "Don’t go,")]
    assert quote_fragments(text, *at(text, "Then she left.")) == [at(text, "Then she left.")]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(
    ["Ansel", " ", "said", "“", "”", "\"", "’", ", ", ". ", "🌊", "e\u0301", "\r\n"]),
    min_size=1, max_size=30), st.data())
def test_quote_fragments_stay_inside_the_selection(pieces: list[str],
                                                   data: st.DataObject) -> None:
    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    fragments = quote_fragments(text, start, end)
    for (a, b), following in zip(fragments, [*fragments[1:], None], strict=False):
        assert start <= a < b <= end
        assert not text[a].isspace() and not text[b - 1].isspace()
        if following is not None:
            assert b < following[0]


def test_find_typed_nearest_whole_words_first() -> None:
    text = "Kell spoke first. “Enough,” said Ivo kell. Kellner agreed."
    quote = [at(text, "Enough,")]
    assert find_typed(text, "kell", quote) == [at(text, "kell"), at(text, "Kell")]
    assert find_typed(text, "  ", quote) == []


def test_paragraph_number_skips_blank_lines() -> None:
    text = "Title\n\nFirst.\r\n\r\nSecond."
    assert paragraph_number(text, 0) == 1
    assert paragraph_number(text, text.index("First")) == 2
    assert paragraph_number(text, text.index("Second")) == 3


def test_the_module_does_not_import_qt() -> None:
    code = "import sys, suggest.speakers; assert 'PySide6' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


_PIECES = st.sampled_from([
    "Ansel Brack", "said", "she", "the minister", "“", "”", " ", ", ", ". ", "\n\n", "\r\n",
    "🌊", "é", "e\u0301", "Zoë", "analysts", "according to", "told", "Brisk", "«", "»",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, min_size=3, max_size=40), st.data())
def test_candidates_are_real_mentions_with_sane_offsets(pieces: list[str],
                                                        data: st.DataObject) -> None:
    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    found = speaker_candidates(text, [(start, end)])
    ranks = [c.rank for c in found]
    assert ranks == sorted(ranks)
    for candidate in found:
        assert 0 <= candidate.start < candidate.end <= len(text)
        assert text[candidate.start:candidate.end] == candidate.text
        assert candidate.inside_quote == (start <= candidate.start and candidate.end <= end)
        assert (candidate.rank == 9) == candidate.inside_quote
        assert candidate.paragraph >= 1
        assert "\n" not in candidate.context and "\r" not in candidate.context
    assert len({(c.start, c.end) for c in found}) == len(found)
