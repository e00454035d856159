"""Starting the annotation window: settings, annotator, theme, error handling.

:func:`run` creates the QApplication and opens the last project. The first start (no
annotator name remembered in QSettings) shows the welcome (:mod:`gui.dialogs.welcome`):
the annotator's name (the system user by default), then the sample project, created in
the user data folder from the packaged ``resources/samples``, or a project of their own.
Unexpected exceptions are logged to ``saywho.log`` in the data folder and shown in a
dialog with copyable details.

What is remembered between runs (settings, data folder, recent projects) is in
:mod:`gui.preferences`; the themes are in :mod:`gui.theme`.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

import resources
from gui import workers
from gui.dialogs.project_dialogs import ask_annotator, system_user
from gui.preferences import (
    ANNOTATOR,
    APPLICATION,
    LAST_PROJECT,
    ORGANISATION,
    THEME,
    THEMES,
    data_dir,
    open_project,
    remember_project,
    settings,
)
from gui.theme import apply_mode
from ingest import import_paths
from storage.errors import SaywhoError
from storage.project import Project
from storage.vocabulary import LabelRole

SAMPLES = resources.path("samples")

log = logging.getLogger("saywho")


# ------------------------------------------------------------------ settings


# --------------------------------------------------------------------- theme


# -------------------------------------------------------------------- errors


def log_path() -> Path:
    return data_dir() / "saywho.log"


def install_excepthook() -> None:
    """Logs unexpected exceptions to the data folder and shows them in a dialog."""
    handler = logging.FileHandler(log_path(), encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    sys.excepthook = show_exception


def show_exception(kind: type[BaseException], value: BaseException,
                   tb: TracebackType | None) -> None:
    details = "".join(traceback.format_exception(kind, value, tb))
    log.error("unexpected error\n%s", details)
    if isinstance(value, KeyboardInterrupt):
        QApplication.quit()
        return
    from gui.dialogs.error_dialog import ErrorDialog

    message = str(value) if isinstance(value, SaywhoError) else \
        f"An unexpected error occurred ({kind.__name__}: {value})."
    if QApplication.instance() is None or os.environ.get("SAYWHO_NO_ERROR_DIALOG"):
        sys.__stderr__.write(details) if sys.__stderr__ else None
        return
    dialog = ErrorDialog(message, details, str(log_path()), QApplication.activeWindow())
    dialog.exec()


# ---------------------------------------------------------------- projects


def sample_project(folder: Path | None = None) -> Path:
    """Creates (once) the sample project in the data folder from resources/samples."""
    folder = folder or data_dir()
    path = folder / "samples.saywho"
    if path.exists():
        return path
    with Project.create(path) as project:
        import_paths(project, sorted(p for p in SAMPLES.iterdir() if p.name != "README.md"))
    return path


def make_application(argv: Sequence[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("Saywho")
    app.setStyle("Fusion")
    set_window_icon(app)
    return app


def new_project_beside(source: Path) -> Path:
    """Creates an empty project for ``source`` (a folder or a file): ``NAME.saywho`` beside
    it (``NAME-2.saywho``... when taken), or in the data folder when that folder is read-only.
    """
    stem = source.name if source.is_dir() else source.stem
    for folder in (source.parent, data_dir()):
        candidates = [folder / f"{stem}.saywho",
                      *(folder / f"{stem}-{n}.saywho" for n in range(2, 100))]
        path = next((c for c in candidates if not c.exists()), None)
        if path is None or not os.access(folder, os.W_OK):
            continue
        Project.create(path).close()
        return path
    raise SaywhoError(f"{source}: no folder to save a new project in (beside it, or in "
                      f"{data_dir()})")


def welcome(store: QSettings) -> tuple[str, str, Path | None] | None:
    """The first start: asks who annotates and where to begin (see gui.dialogs.welcome).

    Returns ``(annotator, project location, file or folder to import into it)``, or None
    when the user quits. A project that cannot be created is reported and the welcome is
    shown again.
    """
    from gui.dialogs.welcome import Start, WelcomeDialog

    name = system_user()
    while True:
        dialog = WelcomeDialog(name)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.start is None:
            return None
        name = dialog.annotator()
        ANNOTATOR.write(store, name)
        try:
            if dialog.start is Start.SAMPLE:
                return name, str(sample_project()), None
            assert dialog.source is not None
            if dialog.start is Start.OPEN:
                return name, str(dialog.source), None
            return name, str(new_project_beside(dialog.source)), dialog.source
        except SaywhoError as exc:
            QMessageBox.warning(None, "Saywho", str(exc))


def set_window_icon(app: QApplication) -> None:
    """The application icon (title bars, task switchers) and, on Wayland, the desktop entry."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    desktop = resources.path("desktop")
    for png in sorted((desktop / "icons" / "hicolor").glob(f"*/apps/{resources.APP_ID}.png")):
        icon.addFile(str(png))
    app.setWindowIcon(icon)
    app.setDesktopFileName(resources.APP_ID)


def run(argv: Sequence[str] | None = None, project_location: str | None = None) -> int:
    """Runs the annotation window until it is closed; returns the exit code.

    ``project_location`` is a project to open (a file the desktop passes, a URL); without
    it the last project opens. The first start (no annotator remembered) shows the welcome.
    """
    from gui.main_window import MainWindow

    app = make_application(argv)
    install_excepthook()
    store = settings()
    mode = THEME.read(store)
    apply_mode(app, mode if mode in THEMES else "system")

    annotator = ANNOTATOR.read(store)
    to_import: Path | None = None
    location = project_location or LAST_PROJECT.read(store)
    chosen_now = project_location is not None  # not the remembered last project
    if not annotator and project_location is None:
        started = welcome(store)
        if started is None:
            return 0
        annotator, location, to_import = started
        chosen_now = True
    elif not annotator:
        chosen = ask_annotator(None)
        if chosen is None:
            return 0
        annotator = chosen
        ANNOTATOR.write(store, annotator)

    project: Project | None = None
    if location:
        try:
            project = open_project(location)
        except SaywhoError as exc:
            which = "the project" if chosen_now else "the last project"
            QMessageBox.warning(None, "Saywho", f"Cannot open {which}:\n{exc}\n\n"
                                "Opening the sample project instead.")
    if project is None:
        location = str(sample_project())
        project = open_project(location)
    remember_project(location, store)
    window = MainWindow(project, annotator, store)
    window.show()
    if to_import is not None:
        window.statusBar().showMessage(f"Created {location}; importing {to_import.name}…")
        window.import_paths([to_import])
    code = app.exec()
    workers.wait_for_jobs()
    return code


def render_window(window: QWidget, path: Path) -> Path:
    """Lets the window lay itself out, then saves a screenshot of it as PNG."""
    app = QApplication.instance()
    for _ in range(5):
        if app is not None:
            app.processEvents()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path), "PNG"):
        raise SaywhoError(f"{path}: cannot write the screenshot")
    return path


def screenshot_or_run(location: str, screenshot: Path | None = None,
                      annotator: str | None = None, document: str | None = None,
                      theme: str | None = None, size: tuple[int, int] = (1440, 900)) -> int:
    """Opens the window on a project; with ``screenshot``, saves a PNG and returns.

    Raises:
        SaywhoError: the project cannot be opened, the document does not exist.
    """
    from gui.main_window import MainWindow

    app = make_application()
    store = settings()
    mode = theme or THEME.read(store)
    apply_mode(app, mode if mode in THEMES else "system")
    name = annotator or ANNOTATOR.read(store)
    if not name:
        if screenshot is not None:
            name = system_user()
        else:
            chosen = ask_annotator(None)
            if chosen is None:
                return 0
            name = chosen
            ANNOTATOR.write(store, name)
    project = open_project(location)
    if screenshot is None:
        install_excepthook()
        remember_project(location, store)
    window = MainWindow(project, name, store, persist=screenshot is None)
    if document is not None:
        window.open_document(project.document_by_external_id(document).id)
    if screenshot is not None:
        window.resize(*size)
        window.show()
        quotes = set(project.schema.labels_with_role(LabelRole.QUOTE))
        spans = sorted(window.spans.values(), key=lambda s: (s.label not in quotes, s.start))
        if spans:
            window.select_span(spans[0].id)
        render_window(window, screenshot)
        print(f"wrote {screenshot}")
        window.close()
        workers.wait_for_jobs()
        project.close()
        return 0
    window.show()
    code = app.exec()
    workers.wait_for_jobs()
    return code
