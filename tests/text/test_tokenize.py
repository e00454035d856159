"""The shared tokeniser and sentence splitter."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from text.tokenize import paragraph_segments, paragraphs, sentences, tokenize

PIECES = st.sampled_from([
    "Varnay", "said", "Mr.", "Dr.", "Gen.", "U.S.", "J.", "3.5", "don't", " ", "  ", "\n",
    "\r\n", "\n\n", "\r\n\r\n", ".", "!", "?", "…", "“", "”", ",", "😀", "👍🏽",
    "👨\u200d👩\u200d👧", "e\u0301", "\u0301", "中文", "。", "مرحبا", "שלום", "\t", "_x",
])
TEXTS = st.lists(PIECES, max_size=30).map("".join) | st.text(max_size=40)


def texts_of(text: str) -> list[str]:
    return [t.text for t in tokenize(text)]


def test_words_punctuation_and_numbers() -> None:
    assert texts_of("“We will not yield,” he said. It's 3.5% of 1,000!") == [
        "“", "We", "will", "not", "yield", ",", "”", "he", "said", ".", "It's", "3.5", "%",
        "of", "1,000", "!"]


def test_marks_emoji_sequences_and_cjk_stay_whole() -> None:
    assert texts_of("cafe\u0301s 👨\u200d👩\u200d👧 👍🏽 中文。") == [
        "cafe\u0301s", "👨\u200d👩\u200d👧", "👍🏽", "中", "文", "。"]


def test_sentences_end_at_terminators_before_capitals_and_newlines() -> None:
    text = "He left. She stayed! Why? “Now.” Then\nthe end... ok. Next"
    assert [text[s.start:s.end] for s in sentences(text)] == [
        "He left.", "She stayed!", "Why?", "“Now.”", "Then\nthe end... ok.", "Next"]


def test_abbreviations_and_initials_do_not_split() -> None:
    text = "Mr. Varnay met Gen. Ordo and J. Smith. Dr. Lee said no."
    assert [text[s.start:s.end] for s in sentences(text)] == [
        "Mr. Varnay met Gen. Ordo and J. Smith.", "Dr. Lee said no."]


def test_paragraphs_always_end_sentences() -> None:
    text = "Title without stop\r\n\r\nA body line\n  \nlast"
    assert [text[a:b] for a, b in paragraphs(text)] == [
        "Title without stop", "A body line", "last"]
    assert [text[s.start:s.end] for s in sentences(text)] == [
        "Title without stop", "A body line", "last"]


def test_caseless_scripts_start_sentences() -> None:
    text = "She said so. مرحبا بالعالم. שלום. 中文很好。她说了。"
    assert [text[s.start:s.end] for s in sentences(text)] == [
        "She said so.", "مرحبا بالعالم.", "שלום.", "中文很好。", "她说了。"]


@settings(max_examples=200)
@given(TEXTS)
def test_tokens_cover_every_visible_character_exactly_once(text: str) -> None:
    tokens = tokenize(text)
    covered = [False] * len(text)
    previous_end = 0
    for token in tokens:
        assert token.start >= previous_end and token.end > token.start
        assert text[token.start:token.end] == token.text
        assert not any(ch.isspace() for ch in token.text)
        for index in range(token.start, token.end):
            covered[index] = True
        previous_end = token.end
    for index, char in enumerate(text):
        assert covered[index] or char.isspace()


@settings(max_examples=200)
@given(TEXTS)
def test_sentences_partition_the_tokens_and_respect_paragraphs(text: str) -> None:
    found = sentences(text)
    assert [t for s in found for t in s.tokens] == tokenize(text)
    for sentence in found:
        inner = text[sentence.start:sentence.end]
        assert not re.search(r"(\r\n|\r|\n)[^\S\r\n]*(\r\n|\r|\n)", inner)
        assert sentence.tokens[0].start == sentence.start
        assert sentence.tokens[-1].end == sentence.end


@settings(max_examples=200)
@given(TEXTS)
def test_paragraph_segments_cover_the_text_exactly(text: str) -> None:
    segments = paragraph_segments(text)
    assert "".join(text[a:b] for a, b in segments) == text
    assert all(b > a for a, b in segments)
    assert [text[a:b].strip() for a, b in segments if text[a:b].strip()] == [
        text[a:b] for a, b in paragraphs(text)]


def test_paragraph_segments_keep_blank_lines_with_the_paragraph_before() -> None:
    text = "\n\nTitle\r\n\r\nBody\n"
    assert [text[a:b] for a, b in paragraph_segments(text)] == ["\n\nTitle\r\n\r\n", "Body\n"]
