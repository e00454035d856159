"""Selection helpers: word snapping, quotation contents, word steps (Qt-free)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from text.selection import (
    adjust_by_word,
    inside_quotes,
    is_word_char,
    next_word_end,
    next_word_start,
    previous_word_end,
    previous_word_start,
    snap_to_words,
    word_at,
)

SENTENCE = "“We will not yield,” President Aldric Varnay said, “not one metre.”"


def snapped(text: str, start: int, end: int) -> str | None:
    found = snap_to_words(text, start, end)
    return None if found is None else text[found[0]:found[1]]


def test_snap_drops_spaces_and_punctuation_around_the_selection() -> None:
    start = SENTENCE.index(" will")
    end = SENTENCE.index("yield,”") + len("yield,” ")
    assert snapped(SENTENCE, start, end) == "will not yield"


def test_snap_widens_a_selection_that_cuts_words() -> None:
    start = SENTENCE.index("sident")
    end = SENTENCE.index("Aldric") + 3
    assert snapped(SENTENCE, start, end) == "President Aldric"


def test_snap_keeps_punctuation_between_words() -> None:
    start = SENTENCE.index("Varnay")
    end = SENTENCE.index("not one") + 3
    assert snapped(SENTENCE, start, end) == "Varnay said, “not"


def test_snap_of_only_spaces_or_punctuation_is_none() -> None:
    assert snap_to_words(SENTENCE, 0, 1) is None  # the opening mark alone
    assert snap_to_words("a , b", 1, 4) is None
    assert snap_to_words(SENTENCE, 5, 5) is None


def test_snap_accepts_reversed_offsets() -> None:
    start, end = SENTENCE.index("Aldric"), SENTENCE.index("Aldric") + 6
    assert snap_to_words(SENTENCE, end, start) == (start, end)


def test_snap_keeps_combining_marks_apostrophes_and_hyphens_in_words() -> None:
    text = "Zoe\u0301 didn’t see the Franco-Velmoran pact."
    assert snapped(text, 0, 2) == "Zoe\u0301"
    assert snapped(text, text.index("didn") + 1, text.index("didn") + 2) == "didn’t"
    middle = text.index("Velmoran") + 2
    assert snapped(text, middle, middle + 1) == "Franco-Velmoran"


def test_snap_handles_cjk_and_emoji() -> None:
    text = "😀 外交部 said 😀"
    assert snapped(text, 0, len(text)) == "外交部 said"


def test_offsets_outside_the_text_are_refused() -> None:
    with pytest.raises(ValueError, match="outside the text"):
        snap_to_words("abc", 0, 4)
    with pytest.raises(ValueError, match="outside the text"):
        inside_quotes("abc", -1)


def test_word_at() -> None:
    assert word_at(SENTENCE, SENTENCE.index("Aldric") + 2) == (
        SENTENCE.index("Aldric"), SENTENCE.index("Aldric") + 6)
    end_of_said = SENTENCE.index("said") + 4
    assert word_at(SENTENCE, end_of_said) == (end_of_said - 4, end_of_said)
    assert word_at("a  b", 2) is None


def test_word_steps() -> None:
    text = "one, two three"
    assert next_word_end(text, 0) == 3
    assert next_word_end(text, 3) == 8
    assert previous_word_end(text, 8) == 3
    assert previous_word_end(text, 3) == 0
    assert next_word_start(text, 0) == 5
    assert previous_word_start(text, 9) == 5
    assert previous_word_start(text, 5) == 0
    assert next_word_end(text, len(text)) == len(text)


def test_adjust_by_word_moves_one_boundary_and_never_empties() -> None:
    text = "one, two three four"
    two = (text.index("two"), text.index("two") + 3)
    assert adjust_by_word(text, *two, "end", 1) == (two[0], text.index("three") + 5)
    assert adjust_by_word(text, *two, "start", -1) == (0, two[1])
    assert adjust_by_word(text, *two, "end", -1) == two  # would be empty
    assert adjust_by_word(text, *two, "start", 1) == two


@pytest.mark.parametrize(("text", "inner"), [
    ("He said “we stay” today.", "we stay"),
    ("Er sagte „wir bleiben“ heute.", "wir bleiben"),
    ("Hij zei „wij blijven” vandaag.", "wij blijven"),
    ("Il a dit « nous restons » hier.", "nous restons"),
    ("Er sagte »wir bleiben« heute.", "wir bleiben"),
    ("He said ‘we stay’ today.", "we stay"),
    ('He said "we stay" today.', "we stay"),
    ("He said 'we stay' today.", "we stay"),
    ("他说「我们留下」。", "我们留下"),
])
def test_inside_quotes_for_each_kind_of_mark(text: str, inner: str) -> None:
    offset = text.index(inner) + 2
    found = inside_quotes(text, offset)
    assert found is not None
    assert text[found[0]:found[1]] == inner


def test_inside_quotes_prefers_the_innermost_pair() -> None:
    text = "“He told me ‘never again’ twice,” she said."
    assert text[slice(*inside_quotes(text, text.index("never")))] == "never again"
    assert text[slice(*inside_quotes(text, text.index("told")))] == (
        "He told me ‘never again’ twice,")


def test_inside_quotes_ignores_apostrophes() -> None:
    text = "She said 'we don't stay' and left."
    assert text[slice(*inside_quotes(text, text.index("stay")))] == "we don't stay"
    text = "“It’s over,” he said."
    assert text[slice(*inside_quotes(text, text.index("over")))] == "It’s over,"


def test_inside_quotes_from_just_before_the_opening_mark() -> None:
    offset = SENTENCE.index("“not")
    assert SENTENCE[slice(*inside_quotes(SENTENCE, offset))] == "not one metre."


def test_inside_quotes_outside_any_quotation() -> None:
    assert inside_quotes(SENTENCE, SENTENCE.index("Aldric")) is None
    assert inside_quotes("no marks here", 3) is None
    assert inside_quotes("“”", 1) is None  # empty quotation


def test_inside_quotes_stays_in_its_paragraph() -> None:
    text = "“Open quote without end\nNext paragraph” here"
    assert inside_quotes(text, text.index("Next")) is None


words = st.text(alphabet=st.sampled_from(list("ab é\u0301,.“”'’-😀外\n")), max_size=30)


@given(words, st.data())
def test_snap_properties(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    found = snap_to_words(text, start, end)
    if found is None:
        assert not any(is_word_char(char) for char in text[start:end])
        return
    snapped_start, snapped_end = found
    assert snapped_start < snapped_end
    assert snap_to_words(text, snapped_start, snapped_end) == found  # idempotent
    assert is_word_char(text[snapped_start]) and is_word_char(text[snapped_end - 1])
    # Never cuts a word: the characters just outside are not word characters.
    assert snapped_start == 0 or not is_word_char(text[snapped_start - 1])
    assert snapped_end == len(text) or not is_word_char(text[snapped_end])
