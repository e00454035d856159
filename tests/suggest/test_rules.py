"""The rules suggester (no model) on speech tags of wire copy, on our own fictional sentences:
each case failed before the pattern that reads it."""

from __future__ import annotations

import pytest

from suggest.rules import find_attributions


def attributions(text: str) -> list[tuple[str, str | None, str | None]]:
    """(quote, speaker, cue) of every attribution found in ``text``."""
    out = []
    for att in find_attributions(text).attributions:
        quote = " … ".join(text[s:e] for s, e in att.content).rstrip(",;")  # as proposed
        speaker = text[att.speaker[0]:att.speaker[1]] if att.speaker else None
        cue = text[att.cue[0][0]:att.cue[0][1]] if att.cue else None
        out.append((quote, speaker, cue))
    return out


@pytest.mark.parametrize("text, expected", [
    # a lower-case title before the name
    ("“We will not talk,” opposition leader Petra Olm said.",
     ("We will not talk", "opposition leader Petra Olm", "said")),
    # the verb first, the name in apposition, the full stop left out of the name
    ("“The port stays shut,” said the defence minister, Ulla Strand.",
     ("The port stays shut", "the defence minister, Ulla Strand", "said")),
    ("“The port stays shut,” said Olm.", ("The port stays shut", "Olm", "said")),
    ("“The port stays shut,” said Wallace Jr.", ("The port stays shut", "Wallace Jr.", "said")),
    # the typewriter marks of wire copy
    ("''The port stays shut,'' Mr. Olm said.", ("The port stays shut", "Mr. Olm", "said")),
    # a bare plural as the source of a statement it follows
    ("The tolls are illegal, legal experts said.",
     ("The tolls are illegal", "legal experts", "said")),
    # whom it was told to, then the content after "that"
    ("Voss told the ruling party congress that the port would stay shut.",
     ("the port would stay shut", "Voss", "told")),
])
def test_speech_tags_of_wire_copy(text: str, expected: tuple[str, str, str]) -> None:
    assert expected in attributions(text)


def test_a_preposition_and_a_name_after_the_verb_are_no_speaker() -> None:
    text = "The city will close the metro line, said on Monday a statement from the port."
    assert all(speaker != "on Monday" for _, speaker, _ in attributions(text))
