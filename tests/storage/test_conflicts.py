"""Two people on one project: an undo or redo never overwrites a colleague's change.

Alice and Bob are two :class:`Project` objects opened on the same database (a
SQLite file, and a PostgreSQL database where a server answers), as two
annotators' windows are. Alice undoes (``Project.revert``) or redoes
(``Project.apply`` again) an edit after Bob changed what it touches: the undo
or redo is refused with a :class:`ConflictError` whose message says what Bob
made of it, Bob's change survives, and nothing at all is written.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers import project_dump, small_record

from storage.adjudication import GOLD, AcceptSpan
from storage.edits import (
    AddRelation,
    AddSpan,
    Compound,
    CreateEntity,
    DeleteEntity,
    DeleteRelation,
    DeleteSpan,
    MergeEntities,
    SetStatus,
    UpdateEntity,
    UpdateRelation,
    UpdateSpan,
)
from storage.errors import ConflictError, NotFoundError
from storage.project import Project
from storage.views import SpanView

QUOTE_TEXT = "We will not yield, … not one metre."


class Team:
    """Alice's and Bob's projects on one database, and its location."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.alice = Project.create(location)
        self.alice.import_records([small_record()], "small.jsonl")
        self.bob = Project.open(location)
        self.document = self.alice.documents()[0].id

    def span(self, label: str, text: str | None = None) -> SpanView:
        document = self.alice.document(self.document)
        return next(s for s in self.alice.spans(self.document, "alice") if s.label == label
                    and (text is None or document.text[s.start:s.end] == text))

    def dump(self) -> list[str]:
        return project_dump(self.location)

    def refused(self, edit: object, undo: bool = True) -> str:
        """Alice's undo (or redo) of ``edit``: refused, nothing written; returns the message."""
        before = self.dump()
        with pytest.raises(ConflictError) as caught:
            if undo:
                self.alice.revert(edit)  # type: ignore[arg-type]
            else:
                self.alice.apply(edit)  # type: ignore[arg-type]
        assert self.dump() == before
        return str(caught.value)


@pytest.fixture
def team(backend_url: str) -> Iterator[Team]:
    created = Team(backend_url)
    try:
        yield created
    finally:
        created.alice.close()
        created.bob.close()


# ------------------------------------------------------------------- actors


def test_undoing_a_rename_keeps_a_colleagues_newer_rename_and_alias(team: Team) -> None:
    actor = team.alice.create_entity("Varnay", "person")
    rename = UpdateEntity(actor.id, name="Aldric Varnay", expected_version=actor.version)
    team.alice.apply(rename)
    seen = team.bob.entity(actor.id)
    team.bob.apply(UpdateEntity(actor.id, name="President Aldric Varnay",
                                aliases=["Varnay", "the president"],
                                expected_version=seen.version))
    message = team.refused(rename)
    assert message == ("actor 'Aldric Varnay' was changed by someone else meanwhile (now: "
                       "President Aldric Varnay, person, aliases Varnay, the president); the "
                       "registry has been reloaded")
    stored = team.alice.entity(actor.id)
    assert (stored.name, stored.aliases) == ("President Aldric Varnay", ("Varnay", "the president"))


def test_redoing_a_rename_after_a_colleagues_change_is_refused(team: Team) -> None:
    actor = team.alice.create_entity("Varnay", "person")
    rename = UpdateEntity(actor.id, name="Aldric Varnay")
    team.alice.apply(rename)
    team.alice.revert(rename)
    team.bob.apply(UpdateEntity(actor.id, kind="state", kb_id="Q7"))
    message = team.refused(rename, undo=False)
    assert message.startswith("actor 'Varnay' was changed by someone else meanwhile")
    assert "(now: Varnay, state, aliases -, knowledge-base id Q7)" in message
    stored = team.alice.entity(actor.id)
    assert (stored.name, stored.kind, stored.kb_id) == ("Varnay", "state", "Q7")


def test_undoing_a_new_actor_a_colleague_renamed_or_linked_is_refused(team: Team) -> None:
    create = CreateEntity("Varnay")
    team.alice.apply(create)
    assert create.entity_id is not None
    team.bob.apply(UpdateEntity(create.entity_id, aliases=["the president"]))
    assert "now: Varnay, person, aliases the president" in team.refused(create)

    other = CreateEntity("Doreth", "state")
    team.alice.apply(other)
    assert other.entity_id is not None
    team.bob.apply(UpdateSpan(team.span("Actor", "the ministry").id, entity_id=other.entity_id))
    message = team.refused(other)
    assert message == ("cannot take back creating actor 'Doreth': 1 mention links to it now; "
                       "the registry has been reloaded")
    assert team.alice.entity(other.entity_id).mentions == 1


def test_undoing_a_new_actor_a_colleague_deleted_says_so(team: Team) -> None:
    create = CreateEntity("Varnay")
    team.alice.apply(create)
    assert create.entity_id is not None
    team.bob.apply(DeleteEntity(create.entity_id))
    with pytest.raises(NotFoundError) as caught:
        team.alice.revert(create)
    assert str(caught.value) == ("actor 'Varnay' does not exist any more (deleted or merged "
                                 "by someone else meanwhile)")
    assert team.alice.entities() == []


def test_undoing_a_merge_a_colleague_built_on_is_refused(team: Team) -> None:
    kept = team.alice.create_entity("Aldric Varnay")
    merged = team.alice.create_entity("President Varnay")
    mention = team.span("Actor", "President Aldric Varnay")
    team.alice.apply(UpdateSpan(mention.id, entity_id=merged.id))
    merge = MergeEntities(kept.id, merged.id)
    team.alice.apply(merge)
    # Bob adds an alias to the actor that was kept: undoing would drop it
    team.bob.apply(UpdateEntity(kept.id, aliases=["President Varnay", "the president"]))
    message = team.refused(merge)
    assert message.startswith("actor 'Aldric Varnay' was changed by someone else meanwhile")
    assert "aliases President Varnay, the president" in message
    team.bob.apply(UpdateEntity(kept.id, aliases=["President Varnay"]))  # Bob takes it back
    # Bob links the moved mention to another actor: undoing would move it back
    doreth = team.bob.create_entity("Doreth", "state")
    team.bob.apply(UpdateSpan(mention.id, entity_id=doreth.id))
    message = team.refused(merge)
    assert message == ("cannot take back merging 'President Varnay' into 'Aldric Varnay': 1 of "
                       "the mentions it moved were linked elsewhere or unlinked by someone "
                       "else meanwhile; the registry has been reloaded")
    assert team.alice.span(mention.id).entity_id == doreth.id
    team.bob.apply(UpdateSpan(mention.id, entity_id=kept.id))
    team.alice.revert(merge)  # as Alice left it again: the undo goes through
    assert team.alice.span(mention.id).entity_id == merged.id
    assert team.alice.entity(kept.id).aliases == ()


def test_undoing_an_actor_deletion_after_a_mention_was_relinked_is_refused(team: Team) -> None:
    actor = team.alice.create_entity("Aldric Varnay")
    mention = team.span("Actor", "President Aldric Varnay")
    team.alice.apply(UpdateSpan(mention.id, entity_id=actor.id))
    delete = DeleteEntity(actor.id)
    team.alice.apply(delete)
    other = team.bob.create_entity("President Varnay")
    team.bob.apply(UpdateSpan(mention.id, entity_id=other.id))
    message = team.refused(delete)
    assert message == ("cannot restore actor 'Aldric Varnay': 1 of its mentions were linked "
                       "to another actor by someone else meanwhile; the registry has been "
                       "reloaded")
    assert team.alice.span(mention.id).entity_id == other.id


def test_redoing_an_actor_deletion_after_new_mentions_were_linked_is_refused(team: Team) -> None:
    actor = team.alice.create_entity("Aldric Varnay")
    delete = DeleteEntity(actor.id)
    team.alice.apply(delete)
    team.alice.revert(delete)
    team.bob.apply(UpdateSpan(team.span("Actor", "President Aldric Varnay").id,
                              entity_id=actor.id))
    message = team.refused(delete, undo=False)
    assert message == ("someone else linked 1 more mention to actor 'Aldric Varnay' "
                       "meanwhile; deleting it would unlink them; the registry has been "
                       "reloaded")
    assert team.alice.entity(actor.id).mentions == 1


# -------------------------------------------------------------------- spans


def test_undoing_a_span_change_keeps_a_colleagues_newer_change(team: Team) -> None:
    quote = team.span("Quote")
    varnay = team.alice.create_entity("Aldric Varnay")
    edit = UpdateSpan(quote.id, attributes={"form": "indirect"},
                      expected_version=quote.version)
    team.alice.apply(edit)
    team.bob.apply(UpdateSpan(quote.id, attributes={"form": "mixed", "channel": "speech"}))
    message = team.refused(edit)
    assert message == (f"this Quote span was changed by someone else meanwhile (now: Quote "
                       f"“{QUOTE_TEXT}”, form mixed, channel speech); the view has been "
                       "reloaded")
    assert team.alice.span(quote.id).attributes == {"form": "mixed", "channel": "speech"}

    actor = team.span("Actor", "President Aldric Varnay")
    relabel = UpdateSpan(actor.id, attributes={"mention": "title"})
    team.alice.apply(relabel)
    team.bob.apply(UpdateSpan(actor.id, entity_id=varnay.id,
                              fragments=[(actor.start + len("President "), actor.end)]))
    message = team.refused(relabel)
    assert ("(now: Actor “Aldric Varnay”, kind person, mention title, actor Aldric Varnay)"
            in message)
    stored = team.alice.span(actor.id)
    assert stored.entity_id == varnay.id and stored.start == actor.start + len("President ")


def test_redoing_a_span_change_after_a_colleagues_change_is_refused(team: Team) -> None:
    cue = team.span("Cue")
    edit = UpdateSpan(cue.id, fragments=[(cue.start, cue.end + 1)])
    team.alice.apply(edit)
    team.alice.revert(edit)
    team.bob.apply(UpdateSpan(cue.id, fragments=[(cue.start - 1, cue.end)]))
    message = team.refused(edit, undo=False)
    assert message.startswith("this Cue span was changed by someone else meanwhile (now: Cue “")
    assert team.alice.span(cue.id).fragments == ((cue.start - 1, cue.end),)


def test_a_stale_span_change_says_what_is_stored_now(team: Team) -> None:
    quote = team.span("Quote")
    varnay = team.bob.create_entity("Aldric Varnay")
    actor = team.span("Actor", "President Aldric Varnay")
    team.bob.apply(UpdateSpan(quote.id, attributes={"form": "indirect", "anonymous": True},
                              expected_version=quote.version))
    team.bob.apply(UpdateSpan(actor.id, entity_id=varnay.id))
    with pytest.raises(ConflictError) as caught:
        team.alice.apply(UpdateSpan(quote.id, attributes={"form": "mixed"},
                                    expected_version=quote.version))
    assert str(caught.value) == (
        f"this Quote span was changed by someone else meanwhile (version {quote.version + 1}, "
        f"you edited version {quote.version}; now: Quote “{QUOTE_TEXT}”, form indirect, "
        "anonymous yes); the view has been reloaded")
    with pytest.raises(ConflictError) as caught:
        team.alice.apply(UpdateSpan(actor.id, attributes={"mention": "title"},
                                    expected_version=actor.version))
    assert "now: Actor “President Aldric Varnay”, kind person, actor Aldric Varnay)" in \
        str(caught.value)
    unlinked = team.span("Actor", "the ministry")
    team.bob.apply(UpdateSpan(unlinked.id, attributes={"kind": "state"}))
    with pytest.raises(ConflictError, match="now: Actor “the ministry”, kind state, no actor"):
        team.alice.apply(UpdateSpan(unlinked.id, attributes={"kind": "group"},
                                    expected_version=unlinked.version))
    assert team.alice.span(quote.id).attributes["form"] == "indirect"


def test_undoing_a_new_span_a_colleague_edited_is_refused(team: Team) -> None:
    add = AddSpan(team.document, "alice", "Cue", [(7, 12)])
    team.alice.apply(add)
    assert add.span_id is not None
    team.bob.apply(UpdateSpan(add.span_id, fragments=[(7, 11)]))
    message = team.refused(add)
    assert message == ("this Cue span was changed by someone else meanwhile (now: Cue "
                       "“warn”); the view has been reloaded")
    assert team.alice.span(add.span_id).fragments == ((7, 11),)


def test_undoing_a_new_span_a_colleague_linked_is_refused(team: Team) -> None:
    text = team.alice.document(team.document).text
    start = text.index("our answer")
    add = AddSpan(team.document, "alice", "Actor", [(start, start + 3)])
    team.alice.apply(add)
    assert add.span_id is not None
    consequence = team.span("Consequence")
    team.bob.apply(AddRelation("holder", consequence.id, add.span_id))
    message = team.refused(add)
    assert message == ("someone else linked this Actor “our” meanwhile (holder from "
                       "Consequence “our answer will be swift” to Actor “our”); taking the "
                       "span back would delete that too; the view has been reloaded")
    assert [r.type for r in team.alice.relations(team.document) if r.target_id == add.span_id] \
        == ["holder"]


def test_redoing_a_new_span_a_colleague_marked_meanwhile_is_refused(team: Team) -> None:
    add = AddSpan(team.document, "alice", "Cue", [(7, 12)])
    team.alice.apply(add)
    team.alice.revert(add)
    team.bob.add_span(team.document, "alice", "Cue", [(7, 12)])  # alice's layer, other window
    message = team.refused(add, undo=False)
    assert message == ("someone else has marked this Cue “warns” meanwhile; the view has been "
                       "reloaded")
    assert len([s for s in team.alice.spans(team.document) if s.fragments == ((7, 12),)]) == 1


def test_undoing_a_deletion_after_a_colleague_marked_the_span_again_is_refused(
        team: Team) -> None:
    quote = team.span("Quote")
    delete = DeleteSpan(quote.id)
    team.alice.apply(delete)
    again = team.bob.add_span(team.document, "alice", "Quote", [list(f) for f in quote.fragments])
    message = team.refused(delete)
    assert message == (f"someone else has marked this Quote “{QUOTE_TEXT}” meanwhile; the view "
                       "has been reloaded")
    assert [s.id for s in team.alice.spans(team.document) if s.label == "Quote"] == [again.id]


def test_undoing_a_deletion_whose_relation_no_longer_fits_is_refused(team: Team) -> None:
    quote = team.span("Quote")
    speaker = team.span("Actor", "President Aldric Varnay")
    delete = DeleteSpan(speaker.id)  # takes the quote's speaker relation with it
    team.alice.apply(delete)
    # meanwhile Bob gives the quote another speaker (the schema allows one)
    team.bob.add_relation("speaker", quote.id, team.span("Actor", "the ministry").id)
    message = team.refused(delete)
    assert message == ("cannot restore this Actor “President Aldric Varnay” with its 'speaker' "
                       "relation: this Quote already has 1 'speaker' relation; the schema "
                       "allows 1 (changed by someone else meanwhile); the view has been "
                       "reloaded")
    # and when the span at the other end is gone
    cue = team.span("Cue")
    delete_cue = DeleteSpan(cue.id)
    team.alice.apply(delete_cue)
    team.bob.apply(DeleteSpan(quote.id))
    message = team.refused(delete_cue)
    assert message == ("cannot restore this Cue “said” with its 'cue' relation: the span at "
                       "its other end was deleted by someone else meanwhile; the view has been "
                       "reloaded")


def test_undoing_a_deletion_whose_actor_is_gone_is_refused(team: Team) -> None:
    varnay = team.alice.create_entity("Aldric Varnay")
    actor = team.span("Actor", "President Aldric Varnay")
    team.alice.apply(UpdateSpan(actor.id, entity_id=varnay.id))
    delete = DeleteSpan(actor.id)
    team.alice.apply(delete)
    team.bob.apply(DeleteEntity(varnay.id))
    message = team.refused(delete)
    assert message == ("cannot restore this Actor “President Aldric Varnay”: its actor was "
                       "deleted or merged by someone else meanwhile; the view has been "
                       "reloaded")


def test_redoing_a_deletion_after_a_colleague_changed_the_span_is_refused(team: Team) -> None:
    quote = team.span("Quote")
    delete = DeleteSpan(quote.id)
    team.alice.apply(delete)
    team.alice.revert(delete)
    team.bob.apply(UpdateSpan(quote.id, attributes={"form": "mixed"}))
    message = team.refused(delete, undo=False)
    assert message.startswith("this Quote span was changed by someone else meanwhile (now: "
                              f"Quote “{QUOTE_TEXT}”, form mixed")
    team.bob.apply(UpdateSpan(quote.id, attributes={"form": "direct"}))
    condition = team.span("Condition")
    team.bob.apply(DeleteRelation(next(r.id for r in team.bob.relations(team.document)
                                       if r.source_id == condition.id
                                       and r.type == "holder")))
    # Bob links the restored span anew: redoing the deletion would take his relation too
    delete_actor = DeleteSpan(team.span("Actor", "the ministry").id)
    team.alice.apply(delete_actor)
    team.alice.revert(delete_actor)
    team.bob.add_relation("holder", condition.id, delete_actor.span_id)
    message = team.refused(delete_actor, undo=False)
    assert message == ("someone else linked this Actor “the ministry” meanwhile (holder from "
                       "Condition “If they cross the river” to Actor “the ministry”); deleting "
                       "the span again would delete that too; the view has been reloaded")


def test_a_stale_deletion_is_refused(team: Team) -> None:
    quote = team.span("Quote")
    team.bob.apply(UpdateSpan(quote.id, attributes={"form": "mixed"}))
    with pytest.raises(ConflictError, match=r"\(version 2, you saw version 1; now: Quote"):
        team.alice.apply(DeleteSpan(quote.id, expected_version=quote.version))
    assert team.alice.span(quote.id).attributes["form"] == "mixed"


def test_a_restored_span_keeps_its_version(team: Team) -> None:
    quote = team.span("Quote")
    seen_by_bob = team.bob.span(quote.id)  # version 1
    team.alice.apply(UpdateSpan(quote.id, attributes={"form": "mixed"}))
    delete = DeleteSpan(quote.id)
    team.alice.apply(delete)
    team.alice.revert(delete)
    assert team.alice.span(quote.id).version == 2
    with pytest.raises(ConflictError, match="version 2, you edited version 1"):
        team.bob.apply(UpdateSpan(quote.id, attributes={"form": "indirect"},
                                  expected_version=seen_by_bob.version))


# --------------------------------------------------------- relations, status


def test_undoing_a_retarget_after_a_colleagues_retarget_is_refused(team: Team) -> None:
    quote = team.span("Quote")
    speaker = next(r for r in team.alice.relations(team.document) if r.type == "speaker")
    retarget = UpdateRelation(speaker.id, target_id=team.span("Actor", "the ministry").id)
    team.alice.apply(retarget)
    varnay = team.bob.add_span(team.document, "alice", "Actor", [(0, 6)])
    team.bob.apply(UpdateRelation(speaker.id, target_id=varnay.id))
    message = team.refused(retarget)
    assert message == ("this 'speaker' relation was changed by someone else meanwhile (now: "
                       "speaker from Quote “We will not yield, … not one…” to Actor "
                       "“Varnay”); the view has been reloaded")
    assert team.alice.relation(speaker.id).target_id == varnay.id
    assert team.alice.relation(speaker.id).source_id == quote.id


def test_undoing_a_new_relation_a_colleague_retargeted_is_refused(team: Team) -> None:
    condition = team.span("Condition")
    holder = next(r for r in team.alice.relations(team.document) if r.type == "holder")
    team.alice.apply(DeleteRelation(holder.id))
    add = AddRelation("holder", condition.id, team.span("Actor", "the ministry").id)
    team.alice.apply(add)
    assert add.relation_id is not None
    speaker = team.span("Actor", "President Aldric Varnay")
    team.bob.apply(UpdateRelation(add.relation_id, target_id=speaker.id))
    message = team.refused(add)
    assert message.startswith("this 'holder' relation was changed by someone else meanwhile "
                              "(now: holder from Condition “If they cross the river” to Actor "
                              "“President Aldric Varnay”)")
    assert team.alice.relation(add.relation_id).target_id == speaker.id


def test_undoing_a_relation_deletion_after_a_colleague_added_it_again_is_refused(
        team: Team) -> None:
    cue_relation = next(r for r in team.alice.relations(team.document) if r.type == "cue")
    delete = DeleteRelation(cue_relation.id)
    team.alice.apply(delete)
    team.bob.add_relation("cue", cue_relation.source_id, cue_relation.target_id)
    message = team.refused(delete)
    assert message == ("someone else has added this relation again meanwhile (cue from Quote "
                       "“We will not yield, … not one…” to Cue “said”); the view has been "
                       "reloaded")
    assert [r.type for r in team.alice.relations(team.document)].count("cue") == 1


def test_undoing_a_shared_status_after_a_colleague_changed_it_is_refused(team: Team) -> None:
    team.alice.ensure_annotator(GOLD, "curator")
    edit = SetStatus(team.document, GOLD, "in_progress")
    team.alice.apply(edit)  # Alice, curating, starts the gold layer
    team.bob.apply(SetStatus(team.document, GOLD, "done"))  # Bob, curating too, finishes it
    message = team.refused(edit)
    assert message == ("the status of 'Varnay warns Doreth' for gold was changed by someone "
                       "else meanwhile (now: done); the view has been reloaded")
    assert team.alice.status(team.document, GOLD) == "done"
    # redo after a colleague's change
    mine = SetStatus(team.document, GOLD, "in_progress")
    team.alice.apply(mine)
    team.alice.revert(mine)  # back to done
    team.bob.apply(SetStatus(team.document, GOLD, "new"))
    message = team.refused(mine, undo=False)
    assert message == ("the status of 'Varnay warns Doreth' for gold was changed by someone "
                       "else meanwhile (now: new); the view has been reloaded")
    assert team.alice.status(team.document, GOLD) == "new"


# ------------------------------------------------------- what still works


def test_a_users_own_edits_of_one_object_undo_and_redo_in_order(team: Team) -> None:
    quote = team.span("Quote")
    condition = team.span("Condition")
    actor = team.alice.create_entity("Varnay")
    edits = [
        UpdateSpan(quote.id, attributes={"form": "indirect"}),
        UpdateSpan(quote.id, attributes={"channel": "speech"}),
        UpdateSpan(quote.id, fragments=[list(quote.fragments[0])]),
        UpdateEntity(actor.id, name="Aldric Varnay"),
        UpdateEntity(actor.id, aliases=["Varnay"]),
    ]
    for number, edit in enumerate(edits):
        team.alice.apply(edit)
        # a colleague editing something else does not get in the way
        polarity = "negative" if number % 2 == 0 else "positive"
        team.bob.apply(UpdateSpan(condition.id, attributes={"polarity": polarity}))
    for edit in reversed(edits):  # each version number moved on, the content did not
        team.alice.revert(edit)
    assert team.alice.span(quote.id).attributes == quote.attributes
    assert team.alice.span(quote.id).fragments == quote.fragments
    assert team.alice.entity(actor.id).name == "Varnay"
    for edit in edits:
        team.alice.apply(edit)
    stored = team.alice.span(quote.id)
    assert stored.attributes == {**quote.attributes, "form": "indirect", "channel": "speech"}
    assert stored.fragments == quote.fragments[:1]
    assert team.alice.entity(actor.id).aliases == ("Varnay",)


def test_a_compound_undo_is_refused_as_a_whole(team: Team) -> None:
    quote = team.span("Quote")
    cue = team.span("Cue")
    both = Compound([UpdateSpan(quote.id, attributes={"form": "mixed"}),
                     UpdateSpan(cue.id, fragments=[(cue.start, cue.end + 1)])], text="two")
    team.alice.apply(both)
    team.bob.apply(UpdateSpan(quote.id, attributes={"channel": "speech"}))
    message = team.refused(both)
    assert message.startswith("this Quote span was changed by someone else meanwhile")
    assert team.alice.span(cue.id).end == cue.end + 1  # the other half was not undone either


def test_taking_back_an_accepted_span_a_colleague_edited_is_refused(team: Team) -> None:
    quote = team.span("Quote")
    accept = AcceptSpan(quote.id)
    team.alice.apply(accept)
    assert accept.added is not None and accept.added.span_id is not None
    gold_span = accept.added.span_id
    team.bob.apply(UpdateSpan(gold_span, attributes={"form": "indirect"}))
    message = team.refused(accept)
    assert message.startswith("this Quote span was changed by someone else meanwhile (now: "
                              f"Quote “{QUOTE_TEXT}”, form indirect")
    assert team.alice.span(gold_span).attributes["form"] == "indirect"
    assert team.alice.span(gold_span).annotator_id == team.alice.annotator_id(GOLD)
