"""The proposals layer: stored per document, decisions kept, accepting is an undoable edit."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage import db
from storage.errors import ConflictError
from storage.project import Project
from storage.proposals import AcceptProposals, RejectProposals
from storage.records import DocumentRecord
from suggest.base import ProposedRelation, ProposedSpan

TEXT = ("“We will not reopen the pass,” Governor Elna Vask said on Friday. "
        "The council said the road would stay closed.")


def _at(part: str) -> tuple[tuple[int, int], ...]:
    start = TEXT.index(part)
    return ((start, start + len(part)),)


QUOTE = ProposedSpan("q", "Quote", _at("We will not reopen the pass,"), {"form": "direct"},
                     0.9, "quotation marks")
ACTOR = ProposedSpan("a", "Actor", _at("Governor Elna Vask"), {"kind": "person"}, 0.8,
                     "subject of 'said'")
CUE = ProposedSpan("c", "Cue", ((TEXT.index("said"), TEXT.index("said") + 4),), {}, 0.8, "")
OTHER = ProposedSpan("o", "Quote", _at("the road would stay closed"), {"form": "indirect"}, 0.6,
                     "indirect")
LINKS = (ProposedRelation("speaker", "q", "a", 0.8), ProposedRelation("cue", "q", "c", 0.8))


@pytest.fixture
def doc_project(project: Project) -> tuple[Project, int]:
    project.import_records([DocumentRecord(text=TEXT, title="Pass", external_id="pass")],
                           "pass.jsonl")
    return project, project.documents()[0].id


def _store(project: Project, document_id: int) -> None:
    project.store_proposals(document_id, "rules", [QUOTE, ACTOR, CUE, OTHER], LINKS)


def test_new_and_upgraded_projects_have_the_proposals_tables(project_path: Path,
                                                             project: Project) -> None:
    assert {"proposal", "proposal_link"} <= set(project.db.table_names())
    assert db.head_revision() == "0004"
    from alembic import command

    command.downgrade(db.alembic_config(project.db.engine), "0003")
    assert "proposal" not in project.db.table_names()
    project.close()
    with Project.open(project_path) as upgraded:
        assert db.current_revision(upgraded.db) == "0004"
        assert {"proposal", "proposal_link"} <= set(upgraded.db.table_names())


def test_stored_proposals_keep_ids_when_proposed_again(doc_project: tuple[Project, int]) -> None:
    project, doc = doc_project
    report = project.store_proposals(doc, "rules", [QUOTE, ACTOR, CUE, OTHER], LINKS)
    assert (report.added, report.links) == (4, 2)
    first = {(p.label, p.fragments): p.id for p in project.proposals(doc)}
    report = project.store_proposals(doc, "rules", [QUOTE, ACTOR, CUE], LINKS)
    assert (report.kept, report.removed) == (3, 1)
    again = {(p.label, p.fragments): p.id for p in project.proposals(doc)}
    del first[("Quote", OTHER.fragments)]
    assert again == first
    quote = next(p for p in project.proposals(doc) if p.label == "Quote")
    assert quote.explanation == "quotation marks" and quote.confidence == 0.9
    assert {(link.type, link.target_proposal_id is not None)
            for link in project.proposal_links(doc)} == {("speaker", True), ("cue", True)}


def test_proposals_outside_the_schema_or_text_are_dropped(doc_project: tuple[Project, int]
                                                          ) -> None:
    project, doc = doc_project
    bad = [ProposedSpan("x", "Weather", ((0, 3),)), ProposedSpan("y", "Quote", ((5, 9999),))]
    report = project.store_proposals(doc, "rules", bad, [ProposedRelation("speaker", "x", "y")])
    assert report.added == 0 and report.links == 0 and project.proposals(doc) == []


def test_accept_quote_with_speaker_and_cue_in_one_undoable_edit(
        doc_project: tuple[Project, int]) -> None:
    project, doc = doc_project
    _store(project, doc)
    quote = next(p for p in project.proposals(doc) if p.label == "Quote"
                 and p.attributes["form"] == "direct")
    edit = AcceptProposals(doc, "alice", [quote.id])
    project.apply(edit)
    spans = {s.label: s for s in project.spans(doc, "alice")}
    assert set(spans) == {"Quote", "Actor", "Cue"}
    assert TEXT[spans["Actor"].start:spans["Actor"].end] == "Governor Elna Vask"
    assert spans["Quote"].attributes["form"] == "direct"
    relations = {(r.type, r.source_id, r.target_id) for r in project.relations(doc, "alice")}
    assert relations == {("speaker", spans["Quote"].id, spans["Actor"].id),
                         ("cue", spans["Quote"].id, spans["Cue"].id)}
    decided = {p.label: p for p in project.proposals(doc, ("accepted",))}
    assert set(decided) == {"Quote", "Actor", "Cue"}
    assert decided["Quote"].decided_by == "alice" and decided["Quote"].decided_at is not None
    assert decided["Quote"].span_id == spans["Quote"].id
    assert [p.label for p in project.proposals(doc)] == ["Quote"]  # the indirect one is open
    project.revert(edit)
    assert project.spans(doc, "alice") == [] and project.relations(doc, "alice") == []
    assert len(project.proposals(doc)) == 4
    project.apply(edit)  # redo: same ids
    assert {s.id for s in project.spans(doc, "alice")} == {s.id for s in spans.values()}
    assert len(project.relations(doc, "alice")) == 2


def test_accepting_twice_is_a_conflict(doc_project: tuple[Project, int]) -> None:
    project, doc = doc_project
    _store(project, doc)
    quote = project.proposals(doc)[0]
    project.apply(AcceptProposals(doc, "alice", [quote.id], follow_links=False))
    with pytest.raises(ConflictError, match="accepted meanwhile"):
        project.apply(AcceptProposals(doc, "bob", [quote.id]))


def test_accepting_a_proposal_already_marked_reuses_the_span(
        doc_project: tuple[Project, int]) -> None:
    project, doc = doc_project
    _store(project, doc)
    marked = project.add_span(doc, "alice", "Actor", [list(ACTOR.fragments[0])],
                              {"kind": "person"})
    quote = next(p for p in project.proposals(doc) if p.label == "Quote"
                 and p.attributes["form"] == "direct")
    project.apply(AcceptProposals(doc, "alice", [quote.id]))
    actors = [s for s in project.spans(doc, "alice") if s.label == "Actor"]
    assert [a.id for a in actors] == [marked.id]
    assert any(r.type == "speaker" and r.target_id == marked.id
               for r in project.relations(doc, "alice"))


def test_rejected_proposal_is_never_proposed_again(doc_project: tuple[Project, int]) -> None:
    project, doc = doc_project
    _store(project, doc)
    other = next(p for p in project.proposals(doc) if p.attributes.get("form") == "indirect")
    edit = RejectProposals(doc, "alice", [other.id])
    project.apply(edit)
    assert other.id not in {p.id for p in project.proposals(doc)}
    report = project.store_proposals(doc, "syntax", [QUOTE, ACTOR, CUE, OTHER], LINKS)
    assert report.already_decided == 1
    assert other.id not in {p.id for p in project.proposals(doc)}
    rejected = project.proposals(doc, ("rejected",))
    assert [(p.id, p.decided_by) for p in rejected] == [(other.id, "alice")]
    project.revert(edit)
    assert other.id in {p.id for p in project.proposals(doc)}


def test_proposals_go_with_their_document(doc_project: tuple[Project, int],
                                          project_path: Path) -> None:
    project, doc = doc_project
    _store(project, doc)
    project.close()
    with sqlite3.connect(project_path) as connection:
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("DELETE FROM document")
        assert connection.execute("SELECT count(*) FROM proposal").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM proposal_link").fetchone() == (0,)


def test_store_accept_and_undo_on_every_backend(any_project: Project) -> None:
    any_project.import_records([DocumentRecord(text=TEXT, external_id="pass")], "pass.jsonl")
    doc = any_project.documents()[0].id
    any_project.store_proposals(doc, "rules", [QUOTE, ACTOR, CUE, OTHER], LINKS)
    quote = next(p for p in any_project.proposals(doc) if p.fragments == QUOTE.fragments)
    edit = AcceptProposals(doc, "alice", [quote.id])
    any_project.apply(edit)
    assert {s.label for s in any_project.spans(doc, "alice")} == {"Quote", "Actor", "Cue"}
    assert len(any_project.relations(doc, "alice")) == 2
    any_project.revert(edit)
    assert any_project.spans(doc, "alice") == [] and len(any_project.proposals(doc)) == 4
