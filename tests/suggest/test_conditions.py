"""suggest/conditions.py on new fictional sentences (neither the tuning 12 nor the held-out set):
where a Condition ends, which clause is its Consequence, who holds it, and what is no condition."""

from __future__ import annotations

import pytest

from storage.schema import default_schema
from suggest.assemble import Attribution
from suggest.base import SuggestContext
from suggest.conditions import find_conditionals
from suggest.registry import suggest


def conditionals(text: str) -> list[tuple[str, str, str | None]]:
    """(Condition, Consequence, holder) texts the rules propose for ``text``."""
    result = suggest(text, default_schema(), SuggestContext(), ["rules"])
    out = []
    for cond in (s for s in result.spans if s.label == "Condition"):
        rels = {r.type: result.span(str(r.target)) for r in result.relations_from(cond.key)}
        then, holder = rels.get("consequence"), rels.get("holder")
        out.append((cond.text(text), then.text(text) if then else "",
                    holder.text(text) if holder else None))
    return out


@pytest.mark.parametrize("text, condition", [
    # a trailing condition ends at the comma that sets off what follows it
    ("Lindmark will reopen the mine if the miners accept the new shifts, a company spokeswoman "
     "said on Friday.", "if the miners accept the new shifts"),
    ("The trams will run again unless the fares are cut, according to Mayor Tilda Brun.",
     "unless the fares are cut"),
    ("The ferries will sail on condition that the crews are paid, under the port's rules.",
     "on condition that the crews are paid"),
    # "if, and only if," is one marker; the comma after it does not end the condition
    ("The bank will lend if, and only if, the harbour is sold, the treasurer said.",
     "if, and only if, the harbour is sold"),
])
def test_condition_ends_at_its_comma(text: str, condition: str) -> None:
    assert [c for c, _, _ in conditionals(text)] == [condition]


@pytest.mark.parametrize("text, expected", [
    # fronted after a complementiser or a sentence-initial conjunction
    ("Brun said that if the fares rose again, the city would buy the tram company.",
     ("if the fares rose again", "the city would buy the tram company", "Brun")),
    ("“The offer stands. But if the strike goes on, the offer goes too,” Brun said.",
     ("if the strike goes on", "the offer goes too", "Brun")),
    # a correlative "then" is not part of the consequence
    ("If the levy passes, then the dockers will walk out.",
     ("If the levy passes", "the dockers will walk out", None)),
    # an attribution after the main clause is not part of it, found as a quote or not
    ("If the tunnel floods, the city will close the metro line, the transport commissioner, "
     "Eva Lund, said on Monday.", ("If the tunnel floods", "the city will close the metro line",
                                   None)),
    ("Unless the rains come, the harvest will fail, farmers in the valley fear.",
     ("Unless the rains come", "the harvest will fail", None)),
    # a complementiser starts the reported clause
    ("Dunn reminded the bankers that unless the vote failed, the bonds would be honoured.",
     ("unless the vote failed", "the bonds would be honoured", None)),
    # a condition set off by dashes
    ("Every convoy — should one be attacked — will be escorted home by the navy.",
     ("should one be attacked", "will be escorted home by the navy", None)),
    # the quote resumes after its attribution: the consequence is in the second fragment
    ("“If the tolls go up,” Brun said, “we will block the bridge.”",
     ("If the tolls go up", "we will block the bridge", "Brun")),
])
def test_fronted_condition_and_its_consequence(text: str,
                                               expected: tuple[str, str, str | None]) -> None:
    assert conditionals(text) == [expected]


@pytest.mark.parametrize("text, condition", [
    ("The coast guard will tow the trawler away should its crew refuse to leave.",
     "should its crew refuse to leave"),
    ("Should anybody fire on the convoy, the escort will answer in kind.",
     "Should anybody fire on the convoy"),
])
def test_inverted_should_after_the_main_clause_and_with_any_subject(text: str,
                                                                    condition: str) -> None:
    assert [c for c, _, _ in conditionals(text)] == [condition]


@pytest.mark.parametrize("text", [
    "Few, if any, of the refugees have returned to Dunmore.",
    "The storm has, if anything, helped the rescue teams.",
    "Half of the fleet, if not more, is still in port.",
    "“If only the bridge had held,” the mayor said.",
    "The hearing lasted as long as the trial itself, and ended in uproar.",
    "The ministry has provided that list to the court.",
    "The clerks provided that list to the court.",
    "The envoy said the talks should resume within a week.",
    "The mayor would not say if the schools will reopen on Monday.",
    "Reporters tried to find out if the convoy had left.",
    "The second round was not so long as the first.",
    "Protesters held the square for as long as the police let them.",
])
def test_idioms_that_are_no_condition(text: str) -> None:
    assert conditionals(text) == []


def test_still_conditions_next_to_the_idioms() -> None:
    text = "If anything happens to the crew, we will hold the port authority responsible."
    assert conditionals(text) == [("If anything happens to the crew",
                                   "we will hold the port authority responsible", None)]
    text = "“The army, if attacked, will defend the pass,” General Orm said."
    assert [c for c, _, _ in conditionals(text)] == ["if attacked"]


@pytest.mark.parametrize("text, expected", [
    # an attribution inside the main clause before a trailing condition
    ("The ferry will stop, the port authority said, if the strike spreads to the crews.",
     ("if the strike spreads to the crews", "The ferry will stop")),
    # "that" after a reporting verb starts the reported clause
    ("Orm told the council that the ferries would stop unless the harbour was dredged.",
     ("unless the harbour was dredged", "the ferries would stop")),
])
def test_main_clause_without_the_attribution_when_no_quote_is_found(
        text: str, expected: tuple[str, str]) -> None:
    found = find_conditionals(text)
    assert [(text[slice(*c.condition)], text[slice(*c.consequence or (0, 0))])
            for c in found] == [expected]


def test_said_if_with_a_comma_is_a_reported_conditional() -> None:
    text = "Orm said if the dam breaks, the valley will flood within hours."
    assert [(c, n) for c, n, _ in conditionals(text)] == [
        ("if the dam breaks", "the valley will flood within hours")]


def _attribution(text: str, speaker: str, *content: str) -> Attribution:
    start = text.index(speaker)
    frags = tuple((text.index(c), text.index(c) + len(c)) for c in content)
    return Attribution(frags, "indirect", (start, start + len(speaker)), None, 0.8, "test")


def test_condition_in_the_quote_fragment_after_the_attribution() -> None:
    """"X, officials said, if Y": a parse gives the quote two fragments; the condition opens
    the second, and its main clause is the first."""
    text = "The bridge would close, engineers said, if the river rose again."
    att = _attribution(text, "engineers", "The bridge would close", "if the river rose again")
    found = find_conditionals(text, [att])
    assert [(text[slice(*c.condition)], text[slice(*c.consequence or (0, 0))], c.holder)
            for c in found] == [("if the river rose again", "The bridge would close",
                                 att.speaker)]


def test_consequence_outside_the_quote_stops_before_the_attribution() -> None:
    """A parse may give the fronted condition alone as the reported clause."""
    text = "Should the rain stop, the rescue will resume, Chief Ida Moss said."
    att = _attribution(text, "Chief Ida Moss", "Should the rain stop")
    found = find_conditionals(text, [att])
    assert [text[slice(*c.consequence or (0, 0))] for c in found] == ["the rescue will resume"]


def test_holder_from_the_quote_that_holds_the_consequence() -> None:
    """A parse may leave a trailing condition out of the reported clause ("said [X]
    provided that Y"): the conditional still belongs to that quote and its speaker."""
    text = "Minister Ruth Vale said the port would reopen provided that the strike ended."
    speaker = (0, len("Minister Ruth Vale"))
    content_start = text.index("the port")
    content = (content_start, text.index(" provided"))
    att = Attribution((content,), "indirect", speaker, None, 0.8, "test")
    found = find_conditionals(text, [att])
    assert len(found) == 1
    cond = found[0]
    assert text[slice(*cond.condition)] == "provided that the strike ended"
    assert cond.consequence is not None
    assert text[slice(*cond.consequence)] == "the port would reopen"
    assert cond.holder == speaker


@pytest.mark.parametrize("text, expected", [
    # wire copy's typewriter quotes close a clause like curly ones
    ("``If the mill closes, the town dies'' was all Mayor Lena Fisk wrote.",
     [("If the mill closes", "the town dies")]),
    # a comma inside a number does not end the antecedent
    ("The bank will act if the deficit tops $1,200 million, its governor said.",
     [("if the deficit tops $1,200 million", "The bank will act")]),
    # only an attribution after the antecedent: its main clause is not in this sentence
    ("If the vote fails, Orm said.", []),
])
def test_clause_edges_in_wire_copy(text: str, expected: list[tuple[str, str]]) -> None:
    found = find_conditionals(text)
    assert [(text[slice(*c.condition)], text[slice(*c.consequence or (0, 0))])
            for c in found] == expected


@pytest.mark.parametrize("text, expected", [
    # an elliptical "If not" is a whole antecedent
    ("“Can they pay? If not, the deal is off,” Orm said.", [("If not", "the deal is off")]),
    ("Farmers were unsure if the subsidy would arrive.", []),
    ("“Should there be another flood, the dam will not hold,” an engineer said.",
     [("Should there be another flood", "the dam will not hold")]),
    # a noun that is also a reporting verb ("the report") opens no reported clause
    ("The council will debate the report if the mayor agrees.",
     [("if the mayor agrees", "The council will debate the report")]),
])
def test_more_antecedents(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(c, n) for c, n, _ in conditionals(text)] == expected


def test_reported_clause_after_a_speaker_set_off_by_commas_without_a_quote() -> None:
    text = "The harbour master, Ivo Lund, said the port would close unless the dredgers came."
    found = find_conditionals(text)
    assert [(text[slice(*c.condition)], text[slice(*c.consequence or (0, 0))])
            for c in found] == [("unless the dredgers came", "the port would close")]
