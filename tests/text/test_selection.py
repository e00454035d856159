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


def test_snap_drops_spaces_and_marks_but_keeps_the_quoted_punctuation() -> None:
    start = SENTENCE.index(" will")
    end = SENTENCE.index("yield,”") + len("yield,” ")
    # the comma is inside the quotation marks: it is part of the quote
    assert snapped(SENTENCE, start, end) == "will not yield,"
    start = SENTENCE.index("“We")
    assert snapped(SENTENCE, start, end) == "We will not yield,"
    start = SENTENCE.index("“not")
    assert snapped(SENTENCE, start, len(SENTENCE)) == "not one metre."


def test_snap_drops_the_comma_after_a_dragged_name() -> None:
    start = SENTENCE.index("Aldric")
    assert snapped(SENTENCE, start, SENTENCE.index("said,") + 6) == "Aldric Varnay said"


def test_snap_keeps_editorial_brackets_and_nested_quotes() -> None:
    text = "Relling said “[Ardova] has asked whether the ‘road map’ is ready?” and left."
    start = text.index("[Ardova]")
    end = text.index("ready?") + len("ready?")
    assert snapped(text, start, end) == "[Ardova] has asked whether the ‘road map’ is ready?"
    assert snapped(text, start + 1, end) == "Ardova] has asked whether the ‘road map’ is ready?"
    assert snapped(text, text.index("‘road"), text.index(" is ready")) == "road map"
    assert snapped(text, text.index("‘road"), text.index("ready")) == "‘road map’ is"
    assert snapped("In the U.S. today", 3, 11) == "the U.S."


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


words = st.text(alphabet=st.sampled_from(list("ab é\u0301,.“”'’-😀外\n[]")), max_size=30)


def _in_word(text: str, index: int) -> bool:
    return 0 <= index < len(text) and (
        is_word_char(text[index]) or (text[index] in "'’-" and 0 < index < len(text) - 1
                                      and is_word_char(text[index - 1])
                                      and is_word_char(text[index + 1])))


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
    assert not text[snapped_start].isspace() and not text[snapped_end - 1].isspace()
    # every word character selected stays selected
    selected_words = [i for i in range(start, end) if _in_word(text, i)]
    assert snapped_start <= selected_words[0] and selected_words[-1] < snapped_end
    # beyond the selection it only completes a cut word
    assert all(_in_word(text, i) for i in range(snapped_start, start))
    assert all(_in_word(text, i) for i in range(end, snapped_end))
    # never cuts a word
    assert not (_in_word(text, snapped_start - 1) and _in_word(text, snapped_start))
    assert not (_in_word(text, snapped_end - 1) and _in_word(text, snapped_end))


quoted_body = st.text(alphabet=st.sampled_from(list("ab é\u0301,.?![]😀外\U0001d400")),
                      min_size=1, max_size=25).filter(
    lambda body: body == body.strip() and any(is_word_char(c) for c in body)
    and body[0] not in ",.?!]" and "[]" not in body)
marks = st.sampled_from([("“", "”"), ("„", "“"), ("„", "”"), ("«", "»"), ("« ", " »"),
                         ('"', '"'), ('"', "”"), ("‘", "’"), ("»", "«"), ("「", "」")])
around = st.sampled_from(["He said ", "Er sagte: ", "", "\r\n", "a, "])
after = st.sampled_from([" he said.", ", she said.", "", ".\r\nNext", " \u2014 no"])


@given(around, marks, quoted_body, after, st.data())
def test_inside_quotes_and_snap_store_everything_between_the_marks(
        before: str, pair: tuple[str, str], body: str, tail: str,
        data: st.DataObject) -> None:
    text = before + pair[0] + body + pair[1] + tail
    start = len(before) + len(pair[0])
    end = start + len(body)
    offset = data.draw(st.integers(start, end))
    assert inside_quotes(text, offset) == (start, end)
    # from a selection inside, or one that includes the marks
    inner = data.draw(st.integers(start, end))
    assert inside_quotes(text, min(offset, inner), max(offset, inner)) == (start, end)
    assert inside_quotes(text, len(before), end + len(pair[1])) == (start, end)
    # what Ctrl+' highlights, snapping keeps as it is; a drag over the marks too
    assert snap_to_words(text, start, end) == (start, end)
    assert snap_to_words(text, len(before), end + len(pair[1])) == (start, end)


@pytest.mark.parametrize(("text", "inner"), [
    ("Ardova urged them to \"stop the war” before winter.", "stop the war"),
    ("Ardova urged them to “stop the war\" before winter.", "stop the war"),
    ("Il a dit « nous restons ici » hier.", "nous restons ici"),
    ("Er sagte „wir bleiben hier“ heute.", "wir bleiben hier"),
    ("“He said ‘no, never’ twice,” she wrote.", "no, never"),
    ("She said 'we stay' and the leaders' plan won't do.", "we stay"),
])
def test_inside_quotes_with_mismatched_and_mixed_marks(text: str, inner: str) -> None:
    start = text.index(inner)
    assert inside_quotes(text, start + 1) == (start, start + len(inner))
    assert inside_quotes(text, start + 1, start + 3) == (start, start + len(inner))
