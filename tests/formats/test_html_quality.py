"""HTML import leaves out the furniture lines trafilatura keeps inside an article.

One test per rule of :mod:`formats.html_lines` added for issue #14 (and the rule
that keeps a linked sentence standing alone in prose): each page is a fictional
wire story with the furniture inside the article's own container, where the
extractor keeps it; each test asserts the article text imported and the
furniture left out.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.formats.test_html_article import assert_no_furniture, page, read

BODY = (
    "VARNHOLM, June 3 (Saywho Wire) — The islands' council voted on Monday to buy a second night"
    " ferry, after the first one carried more than forty thousand passengers in its first year.",
    '"We underestimated how many people wanted to cross at night," council chair Britta Solem'
    " told reporters after the vote. \"The boat is full every Friday and every Sunday.\"",
    "The second ferry, a converted cargo ship from the Pellara yards, is due to enter service in"
    " the spring, once its cabins have been fitted and its crew trained by the port authority.",
    "Its purchase costs the council 31 million kroner, paid over ten years from the fares and a"
    " grant from the regional transport fund, which approved the money in a vote last week.",
    "Opposition councillors voted against the purchase, saying the money would be better spent"
    " on the islands' ageing harbour walls, which the port authority says need repairs soon.",
    "The two ferries will sail on alternate nights from April, and on every night in summer.",
)


def article(furniture: str, position: int) -> str:
    """The story with ``furniture`` as its own paragraph before paragraph ``position``."""
    paragraphs = [f"<p>{text}</p>" for text in BODY]
    paragraphs.insert(position, furniture)
    body = "\n".join(paragraphs)
    return page("Varn islands buy a second night ferry", "second-ferry",
                "<main><article><h1>Varn islands buy a second night ferry</h1>\n"
                f'<div class="article-text">\n{body}\n</div></article></main>')


def assert_story_kept_without(tmp_path: Path, html: str, furniture: str) -> None:
    document = read(tmp_path, "ferry.html", html)
    for text in BODY:
        assert text in document.text
    assert furniture not in document.text
    assert_no_furniture(document.text)


# Each new rule's furniture line, and where it sits: before which paragraph of the story.
FURNITURE_LINES = [
    # an appeal to subscribe or follow, or a paywall's message, in the middle of the story
    pytest.param("Never miss a story from the islands: sign up for our morning briefing today!",
                 2, id="appeal-sign-up"),
    pytest.param("Already a subscriber? Log in for full access to every story from the islands.",
                 2, id="appeal-paywall"),
    pytest.param("Follow the Ledger on Instagram for pictures of the islands every day.",
                 2, id="appeal-follow"),
    # teaser and next-article labels
    pytest.param("Next article: Harbour walls need repairs, port authority warns", 4,
                 id="next-article"),
    pytest.param("Te puede interesar: Los transbordadores nocturnos de las islas", 4,
                 id="teaser-es"),
    pytest.param("Permalink https://ledger.example/p/8fk2", 4, id="permalink"),
    # comment counters
    pytest.param("3 comments", 1, id="comment-count"),
    pytest.param("No comments yet. Be the first to comment!", 1, id="no-comments"),
    # disclaimers
    pytest.param("This article contains affiliate links: we earn a commission on what you buy"
                 " through them.", 1, id="affiliate"),
    pytest.param("(Alle Angaben ohne Gewähr)", 1, id="no-warranty"),
    # date stamps with their label
    pytest.param("Updated: 04.06.2024, 08:10", 1, id="updated"),
    pytest.param("Aktualisiert am 4.06.2024.", 1, id="aktualisiert"),
]


@pytest.mark.parametrize(("line", "position"), FURNITURE_LINES)
def test_a_furniture_line_is_left_out(tmp_path: Path, line: str, position: int) -> None:
    assert_story_kept_without(tmp_path, article(f"<p>{line}</p>", position), line)


def test_an_author_bio_at_the_end_is_left_out(tmp_path: Path) -> None:
    bio = ("Mara Lind is a reporter for the Northern Ledger who has covered the Varn islands, their"
           " ferries and their council since 2019.")
    assert_story_kept_without(tmp_path, article(f"<p>{bio}</p>", len(BODY)), bio)


def test_a_sentence_about_a_person_inside_the_story_is_kept(tmp_path: Path) -> None:
    # shaped like a bio, but followed by the story: not at its end
    person = ("Britta Solem is a former ferry captain who has chaired the council since the"
              " islands' last election, and an author of two books on the Varn crossings.")
    document = read(tmp_path, "ferry.html", article(f"<p>{person}</p>", 3))
    assert person in document.text


def test_a_linked_sentence_between_paragraphs_of_prose_is_kept(tmp_path: Path) -> None:
    linked = "What does the port authority say about the harbour walls?"
    html = article(f'<p><a href="/world/harbour-walls">{linked}</a></p>', 5)
    document = read(tmp_path, "ferry.html", html)
    assert linked in document.text
    assert_story_kept_without(tmp_path, html, "Harbour strike enters third week")


def test_linked_paragraphs_in_a_row_are_still_a_link_list(tmp_path: Path) -> None:
    links = ('<p><a href="/a">Harbour walls need repairs, port authority warns</a></p>\n'
             '<p><a href="/b">Pellara yards win a contract for two cargo ships</a></p>')
    html = article(links, 3)
    assert_story_kept_without(tmp_path, html, "Harbour walls need repairs")
    assert "Pellara yards win a contract" not in read(tmp_path, "ferry.html", html).text


@pytest.mark.parametrize("line", [
    "Islanders can sign up for text alerts when a crossing is cancelled, the council said.",
    "The ferry company has 12,000 subscribers to its season pass, up from 9,000 last year.",
    'The timetable is published under an open licence ("some rights reserved"), not under the'
    " usual (all rights reserved) notice, so that travel apps can use it freely.",
])
def test_story_sentences_about_signing_up_or_rights_are_kept(tmp_path: Path, line: str) -> None:
    document = read(tmp_path, "ferry.html", article(f"<p>{line}</p>", 2))
    assert line in document.text


def test_a_linked_sentence_opening_the_story_is_kept(tmp_path: Path) -> None:
    # first of the article, a sentence, and prose after it
    linked = "The night ferry has changed life on the islands more than any road could."
    html = article(f'<p><a href="/world/night-ferry">{linked}</a></p>', 0)
    assert_story_kept_without(tmp_path, html, "Harbour strike enters third week")
    assert linked in read(tmp_path, "ferry.html", html).text


def test_a_linked_label_opening_the_story_is_still_left_out(tmp_path: Path) -> None:
    # not a sentence: a link of the page's furniture
    html = article('<p><a href="/world">More world news from the islands</a></p>', 0)
    assert_story_kept_without(tmp_path, html, "More world news from the islands")
