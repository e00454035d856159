"""Regenerates docs/screenshot.png and docs/screenshot-dark.png from the real window.

A sample project is created in a temporary folder and annotated by this
script (quotes with speakers and cues, conditions with consequences and
holders, mentions linked to the actor registry), then the annotation window
is rendered offscreen in the light and the dark theme. Run by
``make screenshot``; nothing in the user's settings or data folder is touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402

from ingest import import_paths  # noqa: E402
from storage.edits import SetStatus, UpdateSpan  # noqa: E402
from storage.project import Project  # noqa: E402

ANNOTATOR = "alice"


def annotate(project: Project) -> int:
    """Annotates the first story like a careful annotator would; returns its id."""
    document = project.document_by_external_id("01-varnay-warns-ostmere")
    text = document.text

    def span(label: str, *needles: str, after: str = "", **attributes: object) -> int:
        fragments = []
        position = text.index(after) if after else 0
        for needle in needles:
            start = text.index(needle, position)
            fragments.append((start, start + len(needle)))
            position = start + len(needle)
        return project.add_span(document.id, ANNOTATOR, label, fragments,
                                dict(attributes) or None).id

    varnay = project.create_entity("Aldric Varnay", "person", ["Varnay", "the president"])
    ministry = project.create_entity("Ostmere foreign ministry", "organisation")
    ardova = project.create_entity("Selene Ardova", "person", ["Ardova"])
    relling = project.create_entity("Tomas Relling", "person", ["Relling"])

    def actor(needle: str, entity: int, after: str = "", **attributes: object) -> int:
        span_id = span("Actor", needle, after=after, **attributes)
        project.apply(UpdateSpan(span_id, entity_id=entity))
        return span_id

    president = actor("Carvonian President Aldric Varnay", varnay.id)
    span("Quote", "that any attempt to move troops across the Kallen River would be met with "
         "force", form="indirect")
    warned = span("Cue", "warned")
    condition = span("Condition", "any attempt to move troops across the Kallen River")
    consequence = span("Consequence", "would be met with force", type="threat")
    project.add_relation("consequence", condition, consequence)
    project.add_relation("holder", condition, president)
    project.add_relation("holder", consequence, president)

    quote = span("Quote", "We will not yield,", "not one metre of Carvonian soil.",
                 form="direct", channel="statement")
    told = span("Cue", "told reporters")
    varnay_2 = actor("Varnay", varnay.id, after="We will not yield", mention="name")
    project.add_relation("speaker", quote, varnay_2)
    project.add_relation("cue", quote, told)

    president_2 = actor("The president", varnay.id, after="Carvonian soil", mention="title")
    indirect = span("Quote", "that he had ordered the Carvonian Defence Council to raise the "
                    "readiness of units stationed along the river", form="indirect")
    said = span("Cue", "said", after="The president")
    project.add_relation("speaker", indirect, president_2)
    project.add_relation("cue", indirect, said)

    threat = span("Quote", "If they cross the river, our answer will be swift and it will be "
                  "final,", form="direct")
    he = actor("he", varnay.id, after="will be final", mention="pronoun")
    added = span("Cue", "added", after="will be final")
    project.add_relation("speaker", threat, he)
    project.add_relation("cue", threat, added)
    cross = span("Condition", "If they cross the river")
    answer = span("Consequence", "our answer will be swift and it will be final",
                  type="threat")
    project.add_relation("consequence", cross, answer)
    project.add_relation("holder", cross, he)
    project.add_relation("holder", answer, he)

    foreign = actor("Ostmere's foreign ministry", ministry.id, kind="organisation",
                    mention="nominal")
    theatre = span("Quote", "theatre for a domestic audience.", form="mixed")
    project.add_relation("speaker", theatre, foreign)
    project.add_relation("cue", theatre, span("Cue", "dismissed"))

    prime = actor("Prime Minister Selene Ardova", ardova.id, mention="title")
    open_talks = span("Quote", "her government remained open to talks", form="indirect")
    project.add_relation("speaker", open_talks, prime)
    soldiers = span("Quote", "Our soldiers are on our side of the water,", form="direct")
    ardova_2 = actor("Ardova", ardova.id, after="Our soldiers", mention="name")
    project.add_relation("speaker", soldiers, ardova_2)
    unless = span("Condition", "unless someone gives them a reason to leave", polarity="negative")
    stay = span("Consequence", "They will stay there", type="promise")
    project.add_relation("consequence", unless, stay)
    project.add_relation("holder", unless, ardova_2)
    actor("Tomas Relling", relling.id, after="foreign minister")
    del warned

    others = [d for d in project.documents(ANNOTATOR) if d.id != document.id]
    project.apply(SetStatus(document.id, ANNOTATOR, "in_progress"))
    project.apply(SetStatus(others[0].id, ANNOTATOR, "done"))
    project.apply(SetStatus(others[1].id, ANNOTATOR, "in_progress"))
    start = project.document(others[0].id).text.index("Ostmere")
    project.add_span(others[0].id, ANNOTATOR, "Actor", [(start, start + 7)])
    return document.id


def main() -> int:
    from gui import workers
    from gui.app import make_application, render_window
    from gui.main_window import MainWindow
    from gui.preferences import settings
    from gui.theme import apply_mode

    out = ROOT / "docs"
    with tempfile.TemporaryDirectory() as folder:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                          str(Path(folder) / "settings"))
        os.environ["SAYWHO_DATA_DIR"] = str(Path(folder) / "data")
        path = Path(folder) / "samples.saywho"
        with Project.create(path) as project:
            import_paths(project, sorted(p for p in (ROOT / "resources" / "samples").iterdir()
                                        if p.name != "README.md"))
            document_id = annotate(project)
        app = make_application()
        for theme, name in (("light", "screenshot.png"), ("dark", "screenshot-dark.png")):
            apply_mode(app, theme)
            project = Project.open(path)
            window = MainWindow(project, ANNOTATOR, settings(), persist=False)
            window.resize(1480, 920)
            window.show()
            window.open_document(document_id)
            quote = next(s for s in window.spans.values()
                         if s.label == "Quote" and len(s.fragments) == 2)
            window.select_span(quote.id)
            window.view.verticalScrollBar().setValue(0)
            render_window(window, out / name)
            print(f"wrote {out / name}")
            window.close()
            workers.wait_for_jobs()
            project.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
